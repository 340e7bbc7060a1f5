"""Marker genes and gene-set scores, with the source of each."""

from __future__ import annotations

from dataclasses import dataclass

# Single-gene markers, in report order; each research-only.
MARKER_GENES: tuple[str, ...] = (
    "CD274",
    "PDCD1LG2",
    "SSTR2",
    "DLL3",
    "SLFN11",
    "MGMT",
    "CHGA",
    "SYP",
    "INSM1",
    "ASCL1",
    "NEUROD1",
    "POU2F3",
    "YAP1",
)

MARKER_NOTES: dict[str, str] = {
    "CD274": "PD-L1 mRNA; research-only surrogate, bulk RNA mixes tumor and immune cells",
    "PDCD1LG2": "PD-L2 mRNA; research-only",
    "SSTR2": "supportive only: SSA/PRRT eligibility is decided by SSTR imaging",
    "DLL3": "research proxy only: DLL3 therapy studies used IHC",
    "SLFN11": "exploratory marker of platinum / PARPi + TMZ sensitivity (PMID:29906251)",
    "MGMT": "low call matters: low MGMT mRNA is a surrogate of MGMT deficiency with "
    "unvalidated cut-offs (PMID:36260828 used IHC / promoter methylation)",
    "CHGA": "neuroendocrine differentiation marker",
    "SYP": "neuroendocrine differentiation marker",
    "INSM1": "neuroendocrine differentiation marker",
    "ASCL1": "SCLC-A transcription factor (Rudin 2019)",
    "NEUROD1": "SCLC-N transcription factor (Rudin 2019)",
    "POU2F3": "SCLC-P transcription factor (Rudin 2019)",
    "YAP1": "SCLC-Y transcription factor (Rudin 2019; subtype contested)",
}

# Ayers et al., J Clin Invest 2017;127:2930 (PMID 28650338): 18-gene T-cell-inflamed GEP.
TCELL_INFLAMED_GEP_GENES: tuple[str, ...] = (
    "CCL5",
    "CD27",
    "CD274",
    "CD276",
    "CD8A",
    "CMKLR1",
    "CXCL9",
    "CXCR6",
    "HLA-DQA1",
    "HLA-DRB1",
    "HLA-E",
    "IDO1",
    "LAG3",
    "NKG7",
    "PDCD1LG2",
    "PSMB10",
    "STAT1",
    "TIGIT",
)

# Core positive components of PI3K/AKT/mTOR signalling (a component expression score, not a
# pathway-activity signature; MSigDB HALLMARK_MTORC1_SIGNALING is not bundled).
MTOR_PI3K_GENES: tuple[str, ...] = (
    "PIK3CA",
    "PIK3CB",
    "PIK3R1",
    "AKT1",
    "AKT2",
    "AKT3",
    "MTOR",
    "RPTOR",
    "RICTOR",
    "RHEB",
    "RPS6KB1",
    "EIF4EBP1",
    "RPS6",
)

# Rudin et al., Nat Rev Cancer 2019: SCLC subtypes by dominant transcription factor.
SCLC_SUBTYPE_GENES: dict[str, str] = {
    "ASCL1": "SCLC-A",
    "NEUROD1": "SCLC-N",
    "POU2F3": "SCLC-P",
    "YAP1": "SCLC-Y",
}
SCLC_SUBTYPE_MIN_Z = 0.5


@dataclass(frozen=True)
class GeneSetScore:
    name: str
    genes: tuple[str, ...]
    note: str


GENE_SET_SCORES: tuple[GeneSetScore, ...] = (
    GeneSetScore(
        "TCELL_INFLAMED_GEP",
        TCELL_INFLAMED_GEP_GENES,
        "18-gene T-cell-inflamed GEP (Ayers 2017, PMID:28650338) as the unweighted mean of "
        "per-gene z-scores; the clinical assay's weights and housekeeping normalisation are not "
        "public/verified, so this is not the clinical GEP score",
    ),
    GeneSetScore(
        "MTOR_PI3K_SCORE",
        MTOR_PI3K_GENES,
        "mTOR/PI3K pathway gene expression score (research-only, not predictive of rapalog "
        "benefit): unweighted mean z-score of core PI3K/AKT/mTOR component genes",
    ),
)

SCORE_NAMES: tuple[str, ...] = (*(s.name for s in GENE_SET_SCORES), "SCLC_SUBTYPE")


def all_needed_genes() -> frozenset[str]:
    """Every gene symbol any marker or score needs."""
    genes = set(MARKER_GENES) | set(SCLC_SUBTYPE_GENES)
    for score in GENE_SET_SCORES:
        genes.update(score.genes)
    return frozenset(genes)

"""Genome-wide and pathway biomarkers of one sample: TMB, MSI, MMR, HRR, differentiation pattern.

Each function returns one biomarkers.json entry (value, call, source, ...; docs/ARCHITECTURE.md).
Thresholds come from BiomarkerSettings, built from the run's Settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nenprofile.ingest.sites import GEP_SITES
from nenprofile.interpret.oncogenicity import GeneInfo, SampleClassification, short_change
from nenprofile.model import PROTEIN_CHANGING_CLASSES, BiomarkerCall, SampleInfo, Variant
from nenprofile.settings import Settings, schema_default
from nenprofile.vocab import MMR_GENES

HRR_CORE_GENES = ("BRCA1", "BRCA2", "PALB2")
HRR_PATHWAY = "Homologous recombination"
NET_GENES = ("MEN1", "DAXX", "ATRX")
NSCLC_LIKE_GENES = ("STK11", "KEAP1", "KRAS")

HISTOLOGY_NOTE = (
    "molecular pattern supports but never replaces histology "
    "(WHO 2019/2022: differentiation decides)"
)
# Rindi 2018 (WHO/IARC framework), Jiao 2011 (PanNET), Venizelos 2021 (GEP NET G3/NEC),
# PanNET vs PanNEC table (Arch Pathol Lab Med 2019), colorectal NEC (GENIE), Rekhtman 2016.
PATTERN_CITATIONS = "PMID:30140036;PMID:21252315;PMC8630776;PMC7141760;PMID:33041225"
LUNG_PATTERN_CITATIONS = "PMID:30140036;PMC4995776"
TMB_CITATIONS = "PMID:28420421"  # Chalmers 2017: panel vs WES TMB; variance below ~0.5 Mb


@dataclass(frozen=True)
class BiomarkerSettings:
    """TMB and MSI thresholds; defaults are the config schema's."""

    target_size_mb: float = float(schema_default("tmb.target_size_mb"))
    tmb_high_threshold: float = float(schema_default("tmb.high_threshold"))
    tmb_min_vaf: float = float(schema_default("tmb.min_vaf"))
    max_population_af: float = float(schema_default("filters.max_population_af"))
    msi_min_indel_fraction: float = float(schema_default("msi.min_indel_fraction"))

    @classmethod
    def from_settings(cls, settings: Settings) -> BiomarkerSettings:
        return cls(
            target_size_mb=settings.tmb.target_size_mb,
            tmb_high_threshold=settings.tmb.high_threshold,
            tmb_min_vaf=settings.tmb.min_vaf,
            max_population_af=settings.filters.max_population_af,
            msi_min_indel_fraction=settings.msi_min_indel_fraction,
        )


# ----------------------------------------------------------------------------- TMB


@dataclass
class TmbTally:
    """What TMB and the indel fraction need from every variant of a sample, counted as the
    variants stream past, so the variants themselves need not be kept. Counted both ways
    (protein-changing only, and any class) because whether consequences are unknown is only
    known at the end."""

    settings: BiomarkerSettings
    variants: int = 0
    unknown_class: int = 0
    coding: int = 0  # eligible and protein-changing
    coding_indels: int = 0
    any_class: int = 0  # eligible whatever the class
    any_class_indels: int = 0

    @classmethod
    def of(cls, variants: Iterable[Variant], settings: BiomarkerSettings) -> TmbTally:
        tally = cls(settings)
        for variant in variants:
            tally.add(variant)
        return tally

    def add(self, variant: Variant) -> None:
        """Eligible: not a likely germline polymorphism (population AF below the maximum)
        and at or above the minimum VAF (unknown VAF counts); then counted as coding when
        its class is protein-changing."""
        self.variants += 1
        cls = variant.variant_class
        if cls == "unknown":
            self.unknown_class += 1
        af = variant.population_af
        if af is not None and af >= self.settings.max_population_af:
            return
        vaf = variant.vaf
        if vaf is not None and vaf < self.settings.tmb_min_vaf:
            return
        indel = len(variant.ref) != len(variant.alt)
        self.any_class += 1
        self.any_class_indels += indel
        if cls in PROTEIN_CHANGING_CLASSES:
            self.coding += 1
            self.coding_indels += indel

    def may_count(self, variant: Variant) -> bool:
        """Whether the variant may count toward TMB: eligible, and protein-changing or of
        unknown class (all-unknown files count every eligible variant)."""
        af, vaf = variant.population_af, variant.vaf
        return (
            (af is None or af < self.settings.max_population_af)
            and (vaf is None or vaf >= self.settings.tmb_min_vaf)
            and (
                variant.variant_class in PROTEIN_CHANGING_CLASSES
                or variant.variant_class == "unknown"
            )
        )

    def merge(self, other: TmbTally) -> None:
        for name in COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def consequences_unknown(self, annotation: str) -> bool:
        if annotation == "gene-overlap":
            return True
        return self.variants > 0 and self.unknown_class == self.variants

    def counted(self, annotation: str) -> tuple[int, int]:
        """(mutations counted toward TMB, indels among them)."""
        if self.consequences_unknown(annotation):
            return self.any_class, self.any_class_indels
        return self.coding, self.coding_indels


COUNTERS = ("variants", "unknown_class", "coding", "coding_indels", "any_class",
            "any_class_indels")  # fmt: skip


def as_tally(variants: Iterable[Variant] | TmbTally, settings: BiomarkerSettings) -> TmbTally:
    """variants' TmbTally: every variant of a sample counted, or the tally already made."""
    return variants if isinstance(variants, TmbTally) else TmbTally.of(variants, settings)


def compute_tmb(
    variants: Sequence[Variant] | TmbTally,
    *,
    annotation: str,
    tumor_only: bool,
    settings: BiomarkerSettings,
) -> dict[str, Any]:
    tally = as_tally(variants, settings)
    count_all = tally.consequences_unknown(annotation)
    n_counted = tally.counted(annotation)[0]
    territory = settings.target_size_mb
    value = round(n_counted / territory, 2)
    high = value >= settings.tmb_high_threshold
    what = (
        "consequences unknown: all coding-territory variants counted"
        if count_all
        else "coding non-synonymous somatic variants"
    )
    source = (
        f"{what}; population AF >= {settings.max_population_af} and VAF < "
        f"{settings.tmb_min_vaf} excluded; {n_counted} / {territory} Mb; "
        f"threshold {settings.tmb_high_threshold:g} mut/Mb (FDA F1CDx cut-off)"
    )
    if tumor_only:
        source += "; tumor-only: residual germline variants and CHIP may inflate TMB"
    if territory < 0.5:
        source += f"; territory below 0.5 Mb: high variance ({TMB_CITATIONS})"
    return {
        "value": value,
        "unit": "mut/Mb",
        "call": "TMB-high" if high else "TMB-low",
        "threshold": settings.tmb_high_threshold,
        "n_mutations": n_counted,
        "territory_mb": territory,
        "source": source,
    }


def indel_fraction(
    variants: Sequence[Variant] | TmbTally, *, annotation: str, settings: BiomarkerSettings
) -> float | None:
    """Share of indels among the TMB-counted mutations (None when none are counted)."""
    tally = as_tally(variants, settings)
    counted, indels = tally.counted(annotation)
    return indels / counted if counted else None


# ----------------------------------------------------------------------------- MSI / MMR


def mmr_biallelic_genes(classification: SampleClassification) -> list[str]:
    return sorted(gene for gene in MMR_GENES if gene in classification.biallelic)


def mmr_altered_genes(classification: SampleClassification) -> list[str]:
    oncogenic = classification.oncogenic_genes()
    return sorted(gene for gene in MMR_GENES if gene in oncogenic)


def infer_msi(
    sample: SampleInfo,
    classification: SampleClassification,
    tmb: Mapping[str, Any],
    fraction_of_indels: float | None,
    settings: BiomarkerSettings,
) -> dict[str, Any]:
    if sample.msi_status in ("MSI-H", "MSS"):
        return {"value": sample.msi_status, "call": sample.msi_status, "source": "sample sheet"}
    biallelic = mmr_biallelic_genes(classification)
    indels_ok = (
        fraction_of_indels is not None and fraction_of_indels >= settings.msi_min_indel_fraction
    )
    if biallelic and tmb["call"] == "TMB-high" and indels_ok:
        return {
            "value": "suspected MSI-H",
            "call": "suspected MSI-H",
            "source": (
                f"inferred, not a validated MSI test: biallelic {', '.join(biallelic)} loss, "
                f"TMB {tmb['value']} mut/Mb, indel fraction {fraction_of_indels:.2f} "
                f"(>= {settings.msi_min_indel_fraction}); confirm by MSI PCR/NGS or MMR IHC"
            ),
        }
    return {
        "value": "unknown",
        "call": "unknown",
        "source": "no MSI result in the sample sheet; sequencing evidence insufficient to infer",
    }


def mmr_status(classification: SampleClassification, msi: Mapping[str, Any]) -> BiomarkerCall:
    altered = mmr_altered_genes(classification)
    biallelic = mmr_biallelic_genes(classification)
    if biallelic:
        rules = "; ".join(f"{g}: {classification.biallelic[g].rule}" for g in biallelic)
        return BiomarkerCall(
            value=altered,
            call=f"dMMR (biallelic {', '.join(biallelic)})",
            source=f"sequencing: {rules}",
            deficient=True,
        )
    if msi["call"] == "MSI-H":
        return BiomarkerCall(
            value=altered, call="dMMR (MSI-H)", source=f"MSI {msi['source']}", deficient=True
        )
    if altered:
        return BiomarkerCall(
            value=altered,
            call=f"MMR alteration (monoallelic {', '.join(altered)})",
            source=(
                "a single MMR mutation is not dMMR: confirm with MSI testing, MMR IHC or "
                "mutational signature"
            ),
        )
    return BiomarkerCall(
        value=[],
        call="MMR intact",
        source="no oncogenic MMR gene alteration detected by sequencing",
    )


# ----------------------------------------------------------------------------- HRR


def hrr_status(
    classification: SampleClassification, genes: Mapping[str, GeneInfo]
) -> BiomarkerCall:
    hr_genes = set(HRR_CORE_GENES) | {
        symbol for symbol, entry in genes.items() if getattr(entry, "pathway", "") == HRR_PATHWAY
    }
    altered = sorted(hr_genes & classification.oncogenic_genes())
    deficient = [g for g in altered if g in HRR_CORE_GENES and g in classification.biallelic]
    if deficient:
        rules = "; ".join(f"{g}: {classification.biallelic[g].rule}" for g in deficient)
        return BiomarkerCall(
            value=altered,
            call=f"HRR-deficient (biallelic {', '.join(deficient)})",
            source=f"sequencing: {rules}",
            deficient=True,
        )
    if altered:
        parts = [
            f"{g} {'biallelic' if g in classification.biallelic else 'monoallelic'}"
            for g in altered
        ]
        return BiomarkerCall(
            value=altered,
            call=f"HRR alteration ({', '.join(parts)})",
            source=(
                "HRR deficiency is called only for biallelic BRCA1, BRCA2 or PALB2 loss; "
                "germline vs somatic origin not determined"
            ),
        )
    return BiomarkerCall(
        value=[],
        call="no HRR alteration",
        source="no oncogenic homologous-recombination gene alteration detected",
    )


# ----------------------------------------------------------------------------- pattern


def _has_braf_v600e(classification: SampleClassification) -> bool:
    return any(
        item.variant.gene == "BRAF"
        and short_change(item.variant.hgvsp) == "V600E"
        and item.classification.is_oncogenic
        for item in classification.variants
    )


def differentiation_pattern(
    sample: SampleInfo, classification: SampleClassification
) -> dict[str, Any]:
    """NET-G3-like vs NEC-like (and lung subtypes) from the genotype (nen-facts §1.2)."""
    oncogenic = classification.oncogenic_genes()
    tp53 = "TP53" in oncogenic
    rb1 = "RB1" in oncogenic
    rb1_copy_loss = classification.copy_loss("RB1")
    net_hits = [g for g in NET_GENES if g in oncogenic]
    evidence: list[str] = []
    if tp53:
        evidence.append("TP53 oncogenic alteration")
    if rb1:
        evidence.append("RB1 oncogenic alteration")
    elif rb1_copy_loss:
        evidence.append("RB1 copy loss")
    evidence += [f"{g} oncogenic alteration" for g in net_hits]

    if sample.tumor_site == "lung":
        nsclc_hits = [g for g in NSCLC_LIKE_GENES if g in oncogenic]
        evidence += [f"{g} oncogenic alteration" for g in nsclc_hits if g not in net_hits]
        if tp53 and rb1:
            pattern = "SCLC-like"
        elif nsclc_hits:
            pattern = "NSCLC-like"
        elif "MEN1" in net_hits and not tp53:
            pattern = "carcinoid-like"
        else:
            pattern = "indeterminate"
        citations = LUNG_PATTERN_CITATIONS
    else:
        adeno_hits: list[str] = [g for g in ("KRAS", "APC") if g in oncogenic]
        if _has_braf_v600e(classification):
            adeno_hits.append("BRAF V600E")
        gep = sample.tumor_site in GEP_SITES
        if gep:
            evidence += [f"{g} oncogenic alteration" for g in adeno_hits]
        if net_hits and not tp53 and not rb1 and not (gep and adeno_hits):
            pattern = "NET-G3-like"
        elif gep and adeno_hits and not net_hits:
            pattern = "adenocarcinoma-like NEC/MiNEN"
        elif tp53 and (rb1 or rb1_copy_loss) and not net_hits:
            pattern = "NEC-like"
        else:
            pattern = "indeterminate"
        citations = PATTERN_CITATIONS
    if not evidence:
        evidence.append("no pattern-defining alteration")
    result: dict[str, Any] = {
        "value": pattern,
        "call": pattern,
        "evidence": evidence,
        "source": "molecular pattern; histology decides",
        "note": HISTOLOGY_NOTE,
        "citations": citations,
    }
    conflict = pattern_conflict(pattern, sample.differentiation)
    if conflict:
        result["conflict"] = conflict
    return result


def pattern_conflict(pattern: str, differentiation: str) -> str | None:
    """Text when the genotype pattern disagrees with the sheet's differentiation."""
    well_patterns = {"NET-G3-like", "carcinoid-like"}
    poor_patterns = {"NEC-like", "SCLC-like", "NSCLC-like", "adenocarcinoma-like NEC/MiNEN"}
    if (pattern in well_patterns and differentiation == "poor") or (
        pattern in poor_patterns and differentiation == "well"
    ):
        return (
            f"{pattern} genotype but sample sheet differentiation '{differentiation}': "
            "review histology; histology decides"
        )
    return None


# ----------------------------------------------------------------------------- all


def compute_biomarkers(
    sample: SampleInfo,
    variants: Sequence[Variant] | TmbTally,
    classification: SampleClassification,
    genes: Mapping[str, GeneInfo],
    *,
    annotation: str,
    tumor_only: bool,
    settings: BiomarkerSettings | None = None,
) -> dict[str, Any]:
    """tmb, msi, mmr, hrr and differentiation_pattern entries of biomarkers.json; variants
    is every variant of the sample, or their TmbTally."""
    settings = settings or BiomarkerSettings()
    tally = as_tally(variants, settings)
    tmb = compute_tmb(tally, annotation=annotation, tumor_only=tumor_only, settings=settings)
    fraction = indel_fraction(tally, annotation=annotation, settings=settings)
    msi = infer_msi(sample, classification, tmb, fraction, settings)
    return {
        "tmb": tmb,
        "msi": msi,
        "mmr": mmr_status(classification, msi),
        "hrr": hrr_status(classification, genes),
        "differentiation_pattern": differentiation_pattern(sample, classification),
    }

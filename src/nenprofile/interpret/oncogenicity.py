"""Oncogenicity of variants, copy-number calls and fusions, and biallelic status per gene.

Rules follow the ClinGen/CGC/VICC oncogenicity SOP (Horak et al., Genet Med 2022,
PMID 35101336) in a reduced, documented form (nen-facts §2.1):

- tumor suppressor: null variant (frameshift, nonsense, canonical splice, start lost) or deep
  deletion -> Oncogenic (OVS1); known loss-of-function missense from the KB -> Likely oncogenic.
- oncogene: KB activating variant -> Oncogenic (OS1); truncation -> VUS (usually not
  activating); amplification -> Likely oncogenic (gene-level calls cannot prove focality).
- any gene: cancerhotspots.org hotspot meeting OS3 -> Oncogenic, other hotspots (OM3/OP3) ->
  Likely oncogenic; in-frame indels -> VUS (OM2) unless inside a hotspot indel region ->
  Likely oncogenic; ClinVar (likely) pathogenic -> at least Likely oncogenic.
- kinase fusions with the kinase as 3' partner (ALK, BRAF, NTRK1-3, RET, ROS1, PDGFRA/B,
  FGFR1), FGFR1-3 fusions with FGFR as the 5' partner (kinase domain retained, e.g.
  FGFR2::BICC1, FGFR3::TACC3) and NRG1 fusions with NRG1 as 3' partner (EGF-like domain)
  -> Oncogenic unless out of frame; TMPRSS2::ERG (androgen-driven ERG) -> Likely oncogenic;
  MET exon 14 skipping (RNA exon 13->15 junctions, and reference.met_exon14 for DNA:
  canonical splice sites or a deletion across a boundary -> Oncogenic; splice region,
  D1010/Y1003 or in-frame deletions of exon 14 residues, each on its own transcript's
  numbering -> Likely oncogenic); a low-support fusion (fusions.FusionEvidence) -> VUS with a
  caveat, whatever its partners.
- genes marked null_variant_oncogenic: false in the KB (essential kinases such as ATR and
  CHEK1) do not get OVS1 for truncating variants.
- genes marked biallelic_only in the KB (recessive: MUTYH) are drivers only when biallelic;
  a monoallelic (Likely) oncogenic hit becomes a VUS flagged as a possible germline carrier
  finding (Classification.germline_carrier), which the germline referral still reads.
- germline guard: KB polymorphisms, known benign truncating variants (reference.benign, e.g.
  BRCA2 K3326*) and population AF >= max_population_af -> Likely benign.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from nenprofile.ingest.fusions import LOW_SUPPORT, is_met_exon14_skipping
from nenprofile.model import TRUNCATING_CLASSES, Fusion, GeneCopyNumber, Variant
from nenprofile.reference import met_exon14
from nenprofile.reference.benign import find_known_benign
from nenprofile.reference.hotspots import HotspotHit, HotspotTable
from nenprofile.reference.met_exon14 import MET_EX14_SOURCE
from nenprofile.settings import Settings, schema_default
from nenprofile.vocab import (
    LIKELY_BENIGN,
    LIKELY_ONCOGENIC,
    ONCOGENIC,
    ONCOGENIC_CALLS,
    ONCOGENICITY_LEVELS,
    VUS,
)

_RANK = {level: rank for rank, level in enumerate(ONCOGENICITY_LEVELS)}

TUMOR_SUPPRESSOR_ROLES = frozenset({"tumor_suppressor", "both"})
ONCOGENE_ROLES = frozenset({"oncogene", "both"})
# Kinases whose fusions drive tumors when the kinase domain is the 3' partner.
KINASE_3PRIME_DRIVERS = frozenset(
    {"ALK", "BRAF", "NTRK1", "NTRK2", "NTRK3", "RET", "ROS1", "PDGFRA", "PDGFRB", "FGFR1"}
)
# FGFR1-3 fuse as the 5' partner: the kinase is kept and the C-terminal partner dimerises it.
KINASE_5PRIME_DRIVERS = frozenset({"FGFR1", "FGFR2", "FGFR3"})
# NRG1 fusions keep the EGF-like domain of NRG1 as the 3' partner (an ERBB3 ligand).
LIGAND_3PRIME_DRIVERS = frozenset({"NRG1"})
# TMPRSS2::ERG puts ERG under the androgen-regulated TMPRSS2 promoter (Tomlins et al.
# Science 2005, PMID:16254181); prostate cancer
ANDROGEN_DRIVEN_FUSIONS = frozenset({("TMPRSS2", "ERG")})
# how strongly each MET exon 14 route implies skipping (reference.met_exon14)
_EXON14_CALLS = {
    met_exon14.DISRUPTS: ONCOGENIC,
    met_exon14.SPLICE_REGION: LIKELY_ONCOGENIC,
    met_exon14.KNOWN_CHANGE: LIKELY_ONCOGENIC,
    met_exon14.EXON14_RESIDUE_DELETION: LIKELY_ONCOGENIC,
}
CHIP_GENES = frozenset({"DNMT3A", "TET2"})
CHIP_CAVEAT = "may arise from clonal haematopoiesis; confirm with matched normal"
INFRAME_CLASSES = frozenset({"inframe_insertion", "inframe_deletion"})
_RESIDUE_ONLY = re.compile(r"^[A-Z*]\d+$")
_RESIDUE_RANGE = re.compile(r"^(\d+)-(\d+)$")
_CHANGE_POSITION = re.compile(r"^[A-Z*](\d+)")


class GeneInfo(Protocol):
    """The parts of knowledgebase.GeneEntry that classification reads (read-only)."""

    @property
    def symbol(self) -> str: ...
    @property
    def role(self) -> str: ...
    @property
    def activating(self) -> tuple[str, ...]: ...
    @property
    def lof_missense(self) -> tuple[str, ...]: ...
    @property
    def polymorphisms(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class OncogenicitySettings:
    max_population_af: float = float(schema_default("filters.max_population_af"))
    loh_vaf_margin: float = 0.1  # VAF above purity/2 + margin implies loss of the wild type
    loh_vaf_without_purity: float = 0.8  # conservative LOH hint when purity is unknown

    @classmethod
    def from_settings(cls, settings: Settings) -> OncogenicitySettings:
        return cls(max_population_af=settings.filters.max_population_af)


@dataclass
class Classification:
    oncogenicity: str
    evidence: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    hotspot: HotspotHit | None = None
    exon14_skipping: str | None = None  # how a MET variant was found to skip exon 14
    germline_carrier: bool = False  # one hit in a recessive (biallelic_only) gene

    @property
    def is_oncogenic(self) -> bool:
        return self.oncogenicity in ONCOGENIC_CALLS

    @property
    def evidence_text(self) -> str:
        return "; ".join(self.evidence)

    def raise_to(self, level: str, reason: str) -> None:
        """Record a rule; the call becomes the strongest level any rule reached."""
        self.evidence.append(reason)
        if _RANK[level] > _RANK[self.oncogenicity]:
            self.oncogenicity = level


@dataclass(frozen=True)
class BiallelicCall:
    gene: str
    rule: str  # which evidence made the gene biallelic


def short_change(hgvsp: str | None) -> str | None:
    """'p.V600E' -> 'V600E' (transcript prefix and parentheses removed)."""
    if not hgvsp:
        return None
    text = hgvsp.strip().rsplit(":", 1)[-1]
    return text.removeprefix("p.").strip("()") or None


def matches_listed_change(change: str | None, listed: Iterable[str]) -> str | None:
    """The KB entry that matches: 'V600E' exactly, residue 'H1047' (any change there) or
    residue range '268-471' (any change starting inside it)."""
    if change is None:
        return None
    position_match = _CHANGE_POSITION.match(change)
    for entry in listed:
        if change == entry:
            return entry
        if (span := _RESIDUE_RANGE.match(entry)) and position_match:
            if int(span.group(1)) <= int(position_match.group(1)) <= int(span.group(2)):
                return entry
            continue
        if _RESIDUE_ONLY.match(entry) and change.startswith(entry):
            rest = change[len(entry) :]
            if rest and not rest[0].isdigit():
                return entry
    return None


def classify_variant(
    variant: Variant,
    gene: GeneInfo,
    *,
    tumor_only: bool,
    settings: OncogenicitySettings | None = None,
    hotspots: HotspotTable | None = None,
    build: str | None = None,
) -> Classification:
    """Oncogenicity of one small variant in a knowledge-base gene (``build`` places MET exon
    14 splice sites for variants without HGVSc)."""
    settings = settings or OncogenicitySettings()
    # `is None`, not truthiness: len() of a HotspotTable sums over its genes, per variant
    hotspots = hotspots if hotspots is not None else HotspotTable.load()
    change = short_change(variant.hgvsp)
    result = Classification(VUS)
    if gene.symbol in CHIP_GENES and tumor_only:
        result.caveats.append(f"{gene.symbol} variant {CHIP_CAVEAT}")

    polymorphism = matches_listed_change(change, gene.polymorphisms)
    if polymorphism is not None:
        result.oncogenicity = LIKELY_BENIGN
        result.evidence.append(
            f"known polymorphism {gene.symbol} {polymorphism} (KB): never oncogenic"
        )
        return result
    benign = find_known_benign(gene.symbol, change, variant.hgvsc, variant.existing_variation)
    if benign is not None:
        result.oncogenicity = LIKELY_BENIGN
        result.evidence.append(benign.describe())
        return result
    af = variant.population_af
    if af is not None and af >= settings.max_population_af:
        where = "tumor-only: " if tumor_only else ""
        result.oncogenicity = LIKELY_BENIGN
        result.evidence.append(f"population AF {af:.2f} ({where}likely germline polymorphism)")
        return result

    role = gene.role
    klass = variant.variant_class
    if klass == "unknown" and change is None:
        result.evidence.append("consequence unknown (no functional annotation)")
    if klass in TRUNCATING_CLASSES:
        if not getattr(gene, "null_variant_oncogenic", True):
            result.evidence.append(
                f"{klass} in {gene.symbol}: essential gene, null variants are not evidence of "
                "oncogenicity (KB)"
            )
        elif role in TUMOR_SUPPRESSOR_ROLES:
            result.raise_to(ONCOGENIC, f"OVS1: {klass} in tumor suppressor {gene.symbol}")
        elif role == "oncogene":
            result.evidence.append(f"{klass} in oncogene {gene.symbol}: usually not activating")

    activating = matches_listed_change(change, gene.activating)
    if activating is not None:  # KB-listed, whatever the role (e.g. DNMT3A R882)
        if _RESIDUE_RANGE.match(activating):
            # a region is weaker evidence than a named variant: not every change there activates
            result.raise_to(
                LIKELY_ONCOGENIC,
                f"OM1: in KB activating region {gene.symbol} {activating} (residues)",
            )
        else:
            result.raise_to(
                ONCOGENIC, f"OS1: known activating variant {gene.symbol} {activating} (KB)"
            )
    lof = matches_listed_change(change, gene.lof_missense)
    if lof is not None and role in TUMOR_SUPPRESSOR_ROLES:
        result.raise_to(
            LIKELY_ONCOGENIC, f"known loss-of-function missense {gene.symbol} {lof} (KB)"
        )

    hit = hotspots.lookup(gene.symbol, _hotspot_hgvsp(variant, gene.symbol, change))
    result.hotspot = hit
    if klass in INFRAME_CLASSES or (hit is not None and hit.type == "inframe_indel"):
        if hit is not None and hit.type == "inframe_indel":
            result.raise_to(
                LIKELY_ONCOGENIC, f"OM2: in-frame indel inside hotspot region; {hit.describe()}"
            )
        else:
            result.evidence.append(f"OM2: in-frame indel in {gene.symbol} (moderate only)")
    elif hit is not None:
        level = ONCOGENIC if hit.meets_os3 else LIKELY_ONCOGENIC
        result.raise_to(level, f"{hit.horak_code}: {hit.describe()}")

    if gene.symbol == "MET":
        skipping = met_exon14_skipping(variant, build)
        if skipping is not None:
            result.raise_to(
                _EXON14_CALLS[skipping.strength], f"{MET_EX14_SOURCE}: {skipping.description}"
            )
            result.exon14_skipping = skipping.description
    if is_clinvar_pathogenic(variant.clinvar):
        result.raise_to(LIKELY_ONCOGENIC, f"ClinVar: {variant.clinvar}")
    if not result.evidence:
        result.evidence.append(f"{klass} in {gene.symbol}: no oncogenicity rule met")
    return result


def met_exon14_skipping(variant: Variant, build: str | None) -> met_exon14.Exon14Evidence | None:
    """The strongest MET exon 14 evidence of a variant: its HGVSc, its genomic position (for
    records without HGVSc) or its protein change, each on its own transcript."""
    found = [
        met_exon14.evidence_from_hgvsc(variant.hgvsc, variant.transcript),
        met_exon14.evidence_from_position(
            build, variant.chrom, variant.pos, variant.ref, variant.alt
        ),
        met_exon14.evidence_from_protein(short_change(variant.hgvsp), variant.transcript),
    ]
    ranked = [e for e in found if e is not None]
    if not ranked:
        return None
    return max(ranked, key=lambda e: _RANK[_EXON14_CALLS[e.strength]])


def _hotspot_hgvsp(variant: Variant, gene: str, change: str | None) -> str | None:
    """The protein change in the hotspot table's numbering: MET on NM_001127500 is renumbered
    to NM_000245 (None where no verified number exists)."""
    if gene != "MET" or change is None:
        return variant.hgvsp
    mane = met_exon14.mane_protein_change(change, variant.transcript)
    return f"p.{mane}" if mane else None


def is_clinvar_pathogenic(clinvar: str | None) -> bool:
    text = (clinvar or "").lower()
    return "pathogenic" in text and "conflicting" not in text and "benign" not in text


def classify_copy_number(call: GeneCopyNumber, gene: GeneInfo) -> Classification | None:
    """Oncogenicity of an amplification or deep deletion; None for other calls. The evidence
    names the segment (or row) that decided the call; a resolved conflict is a caveat."""
    result = _copy_number_rule(call, gene)
    if result is not None:
        if call.segment:
            result.evidence.append(f"decided by {call.segment}")
        if call.note:
            result.caveats.append(call.note)
    return result


def _copy_number_rule(call: GeneCopyNumber, gene: GeneInfo) -> Classification | None:
    if call.call == "DEEPDEL":
        if gene.role in TUMOR_SUPPRESSOR_ROLES:
            return Classification(
                ONCOGENIC, [f"OVS1: deep (homozygous) deletion of tumor suppressor {gene.symbol}"]
            )
        return Classification(VUS, [f"deep deletion of {gene.role} {gene.symbol}: effect unknown"])
    if call.call == "AMP":
        if gene.role in ONCOGENE_ROLES | {"marker"}:
            return Classification(
                LIKELY_ONCOGENIC,
                [f"amplification of {gene.symbol} (gene-level call; focality not assessed)"],
            )
        return Classification(VUS, [f"amplification of tumor suppressor {gene.symbol}"])
    return None


def fusion_driver_gene(fusion: Fusion, genes: Mapping[str, GeneInfo]) -> str | None:
    """The gene a fusion is reported under: the 3' kinase or ligand driver, a 5' FGFR kinase,
    else a KB partner."""
    if fusion.gene3 in KINASE_3PRIME_DRIVERS | LIGAND_3PRIME_DRIVERS:
        return fusion.gene3
    if fusion.gene5 in KINASE_5PRIME_DRIVERS:
        return fusion.gene5
    for partner in (fusion.gene5, fusion.gene3):
        if partner in genes:
            return partner
    return None


def classify_fusion(fusion: Fusion) -> Classification:
    """Oncogenicity of a fusion from its partners' roles, its frame and its read support."""
    name = fusion.name
    if fusion.support == LOW_SUPPORT:
        return Classification(
            VUS,
            [f"{name}: low-support fusion ({fusion.support_note}); not called oncogenic"],
            [f"{name} is low-support ({fusion.support_note}): confirm by an orthogonal assay"],
        )
    support = [f"support: {fusion.support_note}"] if fusion.support_note else []
    if is_met_exon14_skipping(fusion):
        reason = f"{name}: exon 13 joined to exon 15, {MET_EX14_SOURCE}"
        return Classification(ONCOGENIC, [reason, *support])
    if (fusion.gene5, fusion.gene3) in ANDROGEN_DRIVEN_FUSIONS:
        reason = f"{name}: {fusion.gene3} overexpressed from the androgen-regulated " + (
            f"{fusion.gene5} promoter (PMID:16254181)"
        )
        return Classification(LIKELY_ONCOGENIC, [reason, *support])
    driver = _fusion_mechanism(fusion)
    if driver is None:
        if fusion.gene5 in KINASE_3PRIME_DRIVERS:
            reason = f"{fusion.gene5} is the 5' partner (kinase domain not retained)"
            return Classification(VUS, [f"{name}: {reason}", *support])
        return Classification(VUS, [f"{name}: functional effect unknown", *support])
    gene, mechanism = driver
    if fusion.in_frame is False:
        return Classification(VUS, [f"{name}: out-of-frame fusion of {gene}", *support])
    frame = ", in frame" if fusion.in_frame else ""
    return Classification(ONCOGENIC, [f"{name}: {mechanism}{frame}", *support])


def _fusion_mechanism(fusion: Fusion) -> tuple[str, str] | None:
    """(driver gene, how the fusion activates it) or None."""
    if fusion.gene3 in KINASE_3PRIME_DRIVERS:
        return fusion.gene3, f"{fusion.gene3} kinase fusion with kinase as 3' partner"
    if fusion.gene5 in KINASE_5PRIME_DRIVERS:
        return fusion.gene5, f"{fusion.gene5} kinase retained as 5' partner"
    if fusion.gene3 in LIGAND_3PRIME_DRIVERS:
        return fusion.gene3, f"{fusion.gene3} EGF-like domain retained as 3' partner"
    return None


TRANS = "in trans (phased)"
CIS = "in cis"
PHASE_UNKNOWN = "phase unknown"


def distinct_variants(variants: Sequence[Variant]) -> list[Variant]:
    """One of each (chrom, pos, ref, alt): the same event written twice is one hit."""
    seen: set[tuple[str, int, str, str]] = set()
    distinct = []
    for variant in variants:
        key = (variant.chrom, variant.pos, variant.ref, variant.alt)
        if key not in seen:
            seen.add(key)
            distinct.append(variant)
    return distinct


def _haplotypes(variant: Variant) -> tuple[str, frozenset[int]] | None:
    """(phase set, haplotypes carrying the ALT) of a phased tumor genotype; None unphased."""
    genotype = variant.extra.get("phased_genotype")
    phase_set = variant.extra.get("phase_set")
    if not genotype or not phase_set:
        return None
    alleles = genotype.split("|")
    return phase_set, frozenset(i for i, a in enumerate(alleles) if a not in ("0", "."))


def hits_phase(variants: Sequence[Variant]) -> str:
    """TRANS when two hits sit on different haplotypes of one phase set (GT 0|1 and 1|0,
    same PS); CIS when every pair shares its haplotype(s); PHASE_UNKNOWN otherwise."""
    phased = [_haplotypes(v) for v in variants]
    unknown = False
    for i, first in enumerate(phased):
        for second in phased[i + 1 :]:
            if first is None or second is None or first[0] != second[0]:
                unknown = True
                continue
            if first[1] != second[1] or len(first[1]) > 1:
                return TRANS
    return PHASE_UNKNOWN if unknown else CIS


def infer_biallelic(
    gene: str,
    oncogenic_variants: Sequence[Variant],
    copy_number: GeneCopyNumber | None,
    *,
    purity: float | None,
    settings: OncogenicitySettings | None = None,
) -> BiallelicCall | None:
    """Biallelic inactivation of a tumor suppressor, with the rule that established it.

    Rules, first match wins: deep deletion; two distinct oncogenic hits not shown to be in
    cis (the rule names their phase: in trans, or unknown); one hit plus LOH or
    heterozygous loss from copy number; one hit with VAF implying loss of the wild-type allele
    (VAF > purity/2 + margin, or VAF >= 0.8 when purity is unknown).
    """
    settings = settings or OncogenicitySettings()
    if copy_number is not None and copy_number.call == "DEEPDEL":
        return BiallelicCall(gene, "deep deletion")
    oncogenic_variants = distinct_variants(oncogenic_variants)
    if len(oncogenic_variants) >= 2:
        phase = hits_phase(oncogenic_variants)
        if phase != CIS:
            return BiallelicCall(
                gene, f"two oncogenic hits ({len(oncogenic_variants)} variants; {phase})"
            )
        # every hit on one haplotype: as one hit for the rules below
        oncogenic_variants = oncogenic_variants[:1]
    if not oncogenic_variants:
        return None
    if copy_number is not None and copy_number.loh:
        return BiallelicCall(gene, "second hit LOH (copy number)")
    if copy_number is not None and copy_number.call == "HETLOSS":
        return BiallelicCall(gene, "second hit heterozygous deletion (copy number)")
    vaf = oncogenic_variants[0].vaf
    if vaf is None:
        return None
    if purity is not None:
        limit = purity / 2 + settings.loh_vaf_margin
        if vaf > limit:
            return BiallelicCall(
                gene, f"second hit LOH inferred: VAF {vaf:.2f} > purity/2 + margin ({limit:.2f})"
            )
        return None
    if vaf >= settings.loh_vaf_without_purity:
        return BiallelicCall(
            gene,
            f"second hit LOH suggested: VAF {vaf:.2f} >= {settings.loh_vaf_without_purity} "
            "(purity unknown)",
        )
    return None


@dataclass
class ClassifiedVariant:
    variant: Variant
    classification: Classification


@dataclass
class ClassifiedCopyNumber:
    call: GeneCopyNumber
    classification: Classification


@dataclass
class ClassifiedFusion:
    fusion: Fusion
    gene: str
    classification: Classification


@dataclass
class SampleClassification:
    """Every knowledge-base alteration of one sample with its call, plus biallelic genes."""

    variants: list[ClassifiedVariant]
    copy_numbers: list[ClassifiedCopyNumber]  # AMP and DEEPDEL calls in KB genes
    fusions: list[ClassifiedFusion]
    copy_number_by_gene: dict[str, GeneCopyNumber]
    biallelic: dict[str, BiallelicCall]

    def oncogenic_genes(self) -> set[str]:
        """Genes with at least one Oncogenic / Likely oncogenic alteration of any kind."""
        genes = {item.variant.gene for item in self.variants if item.classification.is_oncogenic}
        genes |= {item.call.gene for item in self.copy_numbers if item.classification.is_oncogenic}
        genes |= {item.gene for item in self.fusions if item.classification.is_oncogenic}
        return {gene for gene in genes if gene}

    def oncogenic_variants(self, gene: str) -> list[Variant]:
        return [
            item.variant
            for item in self.variants
            if item.variant.gene == gene and item.classification.is_oncogenic
        ]

    def deep_deleted(self, gene: str) -> bool:
        call = self.copy_number_by_gene.get(gene)
        return call is not None and call.call == "DEEPDEL"

    def copy_loss(self, gene: str) -> bool:
        """Heterozygous loss, LOH or deep deletion of the gene."""
        call = self.copy_number_by_gene.get(gene)
        return call is not None and (call.call in ("HETLOSS", "DEEPDEL") or call.loh)


def classify_sample(
    variants: Sequence[Variant],
    copy_numbers: Sequence[GeneCopyNumber],
    fusions: Sequence[Fusion],
    genes: Mapping[str, GeneInfo],
    *,
    tumor_only: bool,
    purity: float | None,
    settings: OncogenicitySettings | None = None,
    build: str | None = None,
) -> SampleClassification:
    """Classify all alterations of one sample in knowledge-base genes; infer biallelic loss."""
    settings = settings or OncogenicitySettings()
    hotspots = HotspotTable.load()
    classified_variants = [
        ClassifiedVariant(
            variant,
            classify_variant(
                variant,
                genes[variant.gene or ""],
                tumor_only=tumor_only,
                settings=settings,
                hotspots=hotspots,
                build=build,
            ),
        )
        for variant in variants
        if variant.gene in genes
    ]
    by_gene = {call.gene: call for call in copy_numbers}
    classified_copy_numbers = []
    for call in copy_numbers:
        if call.gene in genes:
            classification = classify_copy_number(call, genes[call.gene])
            if classification is not None:
                classified_copy_numbers.append(ClassifiedCopyNumber(call, classification))
    classified_fusions = []
    for fusion in fusions:
        gene = fusion_driver_gene(fusion, genes)
        if gene is not None:
            classified_fusions.append(ClassifiedFusion(fusion, gene, classify_fusion(fusion)))

    result = SampleClassification(
        classified_variants, classified_copy_numbers, classified_fusions, by_gene, {}
    )
    for symbol, entry in sorted(genes.items()):
        if entry.role not in TUMOR_SUPPRESSOR_ROLES:
            continue
        biallelic = infer_biallelic(
            symbol,
            result.oncogenic_variants(symbol),
            by_gene.get(symbol),
            purity=purity,
            settings=settings,
        )
        if biallelic is not None:
            result.biallelic[symbol] = biallelic
    for variant_item in result.variants:
        _note_biallelic(variant_item.variant.gene, variant_item.classification, result.biallelic)
        entry = genes[variant_item.variant.gene or ""]
        if getattr(entry, "biallelic_only", False) and entry.symbol not in result.biallelic:
            _mark_carrier(variant_item)
    for copy_item in result.copy_numbers:
        _note_biallelic(copy_item.call.gene, copy_item.classification, result.biallelic)
    return result


def _mark_carrier(item: ClassifiedVariant) -> None:
    """A monoallelic (Likely) oncogenic hit in a recessive gene: a VUS as a somatic driver,
    flagged as a possible germline carrier finding."""
    call = item.classification
    if not call.is_oncogenic:
        return
    gene = item.variant.gene
    change = short_change(item.variant.hgvsp) or item.variant.hgvsc or item.variant.variant_class
    call.oncogenicity = VUS
    call.germline_carrier = True
    call.evidence.append(
        f"monoallelic {gene}: a recessive gene whose loss needs both alleles; one hit is not a "
        "somatic driver"
    )
    call.caveats.append(
        f"{gene} {change} is a single hit in a recessive gene: a possible germline carrier "
        "finding, not a somatic driver; consider germline testing"
    )


def _note_biallelic(
    gene: str | None, classification: Classification, biallelic: Mapping[str, BiallelicCall]
) -> None:
    call = biallelic.get(gene or "")
    if call is not None and classification.is_oncogenic:
        classification.evidence.append(f"biallelic: {call.rule}")

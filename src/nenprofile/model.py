"""Shared data model: the records that flow between nenprofile's stages.

Every reader produces these; classification, biomarkers, matching and reporting consume
them. Fields are plain types so records serialise to TSV/JSON without custom code.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Build = Literal["GRCh37", "GRCh38"]

# Canonical variant classes, derived from VEP/SnpEff/BCSQ consequences or MAF classifications.
VARIANT_CLASSES = (
    "frameshift",
    "nonsense",
    "splice_site",  # canonical +-1/2 splice donor/acceptor
    "start_lost",
    "stop_lost",
    "inframe_insertion",
    "inframe_deletion",
    "missense",
    "splice_region",
    "synonymous",
    "utr",
    "intronic",
    "noncoding",
    "upstream_downstream",
    "intergenic",
    "unknown",  # no annotation available (gene overlap only)
)
TRUNCATING_CLASSES = frozenset({"frameshift", "nonsense", "splice_site", "start_lost"})
PROTEIN_CHANGING_CLASSES = frozenset(
    {
        "frameshift",
        "nonsense",
        "splice_site",
        "start_lost",
        "stop_lost",
        "inframe_insertion",
        "inframe_deletion",
        "missense",
    }
)


@dataclass(slots=True)
class Variant:
    """One normalised somatic small variant (one ALT allele) of one tumor sample.

    chrom is always 'chr'-prefixed ('chr1'..'chr22', 'chrX', 'chrY', 'chrM').
    hgvsp is the one-letter short form without transcript ('p.V600E'), or None.
    consequence keeps the annotator's own terms ('missense_variant'); variant_class is
    the canonical class from VARIANT_CLASSES.
    """

    chrom: str
    pos: int
    ref: str
    alt: str
    gene: str | None = None
    variant_class: str = "unknown"
    consequence: str | None = None
    hgvsc: str | None = None
    hgvsp: str | None = None
    transcript: str | None = None
    exon: str | None = None
    vaf: float | None = None
    depth: int | None = None
    alt_reads: int | None = None
    population_af: float | None = None
    clinvar: str | None = None
    existing_variation: str | None = None
    filter: str = "PASS"
    annotation_source: str = "none"  # VEP | SnpEff | BCSQ | MAF | bcftools-csq | gene-overlap
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_snv(self) -> bool:
        return len(self.ref) == 1 and len(self.alt) == 1

    @property
    def is_indel(self) -> bool:
        return len(self.ref) != len(self.alt)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class GeneCopyNumber:
    """Gene-level copy-number call. call is one of AMP, GAIN, NEUTRAL, HETLOSS, DEEPDEL."""

    gene: str
    call: str
    copy_number: float | None = None
    log2_ratio: float | None = None
    minor_copy_number: float | None = None
    loh: bool = False
    source: str = ""
    segment: str | None = None  # the segment (or gene-row value) that decided the call
    note: str = ""  # a conflict the reader resolved (copynumber module docstring)


@dataclass(slots=True)
class Fusion:
    """A gene fusion, 5' partner first."""

    gene5: str
    gene3: str
    supporting_reads: int | None = None
    caller: str = ""
    in_frame: bool | None = None
    split_reads: int | None = None  # reads across the junction, when the caller counts them
    confidence: str | None = None  # the caller's own confidence word, lower-case
    support: str = "not assessed"  # supported | low-support | not assessed (fusions.FusionEvidence)
    exon5: int | None = None  # last exon of the 5' partner in the fusion, when the caller says
    exon3: int | None = None  # first exon of the 3' partner
    support_note: str = ""

    @property
    def name(self) -> str:
        return f"{self.gene5}::{self.gene3}"


@dataclass(slots=True)
class SampleInfo:
    """One row of the sample sheet after validation and site normalisation."""

    sample: str
    tumor_site: str = "unknown"  # normalised vocabulary (sites.normalise_site)
    tumor_site_input: str | None = None
    differentiation: str = "unknown"  # well | poor | unknown
    differentiation_from_histology: bool = False  # derived because the sheet left it empty
    histology: str = "unknown"  # clinical.HISTOLOGIES
    histology_input: str | None = None
    stage: str = "unknown"  # clinical.STAGES
    line: int | None = None  # line of systemic therapy now considered (1 = first line)
    prior_therapies: tuple[str, ...] = ()  # clinical.PRIOR_THERAPIES terms
    sstr_imaging: str = "unknown"  # positive | negative | unknown
    germline_findings: tuple[str, ...] = ()  # "GENE description" entries
    ki67: float | None = None
    pdl1_tps: float | None = None
    pdl1_cps: float | None = None
    msi_status: str = "unknown"  # MSI-H | MSS | unknown
    her2_ihc: str | None = None  # 0 | 1+ | 2+ | 3+
    genome_build: str = "GRCh38"
    tumor_only: bool = True
    purity: float | None = None
    ploidy: float | None = None
    expression_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class BiomarkerCall:
    """A status call (MMR, HRR) as biomarkers.json shows it, plus the typed decision that
    therapy matching reads; nothing decides by parsing `call`."""

    value: Any
    call: str
    source: str
    deficient: bool = False  # dMMR / HRR-deficient

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "call": self.call, "source": self.source}


@dataclass(slots=True)
class Alteration:
    """One reportable alteration of a sample (a row of alterations.tsv), typed until written."""

    sample: str
    gene: str
    pathway: str
    alteration_type: str  # mutation | amplification | deep_deletion | loh | fusion
    consequence: str | None = None
    hgvsp: str | None = None
    hgvsc: str | None = None
    chrom: str | None = None
    pos: int | None = None
    ref: str | None = None
    alt: str | None = None
    vaf: float | None = None
    depth: int | None = None
    oncogenicity: str | None = None
    evidence: str | None = None
    group: str | None = None  # report section
    biallelic: bool = False
    variant_class: str | None = None
    copy_number: float | None = None
    partner: str | None = None  # fusions: the other gene
    caveats: str | None = None
    filter: str | None = None  # a variant's caller FILTER (the report names non-PASS ones)
    population_af: float | None = None  # shown in the report's germline referral block
    # a single hit in a recessive gene (KB biallelic_only): VUS as a driver, germline question
    germline_carrier: bool = False
    sources: str | None = None  # a sample's several variant files: those that gave it

    def to_row(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class TherapyOption:
    """One therapy option for a sample (a row of therapies.tsv), typed until written."""

    therapy: str
    biomarker: str
    amp_tier: str | None
    escat_tier: str | None
    context: str
    rationale: str
    caveats: str
    citations: str
    direction: str  # standard_of_care | sensitivity | resistance | germline_referral
    rule_id: str
    research_only: bool = False
    line: str = ""  # first | maintenance | later, "/"-joined; "" = any line

    def to_row(self) -> dict[str, Any]:
        return asdict(self)


# Column order of the contract outputs (DESIGN.md). Extra columns may follow, never precede.
ALTERATION_COLUMNS = [
    "sample",
    "gene",
    "pathway",
    "alteration_type",
    "consequence",
    "hgvsp",
    "hgvsc",
    "chrom",
    "pos",
    "ref",
    "alt",
    "vaf",
    "depth",
    "oncogenicity",
    "evidence",
]
THERAPY_COLUMNS = [
    "therapy",
    "biomarker",
    "amp_tier",
    "escat_tier",
    "context",
    "rationale",
    "caveats",
    "citations",
]

# alterations.tsv: the contract columns, then Alteration's other fields in name order
ALTERATION_TABLE_COLUMNS = ALTERATION_COLUMNS + sorted(
    name for name in Alteration.__dataclass_fields__ if name not in ALTERATION_COLUMNS
)

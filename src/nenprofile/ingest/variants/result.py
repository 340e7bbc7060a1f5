"""The record read_variants returns (docs/ARCHITECTURE.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nenprofile.model import Variant


@dataclass
class IngestResult:
    variants: list[Variant]  # PASS (or configured) records, one per ALT allele
    sample: str  # tumor column used (or MAF barcode); '' for sites-only VCFs
    input_format: str  # "VCF" | "MAF"
    caller: str  # "Mutect2", "Strelka2", "VarDict", ... or "unknown"
    annotation: str  # "VEP" | "SnpEff" | "BCSQ" | "bcftools-csq" | "MAF" | "gene-overlap"
    build: str  # "GRCh37" | "GRCh38"
    tumor_only: bool  # no normal column / normal_sample given
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    gene_names: dict[str, Any] = field(default_factory=dict)  # GeneRenamer.disclosure()
    build_evidence: str = ""  # how the build was found: 'GRCh38 (configured; confirmed by ...)'
    # MAF rows with oncokb-annotator therapeutic levels (extra['oncokb']), in any gene
    oncokb_variants: list[Variant] = field(default_factory=list)
    source: str = ""  # the user's file when another was read (a cohort MAF's per-sample part)
    cohort_maf: dict[str, Any] | None = None  # what the split of that cohort MAF saw (MafPart)

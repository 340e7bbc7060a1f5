"""Variant ingest: VCF (one streaming pass: raw-text fast path, cyvcf2 otherwise; see vcf.py)
or MAF into normalised Variants."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any, Literal

from nenprofile.ingest.genenames import GeneRenamer, names_of
from nenprofile.ingest.variants.consumers import RenamingConsumer, VariantConsumer, VariantList
from nenprofile.ingest.variants.result import IngestResult
from nenprofile.io.textfiles import MAX_RATIO, check_expansion

MAF_SUFFIXES = (".maf", ".maf.gz", ".maf.txt")


def cpu_need(path: str | Path) -> int:
    """Processes `read_variants(..., workers=)` uses well for this file: 2 for a bgzipped VCF
    large enough to read in two parts, else 1 (what the workflow declares as the job's threads)."""
    from nenprofile.ingest.variants._fast.parallel import SPLIT_MIN_BYTES

    file = Path(path)
    large = file.name.endswith(".gz") and file.is_file() and file.stat().st_size >= SPLIT_MIN_BYTES
    return 2 if large else 1


def read_variants(
    path: str,
    *,
    tumor_sample: str | None = None,
    normal_sample: str | None = None,
    build: str | None = None,
    pass_only: bool = True,
    allowed_filters: tuple[str, ...] = (),
    min_vaf: float = 0.0,
    min_depth: int = 0,
    reference_fasta: str | None = None,
    gff3: str | None = None,
    workers: int = 1,
    consumer: VariantConsumer | None = None,
    genes: Collection[str] | None = None,
    file_format: Literal["vcf", "maf"] | None = None,
    sample_id: str | None = None,
    max_expansion_ratio: float = MAX_RATIO,
) -> IngestResult:
    """Read one tumor sample's small variants; see docs/ARCHITECTURE.md for IngestResult.

    workers: processes a large bgzipped VCF may be read with (2 splits it; see parallel.py).
    consumer: where each variant goes, in file order (consumers.py); IngestResult.variants is
    what it keeps. By default every variant.
    genes: genes whose VEP entries each give the variant its own transcript (vcf.read_vcf).
    file_format: "vcf" or "maf", as the sample sheet's column says; None tells a MAF by its
    name (.maf, .maf.gz, .maf.txt).
    sample_id: the sheet's sample id; a MAF of several samples without tumor_sample is read
    for the barcode equal to it.
    max_expansion_ratio: a gzipped file expanding more than this many times its size is
    refused (config input_limits.max_expansion_ratio).
    Gene names become the symbols HGNC approves (genenames.py); IngestResult.gene_names
    says what was renamed."""
    # what both readers take: the build and the record filters
    options: dict[str, Any] = {
        "build": build,
        "pass_only": pass_only,
        "allowed_filters": tuple(allowed_filters),
        "min_vaf": min_vaf,
        "min_depth": min_depth,
    }
    if file_format is None:
        file_format = "maf" if str(path).lower().endswith(MAF_SUFFIXES) else "vcf"
    renamer = GeneRenamer()
    renaming = RenamingConsumer(consumer or VariantList(), renamer)
    # htslib and bgzip cannot bound what they inflate; MAF parsing is far slower than
    # inflating, so checking first costs it little either
    check_expansion(path, max_expansion_ratio)
    if file_format == "maf":
        from nenprofile.ingest.variants.maf import read_maf

        result = read_maf(
            path,
            sample=tumor_sample,
            default_sample=sample_id,
            max_ratio=max_expansion_ratio,
            **options,
        )
        for variant in result.variants:
            renaming.add(variant)
        result.variants = renaming.kept()
        result.gene_names = renamer.disclosure()
        return result
    from nenprofile.ingest.variants.vcf import read_vcf

    result = read_vcf(
        path,
        tumor_sample=tumor_sample,
        normal_sample=normal_sample,
        reference_fasta=reference_fasta,
        gff3=gff3,
        workers=workers,
        consumer=renaming,
        # a file written with older symbols names the genes otherwise (MLL2 for KMT2D)
        genes=None if genes is None else names_of(genes),
        **options,
    )
    result.gene_names = renamer.disclosure()
    return result


__all__ = ["IngestResult", "VariantConsumer", "VariantList", "cpu_need", "read_variants"]

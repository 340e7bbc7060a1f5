"""Genome build from the argument or the header, checked against contig lengths."""

from __future__ import annotations

from collections.abc import Sequence

from nenprofile.errors import InputError
from nenprofile.reference.genes import normalise_chrom

CONTIG_LENGTHS: dict[str, dict[str, int]] = {
    "GRCh37": {
        "chr1": 249250621, "chr2": 243199373, "chr3": 198022430, "chr4": 191154276,
        "chr5": 180915260, "chr6": 171115067, "chr7": 159138663, "chr8": 146364022,
        "chr9": 141213431, "chr10": 135534747, "chr11": 135006516, "chr12": 133851895,
        "chr13": 115169878, "chr14": 107349540, "chr15": 102531392, "chr16": 90354753,
        "chr17": 81195210, "chr18": 78077248, "chr19": 59128983, "chr20": 63025520,
        "chr21": 48129895, "chr22": 51304566, "chrX": 155270560,
    },
    "GRCh38": {
        "chr1": 248956422, "chr2": 242193529, "chr3": 198295559, "chr4": 190214555,
        "chr5": 181538259, "chr6": 170805979, "chr7": 159345973, "chr8": 145138636,
        "chr9": 138394717, "chr10": 133797422, "chr11": 135086622, "chr12": 133275309,
        "chr13": 114364328, "chr14": 107043718, "chr15": 101991189, "chr16": 90338345,
        "chr17": 83257441, "chr18": 80373285, "chr19": 58617616, "chr20": 64444167,
        "chr21": 46709983, "chr22": 50818468, "chrX": 156040895,
    },
}  # fmt: skip
_BUILD_WORDS = {
    "GRCh38": ("grch38", "hg38", "hs38"),
    "GRCh37": ("grch37", "hg19", "b37", "hs37", "hg37"),
}


def contig_lengths(header_lines: Sequence[str]) -> dict[str, int]:
    lengths = {}
    for line in header_lines:
        if not line.startswith("##contig=<"):
            continue
        fields = dict(
            part.split("=", 1) for part in line[10:].rstrip(">").split(",") if "=" in part
        )
        if "ID" in fields and fields.get("length", "").isdigit():
            lengths[normalise_chrom(fields["ID"])] = int(fields["length"])
    return lengths


def build_from_contigs(lengths: dict[str, int]) -> tuple[str, str, int] | None:
    """(build, first matching contig, its length) when a main contig's length identifies it."""
    for chrom, length in lengths.items():
        for build, table in CONTIG_LENGTHS.items():
            if table.get(chrom) == length and CONTIG_LENGTHS[_other(build)].get(chrom) != length:
                return build, chrom, length
    return None


def build_from_text(header_lines: Sequence[str]) -> str | None:
    for line in header_lines:
        if line.startswith(("##reference=", "##assembly=", "##VEP=")):
            lower = line.lower()
            for build, words in _BUILD_WORDS.items():
                if any(word in lower for word in words):
                    return build
    return None


def resolve_build(
    path: str, header_lines: Sequence[str], build: str | None
) -> tuple[str, list[str]]:
    """The build to use and warnings. A build that contradicts the contig lengths is an error."""
    warnings: list[str] = []
    if build is not None and build not in CONTIG_LENGTHS:
        raise InputError(
            f"unknown genome build '{build}'",
            path=path,
            column="genome_build",
            fix="use GRCh37 or GRCh38",
        )
    by_contigs = build_from_contigs(contig_lengths(header_lines))
    if build and by_contigs and by_contigs[0] != build:
        found, chrom, length = by_contigs
        raise InputError(
            f"the sample sheet says {build} but the VCF header declares {chrom} with length "
            f"{length}, which is {found} ({build} {chrom} is {CONTIG_LENGTHS[build][chrom]})",
            path=path,
            column="genome_build",
            fix=f"set genome_build to {found} for this sample (or use a {build} VCF)",
        )
    if build:
        return build, warnings
    if by_contigs:
        return by_contigs[0], warnings
    from_text = build_from_text(header_lines)
    if from_text:
        return from_text, warnings
    warnings.append("genome build not given and not found in the VCF header; assumed GRCh38")
    return "GRCh38", warnings


def _other(build: str) -> str:
    return "GRCh37" if build == "GRCh38" else "GRCh38"

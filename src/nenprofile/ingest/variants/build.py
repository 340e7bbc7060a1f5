"""Genome build from the argument, the header and the data itself.

Three kinds of evidence: ##contig lengths, ##reference / ##assembly / ##VEP text, and the
records (REF bases at bundled known positions of each build, data/build_markers.tsv and
data/hotspot_positions.tsv; annotated genes lying inside that gene's span on one build
only). Records are looked at while they stream (vcf.py, fastloop.py): each piece of
evidence is one Counter entry, so a two-process read adds them up like any other count.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from nenprofile.errors import InputError
from nenprofile.reference.genes import BUILDS, DATA_DIR, GeneIndex, normalise_chrom

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
    "GRCh38": ("grch38", "hg38", "hs38", "assembly38"),
    "GRCh37": ("grch37", "hg19", "b37", "hs37", "hg37", "assembly19"),
}
# a count key per build: REF agrees with the bundled base / an annotated gene lies in its
# span on that build only (support), or REF differs from the bundled base (against)
SUPPORT = "_build_support_"
AGAINST = "_build_against_"
MIN_DATA_EVIDENCE = 1  # records; fewer is "too little evidence" (a warning)
SPAN_GAP = 20_000  # bases between a gene's spans on the two builds for it to count
NOISE_RATIO = 10  # the losing build may have at most 1/10 of the winner's evidence


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


def build_from_text(header_lines: Sequence[str]) -> tuple[str, str] | None:
    """(build, the header line naming it) from ##reference / ##assembly / ##VEP text."""
    for line in header_lines:
        if line.startswith(("##reference=", "##assembly=", "##VEP=", "##SnpEffCmd=")):
            lower = line.lower()
            for build, words in _BUILD_WORDS.items():
                if any(word in lower for word in words):
                    return build, line if len(line) <= 120 else line[:117] + "..."
    return None


@dataclass
class BuildChoice:
    """The build records are read on, and what the header said about it."""

    build: str
    configured: bool  # given by the sheet / config (else taken from the header or assumed)
    header_evidence: list[str]  # 'contig chr1 length 249250621', '##reference=...'


def resolve_build(path: str, header_lines: Sequence[str], build: str | None) -> BuildChoice:
    """The build to read the records on. A build that contradicts the contig lengths, or
    header text when there are no contig lengths, is an error."""
    if build is not None and build not in CONTIG_LENGTHS:
        raise InputError(
            f"unknown genome build '{build}'",
            path=path,
            column="genome_build",
            fix="use GRCh37 or GRCh38",
        )
    by_contigs = build_from_contigs(contig_lengths(header_lines))
    by_text = build_from_text(header_lines)
    evidence = []
    if by_contigs:
        evidence.append(f"##contig {by_contigs[1]} length {by_contigs[2]} ({by_contigs[0]})")
    if by_text:
        evidence.append(f"header {by_text[1]} ({by_text[0]})")
    if build and by_contigs and by_contigs[0] != build:
        found, chrom, length = by_contigs
        raise InputError(
            f"the sample sheet says {build} but the VCF header declares {chrom} with length "
            f"{length}, which is {found} ({build} {chrom} is {CONTIG_LENGTHS[build][chrom]})",
            path=path,
            column="genome_build",
            fix=f"set genome_build to {found} for this sample (or use a {build} VCF)",
        )
    if build and by_text and not by_contigs and by_text[0] != build:
        raise InputError(
            f"the sample sheet says {build} but the VCF header names {by_text[0]}: {by_text[1]}",
            path=path,
            column="genome_build",
            fix=f"set genome_build to {by_text[0]} for this sample (or use a {build} VCF)",
        )
    if build:
        return BuildChoice(build, True, evidence)
    if by_contigs:
        return BuildChoice(by_contigs[0], False, evidence)
    if by_text:
        return BuildChoice(by_text[0], False, evidence)
    return BuildChoice("GRCh38", False, evidence)


@dataclass(frozen=True)
class BuildMarkers:
    """Evidence the records give, looked up while they stream."""

    positions: frozenset[int]  # every marker position (a cheap first test)
    bases: Mapping[tuple[str, int], tuple[tuple[str, str], ...]]  # -> (build, base) pairs
    span_genes: frozenset[str]  # genes whose span differs between the builds
    spans: Mapping[str, tuple[tuple[str, int, int], tuple[str, int, int]]]  # GRCh37, GRCh38

    def note_position(self, counts: Counter[str], chrom: str, pos: int, ref: str) -> None:
        """A record at a marker position: REF agrees with, or contradicts, each build."""
        for build, base in self.bases.get((chrom, pos), ()):
            counts[(SUPPORT if ref[:1] == base else AGAINST) + build] += 1

    def note_gene(self, counts: Counter[str], chrom: str, pos: int, gene: str) -> None:
        """An annotated gene that lies at this position on one build only."""
        old, new = self.spans[gene]
        in_old = old[0] == chrom and old[1] <= pos <= old[2]
        in_new = new[0] == chrom and new[1] <= pos <= new[2]
        if in_old != in_new:
            counts[SUPPORT + ("GRCh37" if in_old else "GRCh38")] += 1


@lru_cache(maxsize=1)
def build_markers() -> BuildMarkers:
    bases: dict[tuple[str, int], set[tuple[str, str]]] = {}
    for name in ("build_markers.tsv", "hotspot_positions.tsv"):
        with (DATA_DIR / name).open(newline="") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                key = (row["chrom"], int(row["pos"]))
                bases.setdefault(key, set()).add((row["build"], row["ref"][:1]))
    old, new = (GeneIndex.load(build).spans for build in BUILDS)
    spans = {gene: (old[gene], new[gene]) for gene in old.keys() & new.keys()}
    # only genes far apart on the two builds: an upstream/downstream annotation (VEP's
    # default distance is 5 kb) must not land inside the other build's span
    spans = {gene: pair for gene, pair in spans.items() if _apart(*pair)}
    return BuildMarkers(
        positions=frozenset(pos for _, pos in bases),
        bases={key: tuple(sorted(value)) for key, value in bases.items()},
        span_genes=frozenset(spans),
        spans=spans,
    )


@dataclass
class BuildCheck:
    build: str
    how: str  # how it was determined, for ingest.json and the report
    warnings: list[str]


def data_evidence(counts: Mapping[str, int]) -> dict[str, int]:
    """Records supporting each build (REF agreeing with it, or contradicting the other;
    genes inside their span on it only)."""
    return {
        build: counts.get(SUPPORT + build, 0) + counts.get(AGAINST + _other(build), 0)
        for build in BUILDS
    }


def pop_evidence(counts: dict[str, int]) -> dict[str, int]:
    """Remove the evidence entries from counts; return the records supporting each build."""
    evidence = data_evidence(counts)
    for key in [k for k in counts if k.startswith((SUPPORT, AGAINST))]:
        del counts[key]
    return evidence


def check_build(path: str, choice: BuildChoice, evidence: Mapping[str, int]) -> BuildCheck:
    """The build the records were read on, confirmed by the data, or an InputError naming
    the evidence. Too little evidence of any kind is a warning."""
    build = choice.build
    other = _other(build)
    ours, theirs = evidence.get(build, 0), evidence.get(other, 0)
    data_text = f"{theirs} record(s) fit {other} and {ours} fit {build}"
    if theirs >= MIN_DATA_EVIDENCE and ours * NOISE_RATIO <= theirs:
        said = "the sample sheet / config says" if choice.configured else "the reader assumed"
        if choice.header_evidence:
            said = f"the header says ({'; '.join(choice.header_evidence)})"
        raise InputError(
            f"the records are on {other}, but {said} {build}: {data_text} (REF bases at "
            f"known positions of both builds, and annotated genes that lie inside that "
            f"gene only on {other})",
            path=path,
            column="genome_build",
            fix=f"set genome_build to {other} for this sample, or give a {build} file "
            "(check the ##contig / ##reference header lines)",
        )
    if choice.configured:
        how = "configured"
    else:
        how = "from the header" if choice.header_evidence else "assumed"
    confirmations = list(choice.header_evidence)
    if ours:
        confirmations.append(f"{ours} record(s) at known {build} positions or genes")
    if confirmations:
        how += "; confirmed by " + "; ".join(confirmations)
    warnings = []
    if not choice.header_evidence and ours < MIN_DATA_EVIDENCE:
        warnings.append(
            f"genome build {build} ({how}) could not be confirmed from the file: no ##contig "
            f"lengths, no ##reference/##assembly text, and {data_text}. Fix: check that the "
            "file is on this build, or add the ##contig lines of its reference"
        )
    elif theirs:
        warnings.append(f"genome build evidence is mixed: {data_text}")
    return BuildCheck(build, f"{build} ({how})", warnings)


def _apart(old: tuple[str, int, int], new: tuple[str, int, int]) -> bool:
    gap = max(old[1], new[1]) - min(old[2], new[2])
    return old[0] != new[0] or gap > SPAN_GAP


def _other(build: str) -> str:
    return "GRCh37" if build == "GRCh38" else "GRCh38"

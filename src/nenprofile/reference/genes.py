"""Bundled gene coordinates (GRCh37 and GRCh38), looked up by position."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from nenprofile.errors import InputError

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
BUILDS = ("GRCh37", "GRCh38")
_BIN = 1 << 20  # 1 Mb bins keep genes_at to a handful of comparisons


def normalise_chrom(chrom: str) -> str:
    """'1' -> 'chr1', 'MT'/'chrMT'/'M' -> 'chrM'; already prefixed names pass through."""
    bare = chrom[3:] if chrom.startswith("chr") else chrom
    if bare in ("M", "MT"):
        return "chrM"
    return f"chr{bare}"


@dataclass
class GeneIndex:
    """Gene spans of one build, from src/nenprofile/data/genes.<build>.bed (0-based BED)."""

    build: str
    spans: dict[str, tuple[str, int, int]]  # gene -> chrom, 1-based start, end (closed)
    genes: frozenset[str] = field(init=False)
    _bins: dict[tuple[str, int], list[tuple[int, int, str]]] = field(init=False, repr=False)
    _segments: dict[str, GeneSegments] = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.genes = frozenset(self.spans)
        bins: dict[tuple[str, int], list[tuple[int, int, str]]] = defaultdict(list)
        for gene, (chrom, start, end) in self.spans.items():
            for b in range(start // _BIN, end // _BIN + 1):
                bins[(chrom, b)].append((start, end, gene))
        self._bins = dict(bins)

    @classmethod
    def load(cls, build: str) -> GeneIndex:
        return _load(build)

    @classmethod
    def from_bed(cls, path: Path, build: str) -> GeneIndex:
        spans: dict[str, tuple[str, int, int]] = {}
        for number, line in enumerate(Path(path).read_text().splitlines(), start=1):
            if not line.strip() or line.startswith(("#", "track")):
                continue
            fields = line.split("\t")
            if len(fields) < 4:
                raise InputError(
                    "BED line has fewer than 4 columns",
                    path=str(path),
                    line=number,
                    fix="use chrom, start, end, gene (tab-separated)",
                )
            spans[fields[3]] = (normalise_chrom(fields[0]), int(fields[1]) + 1, int(fields[2]))
        return cls(build=build, spans=spans)

    def genes_at(self, chrom: str, pos: int) -> list[str]:
        return list(self.segments(normalise_chrom(chrom)).genes_at(pos))

    def segments(self, chrom: str) -> GeneSegments:
        """The genes of one (normalised) chromosome as segments, made on first use."""
        found = self._segments.get(chrom)
        if found is None:
            found = self._segments[chrom] = GeneSegments.of(
                [(start, end, gene) for gene, (c, start, end) in self.spans.items() if c == chrom]
            )
        return found

    def genes_overlapping(self, chrom: str, start: int, end: int) -> list[str]:
        chrom = normalise_chrom(chrom)
        found: set[str] = set()
        for b in range(start // _BIN, end // _BIN + 1):
            for gene_start, gene_end, gene in self._bins.get((chrom, b), ()):
                if gene_start <= end and start <= gene_end:
                    found.add(gene)
        return sorted(found)

    def span(self, gene: str) -> tuple[str, int, int] | None:
        return self.spans.get(gene)


@dataclass(frozen=True)
class GeneSegments:
    """One chromosome cut at every gene start and end: segment i covers positions
    breaks[i] <= pos < breaks[i + 1] and lies in genes[i] (sorted names), so the genes at a
    position are one bisection away. Positions before breaks[0] lie in no gene; the last
    segment (after every gene end) too."""

    breaks: list[int]
    genes: list[tuple[str, ...]]

    @classmethod
    def of(cls, spans: list[tuple[int, int, str]]) -> GeneSegments:
        """spans: (1-based start, closed end, gene) of one chromosome."""
        breaks = sorted({start for start, _, _ in spans} | {end + 1 for _, end, _ in spans})
        genes = [
            tuple(sorted({g for s, e, g in spans if s <= at <= e}))
            for at in breaks  # a segment's genes are those covering its first position
        ]
        return cls(breaks, genes)

    def index(self, pos: int) -> int:
        """The segment holding pos; -1 before the first gene."""
        return bisect_right(self.breaks, pos) - 1

    def genes_at(self, pos: int) -> tuple[str, ...]:
        i = self.index(pos)
        return self.genes[i] if i >= 0 else ()

    def bounds(self, i: int) -> tuple[int, int]:
        """[first, past-last) positions of segment i (-1: before the first gene)."""
        low = self.breaks[i] if i >= 0 else -(1 << 62)
        high = self.breaks[i + 1] if i + 1 < len(self.breaks) else 1 << 62
        return low, high


@lru_cache(maxsize=2)
def _load(build: str) -> GeneIndex:
    if build not in BUILDS:
        raise InputError(
            f"unknown genome build '{build}'",
            column="genome_build",
            fix=f"use one of {', '.join(BUILDS)}",
        )
    return GeneIndex.from_bed(DATA_DIR / f"genes.{build}.bed", build)


ENTREZ_TABLE = DATA_DIR / "entrez_symbols.tsv"


@lru_cache(maxsize=1)
def entrez_symbols() -> dict[str, str]:
    """NCBI Gene (Entrez) ID -> approved HGNC symbol of every approved protein-coding gene
    (bundled entrez_symbols.tsv; SOURCES.md)."""
    pairs: dict[str, str] = {}
    for line in ENTREZ_TABLE.read_text(encoding="utf-8").splitlines()[1:]:
        entrez, symbol = line.split("\t")
        pairs[entrez] = symbol
    return pairs

"""Known benign truncating variants: protein changes that look like a null variant in a tumor
suppressor but are not evidence of its loss (src/nenprofile/data/known_benign.tsv, each row
with its reason and citations; sources in data/SOURCES.md)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

# 'K3326*', 'K3326X', 'Lys3326Ter', 'p.(Lys3326*)' -> 'K3326*'
_STOP = re.compile(r"(?:\*|X|Ter)$")


@dataclass(frozen=True)
class KnownBenign:
    gene: str
    protein_change: str  # one-letter, stop as '*': 'K3326*'
    hgvsc: str  # on the gene's MANE Select transcript: 'c.9976A>T'
    dbsnp: str  # 'rs11571833'
    reason: str
    citations: str

    def describe(self) -> str:
        return (
            f"known benign truncating variant {self.gene} {self.protein_change} "
            f"({self.hgvsc}, {self.dbsnp}): {self.reason} ({self.citations})"
        )


def stop_as_star(change: str) -> str:
    """One spelling for a stop: 'K3326X' and 'K3326Ter' become 'K3326*'."""
    return _STOP.sub("*", change)


@cache
def known_benign_variants() -> tuple[KnownBenign, ...]:
    table = resources.files("nenprofile") / "data" / "known_benign.tsv"
    text = table.read_text(encoding="utf-8")
    return tuple(KnownBenign(**row) for row in csv.DictReader(io.StringIO(text), delimiter="\t"))


def find_known_benign(
    gene: str, change: str | None, hgvsc: str | None, existing_variation: str | None
) -> KnownBenign | None:
    """The table's entry this variant is: same gene and protein change ('K3326*' in any
    stop spelling); when no protein change is known, same gene and c. change or its dbSNP id
    among the variant's existing-variation ids (VEP Existing_variation, MAF dbSNP_RS)."""
    ids = set(re.split(r"[&,;|]", existing_variation)) if existing_variation else set()
    for entry in known_benign_variants():
        if entry.gene != gene:
            continue
        if change is not None:
            if stop_as_star(change) == entry.protein_change:
                return entry
        elif hgvsc == entry.hgvsc or entry.dbsnp in ids:
            return entry
    return None

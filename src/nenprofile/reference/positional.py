"""Known hotspot nucleotide changes by position (data/hotspot_positions.tsv)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HOTSPOT_TABLE = Path(__file__).resolve().parent.parent / "data" / "hotspot_positions.tsv"


@dataclass(frozen=True, slots=True)
class PositionalHotspot:
    gene: str
    residue: str  # 'H1047'
    hgvsp: str  # 'p.H1047R'
    variant_class: str  # missense | nonsense | synonymous


@lru_cache(maxsize=2)
def hotspot_positions(build: str) -> dict[tuple[str, int, str, str], PositionalHotspot]:
    """(chrom, pos, ref, alt) -> hotspot for one build."""
    table: dict[tuple[str, int, str, str], PositionalHotspot] = {}
    with HOTSPOT_TABLE.open(newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if row["build"] != build:
                continue
            change = row["aa_change"]
            if change.endswith("="):
                cls = "synonymous"
            elif change.endswith("*"):
                cls = "nonsense"
            else:
                cls = "missense"
            key = (row["chrom"], int(row["pos"]), row["ref"], row["alt"])
            table[key] = PositionalHotspot(row["gene"], row["residue"], f"p.{change}", cls)
    return table

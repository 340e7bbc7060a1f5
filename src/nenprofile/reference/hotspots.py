"""Protein-level Cancer Hotspots lookup (bundled table, built by data/build_protein_hotspots.py).

Horak et al. 2022 (PMID 35101336) grade hotspot evidence by cancerhotspots.org counts:
OS3 = >=50 samples at the codon and >=10 with the same change; OM3 = <50 at the codon but
>=10 with the same change; OP3 = a hotspot whose same-change count is below 10.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

OS3_MIN_CODON_COUNT = 50
OS3_MIN_SAME_CHANGE = 10

_THREE_TO_ONE = {
    "Ala": "A", "Arg": "R", "Asn": "N", "Asp": "D", "Cys": "C", "Gln": "Q", "Glu": "E",
    "Gly": "G", "His": "H", "Ile": "I", "Leu": "L", "Lys": "K", "Met": "M", "Phe": "F",
    "Pro": "P", "Ser": "S", "Thr": "T", "Trp": "W", "Tyr": "Y", "Val": "V", "Ter": "*",
    "Sec": "U", "Xaa": "X",
}  # fmt: skip
_THREE_LETTER = re.compile("|".join(_THREE_TO_ONE))
_SUBSTITUTION = re.compile(r"^([A-Z*])(\d+)([A-Z*])$")
_SPLICE = re.compile(r"^X(\d+)_splice$")
_INDEL = re.compile(r"^([A-Z*])(\d+)(?:_([A-Z*])(\d+))?(del|dup|ins|delins)([A-Z*]*)$")


@dataclass(frozen=True)
class ProteinChange:
    """A parsed short HGVS protein change ('p.' removed)."""

    kind: str  # "substitution" | "inframe_indel" | "splice"
    ref_aa: str
    start: int
    end: int
    alt: str  # substituted residue, or the whole indel text, or "splice"
    text: str


@dataclass(frozen=True)
class HotspotHit:
    gene: str
    residue: str
    type: str  # single_residue | inframe_indel | splice_site
    tumor_count: int
    same_change_count: int
    meets_os3: bool

    @property
    def horak_code(self) -> str:
        """OS3, OM3 or OP3 (Horak 2022 hotspot criteria)."""
        if self.meets_os3:
            return "OS3"
        if self.same_change_count >= OS3_MIN_SAME_CHANGE:
            return "OM3"
        return "OP3"

    def describe(self) -> str:
        return (
            f"cancer hotspot {self.gene} {self.residue} ({self.tumor_count} tumors at the "
            f"residue, {self.same_change_count} with this change)"
        )


@dataclass(frozen=True)
class _Hotspot:
    gene: str
    residue: str
    type: str
    ref_aa: str
    start: int
    end: int
    tumor_count: int
    changes: dict[str, int]


def parse_hgvsp(hgvsp: str | None) -> ProteinChange | None:
    """Parse p.V600E, p.R130*, p.E746_A750del, p.X70_splice (three-letter codes accepted).

    Returns None for changes that cannot match a hotspot (frameshift, synonymous, unknown).
    """
    if not hgvsp:
        return None
    text = hgvsp.strip()
    if ":" in text:
        text = text.rsplit(":", 1)[1]
    text = text.removeprefix("p.").strip("()")
    text = _THREE_LETTER.sub(lambda match: _THREE_TO_ONE[match.group(0)], text)
    if match := _SPLICE.match(text):
        position = int(match.group(1))
        return ProteinChange("splice", "X", position, position, "splice", text)
    if match := _SUBSTITUTION.match(text):
        ref_aa, position, alt = match.group(1), int(match.group(2)), match.group(3)
        if ref_aa == alt:
            return None
        return ProteinChange("substitution", ref_aa, position, position, alt, text)
    if match := _INDEL.match(text):
        start = int(match.group(2))
        end = int(match.group(4)) if match.group(4) else start
        return ProteinChange("inframe_indel", match.group(1), start, end, text, text)
    return None


def _parse_changes(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in filter(None, text.split("|")):
        change, _, count = item.rpartition(":")
        counts[change] = int(count)
    return counts


class HotspotTable:
    """Bundled Cancer Hotspots v2 residues, in-frame indel regions and splice sites."""

    def __init__(self, hotspots: list[_Hotspot]) -> None:
        self._by_gene: dict[str, list[_Hotspot]] = {}
        for hotspot in hotspots:
            self._by_gene.setdefault(hotspot.gene, []).append(hotspot)

    @classmethod
    @cache
    def load(cls) -> HotspotTable:
        table = resources.files("nenprofile") / "data" / "hotspots_protein.tsv"
        text = table.read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter="\t"))
        return cls(
            [
                _Hotspot(
                    gene=row["gene"],
                    residue=row["residue"],
                    type=row["type"],
                    ref_aa=row["ref_aa"],
                    start=int(row["start"]),
                    end=int(row["end"]),
                    tumor_count=int(row["tumor_count"]),
                    changes=_parse_changes(row["changes"]),
                )
                for row in rows
            ]
        )

    @property
    def genes(self) -> frozenset[str]:
        return frozenset(self._by_gene)

    def __len__(self) -> int:
        return sum(len(hotspots) for hotspots in self._by_gene.values())

    def lookup(self, gene: str | None, hgvsp: str | None) -> HotspotHit | None:
        """The hotspot this protein change falls in, or None."""
        change = parse_hgvsp(hgvsp)
        if gene is None or change is None:
            return None
        for hotspot in self._by_gene.get(gene, ()):
            same = _same_change_count(hotspot, change)
            if same is None:
                continue
            return HotspotHit(
                gene=gene,
                residue=hotspot.residue,
                type=hotspot.type,
                tumor_count=hotspot.tumor_count,
                same_change_count=same,
                meets_os3=hotspot.tumor_count >= OS3_MIN_CODON_COUNT
                and same >= OS3_MIN_SAME_CHANGE,
            )
        return None


def _same_change_count(hotspot: _Hotspot, change: ProteinChange) -> int | None:
    """Count of this exact change at the hotspot, or None when the change is outside it."""
    if change.kind == "substitution" and hotspot.type == "single_residue":
        # a different reference residue means another transcript numbering: no match
        if hotspot.start != change.start or hotspot.ref_aa != change.ref_aa:
            return None
        return hotspot.changes.get(change.alt, 0)
    if change.kind == "splice" and hotspot.type == "splice_site":
        return hotspot.changes.get("splice", 0) if hotspot.start == change.start else None
    if change.kind == "inframe_indel" and hotspot.type == "inframe_indel":
        if change.end < hotspot.start or change.start > hotspot.end:
            return None
        return hotspot.changes.get(change.text, 0)
    return None


def is_hotspot(gene: str | None, hgvsp: str | None) -> bool:
    return HotspotTable.load().lookup(gene, hgvsp) is not None

"""Fusion caller output (Arriba, STAR-Fusion, a simple gene5/gene3 table) to gene pairs.

Formats, detected from the header:

- Arriba fusions.tsv (#gene1, gene2, ..., split_reads1, split_reads2, discordant_mates,
  confidence, reading_frame): gene1 is the 5' partner. An intergenic breakpoint lists the
  closest genes with distances, "GENEA(1234),GENEB(555)"; the closest gene is used.
  Supporting reads = split_reads1 + split_reads2 + discordant_mates. Rows with confidence
  'low' are skipped unless keep_low=True. in_frame from reading_frame (in-frame -> True,
  out-of-frame / stop-codon -> False, '.' -> None).
- STAR-Fusion fusion_predictions(.abridged).tsv (#FusionName "A--B", JunctionReadCount,
  SpanningFragCount, LeftGene "A^ENSG...", RightGene, optional PROT_FUSION_TYPE): LeftGene is
  the 5' partner. Supporting reads = JunctionReadCount + SpanningFragCount. in_frame from
  PROT_FUSION_TYPE (INFRAME -> True, FRAMESHIFT -> False, otherwise None).
- simple table: gene5 and gene3 columns (optional supporting_reads and in_frame columns).

A gene pair reported on several rows (several breakpoints or isoforms) becomes one Fusion
with the largest read support; in_frame is True if any row is in frame, else False if any
row is out of frame, else None.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from nenprofile.errors import InputError
from nenprofile.io.textfiles import iter_lines, split_fields
from nenprofile.model import Fusion

ACCEPTED_FORMATS = (
    "Arriba fusions.tsv (#gene1, gene2, split_reads1, split_reads2, discordant_mates, "
    "confidence, ...); STAR-Fusion fusion_predictions.tsv (#FusionName, JunctionReadCount, "
    "SpanningFragCount, LeftGene, RightGene, ...); simple table (gene5, gene3 "
    "[, supporting_reads, in_frame])"
)
# the layouts read_fusions recognises from the header
ARRIBA = "Arriba"
STAR_FUSION = "STAR-Fusion"
SIMPLE = "gene5/gene3 table"
ARRIBA_COLUMNS = ("gene1", "gene2", "split_reads1", "split_reads2", "discordant_mates")
STAR_FUSION_COLUMNS = ("fusionname", "junctionreadcount", "spanningfragcount")
SIMPLE_COLUMNS = ("gene5", "gene3")
_INTERGENIC_GENE = re.compile(r"^\s*([^()\s]+)\s*\((\d+)\)\s*$")
_MISSING = {"", ".", "NA", "N/A"}
_TRUE_WORDS = {"true", "yes", "1", "in-frame", "inframe", "in_frame"}
_FALSE_WORDS = {"false", "no", "0", "out-of-frame", "frameshift", "out_of_frame", "stop-codon"}


@dataclass
class _Table:
    path: Path
    columns: dict[str, int]  # lower-case name -> index
    header: list[str]  # names as written, for messages
    rows: list[tuple[int, list[str]]]

    def get(self, fields: list[str], column: str) -> str:
        index = self.columns.get(column)
        if index is None or index >= len(fields):
            return ""
        return fields[index].strip()

    def count(self, line: int, fields: list[str], column: str) -> int:
        text = self.get(fields, column)
        if text in _MISSING:
            return 0
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not math.isfinite(value) or value < 0 or value != int(value):
            raise InputError(
                f"expected a read count, found '{text}'",
                path=str(self.path),
                line=line,
                column=self.header[self.columns[column]],
                fix="read counts must be whole non-negative numbers",
            )
        return int(value)


def read_fusions(path: str | Path, *, keep_low: bool = False) -> list[Fusion]:
    """Fusions from an Arriba, STAR-Fusion or simple gene5/gene3 table (module docstring)."""
    path = Path(path)
    table = _read_table(path)
    layout = _layout(table)
    if layout == ARRIBA:
        fusions = _arriba(table, keep_low)
    elif layout == STAR_FUSION:
        fusions = _star_fusion(table)
    elif layout == SIMPLE:
        fusions = _simple(table)
    else:
        raise InputError(
            f"fusion format not recognised from the header ({', '.join(table.columns)})",
            path=str(path),
            line=1,
            fix=f"give one of: {ACCEPTED_FORMATS}",
        )
    return merge_fusions(fusions)


def fusion_layout(path: str | Path) -> str | None:
    """ARRIBA, STAR_FUSION or SIMPLE from the file's header; None when none fits."""
    return _layout(_read_table(Path(path)))


def _layout(table: _Table) -> str | None:
    names = set(table.columns)
    for layout, required in (
        (ARRIBA, ARRIBA_COLUMNS),
        (STAR_FUSION, STAR_FUSION_COLUMNS),
        (SIMPLE, SIMPLE_COLUMNS),
    ):
        if all(c in names for c in required):
            return layout
    return None


def arriba_gene(text: str) -> str:
    """'TPM3' -> 'TPM3'; intergenic 'GENEA(1234),GENEB(555)' -> closest gene 'GENEB'."""
    parts = [p for p in text.split(",") if p.strip()]
    if len(parts) == 1 and "(" not in parts[0]:
        return parts[0].strip()
    best: tuple[int, str] | None = None
    for part in parts:
        match = _INTERGENIC_GENE.match(part)
        if match is None:
            return text.strip()
        distance, gene = int(match.group(2)), match.group(1)
        if best is None or distance < best[0]:
            best = (distance, gene)
    return best[1] if best else text.strip()


def merge_fusions(fusions: list[Fusion]) -> list[Fusion]:
    """One Fusion per (gene5, gene3, caller), in order of first appearance."""
    merged: dict[tuple[str, str, str], Fusion] = {}
    for fusion in fusions:
        key = (fusion.gene5, fusion.gene3, fusion.caller)
        kept = merged.get(key)
        if kept is None:
            merged[key] = Fusion(
                fusion.gene5, fusion.gene3, fusion.supporting_reads, fusion.caller, fusion.in_frame
            )
            continue
        if fusion.supporting_reads is not None and (
            kept.supporting_reads is None or fusion.supporting_reads > kept.supporting_reads
        ):
            kept.supporting_reads = fusion.supporting_reads
        if fusion.in_frame is True or (fusion.in_frame is False and kept.in_frame is None):
            kept.in_frame = fusion.in_frame
    return list(merged.values())


def _read_table(path: Path) -> _Table:
    if not path.is_file():
        raise InputError("fusion file not found", path=str(path), fix="check the fusions path")
    lines = list(iter_lines(path))
    body = [(n, text) for n, text in lines if text.strip() and not text.startswith("##")]
    if not body:
        raise InputError("fusion file is empty", path=str(path), fix="give a header line")
    header = split_fields(body[0][1].lstrip("#"), "\t", path, body[0][0])
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        columns.setdefault(name.strip().lower(), index)
    rows = [(n, split_fields(text, "\t", path, n)) for n, text in body[1:]]
    return _Table(path, columns, [h.strip() for h in header], rows)


def _frame(text: str) -> bool | None:
    word = text.strip().lower()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return None


def _require_gene(table: _Table, line: int, text: str, column: str) -> str:
    if text in _MISSING:
        raise InputError(
            "gene name is empty",
            path=str(table.path),
            line=line,
            column=column,
            fix="every fusion row needs both partner genes",
        )
    return text


def _arriba(table: _Table, keep_low: bool) -> list[Fusion]:
    fusions = []
    for line, fields in table.rows:
        if not keep_low and table.get(fields, "confidence").lower() == "low":
            continue
        gene5 = _require_gene(table, line, arriba_gene(table.get(fields, "gene1")), "gene1")
        gene3 = _require_gene(table, line, arriba_gene(table.get(fields, "gene2")), "gene2")
        reads = sum(
            table.count(line, fields, c)
            for c in ("split_reads1", "split_reads2", "discordant_mates")
        )
        fusions.append(
            Fusion(
                gene5=gene5,
                gene3=gene3,
                supporting_reads=reads,
                caller="Arriba",
                in_frame=_frame(table.get(fields, "reading_frame")),
            )
        )
    return fusions


def _star_fusion(table: _Table) -> list[Fusion]:
    fusions = []
    for line, fields in table.rows:
        name = table.get(fields, "fusionname")
        left = table.get(fields, "leftgene").split("^")[0]
        right = table.get(fields, "rightgene").split("^")[0]
        if not (left and right) and "--" in name:
            left, right = name.split("--", 1)
        gene5 = _require_gene(table, line, left, "LeftGene")
        gene3 = _require_gene(table, line, right, "RightGene")
        reads = table.count(line, fields, "junctionreadcount") + table.count(
            line, fields, "spanningfragcount"
        )
        fusions.append(
            Fusion(
                gene5=gene5,
                gene3=gene3,
                supporting_reads=reads,
                caller="STAR-Fusion",
                in_frame=_frame(table.get(fields, "prot_fusion_type")),
            )
        )
    return fusions


def _simple(table: _Table) -> list[Fusion]:
    reads_column = next(
        (c for c in ("supporting_reads", "reads", "read_count") if c in table.columns), None
    )
    fusions = []
    for line, fields in table.rows:
        gene5 = _require_gene(table, line, table.get(fields, "gene5"), "gene5")
        gene3 = _require_gene(table, line, table.get(fields, "gene3"), "gene3")
        reads = None
        if reads_column and table.get(fields, reads_column) not in _MISSING:
            reads = table.count(line, fields, reads_column)
        fusions.append(
            Fusion(
                gene5=gene5,
                gene3=gene3,
                supporting_reads=reads,
                caller=table.get(fields, "caller") or "table",
                in_frame=_frame(table.get(fields, "in_frame")),
            )
        )
    return fusions

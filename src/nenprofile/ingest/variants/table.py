"""variants.tsv.gz: every normalised variant of a sample, written as the variants stream past.

gzip members may be concatenated (RFC 1952), so a two-process read writes the worker's
share as its own member and this process appends it after its own: one valid file, in file
order. mtime 0 keeps the bytes identical on reruns.
"""

from __future__ import annotations

import contextlib
import gzip
import os
import shutil
from collections.abc import Iterable
from operator import attrgetter
from pathlib import Path
from typing import IO

from nenprofile.io.outputs import FORMULA_STARTS, atomic_write, encode_text, format_cell
from nenprofile.model import Variant

VARIANT_TABLE_COLUMNS = (
    "chrom", "pos", "ref", "alt", "gene", "variant_class", "consequence", "hgvsc", "hgvsp",
    "transcript", "vaf", "depth", "alt_reads", "population_af", "clinvar", "filter",
    "annotation_source",
)  # fmt: skip
CHUNK_LINES = 10_000  # lines formatted per write: fast, and memory stays flat
# zlib level 1: on a 1M-record sample's 112 MB table, 1.4 CPU-s and 30.8 MB against 4.9 CPU-s
# and 26.4 MB at the gzip default of 6; this table is written on every profiling job's
# critical path and read rarely
COMPRESS_LEVEL = 1
_values_of = attrgetter(*VARIANT_TABLE_COLUMNS)
_HEADER = ("\t".join(VARIANT_TABLE_COLUMNS) + "\n").encode()


def table_line(variant: Variant) -> str:
    """format_cell of each column, tab-joined. Builds the line from the usual value types
    directly (a million variants per file), and falls back to format_cell per cell when a
    value is not of those types or a cell needs the TSV dialect's escaping or formula guard."""
    line = _usual_line(variant)
    # whether some cell is not already in the TSV dialect (escapes, formula guard), spelled
    # out: a generator over the cell starts cost more than the line's formatting
    if (
        "\\" in line
        or "\n" in line
        or "\r" in line
        or "\t=" in line
        or "\t+" in line
        or "\t-" in line
        or "\t@" in line
        or "\t'" in line
        or line[:1] in FORMULA_STARTS
        or line.count("\t") != _TABS
    ):
        return "\t".join(map(format_cell, _values_of(variant)))
    return line


def _usual_line(v: Variant) -> str:
    """The line table_line gives when every value is of the usual types and no cell needs
    escaping or the formula guard (table_line checks that per line, _in_dialect per chunk);
    "" when a value is of another type."""
    pos, vaf, depth, alt_reads, pop_af = v.pos, v.vaf, v.depth, v.alt_reads, v.population_af
    vaf_text = _FLOAT_CELLS.get(vaf) if type(vaf) is float else None
    pop_text = "" if pop_af is None else _FLOAT_CELLS.get(pop_af) if type(pop_af) is float else None
    if vaf_text is None:
        vaf_text = "" if vaf is None else _float(vaf)
    if pop_text is None:
        pop_text = _float(pop_af)
    try:
        return "\t".join((
            v.chrom, str(pos) if type(pos) is int else format_cell(pos), v.ref, v.alt,
            v.gene or "", v.variant_class, v.consequence or "", v.hgvsc or "", v.hgvsp or "",
            v.transcript or "", vaf_text,
            "" if depth is None else str(depth) if type(depth) is int else format_cell(depth),
            "" if alt_reads is None else str(alt_reads) if type(alt_reads) is int
            else format_cell(alt_reads),
            pop_text,
            v.clinvar or "", v.filter, v.annotation_source,
        ))  # fmt: skip
    except TypeError:  # a value of another type: format_cell decides
        return ""


# bytes that may start a cell table_line must escape or guard (FORMULA_STARTS but "-", which
# "gene-overlap" holds on every line, so it is looked for after a tab or newline only)
_RISKY_BYTES = b"=+@'\\\r"
_CELL_STARTS = tuple(
    sep + start for sep in (b"\t", b"\n") for start in (b"=", b"+", b"-", b"@", b"'")
)


def _in_dialect(chunk: bytes, n_lines: int) -> bool:
    """Whether each of the chunk's n_lines lines (_usual_line's, each ending in a newline)
    is already what table_line gives: its own check, made on the whole chunk at once."""
    if chunk.count(b"\t") != _TABS * n_lines or chunk.count(b"\n") != n_lines:
        return False  # an empty line (another type), or a tab or newline inside a cell
    if chunk[:1] in _FORMULA_START_BYTES or b"\\" in chunk or b"\r" in chunk:
        return False
    if len(chunk.translate(None, _RISKY_BYTES)) == len(chunk):
        return b"\t-" not in chunk and b"\n-" not in chunk
    return not any(start in chunk for start in _CELL_STARTS)


_TABS = len(VARIANT_TABLE_COLUMNS) - 1
_FORMULA_START_BYTES = {start.encode() for start in FORMULA_STARTS}
_FLOAT_CELLS: dict[float, str] = {}  # allele fractions repeat: format each value once


def _float(value: object) -> str:
    if value is None:
        return ""
    if type(value) is float:
        text = _FLOAT_CELLS.get(value)
        if text is None:
            if len(_FLOAT_CELLS) > 100_000:
                _FLOAT_CELLS.clear()
            text = _FLOAT_CELLS[value] = format_cell(value)
        return text
    return format_cell(value)


class VariantTableWriter:
    """Writes to raw, an open binary file; part_path is where a forked worker writes its
    share (see start_worker)."""

    def __init__(self, raw: IO[bytes], part_path: str | Path) -> None:
        self.raw = raw
        self.part_path = str(part_path)
        # what is not yet written, in order: variants, lines of plain cells (add_cells) and
        # blocks of lines in the dialect (add_text)
        self.pending: list[Variant | str] = []
        self._blocks = 0  # how many of pending are blocks
        self._gz: gzip.GzipFile | None = self._member(header=True)
        self.file_start = 0  # where the current input file's rows begin (restart goes back)

    def _member(self, *, header: bool) -> gzip.GzipFile:
        gz = gzip.GzipFile(fileobj=self.raw, mode="wb", mtime=0, compresslevel=COMPRESS_LEVEL)
        if header:
            gz.write(_HEADER)
        return gz

    def add(self, variant: Variant) -> None:
        self.pending.append(variant)
        if len(self.pending) >= CHUNK_LINES:
            self.flush()

    def add_cells(self, line: str) -> None:
        """A variant's line as _usual_line gives it, made by the caller (plain_cells_line):
        checked and guarded per chunk as a variant's line is."""
        self.pending.append(line)
        if len(self.pending) >= CHUNK_LINES:
            self.flush()

    def add_text(self, block: str) -> None:
        """Lines already in the TSV dialect (table_line's), joined by newlines, after what was
        added before."""
        self.pending.append(_TextBlock(block))
        self._blocks += 1

    def flush(self) -> None:
        if not self.pending:
            return
        if self._gz is None:
            raise RuntimeError("variant table already finished")
        if not self._blocks:
            self._gz.write(_variant_lines(self.pending))
        else:
            run: list[Variant | str] = []
            for item in self.pending:
                if isinstance(item, _TextBlock):
                    if run:
                        self._gz.write(_variant_lines(run))
                        run = []
                    self._gz.write((item + "\n").encode())
                else:
                    run.append(item)
            if run:
                self._gz.write(_variant_lines(run))
        self.pending.clear()
        self._blocks = 0

    def finish(self) -> None:
        """Ends the gzip member; raw stays open."""
        self.flush()
        if self._gz is not None:
            self._gz.close()
            self._gz = None

    def new_file(self) -> None:
        """The next input file of the sample: its rows go in a member of their own."""
        self.finish()
        self.file_start = self.raw.tell()
        self._gz = self._member(header=False)

    def restart(self) -> None:
        """Forget the current input file's rows."""
        self.pending.clear()
        self._blocks = 0
        if self._gz is not None:
            self._gz.close()
        self.raw.seek(self.file_start)
        self.raw.truncate()
        self._gz = self._member(header=self.file_start == 0)
        self.remove_part()

    def start_worker(self) -> None:
        """In the forked worker: its share goes to part_path, as a member without header."""
        self.pending.clear()
        self._blocks = 0
        self.raw = open(self.part_path, "wb")  # noqa: SIM115 (closed by worker_finish)
        self._gz = self._member(header=False)

    def worker_finish(self) -> None:
        self.finish()
        self.raw.close()

    def append_part(self) -> None:
        """After this process's own share: the worker's member, then nothing more."""
        self.finish()
        with open(self.part_path, "rb") as part:
            shutil.copyfileobj(part, self.raw, 1 << 20)
        self.remove_part()

    def remove_part(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.part_path)


class _TextBlock(str):
    """Lines add_text was given."""


def _variant_lines(items: list[Variant | str]) -> bytes:
    """table_line of each variant (or add_cells line), each ending in a newline, encoded:
    the lines are checked per chunk, and made again line by line only when some line of the
    chunk needs it."""
    lines = [i if isinstance(i, str) else _usual_line(i) for i in items]
    chunk = ("\n".join(lines) + "\n").encode()
    if _in_dialect(chunk, len(items)):
        return chunk
    lines = [guarded_cells(i) if isinstance(i, str) else table_line(i) for i in items]
    return ("\n".join(lines) + "\n").encode()


# the cells of a line that hold numbers (pos, vaf, depth, alt_reads, population_af)
_NUMBER_CELLS = frozenset({1, 10, 11, 12, 13})


def plain_cells_line(
    chrom: str,
    pos: int,
    ref: str,
    alt: str,
    gene: str | None,
    vaf: float | None,
    depth: int | None,
    alt_reads: int | None,
    flt: str,
) -> str:
    """_usual_line of the gene-overlap Variant of these values (unknown class, no
    annotation), without building it. Only for values of these exact types."""
    vaf_text = "" if vaf is None else _FLOAT_CELLS.get(vaf) or _float(vaf)
    return (
        f"{chrom}\t{pos}\t{ref}\t{alt}\t{gene or ''}\tunknown\t\t\t\t\t{vaf_text}\t"
        f"{'' if depth is None else depth}\t{'' if alt_reads is None else alt_reads}\t\t\t"
        f"{flt}\tgene-overlap"
    )


def guarded_cells(line: str) -> str:
    """table_line of a plain_cells_line: its text cells escaped and guarded as format_cell
    does (its number cells need neither; text cells read from a VCF hold no tab)."""
    return "\t".join(
        cell if i in _NUMBER_CELLS else encode_text(cell) for i, cell in enumerate(line.split("\t"))
    )


def part_path_for(path: str | Path) -> Path:
    target = Path(path)
    return target.with_name(f".{target.name}.worker.tmp")


def write_variant_table(path: str | Path, variants: Iterable[Variant]) -> None:
    """All of variants to path (a list already in memory; streamed ingest uses the writer)."""
    with atomic_write(path, "wb") as raw:
        writer = VariantTableWriter(raw, part_path_for(path))
        for variant in variants:
            writer.add(variant)
        writer.finish()


__all__ = ["VARIANT_TABLE_COLUMNS", "VariantTableWriter", "part_path_for", "write_variant_table"]

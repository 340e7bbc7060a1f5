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
from typing import IO, cast

from nenprofile.io.outputs import FORMULA_STARTS, atomic_write, format_cell
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
        # what is not yet written, in order: variants, and blocks of lines (add_text)
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

    def add_text(self, block: str) -> None:
        """Lines already in the TSV dialect (table_line's), joined by newlines, after what was
        added before."""
        self.pending.append(block)
        self._blocks += 1

    def flush(self) -> None:
        if not self.pending:
            return
        if self._gz is None:
            raise RuntimeError("variant table already finished")
        if not self._blocks:
            self._gz.write(_variant_lines(cast("list[Variant]", self.pending)))
        else:
            variants: list[Variant] = []
            for item in self.pending:
                if isinstance(item, str):
                    if variants:
                        self._gz.write(_variant_lines(variants))
                        variants = []
                    self._gz.write((item + "\n").encode())
                else:
                    variants.append(item)
            if variants:
                self._gz.write(_variant_lines(variants))
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


def _variant_lines(variants: list[Variant]) -> bytes:
    """table_line of each variant, each ending in a newline, encoded: the lines are checked
    per chunk, and made again by table_line only when some line of the chunk needs it."""
    chunk = ("\n".join(map(_usual_line, variants)) + "\n").encode()
    if _in_dialect(chunk, len(variants)):
        return chunk
    return ("\n".join(map(table_line, variants)) + "\n").encode()


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

"""variants.tsv.gz: every normalised variant of a sample, written as the variants stream past.

gzip members may be concatenated (RFC 1952), so a two-process read writes the worker's
share as its own member and this process appends it after its own: one valid file, in file
order. ISA-L's gzip header has mtime 0, so the bytes stay identical on reruns.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable
from operator import attrgetter
from pathlib import Path
from typing import IO

from isal import isal_zlib

from nenprofile.io.outputs import FORMULA_STARTS, atomic_write, format_cell
from nenprofile.model import Variant

VARIANT_TABLE_COLUMNS = (
    "chrom", "pos", "ref", "alt", "gene", "variant_class", "consequence", "hgvsc", "hgvsp",
    "transcript", "vaf", "depth", "alt_reads", "population_af", "clinvar", "filter",
    "annotation_source",
)  # fmt: skip
CHUNK_LINES = 10_000  # lines formatted per write: fast, and memory stays flat
# ISA-L (igzip) level 1: on a 1M-record sample's 112 MB table, 0.26-0.29 CPU-s and 28.5 MB
# against zlib level 1's 0.9 CPU-s and 30.8 MB (zlib's default 6: 4.9 CPU-s, 26.4 MB); this
# table is written on every profiling job's critical path and read rarely
COMPRESS_LEVEL = 1
# ISA-L's output depends on how its input is cut into compress() calls (zlib's does not), and
# the columnar engine and the fast loop hand the same text over in different pieces: cut at
# fixed offsets of the member's text, its bytes depend on the text alone
SLICE_BYTES = 1 << 20
_GZIP_WBITS = 31  # a gzip member: header (mtime 0), deflate, CRC-32 and size trailer
_values_of = attrgetter(*VARIANT_TABLE_COLUMNS)
_HEADER = ("\t".join(VARIANT_TABLE_COLUMNS) + "\n").encode()


def table_line(variant: Variant) -> str:
    """format_cell of each column, tab-joined. Builds the line from the usual value types
    directly (a million variants per file), and falls back to format_cell per cell when a
    value is not of those types or a cell needs the TSV dialect's escaping or formula guard."""
    v = variant
    pos, vaf, depth, alt_reads, pop_af = v.pos, v.vaf, v.depth, v.alt_reads, v.population_af
    vaf_text = _FLOAT_CELLS.get(vaf) if type(vaf) is float else None
    pop_text = "" if pop_af is None else _FLOAT_CELLS.get(pop_af) if type(pop_af) is float else None
    if vaf_text is None:
        vaf_text = "" if vaf is None else _float(vaf)
    if pop_text is None:
        pop_text = _float(pop_af)
    try:
        line = "\t".join((
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
        line = ""
    if _needs_encoding(line):
        return "\t".join(map(format_cell, _values_of(variant)))
    return line


def overlap_line(
    chrom: str,
    pos: int,
    ref: str,
    alt: str,
    gene: str | None,
    vaf: float | None,
    depth: int | None,
    alt_reads: int | None,
    flt: str,
) -> str | None:
    """table_line of the Variant overlaploop.py builds from these values (class 'unknown',
    source 'gene-overlap', no annotation), without building it; None when a cell needs the
    TSV dialect's escaping (then table_line of the Variant)."""
    line = "\t".join((
        chrom, str(pos), ref, alt, gene or "", "unknown", "", "", "", "", _float(vaf),
        "" if depth is None else str(depth), "" if alt_reads is None else str(alt_reads), "",
        "", flt, "gene-overlap",
    ))  # fmt: skip
    return None if _needs_encoding(line) else line


def _needs_encoding(line: str) -> bool:
    """Whether some cell is not already in the TSV dialect (escapes, formula guard), spelled
    out: a generator over the cell starts costs more than the line's formatting."""
    return (
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
    )


_TABS = len(VARIANT_TABLE_COLUMNS) - 1
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


class GzipMember:
    """One gzip member written to raw: its text goes to ISA-L in slices of exactly SLICE_BYTES
    (the remainder at close), whichever pieces write() is given."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.deflate = isal_zlib.compressobj(COMPRESS_LEVEL, isal_zlib.DEFLATED, _GZIP_WBITS)
        self.pending = bytearray()

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        if self.pending:
            taken = SLICE_BYTES - len(self.pending)
            self.pending += view[:taken]
            view = view[taken:]
            if len(self.pending) < SLICE_BYTES:
                return
            self.raw.write(self.deflate.compress(self.pending))
            self.pending.clear()
        whole = len(view) - len(view) % SLICE_BYTES
        for start in range(0, whole, SLICE_BYTES):
            self.raw.write(self.deflate.compress(view[start : start + SLICE_BYTES]))
        self.pending += view[whole:]

    def close(self) -> None:
        """Ends the member; raw stays open."""
        self.raw.write(self.deflate.compress(self.pending) + self.deflate.flush())
        self.pending.clear()


class VariantTableWriter:
    """Writes to raw, an open binary file; part_path is where a forked worker writes its
    share (see start_worker)."""

    def __init__(self, raw: IO[bytes], part_path: str | Path) -> None:
        self.raw = raw
        self.part_path = str(part_path)
        self.lines: list[str] = []
        self._gz: GzipMember | None = self._member(header=True)
        self.file_start = 0  # where the current input file's rows begin (restart goes back)

    def _member(self, *, header: bool) -> GzipMember:
        gz = GzipMember(self.raw)
        if header:
            gz.write(_HEADER)
        return gz

    def add(self, variant: Variant) -> None:
        self.lines.append(table_line(variant))
        if len(self.lines) >= CHUNK_LINES:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            if self._gz is None:
                raise RuntimeError("variant table already finished")
            self._gz.write(("\n".join(self.lines) + "\n").encode())
            self.lines.clear()

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
        self.lines.clear()
        if self._gz is not None:
            self._gz.close()
        self.raw.seek(self.file_start)
        self.raw.truncate()
        self._gz = self._member(header=self.file_start == 0)
        self.remove_part()

    def start_worker(self) -> None:
        """In the forked worker: its share goes to part_path, as a member without header."""
        self.lines.clear()
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

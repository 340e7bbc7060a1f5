"""One pass over a cohort MAF, writing each sheet sample's rows to its own part.

A part is a MAF again, read by read_maf like any other, with two additions so that what it
reports still points at the user's file:

- its last line is PART_MARK, a tab and a JSON object (MafPart): the cohort MAF's path,
  this sample's barcode and what the split saw (rows in all, rows whose barcode is in no
  sheet row, samples without rows); last, because those counts are known only at the end;
- its first column, SOURCE_LINE_COLUMN, holds each row's line number in the cohort MAF.

The split streams, one tab split (up to the barcode) per row. Each part is opened once and
kept open when the open-file limit allows one handle per part (memory: one write buffer per
part, whatever the number of rows); otherwise rows are buffered, at most FLUSH_BYTES in all,
and appended to their parts whenever the buffer is full. A sample's row that is not UTF-8
is refused here, naming the cohort MAF's line; rows of no sheet sample are only counted.
"""

from __future__ import annotations

import contextlib
import json
import resource
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO

from nenprofile.errors import InputError
from nenprofile.io.textfiles import (
    CORRUPT_COMPRESSED,
    GZIP_MAGIC,
    not_utf8_error,
    open_binary,
    truncated_error,
)

PART_MARK = "#nenprofile-maf-part"
SOURCE_LINE_COLUMN = "nenprofile_source_line"
BARCODE_COLUMN = "tumor_sample_barcode"  # compared in lower case, as the reader does
FLUSH_BYTES = 32 << 20
SPARE_FILES = 64  # open files left for the interpreter and the input
MAX_LISTED = 20
TAIL_BYTES = 1 << 16  # holds a mark: its lists are capped at MAX_LISTED barcodes


@dataclass
class MafPart:
    """What a part's last line says about the split that wrote it."""

    source: str  # the cohort MAF as the sheet names it
    barcode: str  # the Tumor_Sample_Barcode this part holds
    rows: int = 0  # rows of this barcode
    source_rows: int = 0  # data rows of the cohort MAF
    unmatched_rows: int = 0  # rows whose barcode is in no sheet row
    unmatched_barcodes: list[str] = field(default_factory=list)  # the first MAX_LISTED
    n_unmatched_barcodes: int = 0
    samples_without_rows: int = 0  # sheet samples reading this MAF with no row in it

    def mark_line(self) -> bytes:
        return f"{PART_MARK}\t{json.dumps(self.disclosure(), sort_keys=True)}\n".encode()

    def disclosure(self) -> dict[str, Any]:
        """Every field, as ingest.json's cohort_maf shows them."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_line(cls, line: str) -> MafPart | None:
        if not line.startswith(PART_MARK + "\t"):
            return None
        return cls(**json.loads(line.split("\t", 1)[1]))

    @classmethod
    def of_file(cls, path: str | Path) -> MafPart | None:
        """The mark a split left on the last line of `path`; None for any other file."""
        with open(path, "rb") as handle:
            if handle.read(2) == GZIP_MAGIC:
                return None
            size = handle.seek(0, 2)
            handle.seek(max(0, size - TAIL_BYTES))
            lines = handle.read().rstrip(b"\n").rsplit(b"\n", 1)
        return cls.from_line(lines[-1].decode("utf-8", errors="replace"))


@dataclass
class SplitSummary:
    """What one split did: rows per barcode and the rows no sheet sample claims."""

    source: str
    source_rows: int
    rows_per_barcode: dict[str, int]
    unmatched_rows: int
    unmatched_barcodes: dict[str, int]  # barcode -> rows, in order of first appearance

    @property
    def barcodes_without_rows(self) -> list[str]:
        return [b for b, n in self.rows_per_barcode.items() if n == 0]


class _OpenParts:
    """One open handle per part, each created with the header: every row is written once."""

    def __init__(self, parts_of: Mapping[bytes, list[Path]], header: bytes) -> None:
        self.handles: dict[bytes, list[BinaryIO]] = {}
        # barcode -> what writes a row to its part(s): the handle's own write when one part
        self.row_writers: dict[bytes, Callable[[bytes], object]] = {}
        for barcode, found in parts_of.items():
            handles: list[BinaryIO] = [open(part, "wb") for part in found]  # noqa: SIM115
            for handle in handles:
                handle.write(header)
            self.handles[barcode] = handles
            self.row_writers[barcode] = (
                handles[0].write if len(handles) == 1 else partial(_write_to_all, handles)
            )

    def flush(self, tails: Mapping[bytes, bytes] | None = None) -> None:
        for barcode, handles in self.handles.items():
            for handle in handles:
                if tails is not None:
                    handle.write(tails[barcode])
                handle.close()

    def close(self) -> None:
        for handles in self.handles.values():
            for handle in handles:
                handle.close()


def _write_to_all(handles: list[BinaryIO], row: bytes) -> None:
    for handle in handles:
        handle.write(row)


def can_open_at_once(count: int) -> bool:
    """Whether `count` more files may be open together, raising the soft limit up to the
    hard limit when that is what it takes."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = count + SPARE_FILES
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return True
    if hard != resource.RLIM_INFINITY and hard < needed:
        return False
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))
    return True


class _PartWriter:
    """Rows buffered per barcode and written to their parts when the buffer is full, for when
    the open-file limit is below one handle per part. A part is created (with the header)
    when its first rows are written, or at the end."""

    def __init__(self, parts_of: Mapping[bytes, list[Path]], header: bytes) -> None:
        self.parts_of = parts_of
        self.header = header
        self.created: set[Path] = set()
        self.buffers: dict[bytes, list[bytes]] = {}
        self.buffered = 0
        self.row_writers: dict[bytes, Callable[[bytes], object]] = {
            barcode: partial(self.add, barcode) for barcode in parts_of
        }

    def add(self, barcode: bytes, row: bytes) -> None:
        self.buffers.setdefault(barcode, []).append(row)
        self.buffered += len(row)
        if self.buffered >= FLUSH_BYTES:
            self.flush()

    def flush(self, tails: Mapping[bytes, bytes] | None = None) -> None:
        """Write what is buffered; with tails, every part gets its barcode's tail last."""
        barcodes = self.parts_of if tails is not None else self.buffers
        for barcode in barcodes:
            text = b"".join(self.buffers.get(barcode, ()))
            if tails is not None:
                text += tails[barcode]
            for part in self.parts_of[barcode]:
                self._write(part, text)
        self.buffers.clear()
        self.buffered = 0

    def _write(self, part: Path, text: bytes) -> None:
        if part in self.created:
            with open(part, "ab") as handle:
                handle.write(text)
            return
        with open(part, "wb") as handle:
            handle.write(self.header + text)
        self.created.add(part)

    def close(self) -> None:
        self.buffers.clear()


def split_maf(
    path: str | Path, parts: Mapping[str, str | Path], barcodes: Mapping[str, str]
) -> SplitSummary:
    """Write the rows of each sample (barcodes[sample]) to parts[sample], in file order.

    Every part gets the header; a sample without rows gets a part without rows, and its
    report says so. InputError when no sample has a row (the barcodes do not match the
    sheet at all) or the file has no Tumor_Sample_Barcode column.
    """
    path = Path(path)
    parts_of: dict[bytes, list[Path]] = {}
    for sample, part in parts.items():
        parts_of.setdefault(barcodes[sample].encode(), []).append(Path(part))
    rows_per_barcode = dict.fromkeys(parts_of, 0)
    unmatched: dict[bytes, int] = {}
    source_rows = 0
    try:
        with contextlib.ExitStack() as stack:
            handle = stack.enter_context(open_binary(path))
            header_line, header = _header(path, handle)
            column = _barcode_column(path, header)
            head = f"{SOURCE_LINE_COLUMN}\t".encode() + header.rstrip(b"\r\n") + b"\n"
            writer = _part_writer(parts_of, head)
            stack.callback(writer.close)
            row_writers = writer.row_writers
            for number, line in enumerate(handle, start=header_line + 1):
                if line[:1] == b"#":
                    continue
                fields = line.split(b"\t", column + 1)
                barcode = fields[column].strip() if len(fields) > column else b""
                write = row_writers.get(barcode)
                if write is None:
                    if not barcode and not line.strip():
                        continue  # a blank line
                    source_rows += 1
                    unmatched[barcode] = unmatched.get(barcode, 0) + 1
                    continue
                source_rows += 1
                rows_per_barcode[barcode] += 1
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as error:
                    raise not_utf8_error(path, number, line, error) from None
                if line[-1:] != b"\n":
                    line += b"\n"
                write(b"%d\t" % number + line)
            summary = SplitSummary(
                source=str(path),
                source_rows=source_rows,
                rows_per_barcode={b.decode(): n for b, n in rows_per_barcode.items()},
                unmatched_rows=sum(unmatched.values()),
                unmatched_barcodes={b.decode(errors="replace"): n for b, n in unmatched.items()},
            )
            _refuse_when_no_sample_matches(summary, len(parts))
            writer.flush(tails=_part_marks(summary, parts_of))
    except CORRUPT_COMPRESSED as error:
        raise truncated_error(path, error) from None
    return summary


def _part_writer(parts_of: Mapping[bytes, list[Path]], head: bytes) -> _OpenParts | _PartWriter:
    for folder in {part.parent for found in parts_of.values() for part in found}:
        folder.mkdir(parents=True, exist_ok=True)
    if can_open_at_once(sum(len(found) for found in parts_of.values())):
        return _OpenParts(parts_of, head)
    return _PartWriter(parts_of, head)


def _refuse_when_no_sample_matches(summary: SplitSummary, n_samples: int) -> None:
    if not summary.source_rows or any(summary.rows_per_barcode.values()):
        return
    raise InputError(
        f"none of the {n_samples} sample(s) that read this MAF has a row in it: no "
        f"Tumor_Sample_Barcode equals a sheet sample id or tumor_sample; barcodes present: "
        f"{_listed(list(summary.unmatched_barcodes), len(summary.unmatched_barcodes))}",
        path=summary.source,
        column="Tumor_Sample_Barcode",
        fix="name the samples in the sheet as the MAF does, or set tumor_sample to the "
        "MAF's barcode",
    )


def _header(path: Path, handle: BinaryIO) -> tuple[int, bytes]:
    for number, line in enumerate(handle, start=1):
        if not line.startswith(b"#") and line.strip():
            return number, line.removeprefix(b"\xef\xbb\xbf")
    raise InputError("MAF has no header line", path=str(path), fix="provide a tab-separated MAF")


def _barcode_column(path: Path, header: bytes) -> int:
    names = [name.strip().lower() for name in header.rstrip(b"\r\n").split(b"\t")]
    if BARCODE_COLUMN.encode() not in names:
        raise InputError(
            "MAF is missing required column(s): Tumor_Sample_Barcode",
            path=str(path),
            column="Tumor_Sample_Barcode",
            fix="a cohort MAF names each row's sample in Tumor_Sample_Barcode",
        )
    return names.index(BARCODE_COLUMN.encode())


def _listed(names: list[str], total: int) -> str:
    listed = ", ".join(names[:MAX_LISTED]) or "none"
    return listed + (f" and {total - MAX_LISTED} more" if total > MAX_LISTED else "")


def _part_marks(summary: SplitSummary, parts_of: Mapping[bytes, list[Path]]) -> dict[bytes, bytes]:
    """barcode -> the MafPart line that ends its parts."""
    without_rows = sum(
        len(found) for b, found in parts_of.items() if not summary.rows_per_barcode[b.decode()]
    )
    shared = asdict(
        MafPart(
            source=summary.source,
            barcode="",
            source_rows=summary.source_rows,
            unmatched_rows=summary.unmatched_rows,
            unmatched_barcodes=list(summary.unmatched_barcodes)[:MAX_LISTED],
            n_unmatched_barcodes=len(summary.unmatched_barcodes),
            samples_without_rows=without_rows,
        )
    )
    marks = {}
    for barcode in parts_of:
        text = barcode.decode()
        fields = {**shared, "barcode": text, "rows": summary.rows_per_barcode[text]}
        marks[barcode] = MafPart(**fields).mark_line()
    return marks

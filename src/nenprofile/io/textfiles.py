"""Line reading shared by the tabular readers: plain or gzip, UTF-8, CRLF and BOM tolerant.

Bad bytes and truncated compressed files become InputError naming the file and line instead
of UnicodeDecodeError / EOFError tracebacks.
"""

from __future__ import annotations

import csv
import gzip
import io
import mmap
import os
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from nenprofile.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
CORRUPT_COMPRESSED = (EOFError, gzip.BadGzipFile, zlib.error)


# A compressed input may expand at most this many times its compressed size once it has
# given RATIO_CHECK_AFTER bytes (genomic text compresses 3-20x; a gzip bomb 1000x), and to
# at most MAX_DECOMPRESSED bytes in all.
MAX_RATIO = 100
RATIO_CHECK_AFTER = 64 << 20
MAX_DECOMPRESSED = 256 << 30


def path_kind(path: str | Path) -> str | None:
    """None for a regular file (or a link to one), else what the path is, in words."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "does not exist"
    except NotADirectoryError:
        return "does not exist (a parent in the path is a file)"
    except PermissionError:
        return "cannot be read (permission denied on a folder in the path)"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    if stat.S_ISFIFO(mode):
        return "is a named pipe (FIFO), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device, not a file"
    if stat.S_ISSOCK(mode):
        return "is a socket, not a file"
    return "is not a regular file"


def require_regular_file(path: str | Path, *, fix: str = "give the path of a regular file") -> None:
    """InputError unless path is a regular file: pipes and devices would hang or never end."""
    kind = path_kind(path)
    if kind is not None:
        raise InputError(f"the path {kind}", path=str(path), fix=fix)


def is_gzipped(path: str | Path) -> bool:
    with open(path, "rb") as probe:
        return probe.read(2) == GZIP_MAGIC


class _BoundedGzip(io.RawIOBase):
    """A gzip stream that refuses to expand beyond max_ratio / MAX_DECOMPRESSED."""

    def __init__(self, path: str | Path, max_ratio: float = MAX_RATIO) -> None:
        self.path = str(path)
        self.max_ratio = max_ratio
        self._raw = open(path, "rb")  # noqa: SIM115 (closed in close)
        self._gzip = gzip.GzipFile(fileobj=self._raw, mode="rb")
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = self._gzip.readinto(buffer)
        self.given += count
        if self.given > MAX_DECOMPRESSED or (
            self.given > RATIO_CHECK_AFTER
            and self.given > self.max_ratio * max(self._raw.tell(), 1)
        ):
            raise expansion_error(self.path, self.given, self.max_ratio)
        return count

    def close(self) -> None:
        self._gzip.close()
        self._raw.close()
        super().close()


def expansion_error(path: str | Path, expanded: int, max_ratio: float) -> InputError:
    return InputError(
        f"the compressed file expands to more than {expanded >> 20} MiB, over {max_ratio:g} "
        "times its compressed size: not a plausible genomics file (a damaged file or a "
        "'zip bomb')",
        path=str(path),
        fix="check the file with 'zcat <file> | head' and give the real file; if it is real, "
        "raise input_limits.max_expansion_ratio in the config",
    )


def open_binary(path: str | Path, max_ratio: float = MAX_RATIO) -> BinaryIO:
    """The file's bytes, decompressed (within size and ratio limits) when it starts with the
    gzip magic number. InputError for a folder, pipe or device."""
    require_regular_file(path)
    if is_gzipped(path):
        return io.BufferedReader(_BoundedGzip(path, max_ratio), 1 << 16)
    return open(path, "rb")


_BGZF_HEADER = b"\x1f\x8b\x08\x04"


def check_expansion(path: str | Path, max_ratio: float) -> None:
    """InputError when a gzip file expands to more than max_ratio times its size (and more
    than RATIO_CHECK_AFTER bytes), checked before a reader that cannot bound it (htslib,
    bgzip) starts. A BGZF file (bgzip, htslib) states each block's size: reading the block
    headers costs milliseconds. Another gzip file is inflated once, in bounded memory."""
    if path_kind(path) is not None or not is_gzipped(path):
        return  # the reader names what is wrong with the path
    size = os.path.getsize(path)
    limit = max(max_ratio * size, RATIO_CHECK_AFTER)
    expanded = _bgzf_size(path, limit)
    if expanded is None:
        expanded = _inflated_size(path, limit)
    if expanded > limit:
        raise expansion_error(path, int(expanded), max_ratio)


def _bgzf_size(path: str | Path, limit: float) -> int | None:
    """Sum of a BGZF file's block sizes (stops once above limit); None when not BGZF."""
    total = 0
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        start, size = 0, len(data)
        while start < size and total <= limit:
            header = data[start : start + 18]
            # BGZF: FLG.FEXTRA, XLEN 6, subfield 'BC' of length 2 holding BSIZE
            if len(header) < 18 or header[:4] != _BGZF_HEADER or header[12:14] != b"BC":
                return None
            start += int.from_bytes(header[16:18], "little") + 1
            if start > size:
                return None
            total += int.from_bytes(data[start - 4 : start], "little")
    return total


def _inflated_size(path: str | Path, limit: float) -> int:
    """Bytes the gzip file inflates to (every member), counted up to just above limit."""
    total = 0
    try:
        with open(path, "rb") as raw, gzip.GzipFile(fileobj=raw) as stream:
            while total <= limit:
                chunk = stream.read(1 << 20)
                if not chunk:
                    break
                total += len(chunk)
    except CORRUPT_COMPRESSED as error:
        raise truncated_error(path, error) from None
    return total


def truncated_error(path: str | Path, error: BaseException) -> InputError:
    return InputError(
        f"the compressed file is truncated or corrupt ({error or type(error).__name__})",
        path=str(path),
        fix="copy or re-create the file completely; 'gzip -t <file>' checks it",
    )


def not_utf8_error(
    path: str | Path, line: int, raw: bytes, error: UnicodeDecodeError
) -> InputError:
    return InputError(
        f"the line is not UTF-8 text (byte 0x{raw[error.start]:02x} at character "
        f"{error.start + 1})",
        path=str(path),
        line=line,
        fix="save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8 in > out)",
    )


def iter_lines(path: str | Path, max_ratio: float = MAX_RATIO) -> Iterator[tuple[int, str]]:
    """(1-based line number, text without the line ending) of every line; a BOM is dropped.
    max_ratio: how many times its size a gzip file may expand (see _BoundedGzip)."""
    try:
        with open_binary(path, max_ratio) as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    raise not_utf8_error(path, number, raw, error) from None
                if number == 1:
                    text = text.removeprefix("\ufeff")
                yield number, text.rstrip("\r\n")
    except CORRUPT_COMPRESSED as error:
        raise truncated_error(path, error) from None


def split_fields(text: str, delimiter: str, path: str | Path, line: int) -> list[str]:
    """One line's fields, csv-quoted cells allowed; a stray carriage return inside the line
    (old Mac line endings, or a pasted cell) is an InputError naming the line."""
    try:
        return next(csv.reader([text], delimiter=delimiter))
    except csv.Error as error:
        raise InputError(
            f"cannot split the line into columns ({error})",
            path=str(path),
            line=line,
            fix="save the file with Unix (LF) or Windows (CRLF) line endings and no line "
            "breaks inside cells",
        ) from None

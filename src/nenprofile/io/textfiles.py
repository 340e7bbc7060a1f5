"""Line reading shared by the tabular readers: plain or gzip, UTF-8, CRLF and BOM tolerant.

Bad bytes and truncated compressed files become InputError naming the file and line instead
of UnicodeDecodeError / EOFError tracebacks.
"""

from __future__ import annotations

import csv
import gzip
import io
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
    """A gzip stream that refuses to expand beyond MAX_RATIO / MAX_DECOMPRESSED."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._raw = open(path, "rb")  # noqa: SIM115 (closed in close)
        self._gzip = gzip.GzipFile(fileobj=self._raw, mode="rb")
        self.given = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        count = self._gzip.readinto(buffer)
        self.given += count
        if self.given > MAX_DECOMPRESSED or (
            self.given > RATIO_CHECK_AFTER and self.given > MAX_RATIO * max(self._raw.tell(), 1)
        ):
            raise InputError(
                f"the compressed file expands to more than {self.given >> 20} MiB, over "
                f"{MAX_RATIO} times its compressed size read so far: not a plausible genomics "
                "table (a damaged file or a 'zip bomb')",
                path=self.path,
                fix="check the file with 'zcat <file> | head'; give the real table",
            )
        return count

    def close(self) -> None:
        self._gzip.close()
        self._raw.close()
        super().close()


def open_binary(path: str | Path) -> BinaryIO:
    """The file's bytes, decompressed (within size and ratio limits) when it starts with the
    gzip magic number. InputError for a folder, pipe or device."""
    require_regular_file(path)
    if is_gzipped(path):
        return io.BufferedReader(_BoundedGzip(path), 1 << 16)
    return open(path, "rb")


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


def iter_lines(path: str | Path) -> Iterator[tuple[int, str]]:
    """(1-based line number, text without the line ending) of every line; a BOM is dropped."""
    try:
        with open_binary(path) as handle:
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

"""Line reading shared by the tabular readers: plain or gzip, UTF-8, CRLF and BOM tolerant.

Bad bytes and truncated compressed files become InputError naming the file and line instead
of UnicodeDecodeError / EOFError tracebacks.
"""

from __future__ import annotations

import csv
import gzip
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from nenprofile.errors import InputError

GZIP_MAGIC = b"\x1f\x8b"
CORRUPT_COMPRESSED = (EOFError, gzip.BadGzipFile, zlib.error)


def is_gzipped(path: str | Path) -> bool:
    with open(path, "rb") as probe:
        return probe.read(2) == GZIP_MAGIC


def open_binary(path: str | Path) -> BinaryIO:
    """The file's bytes, decompressed when it starts with the gzip magic number."""
    if is_gzipped(path):
        return gzip.open(path, "rb")  # type: ignore[return-value]
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

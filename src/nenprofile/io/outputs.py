"""Atomic, deterministic writers for the contract outputs.

Each writer writes to a temporary file in the target folder and renames it into place, so
a killed job never leaves a file that looks complete.
"""

from __future__ import annotations

import contextlib
import glob
import json
import math
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def remove_stale_temporaries(target: Path) -> None:
    """Temporary files a killed earlier write of target left behind (.<name>.*.tmp).

    Only one job writes a given output, so any such file is a leftover, never in use.
    """
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            leftover.unlink()


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    handle, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    binary = "b" in mode
    try:
        text_options: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(handle, mode, **text_options) as out:
            yield out
        # mkstemp creates 0600; give the file the permissions a plain open() would
        os.chmod(tmp, 0o666 & ~_current_umask())
        os.replace(tmp, target)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(error, OSError) and error.filename is None and error.errno:
            # a failed write() names no file; a full disk must say which output it hit
            raise OSError(error.errno, error.strerror, str(target)) from error
        raise


# The one TSV dialect of every table nenprofile writes (documented in config/README.md):
# no quoting; a backslash, tab, newline or carriage return inside a cell is written as \\,
# \t, \n or \r; a text cell a spreadsheet would run as a formula (first character = + - @,
# other than a plain number such as -1.2) or one that starts with ' gets a leading '.
# read_tsv undoes both, so every text round-trips.
FORMULA_STARTS = frozenset("=+-@'")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


def encode_text(text: str) -> str:
    """A text cell in the TSV dialect: escaped, and never a spreadsheet formula."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = "".join(_ESCAPES.get(char, char) for char in text)
    if text and text[0] in FORMULA_STARTS and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def decode_text(cell: str) -> str:
    """The text encode_text was given (a cell of a TSV nenprofile wrote)."""
    if cell.startswith("'"):
        cell = cell[1:]
    if "\\" in cell:
        cell = _ESCAPED.sub(lambda m: _UNESCAPES.get(m.group(1), m.group(0)), cell)
    return cell


def _plain(value: Any) -> str:
    """A value as text before encoding: empty for missing, floats without noise."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return value
    if kind is int:
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return ";".join(_plain(v) for v in value)
    return str(value)


def format_cell(value: Any) -> str:
    """One TSV cell in the dialect above: empty for missing, floats without noise."""
    kind = type(value)
    if kind is int or value is None or isinstance(value, (bool, float)):
        return _plain(value)
    return encode_text(_plain(value))


def write_tsv(path: str | Path, rows: Iterable[dict[str, Any]], columns: Sequence[str]) -> None:
    """Write rows as TSV with exactly these columns, header first (also for zero rows)."""
    with atomic_write(path) as out:
        out.write("\t".join(columns) + "\n")
        for row in rows:
            out.write("\t".join(format_cell(row.get(c)) for c in columns) + "\n")


def read_tsv(path: str | Path) -> tuple[list[str], list[dict[str, str]]]:
    """(columns, rows) of a TSV written by write_tsv, every cell decoded back to its text."""
    with open(path, encoding="utf-8", newline="") as handle:
        lines = handle.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        return [], []
    columns = [decode_text(c) for c in lines[0].split("\t")]
    rows = []
    for line in lines[1:]:
        cells = [decode_text(c) for c in line.split("\t")]
        cells += [""] * (len(columns) - len(cells))
        rows.append(dict(zip(columns, cells, strict=False)))
    return columns, rows


def _frame_cell(value: Any) -> str:
    """A DataFrame value as pandas' to_csv spells it (shortest round-trip floats, True/False),
    text in the TSV dialect."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, (bool, int, float)):
        return str(value)
    return encode_text(str(value))


def write_frame_tsv(path: str | Path, frame: Any) -> None:
    """A pandas DataFrame (no index) as TSV in the one dialect."""
    columns = [str(c) for c in frame.columns]
    with atomic_write(path) as out:
        out.write("\t".join(columns) + "\n")
        for values in frame.itertuples(index=False, name=None):
            out.write("\t".join(map(_frame_cell, values)) + "\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def _clean(value: Any) -> Any:
    """NaN and infinities become null: JSON has no such numbers, and bare NaN/Infinity
    break strict parsers (browsers' JSON.parse among them)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return [_clean(v) for v in items]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        return _clean(value.item())
    return value


def to_json(data: Any) -> str:
    return (
        json.dumps(_clean(data), indent=2, sort_keys=True, default=_json_default, allow_nan=False)
        + "\n"
    )


def write_json(path: str | Path, data: Any) -> None:
    with atomic_write(path) as out:
        out.write(to_json(data))

"""Value normalisation shared by the report modules: TSV/JSON cells to plain Python values."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from nenprofile.io.outputs import atomic_write

if TYPE_CHECKING:
    import pandas as pd

_PMID = re.compile(r"^PMID:\s*(\d+)$", re.IGNORECASE)
_NCT = re.compile(r"^(NCT\d{8})$", re.IGNORECASE)


def plain(value: Any) -> Any:
    """A JSON-ready Python value: NaN/NA -> None, numpy scalars -> int/float/bool."""
    if value is None:
        return None
    if isinstance(value, str | bool):
        return value
    if type(value) is float:
        return None if math.isnan(value) else value
    if type(value) is int:
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return _plain_library_value(value)


def _plain_library_value(value: Any) -> Any:
    """pandas' missing values and numpy arrays and scalars. They exist only once pandas or
    numpy is loaded, so this module does not load them: the cohort-context job runs without."""
    pd, np = sys.modules.get("pandas"), sys.modules.get("numpy")
    if pd is not None and (value is pd.NA or value is pd.NaT):
        return None
    if np is not None:
        if isinstance(value, np.ndarray):
            return [plain(v) for v in value.tolist()]
        if isinstance(value, np.generic):
            value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def as_text(value: Any) -> str | None:
    value = plain(value)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def as_float(value: Any) -> float | None:
    value = plain(value)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def as_int(value: Any) -> int | None:
    number = as_float(value)
    return None if number is None else round(number)


def as_bool(value: Any) -> bool | None:
    value = plain(value)
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "yes", "1", "y"}:
        return True
    if text in {"false", "no", "0", "n", ""}:
        return False
    return None


# a table as the report functions take it: text rows (read_tsv) or a DataFrame
Rows = Sequence[Mapping[str, Any]]


def records(table: Rows | pd.DataFrame | None) -> list[dict[str, Any]]:
    """Rows as plain dicts, whether given as a DataFrame or a list of mappings."""
    if table is None:
        return []
    pandas = sys.modules.get("pandas")  # a DataFrame exists only once pandas is loaded
    rows: list[Mapping[Any, Any]]
    if pandas is not None and isinstance(table, pandas.DataFrame):
        rows = table.to_dict(orient="records")
    else:
        rows = list(cast("Rows", table))
    return [{str(k): plain(v) for k, v in row.items()} for row in rows]


def citation_links(citations: Any) -> list[dict[str, str | None]]:
    """Split `PMID:1;NCT01234567;FDA:...` into [{text, url}] (url None when not linkable)."""
    if isinstance(citations, list | tuple):
        parts = [str(item) for item in citations if as_text(item)]
    else:
        text = as_text(citations) or ""
        parts = text.split(";")
    links: list[dict[str, str | None]] = []
    for part in parts:
        item = part.strip()
        if not item:
            continue
        url = None
        if match := _PMID.match(item):
            item = f"PMID:{match.group(1)}"
            url = f"https://pubmed.ncbi.nlm.nih.gov/{match.group(1)}/"
        elif match := _NCT.match(item):
            item = match.group(1).upper()
            url = f"https://clinicaltrials.gov/study/{item}"
        links.append({"text": item, "url": url})
    return links


def atomic_write_bytes(path: str | Path, payload: bytes) -> None:
    with atomic_write(path, "wb") as out:
        out.write(payload)

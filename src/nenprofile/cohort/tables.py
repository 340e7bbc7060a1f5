"""Cohort tables: per-sample outputs concatenated in sample-sheet order."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nenprofile.io.outputs import (
    FORMULA_STARTS,
    atomic_write,
    decode_text,
    format_cell,
    write_tsv,
)
from nenprofile.model import ALTERATION_COLUMNS, THERAPY_COLUMNS

EXPRESSION_MARKERS_IN_COHORT = ("SSTR2", "DLL3", "SLFN11", "MGMT", "CD274", "TCELL_INFLAMED_GEP")

BIOMARKER_COLUMNS = [
    "sample",
    "tumor_site",
    "differentiation",
    "tmb",
    "tmb_call",
    "msi",
    "msi_source",
    "pdl1",
    "pdl1_call",
    "pdl1_source",
    "hrr",
    "mmr",
    "pattern",
    *[f"{m.lower()}_call" for m in EXPRESSION_MARKERS_IN_COHORT],
    "n_alterations",
    "n_oncogenic",
    "n_therapy_options",
]


def biomarker_row(
    biomarkers: dict[str, Any],
    counts: tuple[int, int, int],
    sample_record: dict[str, Any],
) -> dict[str, Any]:
    """Flatten one sample's biomarkers.json into a cohort row; counts: its alterations, the
    oncogenic ones among them, its therapy options."""

    def part(name: str, key: str = "call") -> Any:
        value = biomarkers.get(name) or {}
        return value.get(key) if isinstance(value, dict) else None

    markers = biomarkers.get("expression_markers") or {}
    n_alterations, n_oncogenic, n_therapy_options = counts
    row: dict[str, Any] = {
        "sample": biomarkers.get("sample", sample_record.get("sample")),
        "tumor_site": sample_record.get("tumor_site"),
        "differentiation": sample_record.get("differentiation"),
        "tmb": part("tmb", "value"),
        "tmb_call": part("tmb"),
        "msi": part("msi"),
        "msi_source": part("msi", "source"),
        "pdl1": part("pdl1", "value"),
        "pdl1_call": part("pdl1"),
        "pdl1_source": part("pdl1", "source"),
        "hrr": part("hrr"),
        "mmr": part("mmr"),
        "pattern": part("differentiation_pattern"),
        "n_alterations": n_alterations,
        "n_oncogenic": n_oncogenic,
        "n_therapy_options": n_therapy_options,
    }
    for marker in EXPRESSION_MARKERS_IN_COHORT:
        entry = markers.get(marker)
        if marker == "TCELL_INFLAMED_GEP" and entry is None:
            entry = biomarkers.get("immune_score")
        row[f"{marker.lower()}_call"] = (entry or {}).get("call", "not_available")
    return row


ONCOGENIC = frozenset({"Oncogenic", "Likely oncogenic"})

_FORMULA_AFTER_TAB = re.compile(r"\t[=+\-@']")


def written_as_is(line: str) -> bool:
    """Whether write_tsv writes this line of a TSV it wrote unchanged when given its decoded
    cells: no cell starts with a formula character or ' (a negative number does too, and
    takes the slow way) and none holds an escape (\\) or a bare carriage return. The cohort
    tables copy such a line as it is (at 1,000 samples, 225,000 rows: decoding and encoding
    every cell was nine tenths of the job)."""
    return not (
        line[:1] in FORMULA_STARTS
        or "\\" in line
        or "\r" in line
        or _FORMULA_AFTER_TAB.search(line)
    )


@dataclass
class SampleTable:
    """One sample's table as read: its decoded header and its lines as written."""

    sample: str
    columns: list[str]
    lines: list[str]

    @classmethod
    def read(cls, sample: str, path: str | Path) -> SampleTable:
        with open(path, encoding="utf-8", newline="") as handle:
            lines = handle.read().split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        columns = [decode_text(c) for c in lines[0].split("\t")] if lines else []
        return cls(sample, columns, lines[1:])

    def column_cells(self, name: str) -> list[str]:
        """One column's decoded cells ("" where a row is short or the column is absent)."""
        if name not in self.columns:
            return [""] * len(self.lines)
        index = self.columns.index(name)
        cells = (line.split("\t", index + 1) for line in self.lines)
        return [decode_text(c[index]) if index < len(c) else "" for c in cells]

    def cohort_lines(self, columns: list[str], with_sample: bool) -> Iterator[str]:
        """The rows in the cohort table's columns, each as write_tsv writes it (with_sample:
        the first column is this sample's id, whatever the row says)."""
        prefix = format_cell(self.sample) + "\t" if with_sample else ""
        same_layout = columns == (["sample", *self.columns] if with_sample else self.columns)
        tabs = len(self.columns) - 1
        for line in self.lines:
            if same_layout and line.count("\t") == tabs and written_as_is(line):
                yield prefix + line
                continue
            cells = [decode_text(c) for c in line.split("\t")]
            row: dict[str, Any] = dict(zip(self.columns, cells, strict=False))
            if with_sample:
                row["sample"] = self.sample
            yield "\t".join(format_cell(row.get(c)) for c in columns)


def write_lines(path: str | Path, columns: list[str], lines: Iterable[str]) -> None:
    with atomic_write(path) as out:
        out.write("\t".join(columns) + "\n")  # as write_tsv writes the header
        for line in lines:
            out.write(line + "\n")


def combine_tables(
    samples: Sequence[str],
    alteration_paths: Sequence[str | Path],
    biomarker_paths: Sequence[str | Path],
    therapy_paths: Sequence[str | Path],
    sample_records: dict[str, dict[str, Any]],
    out_alterations: str | Path,
    out_biomarkers: str | Path,
    out_therapies: str | Path,
) -> None:
    """Concatenate per-sample outputs (given in the same sample order) into cohort TSVs."""
    alterations: list[SampleTable] = []
    therapies: list[SampleTable] = []
    biomarker_rows: list[dict[str, Any]] = []
    alteration_columns = list(ALTERATION_COLUMNS)
    therapy_columns = ["sample", *THERAPY_COLUMNS]
    for sample, alt_path, bio_path, ther_path in zip(
        samples, alteration_paths, biomarker_paths, therapy_paths, strict=True
    ):
        sample_alterations = SampleTable.read(sample, alt_path)
        sample_therapies = SampleTable.read(sample, ther_path)
        for column in sample_alterations.columns:
            if column not in alteration_columns:
                alteration_columns.append(column)
        for column in sample_therapies.columns:
            if column not in therapy_columns:
                therapy_columns.append(column)
        alterations.append(sample_alterations)
        therapies.append(sample_therapies)
        with open(bio_path, encoding="utf-8") as handle:
            biomarkers = json.load(handle)
        oncogenicity = sample_alterations.column_cells("oncogenicity")
        counts = (
            len(sample_alterations.lines),
            sum(1 for call in oncogenicity if call in ONCOGENIC),
            len(sample_therapies.lines),
        )
        biomarker_rows.append(biomarker_row(biomarkers, counts, sample_records.get(sample, {})))
    write_lines(
        out_alterations,
        alteration_columns,
        (line for table in alterations for line in table.cohort_lines(alteration_columns, False)),
    )
    write_lines(
        out_therapies,
        therapy_columns,
        (line for table in therapies for line in table.cohort_lines(therapy_columns, True)),
    )
    write_tsv(out_biomarkers, biomarker_rows, BIOMARKER_COLUMNS)

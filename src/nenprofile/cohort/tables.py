"""Cohort tables: per-sample outputs concatenated in sample-sheet order."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nenprofile.io.outputs import write_tsv
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


def read_tsv(path: str | Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return list(reader.fieldnames or []), list(reader)


def biomarker_row(
    biomarkers: dict[str, Any],
    alterations: Sequence[dict[str, str]],
    therapies: Sequence[dict[str, str]],
    sample_record: dict[str, Any],
) -> dict[str, Any]:
    """Flatten one sample's biomarkers.json into a cohort row."""

    def part(name: str, key: str = "call") -> Any:
        value = biomarkers.get(name) or {}
        return value.get(key) if isinstance(value, dict) else None

    markers = biomarkers.get("expression_markers") or {}
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
        "n_alterations": len(alterations),
        "n_oncogenic": sum(
            1 for a in alterations if a.get("oncogenicity") in ("Oncogenic", "Likely oncogenic")
        ),
        "n_therapy_options": len(therapies),
    }
    for marker in EXPRESSION_MARKERS_IN_COHORT:
        entry = markers.get(marker)
        if marker == "TCELL_INFLAMED_GEP" and entry is None:
            entry = biomarkers.get("immune_score")
        row[f"{marker.lower()}_call"] = (entry or {}).get("call", "not_available")
    return row


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
    all_alterations: list[dict[str, str]] = []
    all_therapies: list[dict[str, str]] = []
    biomarker_rows: list[dict[str, Any]] = []
    alteration_columns = list(ALTERATION_COLUMNS)
    therapy_columns = ["sample", *THERAPY_COLUMNS]
    for sample, alt_path, bio_path, ther_path in zip(
        samples, alteration_paths, biomarker_paths, therapy_paths, strict=True
    ):
        alt_cols, alterations = read_tsv(alt_path)
        ther_cols, therapies = read_tsv(ther_path)
        for column in alt_cols:
            if column not in alteration_columns:
                alteration_columns.append(column)
        for column in ther_cols:
            if column not in therapy_columns:
                therapy_columns.append(column)
        for row in therapies:
            row["sample"] = sample
        all_alterations.extend(alterations)
        all_therapies.extend(therapies)
        with open(bio_path, encoding="utf-8") as handle:
            biomarkers = json.load(handle)
        biomarker_rows.append(
            biomarker_row(biomarkers, alterations, therapies, sample_records.get(sample, {}))
        )
    write_tsv(out_alterations, all_alterations, alteration_columns)
    write_tsv(out_therapies, all_therapies, therapy_columns)
    write_tsv(out_biomarkers, biomarker_rows, BIOMARKER_COLUMNS)

"""Cohort context for the sample reports: fixed-size summaries computed once per cohort.

A sample's report places its TMB and expression markers among the cohort. Embedding every
cohort sample made each report grow with the cohort (1,000 TMB dots and 1,000 ticks per
marker bar: reports cost O(N^2) in total). The context is instead a fixed number of bins
and quantiles, the same for every report of the cohort, so a report's size and render
time stay bounded whatever the cohort size.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from nenprofile.report.values import as_float, as_text, atomic_write_bytes, records

CONTEXT_VERSION = 1
# Log-spaced TMB bin edges (mut/Mb); the last bin is open-ended.
TMB_BIN_EDGES = (0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0)
QUANTILES = (0, 25, 50, 75, 100)
PERCENTILE_BINS = 10  # expression: cohort percentiles in deciles


def _quantiles(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    found = np.percentile(np.asarray(values, dtype=float), QUANTILES)
    return {f"p{q}": round(float(v), 3) for q, v in zip(QUANTILES, found, strict=True)}


def tmb_bins(values: list[float]) -> list[dict[str, Any]]:
    """Counts per TMB bin [low, high); the last bin holds everything from its low edge up."""
    edges = np.asarray(TMB_BIN_EDGES, dtype=float)
    index = np.searchsorted(edges, np.asarray(values, dtype=float), side="right") - 1
    counts = np.bincount(np.clip(index, 0, len(edges) - 1), minlength=len(edges))
    return [
        {
            "low": TMB_BIN_EDGES[i],
            "high": TMB_BIN_EDGES[i + 1] if i + 1 < len(TMB_BIN_EDGES) else None,
            "n": int(counts[i]),
        }
        for i in range(len(TMB_BIN_EDGES))
    ]


def percentile_bins(values: list[float]) -> list[int]:
    """Counts of cohort percentiles (0-100) in PERCENTILE_BINS equal bins; 100 joins the top."""
    scaled = np.floor(np.clip(np.asarray(values, dtype=float), 0.0, 100.0) / 100 * PERCENTILE_BINS)
    counts = np.bincount(np.minimum(scaled.astype(int), PERCENTILE_BINS - 1), minlength=10)
    return [int(c) for c in counts]


def build_cohort_context(
    cohort_biomarkers: pd.DataFrame | None, cohort_markers: pd.DataFrame | None
) -> dict[str, Any]:
    """TMB bins and quantiles, and per expression marker the decile counts of its percentiles.

    `cohort_biomarkers` has columns sample, tmb (cohort/biomarkers.tsv); `cohort_markers` has
    columns sample, marker, percentile (cohort/expression_markers.tsv). Missing values are
    left out and counted (n is the number of samples with a value).
    """
    tmb: list[float] = []
    samples: set[str] = set()
    if cohort_biomarkers is not None and "sample" in cohort_biomarkers.columns:
        columns = [c for c in ("sample", "tmb") if c in cohort_biomarkers.columns]
        for row in records(cohort_biomarkers[columns]):
            if name := as_text(row.get("sample")):
                samples.add(name)
            if (value := as_float(row.get("tmb"))) is not None:
                tmb.append(value)
    markers: dict[str, list[float]] = {}
    if cohort_markers is not None and {"marker", "percentile"} <= set(cohort_markers.columns):
        for row in records(cohort_markers[["marker", "percentile"]]):
            name, value = as_text(row.get("marker")), as_float(row.get("percentile"))
            if name is not None and value is not None:
                markers.setdefault(name, []).append(value)
    return {
        "version": CONTEXT_VERSION,
        "n_samples": len(samples),
        "tmb": {"n": len(tmb), "bins": tmb_bins(tmb), "quantiles": _quantiles(tmb)},
        "markers": {
            name: {"n": len(values), "bins": percentile_bins(values)}
            for name, values in sorted(markers.items())
        },
    }


def write_cohort_context(context: Mapping[str, Any], path: str | Path) -> None:
    text = json.dumps(context, sort_keys=True, indent=1, allow_nan=False) + "\n"
    atomic_write_bytes(path, text.encode("utf-8"))


def read_cohort_context(path: str | Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)

"""Cohort context for the sample reports: fixed-size summaries computed once per cohort.

A sample's report places its TMB and expression markers among the cohort. Embedding every
cohort sample made each report grow with the cohort (1,000 TMB dots and 1,000 ticks per
marker bar: reports cost O(N^2) in total). The context is instead a fixed number of bins
and quantiles, the same for every report of the cohort, so a report's size and render
time stay bounded whatever the cohort size.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nenprofile.report.values import Rows, as_float, as_text, atomic_write_bytes, records

if TYPE_CHECKING:
    import pandas as pd

# plain Python, not numpy: the combine_cohort_tables job computes this context without
# loading numpy or pandas (about half a CPU-second of its one-sample run)

CONTEXT_VERSION = 1
# Log-spaced TMB bin edges (mut/Mb); the last bin is open-ended.
TMB_BIN_EDGES = (0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0)
QUANTILES = (0, 25, 50, 75, 100)
PERCENTILE_BINS = 10  # expression: cohort percentiles in deciles


def _percentile(ordered: list[float], percent: float) -> float:
    """numpy's default ('linear') percentile of sorted values, by its own interpolation
    formula, so the values are the ones np.percentile gave."""
    position = percent / 100 * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    fraction = position - low
    a, b = ordered[low], ordered[high]
    if fraction >= 0.5:
        return b - (b - a) * (1 - fraction)
    return a + (b - a) * fraction


def _quantiles(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    ordered = sorted(values)
    return {f"p{q}": round(_percentile(ordered, q), 3) for q in QUANTILES}


def tmb_bins(values: list[float]) -> list[dict[str, Any]]:
    """Counts per TMB bin [low, high); the last bin holds everything from its low edge up."""
    counts = [0] * len(TMB_BIN_EDGES)
    for value in values:
        counts[max(bisect_right(TMB_BIN_EDGES, value) - 1, 0)] += 1
    return [
        {
            "low": TMB_BIN_EDGES[i],
            "high": TMB_BIN_EDGES[i + 1] if i + 1 < len(TMB_BIN_EDGES) else None,
            "n": counts[i],
        }
        for i in range(len(TMB_BIN_EDGES))
    ]


def percentile_bins(values: list[float]) -> list[int]:
    """Counts of cohort percentiles (0-100) in PERCENTILE_BINS equal bins; 100 joins the top."""
    counts = [0] * PERCENTILE_BINS
    for value in values:
        scaled = min(max(value, 0.0), 100.0) / 100 * PERCENTILE_BINS
        counts[min(math.floor(scaled), PERCENTILE_BINS - 1)] += 1
    return counts


def build_cohort_context(
    cohort_biomarkers: Rows | pd.DataFrame | None, cohort_markers: Rows | pd.DataFrame | None
) -> dict[str, Any]:
    """TMB bins and quantiles, and per expression marker the decile counts of its percentiles.

    `cohort_biomarkers` has columns sample, tmb (cohort/biomarkers.tsv); `cohort_markers` has
    columns sample, marker, percentile (cohort/expression_markers.tsv); either as rows or as
    a DataFrame. Missing values are left out and counted (n is the number of samples with a
    value).
    """
    tmb: list[float] = []
    samples: set[str] = set()
    for row in records(cohort_biomarkers):
        if "sample" not in row:
            break  # no sample column: no context
        if name := as_text(row.get("sample")):
            samples.add(name)
        if (value := as_float(row.get("tmb"))) is not None:
            tmb.append(value)
    markers: dict[str, list[float]] = {}
    for row in records(cohort_markers):
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

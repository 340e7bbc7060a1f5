"""log2 TPM, percentile ranks and z-scores against a reference set.

Percentile ('weak' definition, as scipy.stats.percentileofscore kind='weak'): the percent of
reference values less than or equal to the sample's value. z-score: (x - mean) / sd of the
reference log2 values, with the population sd (ddof=0); when sd is 0 the z-score is 0.
"""

from __future__ import annotations

import numpy as np


def log2_tpm(tpm: np.ndarray, pseudocount: float = 1.0) -> np.ndarray:
    return np.log2(np.asarray(tpm, dtype=float) + pseudocount)


def percentile_weak(reference: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Percent of `reference` values <= each of `values` (NaN reference values ignored)."""
    ref = np.sort(np.asarray(reference, dtype=float))
    ref = ref[~np.isnan(ref)]
    values = np.asarray(values, dtype=float)
    if ref.size == 0:
        return np.full(values.shape, np.nan)
    result = 100.0 * np.searchsorted(ref, values, side="right") / ref.size
    return np.where(np.isnan(values), np.nan, result)


def zscores(reference: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, bool]:
    """z-scores of `values` against `reference`; second item True when the reference sd is 0."""
    ref = np.asarray(reference, dtype=float)
    ref = ref[~np.isnan(ref)]
    values = np.asarray(values, dtype=float)
    if ref.size == 0:
        return np.full(values.shape, np.nan), False
    sd = float(ref.std())
    if sd == 0.0:
        return np.where(np.isnan(values), np.nan, 0.0), True
    return (values - ref.mean()) / sd, False


def call_from_percentile(percentile: np.ndarray, low: float, high: float) -> np.ndarray:
    """'high' if >= high, 'low' if <= low, else 'intermediate'; NaN -> 'not_available'."""
    percentile = np.asarray(percentile, dtype=float)
    return np.select(
        [np.isnan(percentile), percentile >= high, percentile <= low],
        ["not_available", "high", "low"],
        default="intermediate",
    ).astype(object)

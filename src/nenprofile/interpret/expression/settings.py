"""Settings of expression scoring (config key `expression`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from nenprofile.errors import InputError
from nenprofile.settings import Settings, schema_default


@dataclass(frozen=True)
class ExpressionSettings:
    """Calls: high if percentile >= high_percentile, low if <= low_percentile, else intermediate.

    A reference (cohort or reference matrix) smaller than min_reference_size is used but
    warned about. Values are log2(TPM + pseudocount).
    """

    min_reference_size: int = schema_default("expression.min_reference_size")
    high_percentile: float = float(schema_default("expression.high_percentile"))
    low_percentile: float = float(schema_default("expression.low_percentile"))
    pseudocount: float = 1.0

    def __post_init__(self) -> None:
        if not 0 <= self.low_percentile < self.high_percentile <= 100:
            raise InputError(
                "Expression percentile thresholds must satisfy 0 <= low < high <= 100, got "
                f"low={self.low_percentile:g}, high={self.high_percentile:g}.",
                column="low_percentile/high_percentile",
                fix="e.g. low_percentile: 25, high_percentile: 75",
            )
        if self.min_reference_size < 1:
            raise InputError(
                f"min_reference_size must be >= 1, got {self.min_reference_size}.",
                column="min_reference_size",
                fix="e.g. min_reference_size: 10",
            )
        if not self.pseudocount > 0:
            raise InputError(
                f"pseudocount must be > 0, got {self.pseudocount:g}.",
                column="pseudocount",
                fix="use pseudocount: 1",
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> ExpressionSettings:
        expression = settings.expression
        return cls(
            min_reference_size=expression.min_reference_size,
            high_percentile=expression.high_percentile,
            low_percentile=expression.low_percentile,
        )

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> ExpressionSettings:
        """Build from a config mapping; unknown keys raise InputError."""
        known = {f.name for f in fields(cls)}
        values = dict(values or {})
        unknown = sorted(set(values) - known)
        if unknown:
            raise InputError(
                f"Unknown expression setting(s): {', '.join(unknown)}.",
                column=unknown[0],
                fix=f"use only {', '.join(sorted(known))}",
            )
        return cls(**values)

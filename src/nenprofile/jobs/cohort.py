"""Job of rule combine_cohort_tables."""

from __future__ import annotations

from typing import Any


def combine_cohort_tables(
    *,
    inputs: dict[str, Any],
    outputs: dict[str, str],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    from nenprofile.cohort.tables import combine_tables

    combine_tables(
        params["samples"],
        list(inputs["alterations"]),
        list(inputs["biomarkers"]),
        list(inputs["therapies"]),
        params["records"],
        outputs["alterations"],
        outputs["biomarkers"],
        outputs["therapies"],
    )

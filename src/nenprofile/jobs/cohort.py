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
    """The cohort tables, and from them the fixed-size context every sample report shows
    (computed here once, not in each report batch)."""
    from nenprofile.cohort.tables import combine_tables
    from nenprofile.jobs.reports import cohort_context_from_files
    from nenprofile.report.context import write_cohort_context

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
    context = cohort_context_from_files(outputs["biomarkers"], inputs.get("markers"))
    write_cohort_context(context, outputs["report_context"])

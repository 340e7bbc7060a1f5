"""Job of rule score_expression_markers: markers, signatures and reference ranks."""

from __future__ import annotations

import logging
from typing import Any

from nenprofile.errors import InputError
from nenprofile.settings import Settings

log = logging.getLogger("nenprofile")


def score_expression_markers(
    *,
    inputs: dict[str, str],
    outputs: dict[str, str],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    """Markers, signatures and reference ranks for every sample that has RNA in the matrix."""
    from nenprofile.ingest.expression import detect_layout
    from nenprofile.interpret.expression import ExpressionSettings, score_cohort
    from nenprofile.io.outputs import write_frame_tsv, write_json

    expression_ids: dict[str, str] = params["expression_ids"]
    available = set(detect_layout(inputs["matrix"]).value_names)
    missing_explicit = [s for s in params["explicit"] if expression_ids[s] not in available]
    if missing_explicit:
        sample = missing_explicit[0]
        raise InputError(
            f"expression_id '{expression_ids[sample]}' of sample '{sample}' is not a column of "
            f"the expression matrix (columns: {', '.join(sorted(available)[:20])}).",
            path=inputs["matrix"],
            fix="correct expression_id in the sheet, or leave it empty if the sample has no RNA",
        )
    with_rna = {s: e for s, e in expression_ids.items() if e in available}
    for sample in sorted(set(expression_ids) - set(with_rna)):
        log.warning(
            "sample %s has no column in the expression matrix; no expression markers", sample
        )
    settings = ExpressionSettings.from_settings(Settings.from_config(config))
    table = score_cohort(
        inputs["matrix"], with_rna, reference_path=inputs.get("reference"), settings=settings
    )
    for warning in table.attrs.get("warnings", []):
        log.warning("%s", warning)
    write_frame_tsv(outputs["markers"], table)
    without = sorted(set(expression_ids) - set(with_rna))
    write_json(
        outputs["disclosure"],
        table.attrs["disclosure"] | {"columns": with_rna, "samples_without_column": without},
    )

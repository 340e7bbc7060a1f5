"""Jobs of the report rules: each sample's report (HTML, JSON, PDF) and the cohort report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nenprofile.io.outputs import atomic_write, write_tsv
from nenprofile.layout import REPORT_TABLES, SAMPLE_REPORTS


def read_json(path: str) -> Any:
    import json

    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def read_table(path: str | None) -> Any:
    import pandas as pd

    if not path:
        return None
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def render_sample_report(
    *,
    inputs: dict[str, str],
    outputs: dict[str, str],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    """The tumor board report of one sample: HTML and the JSON of everything shown."""
    shared = _shared_report_inputs(inputs, config)
    _render_one(wildcards["sample"], inputs, outputs, shared)


def render_sample_reports(
    *,
    inputs: dict[str, Any],
    outputs: dict[str, Any],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    """The reports (HTML, JSON and, if configured, PDF) of a batch of samples, and the batch
    manifest listing them: one interpreter start-up for the batch instead of one per sample,
    and the cohort-wide inputs read once."""
    from nenprofile.report import write_pdf

    shared = _shared_report_inputs(inputs, config)
    wanted = [k for k in SAMPLE_REPORTS if outputs.get(k)]
    rows = []
    for i, sample in enumerate(params["samples"]):
        own_inputs = {k: inputs[k][i] for k in REPORT_TABLES}
        own_outputs = {k: outputs[k][i] for k in wanted}
        _render_one(sample, own_inputs, own_outputs, shared)
        if "pdf" in own_outputs:
            write_pdf(Path(own_outputs["html"]).read_text(encoding="utf-8"), own_outputs["pdf"])
        rows.append({"sample": sample, **own_outputs})
    write_tsv(outputs["manifest"], rows, ["sample", *wanted])


def cohort_context_from_files(cohort_biomarkers: str, markers: str | None) -> dict[str, Any]:
    """The fixed-size cohort context from cohort/biomarkers.tsv and expression_markers.tsv."""
    from nenprofile.report.context import build_cohort_context

    cohort_markers = None
    if markers:
        from nenprofile.interpret.expression import read_marker_table

        cohort_markers = read_marker_table(markers)
    return build_cohort_context(read_table(cohort_biomarkers), cohort_markers)


def _shared_report_inputs(inputs: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
    """What every sample's report reads from the cohort: the context written once by
    combine_cohort_tables, or (recovery after a failed run) one built from the tables."""
    if inputs.get("context"):
        context = read_json(inputs["context"])
    else:
        context = cohort_context_from_files(inputs["cohort_biomarkers"], inputs.get("markers"))
    return {
        "provenance": read_json(inputs["provenance"]),
        "cohort_context": context,
        "settings": config["report"],
    }


def _render_one(
    sample: str, inputs: dict[str, str], outputs: dict[str, str], shared: dict[str, Any]
) -> None:
    from nenprofile.report import build_report_data, render_sample_html, write_report_json

    ingest = read_json(inputs["ingest"])
    provenance = dict(shared["provenance"])
    provenance["inputs"] = [
        i for i in provenance.get("inputs", []) if i["sample"] in (sample, "cohort")
    ]
    data = build_report_data(
        ingest["sample_info"],
        ingest,
        read_table(inputs["alterations"]),
        read_json(inputs["biomarkers"]),
        read_table(inputs["therapies"]),
        provenance,
        settings=shared["settings"],
        cohort_context=shared["cohort_context"],
    )
    write_report_json(data, outputs["json"])
    with atomic_write(outputs["html"]) as out:
        out.write(render_sample_html(data))


def render_cohort_report(
    *,
    inputs: dict[str, Any],
    outputs: dict[str, str],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    from nenprofile.io.outputs import atomic_write
    from nenprofile.report import render_cohort_html

    html = render_cohort_html(
        read_table(inputs["alterations"]),
        read_table(inputs["biomarkers"]),
        read_table(inputs["therapies"]),
        list(params["records"].values()),
        read_json(inputs["provenance"]),
        settings=config["report"],
    )
    with atomic_write(outputs["html"]) as out:
        out.write(html)

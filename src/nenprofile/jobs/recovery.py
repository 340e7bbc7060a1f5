"""After a failed run (the workflow's onerror): a cohort report over the samples that
finished, listing each failed sample with the reason its job recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nenprofile.io.outputs import atomic_write
from nenprofile.jobs.reports import read_json, read_table, render_sample_report
from nenprofile.jobs.runner import read_failure
from nenprofile.layout import Layout


def failure_reason(log_path: str | Path, sample: str | None = None) -> str:
    """Why the job writing `log_path` did not produce `sample`'s outputs, from the failure
    record the job runner left beside its log."""
    if not Path(log_path).is_file():
        return "did not run (an upstream job failed or the run was interrupted)"
    record = read_failure(log_path)
    if record is None:
        return f"failed (see {log_path})"
    own_errors: dict[str, str] = record.get("samples") or {}
    if sample in own_errors:
        return own_errors[sample]
    if own_errors:
        return (
            f"not written: its profiling batch failed because of sample(s) "
            f"{', '.join(own_errors)} (see {log_path})"
        )
    if record.get("internal"):
        return f"internal error (see {log_path})"
    return str(record["error"])


def write_partial_cohort_report(
    layout: Layout,
    profile_logs: dict[str, str],
    samples: list[str],
    records: dict[str, dict[str, Any]],
    report_settings: dict[str, Any],
) -> list[dict[str, str]]:
    """After a failed run, a cohort report over the samples that finished, listing the rest.

    Called from the workflow's `onerror` handler, so with --keep-going one bad sample does
    not leave the cohort without a summary. profile_logs: sample -> log of the job that
    profiles it (its own, or its batch's). Returns the failed samples.
    """
    import tempfile

    from nenprofile.cohort.tables import combine_tables
    from nenprofile.report import render_cohort_html

    def finished(sample: str) -> bool:
        return all(Path(path).is_file() for path in layout.report_inputs(sample).values())

    done = [s for s in samples if finished(s)]
    failed = [
        {"sample": s, "error": failure_reason(profile_logs[s], sample=s)}
        for s in samples
        if s not in done
    ]
    if not failed:
        return []
    provenance_path = Path(layout.provenance_file("provenance"))
    provenance = read_json(str(provenance_path)) if provenance_path.is_file() else {}
    with tempfile.TemporaryDirectory() as tmp:
        tables = {name: str(Path(tmp) / f"{name}.tsv") for name in ("alt", "bio", "ther")}
        combine_tables(
            done,
            [layout.sample_file(s, "alterations") for s in done],
            [layout.sample_file(s, "biomarkers") for s in done],
            [layout.sample_file(s, "therapies") for s in done],
            records,
            tables["alt"],
            tables["bio"],
            tables["ther"],
        )
        html = render_cohort_html(
            read_table(tables["alt"]),
            read_table(tables["bio"]),
            read_table(tables["ther"]),
            [records[s] for s in samples],
            provenance,
            settings=report_settings,
            failed_samples=failed,
        )
        for sample in done:
            _render_missing_report(sample, layout, tables["bio"], report_settings)
    with atomic_write(layout.cohort_file("report")) as out:
        out.write(html)
    return failed


def _render_missing_report(
    sample: str, layout: Layout, cohort_biomarkers: str, report_settings: dict[str, Any]
) -> None:
    """HTML and JSON report of a finished sample whose report the failed run never rendered."""
    outputs = layout.report_outputs(sample, pdf=False)
    provenance = layout.provenance_file("provenance")
    if Path(outputs["html"]).is_file() or not Path(provenance).is_file():
        return
    inputs = dict(layout.report_inputs(sample))
    inputs.update(cohort_biomarkers=cohort_biomarkers, provenance=provenance)
    markers = layout.cohort_file("expression_markers")
    if Path(markers).is_file():
        inputs["markers"] = markers
    render_sample_report(
        inputs=inputs,
        outputs=outputs,
        params={},
        config={"report": report_settings},
        wildcards={"sample": sample},
    )

"""After a failed run (the workflow's onerror): a cohort report over the samples that
finished, listing each failed sample with the reason its job recorded."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from nenprofile.io.outputs import atomic_write
from nenprofile.jobs.reports import (
    read_json,
    read_table,
    remove_files,
    render_failure,
    render_report_files,
    report_printer,
    shared_report_inputs,
    source_table_digests,
)
from nenprofile.jobs.runner import read_failure
from nenprofile.layout import Layout

if TYPE_CHECKING:
    from nenprofile.report.pdf import PdfPrinter


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
    report_logs: dict[str, str] | None = None,
) -> list[dict[str, str]]:
    """After a failed run, leave no stale result and a cohort report listing the failures.

    Called from the workflow's `onerror` handler, so with --keep-going one bad sample does
    not leave the cohort without a summary. A sample whose tables are missing failed in this
    run: its old reports are removed. A finished sample whose report is missing or was built
    from other tables (source_tables digests) is rendered again; if that fails, its report is
    removed and the failure listed. Nothing is rewritten only when no sample failed and every
    report is current. The cohort tables of the last complete run are removed
    (they hold the failed samples' old rows). profile_logs / report_logs: sample -> log of the
    job that profiles / renders it. Returns the failed samples.
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
    for entry in failed:
        remove_files(layout.report_outputs(entry["sample"], pdf=True).values())
    report_errors = _report_stage_errors(report_logs or {}, done)
    # the cohort report job runs beside the report batches, so a page it wrote may show a
    # sample as fine whose report batch then failed as a whole (no per-sample record) or
    # never ran: any missing or stale report replaces that page too
    if not failed and not report_errors and all(report_is_current(s, layout) for s in done):
        return []
    remove_files(layout.cohort_file(name) for name in ("alterations", "biomarkers", "therapies"))
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
        with report_printer(report_settings, pdf=bool(report_settings.get("pdf"))) as printer:
            for sample in done:
                error = _refresh_report(sample, layout, tables["bio"], report_settings, printer)
                if error is not None:
                    report_errors[sample] = error
        failed += [{"sample": s, "error": e} for s, e in report_errors.items()]
        failed.sort(key=lambda entry: samples.index(entry["sample"]))
        html = render_cohort_html(
            read_table(tables["alt"]),
            read_table(tables["bio"]),
            read_table(tables["ther"]),
            [records[s] for s in samples],
            provenance,
            settings=report_settings,
            failed_samples=failed,
        )
    with atomic_write(layout.cohort_file("report")) as out:
        out.write(html)
    return failed


def _report_stage_errors(report_logs: dict[str, str], done: list[str]) -> dict[str, str]:
    """sample -> why its report job failed this run, for the samples it names."""
    errors = {}
    for sample in done:
        log_path = report_logs.get(sample)
        record = read_failure(log_path) if log_path else None
        own = (record or {}).get("samples") or {}
        if sample in own:
            errors[sample] = str(own[sample])
    return errors


def report_is_current(sample: str, layout: Layout) -> bool:
    """Whether the sample's report exists and was built from its current tables."""
    outputs = layout.report_outputs(sample, pdf=False)
    if not all(Path(path).is_file() for path in outputs.values()):
        return False
    try:
        recorded = read_json(outputs["json"]).get("source_tables")
    except (OSError, ValueError, AttributeError):
        return False
    return recorded == source_table_digests(layout.report_inputs(sample))


def _refresh_report(
    sample: str,
    layout: Layout,
    cohort_biomarkers: str,
    report_settings: dict[str, Any],
    printer: PdfPrinter | None,
) -> str | None:
    """Render the report of a finished sample again unless it is current; the failure
    reason if that fails (its report files are then removed). `printer` writes the PDF
    (None: no PDF)."""
    if report_is_current(sample, layout):
        return None
    outputs = layout.report_outputs(sample, pdf=printer is not None)
    provenance = layout.provenance_file("provenance")
    if not Path(provenance).is_file():
        remove_files(outputs.values())
        return "report not rendered: the run stopped before provenance was recorded"
    inputs = dict(layout.report_inputs(sample))
    inputs.update(cohort_biomarkers=cohort_biomarkers, provenance=provenance)
    markers = layout.cohort_file("expression_markers")
    if Path(markers).is_file():
        inputs["markers"] = markers
    try:
        shared = shared_report_inputs(inputs, {"report": report_settings})
        render_report_files(sample, inputs, outputs, shared, printer)
    except Exception as error:  # one report's failure must not stop the others
        remove_files(outputs.values())
        return render_failure(sample, error)
    return None

"""Jobs of the report rules: each sample's report (HTML, JSON, PDF) and the cohort report."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nenprofile.errors import BatchInputError, InputError
from nenprofile.io.outputs import atomic_write, read_tsv, write_tsv
from nenprofile.layout import REPORT_TABLES, SAMPLE_REPORTS

if TYPE_CHECKING:
    from nenprofile.report.pdf import PdfPrinter

log = logging.getLogger("nenprofile")


def read_json(path: str) -> Any:
    import json

    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def read_table(path: str | None) -> Any:
    import pandas as pd

    if not path:
        return None
    columns, rows = read_tsv(path)
    return pd.DataFrame(rows, columns=columns, dtype=str)


def render_sample_report(
    *,
    inputs: dict[str, str],
    outputs: dict[str, str],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    """The tumor board report of one sample: HTML, the JSON of everything shown and, if
    configured, the PDF."""
    with report_printer(config["report"], pdf="pdf" in outputs) as printer:
        shared = shared_report_inputs(inputs, config)
        render_report_files(wildcards["sample"], inputs, outputs, shared, printer)


def render_sample_reports(
    *,
    inputs: dict[str, Any],
    outputs: dict[str, Any],
    params: dict[str, Any],
    config: dict[str, Any],
    wildcards: dict[str, str],
) -> None:
    """The reports (HTML, JSON and, if configured, PDF) of a batch of samples, and the batch
    manifest listing them: one interpreter start-up and one browser for the batch instead of
    one per sample, the cohort-wide inputs read once, and each report built while the browser
    prints the one before it.

    Every sample is tried: one sample's rendering failure is logged and recorded for it alone
    (BatchInputError), and the workflow's onerror handler renders its batch-mates again."""
    samples = params["samples"]
    wanted = [k for k in SAMPLE_REPORTS if outputs.get(k)]
    files = [{k: outputs[k][i] for k in wanted} for i in range(len(samples))]
    failed = BatchFailures()
    with report_printer(config["report"], pdf="pdf" in wanted) as printer:
        shared = shared_report_inputs(inputs, config)
        pending: tuple[str, dict[str, str]] | None = None  # its PDF printed meanwhile
        for i, sample in enumerate(samples):
            printout = None
            with failed.recorded(sample, files[i]):
                own_inputs = {k: inputs[k][i] for k in REPORT_TABLES}
                printout = write_report_files(
                    sample, own_inputs, files[i], shared, printout=printer is not None
                )
            collect_pdf(printer, pending, failed)
            pending = None
            if printer is not None and printout is not None:
                with failed.recorded(sample, files[i]):
                    printer.submit(printout, files[i]["pdf"])
                    pending = (sample, files[i])
        collect_pdf(printer, pending, failed)
    if failed.reasons:
        raise BatchInputError(
            f"{len(failed.reasons)} of {len(samples)} reports of this batch could not be "
            f"rendered ({', '.join(failed.reasons)})",
            sample_errors=failed.reasons,
            fix="see the errors above; the other samples' reports are rendered again by the "
            "partial cohort report",
        )
    rows = [{"sample": s, **files[i]} for i, s in enumerate(samples) if s not in failed.reasons]
    write_tsv(outputs["manifest"], rows, ["sample", *wanted])


class BatchFailures:
    """Why each failed report of a batch failed; its files are removed, batch-mates go on."""

    def __init__(self) -> None:
        self.reasons: dict[str, str] = {}

    @contextmanager
    def recorded(self, sample: str, files: Mapping[str, str]) -> Iterator[None]:
        try:
            yield
        except Exception as error:  # recorded for this sample alone; batch-mates go on
            self.reasons[sample] = render_failure(sample, error)
            remove_files(files.values())


def collect_pdf(
    printer: PdfPrinter | None, pending: tuple[str, dict[str, str]] | None, failed: BatchFailures
) -> None:
    """Wait for the PDF of `pending` (sample, its files), a failure recorded for it alone."""
    if printer is not None and pending is not None:
        with failed.recorded(*pending):
            printer.collect()


@contextmanager
def report_printer(settings: Mapping[str, Any], *, pdf: bool) -> Iterator[PdfPrinter | None]:
    """One PDF printer for a batch of reports (report.pdf_engine, pdf_browser); None when
    no PDF is wanted, so no browser is started. The report modules are loaded while the
    browser starts."""
    if not pdf:
        yield None
        return
    from nenprofile.report.pdf import pdf_printer

    engine = settings.get("pdf_engine") or default_pdf_engine()
    with pdf_printer(
        engine, settings.get("pdf_browser"), meanwhile=load_report_renderer
    ) as printer:
        yield printer


def default_pdf_engine() -> str:
    from nenprofile.settings import schema_default

    return str(schema_default("report.pdf_engine"))


def load_report_renderer() -> None:
    """Import the report modules and compile the sample report template: about 1 CPU-s a
    job pays once, best spent while the PDF browser starts."""
    from nenprofile.report.data import build_report_data  # noqa: F401  (pandas and the rest)
    from nenprofile.report.html import load_template

    load_template("sample_report.html.j2")


def render_failure(sample: str, error: Exception) -> str:
    """Log why sample's report failed; the one-line reason the cohort report shows."""
    if isinstance(error, InputError):
        log.error("input error: sample %s: %s", sample, error)
        return f"report not rendered: {error}"
    log.error("internal error rendering the report of %s:\n%s", sample, traceback.format_exc())
    return f"report not rendered: internal error ({type(error).__name__}: {error})"


def remove_files(paths: Iterable[str | Path]) -> None:
    for path in paths:
        Path(path).unlink(missing_ok=True)


def source_table_digests(inputs: Mapping[str, str]) -> dict[str, str]:
    """sha256 of each table a sample's report was built from (report.json source_tables):
    a report whose digests differ from its sample's current tables is stale."""
    from nenprofile.cohort.provenance import sha256_file

    return {name: sha256_file(inputs[name]) for name in REPORT_TABLES}


def cohort_context_from_files(cohort_biomarkers: str, markers: str | None) -> dict[str, Any]:
    """The fixed-size cohort context from cohort/biomarkers.tsv and expression_markers.tsv."""
    from nenprofile.report.context import build_cohort_context

    cohort_markers = None
    if markers:
        from nenprofile.interpret.expression import read_marker_table

        cohort_markers = read_marker_table(markers)
    return build_cohort_context(read_tsv(cohort_biomarkers)[1], cohort_markers)


def shared_report_inputs(inputs: dict[str, Any], config: dict[str, Any]) -> dict[str, Any]:
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


def render_report_files(
    sample: str,
    inputs: dict[str, str],
    outputs: dict[str, str],
    shared: dict[str, Any],
    printer: PdfPrinter | None,
) -> None:
    """One sample's report.json and report.html and, with a printer, its report.pdf."""
    printout = write_report_files(sample, inputs, outputs, shared, printout=printer is not None)
    if printer is not None and printout is not None:
        printer.write(printout, outputs["pdf"])


def write_report_files(
    sample: str,
    inputs: dict[str, str],
    outputs: dict[str, str],
    shared: dict[str, Any],
    *,
    printout: bool,
) -> str | None:
    """One sample's report.json and report.html; the HTML its PDF is printed from when
    `printout`."""
    from nenprofile.report import build_report_data, render_sample_html, write_report_json

    ingest = read_json(inputs["ingest"])
    provenance = dict(shared["provenance"])
    provenance["inputs"] = [
        i for i in provenance.get("inputs", []) if i["sample"] in (sample, "cohort")
    ]
    data = build_report_data(  # the tables as text rows: a DataFrame would be turned back
        ingest["sample_info"],
        ingest,
        read_tsv(inputs["alterations"])[1],
        read_json(inputs["biomarkers"]),
        read_tsv(inputs["therapies"])[1],
        provenance,
        settings=shared["settings"],
        cohort_context=shared["cohort_context"],
    )
    data["source_tables"] = source_table_digests(inputs)
    write_report_json(data, outputs["json"])
    with atomic_write(outputs["html"]) as out:
        out.write(render_sample_html(data))
    return render_sample_html(data, printout=True) if printout else None


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
        read_tsv(inputs["alterations"])[1],
        read_tsv(inputs["biomarkers"])[1],
        read_tsv(inputs["therapies"])[1],
        list(params["records"].values()),
        read_json(inputs["provenance"]),
        settings=config["report"],
    )
    with atomic_write(outputs["html"]) as out:
        out.write(html)

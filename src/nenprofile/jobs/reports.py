"""Jobs of the report rules: each sample's report (HTML, JSON, PDF) and the cohort report."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nenprofile.errors import BatchInputError, InputError
from nenprofile.io.outputs import atomic_write, read_tsv, write_tsv
from nenprofile.layout import REPORT_TABLES, SAMPLE_REPORTS
from nenprofile.report.chromium import ChromiumStartError

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
    one per sample, the cohort-wide inputs read once, the first report read and built while
    the browser starts, each report's PDF submitted as soon as its printout is built (its
    JSON and HTML are written, and the next report built, while the browser prints it).

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
            built = None
            with failed.recorded(sample, files[i]):
                own_inputs = {k: inputs[k][i] for k in REPORT_TABLES}
                built = build_report(sample, own_inputs, shared, printout=printer is not None)
            collect_pdf(printer, pending, failed)
            pending = None
            if built is None:
                continue
            with failed.recorded(sample, files[i]):
                if printer is not None and built.printout is not None:
                    printer.submit(built.printout, files[i]["pdf"])
                    pending = (sample, files[i])
                write_report(built, files[i])
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
    """Why each failed report of a batch failed (its first error); its files are removed,
    batch-mates go on. A browser that cannot start fails the batch as a whole."""

    def __init__(self) -> None:
        self.reasons: dict[str, str] = {}

    @contextmanager
    def recorded(self, sample: str, files: Mapping[str, str]) -> Iterator[None]:
        try:
            yield
        except ChromiumStartError:
            raise  # no PDF of any sample can be printed: report_printer says why
        except Exception as error:  # recorded for this sample alone; batch-mates go on
            self.reasons.setdefault(sample, render_failure(sample, error))
            remove_files(files.values())


def collect_pdf(
    printer: PdfPrinter | None, pending: tuple[str, dict[str, str]] | None, failed: BatchFailures
) -> None:
    """Wait for the PDF of `pending` (sample, its files), a failure recorded for it alone; the
    PDF of a report whose JSON or HTML failed while it printed is removed with them."""
    if printer is None or pending is None:
        return
    sample, files = pending
    with failed.recorded(sample, files):
        printer.collect()
    if sample in failed.reasons:
        remove_files(files.values())


@contextmanager
def report_printer(settings: Mapping[str, Any], *, pdf: bool) -> Iterator[PdfPrinter | None]:
    """One PDF printer for a batch of reports (report.pdf_engine, pdf_browser); None when
    no PDF is wanted, so no browser is started. The browser is launched first and awaited
    at the first print: the caller reads its inputs and builds its first report meanwhile."""
    if not pdf:
        yield None
        return
    from nenprofile.report.pdf import pdf_printer

    engine = settings.get("pdf_engine") or default_pdf_engine()
    try:
        with pdf_printer(engine, settings.get("pdf_browser")) as printer:
            yield printer
    except ChromiumStartError as error:
        raise InputError(
            f"the PDF browser could not be started: {error}",
            path="config report.pdf_browser",
            fix="set report.pdf_browser to a Chromium or Chrome that starts here, or "
            "report.pdf_engine to auto (WeasyPrint when Chromium cannot start) or weasyprint",
        ) from error


def default_pdf_engine() -> str:
    from nenprofile.settings import schema_default

    return str(schema_default("report.pdf_engine"))


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
    """One sample's report.json and report.html and, with a printer, its report.pdf (the
    JSON and HTML written while the browser prints)."""
    built = build_report(sample, inputs, shared, printout=printer is not None)
    if printer is None or built.printout is None:
        write_report(built, outputs)
        return
    printer.submit(built.printout, outputs["pdf"])
    try:
        write_report(built, outputs)
    finally:
        printer.collect()


@dataclass
class BuiltReport:
    """A sample's report data, and the HTML its PDF is printed from (None: no PDF)."""

    data: dict[str, Any]
    printout: str | None


def build_report(
    sample: str, inputs: dict[str, str], shared: dict[str, Any], *, printout: bool
) -> BuiltReport:
    """One sample's report data from its tables, and its printout HTML when `printout`."""
    from nenprofile.report import build_report_data, render_sample_html

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
    return BuiltReport(data, render_sample_html(data, printout=True) if printout else None)


def write_report(built: BuiltReport, outputs: dict[str, str]) -> None:
    """A built report's report.json and report.html."""
    from nenprofile.report import render_sample_html, write_report_json

    write_report_json(built.data, outputs["json"])
    with atomic_write(outputs["html"]) as out:
        out.write(render_sample_html(built.data))


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

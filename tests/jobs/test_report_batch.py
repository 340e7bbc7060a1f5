"""A report batch reads and builds its first report while the browser starts, submits each
PDF as soon as its printout is built, writes that report's JSON and HTML and builds the next
while the browser prints it; a report that fails (building it, writing it, or printing its
PDF) fails alone; a browser that cannot start fails the batch."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

from nenprofile.errors import BatchInputError, InputError
from nenprofile.jobs import reports
from nenprofile.layout import REPORT_TABLES


class RecordingPrinter:
    """Records the order of events; a PDF `fails` names fails to print when collected."""

    engine = "fake"

    def __init__(self, events: list[str], fails: str | None = None) -> None:
        self.events = events
        self.fails = fails
        self.pending: tuple[str, str] | None = None

    def write(self, html: str, path: str | Path) -> None:
        raise AssertionError("a batch submits and collects")

    def submit(self, html: str, path: str | Path) -> None:
        assert self.pending is None, "one PDF in flight"
        self.events.append(f"submit {html}")
        self.pending = (html, str(path))

    def collect(self) -> None:
        assert self.pending is not None
        (html, path), self.pending = self.pending, None
        self.events.append(f"collect {html}")
        if html == self.fails:
            raise RuntimeError(f"printToPDF failed for {html}")
        Path(path).write_text(f"pdf of {html}")


def fake_reports(monkeypatch, events: list[str], *, broken=None, unwritable=None) -> None:
    """build_report/write_report recording their calls; `broken` fails to build,
    `unwritable` fails to write its JSON and HTML."""

    def build(sample, inputs, shared, *, printout):
        events.append(f"build {sample}")
        if sample == broken:
            raise ValueError(f"{sample}: unreadable")
        return reports.BuiltReport({"sample": sample}, sample if printout else None)

    def write(built, outputs):
        sample = built.data["sample"]
        events.append(f"write {sample}")
        if sample == unwritable:
            raise OSError(28, "No space left on device")
        for kind in ("html", "json"):
            Path(outputs[kind]).write_text(f"{kind} of {sample}")

    def shared(inputs, config):
        events.append("read the cohort's inputs")
        return {}

    monkeypatch.setattr(reports, "build_report", build)
    monkeypatch.setattr(reports, "write_report", write)
    monkeypatch.setattr(reports, "shared_report_inputs", shared)


def batch_files(tmp_path, samples):
    inputs = {name: [f"{s}.{name}" for s in samples] for name in REPORT_TABLES}
    outputs = {
        kind: [str(tmp_path / f"{s}.report.{kind}") for s in samples]
        for kind in ("html", "json", "pdf")
    }
    outputs["manifest"] = str(tmp_path / "batch.tsv")
    return inputs, outputs


def run_batch(tmp_path, monkeypatch, samples, *, broken=None, fails=None, unwritable=None):
    events: list[str] = []
    printer = RecordingPrinter(events, fails)

    @contextlib.contextmanager
    def fake_printer(settings, *, pdf):
        yield printer if pdf else None

    monkeypatch.setattr(reports, "report_printer", fake_printer)
    fake_reports(monkeypatch, events, broken=broken, unwritable=unwritable)
    inputs, outputs = batch_files(tmp_path, samples)
    error = None
    try:
        reports.render_sample_reports(
            inputs=inputs,
            outputs=outputs,
            params={"samples": samples},
            config={"report": {"pdf": True}},
            wildcards={},
        )
    except BatchInputError as caught:
        error = caught
    return events, error


def test_each_report_is_built_while_the_one_before_it_prints(tmp_path, monkeypatch):
    events, error = run_batch(tmp_path, monkeypatch, ["A", "B", "C"])
    assert error is None
    assert events == [
        "read the cohort's inputs",
        "build A", "submit A", "write A",
        "build B", "collect A", "submit B", "write B",
        "build C", "collect B", "submit C", "write C",
        "collect C",
    ]  # fmt: skip
    for sample in "ABC":
        assert (tmp_path / f"{sample}.report.pdf").read_text() == f"pdf of {sample}"
    manifest = (tmp_path / "batch.tsv").read_text().splitlines()
    assert manifest[0] == "sample\thtml\tjson\tpdf"
    assert [line.split("\t")[0] for line in manifest[1:]] == ["A", "B", "C"]


def test_a_pdf_that_fails_to_print_fails_its_own_report_alone(tmp_path, monkeypatch):
    events, error = run_batch(tmp_path, monkeypatch, ["A", "B", "C"], fails="B")
    assert error is not None
    assert error.sample_errors == {
        "B": "report not rendered: internal error (RuntimeError: printToPDF failed for B)"
    }
    # B's failure shows while C is being built: it is still B's, and C prints
    assert events[8:] == ["build C", "collect B", "submit C", "write C", "collect C"]
    assert sorted(p.name for p in tmp_path.glob("B.*")) == []
    for sample in "AC":
        assert (tmp_path / f"{sample}.report.pdf").read_text() == f"pdf of {sample}"
        assert (tmp_path / f"{sample}.report.html").read_text() == f"html of {sample}"
    assert not (tmp_path / "batch.tsv").exists()  # the failed job's manifest is not written


def test_a_report_that_fails_to_build_leaves_the_pdf_before_it_printed(tmp_path, monkeypatch):
    events, error = run_batch(tmp_path, monkeypatch, ["A", "B", "C"], broken="B")
    assert error is not None
    assert error.sample_errors == {
        "B": "report not rendered: internal error (ValueError: B: unreadable)"
    }
    assert events == [
        "read the cohort's inputs",
        "build A", "submit A", "write A",
        "build B", "collect A",
        "build C", "submit C", "write C",
        "collect C",
    ]  # fmt: skip
    assert (tmp_path / "A.report.pdf").read_text() == "pdf of A"
    assert (tmp_path / "C.report.pdf").read_text() == "pdf of C"
    assert sorted(p.name for p in tmp_path.glob("B.*")) == []


def test_the_last_reports_pdf_is_collected_and_its_failure_recorded(tmp_path, monkeypatch):
    events, error = run_batch(tmp_path, monkeypatch, ["A", "B", "C"], fails="C")
    assert error is not None and list(error.sample_errors) == ["C"]
    assert events[-3:] == ["submit C", "write C", "collect C"]
    assert not (tmp_path / "C.report.html").exists()
    assert (tmp_path / "B.report.pdf").read_text() == "pdf of B"


def test_a_report_whose_files_fail_while_its_pdf_prints_fails_alone_pdf_included(
    tmp_path, monkeypatch
):
    events, error = run_batch(tmp_path, monkeypatch, ["A", "B", "C"], unwritable="B")
    assert error is not None
    assert error.sample_errors == {
        "B": "report not rendered: internal error (OSError: [Errno 28] No space left on device)"
    }
    # B's PDF was printing when its files failed: collected, then removed with them
    assert events[4:9] == ["build B", "collect A", "submit B", "write B", "build C"]
    assert events[9:] == ["collect B", "submit C", "write C", "collect C"]
    assert sorted(p.name for p in tmp_path.glob("B.*")) == []
    for sample in "AC":
        assert (tmp_path / f"{sample}.report.pdf").read_text() == f"pdf of {sample}"


class UnansweringPipe:
    """A launched browser (recorded) whose first answer never comes: it exited."""

    def __init__(self, events: list[str]) -> None:
        events.append("launch the browser")

    def request(self, method: str, session: str | None = None, **params: object) -> int:
        return 1

    def reply(self, wanted: int, method: str) -> dict:
        from nenprofile.report.chromium import ChromiumError

        raise ChromiumError("Chromium exited (status 1)")

    def close(self) -> None:
        pass


def test_the_batch_reads_while_the_browser_starts_and_fails_whole_if_it_cannot(
    tmp_path, monkeypatch
):
    """The browser is launched first; the cohort's inputs and the first report are read
    and built before it is awaited. A browser that cannot start (engine chromium) fails
    the job with one input error that says how to fix it, not each sample on its own."""
    from nenprofile.report import pdf

    events: list[str] = []
    monkeypatch.setattr(pdf, "DevToolsPipe", lambda exe, timeout: UnansweringPipe(events))
    fake_reports(monkeypatch, events)
    inputs, outputs = batch_files(tmp_path, ["A", "B"])
    settings = {"pdf": True, "pdf_engine": "chromium", "pdf_browser": "/opt/chrome"}
    with pytest.raises(InputError) as failed:
        reports.render_sample_reports(inputs=inputs, outputs=outputs, params={"samples": ["A", "B"]},
                                      config={"report": settings}, wildcards={})  # fmt: skip
    assert not isinstance(failed.value, BatchInputError)
    assert events == ["launch the browser", "read the cohort's inputs", "build A"]
    assert str(failed.value).startswith(
        "config report.pdf_browser: the PDF browser could not be started: Chromium exited "
        "(status 1)"
    )
    assert "report.pdf_engine to auto (WeasyPrint when Chromium cannot start)" in str(failed.value)
    assert not (tmp_path / "batch.tsv").exists()


def test_a_browser_that_exits_at_once_fails_the_batch_with_its_status(tmp_path, monkeypatch):
    events: list[str] = []
    fake_reports(monkeypatch, events)
    inputs, outputs = batch_files(tmp_path, ["A"])
    settings = {"pdf": True, "pdf_engine": "chromium", "pdf_browser": shutil.which("false")}
    with pytest.raises(InputError, match=r"could not be started: Chromium exited \(status 1\)"):
        reports.render_sample_reports(inputs=inputs, outputs=outputs, params={"samples": ["A"]},
                                      config={"report": settings}, wildcards={})  # fmt: skip
    assert events == ["read the cohort's inputs", "build A"]

"""A report batch builds each report while the browser prints the one before it, and a
report that fails (building it, or printing its PDF) fails alone."""

from __future__ import annotations

import contextlib
from pathlib import Path

from nenprofile.errors import BatchInputError
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


def run_batch(tmp_path, monkeypatch, samples, *, broken=None, fails=None):
    events: list[str] = []
    printer = RecordingPrinter(events, fails)

    @contextlib.contextmanager
    def fake_printer(settings, *, pdf):
        yield printer if pdf else None

    def fake_files(sample, inputs, outputs, shared, *, printout):
        events.append(f"build {sample}")
        if sample == broken:
            raise ValueError(f"{sample}: unreadable")
        for kind in ("html", "json"):
            Path(outputs[kind]).write_text(f"{kind} of {sample}")
        return sample if printout else None

    monkeypatch.setattr(reports, "report_printer", fake_printer)
    monkeypatch.setattr(reports, "write_report_files", fake_files)
    monkeypatch.setattr(reports, "shared_report_inputs", lambda inputs, config: {})
    inputs = {name: [f"{s}.{name}" for s in samples] for name in REPORT_TABLES}
    outputs = {
        kind: [str(tmp_path / f"{s}.report.{kind}") for s in samples]
        for kind in ("html", "json", "pdf")
    }
    outputs["manifest"] = str(tmp_path / "batch.tsv")
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
        "build A", "submit A",
        "build B", "collect A", "submit B",
        "build C", "collect B", "submit C",
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
    assert events[5:] == ["build C", "collect B", "submit C", "collect C"]
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
        "build A", "submit A",
        "build B", "collect A",
        "build C", "submit C",
        "collect C",
    ]  # fmt: skip
    assert (tmp_path / "A.report.pdf").read_text() == "pdf of A"
    assert (tmp_path / "C.report.pdf").read_text() == "pdf of C"
    assert sorted(p.name for p in tmp_path.glob("B.*")) == []


def test_the_last_reports_pdf_is_collected_and_its_failure_recorded(tmp_path, monkeypatch):
    events, error = run_batch(tmp_path, monkeypatch, ["A", "B", "C"], fails="C")
    assert error is not None and list(error.sample_errors) == ["C"]
    assert events[-2:] == ["submit C", "collect C"]
    assert not (tmp_path / "C.report.html").exists()
    assert (tmp_path / "B.report.pdf").read_text() == "pdf of B"

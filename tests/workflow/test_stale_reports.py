"""No stale results: after a rerun in which one sample's input was corrected and another's
broke, every report left matches its sample's current tables, or is gone."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# 5 samples: reports render in batches of 2, so NEN01 and NEN02 share a batch
SAMPLES = ["NEN01", "NEN02", "NEN04", "NEN05", "NEN06"]
TABLES = {"alterations": "alterations.tsv", "biomarkers": "biomarkers.json",
          "therapies": "therapies.tsv", "ingest": "ingest.json"}  # fmt: skip
pytestmark = [pytest.mark.workflow, pytest.mark.slow]


def prepare(workdir: Path) -> None:
    shutil.copytree(REPO / "config", workdir / "config")
    sheet = workdir / "config" / "samples.tsv"
    lines = sheet.read_text().splitlines()
    kept = [line for line in lines if line.split("\t")[0] in ("sample", *SAMPLES)]
    sheet.write_text("\n".join(kept) + "\n")
    config = workdir / "config" / "config.yaml"
    config.write_text(config.read_text().replace("pdf: true", "pdf: false"))


def snakemake(workdir: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile"), "-d", str(workdir),
         "--cores", "2", *extra],
        capture_output=True, text=True, env=env, timeout=900, check=False,
    )  # fmt: skip


def sample_file(workdir: Path, sample: str, suffix: str) -> Path:
    return workdir / "results" / "demo" / "samples" / sample / f"{sample}.{suffix}"


MEN1_DELETION_ROW = re.compile(r"<tr\b(?:(?!</tr>).)*>MEN1<(?:(?!</tr>).)*Deep deletion", re.S)


def shows_men1_deletion(workdir: Path) -> bool:
    return bool(MEN1_DELETION_ROW.search(sample_file(workdir, "NEN01", "report.html").read_text()))


def report_genes(workdir: Path, sample: str) -> set[str]:
    """The genes of the alterations the sample's report shows."""
    data = json.loads(sample_file(workdir, sample, "report.json").read_text())
    return {a["gene"] for section in data["sections"] for a in section["alterations"]}


@pytest.fixture(scope="module")
def completed(tmp_path_factory) -> Path:
    """A working directory after one complete run (tests copy it before changing it)."""
    workdir = tmp_path_factory.mktemp("complete")
    prepare(workdir)
    first = snakemake(workdir)
    assert first.returncode == 0, first.stderr[-3000:]
    return workdir


def copy_of(completed: Path, tmp_path: Path) -> Path:
    workdir = tmp_path / "work"
    shutil.copytree(completed, workdir, symlinks=True)
    return workdir


def break_ingest(workdir: Path, sample: str) -> None:
    sample_file(workdir, sample, "ingest.json").write_text("{not json")


def broken_batch(completed: Path, tmp_path: Path, outputs: tuple[str, ...]):
    """A copy of the completed run with NEN05's ingest.json broken, and the inputs and
    `outputs` of a report batch of NEN04, NEN05 and NEN06 in it."""
    from nenprofile.layout import REPORT_TABLES, Layout

    workdir = copy_of(completed, tmp_path)
    os.chdir(workdir)
    layout = Layout("demo")
    batch = ["NEN04", "NEN05", "NEN06"]
    break_ingest(workdir, "NEN05")
    inputs = {name: [layout.sample_file(s, name) for s in batch] for name in REPORT_TABLES}
    inputs.update(cohort_biomarkers=layout.cohort_file("biomarkers"),
                  provenance=layout.provenance_file("provenance"),
                  markers=layout.cohort_file("expression_markers"))  # fmt: skip
    files = {name: [layout.sample_file(s, name) for s in batch] for name in outputs}
    files["manifest"] = str(tmp_path / "batch.tsv")
    return layout, batch, inputs, files


def test_one_reports_failure_leaves_its_batch_mates_reports(completed, tmp_path, monkeypatch):
    from nenprofile.errors import BatchInputError
    from nenprofile.jobs.reports import render_sample_reports

    monkeypatch.chdir(tmp_path)  # restored after the test; broken_batch moves into the copy
    layout, batch, inputs, outputs = broken_batch(completed, tmp_path, ("html", "json"))
    for path in outputs["html"] + outputs["json"]:
        Path(path).write_text("an old report")
    with pytest.raises(BatchInputError) as caught:
        render_sample_reports(inputs=inputs, outputs=outputs, params={"samples": batch},
                              config={"report": {"pdf": False}}, wildcards={})  # fmt: skip
    assert list(caught.value.sample_errors) == ["NEN05"]
    assert caught.value.sample_errors["NEN05"].startswith(
        "report not rendered: internal error (JSONDecodeError: "
    )
    for sample in ("NEN04", "NEN06"):
        assert "source_tables" in json.loads(Path(layout.sample_file(sample, "json")).read_text())
    assert not Path(layout.sample_file("NEN05", "html")).exists()
    assert not Path(layout.sample_file("NEN05", "json")).exists()


@pytest.mark.browser
def test_a_report_batch_prints_its_pdfs_with_one_browser(completed, tmp_path, monkeypatch):
    from nenprofile.errors import BatchInputError
    from nenprofile.jobs.reports import render_sample_reports
    from nenprofile.report import pdf

    if pdf.find_browser() is None:
        pytest.skip("no Chromium browser found")
    starts = []

    def counted(browser=None, **options):
        starts.append(browser)
        return chromium_printer(browser, **options)

    chromium_printer = pdf.chromium_printer
    monkeypatch.setattr(pdf, "chromium_printer", counted)
    monkeypatch.chdir(tmp_path)  # restored after the test; broken_batch moves into the copy
    layout, batch, inputs, outputs = broken_batch(completed, tmp_path, ("html", "json", "pdf"))
    settings = {"pdf": True, "pdf_engine": "chromium", "pdf_rows_per_table": 1}
    with pytest.raises(BatchInputError):
        render_sample_reports(inputs=inputs, outputs=outputs, params={"samples": batch},
                              config={"report": settings}, wildcards={})  # fmt: skip
    assert starts == [None]  # one browser for the batch
    assert not Path(layout.sample_file("NEN05", "pdf")).exists()
    for sample in ("NEN04", "NEN06"):
        printed = Path(layout.sample_file(sample, "pdf")).read_bytes()
        assert b"/Producer (Skia/PDF" in printed
        assert b"/CreationDate (D:20260115000000+00'00')" in printed


# the failure record of a report batch: naming the failing sample, or failing as a whole
# (an internal error outside the per-sample loop; a killed job leaves none)
NAMED = {"error": "1 of 2", "internal": False,
         "samples": {"NEN05": "report not rendered: internal error (JSONDecodeError: x)"}}  # fmt: skip
WHOLE = {"error": "internal error", "internal": True, "samples": {}}


@pytest.mark.parametrize("record", [NAMED, WHOLE], ids=["sample-named", "whole-batch"])
def test_partial_cohort_report_lists_report_stage_failures(
    completed, tmp_path, monkeypatch, record
):
    """What onerror does after a report batch failed: Snakemake removed the batch's reports;
    the batch-mate's report is rendered again, the failing one listed, not left stale. The
    cohort report job runs beside the batches, so the page it wrote (every sample fine) is
    replaced also when the batch failed without naming a sample."""
    from nenprofile.jobs.recovery import report_is_current, write_partial_cohort_report
    from nenprofile.layout import Layout, error_record_path

    workdir = copy_of(completed, tmp_path)
    monkeypatch.chdir(workdir)
    layout = Layout("demo")
    break_ingest(workdir, "NEN05")
    for sample in ("NEN04", "NEN05"):  # Snakemake removes the failed batch's outputs
        for name in ("html", "json"):
            Path(layout.sample_file(sample, name)).unlink()
    report_log = layout.log("render_sample_reports", "batch2")
    error_record_path(report_log).write_text(json.dumps({**record, "log": report_log}))
    assert "failed" not in Path(layout.cohort_file("report")).read_text().lower()
    profile_logs = {s: layout.log("profile_sample", s) for s in SAMPLES}
    report_logs = {s: layout.log("render_sample_reports", "batch1") for s in SAMPLES}
    report_logs.update(NEN04=report_log, NEN05=report_log)
    records = {s: {"sample": s} for s in SAMPLES}
    failed = write_partial_cohort_report(layout, profile_logs, SAMPLES, records,
                                         {"pdf": False}, report_logs=report_logs)  # fmt: skip
    assert [entry["sample"] for entry in failed] == ["NEN05"]
    assert failed[0]["error"].startswith("report not rendered: internal error (JSONDecodeError")
    assert report_is_current("NEN04", layout)
    assert not Path(layout.sample_file("NEN05", "html")).exists()
    cohort_report = Path(layout.cohort_file("report")).read_text()
    assert "1 failed" in cohort_report and "report not rendered" in cohort_report


def test_rerun_after_one_fix_and_one_break_leaves_no_stale_report(completed, tmp_path):
    tmp_path = copy_of(completed, tmp_path)
    assert "MEN1" in report_genes(tmp_path, "NEN01")
    assert shows_men1_deletion(tmp_path)
    old_nen02_report = sample_file(tmp_path, "NEN02", "report.html")
    assert old_nen02_report.is_file()

    # correct NEN01's copy number (MEN1 is not deleted after all) and break NEN02's VCF
    cna = tmp_path / "config" / "demo" / "cna" / "NEN01.gene_cn.tsv"
    cna.write_text(cna.read_text().replace("MEN1\t0\t0", "MEN1\t2\t1"))
    vcf = tmp_path / "config" / "demo" / "NEN02.snpeff.vcf.gz"
    vcf.write_bytes(vcf.read_bytes()[: vcf.stat().st_size // 2])
    second = snakemake(tmp_path, "--keep-going")
    assert second.returncode != 0

    for sample in SAMPLES:
        report = sample_file(tmp_path, sample, "report.json")
        if not report.exists():
            assert not sample_file(tmp_path, sample, "report.html").exists(), sample
            continue
        recorded = json.loads(report.read_text())["source_tables"]
        current = {
            name: hashlib.sha256(sample_file(tmp_path, sample, suffix).read_bytes()).hexdigest()
            for name, suffix in TABLES.items()
        }
        assert recorded == current, sample
        assert sample_file(tmp_path, sample, "report.html").is_file(), sample
    # the corrected sample's report follows its new tables; the broken one's is gone
    assert "MEN1" not in report_genes(tmp_path, "NEN01")
    assert not shows_men1_deletion(tmp_path)
    assert not old_nen02_report.exists()
    assert not sample_file(tmp_path, "NEN02", "report.json").exists()
    for sample in ("NEN04", "NEN05", "NEN06"):
        assert sample_file(tmp_path, sample, "report.html").is_file(), sample
    cohort = tmp_path / "results" / "demo" / "cohort"
    cohort_report = (cohort / "cohort_report.html").read_text()
    assert "1 failed" in cohort_report
    assert "NEN02.snpeff.vcf.gz" in cohort_report
    assert not (cohort / "alterations.tsv").exists()  # it held NEN02's old rows


def test_nothing_is_rewritten_when_every_report_is_current(completed, tmp_path, monkeypatch):
    from nenprofile.jobs.recovery import write_partial_cohort_report
    from nenprofile.layout import Layout

    workdir = copy_of(completed, tmp_path)
    monkeypatch.chdir(workdir)
    layout = Layout("demo")
    before = Path(layout.cohort_file("report")).read_bytes()
    profile_logs = {s: layout.log("profile_sample", s) for s in SAMPLES}
    records = {s: {"sample": s} for s in SAMPLES}
    assert write_partial_cohort_report(layout, profile_logs, SAMPLES, records, {"pdf": False}) == []
    assert Path(layout.cohort_file("report")).read_bytes() == before
    assert Path(layout.cohort_file("alterations")).is_file()


def test_the_cohort_report_runs_beside_a_failing_report_batch(completed, tmp_path):
    """render_cohort_report needs the cohort tables and provenance, not the report batches:
    it runs while a batch fails, and the page onerror leaves still lists the failed sample."""
    workdir = copy_of(completed, tmp_path)
    break_ingest(workdir, "NEN05")
    run = snakemake(workdir, "--keep-going", "--forcerun", "render_sample_reports_2",
                    "render_cohort_report")  # fmt: skip
    assert run.returncode != 0
    log = run.stdout + run.stderr
    assert re.search(r"Finished jobid: \d+ \(Rule: render_cohort_report\)", log), log[-3000:]
    assert not re.search(r"Finished jobid: \d+ \(Rule: render_sample_reports_2\)", log)
    cohort_report = (workdir / "results" / "demo" / "cohort" / "cohort_report.html").read_text()
    assert "1 failed" in cohort_report and "report not rendered" in cohort_report
    assert not sample_file(workdir, "NEN05", "report.html").exists()
    assert sample_file(workdir, "NEN04", "report.html").is_file()

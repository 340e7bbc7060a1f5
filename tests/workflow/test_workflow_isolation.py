"""One bad sample with --keep-going: the others finish, the cohort report names the failure."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.workflow, pytest.mark.slow]


def run_demo_with_truncated_nen02(
    tmp_path: Path, extra_config: str = ""
) -> subprocess.CompletedProcess:
    """The demo without PDFs, NEN02's VCF cut in half (a truncated bgzip), --keep-going."""
    shutil.copytree(REPO / "config", tmp_path / "config")
    config = tmp_path / "config" / "config.yaml"
    config.write_text(config.read_text().replace("pdf: true", "pdf: false") + extra_config)
    broken = tmp_path / "config" / "demo" / "NEN02.snpeff.vcf.gz"
    data = broken.read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    return subprocess.run(
        [
            *(sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile")),
            *("-d", str(tmp_path), "--cores", "2", "--keep-going"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_bad_sample_is_isolated_and_listed(tmp_path):
    result = run_demo_with_truncated_nen02(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback (most recent call last)" not in output
    assert (
        "sample NEN02 failed: config/demo/NEN02.snpeff.vcf.gz: the compressed file is truncated or corrupt"
        in output
    ), output[-3000:]
    assert "1 of 10 samples failed" in output

    results = tmp_path / "results" / "demo"
    assert not (results / "samples" / "NEN02" / "NEN02.report.html").exists()
    assert not (results / "samples" / "NEN02" / "NEN02.alterations.tsv").exists()
    for sample in ("NEN01", "NEN03", "NEN10"):
        for suffix in ("alterations.tsv", "biomarkers.json", "therapies.tsv", "report.html"):
            assert (results / "samples" / sample / f"{sample}.{suffix}").is_file()
    cohort = (results / "cohort" / "cohort_report.html").read_text()
    assert 'id="failed-samples"' in cohort
    assert "the compressed file is truncated or corrupt" in cohort
    log = (tmp_path / "logs" / "demo" / "profile_sample" / "NEN02.log").read_text()
    assert log.startswith("ERROR input error: config/demo/NEN02.snpeff.vcf.gz:")
    assert "Fix:" in log


def test_a_bad_sample_fails_alone_in_its_profiling_batch(tmp_path):
    """profile_batch_size 4: NEN02's bad VCF fails NEN02 only; its batch-mates NEN01, NEN03
    and NEN04 keep their tables, and the partial cohort report renders their reports, as with
    one job per sample. The batch has no manifest, so a rerun profiles it again."""
    result = run_demo_with_truncated_nen02(tmp_path, extra_config="profile_batch_size: 4\n")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Traceback (most recent call last)" not in output
    assert (
        "sample NEN02 failed: config/demo/NEN02.snpeff.vcf.gz: the compressed file is truncated or corrupt"
        in output
    ), output[-3000:]
    assert "1 of 10 samples failed" in output
    assert "its profiling batch failed" not in output

    results = tmp_path / "results" / "demo"
    assert not (results / "samples" / "NEN02" / "NEN02.alterations.tsv").exists()
    assert not (results / "samples" / "NEN02" / "NEN02.report.html").exists()
    for sample in ("NEN01", "NEN03", "NEN04", "NEN05", "NEN10"):
        for suffix in ("alterations.tsv", "biomarkers.json", "therapies.tsv", "report.html"):
            assert (results / "samples" / sample / f"{sample}.{suffix}").is_file()
    assert not (results / "cohort" / "profile_batches" / "batch1.tsv").exists()
    assert (results / "cohort" / "profile_batches" / "batch2.tsv").is_file()
    cohort = (results / "cohort" / "cohort_report.html").read_text()
    assert 'id="failed-samples"' in cohort
    assert "the compressed file is truncated or corrupt" in cohort
    log = (tmp_path / "logs" / "demo" / "profile_sample" / "batch1.log").read_text()
    assert "INFO NEN01: 2 variants kept" in log
    assert "ERROR input error: sample NEN02: config/demo/NEN02.snpeff.vcf.gz:" in log
    assert (
        "ERROR input error: 1 of 4 samples of this profiling batch failed (NEN02); the other "
        "samples' tables are kept"
    ) in log

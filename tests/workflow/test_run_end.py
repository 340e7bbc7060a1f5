"""Snakemake's process ends with its last job, not a rate-limiter timespan later."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.workflow]

SNAKEFILE = """
from nenprofile.jobs.finish import end_promptly

rule all:
    output: "done.txt"
    log: "done.log"
    shell: "touch {output} 2> {log}"

onsuccess:
    end_promptly()
"""


def test_a_run_does_not_wait_out_the_job_rate_limiters_timespan(tmp_path):
    """With a 60 s timespan Snakemake's re-selection timer would keep the process alive for
    a minute after the job; the onsuccess handler cancels it."""
    (tmp_path / "Snakefile").write_text(SNAKEFILE)
    started = time.monotonic()
    result = subprocess.run(
        [
            *(sys.executable, "-m", "snakemake", "--cores", "1", "-d", str(tmp_path)),
            *("--max-jobs-per-timespan", "1000/60s", "-s", str(tmp_path / "Snakefile")),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=55,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "done.txt").is_file()
    assert time.monotonic() - started < 50


def test_the_workflow_ends_promptly_on_success_and_on_error():
    snakefile = (REPO / "Snakefile").read_text()
    assert "onsuccess:\n    end_run_promptly()\n" in snakefile
    assert "onerror:\n    report_failed_samples()\n    end_run_promptly()\n" in snakefile

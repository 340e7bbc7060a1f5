"""A run killed midway and started again completes, with outputs equal to an unbroken run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.workflow, pytest.mark.slow]


def snakemake_command(workdir: Path) -> list[str]:
    return [
        *(sys.executable, "-m", "snakemake", "-s", str(REPO / "Snakefile")),
        *("-d", str(workdir), "--cores", "1", "--quiet", "all"),
    ]


def prepare(workdir: Path) -> None:
    shutil.copytree(REPO / "config", workdir / "config")
    config = workdir / "config" / "config.yaml"
    config.write_text(config.read_text().replace("pdf: true", "pdf: false"))


def outputs(workdir: Path) -> dict[str, bytes]:
    root = workdir / "results" / "demo"
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_killed_run_resumes_to_identical_outputs(tmp_path):
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    for workdir in (killed, clean):
        workdir.mkdir()
        prepare(workdir)

    process = subprocess.Popen(
        snakemake_command(killed),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    samples = killed / "results" / "demo" / "samples"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if len(list(samples.glob("*/*.therapies.tsv"))) >= 3:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be killed"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    finished = len(list(samples.glob("*/*.therapies.tsv")))
    assert 3 <= finished < 10
    assert not (killed / "results" / "demo" / "cohort" / "cohort_report.html").exists()

    # a killed Snakemake leaves its lock; --unlock is the documented first step of a restart
    unlock = [*snakemake_command(killed)[:7], "--unlock"]
    assert subprocess.run(unlock, capture_output=True, check=False).returncode == 0
    resumed = subprocess.run(snakemake_command(killed), capture_output=True, text=True, check=False)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    fresh = subprocess.run(snakemake_command(clean), capture_output=True, text=True, check=False)
    assert fresh.returncode == 0, fresh.stderr[-3000:]

    resumed_outputs, clean_outputs = outputs(killed), outputs(clean)
    assert sorted(resumed_outputs) == sorted(clean_outputs)
    assert not [name for name in resumed_outputs if name.endswith(".tmp")]
    differing = [
        name
        for name in clean_outputs
        if resumed_outputs[name] != clean_outputs[name] and not name.endswith(".resolved.yaml")
    ]
    assert differing == []

"""The demo cohort through a real single-node SLURM with workflow/profiles/slurm.

A session fixture starts munge + slurmctld + slurmd with tests/workflow/slurm/start_single_node_slurm.sh
(root, Debian slurm-wlm). Each test copies config/ into a temporary working directory, so the
checkout's results/ are never touched.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slurm, pytest.mark.slow, pytest.mark.workflow]

REPO = Path(__file__).resolve().parents[2]
START_SCRIPT = REPO / "tests" / "workflow" / "slurm" / "start_single_node_slurm.sh"
SLURM_CONF = Path("/etc/slurm/slurm.conf")
PROFILE = REPO / "workflow" / "profiles" / "slurm"
SAMPLE_SUFFIXES = ("alterations.tsv", "biomarkers.json", "therapies.tsv")
REPORT_SUFFIXES = ("report.html", "report.json")
COHORT_OUTPUTS = (
    "cohort/alterations.tsv",
    "cohort/biomarkers.tsv",
    "cohort/therapies.tsv",
    "cohort/cohort_report.html",
    "provenance/provenance.json",
)
RUN_TIMEOUT_S = 900


DAEMONS = ("munged", "slurmctld", "slurmd")


def _running(name: str) -> bool:
    """A live (not zombie) process of this exact name."""
    found = subprocess.run(
        ["ps", "-C", name, "-o", "stat="], capture_output=True, text=True, check=False
    )
    return any(not stat.startswith("Z") for stat in found.stdout.split())


@pytest.fixture(scope="session")
def slurm_cluster() -> Iterator[None]:
    """A running single-node SLURM; the daemons this fixture started are stopped after."""
    missing = [b for b in ("sbatch", "squeue", "slurmctld", "slurmd", "munged") if not _which(b)]
    if missing:
        pytest.skip(
            f"SLURM not installed ({', '.join(missing)} missing): apt-get install munge slurm-wlm"
        )
    if os.geteuid() != 0:
        pytest.skip("starting munged/slurmctld/slurmd needs root")
    already_running = any(_running(name) for name in DAEMONS)
    try:
        started = subprocess.run(
            ["bash", str(START_SCRIPT)], capture_output=True, text=True, timeout=120
        )
        assert started.returncode == 0, (
            f"{START_SCRIPT} failed:\n{started.stdout}\n{started.stderr}"
        )
        yield
    finally:
        # also when starting failed half-way: no daemon of ours outlives the tests
        if not already_running:
            subprocess.run(["bash", str(START_SCRIPT), "--stop"], capture_output=True, timeout=60)
    if not already_running:
        assert not any(_running(name) for name in DAEMONS), "SLURM daemons still running"
        assert not _our_slurm_conf_left(), f"{SLURM_CONF} of the tests left behind"


def _our_slurm_conf_left() -> bool:
    """The tests' slurm.conf, left with no controller, makes every scontrol wait ~9 s."""
    if not SLURM_CONF.is_file():
        return False
    return SLURM_CONF.read_text().startswith("# Written by nenprofile tests/")


def _which(binary: str) -> str | None:
    return shutil.which(binary) or shutil.which(binary, path="/usr/sbin:/sbin")


def _demo_copy(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "config", tmp_path / "config")
    return tmp_path


def _samples(workdir: Path) -> list[str]:
    with open(workdir / "config" / "samples.tsv", newline="") as handle:
        return [row["sample"] for row in csv.DictReader(handle, delimiter="\t")]


def _run_on_slurm(workdir: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "-s",
        str(REPO / "Snakefile"),
        "-d",
        str(workdir),
        "--profile",
        str(PROFILE),
        "--slurm-init-seconds-before-status-checks",
        "2",
        "--slurm-keep-successful-logs",
        "--jobs",
        "12",
    ]
    start = time.monotonic()
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, cwd=workdir
    )
    elapsed = time.monotonic() - start
    print(f"snakemake on SLURM: exit {result.returncode} after {elapsed:.1f} s")
    return result, elapsed


def _slurm_job_ids(workdir: Path) -> dict[str, list[int]]:
    """SLURM job ids per rule/group folder of the plugin's log directory."""
    log_root = workdir / ".snakemake" / "slurm_logs"
    jobs: dict[str, list[int]] = {}
    for log in log_root.rglob("*.log"):
        jobs.setdefault(log.relative_to(log_root).parts[0], []).append(int(log.stem))
    return jobs


def _slurm_states(run_uuid: str) -> dict[int, str]:
    listing = subprocess.run(
        ["squeue", "--states=all", "--noheader", "--name", run_uuid, "--format=%i|%T"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {int(i): state for i, state in (line.split("|") for line in listing.split())}


def _run_uuid(output: str) -> str:
    match = re.search(r"SLURM run ID: ([0-9a-f-]{36})", output)
    assert match, "snakemake did not report a SLURM run ID: the slurm executor was not used"
    return match.group(1)


def test_demo_cohort_runs_to_completion_on_slurm(slurm_cluster: None, tmp_path: Path) -> None:
    workdir = _demo_copy(tmp_path)
    result, _ = _run_on_slurm(workdir)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]

    results = workdir / "results" / "demo"
    samples = _samples(workdir)
    assert len(samples) == 10
    missing = [
        f"{s}.{suffix}"
        for s in samples
        for suffix in SAMPLE_SUFFIXES + REPORT_SUFFIXES
        if not (results / "samples" / s / f"{s}.{suffix}").is_file()
    ]
    assert missing == []
    assert [p for p in COHORT_OUTPUTS if not (results / p).is_file()] == []

    jobs = _slurm_job_ids(workdir)
    profile_jobs = [i for folder, ids in jobs.items() if "profile_sample" in folder for i in ids]
    assert len(profile_jobs) == len(samples)
    # reports in batches: 10 samples -> 4 batches of at most 3 (at least 4 batches)
    report_batches = sorted(f for f in jobs if f.startswith("rule_render_sample_reports_"))
    assert report_batches == [f"rule_render_sample_reports_{k}" for k in (1, 2, 3, 4)], jobs
    assert all(len(jobs[f]) == 1 for f in report_batches)
    for rule in ("combine_cohort_tables", "record_provenance", "render_cohort_report"):
        assert len(jobs[f"rule_{rule}"]) == 1, jobs

    # SLURM itself knows these jobs (squeue keeps finished jobs for MinJobAge=300 s).
    states = _slurm_states(_run_uuid(output))
    all_ids = sorted(i for ids in jobs.values() for i in ids)
    assert sorted(states) == all_ids
    assert set(states.values()) == {"COMPLETED"}


def test_corrupt_vcf_fails_only_its_sample_on_slurm(slurm_cluster: None, tmp_path: Path) -> None:
    workdir = _demo_copy(tmp_path)
    bad_sample, bad_vcf = "NEN02", workdir / "config" / "demo" / "NEN02.snpeff.vcf.gz"
    data = bad_vcf.read_bytes()
    bad_vcf.write_bytes(data[: len(data) // 2])  # truncated bgzip: header block cut short

    result, _ = _run_on_slurm(workdir)
    output = result.stdout + result.stderr

    assert result.returncode != 0
    assert "Error in group profile" in output or "Error in rule profile_sample" in output
    log = (workdir / "logs" / "demo" / "profile_sample" / f"{bad_sample}.log").read_text()
    assert "config/demo/NEN02.snpeff.vcf.gz" in log
    assert "the compressed file is truncated or corrupt" in log

    results = workdir / "results" / "demo" / "samples"
    good = [s for s in _samples(workdir) if s != bad_sample]
    missing = [
        f"{s}.{suffix}"
        for s in good
        for suffix in SAMPLE_SUFFIXES
        if not (results / s / f"{s}.{suffix}").is_file()
    ]
    assert missing == []
    assert not (results / bad_sample / f"{bad_sample}.alterations.tsv").exists()
    # the failed job was retried with more memory (retries: 2 in the profile)
    states = _slurm_states(_run_uuid(output))
    assert list(states.values()).count("FAILED") == 3

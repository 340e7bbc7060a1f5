"""Errors a person can act on: disk full and permission errors name the path and the fix;
temporary files of a killed write do not outlive the next write."""

from __future__ import annotations

import errno
import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from nenprofile.io.outputs import atomic_write, write_tsv
from nenprofile.jobs.runner import run_stage
from nenprofile.layout import error_record_path


class _Named(dict):
    """What Snakemake's input/output/params objects offer to run_stage: items()."""


def fake_job(tmp_path: Path) -> SimpleNamespace:
    return SimpleNamespace(
        log=[str(tmp_path / "logs" / "job.log")],
        input=_Named(),
        output=_Named(table=str(tmp_path / "results" / "S1.alterations.tsv")),
        params=_Named(),
        wildcards=_Named(),
        config={},
        threads=1,
    )


def run(job: SimpleNamespace, stage) -> tuple[int, str, dict]:
    with pytest.raises(SystemExit) as exited:
        run_stage(job, stage)
    log_path = job.log[0]
    record = json.loads(error_record_path(log_path).read_text())
    return exited.value.code, Path(log_path).read_text(), record


def test_disk_full_names_the_output_and_says_what_to_do(tmp_path):
    def stage(*, outputs, **_):
        with atomic_write(outputs["table"]) as out:
            out.write("gene\n")
            raise OSError(errno.ENOSPC, "No space left on device")  # as out.write raises it

    job = fake_job(tmp_path)
    code, log_text, record = run(job, stage)
    expected = (
        f"{job.output['table']}: No space left on device. Fix: free space on that file system "
        "(or point the run at a larger disk), then run the same command again; finished "
        "outputs are kept"
    )
    assert code == 1
    assert f"ERROR system error: {expected}" in log_text
    assert "internal error" not in log_text
    assert record == {"error": expected, "internal": False, "log": job.log[0], "samples": {}}
    assert list((tmp_path / "results").iterdir()) == []


def test_permission_denied_names_the_path(tmp_path):
    def stage(**_):
        raise PermissionError(errno.EACCES, "Permission denied", "/data/cohort/S1.vcf.gz")

    code, log_text, _ = run(fake_job(tmp_path), stage)
    assert code == 1
    assert (
        "ERROR system error: /data/cohort/S1.vcf.gz: Permission denied. Fix: give your user "
        "read (inputs) or write (results/, logs/) permission on it" in log_text
    )


def test_other_os_errors_stay_internal_errors(tmp_path):
    def stage(**_):
        raise OSError(errno.EIO, "Input/output error", "/x")

    code, log_text, record = run(fake_job(tmp_path), stage)
    assert code == 2 and record["internal"] is True
    assert "internal error (please report with this log)" in log_text


def test_a_killed_write_leaves_no_temporary_after_the_next_write(tmp_path):
    target = tmp_path / "S1.variants.tsv.gz"
    leftovers = [tmp_path / f".{target.name}.x8k2j1.tmp", tmp_path / f".{target.name}.worker.tmp"]
    for leftover in leftovers:
        leftover.write_text("partial")  # what SIGKILL inside atomic_write leaves
    other = tmp_path / ".S10.variants.tsv.gz.abc.tmp"
    other.write_text("another output's")
    write_tsv(target, [{"a": 1}], ["a"])
    assert sorted(p.name for p in tmp_path.iterdir()) == [other.name, target.name]


def test_a_finished_job_logs_where_its_seconds_went(tmp_path):
    def stage(*, outputs, **_):
        write_tsv(outputs["table"], [{"gene": "TP53"}], ["gene"])

    job = fake_job(tmp_path)
    run_stage(job, stage)
    last = Path(job.log[0]).read_text().splitlines()[-1]
    assert re.fullmatch(
        r"INFO timing: start-up \d+\.\d\d CPU-s; job \d+\.\d\d s wall, \d+\.\d\d CPU-s", last
    )
    assert not error_record_path(job.log[0]).exists()

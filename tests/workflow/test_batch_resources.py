"""--set-resources and --set-threads for a rule family reach its generated batch rules
(profile_samples_<k>, render_sample_reports_<k>): checked on a dry run of the demo."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.workflow


DRY_RUN = (sys.executable, "-m", "snakemake", "-n", "--cores", "4")


def dry_run(repo_root, *args):
    result = subprocess.run(
        [*DRY_RUN, "--config", "profile_batch_size=5", *args],
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


def resources_of(output: str, rule: str) -> str:
    match = re.search(rf"rule {re.escape(rule)}:\n(?:.*\n)*?\s+resources: (.*)", output)
    assert match, f"no rule {rule} in the dry run"
    return match.group(1)


def threads_of(output: str, rule: str) -> str:
    match = re.search(rf"rule {re.escape(rule)}:\n(?:.*\n)*?\s+threads: (\d+)", output)
    return match.group(1) if match else "1"


def test_family_overrides_reach_every_batch_rule(repo_root):
    output = dry_run(
        repo_root,
        "--set-resources",
        "profile_sample:mem_mb=4321",
        "render_sample_reports:runtime=77",
        "--set-threads",
        "profile_sample=2",
    )
    for batch in (1, 2):
        assert "mem_mb=4321" in resources_of(output, f"profile_samples_{batch}")
        assert threads_of(output, f"profile_samples_{batch}") == "2"
    for batch in (1, 2, 3, 4):
        assert "runtime=77" in resources_of(output, f"render_sample_reports_{batch}")


def test_a_batch_rule_keeps_its_own_override_and_defaults_stay_without_one(repo_root):
    output = dry_run(
        repo_root,
        "--set-resources",
        "profile_sample:mem_mb=4321",
        "profile_samples_2:mem_mb=9999",
    )
    assert "mem_mb=4321" in resources_of(output, "profile_samples_1")
    assert "mem_mb=9999" in resources_of(output, "profile_samples_2")
    plain = dry_run(repo_root)
    assert "mem_mb=1000" in resources_of(plain, "profile_samples_1")

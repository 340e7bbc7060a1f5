"""The workflow profile's speed settings (profiles/default -> workflow/profiles/default)."""

from __future__ import annotations

import yaml


def test_profile_avoids_per_job_input_sizing_and_the_ilp_solver(repo_root):
    profile = yaml.safe_load((repo_root / "profiles" / "default" / "config.yaml").read_text())
    # Snakemake's own disk_mb default stats every input of every job (a sixth of a dry run)
    assert profile["default-resources"] == {"mem_mb": 1000, "runtime": 20, "disk_mb": 1000}
    # the ILP scheduler starts the CBC solver each round; no rule has temp() files to weigh
    assert profile["scheduler"] == "greedy"


def test_profile_polls_job_selection_every_ten_seconds(repo_root):
    profile = yaml.safe_load((repo_root / "profiles" / "default" / "config.yaml").read_text())
    assert profile["max-jobs-per-timespan"] == "1000/10s"

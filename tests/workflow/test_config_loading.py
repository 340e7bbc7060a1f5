"""A cohort config is the whole config: the demo's config/config.yaml is never merged under
it, so a key the user leaves out takes the schema's default; Snakemake's --configfile (read
with YTE templating) is refused with the way to give the file instead."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.workflow


def dry_run(repo_root, *args):
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", *args],
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=False,
    )


def test_cohort_config_is_not_merged_onto_the_demo_config(tmp_path, repo_root):
    config = tmp_path / "config.yaml"
    # the demo config sets an expression matrix; this cohort has no RNA
    config.write_text(f"cohort: mine\nsamples: {repo_root / 'config' / 'samples.tsv'}\n")
    result = dry_run(repo_root, "--config", f"cohort_config={config}")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "rule score_expression_markers" not in output
    assert "results/mine/samples/NEN01/NEN01.alterations.tsv" in output
    assert "results/demo/" not in output


def test_snakemake_configfile_is_refused_with_the_fix(tmp_path, repo_root):
    config = tmp_path / "config.yaml"
    config.write_text(f"cohort: mine\nsamples: {repo_root / 'config' / 'samples.tsv'}\n")
    result = dry_run(repo_root, "--configfile", str(config))
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "--configfile is not supported" in output
    assert "Fix: give the cohort config as --config cohort_config=PATH" in output
    assert "results/mine/" not in output

"""A cohort config given with --configfile is the whole config: the demo's config/config.yaml
is never merged under it, so a key the user leaves out takes the schema's default."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.workflow


def test_cohort_config_is_not_merged_onto_the_demo_config(tmp_path, repo_root):
    config = tmp_path / "config.yaml"
    # the demo config sets an expression matrix; this cohort has no RNA
    config.write_text(f"cohort: mine\nsamples: {repo_root / 'config' / 'samples.tsv'}\n")
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "-n", "--configfile", str(config)],
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "rule score_expression_markers" not in output
    assert "results/mine/samples/NEN01/NEN01.alterations.tsv" in output
    assert "results/demo/" not in output

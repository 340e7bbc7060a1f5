"""The code base stays clean: ruff, mypy on src/, snakefmt and snakemake --lint, as gates."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest


def run(args, cwd):
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)


@pytest.mark.skipif(
    shutil.which("ruff") is None, reason="ruff not installed (pip install -e '.[test]')"
)
def test_ruff_check_and_format(repo_root):
    check = run(["ruff", "check", "."], repo_root)
    assert check.returncode == 0, check.stdout + check.stderr
    fmt = run(["ruff", "format", "--check", "."], repo_root)
    assert fmt.returncode == 0, fmt.stdout + fmt.stderr


def test_mypy_is_clean_on_the_package(repo_root):
    result = run([sys.executable, "-m", "mypy"], repo_root)  # files and options: pyproject.toml
    assert result.returncode == 0, result.stdout + result.stderr
    assert (repo_root / "src" / "nenprofile" / "py.typed").is_file()


def test_snakefmt_leaves_the_workflow_unchanged(repo_root):
    files = ["Snakefile", *sorted(str(p) for p in (repo_root / "workflow" / "rules").glob("*.smk"))]
    result = run([sys.executable, "-m", "snakefmt", "--check", *files], repo_root)
    assert result.returncode == 0, result.stdout + result.stderr


def test_snakemake_lint_is_clean(repo_root):
    result = run([sys.executable, "-m", "snakemake", "--lint"], repo_root)
    assert "Congratulations, your workflow is in a good condition!" in result.stderr, (
        result.stdout + result.stderr
    )
    assert result.returncode == 0


def test_workflow_profile_is_found_and_loaded(repo_root):
    """workflow/profiles/default holds the defaults; profiles/default is where Snakemake looks."""
    link = repo_root / "profiles" / "default"
    assert link.is_symlink()
    assert link.resolve() == (repo_root / "workflow" / "profiles" / "default").resolve()
    result = run([sys.executable, "-m", "snakemake", "-n", "--quiet", "rules"], repo_root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Using workflow specific profile profiles/default" in result.stdout + result.stderr

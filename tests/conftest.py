"""Shared fixtures. Real public files live in ../shared/data beside the checkout."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("NENPROFILE_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data; tests using it skip when it is absent (CI makes skips fatal)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With NENPROFILE_NO_SKIPS=1 (set by .ci/run) any skipped test fails the run.

    Skips are for a developer's machine without ../shared, Chromium or SLURM; CI installs
    all of them, so a skip there means a test silently did not run.
    """
    if os.environ.get("NENPROFILE_NO_SKIPS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"NENPROFILE_NO_SKIPS=1: {len(skipped)} test(s) skipped; every test must run in CI",
            red=True,
        )
        for report in skipped:
            reporter.write_line(f"  skipped: {report.nodeid}: {report.longrepr}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

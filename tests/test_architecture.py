"""The package is grouped by stage, and later stages import earlier ones, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "nenprofile"
# lower rank = earlier; a module may import only from its own rank or lower
STAGE_RANK = {
    "errors": 0,
    "vocab": 0,
    "layout": 0,
    "settings": 0,
    "model": 0,
    "io": 0,
    "reference": 0,
    "ingest": 1,
    "interpret": 2,
    "match": 3,
    "cohort": 4,
    "report": 5,
    "jobs": 6,
    "cli": 7,
}


def stage_of(module: str) -> str:
    """'nenprofile.ingest.variants.vcf' -> 'ingest'."""
    return module.split(".")[1]


def imported_modules(path: Path) -> set[str]:
    """Every nenprofile module a file imports, including imports inside functions."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found.update(n for n in names if n.startswith("nenprofile."))
    return found


def package_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "data" not in p.relative_to(PACKAGE).parts)


def module_stage(path: Path) -> str:
    return path.relative_to(PACKAGE).with_suffix("").parts[0]


def test_every_package_module_belongs_to_a_known_stage():
    unknown = {module_stage(p) for p in package_files()} - set(STAGE_RANK) - {"__init__"}
    assert unknown == set()


@pytest.mark.parametrize("path", package_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_later_stages_import_earlier_ones_never_the_reverse(path):
    own = module_stage(path)
    if own == "__init__":
        return
    backwards = sorted(
        module
        for module in imported_modules(path)
        if STAGE_RANK[stage_of(module)] > STAGE_RANK[own]
    )
    assert backwards == [], f"{own} must not import the later stage(s) {backwards}"


def test_the_check_catches_a_backward_import(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text("def f():\n    from nenprofile.report.html import render_sample_html\n")
    assert imported_modules(bad) == {"nenprofile.report.html"}
    assert STAGE_RANK[stage_of("nenprofile.report.html")] > STAGE_RANK["ingest"]

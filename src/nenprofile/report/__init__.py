"""Tumor board reports: per-sample HTML/PDF/JSON and the cohort report.

The names below are loaded on first use, so a job that needs one module (the cohort context,
the PDF printer) does not import the whole report stack (pandas, Jinja, the interpreters).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nenprofile.report.cohort import render_cohort_html
    from nenprofile.report.data import build_report_data, write_report_json
    from nenprofile.report.html import render_sample_html
    from nenprofile.report.pdf import pdf_printer, write_pdf

_HOMES = {
    "build_report_data": "nenprofile.report.data",
    "pdf_printer": "nenprofile.report.pdf",
    "render_cohort_html": "nenprofile.report.cohort",
    "render_sample_html": "nenprofile.report.html",
    "write_pdf": "nenprofile.report.pdf",
    "write_report_json": "nenprofile.report.data",
}

__all__ = [
    "build_report_data",
    "pdf_printer",
    "render_cohort_html",
    "render_sample_html",
    "write_pdf",
    "write_report_json",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(home), name)

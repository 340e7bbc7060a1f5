"""Tumor board reports: per-sample HTML/PDF/JSON and the cohort report."""

from nenprofile.report.cohort import render_cohort_html
from nenprofile.report.data import build_report_data, write_report_json
from nenprofile.report.html import render_sample_html
from nenprofile.report.pdf import pdf_printer, write_pdf

__all__ = [
    "build_report_data",
    "pdf_printer",
    "render_cohort_html",
    "render_sample_html",
    "write_pdf",
    "write_report_json",
]

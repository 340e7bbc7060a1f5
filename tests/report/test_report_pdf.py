"""PDF output: valid, paginated, byte-identical for identical input, dated by the run date."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nenprofile.report import build_report_data, render_sample_html, write_pdf

DATA = Path(__file__).parents[1] / "data" / "report"


def page_html(run_date: str = "2025-08-01") -> str:
    f = json.loads((DATA / "NEN02.json").read_text(encoding="utf-8"))
    prov = json.loads((DATA / "provenance.json").read_text(encoding="utf-8"))
    prov["run_date"] = run_date
    data = build_report_data(
        f["sample_info"], f["ingest"], f["alterations"], f["biomarkers"], f["therapies"], prov
    )
    return render_sample_html(data)


def test_pdf_is_written_atomically_and_identical_across_renders(tmp_path):
    first, second = tmp_path / "a" / "r.pdf", tmp_path / "b" / "r.pdf"
    write_pdf(page_html(), first)
    write_pdf(page_html(), second)
    payload = first.read_bytes()
    assert payload.startswith(b"%PDF-")
    assert payload.rstrip().endswith(b"%%EOF")
    assert len(payload) > 20_000
    assert payload == second.read_bytes()
    assert [p.name for p in first.parent.iterdir()] == ["r.pdf"]


def test_pdf_dates_come_from_the_run_date():
    weasyprint = pytest.importorskip("weasyprint")
    pdf = weasyprint.HTML(string=page_html("2024-02-29")).write_pdf(uncompressed_pdf=True)
    assert re.findall(rb"/(CreationDate|ModDate) \(D:(\d+)\)", pdf) == [
        (b"CreationDate", b"20240229"),
        (b"ModDate", b"20240229"),
    ]
    pages = len(re.findall(rb"/Type /Page\b", pdf))
    assert 2 <= pages <= 8


def test_pdf_refuses_external_resources(tmp_path, caplog):
    html = page_html().replace("</body>", '<img src="https://example.org/x.png"></body>')
    with caplog.at_level("WARNING", logger="weasyprint"):
        write_pdf(html, tmp_path / "r.pdf")  # WeasyPrint logs and skips the refused image
    assert "https://example.org/x.png" in caplog.text
    assert "disallowed protocol" in caplog.text
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")

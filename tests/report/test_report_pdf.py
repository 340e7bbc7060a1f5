"""PDF output: valid, paginated, byte-identical for identical input, dated by the run date."""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
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


# ----------------------------------------------------------------------------- the printout

PDFTOPPM = shutil.which("pdftoppm")
PDFTOTEXT = shutil.which("pdftotext")
A4_RATIO = 210 / 297
N_ROWS = 70


@pytest.fixture(scope="module")
def printout(tmp_path_factory) -> tuple[Path, list[str], list[Path]]:
    """NEN02's report with 70 extra alterations (a table over several pages): the PDF, the
    text of each page (pdftotext) and each page as a PNG (pdftoppm)."""
    if not (PDFTOPPM and PDFTOTEXT):
        pytest.skip("poppler-utils (pdftoppm, pdftotext) not installed")
    f = json.loads((DATA / "NEN02.json").read_text(encoding="utf-8"))
    prov = json.loads((DATA / "provenance.json").read_text(encoding="utf-8"))
    extra = [
        {
            "gene": f"GENE{i:02d}",
            "alteration_type": "mutation",
            "hgvsp": f"p.Q{i}*",
            "vaf": 0.3,
            "depth": 100,
            "oncogenicity": "Likely oncogenic",
            "evidence": f"row {i} last cell ROWEND{i:02d}",
            "group": "Other drivers",
        }
        for i in range(N_ROWS)
    ]
    data = build_report_data(
        f["sample_info"],
        f["ingest"],
        f["alterations"] + extra,
        f["biomarkers"],
        f["therapies"],
        prov,
    )
    folder = tmp_path_factory.mktemp("printout")
    pdf = folder / "report.pdf"
    write_pdf(render_sample_html(data), pdf)
    subprocess.run([PDFTOPPM, "-r", "20", "-png", str(pdf), str(folder / "page")], check=True)
    pngs = sorted(folder.glob("page-*.png"))
    texts = [
        subprocess.run(
            [PDFTOTEXT, "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for n in range(1, len(pngs) + 1)
    ]
    return pdf, texts, pngs


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_printout_pages_are_a4_with_header_and_footer(printout):
    _, texts, pngs = printout
    assert len(pngs) >= 6
    for number, (text, png) in enumerate(zip(texts, pngs, strict=True), start=1):
        width, height = png_size(png)
        assert abs(width / height - A4_RATIO) < 0.01, png
        assert "Sample NEN02" in text, number
        assert "run date 2025-08-01 · knowledge base 2025.1.0" in text, number
        assert f"page {number} of {len(pngs)}" in text, number
        assert "Research use only - not a diagnostic device" in text, number


def test_printout_sections_start_on_a_new_page(printout):
    _, texts, _ = printout

    def first_heading(text: str) -> str:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return lines[1]  # line 0 is the running header

    starts = [first_heading(t) for t in texts]
    for heading in ("mTOR pathway", "Biomarkers", "Therapy options", "Input and ingest warnings"):
        assert any(s.startswith(heading) for s in starts), (heading, starts)


def test_printout_table_rows_stay_whole_and_under_their_header(printout):
    _, texts, _ = printout
    pages_with_rows = [t for t in texts if "GENE" in t]
    assert len(pages_with_rows) >= 2  # the table runs over a page break
    for text in pages_with_rows:
        # the repeated table header on every page the table continues on
        assert re.search(r"Gene\s+Alteration\s+Type\s+VAF\s+Depth\s+Oncogenicity", text), text
    for i in range(N_ROWS):
        first = [n for n, t in enumerate(texts) if f"GENE{i:02d} " in t or f"GENE{i:02d}\n" in t]
        last = [n for n, t in enumerate(texts) if f"ROWEND{i:02d}" in t]
        assert first and first == last, (i, first, last)

"""PDF output by both engines (Chromium, WeasyPrint): valid, paginated, byte-identical for
identical input, dated by the run date, offline; the printout rules checked on the pages."""

from __future__ import annotations

import json
import logging
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from nenprofile.errors import InputError
from nenprofile.report import build_report_data, pdf_printer, render_sample_html, write_pdf
from nenprofile.report import pdf as pdf_module
from nenprofile.report.chromium import ChromiumError, ChromiumStartError
from nenprofile.report.html import css_string
from nenprofile.settings import schema_default

DATA = Path(__file__).parents[1] / "data" / "report"
BROWSER = pdf_module.find_browser()
ENGINES = [
    "weasyprint",
    pytest.param(
        "chromium",
        marks=[
            pytest.mark.browser,
            pytest.mark.skipif(BROWSER is None, reason="no Chromium browser found"),
        ],
    ),
]


def nen02_data(extra: list[dict] | None = None, run_date: str = "2025-08-01", **settings):
    """NEN02's report data with `extra` alteration rows and report `settings`."""
    f = json.loads((DATA / "NEN02.json").read_text(encoding="utf-8"))
    prov = json.loads((DATA / "provenance.json").read_text(encoding="utf-8"))
    prov["run_date"] = run_date
    return build_report_data(
        f["sample_info"],
        f["ingest"],
        f["alterations"] + (extra or []),
        f["biomarkers"],
        f["therapies"],
        prov,
        settings=settings,
    )


def page_html(run_date: str = "2025-08-01") -> str:
    return render_sample_html(nen02_data(run_date=run_date))


def pdf_dates(pdf: bytes) -> list[tuple[bytes, bytes]]:
    return re.findall(rb"/(CreationDate|ModDate) \(D:(\d{8})", pdf)


def test_pdf_is_written_atomically_and_identical_across_renders(tmp_path):
    first, second = tmp_path / "a" / "r.pdf", tmp_path / "b" / "r.pdf"
    write_pdf(page_html(), first, "weasyprint")
    write_pdf(page_html(), second, "weasyprint")
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
        write_pdf(
            html, tmp_path / "r.pdf", "weasyprint"
        )  # WeasyPrint logs and skips the refused image
    assert "https://example.org/x.png" in caplog.text
    assert "disallowed protocol" in caplog.text
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")


@pytest.mark.browser
@pytest.mark.skipif(BROWSER is None, reason="no Chromium browser found")
def test_chromium_pdfs_are_byte_identical_across_browser_starts_and_dated_by_the_run_date(
    tmp_path,
):
    html = page_html("2024-02-29")
    for name in ("a", "b"):
        with pdf_printer("chromium") as printer:
            assert printer.engine == "chromium"
            printer.write(html, tmp_path / f"{name}.pdf")
            printer.write(page_html("2024-03-01"), tmp_path / f"{name}-next-day.pdf")
    payload = (tmp_path / "a.pdf").read_bytes()
    assert payload.startswith(b"%PDF-") and b"/Producer (Skia/PDF" in payload
    assert payload == (tmp_path / "b.pdf").read_bytes()
    assert pdf_dates(payload) == [(b"CreationDate", b"20240229"), (b"ModDate", b"20240229")]
    assert b"CreationDate (D:20240229000000+00'00')" in payload
    next_day = (tmp_path / "a-next-day.pdf").read_bytes()
    assert pdf_dates(next_day) == [(b"CreationDate", b"20240301"), (b"ModDate", b"20240301")]
    assert next_day == (tmp_path / "b-next-day.pdf").read_bytes()
    # the stamp keeps its width, so the cross-reference table still points at each object
    info = subprocess.run(["pdfinfo", str(tmp_path / "a.pdf")], capture_output=True, text=True)
    if shutil.which("pdfinfo"):
        assert info.returncode == 0 and "Syntax Error" not in info.stderr, info.stderr
        assert "CreationDate:    Thu Feb 29 00:00:00 2024 UTC" in info.stdout


@pytest.mark.browser
@pytest.mark.skipif(BROWSER is None, reason="no Chromium browser found")
def test_chromium_refuses_external_resources_and_runs_no_script(tmp_path, caplog):
    html = page_html().replace(
        "</body>",
        '<img src="https://example.org/x.png"><script>document.title = "ran"</script></body>',
    )
    with caplog.at_level(logging.WARNING, logger="nenprofile"), pdf_printer("chromium") as pr:
        pr.write(html, tmp_path / "r.pdf")
    assert "refused https://example.org/x.png" in caplog.text
    info = subprocess.run(["pdfinfo", str(tmp_path / "r.pdf")], capture_output=True, text=True)
    assert "Title:           Molecular tumor board report: NEN02" in info.stdout


def test_auto_falls_back_to_weasyprint_when_no_browser_is_found(monkeypatch, caplog, tmp_path):
    monkeypatch.setattr(pdf_module, "find_browser", lambda configured=None: None)
    with caplog.at_level(logging.WARNING, logger="nenprofile"), pdf_printer("auto") as printer:
        assert printer.engine == "weasyprint"
        printer.write(page_html(), tmp_path / "r.pdf")
    assert "PDF reports by WeasyPrint: Chromium could not be started" in caplog.text
    assert isinstance(printer, pdf_module.WeasyPrinter)
    assert b"Skia/PDF" not in (tmp_path / "r.pdf").read_bytes()
    with pytest.raises(InputError) as refused, pdf_printer("chromium"):
        pass
    assert "no Chromium browser found to print the PDF reports with" in str(refused.value)
    assert "set report.pdf_engine to weasyprint" in str(refused.value)
    with pytest.raises(InputError, match="unknown PDF engine 'prince'"), pdf_printer("prince"):
        pass


def test_chromium_date_stamp_must_be_found_and_keeps_the_length():
    stamp = pdf_module.run_date_stamp(page_html("2024-02-29"))
    assert stamp == b"D:20240229000000+00'00'"
    pdf = b"/CreationDate (D:20261201235923+00'00')\n/ModDate (D:20261201235923+00'00')"
    stamped = pdf_module.stamp_run_date(pdf, stamp)
    assert stamped == b"/CreationDate (D:20240229000000+00'00')\n/ModDate (D:20240229000000+00'00')"
    assert len(stamped) == len(pdf)
    with pytest.raises(ValueError, match="expected Chromium's two PDF date stamps, found 0"):
        pdf_module.stamp_run_date(b"/CreationDate (D:20261201235923Z)", stamp)
    with pytest.raises(ValueError, match=r"no dcterms\.created run date"):
        pdf_module.run_date_stamp("<html></html>")


def test_the_running_header_text_is_a_css_string_no_input_can_leave():
    assert css_string("Sample NEN-02_a.b") == '"Sample NEN-02_a.b"'
    hostile = css_string('x"</style><script>\\')
    assert (
        hostile == '"x\\000022 \\00003C \\00002F style\\00003E \\00003C script\\00003E \\00005C "'
    )
    assert "<" not in hostile and '"' not in hostile[1:-1]


# ----------------------------------------------------------------------------- the printout

PDFTOPPM = shutil.which("pdftoppm")
PDFTOTEXT = shutil.which("pdftotext")
A4_RATIO = 210 / 297
N_ROWS = 70


def extra_rows() -> list[dict]:
    """N_ROWS 'Likely oncogenic' alterations in one section, each row's last cell marked."""
    return [
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


def report_pdf_pages(pdf: Path) -> list[str]:
    """The text of each page (pdfinfo, pdftotext -layout)."""
    count = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", count.stdout, re.M).group(1))
    return [
        subprocess.run(
            [PDFTOTEXT, "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for n in range(1, pages + 1)
    ]


@pytest.fixture(scope="module", params=ENGINES)
def printout(request, tmp_path_factory) -> tuple[Path, list[str], list[Path]]:
    """NEN02's report with 70 extra alterations (a table over several pages), printed by
    each engine: the PDF, the text of each page (pdftotext) and each page as a PNG
    (pdftoppm)."""
    if not (PDFTOPPM and PDFTOTEXT):
        pytest.skip("poppler-utils (pdftoppm, pdftotext) not installed")
    data = nen02_data(extra_rows())
    folder = tmp_path_factory.mktemp("printout")
    pdf = folder / "report.pdf"
    with pdf_printer(request.param) as printer:
        printer.write(render_sample_html(data), pdf)
    subprocess.run([PDFTOPPM, "-r", "20", "-png", str(pdf), str(folder / "page")], check=True)
    pngs = sorted(folder.glob("page-*.png"))
    return pdf, report_pdf_pages(pdf), pngs


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
    for heading in (
        "mTOR pathway",
        "Biomarkers",
        "Therapy options",
        "Quality control and discordance",
    ):
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


@pytest.mark.parametrize("engine", ENGINES)
def test_a_hostile_sample_name_is_shown_as_text_in_every_page_header(engine, tmp_path):
    if not PDFTOTEXT:
        pytest.skip("poppler-utils (pdftotext) not installed")
    f = json.loads((DATA / "XSS01.json").read_text(encoding="utf-8"))
    prov = json.loads((DATA / "provenance.json").read_text(encoding="utf-8"))
    parts = ("sample_info", "ingest", "alterations", "biomarkers", "therapies")
    html = render_sample_html(build_report_data(*(f[k] for k in parts), prov))
    with pdf_printer(engine) as printer:
        printer.write(html, tmp_path / "r.pdf")
    pages = report_pdf_pages(tmp_path / "r.pdf")
    assert len(pages) >= 3
    for text in pages:
        assert text.splitlines()[0].startswith("Sample <script>alert(1)</script>\"x'"), text


@pytest.fixture(scope="module")
def capped_printout(tmp_path_factory) -> tuple[str, str, list[str]]:
    """NEN02 with 70 extra 'Likely oncogenic' rows in one section and
    report.pdf_rows_per_table 20: the HTML report, the printout's HTML and its PDF pages (by
    Chromium when one is found)."""
    if not PDFTOTEXT:
        pytest.skip("poppler-utils (pdftotext) not installed")
    data = nen02_data(extra_rows(), pdf_rows_per_table=20)
    printout_html = render_sample_html(data, printout=True)
    pdf = tmp_path_factory.mktemp("capped") / "report.pdf"
    with pdf_printer("auto") as printer:
        printer.write(printout_html, pdf)
    return render_sample_html(data), printout_html, report_pdf_pages(pdf)


CAP_NOTE = (
    "73 alterations listed in this section, 73 of them oncogenic; the first 20 shown in "
    "this printout (report.pdf_rows_per_table); all in the HTML report and "
    "NEN02.alterations.tsv."
)


def test_the_printout_caps_long_tables_and_says_so_on_the_page(capped_printout):
    html, printout_html, pages = capped_printout
    text = re.sub(r"\s+", " ", "\n".join(pages))
    # the printout shows the first 20 rows of the section: BRAF, then GENE00-GENE18
    assert [i for i in range(N_ROWS) if f"ROWEND{i:02d}" in printout_html] == list(range(19))
    assert [i for i in range(N_ROWS) if f"ROWEND{i:02d}" in text] == list(range(19))
    assert text.count(CAP_NOTE) == 1
    assert (
        printout_html.count('<tr class="alteration') == 1 + 2 + 1 + 20
    )  # PIK3CA; MLH1, ATM; ARID1A; 20 others
    # the HTML report lists every row and has no such note
    assert all(f"ROWEND{i:02d}" in html for i in range(N_ROWS))
    assert "report.pdf_rows_per_table" not in html


def test_without_a_cap_the_printout_lists_every_row(printout):
    _, texts, _ = printout
    text = "\n".join(texts)
    assert all(f"ROWEND{i:02d}" in text for i in range(N_ROWS))
    assert "report.pdf_rows_per_table" not in text


# ------------------------------------------- the printout's work, bounded (load-independent)

SECTION_GROUPS = ("mTOR pathway", "DNA repair", "Epigenetic/chromatin", "Other drivers")


def elements(html: str) -> int:
    """Elements in a page: what a PDF engine styles, lays out and paints (a stand-in for its
    CPU time that does not depend on the machine's load)."""
    return len(re.findall(r"<[a-zA-Z]", html))


def printout_with(extra: int) -> str:
    """NEN02's printout with `extra` more oncogenic alterations spread over the four
    alteration sections, under the schema's default report.pdf_rows_per_table."""
    rows = [
        {
            "gene": f"G{i:05d}",
            "alteration_type": "mutation",
            "hgvsp": f"p.Q{i}*",
            "hgvsc": f"c.{i}C>T",
            "consequence": "stop_gained",
            "vaf": 0.3,
            "depth": 100,
            "oncogenicity": "Oncogenic",
            "evidence": "OVS1: nonsense in tumor suppressor",
            "group": SECTION_GROUPS[i % 4],
        }
        for i in range(extra)
    ]
    cap = schema_default("report.pdf_rows_per_table")
    return render_sample_html(nen02_data(rows, pdf_rows_per_table=cap), printout=True)


def test_the_printouts_work_stays_bounded_however_many_alterations_a_sample_has():
    assert schema_default("report.pdf_rows_per_table") == 50
    few, many = printout_with(400), printout_with(4000)
    assert elements(few) == elements(many) == 3_283
    assert many.count('<tr class="alteration') == 4 * 50
    assert "1001 alterations listed in this section, 1001 of them oncogenic" in many
    # a demo-like report: 573 elements today; markup added per row or per section shows here
    assert elements(printout_with(0)) <= 620


def test_a_browser_that_does_not_start_is_an_error_or_replaced_by_weasyprint(caplog, tmp_path):
    """The browser is awaited at the first print: there a browser that exited is an error
    (engine chromium) or replaced by WeasyPrint (auto), which then prints every report."""
    false = shutil.which("false")
    with (
        pdf_printer("chromium", false) as printer,
        pytest.raises(ChromiumStartError, match=r"^Chromium exited \(status 1\)$"),
    ):
        printer.write(page_html(), tmp_path / "chromium.pdf")
    assert not (tmp_path / "chromium.pdf").exists()
    with caplog.at_level(logging.WARNING, logger="nenprofile"), pdf_printer("auto", false) as p:
        p.write(page_html(), tmp_path / "auto.pdf")
        assert p.engine == "weasyprint"
        p.write(page_html("2024-03-01"), tmp_path / "auto-next-day.pdf")
    assert caplog.text.count("Chromium could not be started (Chromium exited (status 1))") == 1
    for name in ("auto", "auto-next-day"):
        payload = (tmp_path / f"{name}.pdf").read_bytes()
        assert payload.startswith(b"%PDF-") and b"Skia/PDF" not in payload
    missing = "/nonexistent/chromium"
    with pytest.raises(ChromiumError, match="cannot start /nonexistent/chromium: No such file"):
        pdf_printer("chromium", missing).__enter__()


def test_a_browser_that_dies_is_reported_with_its_status_and_last_message(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'starting' >&2\necho 'FATAL: no usable fonts' >&2\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(ChromiumStartError) as died, pdf_printer("chromium", str(fake)) as printer:
        printer.write(page_html(), tmp_path / "r.pdf")
    assert str(died.value) == "Chromium exited (status 3); its last message: FATAL: no usable fonts"


class LaunchedPipe:
    """A browser launched (recorded in `events`) that answers nothing by itself."""

    def __init__(self, events: list[str], executable: str) -> None:
        self.events = events
        events.append(f"launch {executable}")

    def request(self, method: str, session: str | None = None, **params: object) -> int:
        self.events.append(f"request {method}")
        return 1

    def close(self) -> None:
        self.events.append("close")


def test_the_browser_is_launched_at_once_and_awaited_at_the_first_print(monkeypatch, tmp_path):
    """A report job reads and builds its first report while the browser starts: entering
    the printer launches the browser and asks for its tab without waiting; the first print
    waits for both."""
    events: list[str] = []

    class AwaitedPage:
        def __init__(self, pipe: LaunchedPipe, created: int | None) -> None:
            events.append(f"await the browser and tab {created}")

        def start_printing(self, html: str) -> None:
            events.append(f"print {pdf_module.run_date_stamp(html)[2:10].decode()}")

        def printed(self) -> bytes:
            return b"/CreationDate (D:20261201235923+00'00') /ModDate (D:20261201235923+00'00')"

    monkeypatch.setattr(pdf_module, "DevToolsPipe", lambda exe, timeout: LaunchedPipe(events, exe))
    monkeypatch.setattr(pdf_module, "HeadlessPage", AwaitedPage)
    with pdf_printer("chromium", "/opt/chrome") as printer:
        events.append("the caller reads and builds")
        printer.write(page_html("2024-02-29"), tmp_path / "a.pdf")
        printer.write(page_html("2024-03-01"), tmp_path / "b.pdf")
    assert events == [
        "launch /opt/chrome",
        "request Target.createTarget",
        "the caller reads and builds",
        "await the browser and tab 1",
        "print 20240229",
        "print 20240301",
        "close",
    ]
    assert (tmp_path / "b.pdf").read_bytes().startswith(b"/CreationDate (D:20240301000000")


def live_processes_in_group(group: int) -> list[int]:
    """Processes of process group `group` that have not exited (zombies left out)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


@pytest.mark.browser
@pytest.mark.skipif(BROWSER is None, reason="no Chromium browser found")
def test_closing_the_printer_ends_the_browser_and_every_helper_process(monkeypatch, tmp_path):
    import time

    from nenprofile.report import chromium

    pipes: list[chromium.DevToolsPipe] = []

    class RecordedPipe(chromium.DevToolsPipe):
        def __init__(self, executable: str, timeout_s: float) -> None:
            super().__init__(executable, timeout_s)
            pipes.append(self)

    monkeypatch.setattr(pdf_module, "DevToolsPipe", RecordedPipe)
    with pdf_printer("chromium") as printer:
        printer.write(page_html(), tmp_path / "r.pdf")
        group = pipes[0]._process.pid
        assert len(live_processes_in_group(group)) >= 3  # browser, zygote, renderer, ...
    profile = Path(pipes[0]._profile.name)
    if Path("/dev/shm").is_dir():  # memory-backed: deleting it waits for no disk syncs
        assert profile.parent == Path("/dev/shm")
    left = live_processes_in_group(group)
    for _ in range(100):  # killed processes may need a moment to be scheduled and exit
        if not left:
            break
        time.sleep(0.1)
        left = live_processes_in_group(group)
    assert left == []
    assert not profile.exists()
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF-")


def test_the_pdf_printer_loads_without_the_report_stack():
    """A report job launches its browser first and imports pandas, Jinja and the report
    modules while the browser starts; that needs report.pdf to load without them."""
    import sys

    probe = "import sys, nenprofile.report.pdf; print(sorted(m for m in ('pandas', 'jinja2', "
    probe += "'numpy', 'nenprofile.report.data') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"


def test_building_a_report_loads_no_interpretation_or_settings_stack():
    """A report job builds its first report while the browser starts, on the second core: the
    report modules need neither the interpretation modules (they pulled in ingest and the
    settings: 0.04 CPU-s, 0.2 while the settings loaded jsonschema) nor pandas."""
    import sys

    probe = "import sys, nenprofile.jobs.reports, nenprofile.report.data, nenprofile.report.html; "
    probe += "print(sorted(m for m in ('pandas', 'jsonschema', 'nenprofile.settings', "
    probe += "'nenprofile.interpret.biomarkers') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.strip() == "[]"


@pytest.mark.browser
@pytest.mark.skipif(BROWSER is None, reason="no Chromium browser found")
def test_chromium_prints_while_the_caller_works_each_pdf_to_its_own_file(tmp_path):
    """submit/collect (the browser prints one report while the next is built) writes each
    report's own PDF, byte for byte the PDF printed one at a time."""
    pages = {"a": page_html("2024-02-29"), "b": page_html("2024-03-01")}
    with pdf_printer("chromium") as printer:
        for name, html in pages.items():
            printer.write(html, tmp_path / f"{name}-one-at-a-time.pdf")
        printer.submit(pages["a"], tmp_path / "a.pdf")
        assert not (tmp_path / "a.pdf").exists()  # written when collected
        with pytest.raises(ChromiumError, match="a page is being printed"):
            printer.submit(pages["b"], tmp_path / "b.pdf")
        printer.collect()
        printer.submit(pages["b"], tmp_path / "b.pdf")
        printer.collect()
        printer.collect()  # nothing pending: nothing to do
    for name in pages:
        assert (tmp_path / f"{name}.pdf").read_bytes() == (
            tmp_path / f"{name}-one-at-a-time.pdf"
        ).read_bytes()
    assert (tmp_path / "a.pdf").read_bytes() != (tmp_path / "b.pdf").read_bytes()


@pytest.mark.browser
@pytest.mark.skipif(BROWSER is None, reason="no Chromium browser found")
def test_chromium_opens_no_browser_ui_page_beside_the_report(tmp_path):
    """Headless Chromium loaded its omnibox popup (a WebUI page in a renderer of its own)
    for every report it printed: a fifth of the CPU of a cohort report's PDF."""
    from nenprofile.report import chromium

    pipe = chromium.DevToolsPipe(BROWSER, 60)
    try:
        page = chromium.HeadlessPage(pipe)
        page.print_pdf(page_html())
        page.print_pdf(page_html("2024-03-01"))
        targets = pipe.call("Target.getTargets", filter=[{}])["targetInfos"]
        renderers = [
            pid
            for pid in live_processes_in_group(pipe._process.pid)
            if b"--type=renderer" in Path(f"/proc/{pid}/cmdline").read_bytes()
        ]
    finally:
        pipe.close()
    assert [t["url"] for t in targets if t["url"].startswith("chrome")] == []
    assert {t["type"] for t in targets} <= {"page", "tab"}
    assert len(renderers) == 1


def test_the_headless_shell_is_taken_before_the_full_browser(monkeypatch, tmp_path):
    """Chromium's headless shell starts in half the full browser's CPU: found first on PATH."""
    for name in ("chromium", "chromium-headless-shell", "google-chrome"):
        (tmp_path / name).write_text("#!/bin/sh\n")
        (tmp_path / name).chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert pdf_module.find_browser() == str(tmp_path / "chromium-headless-shell")
    (tmp_path / "chromium-headless-shell").unlink()
    assert pdf_module.find_browser() == str(tmp_path / "chromium")

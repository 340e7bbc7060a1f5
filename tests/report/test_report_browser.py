"""The reports in a real headless Chromium: no errors, no network, escaped text, screenshots."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from nenprofile.report import build_report_data, render_cohort_html, render_sample_html
from nenprofile.report.context import build_cohort_context

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DATA = Path(__file__).parents[1] / "data" / "report"
EVIL = "<script>alert(1)</script>\"x'"
FIXTURES = ("NEN01", "NEN02", "XSS01")


def fixture(name: str) -> dict:
    return json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[str, Path]:
    """A results/<cohort> folder: samples/<s>/<s>.report.html and cohort/cohort_report.html."""
    root = tmp_path_factory.mktemp("results")
    provenance = json.loads((DATA / "provenance.json").read_text(encoding="utf-8"))
    biomarkers = pd.read_csv(DATA / "cohort_biomarkers.tsv", sep="\t")
    markers = pd.read_csv(DATA / "cohort_markers.tsv", sep="\t")
    pages: dict[str, Path] = {}
    fixtures = {name: fixture(name) for name in FIXTURES}
    for name, f in fixtures.items():
        sample = f["sample_info"]["sample"]
        data = build_report_data(
            f["sample_info"],
            f["ingest"],
            f["alterations"],
            f["biomarkers"],
            f["therapies"],
            provenance,
            settings={"title": "NEN MTB", "institution": "Test Hospital"},
            cohort_context=build_cohort_context(biomarkers, markers),
        )
        # the hostile name holds a "/", so it cannot be a folder (the sheet forbids it anyway)
        folder_name = sample if sample == name else name
        folder = root / "samples" / folder_name
        folder.mkdir(parents=True)
        pages[name] = folder / f"{folder_name}.report.html"
        pages[name].write_text(render_sample_html(data), encoding="utf-8")
    alterations = pd.DataFrame([a for f in fixtures.values() for a in f["alterations"]])
    therapies = pd.DataFrame(
        [
            {"sample": f["sample_info"]["sample"], **t}
            for f in fixtures.values()
            for t in f["therapies"]
        ]
    )
    cohort = root / "cohort" / "cohort_report.html"
    cohort.parent.mkdir()
    cohort.write_text(
        render_cohort_html(
            alterations,
            biomarkers,
            therapies,
            [f["sample_info"] for f in fixtures.values()],
            provenance,
            {"title": "NEN MTB"},
            [{"sample": "NEN09", "error": "<script>alert(4)</script> bad VCF"}],
        ),
        encoding="utf-8",
    )
    pages["cohort"] = cohort
    return pages


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Any]:
    """Debian's Chromium; named apart from pytest-playwright's `browser` fixture."""
    if not CHROMIUM.exists():
        pytest.skip(f"headless Chromium not found at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


class Watched:
    """A page with listeners for console errors, page errors, requests and dialogs."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on(
            "console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path) -> Any:
        self.page.goto(path.as_uri(), wait_until="load")
        return self.page

    def assert_clean(self) -> None:
        assert self.console_errors == []
        assert self.page_errors == []
        assert self.dialogs == []
        assert self.requests, "the page itself should have been requested"
        assert all(url.startswith("file://") for url in self.requests), self.requests


@pytest.fixture
def watched(chromium_browser) -> Iterator[Watched]:
    page = Watched(chromium_browser)
    yield page
    page.page.close()


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


@pytest.mark.parametrize("name", FIXTURES)
def test_sample_report_renders_cleanly(name, results, watched, tmp_path):
    page = watched.open(results[name])
    for element_id in (
        "summary",
        "mtor",
        "dna-repair",
        "chromatin",
        "other-drivers",
        "biomarkers",
        "expression",
        "pattern",
        "standard-of-care",
        "therapies",
        "provenance",
        "disclaimer",
    ):
        assert page.locator(f"#{element_id}").count() == 1
        assert page.locator(f"#{element_id}").is_visible()
    assert page.locator("script").count() == 0
    shot = tmp_path / f"{name}.png"
    page.screenshot(path=str(shot), full_page=True)
    width, height = png_size(shot)
    assert width == 1280
    assert height > 1500
    assert shot.stat().st_size > 50_000
    watched.assert_clean()


def test_pancreatic_net_content(results, watched):
    page = watched.open(results["NEN01"])
    assert page.locator("#sample-name").inner_text() == "NEN01"
    assert "No reportable alteration." in page.locator("#dna-repair").inner_text()
    assert page.locator("#mtor tbody tr").count() == 1
    assert page.locator("#mtor tbody tr td").first.inner_text() == "TSC2"
    assert page.locator("#chromatin tbody tr td:first-child").all_inner_texts() == ["DAXX", "MEN1"]
    assert page.locator("#pattern-call").inner_text() == "NET-G3-like"
    assert page.locator("#pdl1-source").inner_text() == "IHC TPS (value 0)"
    watched.assert_clean()


def test_summary_order_and_plots(results, watched):
    page = watched.open(results["NEN02"])
    items = page.locator("#summary li strong.therapy").all_inner_texts()
    assert items == [
        "Dostarlimab",
        "Pembrolizumab",
        "Pembrolizumab",
        "Dabrafenib + trametinib",
        "Capivasertib",
    ]
    plot = page.locator("#biomarkers svg.tmb-plot")
    box = plot.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 50
    assert page.locator("#biomarkers svg .cohort-bin").count() == 3
    assert page.locator("#expression svg .marker-bar").count() == 3
    link = page.locator('#therapies a[href="https://clinicaltrials.gov/study/NCT04429087"]')
    assert link.inner_text() == "NCT04429087"
    watched.assert_clean()


def test_hostile_sample_name_is_text(results, watched, tmp_path):
    page = watched.open(results["XSS01"])
    assert page.locator("#sample-name").inner_text() == EVIL
    assert page.title() == f"NEN MTB: {EVIL}"
    assert page.locator("img").count() == 0
    assert page.locator("#alerts").inner_text().count("onerror=alert(2)") == 1
    assert "C><script>alert(3)</script>" in page.locator("#other-drivers").inner_text()
    assert page.locator("#tumor-only").inner_text() == "yes ⚠"
    page.screenshot(path=str(tmp_path / "xss.png"), full_page=True)
    watched.assert_clean()


def test_cohort_report_renders_and_links_to_samples(results, watched, tmp_path):
    page = watched.open(results["cohort"])
    for element_id in (
        "samples",
        "oncoprint",
        "pathway-frequencies",
        "biomarker-distributions",
        "therapy-tiers",
        "failed-samples",
    ):
        assert page.locator(f"#{element_id}").is_visible()
    assert "<script>alert(4)</script> bad VCF" in page.locator("#failed-samples").inner_text()
    assert page.locator(".sample-link").all_inner_texts() == ["NEN01", "NEN02", EVIL]
    assert page.locator("#oncoprint table .stripe.vus").count() == 1
    # every sample is linked from the sample table and from its oncoprint column
    hrefs = page.locator("#oncoprint thead a").evaluate_all("els => els.map(e => e.href)")
    assert [h.rsplit("/", 1)[1] for h in hrefs[:2]] == ["NEN01.report.html", "NEN02.report.html"]
    assert len(hrefs) == 3
    page.screenshot(path=str(tmp_path / "cohort.png"), full_page=True)
    assert png_size(tmp_path / "cohort.png")[0] == 1280
    page.locator(".sample-link").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/samples/NEN01/NEN01.report.html")
    assert page.locator("#sample-name").inner_text() == "NEN01"
    watched.assert_clean()


def test_print_layout_produces_a_pdf(results, watched, tmp_path):
    page = watched.open(results["NEN02"])
    page.emulate_media(media="print")
    path = tmp_path / "print.pdf"
    page.pdf(path=str(path), format="A4", print_background=True)
    assert path.read_bytes().startswith(b"%PDF-")
    watched.assert_clean()


def visible_cells(page: Any, table: str, column: int) -> list[str]:
    return page.locator(f"#{table} tbody tr:not([hidden]) td:nth-child({column})").all_inner_texts()


def test_cohort_tables_sort_and_filter(results, watched):
    page = watched.open(results["cohort"])
    assert visible_cells(page, "samples-table", 1) == ["NEN01", "NEN02", EVIL]
    assert page.locator('form[data-table="samples-table"] .row-count').inner_text() == (
        "3 of 3 rows"
    )
    tmb = page.locator("#samples-table thead th:nth-child(4) button")
    tmb.click()  # ascending by number; the sample without TMB goes last
    assert visible_cells(page, "samples-table", 1) == ["NEN01", "NEN02", EVIL]
    assert page.locator("#samples-table thead th:nth-child(4)").get_attribute("aria-sort") == (
        "ascending"
    )
    tmb.click()
    assert visible_cells(page, "samples-table", 1)[:2] == ["NEN02", "NEN01"]
    page.locator("#samples-table thead th:nth-child(1) button").click()
    assert visible_cells(page, "samples-table", 1) == [EVIL, "NEN01", "NEN02"]

    differentiation = page.locator('form[data-table="samples-table"] select[data-column="2"]')
    differentiation.select_option("poor")
    assert visible_cells(page, "samples-table", 1) == ["NEN02"]
    assert page.locator('form[data-table="samples-table"] .row-count').inner_text() == (
        "1 of 3 rows"
    )
    differentiation.select_option("")
    assert len(visible_cells(page, "samples-table", 1)) == 3

    pathway = page.locator('form[data-table="alterations-table"] select[data-column="7"]')
    pathway.select_option("DNA repair")
    assert visible_cells(page, "alterations-table", 4) == ["MLH1", "ATM"]
    page.locator('form[data-table="alterations-table"] input[type=search]').fill("vus")
    assert visible_cells(page, "alterations-table", 4) == ["ATM"]

    tier = page.locator('form[data-table="therapies-table"] select[data-column="5"]')
    tier.select_option("I-A")
    assert sorted(visible_cells(page, "therapies-table", 4)) == [
        "Dostarlimab",
        "Pembrolizumab",
        "Pembrolizumab",
    ]
    site = page.locator('form[data-table="therapies-table"] select[data-column="1"]')
    site.select_option("pancreas")
    assert visible_cells(page, "therapies-table", 4) == []
    assert page.locator('form[data-table="therapies-table"] .row-count').inner_text() == (
        "0 of 8 rows"
    )
    watched.assert_clean()

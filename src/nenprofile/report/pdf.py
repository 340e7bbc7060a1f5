"""PDF rendering of the report HTML: headless Chromium or WeasyPrint (no JavaScript, no network).

`pdf_printer(engine)` opens one printer for a batch of reports. Chromium (driven over its
DevTools pipe, report.chromium) is started once and prints each report in about a quarter of
WeasyPrint's CPU time; WeasyPrint needs no browser. Engine "auto" takes Chromium when one can
be started, else WeasyPrint.

Determinism: WeasyPrint takes the PDF creation/modification dates only from the
`dcterms.created` / `dcterms.modified` meta tags (the templates set both to the run date)
and writes no /ID unless asked. Chromium stamps the wall-clock time and nothing else that
varies, so that stamp is overwritten, byte for byte, with the run date. Either way the same
HTML gives byte-identical PDFs.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Protocol

from nenprofile.errors import InputError
from nenprofile.io.outputs import atomic_write
from nenprofile.report.chromium import (
    ChromiumError,
    ChromiumStartError,
    DevToolsPipe,
    HeadlessPage,
    request_tab,
)

log = logging.getLogger("nenprofile")

PDF_ENGINES = ("auto", "chromium", "weasyprint")
# Chromium's headless shell first (Debian's chromium-headless-shell, chrome-headless-shell):
# the same Blink and Skia without the browser UI, so it starts in half the CPU (0.3 against 0.7
# CPU-s) and prints a report in 0.4-0.9 of the full browser's CPU
SYSTEM_BROWSERS = (
    "chromium-headless-shell",
    "chrome-headless-shell",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)
RUN_DATE = re.compile(r'<meta name="dcterms\.created" content="(\d{4})-(\d\d)-(\d\d)">')
# a loaded VM can take minutes over a long report; a hung browser still ends the job
PAGE_TIMEOUT_S = 600.0
# Skia's date stamp, e.g. /CreationDate (D:20261201235923+00'00')
CHROMIUM_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[+-]\d\d'\d\d'\)")


class PdfPrinter(Protocol):
    @property
    def engine(self) -> str:
        """The engine printing: "chromium" or "weasyprint"."""

    def write(self, html: str, path: str | Path) -> None:
        """Print `html` to `path` and wait for it."""

    def submit(self, html: str, path: str | Path) -> None:
        """Start printing `html` to `path`; `collect` waits for it and writes the file. One
        PDF at a time: collect it before the next submit."""

    def collect(self) -> None:
        """Write the PDF `submit` started, waiting for it (nothing when none was)."""


def _offline_fetcher() -> object:
    """A URL fetcher that refuses every load: reports are self-contained by contract.

    Current WeasyPrint takes a URLFetcher with allowed protocols; older releases take a
    function. Refused resources are logged by WeasyPrint and left out of the PDF.
    """
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # older WeasyPrint: plain function fetchers

        def refuse(url: str, *args: object, **kwargs: object) -> dict:
            raise ValueError(f"nenprofile reports load no external resources: {url}")

        return refuse
    return URLFetcher(allowed_protocols=())


def render_pdf_bytes(html: str) -> bytes:
    """The PDF of `html` by WeasyPrint."""
    from weasyprint import HTML  # imported lazily: WeasyPrint start-up costs ~0.3 s

    # its per-step progress lines (a dozen per report) would fill the batch logs
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

    return HTML(string=html, url_fetcher=_offline_fetcher()).write_pdf()


def write_bytes(path: str | Path, payload: bytes) -> None:
    """`payload` written atomically; through io.outputs, not report.values, so this module
    loads without pandas and a report job launches its browser before importing that."""
    with atomic_write(path, "wb") as out:
        out.write(payload)


class WeasyPrinter:
    """Prints in this process: `submit` writes the PDF at once."""

    engine = "weasyprint"

    def write(self, html: str, path: str | Path) -> None:
        write_bytes(path, render_pdf_bytes(html))

    def submit(self, html: str, path: str | Path) -> None:
        self.write(html, path)

    def collect(self) -> None:
        pass


def run_date_stamp(html: str) -> bytes:
    """The report's run date as a PDF date of Chromium's fixed width (D:YYYYMMDDhhmmss+00'00')."""
    match = RUN_DATE.search(html)
    if match is None:
        raise ValueError("the report HTML has no dcterms.created run date to date its PDF by")
    return ("D:{}{}{}000000+00'00'".format(*match.groups())).encode("ascii")


def stamp_run_date(pdf: bytes, stamp: bytes) -> bytes:
    """Chromium's wall-clock creation/modification dates replaced by `stamp`. The stamp has
    the same length, so the cross-reference offsets stay valid."""

    def replace(match: re.Match[bytes]) -> bytes:
        return b"/" + match.group(1) + b" (" + stamp + b")"

    stamped, count = CHROMIUM_DATE.subn(replace, pdf)
    if count != 2:
        raise ValueError(f"expected Chromium's two PDF date stamps, found {count}")
    return stamped


def playwright_browsers() -> list[Path]:
    """Chromium builds Playwright installed (`playwright install chromium`), newest first."""
    root = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache/ms-playwright")
    found = (p for p in root.glob("chromium-*/chrome-linux*/chrome") if p.is_file())
    return sorted(found, key=lambda p: p.parts[-3], reverse=True)


def find_browser() -> str | None:
    """A Chromium executable: one on PATH, else Playwright's own."""
    on_path = next(filter(None, map(shutil.which, SYSTEM_BROWSERS)), None)
    return on_path or next(map(str, playwright_browsers()), None)


class ChromiumPrinter:
    """One headless Chromium printing every report it is given (A4, CSS page size). Launched
    at once, awaited only when the first page is printed: the caller reads and builds its
    first report while the browser starts. Between `submit` and `collect` the browser prints
    while the caller builds the next report. With `fall_back` (engine "auto"), a browser that
    does not start is replaced by WeasyPrint, with a warning in the log."""

    def __init__(self, pipe: DevToolsPipe, *, fall_back: bool = False) -> None:
        self._pipe = pipe
        self._page: HeadlessPage | None = None
        try:
            self._tab: int | None = request_tab(pipe)
        except ChromiumError:  # gone already: awaiting the browser says why
            self._tab = None
        self._fall_back = fall_back
        self._replaced_by: PdfPrinter | None = None
        self._pending: tuple[str | Path, bytes] | None = None  # path and run date stamp

    @property
    def engine(self) -> str:
        replacement = self._started()
        return "chromium" if replacement is None else replacement.engine

    def _started(self) -> PdfPrinter | None:
        """Await the browser's first answer once: None when it started, else the printer
        replacing it; a browser that does not start without a fallback raises."""
        if self._page is None and self._replaced_by is None:
            try:
                self._page = HeadlessPage(self._pipe, self._tab)
            except ChromiumError as error:
                if not self._fall_back:
                    raise ChromiumStartError(str(error)) from error
                self._replaced_by = weasyprint_instead(error)
        return self._replaced_by

    def write(self, html: str, path: str | Path) -> None:
        self.submit(html, path)
        self.collect()

    def submit(self, html: str, path: str | Path) -> None:
        if (replacement := self._started()) is not None:
            replacement.submit(html, path)
            return
        assert self._page is not None
        stamp = run_date_stamp(html)
        self._page.start_printing(html)
        self._pending = (path, stamp)

    def collect(self) -> None:
        if self._replaced_by is not None:
            self._replaced_by.collect()
        if self._pending is None:
            return
        assert self._page is not None
        (path, stamp), self._pending = self._pending, None
        write_bytes(path, stamp_run_date(self._page.printed(), stamp))


@contextmanager
def chromium_printer(
    browser: str | None = None, *, fall_back: bool = False
) -> Iterator[ChromiumPrinter]:
    """A launched Chromium (`browser`, else find_browser's), closed on exit; it is awaited at
    the first print (ChromiumPrinter), so the caller's own start-up overlaps the browser's."""
    executable = browser or find_browser()
    if executable is None:
        raise InputError(
            "no Chromium browser found to print the PDF reports with",
            path="config report.pdf_engine",
            fix="install Debian's chromium (or Playwright's: playwright install chromium), set "
            "report.pdf_browser to a Chromium or Chrome executable, or set report.pdf_engine "
            "to weasyprint",
        )
    pipe = DevToolsPipe(executable, PAGE_TIMEOUT_S)
    try:
        yield ChromiumPrinter(pipe, fall_back=fall_back)
    finally:
        pipe.close()


@contextmanager
def pdf_printer(engine: str, browser: str | None = None) -> Iterator[PdfPrinter]:
    """A printer for a batch of reports. "auto" falls back to WeasyPrint, with a warning in
    the log, when Chromium cannot be found or started; "chromium" raises then (a browser
    that exits before its first answer: ChromiumStartError at the first print)."""
    if engine not in PDF_ENGINES:
        raise InputError(
            f"unknown PDF engine {engine!r}",
            path="config report.pdf_engine",
            fix=f"use one of {', '.join(PDF_ENGINES)}",
        )
    with ExitStack() as stack:
        printer: PdfPrinter = WeasyPrinter()
        if engine != "weasyprint":
            try:
                printer = stack.enter_context(chromium_printer(browser, fall_back=engine == "auto"))
            except Exception as error:
                if engine == "chromium":
                    raise
                printer = weasyprint_instead(error)
        yield printer


def weasyprint_instead(error: Exception) -> WeasyPrinter:
    """The printer of engine "auto" when Chromium cannot be found or started, said in the log."""
    log.warning("PDF reports by WeasyPrint: Chromium could not be started (%s)", error)
    return WeasyPrinter()


def write_pdf(html: str, path: str | Path, engine: str) -> None:
    """Render one report's `html` and write the PDF atomically (a batch: use pdf_printer)."""
    with pdf_printer(engine) as printer:
        printer.write(html, path)

"""PDF rendering of the report HTML with WeasyPrint (no JavaScript, no network).

Determinism: WeasyPrint takes the PDF creation/modification dates only from the
`dcterms.created` / `dcterms.modified` meta tags (the templates set both to the run date)
and writes no /ID unless asked, so the same HTML gives byte-identical PDFs.
"""

from __future__ import annotations

import logging
from pathlib import Path

from nenprofile.report.data import atomic_write_bytes


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
    from weasyprint import HTML  # imported lazily: WeasyPrint start-up costs ~0.3 s

    # its per-step progress lines (a dozen per report) would fill the batch logs
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

    return HTML(string=html, url_fetcher=_offline_fetcher()).write_pdf()


def write_pdf(html: str, path: str | Path) -> None:
    """Render `html` with WeasyPrint and write the PDF atomically."""
    atomic_write_bytes(path, render_pdf_bytes(html))

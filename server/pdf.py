"""The cahier as a PDF file, made on the server with WeasyPrint (councils are sent files).

The cahier's HTML is one self-contained page that already prints to A4 (inline CSS, images as
``data:`` URLs, no script): the PDF is that page printed. WeasyPrint would fetch whatever an
``src`` or a stylesheet names — a file of this machine, an address of its network — so its URL
fetcher here refuses every URL but ``data:`` ones: a participant's text can make it fetch
nothing. Rendering takes seconds for a big cahier and holds the GIL: callers run it off the
event loop (``starlette.concurrency.run_in_threadpool``) and cache the bytes.
"""

from __future__ import annotations

import logging
from typing import Any

from weasyprint import HTML
from weasyprint.urls import URLFetcher

__all__ = ["CahierFetcher", "cahier_pdf"]

# WeasyPrint warns about each resource refused, and about CSS it does not support: its own
# business, not an operator's.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


class CahierFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """Fetches ``data:`` URLs and nothing else (no file, no network)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.lower().startswith("data:"):
            raise ValueError("the cahier fetches no URL but data: ones")
        return super().fetch(url, headers)


def cahier_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML page (A4 as its print styles say)."""
    pdf: bytes = HTML(string=html, base_url=None, url_fetcher=CahierFetcher()).write_pdf()
    return pdf

"""The cahier as a PDF file, made on the server with WeasyPrint (councils are sent files).

The cahier's HTML is one self-contained page that already prints to A4 (inline CSS, images as
``data:`` URLs, no script): the PDF is that page printed. WeasyPrint would fetch whatever an
``src`` or a stylesheet names — a file of this machine, an address of its network — so its URL
fetcher here refuses every URL but ``data:`` ones: a participant's text can make it fetch
nothing.

Printing the demo's cahier takes about 3 s of CPU, mostly Python holding the GIL: in a thread of
the server it would slow every live session's event loop meanwhile. The server therefore prints
in a process of its own (``print_apart``: ``python -m server.pdf``, the HTML on its standard
input, the PDF on its standard output), and keeps the bytes (``server.archives``).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any, Final

from weasyprint import HTML
from weasyprint.urls import URLFetcher

__all__ = ["CahierFetcher", "PdfError", "cahier_pdf", "print_apart"]

PRINT_TIMEOUT_S: Final = 120.0  # a cahier is printed in seconds; past this, something is wrong

# WeasyPrint warns about each resource refused, and about CSS it does not support: its own
# business, not an operator's.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


class PdfError(RuntimeError):
    """The printing process failed or took too long."""


class CahierFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """Fetches ``data:`` URLs and nothing else (no file, no network)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if not url.lower().startswith("data:"):
            raise ValueError("the cahier fetches no URL but data: ones")
        return super().fetch(url, headers)


def cahier_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML page (A4 as its print styles say), in this process."""
    pdf: bytes = HTML(string=html, base_url=None, url_fetcher=CahierFetcher()).write_pdf()
    return pdf


async def print_apart(html: str, *, timeout: float = PRINT_TIMEOUT_S) -> bytes:
    """``cahier_pdf`` in a process of its own; ``PdfError`` if it fails or takes too long."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "server.pdf",
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(html.encode()), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise PdfError(f"no PDF after {timeout:.0f} s") from None
    if process.returncode != 0 or not out.startswith(b"%PDF-"):
        raise PdfError(err.decode(errors="replace")[-1000:] or f"exit {process.returncode}")
    return out


def main() -> None:
    """``python -m server.pdf``: HTML on standard input, its PDF on standard output."""
    html = sys.stdin.buffer.read().decode()
    sys.stdout.buffer.write(cahier_pdf(html))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()

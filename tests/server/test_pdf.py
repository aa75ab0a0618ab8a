"""The PDF cahier (``server.pdf``): the page printed as it is, and no URL fetched but ``data:``;
printed in a process of its own, given up past its time.

A stylesheet on this machine (``file:``) would add a word to the page if WeasyPrint read it; a
``data:`` stylesheet adds another. The PDF's text (pypdf) has the second, not the first."""

from __future__ import annotations

import asyncio
import base64
import io
from pathlib import Path

import pypdf
import pytest

from server.pdf import PdfError, cahier_pdf, print_apart


def text_of(pdf: bytes) -> str:
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_pdf_prints_the_page_and_fetches_no_file(tmp_path: Path) -> None:
    local = tmp_path / "secret.css"
    local.write_text('h1::after { content: " LU-SUR-LE-DISQUE"; }')
    inline = base64.b64encode(b'p::after { content: " STYLE-DATA"; }').decode()
    html = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        f'<link rel="stylesheet" href="{local.as_uri()}">'
        f'<link rel="stylesheet" href="data:text/css;base64,{inline}">'
        "<title>Cahier</title></head><body>"
        "<h1>Cahier de préconisations — Été à Saint-Denis</h1>"
        f'<img src="{local.as_uri()}" alt=""><img src="http://127.0.0.1:9/x.png" alt="">'
        "<p>Ça\u00a0? Œuvre «\u00a0élue\u00a0»</p></body></html>"
    )
    pdf = cahier_pdf(html)
    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    assert "Cahier de préconisations — Été à Saint-Denis" in text
    assert "Œuvre" in text
    assert "élue" in text
    assert "STYLE-DATA" in text  # a data: URL is read
    assert "LU-SUR-LE-DISQUE" not in text  # a file: URL is not


def test_the_server_prints_in_a_process_of_its_own() -> None:
    html = "<!doctype html><html lang=fr><title>C</title><h1>Cahier « élu·es »</h1></html>"
    pdf = asyncio.run(print_apart(html))
    assert "Cahier « élu·es »" in text_of(pdf)
    assert text_of(pdf) == text_of(cahier_pdf(html))


def test_a_printing_that_takes_too_long_is_given_up() -> None:
    long = "<p>" + "Très longue page. " * 20_000 + "</p>"
    with pytest.raises(PdfError, match="no PDF after"):
        asyncio.run(print_apart(long, timeout=0.05))

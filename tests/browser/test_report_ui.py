"""The cahier de préconisations as people read it: in a browser, and printed to PDF.

The HTML report of the demo archive (``replays/demo-metrokawa-120.report.html``, which
``tests/session_engine/test_report.py`` keeps equal to what ``metrokawa report --format html``
writes) opened in Chromium: screenshots for the artifacts, an axe-core scan, and a print to A4
that gives a real multi-page document with every section.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from .conftest import ARTIFACTS, DESKTOP, PHONE, ROOT, axe_violations, screenshot

REPORT = ROOT / "replays" / "demo-metrokawa-120.report.html"


def test_the_report_reads_in_a_browser_and_passes_an_axe_scan(open_context: Any) -> None:
    for viewport, name in ((DESKTOP, "report"), (PHONE, "report-phone")):
        page = open_context(viewport).new_page()
        page.goto(REPORT.as_uri())
        expect(page.locator("h1")).to_have_count(1)
        expect(page.locator("html")).to_have_attribute("lang", "fr")
        expect(page.locator("svg title").first).to_be_attached()  # charts say what they show
        screenshot(page, name)
        assert axe_violations(page) == []


def test_the_report_prints_to_a4_pages(open_context: Any) -> None:
    page = open_context(DESKTOP).new_page()
    page.goto(REPORT.as_uri())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=str(ARTIFACTS / "report.pdf"), format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))  # page objects, not the /Pages tree
    assert pdf.startswith(b"%PDF")
    assert pages >= 5, f"{pages} pages: the cahier of 120 people should span several"

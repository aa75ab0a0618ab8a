"""A Pol.is conversation, imported with ``metrokawa import --format polis``, in the replay viewer.

The fixture of ``tests/session_engine/data/polis-night-bus`` becomes a ``.mkawa`` log; the
viewer opens it from the device, scrubs to the end, and shows the final opinions with the same
local statements as the cahier (one territory: nothing can be shared across territories).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from server.cli import main
from session_engine import read_log
from session_engine.report import build_report

from ..server.live import LiveServer
from .conftest import DESKTOP, ROOT, axe_violations, screenshot

FIXTURE = ROOT / "tests" / "session_engine" / "data" / "polis-night-bus"


def test_an_imported_pol_is_conversation_replays_in_the_browser(
    server: LiveServer, open_context: Any, tmp_path: Path
) -> None:
    log = tmp_path / "nuit.mkawa"
    assert main(["import", "--format", "polis", str(FIXTURE), "-o", str(log)]) == 0
    header, envelopes = read_log(log.read_bytes())
    local = [s for s in build_report(header, envelopes).scopes if s.scope == "local"]
    assert local

    page = open_context(DESKTOP).new_page()
    page.goto(f"{server.url}/r")
    page.get_by_label("Choisir un fichier .mkawa").set_input_files(str(log))
    expect(page.get_by_test_id("replay-title")).to_have_text("Getting around at night")
    page.get_by_test_id("replay-seek").fill(str(len(envelopes)))
    expect(page.get_by_test_id("replay-position")).to_have_attribute(
        "data-seq", str(len(envelopes))
    )
    expect(page.get_by_test_id("stat-participants")).to_have_attribute("data-count", "31")
    statements = page.get_by_test_id("replay-statements")
    expect(statements).to_contain_text("Ask the young people what they need")
    final = page.get_by_test_id("final-opinions")
    expect(final).to_be_visible()
    expect(final.get_by_test_id("final-shared")).to_have_attribute("data-count", "0")
    expect(final.get_by_test_id("final-local")).to_have_attribute("data-count", str(len(local)))
    screenshot(page, "replay-polis-end")
    assert axe_violations(page) == []

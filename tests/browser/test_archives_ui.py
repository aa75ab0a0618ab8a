"""The public archive in the browser: an anonymous visitor on a phone finds a published session in
/archives by searching its statements, opens its page, replays it (/r/a/{id}: the published log,
fetched without any token), and the list, the page and the replay have no serious or critical
axe violation and no sideways scroll at 360 px.

The demo log (``replays/demo-metrokawa-120.mkawa``) is stored as a session in the server's
database and published from this process, as the programme pages do in the server's.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import expect

from server.archives import ArchiveMeta, SqlArchives, publish_session_from
from server.store import SessionRecord, SqlStore
from session_engine import encode_envelope, read_log, replay
from session_engine.events import ParticipantJoined, PositionTaken

from ..server.live import LiveServer
from .conftest import PHONE, ROOT, axe_violations, run_beside, screenshot

DEMO = ROOT / "replays" / "demo-metrokawa-120.mkawa"
DEMO_TITLE = "Métrokawa du Grand Paris : du quartier à la métropole"


async def _publish_demo(db: Path) -> str:
    store = SqlStore(f"sqlite:///{db}")
    try:
        header, envelopes = read_log(DEMO.read_bytes())
        record = SessionRecord(
            id="demo-session",
            code="DEMO42",
            title=header.title,
            created_at=header.created_at,
            facilitator_hash=hashlib.sha256(b"demo").hexdigest(),
        )
        await store.create_session(record)
        await store.append("demo-session", 0, [encode_envelope(e) for e in envelopes], [], [])
        meta = ArchiveMeta(
            title="Métrokawa métropolitain",
            programme="Du quartier à la métropole",
            territories=("Franc-Moisin",),
            communes=("Saint-Denis",),
            date="2026-06-20",
            themes=("Mobilités",),
        )
        return await publish_session_from(store, SqlArchives(store.engine), "demo-session", meta)
    finally:
        await store.close()


def _no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways at 360 px ({width} px)"


def test_a_visitor_finds_an_archive_and_replays_it(server: LiveServer, open_context: Any) -> None:
    archive = run_beside(_publish_demo(server.db_path))
    page = open_context(PHONE).new_page()
    page.goto(f"{server.url}/archives")
    expect(page.get_by_role("heading", level=1)).to_have_text("Archives publiques")
    assert axe_violations(page) == []
    _no_sideways_scroll(page)

    page.get_by_label("Rechercher dans les énoncés").fill("rer est sature")  # no accent needed
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("status")).to_contain_text("1\u00a0archive trouvée")
    screenshot(page, "archives-list-phone")
    page.get_by_role("link", name="Métrokawa métropolitain").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Métrokawa métropolitain")
    assert axe_violations(page) == []
    _no_sideways_scroll(page)
    screenshot(page, "archive-page-phone")

    pdf = page.get_by_role("link", name="Cahier de préconisations (PDF)").get_attribute("href")
    assert pdf == f"/archives/{archive}/cahier.pdf"
    csv = httpx.get(f"{server.url}/archives/{archive}/polis/votes.csv", timeout=30)
    assert csv.status_code == 200
    assert csv.text.startswith("timestamp,datetime,comment-id,voter-id,vote")

    page.get_by_role("link", name="Rejouer la séance").click()
    expect(page).to_have_url(f"{server.url}/r/a/{archive}")
    expect(page.get_by_test_id("replay-title")).to_have_text(DEMO_TITLE)
    expect(page.get_by_test_id("replay-source")).to_contain_text(archive)
    expect(page.get_by_test_id("replay-footer")).to_contain_text("archives publiques")
    _no_sideways_scroll(page)
    assert axe_violations(page) == []

    # The served log names nobody's positions (aliases no join names): the replay plays it to
    # its end and holds every one of them, as the engine's replay of the same file does.
    served = httpx.get(f"{server.url}/archives/{archive}/journal.mkawa", timeout=30)
    _, envelopes = read_log(served.content)
    joined = {e.event.participant for e in envelopes if isinstance(e.event, ParticipantJoined)}
    voters = {e.event.participant for e in envelopes if isinstance(e.event, PositionTaken)}
    assert voters
    assert not voters & joined
    page.get_by_test_id("replay-end").click()
    expect(page.get_by_test_id("final-opinions")).to_be_visible()
    positions = str(len(replay(envelopes).positions))
    expect(page.get_by_test_id("stat-positions")).to_have_attribute("data-count", positions)


def test_an_unknown_archive_says_so_in_the_replay(server: LiveServer, open_context: Any) -> None:
    page = open_context(PHONE).new_page()
    page.goto(f"{server.url}/r/a/aNoSuchArchive")
    expect(page.get_by_test_id("replay-error")).to_contain_text("archive est introuvable")

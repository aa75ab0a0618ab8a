"""The replay viewer (/r and /r/{session}#token=…): a log opened in the browser, scrubbed, played.

(1) The demo archive opened from the device through the file input: the header's title shown,
three points of the timeline (after seating, during round 2, the end) each screenshotted and
checked, play at ×60 moves forward, and no serious or critical axe violation.
(2) A short session driven over the wire, then replayed from the server with the facilitator's
token (which leaves the address bar), to its end.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from ..server.live import LiveServer
from ..server.scenario import Room, acked, closing_every_socket
from .conftest import DESKTOP, PHONE, ROOT, axe_violations, run_beside, screenshot

DEMO = ROOT / "replays" / "demo-metrokawa-120.mkawa"
DEMO_TITLE = "Métrokawa du Grand Paris : du quartier à la métropole"
AFTER_SEATING = 111  # TablesSeated is 110, round 1 starts at 111
IN_ROUND_2 = 2100  # round 2 runs from 1494 to 2733
END = 4242


def seek(page: Any, seq: int) -> None:
    page.get_by_test_id("replay-seek").fill(str(seq))
    expect(page.get_by_test_id("replay-position")).to_have_attribute("data-seq", str(seq))


def open_demo(page: Any, url: str) -> None:
    page.goto(f"{url}/r")
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoir une séance")
    page.get_by_label("Choisir un fichier .mkawa").set_input_files(str(DEMO))
    expect(page.get_by_test_id("replay-title")).to_have_text(DEMO_TITLE)
    expect(page.get_by_test_id("replay-events")).to_contain_text("4")
    expect(page.get_by_test_id("replay-source")).to_contain_text(Path(DEMO).name)


def test_the_demo_archive_replays_in_the_browser(server: LiveServer, open_context: Any) -> None:
    page = open_context(DESKTOP).new_page()
    open_demo(page, server.url)
    assert page.locator("h1").count() == 1
    seek_bar = page.get_by_label("Position dans la séance")
    expect(seek_bar).to_have_attribute("max", str(END))

    # Early: the 108 people there seated at 18 tables, round 1 just started (12 more arrive late).
    seek(page, AFTER_SEATING)
    expect(page.get_by_test_id("replay-round")).to_have_attribute("data-round", "1")
    expect(page.get_by_test_id("replay-tables")).to_have_attribute("data-count", "18")
    expect(page.get_by_test_id("stat-participants")).to_have_attribute("data-count", "108")
    tables = page.get_by_test_id("replay-tables")
    expect(tables.locator("li[data-table]")).to_have_count(18)
    expect(tables.locator("[data-host='true']")).to_have_count(18)
    expect(page.get_by_test_id("replay-prompt")).to_contain_text("Quels problèmes vivez-vous")
    expect(page.get_by_test_id("final-pending")).to_be_visible()
    screenshot(page, "replay-early")

    # Middle: round 2 running, statements published with their positions per territory.
    seek(page, IN_ROUND_2)
    expect(page.get_by_test_id("replay-round")).to_have_attribute("data-round", "2")
    expect(page.get_by_test_id("replay-prompt")).to_contain_text("existent-ils ailleurs")
    statements = page.get_by_test_id("replay-statements")
    expect(statements).to_contain_text("Le RER est saturé")
    focus = page.get_by_test_id("replay-focus")
    expect(focus.locator("[role='img'].mk-posbar").first).to_be_visible()
    focus.get_by_text("Voir en tableau").click()  # the figures, as a real table
    expect(focus.locator("table")).to_be_visible()
    published = int(page.get_by_test_id("stat-statements").get_attribute("data-count") or 0)
    assert published > 10
    screenshot(page, "replay-middle")

    # Keyboard: one step back with the arrow key, then one forward with the button.
    seek_bar.focus()
    position = page.get_by_test_id("replay-position")
    page.keyboard.press("ArrowLeft")
    expect(position).to_have_attribute("data-seq", str(IN_ROUND_2 - 1))
    page.get_by_test_id("replay-forward").click()
    expect(position).to_have_attribute("data-seq", str(IN_ROUND_2))

    # End: the session closed, the final opinions with the majority-judgment ranking.
    seek(page, END)
    final = page.get_by_test_id("final-opinions")
    expect(final).to_be_visible()
    ranking = final.get_by_test_id("final-ranking")
    first = ranking.locator("li[data-rank='1']")
    expect(first).to_have_attribute("data-proposal-id", "pr4")
    expect(first).to_contain_text("Mieux éclairer les passages")
    expect(final.get_by_test_id("final-shared")).to_have_attribute("data-count", "37")
    expect(final.get_by_test_id("final-local")).to_have_attribute("data-count", "16")
    expect(final).to_contain_text("Même règle que le cahier de préconisations")
    screenshot(page, "replay-end")
    assert axe_violations(page) == []

    # Play at ×60 from the middle for a moment: the position moves forward; pause says where.
    seek(page, IN_ROUND_2)
    page.get_by_test_id("replay-speed").select_option("60")
    page.get_by_test_id("replay-play").click()
    expect(page.get_by_test_id("replay-play")).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(  # playing: the position moves forward by itself
        "(from) => +document.querySelector('[data-testid=replay-position]').dataset.seq > from + 5",
        arg=IN_ROUND_2,
    )
    page.get_by_test_id("replay-play").click()
    expect(page.get_by_test_id("replay-play")).to_have_attribute("aria-pressed", "false")
    moved = int(page.get_by_test_id("replay-position").get_attribute("data-seq") or 0)
    assert moved > IN_ROUND_2
    expect(page.get_by_test_id("live-region")).to_contain_text("Pause")
    assert axe_violations(page) == []


def test_a_phone_opens_the_demo_and_a_bad_file_is_refused(
    server: LiveServer, open_context: Any, tmp_path: Path
) -> None:
    page = open_context(PHONE).new_page()
    page.goto(f"{server.url}/r")
    bad = tmp_path / "notes.mkawa"
    bad.write_bytes(b"ceci n'est pas un journal")
    page.get_by_label("Choisir un fichier .mkawa").set_input_files(str(bad))
    expect(page.get_by_test_id("replay-error")).to_contain_text("pas un journal de séance")
    assert axe_violations(page) == []
    page.get_by_label("Choisir un fichier .mkawa").set_input_files(str(DEMO))
    expect(page.get_by_test_id("replay-title")).to_have_text(DEMO_TITLE)
    seek(page, IN_ROUND_2)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways at 360 px ({width} px)"
    screenshot(page, "replay-phone")
    assert axe_violations(page) == []


def test_a_session_is_replayed_from_the_server_with_the_token(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)

    async def session() -> None:
        facilitator = await room.facilitator()
        amina = await room.join("Amina", territory="t1", consent=True)
        bruno = await room.join("Bruno", territory="t2")
        acked(await facilitator.command("SeatTables"))
        acked(await facilitator.command("StartRound"))
        text = "Il manque des bancs au square."
        acked(await amina.client.command("ProposeStatement", {"text": text}))
        acked(await facilitator.command("PublishStatement", {"statement": "s1"}))
        acked(await amina.client.command("TakePosition", {"statement": "s1", "value": 2}))
        acked(await bruno.client.command("TakePosition", {"statement": "s1", "value": -1}))

    run_beside(closing_every_socket(session()))

    page = open_context(DESKTOP).new_page()
    page.goto(f"{server.url}/r/{room.id}#token={room.token}")
    expect(page.get_by_test_id("replay-title")).to_have_text("Métrokawa de test")
    assert "token" not in page.url
    end = int(page.get_by_test_id("replay-seek").get_attribute("max") or 0)
    assert end >= 8
    seek(page, end)
    expect(page.get_by_test_id("replay-tables")).to_have_attribute("data-count", "1")
    tables = page.get_by_test_id("replay-tables")
    expect(tables).to_contain_text("Amina")
    expect(tables).not_to_contain_text("Bruno")  # no consent: pseudonymised in the export
    expect(tables).to_contain_text("Participant·e")
    expect(tables.locator("[data-host='true']")).to_have_count(1)
    statement = page.get_by_test_id("replay-statements").locator("li[data-statement-id='s1']")
    expect(statement).to_have_attribute("data-status", "published")
    expect(statement).to_contain_text("Il manque des bancs au square.")
    expect(page.get_by_test_id("stat-positions")).to_have_attribute("data-count", "2")
    expect(page.get_by_test_id("final-opinions")).to_be_visible()
    screenshot(page, "replay-server")

    # Without the token, the page says what is needed instead of failing silently.
    other = open_context(DESKTOP).new_page()
    other.goto(f"{server.url}/r/{room.id}")
    expect(other.get_by_test_id("replay-error")).to_contain_text("lien d’animation")

"""Notes (annotations) reach the console, per statement and per table, and the replay viewer
(issue 14 §4): their text always, their author by pseudonym only with consent (else
« Participant·e N », as the export names them). axe-core finds no violation in either view, at
360 px and on a desktop, in French and in English."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from ..server.live import LiveServer
from ..server.scenario import Room, acked, closing_every_socket, event_of
from .conftest import DESKTOP, PHONE, axe_violations, run_beside, screenshot
from .test_a11y_screens import ALL_IMPACTS, console_ready, in_english
from .test_replay_ui import seek

ON_STATEMENT = "Surtout le soir, rue Polonceau."
ON_TABLE = "Notre table parle surtout des bus de nuit."


def a_session_with_notes(server: LiveServer) -> Room:
    """Amina (consenting) notes a statement; Bruno (not consenting) notes his table."""
    room = Room.create(server)

    async def session() -> None:
        facilitator = await room.facilitator()
        amina = await room.join("Amina", territory="t1", consent=True)
        bruno = await room.join("Bruno Secret", territory="t2")
        seated = await event_of(bruno.client, acked(await facilitator.command("SeatTables")))
        table = next(t["table"] for t in seated["data"]["tables"] if bruno.id in t["members"])
        acked(await facilitator.command("StartRound"))
        acked(await amina.client.command("ProposeStatement", {"text": "Les rues sont sombres."}))
        acked(await facilitator.command("PublishStatement", {"statement": "s1"}))
        note = {"text": ON_STATEMENT, "statement": "s1", "place": "rue Polonceau"}
        acked(await amina.client.command("Annotate", note))
        acked(await bruno.client.command("Annotate", {"text": ON_TABLE, "table": table}))

    run_beside(closing_every_socket(session()))
    return room


def test_notes_reach_the_console_and_the_replay_pseudonymised(
    server: LiveServer, open_context: Any
) -> None:
    room = a_session_with_notes(server)
    console = open_context(DESKTOP).new_page()
    console.goto(f"{room.url}/f/{room.id}#token={room.token}")
    console_ready(console)
    notes = console.get_by_test_id("notes-section")
    expect(notes).to_contain_text("2 notes écrites.")
    on_statement = notes.locator("[data-notes-statement=s1]")
    expect(on_statement).to_contain_text("Les rues sont sombres.")
    expect(on_statement).to_contain_text(ON_STATEMENT)
    expect(on_statement).to_contain_text("Amina · tour 1 · lieu\u00a0: rue Polonceau")
    on_table = notes.locator("[data-notes-table]")
    expect(on_table).to_contain_text(ON_TABLE)
    expect(on_table).to_contain_text("Participant·e 2 · tour 1")
    expect(notes).not_to_contain_text("Bruno")
    screenshot(console, "console-notes")

    replay = open_context(DESKTOP).new_page()
    replay.goto(f"{room.url}/r/{room.id}#token={room.token}")
    end = int(replay.get_by_test_id("replay-seek").get_attribute("max") or 0)
    seek(replay, end)
    shown = replay.get_by_test_id("replay-notes")
    expect(shown).to_have_attribute("data-count", "2")
    expect(shown.locator("[data-notes-statement=s1]")).to_contain_text(ON_STATEMENT)
    expect(shown.locator("[data-notes-statement=s1]")).to_contain_text("Amina · tour 1")
    expect(shown.locator("[data-notes-table]")).to_contain_text(ON_TABLE)
    expect(shown.locator("[data-notes-table]")).to_contain_text("Participant·e 2 · tour 1")
    expect(shown).not_to_contain_text("Bruno")
    seek(replay, end - 1)  # one step back: the table's note is not written yet
    expect(shown).to_have_attribute("data-count", "1")


def test_the_notes_views_pass_axe_at_every_impact(server: LiveServer, open_context: Any) -> None:
    room = a_session_with_notes(server)
    found: dict[str, list[str]] = {}
    for viewport in (PHONE, DESKTOP):
        for lang in ("fr", "en"):
            context = open_context(viewport)
            if lang == "en":
                in_english(context)
            page = context.new_page()
            page.goto(f"{room.url}/f/{room.id}#token={room.token}")
            console_ready(page)
            expect(page.get_by_test_id("notes-section")).to_contain_text(ON_TABLE)
            found[f"console notes, {lang}, {viewport['width']} px"] = axe_violations(
                page, impacts=ALL_IMPACTS
            )
            page.goto(f"{room.url}/r/{room.id}#token={room.token}")
            end = int(page.get_by_test_id("replay-seek").get_attribute("max") or 0)
            seek(page, end)
            expect(page.get_by_test_id("replay-notes")).to_contain_text(ON_TABLE)
            found[f"replay notes, {lang}, {viewport['width']} px"] = axe_violations(
                page, impacts=ALL_IMPACTS
            )
            context.close()
    assert {key: problems for key, problems in found.items() if problems} == {}

"""A participant whose Wi-Fi drops: what they do offline is kept, sent once, and shown.

The browser context goes offline (Chromium's network emulation: ``navigator.onLine`` false, the
``offline`` event, the socket silenced); the resident takes positions; the tablet shows them at
once, marked as waiting to be sent; the network comes back; the server has each position
exactly once, and the tablet shows them as sent.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from session_engine import read_log
from session_engine.events import ParticipantJoined, PositionTaken

from ..server.live import LiveServer
from ..server.scenario import Room, acked, closing_every_socket
from .conftest import PHONE, run_beside, screenshot
from .test_session_ui import join

STATEMENTS = ("Plus de bancs au square.", "Un marché le samedi.", "Des toilettes publiques.")
VALUES = ("2", "-1", "pass")


def a_running_round_with_statements(room: Room) -> None:
    """Over the wire, as the console and another tablet would: seat, start, three statements."""

    async def steer() -> None:
        facilitator = await room.facilitator()
        other = await room.join("Éric", territory="t2")
        acked(await facilitator.command("SeatTables"))
        acked(await facilitator.command("StartRound"))
        for n, text in enumerate(STATEMENTS, start=1):
            acked(await other.client.command("ProposeStatement", {"text": text}))
            acked(await facilitator.command("PublishStatement", {"statement": f"s{n}"}))

    run_beside(closing_every_socket(steer()))


def test_positions_taken_offline_are_sent_once_when_the_network_returns(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    context = open_context(PHONE)
    resident = join(context.new_page(), server.url, room.code, "Dounia", "habitant", territory=0)
    a_running_round_with_statements(room)
    page = resident.page
    for text in STATEMENTS:
        expect(page.get_by_test_id("statement-list")).to_contain_text(text)

    context.set_offline(True)
    expect(page.get_by_test_id("connection")).to_have_attribute("data-status", "offline")
    for text, value in zip(STATEMENTS, VALUES, strict=True):
        item = page.get_by_test_id("statement-list").locator("li", has_text=text)
        scale = item.locator("[data-testid^='position-']")
        scale.locator(f"button[data-value='{value}']").click()
        expect(scale).to_have_attribute("data-value", value)  # shown at once
        expect(scale).to_have_attribute("data-pending", "true")  # and said to be waiting
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "3")
    screenshot(page, "participant-offline")

    context.set_offline(False)
    expect(page.get_by_test_id("connection")).to_have_attribute("data-status", "online")
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "0")
    for text, value in zip(STATEMENTS, VALUES, strict=True):
        scale = page.get_by_test_id("statement-list").locator("li", has_text=text)
        scale = scale.locator("[data-testid^='position-']")
        expect(scale).to_have_attribute("data-value", value)
        expect(scale).to_have_attribute("data-pending", "false")
    screenshot(page, "participant-back-online")

    _, envelopes = read_log(room.log())
    dounia = next(e.event.participant for e in envelopes if isinstance(e.event, ParticipantJoined))
    taken = [
        (e.event.statement, e.event.value)
        for e in envelopes
        if isinstance(e.event, PositionTaken) and e.event.participant == dounia
    ]
    assert taken == [("s1", 2), ("s2", -1), ("s3", None)]

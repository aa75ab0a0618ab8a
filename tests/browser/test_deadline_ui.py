"""A phone offline past the round's deadline (issue 11, item 10).

The round lasts 61 s, the shortest the engine allows plus one, so that the tablet, open before
the round starts, crosses « one minute left » a second in. Then the phone loses the network;
its owner takes a position, writes a statement and a note: all wait in the outbox. The deadline
passes on the phone's own clock (it hears nothing from the server): it says « Temps écoulé »,
never « En cours » at 0:00, and closes writing, saying why. The network comes back; the server
refuses the queued commands as late; the phone shows each as not sent, with its text, and still
does after a reload. The log holds none of them.

The one wait on time itself is the deadline: 61 s from the start, with 20 s of tolerance for a
loaded two-core machine.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from session_engine import read_log
from session_engine.events import AnnotationAdded, PositionTaken, StatementProposed

from ..server.live import LiveServer
from .conftest import PHONE, screenshot
from .tablet import START, a_running_round, open_tablet, over_the_wire, said

ROUND_S = 61
TOLERANCE_S = 20
STATEMENT = "Publié avant la coupure."
LATE = "Écrit hors ligne, envoyé trop tard."
NOTE = "Une note écrite hors ligne."


def test_a_phone_offline_past_the_deadline_closes_writing_and_keeps_what_was_not_sent(
    server: LiveServer, open_context: Any
) -> None:
    table = a_running_round(server, minutes=ROUND_S / 60, start=False)
    room, me = table.room, table.guest
    context = open_context(PHONE)
    page = open_tablet(context, room, me)
    over_the_wire(
        room,
        [
            START,
            (table.host, "ProposeStatement", {"text": STATEMENT}),
            (None, "PublishStatement", {"statement": "s1"}),
        ],
    )
    expect(page.get_by_test_id("statement-list")).to_contain_text(STATEMENT)
    page.wait_for_function("() => window.__said.some(t => t.includes('Plus qu’une minute'))")

    context.set_offline(True)
    expect(page.get_by_test_id("connection")).to_have_attribute("data-status", "offline")
    scale = page.get_by_test_id("position-s1")
    scale.locator("button[data-value='1']").click()
    expect(scale).to_have_attribute("data-pending", "true")
    page.get_by_role("textbox", name="Votre énoncé").fill(LATE)
    page.get_by_role("button", name="Envoyer l’énoncé").click()
    page.get_by_role("button", name="Ajouter une note pour ma table").click()
    page.get_by_role("textbox", name="Votre note").fill(NOTE)
    page.get_by_role("button", name="Envoyer la note").click()
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "3")

    # The deadline passes on the phone's clock, with no word from the server.
    status = page.get_by_test_id("round-status")
    expect(status).to_have_attribute(
        "data-status", "time_up", timeout=(ROUND_S + TOLERANCE_S) * 1000
    )
    expect(status).to_have_text("Temps écoulé")
    expect(page.get_by_test_id("time-up")).to_contain_text(
        "Le temps du tour est écoulé\u00a0: on ne peut plus envoyer d’énoncé, d’avis ni de note."
    )
    expect(page.get_by_role("button", name="Envoyer l’énoncé")).to_have_attribute(
        "aria-disabled", "true"
    )
    expect(scale.locator("button[data-value='2']")).to_be_disabled()
    page.wait_for_function("() => window.__said.some(t => t.includes('Le temps est écoulé.'))")
    screenshot(page, "deadline-offline")

    # Back online: the server refuses the three as late; the phone keeps what they said.
    context.set_offline(False)
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "0")
    mine = page.get_by_test_id("my-statements").locator("li[data-unsent='true']")
    expect(mine).to_contain_text(LATE)
    expect(mine).to_contain_text("Non envoyé. Il est arrivé après la fin du temps du tour.")
    unsent = page.get_by_test_id("position-unsent")
    expect(unsent).to_have_text(
        "Votre avis «\u00a0Plutôt d’accord\u00a0» n’est pas enregistré."
        " Il est arrivé après la fin du temps du tour."
    )
    expect(scale).to_have_attribute("data-value", "")  # not shown as taken
    expect(page.get_by_test_id("notes-unsent")).to_contain_text(NOTE)
    screenshot(page, "deadline-back-online")

    page.reload()
    expect(page.get_by_test_id("my-statements")).to_contain_text(LATE)
    expect(page.get_by_test_id("position-unsent")).to_be_visible()
    expect(page.get_by_test_id("notes-unsent")).to_contain_text(NOTE)
    mine = page.get_by_test_id("my-statements").locator("li[data-unsent='true']")
    mine.get_by_role("button", name="J’ai compris").click()
    expect(mine).to_have_count(0)

    _, envelopes = read_log(room.log())
    from_me = [
        e.event
        for e in envelopes
        if isinstance(e.event, PositionTaken | StatementProposed | AnnotationAdded)
        and e.actor == me.id
    ]
    assert from_me == []
    assert said(page) == []  # a fresh page: nothing said that was not new

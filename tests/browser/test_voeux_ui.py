"""From an adopted proposal to a vœu, through the screens: the consent round.

Over the wire (as the console and another tablet would), a round runs, a statement is published
and promoted, a vote adopts it with « Très bien ». Then, in the browsers: the facilitator opens
a consent round from the closed vote in the console; a resident raises an objection on her
phone; the console cannot adopt while it is pending; the facilitator amends the wording, which
every screen shows; the facilitator adopts the vœu with an outcome statement; the resident's
tablet and the projector show the vœu. The exported log holds what the screens said.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from session_engine import read_log
from session_engine.events import ConsentOpened, ObjectionRaised, ObjectionResolved, VoeuAdopted

from ..server.live import LiveServer
from ..server.scenario import Room, acked, closing_every_socket
from .conftest import DESKTOP, PHONE, PROJECTOR, axe_violations, run_beside, screenshot
from .test_session_ui import join

PROPOSAL = "Des bancs au square Léon."
OBJECTION = "Sans ombre, les bancs restent vides l’été : il faut des arbres."
AMENDED = "Des bancs à l’ombre d’arbres au square Léon."
OUTCOME = "La salle demande des bancs ombragés ; une seule objection, levée par l’amendement."


def an_adopted_proposal(room: Room) -> None:
    """Over the wire: seat, start, a statement published and promoted, a vote that adopts it."""

    async def steer() -> None:
        facilitator = await room.facilitator()
        other = await room.join("Éric", territory="t2")
        acked(await facilitator.command("SeatTables"))
        acked(await facilitator.command("StartRound"))
        acked(await other.client.command("ProposeStatement", {"text": PROPOSAL}))
        acked(await facilitator.command("PublishStatement", {"statement": "s1"}))
        acked(await facilitator.command("EndRound"))
        acked(await facilitator.command("PromoteProposal", {"statement": "s1"}))
        acked(await facilitator.command("OpenVote", {"proposals": ["pr1"]}))
        acked(await other.client.command("CastBallot", {"vote": "v1", "grades": {"pr1": 5}}))
        acked(await facilitator.command("CloseVote", {"vote": "v1"}))

    run_beside(closing_every_socket(steer()))


def button(page: Any, name: str) -> Any:
    found = page.get_by_role("button", name=name, exact=True)
    expect(found).to_be_enabled()
    return found


def test_a_consent_round_from_the_console_to_a_voeu(server: LiveServer, open_context: Any) -> None:
    room = Room.create(server)
    scans: dict[str, list[str]] = {}
    resident = join(open_context(PHONE).new_page(), server.url, room.code, "Dounia", "habitant", 0)
    tablet = resident.page
    an_adopted_proposal(room)

    console = open_context(DESKTOP).new_page()
    console.goto(f"{server.url}/f/{room.id}#token={room.token}")
    expect(console.get_by_test_id("connection")).to_have_attribute("data-status", "online")
    projector = open_context(PROJECTOR).new_page()
    projector.goto(f"{server.url}/p/{room.id}")
    expect(projector.get_by_test_id("projector-qr")).to_be_visible()

    # --- the facilitator opens the round on the adopted proposal ---------------------------
    adopted = console.get_by_test_id("adopted-v1")
    expect(adopted).to_contain_text(PROPOSAL)
    expect(adopted).to_contain_text("Très bien")
    button(adopted, "Ouvrir un tour de consentement").click()
    card = console.get_by_test_id("consent-card")
    expect(card.get_by_test_id("consent-wording")).to_contain_text(PROPOSAL)
    expect(adopted.get_by_role("button", name="Ouvrir un tour de consentement")).to_be_disabled()
    expect(tablet.get_by_test_id("consent-wording")).to_have_text(PROPOSAL)
    expect(projector.get_by_test_id("consent-wording")).to_contain_text(PROPOSAL)

    # --- a resident raises an objection on her phone ---------------------------------------
    tablet.get_by_label("Votre objection et ses raisons").fill(OBJECTION)
    tablet.get_by_role("button", name="Envoyer mon objection").click()
    mine = tablet.get_by_test_id("objection-list").locator("li", has_text=OBJECTION)
    expect(mine).to_have_attribute("data-status", "pending")
    expect(mine).to_contain_text("Votre objection")
    expect(tablet.get_by_label("Votre objection et ses raisons")).to_have_value("")
    pending = card.get_by_test_id("objection-list").locator("li", has_text=OBJECTION)
    expect(pending).to_have_attribute("data-status", "pending")
    expect(pending).to_contain_text("Dounia")  # the facilitator knows who; the room does not
    counts = projector.get_by_test_id("objection-counts")
    expect(counts.locator("[data-kind='pending']")).to_have_attribute("data-count", "1")
    expect(projector.get_by_test_id("projector-consent")).not_to_contain_text("Dounia")

    # No vœu while an objection waits, whatever the outcome statement says.
    card.get_by_label("Relevé de conclusions du vœu").fill(OUTCOME)
    adopt = card.get_by_role("button", name="Adopter le vœu", exact=True)
    expect(adopt).to_be_disabled()
    expect(card).to_contain_text("1 objection attend une réponse")
    console.locator("#voeux").scroll_into_view_if_needed()
    screenshot(console, "voeux-console-round-open")
    screenshot(tablet, "voeux-participant-round-open")
    screenshot(projector, "voeux-projector-round-open")
    scans["console, round open"] = axe_violations(console)
    scans["participant, round open"] = axe_violations(tablet)
    scans["projector, round open"] = axe_violations(projector)

    # --- the facilitator amends the wording ------------------------------------------------
    button(pending, "Modifier la formulation").click()
    wording = pending.get_by_label("Nouvelle formulation")
    expect(wording).to_have_value(PROPOSAL)  # prefilled with the current wording
    wording.fill(AMENDED)
    button(pending, "Enregistrer la formulation").click()
    expect(pending).to_have_attribute("data-status", "amended")
    expect(card.get_by_test_id("consent-wording")).to_contain_text(AMENDED)
    expect(tablet.get_by_test_id("consent-wording")).to_have_text(AMENDED)
    expect(tablet.get_by_test_id("consent-changed")).to_be_visible()
    expect(mine).to_have_attribute("data-status", "amended")
    expect(projector.get_by_test_id("consent-wording")).to_contain_text(AMENDED)
    expect(counts.locator("[data-kind='resolved']")).to_have_attribute("data-count", "1")
    expect(counts.locator("[data-kind='pending']")).to_have_attribute("data-count", "0")

    # --- the facilitator adopts the vœu ----------------------------------------------------
    button(card, "Adopter le vœu").click()
    expect(console.get_by_test_id("consent-card")).to_have_count(0)
    voeux = console.get_by_test_id("voeux-list")
    expect(voeux).to_contain_text(AMENDED)
    expect(voeux).to_contain_text(OUTCOME)
    expect(adopted.get_by_role("button", name="Ouvrir un tour de consentement")).to_be_disabled()
    expect(adopted).to_contain_text("Déjà un vœu.")

    shown = tablet.get_by_test_id("voeux")
    expect(shown).to_contain_text(AMENDED)
    expect(shown).to_contain_text(OUTCOME)
    expect(tablet.get_by_test_id("consent-card")).to_have_count(0)
    expect(tablet.get_by_test_id("live-region")).to_contain_text(re.compile("Vœu adopté"))
    on_screen = projector.get_by_test_id("projector-voeu")
    expect(on_screen).to_contain_text(AMENDED)
    expect(on_screen).to_contain_text(OUTCOME)

    console.locator("#voeux").scroll_into_view_if_needed()
    screenshot(console, "voeux-console")
    screenshot(tablet, "voeux-participant")
    screenshot(projector, "voeux-projector")
    scans["console, vœu adopted"] = axe_violations(console)
    scans["participant, vœu adopted"] = axe_violations(tablet)
    scans["projector, vœu adopted"] = axe_violations(projector)
    assert scans == {name: [] for name in scans}

    # --- the log holds what the screens said ------------------------------------------------
    _, envelopes = read_log(room.log())
    events = [e.event for e in envelopes]
    opened = [e for e in events if isinstance(e, ConsentOpened)]
    raised = [e for e in events if isinstance(e, ObjectionRaised)]
    resolved = [e for e in events if isinstance(e, ObjectionResolved)]
    adopted_voeux = [e for e in events if isinstance(e, VoeuAdopted)]
    assert [(e.proposal, e.text) for e in opened] == [("pr1", PROPOSAL)]
    assert [e.text for e in raised] == [OBJECTION]
    assert [(e.resolution, e.wording) for e in resolved] == [("amended", AMENDED)]
    assert [(e.text, e.outcome) for e in adopted_voeux] == [(AMENDED, OUTCOME)]

"""People without a phone, in the browser (issue 14 §2, "Done when"): a table's shared tablet used
by three members without phones — two added from the console, one who joins on the tablet itself
— each taking their position and then casting a ballot, handing the tablet on by tapping the next
name, with nothing of the previous member's choice left on screen; the tablet revoked from the
console is cut off. A stack of paper ballots entered in the console's Votes section counts in the
results. The table tablet's page passes axe-core at every impact at 360 px and on a 10" tablet
(1280×800).
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from session_engine.events import (
    BallotCast,
    PaperBallotsEntered,
    ParticipantJoined,
    PositionTaken,
    ResultsShown,
)

from ..server.live import LiveServer
from ..server.scenario import Room
from .conftest import DESKTOP, PHONE, axe_violations, screenshot
from .tablet import a_running_round, open_tablet
from .test_a11y_screens import ALL_IMPACTS, console_ready
from .wire import PROPOSALS, people, statements, steer

TEN_INCH = {"width": 1280, "height": 800}


def open_console(context: Any, room: Room) -> Any:
    page = context.new_page()
    page.goto(f"{room.url}/f/{room.id}#token={room.token}")
    console_ready(page)
    return page


def add_without_phone(console: Any, name: str) -> None:
    """The People section's form: pseudonym, territory, role, table 1."""
    form = console.get_by_test_id("nophone-add-form")
    form.locator("#nophone-add-pseudonym").fill(name)
    form.locator("#nophone-add-territory").select_option("t1")
    form.locator("#nophone-add-role").select_option("habitant")
    form.get_by_test_id("nophone-add-submit").click()
    expect(console.get_by_test_id("console-status")).to_contain_text(f"{name} ajouté·e")


def give_tablet(console: Any) -> str:
    console.get_by_test_id("give-tablet-1").click()
    link = console.get_by_test_id("tablet-link")
    expect(link).to_be_focused()  # shown once, read out at once
    value: str = link.input_value()
    return value


def take_turn(tablet: Any, name: str) -> None:
    """``name`` taps their name on the list."""
    tablet.get_by_test_id("tablet-members").get_by_role("button", name=name).click()
    expect(tablet.get_by_test_id("tablet-member")).to_contain_text(f"Bonjour {name}")


def test_three_members_without_phones_share_their_table_tablet(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server, table_size=6)
    awa, _ = people(room, "Awa", "Bruno")
    steer(room, ("SeatTables", {}), ("StartRound", {}))
    statements(room, awa, PROPOSALS[:1])
    steer(room, ("PublishStatement", {"statement": "s1"}))
    console = open_console(open_context(DESKTOP), room)
    add_without_phone(console, "Odette")
    add_without_phone(console, "Marcel")
    link = give_tablet(console)
    assert link.startswith(f"{room.url}/t/{room.code}/1#token=")

    tablet = open_context(TEN_INCH).new_page()
    tablet.goto(link)
    names = tablet.get_by_test_id("tablet-members")
    expect(names).to_contain_text("Odette")
    expect(names).to_contain_text("Marcel")
    # Paulette is not on the list: she joins the table on the tablet.
    tablet.get_by_test_id("tablet-not-listed").click()
    tablet.locator("#tt-join-pseudonym").fill("Paulette")
    tablet.locator("#tt-join-territory").select_option("t2")
    tablet.locator("#tt-join-role").select_option("habitant")
    tablet.get_by_test_id("tt-join-submit").click()
    expect(names).to_contain_text("Paulette")
    screenshot(tablet, "table-tablet-list")

    # Each takes their position, then hands the tablet on: the scale is blank for the next one.
    for name, value in (("Odette", "2"), ("Paulette", "-1"), ("Marcel", "pass")):
        take_turn(tablet, name)
        scale = tablet.get_by_test_id("position-s1")
        expect(scale).to_have_attribute("data-value", "")  # nothing of the previous member's
        scale.locator(f"button[data-value='{value}']").click()
        expect(scale).to_have_attribute("data-pending", "false")  # the ack came back
        expect(scale).to_have_attribute("data-value", value)
        if name == "Odette":
            screenshot(tablet, "table-tablet-position")
        tablet.get_by_test_id("tablet-done").click()
        expect(names).to_be_visible()
        expect(tablet.get_by_test_id("position-s1")).to_have_count(0)

    # A vote: each casts their ballot on the tablet, and is back at the list once it is in.
    steer(
        room,
        ("PromoteProposal", {"statement": "s1"}),
        ("OpenVote", {"proposals": ["pr1"]}),
    )
    for name, grade in (("Odette", 5), ("Paulette", 4), ("Marcel", 2)):
        take_turn(tablet, name)
        ballot = tablet.get_by_test_id("tablet-ballot")
        expect(ballot.locator("input:checked")).to_have_count(0)
        ballot.locator(f"#tt-grade-pr1-{grade}").check()
        tablet.get_by_test_id("tablet-ballot-send").click()
        expect(names).to_be_visible()

    stored = room.stored()
    joined = [e.event for e in stored if isinstance(e.event, ParticipantJoined)]
    assert {j.pseudonym: j.added_by for j in joined if j.added_by} == {
        "Odette": "facilitator",
        "Marcel": "facilitator",
        "Paulette": "tb1",
    }
    pseudonym = {j.participant: j.pseudonym for j in joined}
    positions = [e.event for e in stored if isinstance(e.event, PositionTaken)]
    recorded = {(p.participant, p.value, p.recorded_by) for p in positions if p.recorded_by}
    by_name = {pseudonym[p]: (v, r) for p, v, r in recorded}
    assert by_name == {"Odette": (2, "tb1"), "Paulette": (-1, "tb1"), "Marcel": (None, "tb1")}
    cast = [e.event for e in stored if isinstance(e.event, BallotCast)]
    assert sorted((pseudonym[b.participant], b.grades["pr1"], b.recorded_by) for b in cast) == [
        ("Marcel", 2, "tb1"),
        ("Odette", 5, "tb1"),
        ("Paulette", 4, "tb1"),
    ]

    # Revoked from the console, the tablet is cut off.
    console.get_by_test_id("revoke-tb1").click()
    expect(tablet.get_by_test_id("tablet-cut")).to_contain_text("retiré")


def test_a_paper_ballot_stack_entered_in_the_console_counts_in_the_results(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server, table_size=6)
    awa, bruno = people(room, "Awa", "Bruno")
    steer(room, ("SeatTables", {}), ("StartRound", {}))
    statements(room, awa, PROPOSALS[:1])
    steer(
        room,
        ("PublishStatement", {"statement": "s1"}),
        ("PromoteProposal", {"statement": "s1"}),
        ("OpenVote", {"proposals": ["pr1"]}),
    )
    console = open_console(open_context(DESKTOP), room)
    form = console.get_by_test_id("paper-v1")
    form.locator("#paper-v1-0-pr1").select_option("6")
    form.locator("#paper-v1-0-count").fill("3")
    form.get_by_test_id("paper-v1-add").click()
    form.locator("#paper-v1-1-pr1").select_option("1")
    form.locator("#paper-v1-1-count").fill("2")
    form.locator("#paper-v1-note").fill("Urne papier de l’accueil")
    form.get_by_test_id("paper-v1-submit").click()
    expect(console.get_by_test_id("console-status")).to_contain_text("5 bulletins papier saisis")
    expect(console.get_by_test_id("paper-v1-count")).to_contain_text("dont 5 bulletins papier")
    screenshot(console, "console-paper-ballots")
    found = {"console, paper ballots": axe_violations(console, impacts=ALL_IMPACTS)}

    vote = console.locator("[data-vote-id=v1]")
    vote.get_by_role("button", name="Fermer le vote").click()
    vote.get_by_role("button", name="Projeter le résultat").click()
    expect(vote.locator(".mk-gradebar").first).to_be_visible()
    expect(vote.get_by_test_id("ballots-v1")).to_contain_text("dont 5 bulletins papier")
    stored = room.stored()
    (entered,) = [e.event for e in stored if isinstance(e.event, PaperBallotsEntered)]
    assert (len(entered.ballots), entered.note) == (5, "Urne papier de l’accueil")
    (shown,) = [e.event for e in stored if isinstance(e.event, ResultsShown)]
    assert shown.profiles["pr1"] == (0, 2, 0, 0, 0, 0, 3)  # five judges, all on paper
    assert found == {"console, paper ballots": []}
    del bruno


def test_the_table_tablet_page_passes_axe_at_360_px_and_on_a_ten_inch_tablet(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server, table_size=6)
    awa, _ = people(room, "Awa", "Bruno")
    steer(room, ("SeatTables", {}), ("StartRound", {}))
    statements(room, awa, PROPOSALS[:1])
    steer(room, ("PublishStatement", {"statement": "s1"}))
    console = open_console(open_context(DESKTOP), room)
    add_without_phone(console, "Odette")
    link = give_tablet(console)
    found: dict[str, list[str]] = {}
    for viewport in (PHONE, TEN_INCH):
        for lang in ("fr", "en"):
            context = open_context(viewport)
            if lang == "en":
                context.add_init_script("localStorage.setItem('metrokawa:lang', 'en')")
            tablet = context.new_page()
            tablet.goto(link)
            expect(tablet.get_by_test_id("tablet-members")).to_contain_text("Odette")
            where = f"{lang}, {viewport['width']} px"
            found[f"list, {where}"] = axe_violations(tablet, impacts=ALL_IMPACTS)
            tablet.get_by_test_id("tablet-members").get_by_role("button", name="Odette").click()
            expect(tablet.get_by_test_id("position-s1")).to_be_visible()
            found[f"a member's turn, {where}"] = axe_violations(tablet, impacts=ALL_IMPACTS)
            tablet.get_by_test_id("tablet-done").click()
            tablet.get_by_test_id("tablet-not-listed").click()
            tablet.get_by_test_id("tt-join-submit").click()  # the error of an empty form
            expect(tablet.get_by_test_id("tt-join-error")).to_be_visible()
            found[f"joining, {where}"] = axe_violations(tablet, impacts=ALL_IMPACTS)
            width = tablet.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"scrolls sideways at {where}"
    assert found == {key: [] for key in found}


def test_the_host_records_a_position_for_a_member_from_their_own_phone(
    server: LiveServer, open_context: Any
) -> None:
    table = a_running_round(server)
    room = table.room
    statements(room, table.guest, PROPOSALS[:1])
    steer(room, ("PublishStatement", {"statement": "s1"}))
    console = open_console(open_context(DESKTOP), room)
    add_without_phone(console, "Odette")
    host = open_tablet(open_context(PHONE), room, table.host)
    card = host.get_by_test_id("for-member")
    card.locator("#for-member-who").select_option(label="Odette")
    scale = card.get_by_test_id("position-for-s1")
    expect(scale).to_have_attribute("data-value", "")
    scale.locator("button[data-value='1']").click()
    expect(scale).to_have_attribute("data-value", "1")  # the ack came back
    card.locator("#for-member-who").select_option(label=table.guest.pseudonym)
    expect(card.get_by_test_id("position-for-s1")).to_have_attribute("data-value", "")
    found = {"host's card": axe_violations(host, impacts=ALL_IMPACTS)}
    card.get_by_test_id("host-give-tablet").click()
    expect(card.get_by_test_id("host-tablet-link")).to_have_value(
        re.compile(rf"/t/{room.code}/\d+#token=.{{43}}")
    )
    positions = [e.event for e in room.stored() if isinstance(e.event, PositionTaken)]
    assert [(p.value, p.recorded_by) for p in positions] == [(1, table.host.id)]
    assert found == {"host's card": []}

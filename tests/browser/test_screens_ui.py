"""The facilitator's and the room's screens say what happened, in words people use (issue 11).

* the projector gives its big space to the newest moment — results, a consent round, a vœu —
  whichever happened last, also after results stayed on show (item 2);
* counts are real plurals (« 1 personne inscrite », « 2 personnes inscrites »), never « (s) »
  (item 8);
* votes, vœux and statements are named by numbers people can say and by their texts, never by
  the log's ids (« Vote 1 », not « Vote v1 ») (item 13);
* the round's clock stays in view while the facilitator moderates, on a phone and a laptop
  (item 14);
* the replay viewer says where its log came from, and writes « énoncé masqué » for a statement
  the facilitator hid, never its text (item 15).
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from session_engine.events import StatementHidden, StatementProposed

from ..server.live import LiveServer
from ..server.scenario import Room
from .conftest import DESKTOP, PHONE, PROJECTOR, ROOT, screenshot
from .tablet import open_tablet
from .wire import HIDDEN, PROPOSALS, a_closed_vote, people, statements, steer

# An id of the log (s1, pr2, v1, vx1, o3, c1, p12) standing alone in a sentence.
LOG_ID = re.compile(r"(?<![\w-])(?:s|pr|v|vx|o|c|p)\d+(?![\w-])")
OUTCOME = "La salle demande des bancs à l’ombre."


def open_console(open_context: Any, room: Room, viewport: dict[str, int] = DESKTOP) -> Any:
    page = open_context(viewport).new_page()
    page.goto(f"{room.url}/f/{room.id}#token={room.token}")
    expect(page.get_by_test_id("connection")).to_have_attribute("data-status", "online")
    return page


def open_projector(open_context: Any, room: Room) -> Any:
    page = open_context(PROJECTOR).new_page()
    page.goto(f"{room.url}/p/{room.id}")
    expect(page.get_by_test_id("projector-qr")).to_be_visible()
    return page


def on_the_wall(projector: Any) -> str:
    """Which moment has the projector's big space: results, consent, vœu, or none."""
    shown = {
        "results": projector.get_by_test_id("results").count(),
        "consent": projector.get_by_test_id("projector-consent").count(),
        "voeu": projector.get_by_test_id("projector-voeu").count(),
    }
    assert sum(shown.values()) <= 1, f"two moments share the wall: {shown}"
    return next((kind for kind, n in shown.items() if n), "none")


def wall_becomes(projector: Any, kind: str) -> None:
    testid = {"results": "results", "consent": "projector-consent", "voeu": "projector-voeu"}
    expect(projector.get_by_test_id(testid[kind])).to_be_visible()
    assert on_the_wall(projector) == kind


def test_the_newest_moment_has_the_projector_s_big_space(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    projector = open_projector(open_context, room)
    a_closed_vote(room)

    steer(room, ("ShowResults", {"vote": "v1"}))
    wall_becomes(projector, "results")
    steer(room, ("OpenConsent", {"proposal": "pr1"}))
    wall_becomes(projector, "consent")
    # The vote's results are still on show (nobody hid them): the vœu, newer, wins the wall.
    steer(room, ("AdoptVoeu", {"consent": "c1", "outcome": OUTCOME}))
    wall_becomes(projector, "voeu")
    expect(projector.get_by_test_id("projector-voeu")).to_contain_text(PROPOSALS[0])
    screenshot(projector, "projector-voeu-over-results")

    # A projector opened now (a snapshot: no history) shows the vœu too.
    late = open_projector(open_context, room)
    wall_becomes(late, "voeu")

    # Results put on show after the vœu are newer; hidden, the vœu comes back.
    steer(room, ("ShowResults", {"statement": "s2"}))
    wall_becomes(projector, "results")
    expect(projector.get_by_test_id("results")).to_contain_text(PROPOSALS[1])
    steer(room, ("HideResults", {}))
    wall_becomes(projector, "voeu")
    # A second consent round, newer than the vœu, takes its place.
    steer(room, ("OpenConsent", {"proposal": "pr2"}))
    wall_becomes(projector, "consent")
    expect(projector.get_by_test_id("consent-wording")).to_contain_text(PROPOSALS[1])


def test_counts_are_real_plurals_on_the_console_and_the_projector(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    console = open_console(open_context, room)
    joined = console.locator("#participants")
    (awa,) = people(room, "Awa")
    expect(joined).to_contain_text("1 personne inscrite.")
    people(room, "Bruno")
    expect(joined).to_contain_text("2 personnes inscrites.")
    steer(room, ("SeatTables", {}), ("StartRound", {}))
    statements(room, awa, ["Un premier énoncé."])
    queue = console.locator("#moderation")
    expect(queue).to_contain_text("1 énoncé en attente.")
    statements(room, awa, ["Un deuxième énoncé."])
    expect(queue).to_contain_text("2 énoncés en attente.")
    body = console.locator("main").inner_text()
    assert "(s)" not in body, "a count in words with « (s) »"

    console.get_by_role("button", name="English").click()
    expect(joined).to_contain_text("2 people joined.")
    expect(queue).to_contain_text("2 statements waiting")


def test_the_screens_name_votes_voeux_and_statements_without_log_ids(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    awa = a_closed_vote(room)[0]
    steer(
        room,
        ("ShowResults", {"vote": "v1"}),
        ("OpenConsent", {"proposal": "pr1"}),
        ("AdoptVoeu", {"consent": "c1", "outcome": OUTCOME}),
        ("OpenConsent", {"proposal": "pr2"}),
    )
    console = open_console(open_context, room)
    votes = console.locator("#votes")
    expect(votes.get_by_role("heading", name=re.compile(r"^Vote 1 —"))).to_be_visible()
    expect(console.get_by_test_id("voeux-list")).to_contain_text("Vœu 1")
    expect(console.get_by_test_id("consent-card")).to_contain_text("adoptée au vote 1")
    expect(console.locator("#statements")).to_contain_text("résultat du vote 1")
    # The merge list names published statements by their text.
    steer(room, ("StartRound", {}))
    statements(room, awa, ["Une idée à fusionner."])
    merge = console.get_by_test_id("moderation-queue").locator("select")
    expect(merge.locator("option")).to_have_count(3)  # « choisir » and the two published
    options = merge.locator("option").all_inner_texts()
    assert options[1:] == list(PROPOSALS), options
    text = console.locator("main").inner_text()
    assert not LOG_ID.findall(text), f"log ids on the console: {LOG_ID.findall(text)}"
    # The wall and a resident's tablet, with the vote's results, the vœu and a consent round open.
    projector = open_context(PROJECTOR).new_page()
    projector.goto(f"{room.url}/p/{room.id}")
    expect(projector.get_by_test_id("projector-consent")).to_be_visible()
    text = projector.locator("main").inner_text()
    assert not LOG_ID.findall(text), f"log ids on the projector: {LOG_ID.findall(text)}"
    tablet = open_tablet(open_context(PHONE), room, awa)
    expect(tablet.get_by_test_id("consent-card")).to_be_visible()
    text = tablet.locator("main").inner_text()
    assert not LOG_ID.findall(text), f"log ids on the tablet: {LOG_ID.findall(text)}"


def test_the_round_s_clock_stays_in_view_while_moderating(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    (awa, _) = people(room, "Awa", "Bruno")
    steer(room, ("SeatTables", {}), ("StartRound", {}))
    statements(room, awa, [f"Énoncé numéro {n} à modérer." for n in range(1, 7)])
    for viewport in (PHONE, DESKTOP):
        console = open_console(open_context, room, viewport)
        queue = console.get_by_test_id("moderation-queue")
        expect(queue.locator("li")).to_have_count(6)
        last = queue.locator("li").last.get_by_role("button", name="Publier")
        last.scroll_into_view_if_needed()
        last.focus()
        clock = console.get_by_test_id("console-clock")
        expect(clock).to_be_visible()
        expect(clock).to_contain_text(re.compile(r"Tour 1.*\d+:\d\d"))
        box = clock.bounding_box()
        assert box is not None
        height = console.viewport_size["height"]
        assert box["y"] >= 0, (viewport, box)
        assert box["y"] + box["height"] <= height, (viewport, box)
        width = console.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"the console scrolls sideways ({width} px)"
        screenshot(console, f"console-moderation-clock-{viewport['width']}")


def test_the_replay_says_where_its_log_came_from(server: LiveServer, open_context: Any) -> None:
    room = Room.create(server)
    people(room, "Awa", "Bruno")
    page = open_context(DESKTOP).new_page()
    page.goto(f"{server.url}/r/{room.id}#token={room.token}")
    expect(page.get_by_test_id("replay-title")).to_have_text("Métrokawa de test")
    footer = page.get_by_test_id("replay-footer")
    expect(footer).to_contain_text("téléchargé depuis le serveur")
    expect(footer).not_to_contain_text("rien n’est envoyé")

    # From a file of the device, the footer says nothing was sent.
    local = open_context(DESKTOP).new_page()
    local.goto(f"{server.url}/r")
    local.get_by_label("Choisir un fichier .mkawa").set_input_files(
        str(ROOT / "replays" / "demo-metrokawa-120.mkawa")
    )
    expect(local.get_by_test_id("replay-title")).to_be_visible()
    expect(local.get_by_test_id("replay-footer")).to_contain_text("rien n’est envoyé")


def test_the_replay_masks_hidden_statements_and_names_votes_by_number(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    a_closed_vote(room)
    page = open_context(DESKTOP).new_page()
    page.goto(f"{server.url}/r/{room.id}#token={room.token}")
    expect(page.get_by_test_id("replay-title")).to_have_text("Métrokawa de test")
    hidden = page.get_by_test_id("replay-statements").locator("li[data-statement-id='s3']")
    log = room.stored()
    proposed = next(
        e.seq for e in log if isinstance(e.event, StatementProposed) and e.event.statement == "s3"
    )
    masked = next(e.seq for e in log if isinstance(e.event, StatementHidden))
    # At every point — waiting for moderation, then hidden — the room never saw its text.
    for seq in (log[-1].seq, masked, proposed):
        page.get_by_test_id("replay-seek").fill(str(seq))
        expect(page.get_by_test_id("replay-position")).to_have_attribute("data-seq", str(seq))
        expect(hidden.locator(".mk-replay-text")).to_have_text("énoncé masqué")
        assert HIDDEN not in page.locator("body").inner_text()
    page.get_by_test_id("replay-seek").fill(str(log[-1].seq))
    votes = page.get_by_test_id("replay-votes")
    expect(votes).to_contain_text("Vote 1")
    # Everything but the panel about the file itself (its format is « metrokawa-log v1 »).
    text = "\n".join(page.locator("main > :not(.mk-replay-source)").all_inner_texts())
    assert not LOG_ID.findall(text), f"log ids in the replay: {LOG_ID.findall(text)}"

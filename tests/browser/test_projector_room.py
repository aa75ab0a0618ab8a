"""The projector in front of a real room (issue 14 §4, last bullet).

* while the room waits, how many have joined, overall and per territory, said once in the live
  region when the joins settle;
* while a vote is open, how many ballots it has received (a count, never whose), as a real plural;
* a wall of the published statements, newest first, without their authors; long texts wrap;
* readable from the back: in each moment (waiting, a round with its wall, the wall between rounds,
  a vote open, results, a consent round, a vœu) every visible text is at least 26 px at
  1920×1080, and at 1024×768 each is at least its 1920 size × 1024/1920 (within 1 px: scaled,
  not shrunk), nothing goes past the screen's sides nor below it, and axe-core finds no
  violation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from ..server.live import LiveServer
from ..server.scenario import Room
from .conftest import PROJECTOR, WORDS_CUT, axe_violations, screenshot
from .test_a11y_screens import ALL_IMPACTS, LISTEN
from .wire import as_member, ballots, people, statements, steer

SMALL_PROJECTOR = {"width": 1024, "height": 768}
FLOOR_PX = 26
# A long statement (258 characters; the engine accepts 280), with a word longer than a card.
LONG = (
    "Installer des bancs, des fontaines et des arbres d’ombre le long de l’avenue, de la gare "
    "jusqu’au square Léon, pour que les personnes âgées puissent s’arrêter en chemin ; "
    "Anticonstitutionnellementdémesurémentlongmotsansespace, et demander l’avis du quartier."
)
WALL = ("Des bancs à l’ombre au square Léon.", LONG, "Ouvrir la médiathèque le dimanche.")
PENDING = "Un énoncé que l’animation n’a pas encore publié."
OUTCOME = "La salle demande des bancs à l’ombre."

# Every text node of the page: its element's computed font size, whether it is seen (not hidden,
# not visually hidden, not cut by an ancestor's overflow, on the screen), and its box. Keyed by the
# element's path and text (digits blurred: the clock ticks between two pages).
TEXTS = """() => {
  const cut = (e, r) => {
    for (let a = e; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.clip && s.clip !== 'auto') return true;
      if (s.overflow !== 'visible' || s.overflowY !== 'visible' || s.overflowX !== 'visible') {
        const b = a.getBoundingClientRect();
        if (b.width <= 1 || b.height <= 1) return true;
        if (r.top >= b.bottom - 1 || r.bottom <= b.top + 1) return true;
        if (r.left >= b.right - 1 || r.right <= b.left + 1) return true;
      }
    }
    return false;
  };
  const path = (e) => {
    const parts = [];
    for (let a = e; a && a !== document.body; a = a.parentElement)
      parts.unshift([a.tagName.toLowerCase(), ...a.classList].join('.'));
    return parts.join('>');
  };
  const seen = {};
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const text = n.textContent.trim();
    const e = n.parentElement;
    if (!text || !e || ['SCRIPT', 'STYLE', 'TITLE'].includes(e.tagName)) continue;
    const base = path(e) + '|' + text.replace(/[0-9]/g, '#').slice(0, 60);
    seen[base] = (seen[base] || 0) + 1;
    const range = document.createRange();
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    const visible = e.checkVisibility({opacityProperty: true, visibilityProperty: true})
      && r.width > 1 && r.height > 1 && r.bottom > 0 && r.top < innerHeight && !cut(e, r);
    out.push({key: base + '#' + seen[base], text: text.slice(0, 60), visible,
              size: parseFloat(getComputedStyle(e).fontSize), left: r.left, right: r.right});
  }
  return out;
}"""


def open_projector(open_context: Any, room: Room, viewport: dict[str, int]) -> Any:
    page = open_context(viewport).new_page()
    page.goto(f"{room.url}/p/{room.id}")
    expect(page.get_by_test_id("connection")).to_have_attribute("data-status", "online")
    return page


def measure(
    open_context: Any,
    room: Room,
    moment: str,
    testid: str,
    found: dict[str, list[str]],
    then: Callable[[], None] | None = None,
    count: int | None = None,
) -> None:
    """The projector in this moment at 1920×1080 and 1024×768: what is too small or too wide.
    With ``then``, both screens are opened first and ``then`` brings the moment, live (until
    the block ``testid`` counts ``count``)."""
    texts: dict[str, dict[str, Any]] = {}
    pages = [(open_projector(open_context, room, v), v) for v in (PROJECTOR, SMALL_PROJECTOR)]
    if then:
        then()
    for page, viewport in pages:
        expect(page.get_by_test_id(testid)).to_be_visible()
        if count is not None:
            expect(page.get_by_test_id(testid)).to_have_attribute("data-count", str(count))
        width = viewport["width"]
        key = f"{moment}, {width}×{viewport['height']}"
        found[key] = list(axe_violations(page, impacts=ALL_IMPACTS))
        measured: list[dict[str, Any]] = page.evaluate(TEXTS)
        texts[key] = {t["key"]: t for t in measured}
        visible = [t for t in measured if t["visible"]]
        assert len(visible) >= 8, (key, visible)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            found[key].append(f"the page scrolls sideways: {scroll} px")
        # Each block of the wall holds what it shows (the wall of statements cuts its oldest
        # cards itself, inside its block).
        found[key] += page.evaluate(
            "() => [...document.querySelectorAll('.mk-proj-main > *, .mk-proj-now > *')]"
            ".filter(e => e.scrollWidth > e.clientWidth + 1 || (e.scrollHeight > e.clientHeight + 1"
            " && !e.matches('.mk-proj-wall')))"
            ".map(e => 'does not hold its content: ' + e.className)"
        )
        found[key] += [f"a word cut over two lines: {word}" for word in page.evaluate(WORDS_CUT)]
        # A projector is not scrolled: the whole wall is on the screen.
        tall = page.evaluate("document.documentElement.scrollHeight")
        if tall > viewport["height"]:
            found[key].append(f"the page scrolls down: {tall} px")
        found[key] += [
            f"past the screen's side: {t['text']!r} ({t['left']:.0f}–{t['right']:.0f} px)"
            for t in visible
            if t["left"] < -1 or t["right"] > width + 1
        ]
        if width == PROJECTOR["width"]:
            found[key] += [
                f"{t['size']:.1f} px < {FLOOR_PX} px: {t['text']!r}"
                for t in visible
                if t["size"] < FLOOR_PX - 0.01
            ]
        else:
            large = texts[f"{moment}, {PROJECTOR['width']}×{PROJECTOR['height']}"]
            scale = width / PROJECTOR["width"]
            for t in visible:
                at_1920 = large.get(t["key"])
                if at_1920 is None:
                    found[key].append(f"not on the 1920 px wall: {t['key']}")
                elif t["size"] < at_1920["size"] * scale - 1:
                    found[key].append(
                        f"shrunk: {t['text']!r} {t['size']:.1f} px < "
                        f"{at_1920['size']:.1f} × {scale:.3f} − 1"
                    )
        screenshot(page, f"projector-{moment.replace(' ', '-')}-{width}")
        page.context.close()


def test_the_projector_counts_the_room_and_shows_the_wall(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    projector = open_projector(open_context, room, PROJECTOR)
    projector.evaluate(LISTEN)
    joined = projector.get_by_test_id("projector-joined")
    expect(joined).to_have_attribute("data-count", "0")
    expect(joined).to_contain_text("0\u00a0personne inscrite")

    # Given four residents from three territories (t1, t2, t3, t1) joining one after another,
    residents = people(room, "Awa", "Bruno", "Chloé", "Dalila")
    # then the wall counts them, per territory, in the session's order of territories,
    expect(joined).to_have_attribute("data-count", "4")
    expect(joined).to_contain_text("4\u00a0personnes inscrites")
    chips = joined.locator("li")
    expect(chips).to_have_text(
        [
            "La Goutte d'Or2\u00a0personnes",
            "Vincennes centre1\u00a0personne",
            "Les Francs-Moisins1\u00a0personne",
        ]
    )
    # and the live region says the total once the joins settle, not at each join.
    projector.wait_for_function("() => window.said.includes('4\u00a0personnes inscrites.')")
    said: list[str] = projector.evaluate("window.said")
    assert said.count("4\u00a0personnes inscrites.") == 1, said
    assert "1\u00a0personne inscrite." not in said, said

    # When a round starts, the count gives way to the round; statements published reach the wall,
    # newest first, without their author; a statement not yet published does not.
    steer(room, ("SeatTables", {}), ("StartRound", {}))
    expect(joined).to_have_count(0)
    statements(room, residents[0], [*WALL, PENDING])
    steer(room, *(("PublishStatement", {"statement": f"s{n}"}) for n in (1, 2, 3)))
    wall = projector.get_by_test_id("projector-wall")
    expect(wall).to_contain_text("Énoncés publiés pendant ce tour")
    expect(wall.locator("li")).to_have_count(3)
    expect(wall.locator(".mk-proj-card-text")).to_have_text(list(reversed(WALL)))
    assert PENDING not in wall.inner_text()
    assert "Awa" not in wall.inner_text()
    # A long text wraps inside its card.
    long_card = wall.locator("li[data-statement-id='s2']")
    fits = long_card.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
    assert fits, "a long statement overflows its card"

    # Between rounds the wall shows the session so far, with who has joined.
    steer(room, ("EndRound", {}))
    expect(wall).to_contain_text("Énoncés publiés")
    expect(wall).not_to_contain_text("pendant ce tour")
    expect(joined).to_have_attribute("data-count", "4")

    # During a vote: the count of ballots received, as a real plural, updated live.
    steer(
        room,
        ("PromoteProposal", {"statement": "s1"}),
        ("PromoteProposal", {"statement": "s3"}),
        ("OpenVote", {"proposals": ["pr1", "pr2"]}),
    )
    received = projector.get_by_test_id("projector-ballots")
    expect(received).to_contain_text("0\u00a0bulletin reçu")
    expect(joined).to_have_count(0)
    ballots(room, residents[:1], ((6, 4),))
    expect(received).to_contain_text("1\u00a0bulletin reçu")
    ballots(room, residents[1:3], ((5, 2), (5, 6)))
    expect(received).to_have_attribute("data-count", "3")
    expect(received).to_contain_text("3\u00a0bulletins reçus")
    projector.wait_for_function(
        "() => window.said.includes('Vote en cours, 3\u00a0bulletins reçus.')"
    )
    # Counts only: no voter's name anywhere on the wall.
    body = projector.locator("main").inner_text()
    assert not [name for name in ("Awa", "Bruno", "Chloé") if name in body], body
    screenshot(projector, "projector-ballots")
    # A projector opened (or reloaded) during the vote shows the same count, from the tallies.
    late = open_projector(open_context, room, PROJECTOR)
    expect(late.get_by_test_id("projector-ballots")).to_contain_text("3\u00a0bulletins reçus")

    projector.get_by_role("button", name="English").click()
    expect(received).to_contain_text("3 ballots received")


def test_every_text_is_readable_from_the_back_and_scaled_at_1024_px(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    found: dict[str, list[str]] = {}
    residents = people(room, "Awa", "Bruno", "Chloé", "Dalila", "Émile")
    measure(open_context, room, "waiting", "projector-joined", found)

    steer(room, ("SeatTables", {}), ("StartRound", {}))
    statements(room, residents[0], WALL)
    steer(room, *(("PublishStatement", {"statement": f"s{n}"}) for n in (1, 2, 3)))
    for member, value in zip(residents, (2, 1, -1, 0, None), strict=True):
        as_member(room, member, ("TakePosition", {"statement": "s1", "value": value}))
    measure(open_context, room, "round", "projector-wall", found)

    steer(room, ("EndRound", {}))
    measure(open_context, room, "statements wall", "projector-wall", found)

    def a_vote_opens_and_two_ballots_come() -> None:
        steer(
            room,
            ("PromoteProposal", {"statement": "s1"}),
            ("PromoteProposal", {"statement": "s3"}),
            ("OpenVote", {"proposals": ["pr1", "pr2"]}),
        )
        ballots(room, residents[:2], ((6, 4), (5, 2)))

    measure(
        open_context,
        room,
        "vote open",
        "projector-ballots",
        found,
        then=a_vote_opens_and_two_ballots_come,
        count=2,
    )

    ballots(room, residents[2:3], ((5, 6),))
    steer(room, ("CloseVote", {"vote": "v1"}), ("ShowResults", {"vote": "v1"}))
    measure(open_context, room, "vote results", "results", found)
    steer(room, ("ShowResults", {"statement": "s1"}))
    measure(open_context, room, "positions", "results", found)

    steer(room, ("OpenConsent", {"proposal": "pr1"}))
    as_member(room, residents[1], ("RaiseObjection", {"consent": "c1", "text": "Et l’ombre ?"}))
    measure(open_context, room, "consent", "projector-consent", found)

    steer(
        room,
        ("ResolveObjection", {"objection": "o1", "resolution": "withdrawn"}),
        ("AdoptVoeu", {"consent": "c1", "outcome": OUTCOME}),
    )
    measure(open_context, room, "voeu", "projector-voeu", found)
    assert found == {name: [] for name in found}

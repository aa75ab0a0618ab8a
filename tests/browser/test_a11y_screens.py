"""RGAA 4.1 on the room's screens: the facilitator console, the projector, the replay viewer, the
cahier (issue 11).

* axe-core finds no violation of any impact on any of their views — the console before seating,
  during a round with statements to moderate, with a closed vote, with a consent round and a vœu;
  the projector with positions, vote results, a consent round, a vœu; the replay viewer on a file
  and on a server's log; the cahier — at 360 px and on a desktop, in French and in English, with
  the charts' « Voir en tableau » open; at 360 px no page scrolls sideways and no word of a
  heading, label or button is cut letter by letter;
* 3.1: a chart's categories are told by pattern and by pictogram or letter besides colour, also in
  forced colours; « Voir en tableau » opens the figures as a real table; the ballot's grades look
  like the results' grades;
* text at 200 %: no chart label is clipped;
* 12.8: after every console action, focus stays on a control or goes to a heading, never <body>;
* 7.5: one polite live region per page; what the facilitator does (« +5 min » too) and what the
  wall shows are announced there, once each;
* a skip link on the projector; the console's required fields say so (aria-required);
* the cahier at 320 px does not scroll sideways.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from ..server.live import LiveServer
from ..server.scenario import Member, Room
from .conftest import DESKTOP, PHONE, PROJECTOR, ROOT, WORDS_CUT, axe_violations, screenshot
from .test_session_ui import join
from .wire import PROPOSALS, a_closed_vote, as_member, ballots, people, statements, steer

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")
REPORT = ROOT / "replays" / "demo-metrokawa-120.report.html"
DEMO = ROOT / "replays" / "demo-metrokawa-120.mkawa"
OBJECTIONS = ("Il faut aussi de l’ombre.", "Et des poubelles.")
AMENDED = "Des bancs à l’ombre d’arbres au square Léon."
OUTCOME = "La salle demande des bancs ombragés."

# Every live region of a page, as assistive technologies count them (role=timer is off); the
# connection badge is none (the page's region says « connexion perdue » once instead).
LIVE_REGIONS = """() => [...document.querySelectorAll(
  '[aria-live]:not([aria-live="off"]), [role=status], [role=alert], [role=log]')]
  .map(e => e.dataset.testid || e.className || e.tagName)"""
# Record every text the page's live region says, from now on.
LISTEN = """() => { window.said = [];
  const region = document.querySelector('[data-testid=live-region]');
  new MutationObserver(() => {
    const text = region.textContent.trim();
    if (text) window.said.push(text);
  }).observe(region, {childList: true, subtree: true, characterData: true}); }"""
FOCUSED = """() => { const e = document.activeElement;
  return {tag: e.tagName, text: (e.innerText || '').trim(),
          disabled: e.getAttribute('aria-disabled'), item: (e.closest('li') || {}).innerText || ''};
  }"""
SETTLED = (
    "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))"
)


def in_english(context: Any) -> Any:
    context.add_init_script("localStorage.setItem('metrokawa:lang', 'en')")
    return context


def open_every_table(page: Any) -> None:
    """Open every « Voir en tableau » of the page (the tables are scanned too)."""
    closed = page.locator("details.mk-chart-table:not([open]) > summary:visible")
    for _ in range(12):  # enough to scan each kind of table; the replay has hundreds
        if not closed.count():
            return
        closed.first.click()


def scan_everywhere(
    open_context: Any, url: str, name: str, ready: Callable[[Any], None], found: dict[str, Any]
) -> None:
    """axe-core at every impact, at 360 px and on a desktop, in French and in English."""
    for viewport in (PHONE, DESKTOP):
        for lang in ("fr", "en"):
            context = open_context(viewport)
            if lang == "en":
                in_english(context)
            page = context.new_page()
            page.goto(url)
            ready(page)
            open_every_table(page)
            key = f"{name}, {lang}, {viewport['width']} px"
            found[key] = axe_violations(page, impacts=ALL_IMPACTS)
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                found[key].append(f"the page scrolls sideways: {width} px")
            if viewport == PHONE:
                found[key].extend(
                    f"a word cut letter by letter: {w}" for w in page.evaluate(WORDS_CUT)
                )
            context.close()


def console_ready(page: Any) -> None:
    expect(page.get_by_test_id("connection")).to_have_attribute("data-status", "online")
    expect(page.get_by_test_id("join-code")).not_to_have_text("……")


def projector_ready(testid: str) -> Callable[[Any], None]:
    def ready(page: Any) -> None:
        expect(page.get_by_test_id(testid)).to_be_visible()

    return ready


# --- axe-core on every view ---------------------------------------------------------------------


def test_the_console_and_the_projector_pass_axe_at_every_impact(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    console = f"{room.url}/f/{room.id}#token={room.token}"
    projector = f"{room.url}/p/{room.id}"
    found: dict[str, list[str]] = {}
    residents = people(room, "Awa", "Bruno", "Chloé")
    scan_everywhere(open_context, console, "console before seating", console_ready, found)

    steer(room, ("SeatTables", {}), ("StartRound", {}))
    statements(room, residents[0], ["Un énoncé à modérer.", "Un autre énoncé."])
    steer(room, ("PublishStatement", {"statement": "s1"}))
    for member, value in zip(residents, (2, 1, -1), strict=True):
        as_member(room, member, ("TakePosition", {"statement": "s1", "value": value}))
    steer(room, ("ShowResults", {"statement": "s1"}))
    scan_everywhere(open_context, console, "console in a round", console_ready, found)
    scan_everywhere(
        open_context, projector, "projector, positions", projector_ready("results"), found
    )

    room = Room.create(server)
    console = f"{room.url}/f/{room.id}#token={room.token}"
    projector = f"{room.url}/p/{room.id}"
    residents = a_closed_vote(room)
    steer(room, ("ShowResults", {"vote": "v1"}))
    scan_everywhere(open_context, console, "console, votes", console_ready, found)
    scan_everywhere(
        open_context, projector, "projector, vote results", projector_ready("results"), found
    )

    steer(room, ("OpenConsent", {"proposal": "pr1"}))
    as_member(room, residents[1], ("RaiseObjection", {"consent": "c1", "text": OBJECTIONS[0]}))
    scan_everywhere(
        open_context, projector, "projector, consent", projector_ready("projector-consent"), found
    )
    steer(
        room,
        ("ResolveObjection", {"objection": "o1", "resolution": "withdrawn"}),
        ("AdoptVoeu", {"consent": "c1", "outcome": OUTCOME}),
    )
    scan_everywhere(
        open_context, projector, "projector, vœu", projector_ready("projector-voeu"), found
    )
    steer(room, ("OpenConsent", {"proposal": "pr2"}))
    as_member(room, residents[2], ("RaiseObjection", {"consent": "c2", "text": OBJECTIONS[1]}))
    scan_everywhere(open_context, console, "console, consent and vœux", console_ready, found)
    assert found == {name: [] for name in found}


def test_the_replay_viewer_passes_axe_at_every_impact(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    a_closed_vote(room)
    found: dict[str, list[str]] = {}

    def at_the_end(page: Any) -> None:
        expect(page.get_by_test_id("replay-title")).to_have_text("Métrokawa de test")
        page.get_by_test_id("replay-end").click()
        expect(page.get_by_test_id("final-opinions")).to_be_visible()

    scan_everywhere(
        open_context,
        f"{room.url}/r/{room.id}#token={room.token}",
        "replay, server",
        at_the_end,
        found,
    )

    def demo_middle(page: Any) -> None:
        page.get_by_test_id("replay-file").set_input_files(str(DEMO))
        page.get_by_test_id("replay-seek").fill("2100")
        expect(page.get_by_test_id("replay-position")).to_have_attribute("data-seq", "2100")

    scan_everywhere(open_context, f"{room.url}/r", "replay, file", demo_middle, found)
    assert found == {name: [] for name in found}


def test_the_cahier_passes_axe_and_does_not_scroll_sideways_at_320_px(open_context: Any) -> None:
    found: dict[str, list[str]] = {}
    for viewport in ({"width": 320, "height": 640}, DESKTOP):
        page = open_context(viewport).new_page()
        page.goto(REPORT.as_uri())
        for summary in page.locator("details > summary").all()[:6]:
            summary.click()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"the cahier scrolls sideways at {viewport}: {width} px"
        found[f"cahier, {viewport['width']} px"] = axe_violations(page, impacts=ALL_IMPACTS)
        screenshot(page, f"report-{viewport['width']}")
    assert found == {name: [] for name in found}

    # 3.1 in the cahier: each profile's segments carry their grade's letter and pattern, and
    # « Voir en tableau » opens the figures; in forced colours the charts keep their strokes.
    letters = page.locator("svg.profile.large text").all_text_contents()
    assert letters, "no letter in the merit profiles"
    assert set(letters) <= set("RIPABTE"), letters
    assert page.locator("svg.profile.large .hatch").count() > 0
    details = page.locator("details", has=page.locator("summary", has_text="Voir en tableau"))
    first = details.first
    expect(first.locator("table")).to_be_visible()  # opened above
    expect(first.locator("td").first).to_contain_text("%")
    page.emulate_media(forced_colors="active")
    drawn = page.locator("svg.profile.large").first.evaluate(
        "svg => [getComputedStyle(svg).forcedColorAdjust,"
        " getComputedStyle(svg.querySelector('.hatch')).strokeOpacity]"
    )
    assert drawn == ["none", "1"], drawn
    screenshot(page, "report-forced-colours")


# --- 3.1: not by colour alone -------------------------------------------------------------------

SEGMENT_STYLE = """(e) => { const s = getComputedStyle(e);
  return {key: e.dataset.value ?? e.dataset.grade, image: s.backgroundImage,
          colour: s.backgroundColor, border: s.borderTopStyle + ' ' + s.borderTopWidth,
          mark: !!e.querySelector('.mk-seg-label svg, .mk-seg-letter, b')}; }"""


def segment_styles(page: Any, selector: str) -> dict[str, dict[str, Any]]:
    """The drawn style of each category of the chart's segments (the first of each)."""
    styles: dict[str, dict[str, Any]] = {}
    for style in page.locator(selector).evaluate_all(f"(es) => es.map({SEGMENT_STYLE})"):
        styles.setdefault(style["key"], style)
    return styles


def assert_told_apart(styles: dict[str, dict[str, Any]], *, forced: bool) -> None:
    patterns = [s["image"] for s in styles.values()]
    assert len(set(patterns)) == len(patterns), f"two categories share a pattern: {styles}"
    assert sum(p == "none" for p in patterns) <= 1, f"more than one plain category: {styles}"
    assert all(s["mark"] for s in styles.values()), (
        f"a segment without its pictogram or letter: {styles}"
    )
    if forced:
        assert all(s["border"].startswith("solid") for s in styles.values()), styles


def test_the_charts_tell_their_categories_by_pattern_and_mark_and_as_a_table(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    projector = open_context(PROJECTOR).new_page()
    projector.goto(f"{room.url}/p/{room.id}")
    resident = join(open_context(PHONE).new_page(), server.url, room.code, "Dounia", "habitant", 0)
    others = people(room, "Éric", "Fatou", "Gilles", "Hana", "Inès", "Jules")
    steer(room, ("SeatTables", {}), ("StartRound", {}))
    statements(room, others[0], PROPOSALS)
    steer(
        room, ("PublishStatement", {"statement": "s1"}), ("PublishStatement", {"statement": "s2"})
    )
    for member, value in zip(others, (-2, -1, 0, 1, 2, None), strict=True):
        as_member(room, member, ("TakePosition", {"statement": "s1", "value": value}))
    steer(room, ("ShowResults", {"statement": "s1"}))

    # Positions: six categories, six patterns, each with its pictogram.
    results = projector.get_by_test_id("results")
    expect(results.locator(".mk-posbars-total .mk-posseg")).to_have_count(6)
    total = ".mk-posbars-total .mk-posseg"
    assert_told_apart(segment_styles(projector, total), forced=False)
    for key, style in segment_styles(projector, total).items():
        swatch = projector.locator(f".mk-legend li[data-value='{key}'] .mk-swatch")
        assert swatch.evaluate("e => getComputedStyle(e).backgroundImage") == style["image"], key
        expect(projector.locator(f".mk-legend li[data-value='{key}']")).not_to_be_empty()
    # « Voir en tableau »: the figures in a real table.
    results.get_by_text("Voir en tableau").click()
    table = results.locator("table")
    expect(table).to_be_visible()
    total_row = table.locator("tr[data-territory='*']")
    for key in ("-2", "-1", "0", "1", "2", "pass"):
        expect(total_row.locator(f"td[data-value='{key}']")).to_contain_text(re.compile(r"^1 "))
    screenshot(projector, "projector-positions-table")

    # In forced colours: still six patterns, drawn in the system's colours, each bordered.
    projector.emulate_media(forced_colors="active")
    assert_told_apart(segment_styles(projector, total), forced=True)
    screenshot(projector, "projector-positions-forced-colours")
    projector.emulate_media(forced_colors="none")

    # The vote: seven grades, seven patterns and letters; the ballot's grades look the same.
    steer(
        room,
        ("EndRound", {}),
        ("PromoteProposal", {"statement": "s1"}),
        ("PromoteProposal", {"statement": "s2"}),
        ("OpenVote", {"proposals": ["pr1", "pr2"]}),
    )
    ballot = resident.page.locator("[data-testid^='ballot-']")
    expect(ballot).to_be_visible()
    for grade in range(7):
        swatch = ballot.locator(f".mk-grade-choice-{grade} .mk-swatch").first
        expect(swatch).to_be_visible()
    ballot_styles = {
        str(g): ballot.locator(f".mk-grade-choice-{g} .mk-swatch").first.evaluate(
            "e => getComputedStyle(e).backgroundImage + ' ' + getComputedStyle(e).backgroundColor"
        )
        for g in range(7)
    }
    ballots(room, others, [(grade, 6 - grade) for grade in range(6)])
    steer(room, ("CloseVote", {"vote": "v1"}), ("ShowResults", {"vote": "v1"}))
    expect(projector.get_by_test_id("results").locator(".mk-grade-seg")).to_have_count(12)
    grades = segment_styles(projector, ".mk-grade-seg")
    assert sorted(grades) == ["0", "1", "2", "3", "4", "5", "6"]
    assert_told_apart(grades, forced=False)
    for key, style in grades.items():
        assert ballot_styles[key] == f"{style['image']} {style['colour']}", key
    projector.emulate_media(forced_colors="active")
    assert_told_apart(segment_styles(projector, ".mk-grade-seg"), forced=True)
    screenshot(projector, "projector-vote-forced-colours")


def test_chart_labels_are_not_clipped_with_text_at_200_percent(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    a_closed_vote(room)
    steer(room, ("ShowResults", {"vote": "v1"}))
    pages = {
        "projector": (f"{room.url}/p/{room.id}", PROJECTOR),
        "console": (f"{room.url}/f/{room.id}#token={room.token}", PHONE),
        "replay": (f"{room.url}/r/{room.id}#token={room.token}", PHONE),
    }
    clipped: dict[str, list[str]] = {}
    for name, (url, viewport) in pages.items():
        page = open_context(viewport).new_page()
        page.goto(url)
        if name == "replay":
            page.get_by_test_id("replay-end").click()
        expect(page.locator(".mk-grade-seg").first).to_be_visible()
        # Text at 200 %: the root font size doubled, as a browser's text zoom does.
        page.evaluate(
            "() => { const html = document.documentElement;"
            " html.style.fontSize = (2 * parseFloat(getComputedStyle(html).fontSize)) + 'px'; }"
        )
        page.evaluate(SETTLED)
        segments = page.locator(".mk-posseg, .mk-grade-seg")
        assert segments.count() >= 4, name
        clipped[name] = segments.evaluate_all(
            "(es) => es.filter(e => e.scrollHeight > e.clientHeight + 1"
            " || e.scrollWidth > e.clientWidth + 1).map(e => e.className + ' ' + e.innerText)"
        )
        screenshot(page, f"{name}-text-200")
    assert clipped == {name: [] for name in pages}


# --- 12.8 and 7.5 on the console ---------------------------------------------------------------


class Console:
    """The console driven with the keyboard: focus a button, press Enter, wait for its outcome."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.notice = page.get_by_test_id("console-status")

    def press(self, button: Any, outcome: str) -> dict[str, Any]:
        expect(button).to_be_enabled()
        button.focus()
        self.page.keyboard.press("Enter")
        expect(self.notice).to_contain_text(outcome)
        self.page.evaluate(SETTLED)
        return self.focused()

    def focused(self) -> dict[str, Any]:
        focused: dict[str, Any] = self.page.evaluate(FOCUSED)
        return focused

    def button(self, name: str, within: Any = None) -> Any:
        return (within or self.page).get_by_role("button", name=name, exact=True)


def test_focus_never_falls_to_the_page_after_a_console_action(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    residents = people(room, "Awa", "Bruno", "Chloé")
    page = open_context(DESKTOP).new_page()
    page.goto(f"{room.url}/f/{room.id}#token={room.token}")
    console_ready(page)
    page.evaluate(LISTEN)
    c = Console(page)

    def stays(name: str, outcome: str, within: Any = None) -> None:
        focused = c.press(c.button(name, within), outcome)
        assert focused["tag"] == "BUTTON", (name, focused)
        assert focused["text"] == name, (name, focused)

    # Buttons that become unavailable by their own action keep the focus, marked disabled.
    stays("Placer les tables", "Les tables sont placées.")
    assert c.focused()["disabled"] == "true"
    stays("Lancer le tour suivant", "Le tour a commencé.")
    stays("Pause", "Le tour est en pause.")
    stays("Reprendre", "Le tour reprend.")
    stays("+1 min", "prolongé de 1 min")
    stays("+5 min", "prolongé de 5 min")

    # The moderation queue: focus goes to the next statement, the one before, then the heading.
    texts = ["Premier énoncé.", "Deuxième énoncé.", "Troisième énoncé.", "Quatrième énoncé."]
    statements(room, residents[0], texts)
    queue = page.get_by_test_id("moderation-queue")
    expect(queue.locator("li")).to_have_count(4)

    def item(text: str) -> Any:
        return queue.locator("li", has_text=text)

    focused = c.press(c.button("Publier", item(texts[3])), "Énoncé publié.")
    assert (focused["text"], texts[2] in focused["item"]) == ("Publier", True), focused
    # Said before the next publication: the region says a message once while it waits its turn
    # (``announce``), and on a loaded machine this one could still be waiting then.
    page.wait_for_function("() => window.said.includes('Énoncé publié.')")
    focused = c.press(c.button("Masquer", item(texts[2])), "Énoncé masqué.")
    assert (focused["text"], texts[1] in focused["item"]) == ("Publier", True), focused
    item(texts[1]).locator("select").select_option(label=texts[3])
    focused = c.press(c.button("Fusionner", item(texts[1])), "Énoncés fusionnés.")
    assert (focused["text"], texts[0] in focused["item"]) == ("Publier", True), focused
    focused = c.press(c.button("Publier", item(texts[0])), "Énoncé publié.")
    assert (focused["tag"], focused["text"]) == ("H2", "Modération"), focused

    published = page.get_by_test_id("statement-list")
    first = published.locator("li", has_text=texts[3])
    stays("Promouvoir en proposition", "Proposition créée.", first)
    stays("Projeter les positions", "Résultats projetés.", first)
    stays("Masquer les résultats", "Résultats retirés", page.locator(".mk-onscreen"))
    stays(
        "Promouvoir en proposition",
        "Proposition créée.",
        published.locator("li", has_text=texts[0]),
    )
    stays("Terminer le tour", "Le tour est terminé.")
    stays("Faire tourner les tables", "Les tables ont tourné.")

    page.get_by_label(texts[3]).check()
    page.get_by_label(texts[0]).check()
    stays("Ouvrir le vote", "Le vote est ouvert.")
    ballots(room, residents, ((6, 5), (5, 4), (4, 6)))
    expect(page.get_by_test_id("ballots-v1")).to_contain_text("3")
    vote = page.locator("li[data-vote-id='v1']")
    stays("Fermer le vote", "Le vote est fermé.", vote)
    stays("Projeter le résultat", "Résultats projetés.", vote)
    stays("Masquer les résultats", "Résultats retirés", vote)
    adopted = page.get_by_test_id("adopted-v1")
    stays(
        "Ouvrir un tour de consentement",
        "Le tour de consentement est ouvert.",
        adopted.locator("li").first,
    )

    # The consent round: the objections answered, the vœu adopted, another round abandoned.
    as_member(room, residents[1], ("RaiseObjection", {"consent": "c1", "text": OBJECTIONS[0]}))
    as_member(room, residents[2], ("RaiseObjection", {"consent": "c1", "text": OBJECTIONS[1]}))
    card = page.get_by_test_id("consent-card")
    first_objection = card.locator("li[data-objection-id='o1']")
    expect(first_objection).to_be_visible()
    c.button("Modifier la formulation", first_objection).focus()
    page.keyboard.press("Enter")
    wording = first_objection.get_by_label("Nouvelle formulation")
    expect(wording).to_be_focused()
    expect(wording).to_have_attribute("aria-required", "true")
    wording.fill(AMENDED)
    focused = c.press(
        c.button("Enregistrer la formulation", first_objection), "La formulation est modifiée."
    )
    expect(first_objection).to_have_attribute("data-status", "amended")
    page.evaluate(SETTLED)
    assert c.focused()["tag"] != "BODY", c.focused()
    second_objection = card.locator("li[data-objection-id='o2']")
    c.button("Modifier la formulation", second_objection).focus()
    page.keyboard.press("Enter")
    expect(second_objection.get_by_label("Nouvelle formulation")).to_be_focused()
    c.button("Annuler", second_objection).focus()
    page.keyboard.press("Enter")  # back where it was
    expect(c.button("Modifier la formulation", second_objection)).to_be_focused()
    focused = c.press(
        c.button("Objection retirée", second_objection),
        "L’objection est notée comme retirée.",
    )
    expect(card.locator("li[data-objection-id='o2']")).to_have_attribute("data-status", "withdrawn")
    page.evaluate(SETTLED)
    assert c.focused()["tag"] in ("H2", "H3", "H4", "BUTTON", "TEXTAREA"), c.focused()
    outcome = card.get_by_label("Relevé de conclusions du vœu")
    expect(outcome).to_have_attribute("aria-required", "true")
    outcome.fill(OUTCOME)
    focused = c.press(c.button("Adopter le vœu", card), "Le vœu est adopté.")
    expect(page.get_by_test_id("consent-card")).to_have_count(0)
    page.evaluate(SETTLED)
    assert (c.focused()["tag"], c.focused()["text"]) == ("H2", "Vœux"), c.focused()
    second = adopted.locator("li").nth(1)
    stays("Ouvrir un tour de consentement", "Le tour de consentement est ouvert.", second)
    c.press(c.button("Abandonner le tour"), "Le tour de consentement est abandonné.")
    expect(page.get_by_test_id("consent-card")).to_have_count(0)
    page.evaluate(SETTLED)
    assert (c.focused()["tag"], c.focused()["text"]) == ("H2", "Vœux"), c.focused()

    # The session: the two files, then closing it (asked first).
    for name, outcome_text in (
        ("Télécharger le journal", "Journal téléchargé."),
        ("Télécharger le cahier de préconisations", "Cahier de préconisations téléchargé."),
    ):
        with page.expect_download():
            stays(name, outcome_text)
    close = c.button("Terminer la session…")
    close.focus()
    page.keyboard.press("Enter")
    expect(c.button("Oui, terminer la session")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # « Annuler »
    expect(close).to_be_focused()
    page.keyboard.press("Enter")
    expect(c.button("Oui, terminer la session")).to_be_focused()
    page.keyboard.press("Enter")
    expect(c.notice).to_contain_text("La session est terminée.")
    expect(close).to_be_focused()
    expect(close).to_have_attribute("aria-disabled", "true")

    # 7.5: one polite live region, which said each outcome once (« +5 min » too).
    assert page.evaluate(LIVE_REGIONS) == ["live-region"]
    said: list[str] = page.evaluate("window.said")
    assert said.count("Le tour est prolongé de 5 min.") == 1, said
    assert said.count("Le vœu est adopté.") == 1, said
    assert said.count("Énoncé publié.") == 2, said


def test_the_projector_has_one_live_region_that_says_what_the_wall_shows(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    page = open_context(PROJECTOR).new_page()
    page.goto(f"{room.url}/p/{room.id}")
    expect(page.get_by_test_id("projector-qr")).to_be_visible()
    page.evaluate(LISTEN)
    residents: list[Member] = a_closed_vote(room)
    steer(room, ("ShowResults", {"vote": "v1"}), ("OpenConsent", {"proposal": "pr1"}))
    expect(page.get_by_test_id("projector-consent")).to_be_visible()
    as_member(room, residents[1], ("RaiseObjection", {"consent": "c1", "text": OBJECTIONS[0]}))
    expect(page.get_by_test_id("objection-counts")).to_contain_text("1 objection en attente")
    steer(
        room, ("ResolveObjection", {"objection": "o1", "resolution": "amended", "wording": AMENDED})
    )
    expect(page.get_by_test_id("consent-wording")).to_contain_text(AMENDED)
    steer(room, ("AdoptVoeu", {"consent": "c1", "outcome": OUTCOME}))
    expect(page.get_by_test_id("projector-voeu")).to_be_visible()
    page.wait_for_function("() => window.said.some(text => text.startsWith('Vœu adopté'))")
    assert page.evaluate(LIVE_REGIONS) == ["live-region"]
    said: str = "\n".join(page.evaluate("window.said"))
    for fact in (
        "Résultat du vote (jugement majoritaire)",
        "Tour de consentement",
        "1 objection en attente",
        f"Formulation proposée\u00a0: «\u00a0{AMENDED}\u00a0»",
        f"Vœu adopté\u00a0: «\u00a0{AMENDED}\u00a0»",
    ):
        assert said.count(fact) == 1, (fact, said)

    # A skip link is the first stop of the keyboard, and leads to the main content.
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()

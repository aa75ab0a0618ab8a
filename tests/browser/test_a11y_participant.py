"""Accessibility of the participant's side (RGAA 4.1 / WCAG 2.1 AA), in the browser.

axe-core scans every view a resident or a visitor meets — the home page, /j (the code field),
the join form, a session that is over, the tablet in a round, the host's view, a ballot, a
consent round — at 360 px and on a desktop, in French and in English, and finds no violation of
any impact. Then what axe cannot see: the focus after « Rejoindre la session » and « Envoyer mon
vote », required fields said in their labels and by aria-required, the pressed position told
apart in forced colours, the pending hatch's contrast, explanations that open by touch, targets
of 44 px, words that are not cut letter by letter.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from ..server.live import LiveServer
from ..server.scenario import Room
from .conftest import DESKTOP, PHONE, WORDS_CUT, screenshot
from .tablet import a_running_round, open_tablet, over_the_wire, scan_every_way

STATEMENT = "Il faut plus de bancs à l’ombre au square Léon."


def open_every_explanation(page: Any) -> int:
    """Open each « ? » of the page (so that its explanation is scanned too); how many."""
    buttons = page.locator("button.mk-explain[aria-expanded='false']")
    count: int = buttons.count()
    for _ in range(count):
        buttons.first.click()
    return count


def test_every_participant_view_passes_axe_at_every_width_in_both_languages(
    server: LiveServer, open_context: Any
) -> None:
    found: dict[str, list[str]] = {}
    visitor = open_context(PHONE).new_page()
    for name, url in (("home", "/"), ("code field", "/j")):
        visitor.goto(f"{server.url}{url}")
        expect(visitor.locator("h1")).to_have_count(1)
        open_every_explanation(visitor)
        found |= scan_every_way(visitor, name)

    table = a_running_round(server)
    room = table.room
    visitor.goto(f"{server.url}/j/{room.code}")
    expect(visitor.get_by_label(re.compile("Votre pseudo"))).to_be_visible()
    assert open_every_explanation(visitor) == 1  # « QPV »
    found |= scan_every_way(visitor, "join form")

    over = Room.create(server)
    over_the_wire(over, [(None, "CloseSession", {})])
    visitor.goto(f"{server.url}/j/{over.code}")
    expect(visitor.get_by_test_id("session-closed")).to_be_visible()
    found |= scan_every_way(visitor, "join a closed session")

    over_the_wire(
        room,
        [
            (table.guest, "ProposeStatement", {"text": STATEMENT}),
            (None, "PublishStatement", {"statement": "s1"}),
            (table.guest, "TakePosition", {"statement": "s1", "value": 1}),
        ],
    )
    guest = open_tablet(open_context(PHONE), room, table.guest)
    expect(guest.get_by_test_id("statement-list")).to_contain_text(STATEMENT)
    expect(guest.get_by_test_id("position-s1")).to_have_attribute("data-value", "1")
    assert open_every_explanation(guest) == 1  # « énoncé »
    found |= scan_every_way(guest, "tablet in a round")
    screenshot(guest, "a11y-tablet-round")

    host = open_tablet(open_context(PHONE), room, table.host)
    expect(host.get_by_test_id("synthesis-input")).to_be_visible()
    assert open_every_explanation(host) == 2  # « synthèse », « énoncé »
    found |= scan_every_way(host, "host view")
    screenshot(host, "a11y-tablet-host")

    over_the_wire(
        room,
        [
            (None, "EndRound", {}),
            (None, "PromoteProposal", {"statement": "s1"}),
            (None, "OpenVote", {"proposals": ["pr1"]}),
        ],
    )
    expect(guest.get_by_test_id("ballot-v1")).to_be_visible()
    found |= scan_every_way(guest, "ballot")
    screenshot(guest, "a11y-tablet-ballot")

    over_the_wire(
        room,
        [
            (table.guest, "CastBallot", {"vote": "v1", "grades": {"pr1": 5}}),
            (table.host, "CastBallot", {"vote": "v1", "grades": {"pr1": 6}}),
            (None, "CloseVote", {"vote": "v1"}),
            (None, "ShowResults", {"vote": "v1"}),
            (None, "OpenConsent", {"proposal": "pr1"}),
        ],
    )
    expect(guest.get_by_test_id("consent-card")).to_be_visible()
    expect(guest.get_by_test_id("results")).to_be_visible()
    assert open_every_explanation(guest) == 3  # « consentement », « vœu », « objection »
    found |= scan_every_way(guest, "consent round")
    screenshot(guest, "a11y-tablet-consent")

    assert found == {view: [] for view in found}, "axe-core: violations (any impact)"


def test_the_focus_stays_on_the_page_after_joining_and_after_voting(
    server: LiveServer, open_context: Any
) -> None:
    table = a_running_round(server)
    room = table.room
    page = open_context(PHONE).new_page()
    page.goto(f"{server.url}/j/{room.code}")
    page.get_by_label(re.compile("Votre pseudo")).fill("Chloé")
    page.locator("#territory-2").check()
    page.get_by_text("Technicien·ne", exact=True).click()
    page.get_by_role("button", name="Rejoindre la session").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Vous êtes Chloé")).to_be_visible()
    # The form that had the focus is gone: the focus is on the tablet's first section.
    expect(page.locator("#table-title")).to_be_focused()

    over_the_wire(
        room,
        [
            (table.guest, "ProposeStatement", {"text": STATEMENT}),
            (None, "PublishStatement", {"statement": "s1"}),
            (None, "EndRound", {}),
            (None, "PromoteProposal", {"statement": "s1"}),
            (None, "OpenVote", {"proposals": ["pr1"]}),
        ],
    )
    ballot = page.get_by_test_id("ballot-v1")
    ballot.get_by_text("Bien", exact=True).click()
    send = ballot.get_by_role("button", name="Envoyer mon vote")
    send.focus()
    page.keyboard.press("Enter")
    expect(ballot).to_contain_text("Vous avez voté. Merci\u202f!")
    # The button stays, said unavailable, and keeps the focus (it was `disabled`: focus on <body>).
    expect(send).to_be_focused()
    expect(send).to_have_attribute("aria-disabled", "true")
    page.keyboard.press("Enter")  # pressing it again sends nothing
    expect(ballot).to_contain_text("Vous avez voté. Merci\u202f!")


def test_required_fields_say_so_in_their_label_and_to_assistive_technologies(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    page = open_context(DESKTOP).new_page()
    page.goto(f"{server.url}/j/{room.code}")
    pseudonym = page.get_by_role("textbox", name="Votre pseudo (obligatoire)")
    expect(pseudonym).to_have_attribute("aria-required", "true")
    for group in ("Votre territoire (obligatoire)", "Vous venez comme (obligatoire)"):
        expect(page.get_by_role("radiogroup", name=group)).to_have_attribute(
            "aria-required", "true"
        )
    options = page.get_by_role("checkbox")
    expect(options).to_have_count(3)  # and « Me reconnaître d'une séance à l'autre »
    for i in range(3):  # the three options are not required, and not marked
        assert options.nth(i).get_attribute("aria-required") is None

    page.goto(f"{server.url}/")
    code = page.get_by_role("textbox", name="Code de la session (obligatoire)")
    expect(code).to_have_attribute("aria-required", "true")
    title = page.get_by_role("textbox", name="Titre de la session (obligatoire)")
    expect(title).to_have_attribute("aria-required", "true")
    prompts = page.get_by_role("textbox", name="Question posée (obligatoire)")
    expect(prompts).to_have_count(4)  # the usual programme's four rounds
    for i in range(4):
        expect(prompts.nth(i)).to_have_attribute("aria-required", "true")
    commune = page.get_by_role("textbox", name="Commune").first  # optional: not marked
    assert commune.get_attribute("aria-required") is None


def test_the_pressed_position_shows_in_forced_colours(
    server: LiveServer, open_context: Any
) -> None:
    table = a_running_round(server)
    over_the_wire(
        table.room,
        [
            (table.guest, "ProposeStatement", {"text": STATEMENT}),
            (None, "PublishStatement", {"statement": "s1"}),
        ],
    )
    page = open_tablet(open_context(PHONE), table.room, table.guest)
    scale = page.get_by_test_id("position-s1")
    scale.locator("button[data-value='1']").click()
    expect(scale).to_have_attribute("data-pending", "false")
    page.emulate_media(forced_colors="active")
    look = (
        "b => { const s = getComputedStyle(b); return [s.backgroundColor, s.color,"
        " s.borderTopStyle, s.outlineStyle].join(' | '); }"
    )
    pressed = scale.locator("button[aria-pressed='true']").evaluate(look)
    others = {scale.locator(f"button[data-value='{v}']").evaluate(look) for v in ("-2", "0", "2")}
    screenshot(page, "a11y-forced-colours")
    assert pressed not in others, f"pressed {pressed} looks like the others {others}"


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """WCAG 2.1 contrast ratio of two sRGB colours (0..255)."""

    def luminance(rgb: tuple[float, ...]) -> float:
        channels = [c / 255 for c in rgb[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def rgb(css: str) -> tuple[float, ...]:
    return tuple(float(x) for x in re.findall(r"[\d.]+", css)[:3])


def test_a_position_waiting_to_be_sent_shows_its_hatch_with_enough_contrast(
    server: LiveServer, open_context: Any
) -> None:
    table = a_running_round(server)
    over_the_wire(
        table.room,
        [
            (table.guest, "ProposeStatement", {"text": STATEMENT}),
            (None, "PublishStatement", {"statement": "s1"}),
        ],
    )
    context = open_context(PHONE)
    page = open_tablet(context, table.room, table.guest)
    context.set_offline(True)
    scale = page.get_by_test_id("position-s1")
    for value in ("2", "-1"):  # a light tint and a dark one
        scale.locator(f"button[data-value='{value}']").click()
        expect(scale).to_have_attribute("data-pending", "true")
        button = scale.locator(f"button[data-value='{value}']")
        style = button.evaluate(
            "b => { const s = getComputedStyle(b);"
            " return {image: s.backgroundImage, color: s.color, border: s.borderTopStyle}; }"
        )
        stripes = re.findall(r"rgba?\([^)]*\)", style["image"])
        assert "repeating-linear-gradient" in style["image"], style
        assert len(stripes) >= 2, style
        ratios = [contrast(rgb(style["color"]), rgb(stripe)) for stripe in stripes]
        assert min(ratios) >= 4.5, f"the words on the hatch: {ratios} ({style})"
        assert style["border"] == "dashed"
    screenshot(page, "a11y-pending-hatch")
    context.set_offline(False)
    expect(scale).to_have_attribute("data-pending", "false")


def test_the_words_of_the_tablet_are_explained_by_touch(
    server: LiveServer, open_context: Any
) -> None:
    table = a_running_round(server)
    page = open_tablet(open_context(PHONE, has_touch=True), table.room, table.guest)
    question = page.get_by_role("button", name="Qu’est-ce qu’un énoncé\u202f?")
    explanation = page.locator("#explain-statement")
    expect(explanation).to_be_hidden()
    question.tap()
    expect(question).to_have_attribute("aria-expanded", "true")
    expect(explanation).to_be_visible()
    expect(explanation).to_contain_text("une phrase courte qui dit un problème ou une idée")
    question.tap()
    expect(explanation).to_be_hidden()

    visitor = open_context(PHONE, has_touch=True).new_page()
    visitor.goto(f"{table.room.url}/j/{table.room.code}")
    qpv = visitor.get_by_role("button", name="Que veut dire «\u00a0QPV\u00a0»\u202f?")
    qpv.tap()
    expect(visitor.locator("#explain-qpv")).to_contain_text("quartier prioritaire")
    # No hover-only text left: the QPV mark has no title to hover for.
    expect(visitor.locator(".mk-qpv[title]")).to_have_count(0)


def test_the_qpv_box_on_the_home_page_is_a_large_target(
    server: LiveServer, open_context: Any
) -> None:
    page = open_context(PHONE, has_touch=True).new_page()
    page.goto(f"{server.url}/")
    box = page.locator("#territory-qpv-1")  # the usual programme's second territory: not a QPV
    expect(box).not_to_be_checked()
    target = page.locator("label[for='territory-qpv-1']")
    size = target.bounding_box()
    assert size is not None
    assert size["height"] >= 44, size
    assert size["width"] >= 44, size
    # A tap on the words, away from the box itself, ticks it.
    target.tap(position={"x": size["width"] - 12, "y": size["height"] / 2})
    expect(box).to_be_checked()


def test_no_word_is_cut_letter_by_letter_on_a_narrow_phone(
    server: LiveServer, open_context: Any
) -> None:
    table = a_running_round(server)
    over_the_wire(
        table.room,
        [
            (table.guest, "ProposeStatement", {"text": STATEMENT}),
            (None, "PublishStatement", {"statement": "s1"}),
        ],
    )
    narrow = {"width": 320, "height": 640}
    page = open_tablet(open_context(narrow), table.room, table.host)
    expect(page.get_by_test_id("statement-list")).to_contain_text(STATEMENT)
    page.evaluate("document.documentElement.style.fontSize = '36px'")  # 200 % text
    assert page.evaluate(WORDS_CUT) == []
    visitor = open_context(narrow).new_page()
    visitor.goto(f"{server.url}/j/{table.room.code}")
    expect(visitor.get_by_label(re.compile("Votre pseudo"))).to_be_visible()
    visitor.evaluate("document.documentElement.style.fontSize = '36px'")
    assert visitor.evaluate(WORDS_CUT) == []

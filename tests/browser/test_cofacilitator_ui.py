"""The co-facilitator link in the browser (issue 14 §4): the facilitator creates one from the
console, it is shown once; opened on another device it steers the session; revoked from the
console, that device is cut off at once and refused again after a reload. And axe-core finds no
violation in the co-facilitation section, at 360 px and on a desktop, in French and in English."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from ..server.live import LiveServer
from ..server.scenario import Room
from .conftest import DESKTOP, PHONE, axe_violations, screenshot
from .test_a11y_screens import ALL_IMPACTS, console_ready, in_english
from .wire import people


def open_console(context: Any, url: str) -> Any:
    page = context.new_page()
    page.goto(url)
    console_ready(page)
    return page


def give_link(page: Any, label: str) -> str:
    """Create a co-facilitator link from the console's form; the link it shows once."""
    section = page.get_by_test_id("cofacilitators-section")
    section.get_by_label("Pour qui est ce lien").fill(label)
    section.get_by_test_id("cofac-add").click()
    link = page.get_by_test_id("cofac-link")
    expect(link).to_be_visible()
    expect(link).to_be_focused()  # read out at once
    value: str = link.input_value()
    return value


def test_the_co_facilitator_link_works_then_is_revoked_and_refused(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    people(room, "Awa", "Bruno", "Chloé")
    facilitator = open_console(open_context(DESKTOP), f"{room.url}/f/{room.id}#token={room.token}")
    link = give_link(facilitator, "Amina, accueil")
    assert link.startswith(f"{room.url}/f/{room.id}#token=")
    assert len(link.split("#token=")[1]) >= 43
    expect(facilitator.get_by_test_id("console-status")).to_contain_text(
        "Lien de co-animation créé pour «\u00a0Amina, accueil\u00a0»"
    )
    item = facilitator.locator("[data-cofacilitator=cf1]")
    expect(item).to_contain_text("Amina, accueil")
    expect(item).to_contain_text("En service")
    facilitator.get_by_role("button", name="J’ai donné le lien, le masquer").click()
    expect(facilitator.get_by_test_id("cofac-link")).to_have_count(0)  # shown once

    # On another device the link opens the console, which steers the session.
    other = open_console(open_context(PHONE), link)
    expect(other.get_by_test_id("cofacilitators-section")).to_contain_text(
        "Vous animez avec un lien de co-animation"
    )
    expect(other.get_by_test_id("cofac-add")).to_have_count(0)
    other.get_by_role("button", name="Placer les tables").click()
    expect(facilitator.locator("#seating")).to_contain_text("Table 1")
    screenshot(other, "cofacilitator-console")

    # Revoked from the facilitator's console: cut off at once…
    item.get_by_role("button", name="Retirer ce lien").click()
    expect(item).to_contain_text("Retiré")
    expect(other.get_by_test_id("console-revoked")).to_contain_text(
        "Votre lien de co-animation a été retiré"
    )
    expect(other.get_by_test_id("connection")).to_have_attribute("data-status", "offline")
    screenshot(other, "cofacilitator-revoked")
    # …and refused again after a reload (the token stays in the tab).
    other.reload()
    expect(other.get_by_test_id("console-revoked")).to_be_visible()
    expect(other.get_by_test_id("connection")).not_to_have_attribute("data-status", "online")


def test_the_co_facilitation_section_passes_axe_at_every_impact(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    console = f"{room.url}/f/{room.id}#token={room.token}"
    found: dict[str, list[str]] = {}
    for viewport in (PHONE, DESKTOP):
        for lang in ("fr", "en"):
            context = open_context(viewport)
            if lang == "en":
                in_english(context)
            page = open_console(context, console)
            section = page.get_by_test_id("cofacilitators-section")
            section.locator("input#cofac-label").fill("")
            section.get_by_test_id("cofac-add").click()  # the error of an empty name
            expect(section.locator("#cofac-label-error")).to_be_visible()
            section.locator("input#cofac-label").fill(f"Personne {lang} {viewport['width']}")
            section.get_by_test_id("cofac-add").click()
            link = page.get_by_test_id("cofac-link")
            expect(link).to_be_visible()
            key = f"console, a link given, {lang}, {viewport['width']} px"
            found[key] = axe_violations(page, impacts=ALL_IMPACTS)
            other = open_console(open_context(viewport), link.input_value())
            if lang == "en":
                in_english(other.context)
                other.reload()
                console_ready(other)
            found[f"co-facilitator's console, {lang}, {viewport['width']} px"] = axe_violations(
                other, impacts=ALL_IMPACTS
            )
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > viewport["width"]:
                found[key].append(f"the page scrolls sideways: {width} px")
            context.close()
    assert {key: problems for key, problems in found.items() if problems} == {}

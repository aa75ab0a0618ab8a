"""The console with the keyboard only: a facilitator who does not use a mouse can steer.

Tab moves through the console in document order to the button wanted, Enter presses it; focus
is always visible (an outline on the focused element).
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from ..server.live import LiveServer
from ..server.scenario import Room, closing_every_socket
from .conftest import DESKTOP, run_beside

MAX_TABS = 200


def tab_to(page: Any, name: str) -> None:
    """Press Tab until the focused element is the button called ``name``."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement, style = getComputedStyle(e);"
            " return {tag: e.tagName, text: e.innerText || '',"
            " outline: style.outlineStyle, shadow: style.boxShadow}; }"
        )
        if focused["tag"] == "BUTTON" and focused["text"].strip() == name:
            assert focused["outline"] != "none" or focused["shadow"] != "none", "focus not visible"
            return
    raise AssertionError(f"{name!r} not reached with {MAX_TABS} presses of Tab")


def test_the_facilitator_seats_and_starts_a_round_with_the_keyboard_only(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)

    async def two_people() -> None:
        await room.join("Awa")
        await room.join("Bruno", territory="t2")

    run_beside(closing_every_socket(two_people()))
    page = open_context(DESKTOP).new_page()
    page.goto(f"{server.url}/f/{room.id}#token={room.token}")
    expect(page.get_by_text("2 personnes inscrites.")).to_be_visible()

    tab_to(page, "Placer les tables")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("seating-plan")).to_contain_text("Awa")
    tab_to(page, "Lancer le tour suivant")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Pause", exact=True)).to_be_enabled()

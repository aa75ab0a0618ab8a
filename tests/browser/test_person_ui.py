"""Being recognised from one session of the programme to the next, from the join form on a
phone (360 px): the box is there, labelled, large, unticked; ticked, the join carries the key
the device made once and keeps (``metrokawa.person``), the same in the next session; unticked,
it carries none.
"""

from __future__ import annotations

import re
from typing import Any, Final

from playwright.sync_api import expect

from session_engine.events import ParticipantJoined

from ..server.live import LiveServer
from ..server.scenario import Room
from .conftest import PHONE, WORDS_CUT, axe_violations, screenshot

LABEL: Final = (
    "Me reconnaître d’une séance à l’autre du programme (pour mesurer l’évolution des avis, "
    "sans jamais montrer mon nom)"
)
KEY_SHAPE: Final = re.compile(r"[A-Za-z0-9_-]{22}")


def fill_in(page: Any, name: str) -> Any:
    """The join form filled in but not sent; the box, as a checkbox found by its label."""
    page.get_by_label(re.compile("Votre pseudo")).fill(name)
    page.locator("#territory-0").check()
    page.get_by_text("Habitant·e", exact=True).click()
    return page.get_by_role("checkbox", name=LABEL)


def send(page: Any, name: str) -> None:
    page.get_by_role("button", name="Rejoindre la session").click()
    expect(page.get_by_text(f"Vous êtes {name}")).to_be_visible()


def keys_joined(room: Room) -> dict[str, str | None]:
    """Pseudonym → the key its join carried, in the log as the server stores it."""
    return {
        e.event.pseudonym: e.event.person
        for e in room.stored()
        if isinstance(e.event, ParticipantJoined)
    }


def test_the_box_is_unticked_labelled_large_and_fits_a_phone(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    page = open_context(PHONE).new_page()
    page.goto(f"{server.url}/j/{room.code}")
    box = fill_in(page, "Awa")
    expect(box).not_to_be_checked()
    label = page.locator("label", has=box)
    target = label.bounding_box()
    assert target is not None
    assert target["height"] >= 44, target  # a finger's target: the whole label
    assert target["x"] >= 0, target
    assert target["x"] + target["width"] <= PHONE["width"], target
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.evaluate(WORDS_CUT) == []
    label.click(position={"x": target["width"] - 10, "y": target["height"] / 2})  # its text
    expect(box).to_be_checked()
    screenshot(page, "join-remember-360")
    box.focus()
    page.keyboard.press("Space")
    expect(box).not_to_be_checked()
    assert axe_violations(page, impacts=("minor", "moderate", "serious", "critical")) == []
    assert page.evaluate("localStorage.getItem('metrokawa.person')") is None  # nothing made yet


def test_ticked_the_join_carries_the_devices_key_and_unticked_none(
    server: LiveServer, open_context: Any
) -> None:
    first, second, third = Room.create(server), Room.create(server), Room.create(server)
    context = open_context(PHONE)
    page = context.new_page()

    page.goto(f"{server.url}/j/{first.code}")
    fill_in(page, "Awa").check()
    send(page, "Awa")
    key = page.evaluate("localStorage.getItem('metrokawa.person')")
    assert isinstance(key, str)
    assert KEY_SHAPE.fullmatch(key), key
    assert keys_joined(first) == {"Awa": key}

    page.goto(f"{server.url}/j/{second.code}")  # the next session, on the same phone
    box = fill_in(page, "Awa")
    expect(box).not_to_be_checked()  # asked again each time
    box.check()
    send(page, "Awa")
    assert keys_joined(second) == {"Awa": key}  # the same key: the same person

    page.goto(f"{server.url}/j/{third.code}")
    fill_in(page, "Awa")
    send(page, "Awa")
    assert keys_joined(third) == {"Awa": None}  # not ticked: nothing sent
    assert page.evaluate("localStorage.getItem('metrokawa.person')") == key  # still kept

"""Finding the way in: the home page, /j without a code, a wrong code, a session that is over,
an address that leads nowhere — each says where one is in French (and its own page title), and
offers the way on.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from ..server.live import LiveServer
from ..server.scenario import Room, closing_every_socket
from .conftest import PHONE, run_beside
from .tablet import open_tablet, over_the_wire

TITLE = "Métrokawa de test"  # the test sessions' title


def test_joining_a_session_that_is_over_says_so_at_once(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    over_the_wire(room, [(None, "CloseSession", {})])
    page = open_context(PHONE).new_page()
    page.goto(f"{server.url}/j/{room.code}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cette session est terminée")
    expect(page.get_by_test_id("session-closed")).to_contain_text(
        f"La session «\u00a0{TITLE}\u00a0» est terminée. On ne peut plus la rejoindre."
    )
    expect(page).to_have_title(f"Session terminée\u00a0: «\u00a0{TITLE}\u00a0» — Métrokawa")
    # No form to fill in first.
    expect(page.locator("form")).to_have_count(0)
    expect(page.get_by_role("button", name="Rejoindre la session")).to_have_count(0)


def test_j_without_a_code_asks_for_one(server: LiveServer, open_context: Any) -> None:
    room = Room.create(server)
    page = open_context(PHONE).new_page()
    response = page.goto(f"{server.url}/j")
    assert response is not None
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejoindre une session")
    expect(page).to_have_title("Rejoindre une session — Métrokawa")
    field = page.get_by_role("textbox", name="Code de la session (obligatoire)")
    page.get_by_role("button", name="Rejoindre", exact=True).click()
    expect(page.get_by_text("Écrivez le code de la session.")).to_be_visible()
    expect(field).to_be_focused()
    expect(field).to_have_attribute("aria-invalid", "true")
    field.fill(room.code.lower())
    field.press("Enter")
    expect(page).to_have_url(re.compile(f"/j/{room.code}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rejoindre «\u00a0{TITLE}\u00a0»")
    expect(page).to_have_title(f"Rejoindre «\u00a0{TITLE}\u00a0» — Métrokawa")
    page.get_by_role("button", name="English", exact=True).click()
    expect(page).to_have_title(f"Join “{TITLE}” — Métrokawa")


def test_a_wrong_code_says_the_session_is_not_found_and_asks_again(
    server: LiveServer, open_context: Any
) -> None:
    page = open_context(PHONE).new_page()
    page.goto(f"{server.url}/j/ZZZZZZ")
    expect(page.get_by_role("heading", level=1)).to_have_text("Session introuvable")
    expect(page).to_have_title("Session introuvable — Métrokawa")
    expect(page.get_by_role("textbox", name="Code de la session (obligatoire)")).to_be_visible()


def test_the_home_page_offers_to_join_with_a_code_first(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    page = open_context(PHONE).new_page()
    page.goto(f"{server.url}/")
    expect(page).to_have_title("Métrokawa — rejoindre ou créer une session")
    sections = page.locator("main h2")
    expect(sections.nth(0)).to_have_text("Rejoindre avec un code")
    expect(sections.nth(1)).to_have_text("Créer une session")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_have_attribute("href", "#main")
    page.get_by_role("textbox", name="Code de la session (obligatoire)").fill(room.code)
    page.get_by_role("button", name="Rejoindre", exact=True).click()
    expect(page).to_have_url(re.compile(f"/j/{room.code}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rejoindre «\u00a0{TITLE}\u00a0»")


def test_the_created_session_s_code_is_heard_letter_by_letter(
    server: LiveServer, open_context: Any
) -> None:
    page = open_context(PHONE).new_page()
    page.goto(f"{server.url}/")
    page.get_by_role("button", name="Créer la session").click()
    code = page.get_by_test_id("join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6}", code), code
    card = page.locator("section", has=page.get_by_test_id("join-code"))
    # Said as « Q 6 V N V B », never as a word; no aria-label on a <p>.
    expect(card.locator(".mk-sr-only")).to_have_text(" ".join(code))
    expect(page.locator("p[aria-label]")).to_have_count(0)


def test_an_address_that_leads_nowhere_answers_in_french(
    server: LiveServer, open_context: Any
) -> None:
    page = open_context(PHONE).new_page()
    response = page.goto(f"{server.url}/nulle-part")
    assert response is not None
    assert response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    page.get_by_role("link", name="Rejoindre une session avec son code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rejoindre une session")


def test_each_state_of_the_participant_page_has_its_own_title(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    member = run_beside(closing_every_socket(room.join("Dounia")))
    page = open_tablet(open_context(PHONE), room, member)
    expect(page).to_have_title(f"«\u00a0{TITLE}\u00a0», ma tablette — Métrokawa")
    page.get_by_role("button", name="English", exact=True).click()
    expect(page).to_have_title(f"“{TITLE}”, my tablet — Métrokawa")

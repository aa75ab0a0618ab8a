"""The organisers' pages in Chromium at 360 px: an account made by ``metrokawa organiser add``
chooses its password through its link, invites a colleague, logs out and in again with the form.

On every page (the link's form, the login form with its error, the invitation with the link
shown): axe-core finds no violation of any impact, nothing scrolls sideways, the fields are
reached by their labels, and the error is read with its field (aria-describedby).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import expect

from server.cli import main

from ..server.live import LiveServer
from .conftest import PHONE, axe_violations, screenshot

ALL_IMPACTS = ("minor", "moderate", "serious", "critical")
LINK = re.compile(r"https?://[^\s\"<>]+/mot-de-passe/[A-Za-z0-9_-]{43}")
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def checked(page: Any, name: str) -> None:
    assert axe_violations(page, impacts=ALL_IMPACTS) == [], name
    assert page.evaluate(SIDEWAYS) <= 0, name
    screenshot(page, f"organisers-{name}")


def test_an_organiser_sets_a_password_invites_and_logs_in_again_at_360_px(
    server: LiveServer, open_context: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["organiser", "add", "awa@asso.example", "--db", str(server.db_path)]
    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as thread:
        code = thread.submit(main, [*args, "--public-url", server.url]).result()
    found = LINK.search(capsys.readouterr().out)
    assert code == 0
    assert found is not None
    page = open_context(viewport=PHONE).new_page()
    page.goto(found.group(0))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisir votre mot de passe")
    checked(page, "mot-de-passe")
    page.get_by_label("Nouveau mot de passe").fill("un café à la table trois")
    page.get_by_label("Le même, une seconde fois").fill("un café à la table trois")
    page.get_by_role("button", name="Enregistrer et se connecter").click()
    page.wait_for_url(f"{server.url}/programmes")

    page.goto(f"{server.url}/organisateurs/inviter")
    expect(page.get_by_text("awa@asso.example")).to_be_visible()
    page.get_by_label("Son adresse électronique").fill("binta@asso.example")
    page.get_by_role("button", name="Créer le compte et le lien").click()
    expect(page.get_by_role("heading", name="Compte créé pour binta@asso.example.")).to_be_visible()
    assert LINK.fullmatch(page.locator(".link a").inner_text())
    checked(page, "inviter")

    page.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(f"{server.url}/connexion")
    page.get_by_label("Adresse électronique").fill("awa@asso.example")
    page.get_by_label("Mot de passe").fill("pas le bon mot de passe")
    page.get_by_role("button", name="Se connecter").click()
    error = page.get_by_role("alert")
    expect(error).to_have_text("Adresse électronique ou mot de passe incorrect.")
    described = page.get_by_label("Mot de passe").get_attribute("aria-describedby")
    assert described == error.get_attribute("id")
    checked(page, "connexion-erreur")
    page.get_by_label("Mot de passe").fill("un café à la table trois")
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{server.url}/programmes")

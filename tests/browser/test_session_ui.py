"""A whole short session through the user interface, as a room would live it.

A facilitator creates the session on the home page and steers it from the console; three
residents join by code on their own phones and tablets (separate browser contexts); a projector
shows the room. Two rounds with statements, positions and a rotation, a host's synthesis, a
majority-judgment vote, results on the projector. At the end the exported log must hold exactly
what the screens said happened. Screenshots of every view are kept in ``test-artifacts/browser``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import expect

from session_engine import read_log
from session_engine.events import ResultsShown

from ..server.live import LiveServer
from ..server.scenario import Room
from .conftest import DESKTOP, PHONE, PROJECTOR, TABLET, axe_violations, screenshot

PEOPLE = (("Awa", "habitant", PHONE), ("Bruno", "elu", TABLET), ("Chloé", "technicien", PHONE))


@dataclass
class Resident:
    name: str
    page: Any

    def statement(self, text: str) -> None:
        self.page.get_by_label("Votre énoncé").fill(text)
        self.page.get_by_role("button", name="Envoyer l’énoncé").click()
        expect(self.page.get_by_test_id("my-statements")).to_contain_text(text)

    def position(self, text: str, value: str) -> None:
        item = self.page.get_by_test_id("statement-list").locator("li", has_text=text)
        scale = item.locator("[data-testid^='position-']")
        scale.locator(f"button[data-value='{value}']").click()
        expect(scale).to_have_attribute("data-value", value)
        expect(scale).to_have_attribute("data-pending", "false")

    def hosts(self) -> bool:
        badge = self.page.get_by_test_id("table-number").locator("..").get_by_test_id("host-badge")
        return bool(badge.count())


def join(page: Any, base: str, code: str, name: str, role: str, territory: int) -> Resident:
    page.goto(f"{base}/j/{code.lower()}")
    page.get_by_label("Votre pseudo").fill(name)
    page.locator(f"#territory-{territory}").check()
    page.get_by_text(
        {"habitant": "Habitant·e", "elu": "Élu·e", "technicien": "Technicien·ne"}[role],
        exact=True,
    ).click()
    page.get_by_role("button", name="Rejoindre la session").click()
    expect(page.get_by_text(f"Vous êtes {name}")).to_be_visible()
    expect(page.get_by_test_id("connection")).to_have_attribute("data-status", "online")
    return Resident(name, page)


def console_button(console: Any, name: str) -> Any:
    button = console.get_by_role("button", name=name, exact=True)
    expect(button).to_be_enabled()
    return button


def publish(console: Any, text: str) -> None:
    queue = console.get_by_test_id("moderation-queue")
    queue.locator("li", has_text=text).get_by_role("button", name="Publier").click()
    expect(queue.locator("li", has_text=text)).to_have_count(0)


def test_a_whole_short_session_through_the_ui(server: LiveServer, open_context: Any) -> None:
    scans: dict[str, list[str]] = {}

    def keep(page: Any, name: str) -> None:
        """A screenshot for the artifacts and an axe-core scan of the view as it is now."""
        screenshot(page, name)
        scans[name] = axe_violations(page)

    # --- the facilitator creates the session on the home page --------------------------------
    home = open_context(DESKTOP).new_page()
    home.goto(f"{server.url}/")
    expect(home.get_by_role("heading", level=1)).to_be_visible()
    keep(home, "home")
    home.get_by_role("button", name="Créer la session").click()
    code = home.get_by_test_id("join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{6}", code), code
    link = home.get_by_label("Lien d’animation (secret)").input_value()
    session_id = urlsplit(link).path.rsplit("/", 1)[1]
    token = urlsplit(link).fragment.removeprefix("token=")
    home.get_by_role("button", name="Ouvrir la console d’animation").click()
    console = home
    expect(console.get_by_test_id("connection")).to_have_attribute("data-status", "online")
    assert "token" not in console.url, "the token must leave the address bar"

    projector = open_context(PROJECTOR).new_page()
    projector.goto(f"{server.url}/p/{session_id}")
    expect(projector.get_by_test_id("projector-qr")).to_be_visible()

    # --- three residents join by code, on their own devices ----------------------------------
    residents = [
        join(open_context(viewport).new_page(), server.url, code, name, role, territory=i)
        for i, (name, role, viewport) in enumerate(PEOPLE)
    ]
    expect(console.get_by_text("3 personnes inscrites.")).to_be_visible()

    # --- seating, round 1 --------------------------------------------------------------------
    console_button(console, "Placer les tables").click()
    plan = console.get_by_test_id("seating-plan")
    for resident in residents:
        expect(plan).to_contain_text(resident.name)
        expect(resident.page.get_by_test_id("table-number")).to_have_text(re.compile(r"\d+"))
    console_button(console, "Lancer le tour suivant").click()
    for resident in residents:
        expect(resident.page.get_by_test_id("round-prompt")).not_to_be_empty()
        expect(resident.page.get_by_test_id("countdown")).to_contain_text(re.compile(r"\d+:\d\d"))
    expect(projector.get_by_test_id("projector-countdown")).to_contain_text(re.compile(r"\d:\d\d"))

    awa, bruno, chloe = residents
    first = "Il faut plus de bancs à l’ombre au square."
    awa.statement(first)
    publish(console, first)
    for resident, value in zip(residents, ("2", "1", "-1"), strict=True):
        resident.position(first, value)
    keep(awa.page, "participant-phone")

    host = next(r for r in residents if r.hosts())
    host.page.get_by_test_id("synthesis-input").fill("Des bancs, de l’ombre, de l’eau.")
    host.page.get_by_role("button", name="Envoyer la synthèse").click()
    expect(host.page.get_by_text("Cette version est envoyée.")).to_be_visible()
    keep(host.page, "participant-host")

    console_button(console, "Projeter les positions").click()
    expect(projector.get_by_test_id("results")).to_contain_text(first)
    keep(projector, "projector-positions")
    console_button(console, "Terminer le tour").click()

    # --- rotation, round 2 -------------------------------------------------------------------
    console_button(console, "Faire tourner les tables").click()
    console_button(console, "Lancer le tour suivant").click()
    second = "Ouvrir la médiathèque le dimanche."
    chloe.statement(second)
    publish(console, second)
    for resident, value in zip(residents, ("pass", "2", "2"), strict=True):
        resident.position(second, value)
    console_button(console, "Terminer le tour").click()

    # --- a majority-judgment vote on both statements ------------------------------------------
    for text in (first, second):
        item = console.get_by_test_id("statement-list").locator("li", has_text=text)
        item.get_by_role("button", name="Promouvoir en proposition").click()
        expect(item).to_contain_text("Proposition au vote")
    console.get_by_label(first).check()
    console.get_by_label(second).check()
    console_button(console, "Ouvrir le vote").click()
    for resident, grades in zip(
        residents,
        (("Excellent", "Bien"), ("Très bien", "Passable"), ("Bien", "Excellent")),
        strict=True,
    ):
        ballot = resident.page.locator("[data-testid^='ballot-']")
        for proposal, grade in zip((first, second), grades, strict=True):
            ballot.locator("fieldset", has_text=proposal).get_by_text(grade, exact=True).click()
        ballot.get_by_role("button", name="Envoyer mon vote").click()
        expect(ballot).to_contain_text("Vous avez voté. Merci\u202f!")
    keep(bruno.page, "participant-ballot")
    expect(console.locator("[data-testid^='ballots-']")).to_contain_text("3")
    console_button(console, "Fermer le vote").click()
    console_button(console, "Projeter le résultat").click()
    results = projector.get_by_test_id("results")
    expect(results).to_contain_text(first)
    expect(results).to_contain_text(second)
    keep(projector, "projector-vote")
    keep(console, "console")
    for resident in residents:
        expect(resident.page.get_by_test_id("results")).to_be_visible()

    # --- the facilitator's two files, downloaded from the console --------------------------
    for button, suffix in (
        ("Télécharger le journal", ".mkawa"),
        ("Télécharger le cahier de préconisations", ".html"),
    ):
        with console.expect_download() as download:
            console.get_by_role("button", name=button).click()
        path = download.value.path()
        assert download.value.suggested_filename.endswith(suffix)
        content = path.read_bytes()
        assert token.encode() not in content, f"the token leaked into {suffix}"
    cahier = content.decode("utf-8")
    assert "Cahier de préconisations" in cahier
    assert "Métrokawa du Grand Paris" in cahier  # the session's own

    # --- what the log says happened ----------------------------------------------------------
    _, envelopes = read_log(Room(server.url, session_id, code, token).log())
    kinds = [e.type for e in envelopes]
    assert kinds.count("ParticipantJoined") == 3
    assert kinds.count("RoundStarted") == 2
    assert kinds.count("TablesRotated") == 1
    assert kinds.count("StatementPublished") == 2
    assert kinds.count("PositionTaken") == 6
    assert kinds.count("SynthesisSubmitted") == 1
    assert kinds.count("BallotCast") == 3
    assert kinds.count("ResultsShown") == 2
    assert scans == {name: [] for name in scans}, "axe-core: serious or critical violations"
    shown = [e.event for e in envelopes if isinstance(e.event, ResultsShown)][-1]
    assert sorted(sum(p) for p in shown.profiles.values()) == [3, 3]


def test_every_view_passes_an_axe_scan(server: LiveServer, open_context: Any) -> None:
    """No serious or critical axe-core violation on any page, on a phone and on a desktop."""
    created = server.create_session()
    pages = {
        "home": f"{server.url}/",
        "participant-join": f"{server.url}/j/{created['code']}",
        "console": created["links"]["facilitator"],
        "projector": f"{server.url}/p/{created['id']}",
    }
    found: dict[str, list[str]] = {}
    for viewport in (PHONE, DESKTOP):
        for name, url in pages.items():
            page = open_context(viewport).new_page()
            page.goto(url)
            page.wait_for_load_state("networkidle")
            expect(page.locator("h1")).to_have_count(1)
            found[f"{name} {viewport['width']}px"] = axe_violations(page)
    assert found == {name: [] for name in found}

"""The forum numérique in the browser, with no map tiles (``METROKAWA_TILES_URL`` empty: the map
stands on a blank background and the list holds everything; nothing reaches the network).

A forum is created through the API. Awa (a phone) and Bruno (a 10" tablet) open the flyers' links
of their two territories: the join form opens with the territory chosen. Awa proposes a problem
with an address, Bruno an idea with a point chosen on the map. The facilitator's console, in
forum mode, counts them per territory and publishes both. Awa's page then lists both with their
territory, theme and place, the map shows Bruno's point (a click on it brings his idea into focus),
Awa rates and comments on Bruno's idea, Bruno sees the comment; the filters keep what they say;
offline, Awa's next proposal waits in the outbox and goes when the network is back; and axe-core
finds nothing on the forum view.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from ..server.live import LiveServer
from .conftest import DESKTOP, PHONE, TABLET, screenshot
from .tablet import scan_every_way

TERRITORIES = [
    {"name": "Bondy Nord", "commune": "Bondy", "qpv": True},
    {"name": "Le Bas-Clichy", "commune": "Clichy-sous-Bois", "qpv": True},
]
THEMES = ["Logement", "Transports"]
PROBLEM = "L’ascenseur du bâtiment B est en panne depuis trois semaines."
IDEA = "Un bus le dimanche jusqu’à la gare."
ADDRESS = "12 allée des Tilleuls, Bondy"
COMMENT = "Oui, et le soir aussi."
LATE = "Pas de lumière dans le passage sous la voie ferrée."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server of its own, with no tile server at all."""
    db = tmp_path_factory.mktemp("forum") / "metrokawa.sqlite"
    live = LiveServer(db, env={"METROKAWA_TILES_URL": ""}).start()
    try:
        yield live
    finally:
        live.stop()


def create_forum(server: LiveServer) -> dict[str, Any]:
    body = {
        "title": "Forum de Bondy et Clichy",
        "territories": TERRITORIES,
        "agenda": [],
        "forum": True,
        "themes": THEMES,
    }
    response = httpx.post(f"{server.url}/api/sessions", json=body, timeout=10)
    response.raise_for_status()
    created: dict[str, Any] = response.json()
    return created


def join_by_flyer(
    page: Any, join_link: str, territory: str, name: str, territory_name: str
) -> None:
    """Open a territory's flyer link: the territory is chosen already, and said so."""
    page.goto(f"{join_link}?territoire={territory}")
    expect(page.get_by_role("radio", name=territory_name)).to_be_checked()
    expect(page.get_by_test_id("territory-linked")).to_contain_text(territory_name)
    expect(page.get_by_text("Je reste à la même table")).to_have_count(0)  # no tables here
    page.get_by_label("Votre pseudo").fill(name)
    page.get_by_text("Habitant·e", exact=True).click()
    page.get_by_role("button", name="Rejoindre la session").click()
    expect(page.get_by_role("heading", name="Forum numérique", exact=True)).to_be_focused()
    expect(page.get_by_test_id("connection")).to_have_attribute("data-status", "online")


def item(page: Any, text: str) -> Any:
    return page.get_by_test_id("forum-list").locator("li.mk-forum-item", has_text=text)


def test_two_residents_of_two_territories_post_rate_comment_and_filter(
    server: LiveServer, open_context: Any
) -> None:
    created = create_forum(server)
    join_link = created["links"]["join"]
    awa = open_context(PHONE).new_page()
    bruno = open_context(TABLET).new_page()
    join_by_flyer(awa, join_link, "t1", "Awa", "Bondy Nord")
    join_by_flyer(bruno, join_link, "t2", "Bruno", "Le Bas-Clichy")

    # --- Awa proposes a problem with an address (the keyboard's way to a place) ---------------
    awa.get_by_label("Votre problème ou votre idée").fill(PROBLEM)
    awa.get_by_label("Thème (facultatif)").select_option("Logement")
    awa.get_by_label("Adresse ou lieu").fill(ADDRESS)
    awa.get_by_role("button", name="Proposer", exact=True).click()
    expect(awa.get_by_test_id("my-statements")).to_contain_text(PROBLEM)
    expect(awa.get_by_test_id("my-statements")).to_contain_text("En attente de relecture")

    # --- Bruno proposes an idea with a point chosen on the map --------------------------------
    bruno.get_by_label("Votre problème ou votre idée").fill(IDEA)
    bruno.get_by_text("Idée", exact=True).first.click()
    bruno.get_by_label("Thème (facultatif)").select_option("Transports")
    bruno.get_by_role("button", name="Choisir un point sur la carte").click()
    picker = bruno.get_by_test_id("propose-map")
    expect(picker).to_have_attribute("data-ready", "true")
    expect(bruno.get_by_test_id("propose-map-no-tiles")).to_be_visible()
    assert bruno.locator(".leaflet-tile").count() == 0
    picker.click(position={"x": 120, "y": 90})
    expect(bruno.get_by_test_id("forum-point")).to_have_text("Un point est choisi sur la carte.")
    bruno.get_by_role("button", name="Proposer", exact=True).click()
    expect(bruno.get_by_test_id("my-statements")).to_contain_text(IDEA)

    # --- the console, in forum mode: per territory, then moderation ---------------------------
    console = open_context(DESKTOP).new_page()
    console.goto(created["links"]["facilitator"])
    expect(console.get_by_test_id("connection")).to_have_attribute("data-status", "online")
    for gone in ("Tables", "Tours"):
        expect(console.get_by_role("navigation").get_by_role("link", name=gone)).to_have_count(0)
    by_territory = console.get_by_test_id("forum-territories")
    for territory in ("t1", "t2"):
        row = by_territory.locator(f"tr[data-territory={territory}]")
        expect(row.get_by_test_id("forum-participants")).to_have_text("1")
        expect(row.get_by_test_id("forum-waiting")).to_have_text("1")
        expect(row.get_by_role("link")).to_have_attribute(
            "href", f"{join_link}?territoire={territory}"
        )

    def waiting(text: str) -> Any:
        # By its own text: another item's « Fusionner avec… » lists the published ones.
        queue = console.get_by_test_id("moderation-queue")
        return queue.locator("li", has=console.locator("p.mk-statement", has_text=text))

    expect(waiting(PROBLEM)).to_contain_text(ADDRESS)
    expect(waiting(IDEA)).to_contain_text("point sur la carte")
    for text in (PROBLEM, IDEA):
        waiting(text).get_by_role("button", name="Publier").click()
        expect(waiting(text)).to_have_count(0)
    expect(by_territory.get_by_test_id("forum-published")).to_have_text(["1", "1"])
    screenshot(console, "forum-console")

    # --- Awa reads both, with where they come from ---------------------------------------------
    problem, idea = item(awa, PROBLEM), item(awa, IDEA)
    expect(problem.get_by_test_id("item-territory")).to_have_text("Territoire\u00a0: Bondy Nord")
    expect(problem.get_by_test_id("item-theme")).to_have_text("Thème\u00a0: Logement")
    expect(problem.get_by_test_id("item-address")).to_have_text(f"Adresse\u00a0: {ADDRESS}")
    expect(problem).to_have_attribute("data-kind", "problem")
    expect(idea.get_by_test_id("item-territory")).to_have_text("Territoire\u00a0: Le Bas-Clichy")
    expect(idea.get_by_test_id("item-point")).to_have_text("Un point sur la carte")
    expect(idea).to_have_attribute("data-kind", "idea")

    # The map: Bruno's point alone (Awa's has an address only), shaped as an idea; no tiles.
    expect(awa.get_by_test_id("forum-map")).to_have_attribute("data-ready", "true")
    expect(awa.get_by_test_id("forum-map")).to_have_attribute("aria-hidden", "true")
    markers = awa.get_by_test_id("forum-map").locator(".mk-marker")
    expect(markers).to_have_count(1)
    expect(markers.first).to_have_class(re.compile(r"\bmk-marker-circle\b"))
    markers.first.click()
    expect(idea.get_by_role("heading", name=IDEA)).to_be_focused()

    # --- Awa rates Bruno's idea and comments; Bruno sees the comment ----------------------------
    idea.get_by_role("button", name="Plutôt d’accord").click()
    expect(idea.get_by_role("button", name="Plutôt d’accord")).to_have_attribute(
        "aria-pressed", "true"
    )
    idea.get_by_role("button", name="Commenter").click()
    idea.get_by_label("Votre note").fill(COMMENT)
    idea.get_by_role("button", name="Envoyer la note").click()
    expect(idea.get_by_test_id("item-comments")).to_contain_text(f"Vous {COMMENT}")
    expect(item(bruno, IDEA).get_by_test_id("item-comments")).to_contain_text(COMMENT)
    expect(item(bruno, IDEA).get_by_role("heading", level=4)).to_have_text("1 commentaire")

    # --- the filters, real selects ------------------------------------------------------------
    shown = awa.get_by_test_id("forum-shown")
    awa.get_by_label("Territoire", exact=True).select_option("t2")
    expect(shown).to_have_text("1 contribution affichée sur 2.")
    expect(item(awa, IDEA)).to_have_count(1)
    expect(item(awa, PROBLEM)).to_have_count(0)
    awa.get_by_label("Territoire", exact=True).select_option("")
    awa.get_by_label("Type", exact=True).select_option("problem")
    expect(item(awa, PROBLEM)).to_have_count(1)
    expect(item(awa, IDEA)).to_have_count(0)
    expect(markers).to_have_count(0)  # the map keeps the same filters
    awa.get_by_label("Type", exact=True).select_option("")
    awa.get_by_label("Thème", exact=True).select_option("Transports")
    expect(shown).to_have_text("1 contribution affichée sur 2.")
    expect(item(awa, IDEA)).to_have_count(1)
    awa.get_by_label("Thème", exact=True).select_option("")
    expect(shown).to_have_text("2 contributions affichées sur 2.")
    # --- offline, a proposal waits in the outbox, shown as the tablet shows it, then goes -------
    awa.context.set_offline(True)
    expect(awa.get_by_test_id("connection")).not_to_have_attribute("data-status", "online")
    awa.get_by_label("Votre problème ou votre idée").fill(LATE)
    awa.get_by_role("button", name="Proposer", exact=True).click()
    queued = awa.get_by_test_id("my-statements").locator("li[data-pending=true]")
    expect(queued).to_contain_text(LATE)
    expect(queued).to_contain_text("en attente d’envoi")
    awa.context.set_offline(False)
    expect(queued).to_have_count(0)
    expect(awa.get_by_test_id("my-statements").locator("li", has_text=LATE)).to_contain_text(
        "En attente de relecture"
    )
    screenshot(awa, "forum-phone")
    screenshot(bruno, "forum-tablet")

    # --- accessibility of the forum view --------------------------------------------------------
    found = scan_every_way(awa, "forum")
    assert found == {view: [] for view in found}, "axe-core: violations (any impact)"


# A 1×1 transparent PNG: what the stand-in tile server answers for every tile.
TILE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def test_with_a_tile_server_the_page_may_load_its_tiles_and_credits_it(
    tmp_path_factory: pytest.TempPathFactory, open_context: Any
) -> None:
    """A tile server on another origin (a loopback port where nothing listens: the browser's
    requests are answered by the test, never by a network), named with its attribution: the
    page's CSP lets its tiles in, and the credit is page text under the map."""
    tiles = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    env = {"METROKAWA_TILES_URL": tiles, "METROKAWA_TILES_ATTRIBUTION": "Tuiles de test"}
    db = tmp_path_factory.mktemp("tiles") / "metrokawa.sqlite"
    live = LiveServer(db, env=env).start()
    try:
        created = create_forum(live)
        context = open_context(PHONE)
        asked: list[str] = []

        def tile(route: Any) -> None:
            asked.append(route.request.url)
            route.fulfill(status=200, content_type="image/png", body=TILE)

        context.route("http://127.0.0.1:9/**", tile)
        page = context.new_page()
        join_by_flyer(page, created["links"]["join"], "t1", "Awa", "Bondy Nord")
        expect(page.get_by_test_id("forum-map")).to_have_attribute("data-ready", "true")
        expect(page.locator(".mk-map-attribution")).to_have_text("Tuiles de test")
        expect(page.locator("img.leaflet-tile-loaded").first).to_be_attached()
        assert all(re.fullmatch(r"http://127\.0\.0\.1:9/11/\d+/\d+\.png", url) for url in asked)
    finally:
        live.stop()

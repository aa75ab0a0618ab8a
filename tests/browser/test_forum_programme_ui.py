"""Issue 16's browser test: a programme's forum numérique over three simulated days, from the
flyers to the metropolitan Métrokawa, with Chromium clicking the real pages and no map tiles.

The server's clock is the test's (``METROKAWA_CLOCK_FILE``): the engine takes ``now`` from it, so
three days pass between the first residents and the last. An organiser creates a programme of
three territories and opens its forum from the programme's page, which gives a link per
territory. Thirty residents, ten a day, each on their own phone, open their territory's link
(the territory is chosen already), propose a problem or an idea — an address typed, a point put
on the map, or no place — and, from the second day, rate what the others wrote. Each evening the
facilitator's console publishes what waits, and hides a spam. The log says the contributions
were written on three different days.

Then the organiser compares the problems across territories: the page proposes the planted
paraphrases as groups shared by two or three territories; the organiser moves a problem the
similarity missed into its group, sets another apart, untick a group that became local and
records the comparison. The metropolitan session created next imports the retained groups, and
its console shows them published with their provenance and their online ratings. The last
resident's forum page works as a list without any tile (the map has no tile, its markers are
there) and passes axe-core in French and English, at 360 px and on a desktop.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx
import pytest
from playwright.sync_api import expect

from session_engine import read_log
from session_engine.events import StatementProposed

from ..server.live import LiveServer
from .conftest import DESKTOP, PHONE, screenshot
from .tablet import scan_every_way
from .test_forum_ui import item, join_by_flyer
from .test_programme_ui import beside

EMAIL: Final = "forum@asso-metrokawa.example"
PASSWORD: Final = "trois jours de forum en ligne"
DAY_MS: Final = 24 * 60 * 60 * 1000
T0: Final = 1_799_568_000_000  # 2027-01-10 at 09:00 in Paris (08:00 UTC), the forum's first day
THREE: Final = [  # (name, commune, QPV)
    ("Bas-Clichy", "Clichy-sous-Bois", True),
    ("La Noue", "Montreuil", True),
    ("Centre-ville", "Vincennes", False),
]
NAMES: Final = {f"t{n}": name for n, (name, _, _) in enumerate(THREE, start=1)}
# (day, territory, pseudonym, kind, text, place): place is an address, "point" (on the map) or
# None. The planted paraphrases: bins (t1, t2, t3, and Karim's the similarity misses), the
# evening bus (t1, t3), lifts (t2, t2, and Vanessa's in t1, set apart), street lights, doctors,
# dealers in the hall, broken pavements; the rest is local; Dalila's is spam.
RESIDENTS: Final = [
    (
        1,
        "t1",
        "Amina",
        "problem",
        "Les poubelles débordent tout le week-end au pied des immeubles.",
        "12 allée Romain-Rolland",
    ),
    (
        1,
        "t2",
        "Bruno",
        "problem",
        "Les ordures ne sont pas ramassées le samedi, ça déborde.",
        "point",
    ),
    (1, "t3", "Chloé", "problem", "Le week-end les poubelles débordent sur le trottoir.", None),
    (1, "t1", "Driss", "problem", "Pas de bus après 21 h pour rentrer de la gare.", "point"),
    (
        1,
        "t3",
        "Élodie",
        "problem",
        "Plus aucun bus le soir après 21 heures vers la gare.",
        "avenue de Paris",
    ),
    (1, "t2", "Fatou", "problem", "L'ascenseur de la tour 4 est en panne depuis un mois.", "point"),
    (1, "t1", "Gaspard", "idea", "Un composteur partagé dans le square.", None),
    (1, "t2", "Hawa", "problem", "Les ascenseurs sont toujours en panne dans notre tour.", None),
    (1, "t3", "Ilan", "idea", "Des bancs à l'ombre près de l'école.", "point"),
    (1, "t1", "Jade", "problem", "Le local jeunes est fermé le week-end.", None),
    (2, "t2", "Karim", "problem", "Les poubelles ne sont jamais vidées le dimanche.", "point"),
    (
        2,
        "t3",
        "Lina",
        "problem",
        "L'éclairage de la rue est en panne, il fait tout noir le soir.",
        "rue Defrance",
    ),
    (
        2,
        "t1",
        "Moussa",
        "problem",
        "Les lampadaires ne marchent plus dans l'allée, c'est très sombre.",
        "point",
    ),
    (2, "t2", "Nadia", "idea", "Une navette le soir entre la cité et le RER.", None),
    (2, "t3", "Omar", "problem", "Trop de voitures garées sur les trottoirs devant l'école.", None),
    (
        2,
        "t1",
        "Paula",
        "problem",
        "Pas de médecin dans le quartier, il faut attendre des mois.",
        "point",
    ),
    (2, "t2", "Quentin", "problem", "Aucun médecin généraliste près de chez nous.", None),
    (2, "t3", "Rania", "idea", "Un marché le samedi matin sur la place.", "place du Marché"),
    (2, "t1", "Samir", "problem", "Les dealers occupent le hall du bâtiment C.", None),
    (2, "t2", "Tania", "problem", "Le hall est squatté par des dealers tous les soirs.", "point"),
    (3, "t3", "Ulysse", "problem", "Le loyer augmente mais les charges aussi.", None),
    (
        3,
        "t1",
        "Vanessa",
        "problem",
        "L'ascenseur du bâtiment B tombe en panne chaque semaine.",
        "point",
    ),
    (3, "t2", "William", "idea", "Un terrain de foot pour les jeunes.", None),
    (3, "t3", "Xavier", "problem", "Les bus sont bondés le matin, on ne peut pas monter.", "point"),
    (
        3,
        "t1",
        "Yasmine",
        "problem",
        "Aucune crèche municipale, les listes d'attente sont énormes.",
        None,
    ),
    (
        3,
        "t2",
        "Zoé",
        "problem",
        "Les trottoirs sont défoncés, dangereux pour les poussettes.",
        "avenue Jean-Jaurès",
    ),
    (3, "t3", "Anatole", "problem", "Les trottoirs abîmés, on trébuche avec les poussettes.", None),
    (3, "t1", "Bintou", "idea", "Des ateliers d'informatique à la médiathèque.", "point"),
    (3, "t2", "Cyril", "problem", "Gros problème de rats près des poubelles.", None),
    (3, "t3", "Dalila", "problem", "Achetez des abonnés pas chers sur mon site !", None),
]
SPAM: Final = RESIDENTS[-1][4]
BINS, BINS_MISSED = RESIDENTS[0][4], RESIDENTS[10][4]
LIFT, LIFT_APART = RESIDENTS[5][4], RESIDENTS[21][4]
RATED: Final = (RESIDENTS[0][4], RESIDENTS[3][4])  # every resident of days 2 and 3 rates these
SHARED_RETAINED: Final = 6  # bins, bus, street lights, doctors, dealers, pavements


@pytest.fixture(scope="module")
def clock(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clock") / "now"
    path.write_text(str(T0))
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, clock: Path) -> Iterator[LiveServer]:
    """A server of its own: no tile server, and the test's clock."""
    db = tmp_path_factory.mktemp("forum-programme") / "metrokawa.sqlite"
    env = {"METROKAWA_TILES_URL": "", "METROKAWA_CLOCK_FILE": str(clock)}
    live = LiveServer(db, env=env).start()
    try:
        yield live
    finally:
        live.stop()


# --- the organiser ----------------------------------------------------------------------------


def organiser(server: LiveServer, page: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from server.cli import main

    args = ["organiser", "add", EMAIL, "--db", str(server.db_path), "--public-url", server.url]
    assert beside(lambda: main(args)) == 0
    found = re.search(r"https?://\S+/mot-de-passe/[A-Za-z0-9_-]{43}", capsys.readouterr().out)
    assert found is not None
    page.goto(found.group(0))
    page.get_by_label("Nouveau mot de passe").fill(PASSWORD)
    page.get_by_label("Le même, une seconde fois").fill(PASSWORD)
    page.get_by_role("button", name="Enregistrer et se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos programmes")


def create_programme(page: Any) -> str:
    page.get_by_role("link", name="Créer un programme").click()
    page.get_by_label("Titre du programme").fill("Du quartier à la métropole")
    for i, (name, commune, qpv) in enumerate(THREE, 1):
        row = page.get_by_role("group", name=f"Territoire {i}")
        row.get_by_label("Nom du territoire").fill(name)
        row.get_by_label("Commune").fill(commune)
        if qpv:
            row.get_by_label("Quartier prioritaire (QPV)").check()
    page.get_by_role("button", name="Créer le programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Du quartier à la métropole")
    return str(page.url)


def new_session(page: Any, kind: str, title: str) -> Any:
    form = page.locator("form[action$='/seances']")
    form.get_by_label("Étape").select_option(label=kind)
    form.get_by_label("Titre", exact=True).fill(title)
    form.get_by_label("Date", exact=True).fill("2027-01-10")
    form.get_by_role("button", name="Créer la séance").click()
    return page.locator("#console")


# --- the residents ----------------------------------------------------------------------------


def propose(page: Any, kind: str, text: str, place: str | None) -> None:
    page.get_by_label("Votre problème ou votre idée").fill(text)
    if kind == "idea":
        page.get_by_text("Idée", exact=True).first.click()
    if place == "point":
        page.get_by_role("button", name="Choisir un point sur la carte").click()
        picker = page.get_by_test_id("propose-map")
        expect(picker).to_have_attribute("data-ready", "true")
        picker.click(position={"x": 60 + len(text) % 90, "y": 60 + len(text) % 50})
        expect(page.get_by_test_id("forum-point")).to_have_text("Un point est choisi sur la carte.")
    elif place is not None:
        page.get_by_label("Adresse ou lieu").fill(place)
    page.get_by_role("button", name="Proposer", exact=True).click()
    expect(page.get_by_test_id("my-statements")).to_contain_text(text)


def rate(page: Any, text: str, position: str) -> None:
    button = item(page, text).get_by_role("button", name=position, exact=True)
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")


def moderate(console: Any) -> None:
    """The evening's moderation: every waiting contribution published, the spam hidden."""
    queue = console.get_by_test_id("moderation-queue")
    waiting = queue.locator("li", has=console.locator("p.mk-statement"))
    while waiting.count():
        first = waiting.first
        wording = first.locator("p.mk-statement").inner_text()
        name = "Masquer" if SPAM in wording else "Publier"
        first.get_by_role("button", name=name, exact=True).click()
        expect(queue.locator("li", has_text=wording)).to_have_count(0)


def test_three_days_of_forum_then_the_comparison_feeds_the_metropolitan_session(
    server: LiveServer,
    clock: Path,
    open_context: Any,
    capsys: pytest.CaptureFixture[str],
) -> None:
    org = open_context(DESKTOP).new_page()
    org.goto(f"{server.url}/connexion")
    organiser(server, org, capsys)
    programme = create_programme(org)
    new_session(org, "Forum numérique", "Forum numérique du quartier à la métropole")
    expect(org.get_by_role("heading", level=1)).to_contain_text("Forum ouvert")
    code = org.locator("#code").inner_text()
    for territory in NAMES:
        expect(org.get_by_text(f"/j/{code}?territoire={territory}")).to_have_count(1)
    console_link = org.locator("#console").get_attribute("href")
    assert console_link is not None
    console = open_context(DESKTOP).new_page()
    console.goto(server.url + console_link)
    expect(console.get_by_test_id("connection")).to_have_attribute("data-status", "online")

    last: Any = None
    for day in (1, 2, 3):
        clock.write_text(str(T0 + (day - 1) * DAY_MS + 60_000))
        for when, territory, pseudonym, kind, text, place in RESIDENTS:
            if when != day:
                continue
            if last is not None:
                last.context.close()
            last = open_context(PHONE).new_page()
            join_by_flyer(last, f"{server.url}/j/{code}", territory, pseudonym, NAMES[territory])
            propose(last, kind, text, place)
            if day > 1:
                rate(last, RATED[0], "Tout à fait d’accord")
                rate(last, RATED[1], "Plutôt d’accord" if len(pseudonym) % 2 else "Je passe")
        moderate(console)

    # The log says when: contributions written on three days of the forum.
    session = re.match(r"/f/([^#]+)#token=(.+)", console_link)
    assert session is not None
    exported = httpx.get(
        f"{server.url}/api/sessions/{session.group(1)}/log",
        headers={"Authorization": f"Bearer {session.group(2)}"},
        timeout=10,
    )
    _, envelopes = read_log(exported.content)
    days = {(e.at - T0) // DAY_MS for e in envelopes if isinstance(e.event, StatementProposed)}
    assert days == {0, 1, 2}

    # The last resident's page: everything published is listed, none of it on a tile.
    expect(last.get_by_test_id("forum-shown")).to_have_text("29 contributions affichées sur 29.")
    expect(item(last, SPAM)).to_have_count(0)
    expect(last.get_by_test_id("forum-map")).to_have_attribute("data-ready", "true")
    assert last.locator(".leaflet-tile").count() == 0
    points = sum(1 for r in RESIDENTS if r[5] == "point")
    expect(last.get_by_test_id("forum-map").locator(".mk-marker")).to_have_count(points)
    screenshot(last, "forum-programme-phone")

    # The opinion landscape as Pol.is shows it, for the whole forum and for one territory.
    scape = last.get_by_test_id("landscape")
    expect(scape.get_by_role("heading", level=2)).to_have_text("Paysage des avis")
    expect(scape).to_contain_text("20 personnes ont donné leur avis")  # those of days 2 and 3
    scape.get_by_label("Voir les avis de").select_option(label="Bas-Clichy")
    expect(scape).to_contain_text("6 personnes ont donné leur avis")
    scape.get_by_label("Voir les avis de").select_option(label="Tout le forum")

    # --- step 3: the organiser compares the problems across territories ------------------------
    org.goto(programme)
    org.get_by_role("link", name="Comparer les problèmes entre territoires").click()
    expect(org.get_by_text("rien n’est encore enregistré")).to_be_visible()

    def number_of(text: str) -> Any:
        return org.locator("li[data-statement]", has_text=text).get_by_label("Groupe n°")

    bins = number_of(BINS).input_value()
    bins_group = org.locator(f"fieldset[data-group='{bins}']")
    expect(bins_group.locator("legend")).to_contain_text("partagé par 3")
    assert number_of(BINS_MISSED).input_value() != bins  # the wording the similarity missed
    lift = number_of(LIFT).input_value()
    assert number_of(LIFT_APART).input_value() == lift  # a lift in t1 too, proposed together
    number_of(BINS_MISSED).fill(bins)  # the organiser puts it with the bins
    number_of(LIFT_APART).fill("0")  # and sets Vanessa's apart: the others are one tower's
    org.locator(f"fieldset[data-group='{lift}']").get_by_label(
        re.compile("À retenir pour le Métrokawa")
    ).uncheck()
    org.get_by_role("button", name="Enregistrer la comparaison").click()
    expect(org.get_by_text("Les groupes enregistrés.")).to_be_visible()
    listed = org.locator("section[aria-labelledby='liste']")
    expect(listed.get_by_role("heading", name=re.compile(r"Partagés par 3"))).to_be_visible()
    expect(listed.get_by_role("heading", name="Locaux")).to_be_visible()
    expect(listed.locator("li", has_text=BINS)).to_contain_text("(4 problèmes)")
    expect(listed.get_by_text("retenu", exact=True)).to_have_count(SHARED_RETAINED)
    screenshot(org, "forum-comparison")

    # --- the metropolitan Métrokawa imports the retained groups --------------------------------
    org.goto(programme)
    metropolitan = new_session(org, "Métrokawa métropolitain", "Métrokawa métropolitain")
    expect(org.locator(".notice")).to_contain_text(f"avec {SHARED_RETAINED} énoncés importés")
    link = metropolitan.get_attribute("href")
    assert link is not None
    console.goto(server.url + link)
    statements = console.get_by_test_id("statement-provenance")
    expect(statements).to_have_count(SHARED_RETAINED)
    bins_line = console.locator("li", has_text=BINS).get_by_test_id("statement-provenance")
    expect(bins_line).to_have_text(
        re.compile(
            r"Issu de\s:\sForum numérique du 10 janvier 2027 \(Bas-Clichy, Centre-ville, La Noue\)"
            r" — en ligne\s:\s\d+ avis, \d+ d’accord, \d+ pas d’accord"
        )
    )
    screenshot(console, "forum-imported-console")

    # --- the forum page as a list, no tiles, for everyone: axe-core --------------------------
    last.set_viewport_size(PHONE)
    found_violations = scan_every_way(last, "forum-programme")
    assert found_violations == {view: [] for view in found_violations}, "axe-core violations"

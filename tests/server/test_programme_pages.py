"""A programme on its organisers' pages, on a real server and its SQLite file: created with six
territories, a metropolitan session played by the simulator, a local one that imports what the
metropolitan one shared and adopted, a vœu followed to its council's answer. A programme is its
organisers' own: anyone else gets 404 and changes nothing; a form without its CSRF token, 403.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Final

import httpx
import pytest

from server.simulation.wire import WireOptions, simulate_wire

from .live import LiveServer
from .web import Visitor, add_organiser

PASSWORD: Final = "une longue phrase de passe"
SIX: Final = [
    ("Bas-Clichy", "Clichy-sous-Bois", True),
    ("Les Courtillières", "Pantin", True),
    ("La Noue", "Montreuil", True),
    ("Les Francs-Moisins", "Saint-Denis", True),
    ("Centre-ville", "Vincennes", False),
    ("Les Lilas", "Les Lilas", False),
]
METROPOLITAN: Final = "Grande séance de la métropole"
CONFIRMED: Final = {"confirme": "1"}  # the box ticked before closing a session
CONSOLE: Final = re.compile(r'<a id="console" href="([^"]+)"')


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("programmes") / "metrokawa.sqlite").start()
    try:
        yield live
    finally:
        live.stop()


Organiser = Callable[[str, str], Visitor]


@pytest.fixture
def organiser(server: LiveServer, capsys: pytest.CaptureFixture[str]) -> Iterator[Organiser]:
    """Make an organiser (``metrokawa organiser add``, then their password) and their browser,
    closed after the test whatever happens."""
    browsers: list[Visitor] = []

    def make(email: str, address: str) -> Visitor:
        link = add_organiser(server, email, capsys)
        browser = Visitor(server, address)
        browsers.append(browser)
        answer = browser.post(link, {"password": PASSWORD, "password2": PASSWORD})
        assert answer.status_code == 303
        return browser

    yield make
    for browser in browsers:
        browser.close()


def create_programme(browser: Visitor) -> str:
    form = {"titre": "Du quartier à la métropole", "theme": "Mobilités"}
    for i, (name, commune, qpv) in enumerate(SIX, 1):
        form |= {f"nom{i}": name, f"commune{i}": commune} | ({f"qpv{i}": "1"} if qpv else {})
    answer = browser.post("/programmes/nouveau", form)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def create_session(
    browser: Visitor, programme: str, kind: str, title: str, territory: str = ""
) -> httpx.Response:
    answer = browser.post(
        f"{programme}/seances",
        {"kind": kind, "territory": territory, "title": title, "date": "2027-03-14"},
        csrf_from=programme,
    )
    assert answer.status_code == 200, answer.text
    return answer


def play(server: LiveServer, created: httpx.Response, seed: int) -> None:
    found = CONSOLE.search(created.text)
    assert found is not None, created.text
    link = server.url + found.group(1).replace("&amp;", "&")
    options = WireOptions(console=link, participants=30, seed=seed, speed=3000, voeux=1)
    summary = simulate_wire(options)
    assert summary.completed, summary.failure


def close(browser: Visitor, programme: str, session: str) -> None:
    """Close a session from the programme's page: refused until its box is ticked."""
    path = f"{programme}/seances/{session}/cloturer"
    unconfirmed = browser.post(path, {}, csrf_from=programme)
    assert unconfirmed.status_code == 400
    assert 'data-code="not_confirmed"' in unconfirmed.text
    assert browser.post(path, CONFIRMED, csrf_from=programme).status_code == 303


def session_ids(page: str) -> list[str]:
    return re.findall(r'data-session="(ps\d+)"', page)


def test_a_programme_from_creation_to_a_voeu_adopted_by_its_council(
    server: LiveServer, organiser: Organiser
) -> None:
    alice = organiser("alice@asso.example", "198.51.100.20")
    programme = create_programme(alice)
    page = alice.get(programme).text
    for name, commune, _ in SIX:
        assert name in page
        assert commune in page
    assert page.count("<td>QPV</td>") == 4
    added = {"nom": "Quartier Nord", "commune": "Bobigny", "qpv": "1"}
    assert alice.post(f"{programme}/territoires", added, csrf_from=programme).status_code == 303
    assert alice.get(programme).text.count("<td>QPV</td>") == 5

    metropolitan = create_session(alice, programme, "metropolitan", METROPOLITAN)
    assert "sans énoncé importé" in metropolitan.text
    play(server, metropolitan, seed=5)
    page = alice.get(programme).text
    [ps1] = session_ids(page)
    close(alice, programme, ps1)

    local = create_session(alice, programme, "local", "Métrokawa local du Bas-Clichy", "t1")
    imported = re.search(r"avec (\d+) énoncés? importés?", local.text)
    assert imported is not None, local.text
    assert int(imported.group(1)) >= 1
    play(server, local, seed=5)
    page = alice.get(programme).text
    ps2 = session_ids(page)[-1]
    assert "importé" in page
    close(alice, programme, ps2)
    page = alice.get(programme).text
    voeu = re.search(rf'data-voeu="({ps2}-[a-z0-9]+)"', page)
    assert voeu is not None, page
    assert "à déposer" in page
    path = f"{programme}/voeux/{voeu.group(1).replace('-', '/', 1)}"
    tabled = {
        "status": "tabled",
        "date": "2027-04-02",
        "council": "Conseil municipal de Clichy-sous-Bois",
    }
    assert alice.post(path, tabled, csrf_from=programme).status_code == 303
    adopted = {
        "status": "adopted",
        "date": "2027-05-20",
        "council": "Conseil municipal de Clichy-sous-Bois",
        "answer": "Adopté à l’unanimité.",
        "link": "https://example.org/deliberation-2027-05-20.pdf",
    }
    assert alice.post(path, adopted, csrf_from=programme).status_code == 303
    page = alice.get(programme).text
    assert "déposé le 2\u00a0avril 2027" in page or "déposé le 2 avril 2027" in page
    assert "adopté le 20 mai 2027" in page
    assert "Adopté à l’unanimité." in page
    assert 'href="https://example.org/deliberation-2027-05-20.pdf"' in page
    journal = alice.get(f"{programme}/journal").text  # who did what, and when
    journal = journal.replace("\u00a0", " ").replace("\u202f", " ")
    for line in (
        "programme créé avec 6 territoires",
        "territoire ajouté : Quartier Nord (Bobigny)",
        "vœu 1 de « Métrokawa local du Bas-Clichy » : adopté le 20 mai 2027",
    ):
        assert line in journal, journal
    assert "alice@asso.example" in journal

    cahier = alice.get(f"{programme}/cahier?territoire=t1")
    assert cahier.status_code == 200
    assert "Bas-Clichy" in cahier.text
    assert "Adopté à l’unanimité." in cahier.text
    assert '<section id="evolution"' in cahier.text  # the opinion shift, from the live states
    pdf = alice.get(f"{programme}/cahier.pdf?territoire=t1")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    refused = alice.post(f"{programme}/publier", {}, csrf_from=programme)
    assert refused.status_code == 400
    assert 'data-code="nothing_published"' in refused.text
    # the local session first: twice, as a double click would, makes one archive
    for _ in range(2):
        published = alice.post(f"{programme}/seances/{ps2}/publier", {}, csrf_from=programme)
        assert published.status_code == 303
    listed = httpx.get(f"{server.url}/archives", params={"format": "json", "q": "Bas-Clichy"})
    titles = [a["title"] for a in listed.json()["archives"]]
    assert titles.count("Métrokawa local du Bas-Clichy") == 1
    assert alice.post(f"{programme}/publier", {}, csrf_from=programme).status_code == 303
    page = alice.get(programme).text
    archive = re.search(r'href="/archives/(a[A-Za-z0-9_-]+)">archive publique du programme', page)
    assert archive is not None, page
    public = httpx.get(f"{server.url}/archives/{archive.group(1)}/cahier.html").text
    assert "Métrokawa local du Bas-Clichy" in public
    assert METROPOLITAN not in public  # not published: the public cahier does not name it
    # made again later (the vœux go on, a session is published): the same address
    published = alice.post(f"{programme}/seances/{ps1}/publier", {}, csrf_from=programme)
    assert published.status_code == 303
    assert alice.post(f"{programme}/publier", {}, csrf_from=programme).status_code == 303
    assert f'href="/archives/{archive.group(1)}">archive publique' in alice.get(programme).text
    public = httpx.get(f"{server.url}/archives/{archive.group(1)}/cahier.html").text
    assert METROPOLITAN in public

    with httpx.Client(base_url=server.url) as visitor_:  # anyone, no account
        listed = visitor_.get("/archives", params={"territoire": "Bas-Clichy"})
        assert listed.status_code == 200
        assert "Métrokawa local du Bas-Clichy" in listed.text
        assert f"/archives/{archive.group(1)}" in listed.text
        assert visitor_.get(f"/archives/{archive.group(1)}").status_code == 200
        assert visitor_.get(f"/archives/{archive.group(1)}/cahier.pdf").content.startswith(b"%PDF")
        # an imported statement is compared from the session it was written in onwards
        compared = visitor_.get(f"/archives/{archive.group(1)}/comparer").text
        first_row = re.search(
            r'<tbody><tr><th scope="row"><a href="/archives/a[^"]+">([^<]+)<', compared
        )
        assert first_row is not None, compared
        assert first_row.group(1) == METROPOLITAN
        assert "Métrokawa local du Bas-Clichy" in compared


def test_a_programme_is_hidden_from_other_organisers_and_forms_need_their_token(
    server: LiveServer, organiser: Organiser
) -> None:
    alice = organiser("amina@asso.example", "198.51.100.21")
    bob = organiser("bob@autre.example", "198.51.100.22")
    programme = create_programme(alice)
    assert bob.get(programme).status_code == 404
    assert bob.get("/programmes/pg-nothing-here").status_code == 404
    assert "Du quartier" not in bob.get("/programmes").text
    token = bob.csrf("/programmes")
    for path, form in [
        (f"{programme}/seances", {"kind": "metropolitan", "title": "Intrus", "date": "2027-01-01"}),
        (f"{programme}/organisateurs", {"email": "bob@autre.example"}),
    ]:
        refused = bob.client.post(path, data={"csrf": token, **form})
        assert refused.status_code == 404
    without = alice.client.post(
        f"{programme}/seances",
        data={"kind": "metropolitan", "title": "Sans jeton", "date": "2027-01-01"},
    )
    assert without.status_code == 403
    page = alice.get(programme).text
    assert "Intrus" not in page
    assert "Sans jeton" not in page
    assert session_ids(page) == []
    assert "bob@autre.example" not in page
    answer = alice.post(
        f"{programme}/organisateurs", {"email": "bob@autre.example"}, csrf_from=programme
    )
    assert answer.status_code == 303
    assert bob.get(programme).status_code == 200

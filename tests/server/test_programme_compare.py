"""Step 3 on the organisers' pages, on a real server: a forum opened from the programme, residents
of three territories writing problems over the wire, the facilitator publishing them; then the
comparison page proposes the problems that say the same thing as one group « partagé par N
territoires », the organiser splits one off and records the comparison, and the retained groups
are imported into the metropolitan Métrokawa with their provenance and their online ratings.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, Final

import pytest

from .live import LiveServer
from .scenario import Member, Room, acked, run
from .test_programme_pages import CONSOLE, PASSWORD, session_ids
from .web import Visitor, add_organiser

THREE: Final = [
    ("Bas-Clichy", "Clichy-sous-Bois", True),
    ("La Noue", "Montreuil", True),
    ("Centre-ville", "Vincennes", False),
]
# (author's territory, text): the first three say the same thing in three territories.
PROBLEMS: Final = [
    ("t1", "Les poubelles débordent tout le week-end dans la cité."),
    ("t2", "Les poubelles qui débordent le week-end, personne ne les vide."),
    ("t3", "Le week-end les poubelles débordent sur le trottoir."),
    ("t1", "L'ascenseur du bâtiment B est en panne depuis un mois."),
    ("t3", "Aucune piste cyclable pour aller à la gare RER."),
]
NUMBER: Final = re.compile(r'name="(s\d+)" value="(\d+)"')
MEMBERS: Final = re.compile(r'name="(m\d+)" value="([^"]*)"')  # what each group held


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("compare") / "metrokawa.sqlite").start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def alice(server: LiveServer, capsys: pytest.CaptureFixture[str]) -> Iterator[Visitor]:
    browser = Visitor(server, "198.51.100.31")
    link = add_organiser(server, "alice@forum.example", capsys)
    assert browser.post(link, {"password": PASSWORD, "password2": PASSWORD}).status_code == 303
    yield browser
    browser.close()


def a_programme(browser: Visitor) -> str:
    form = {"titre": "Du quartier à la métropole", "theme": ""}
    for i, (name, commune, qpv) in enumerate(THREE, 1):
        form |= {f"nom{i}": name, f"commune{i}": commune} | ({f"qpv{i}": "1"} if qpv else {})
    answer = browser.post("/programmes/nouveau", form)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def open_forum(server: LiveServer, browser: Visitor, programme: str) -> Room:
    answer = browser.post(
        f"{programme}/seances",
        {"kind": "forum", "territory": "", "title": "Forum numérique", "date": "2027-01-10"},
        csrf_from=programme,
    )
    assert answer.status_code == 200, answer.text
    code = re.search(r'<strong id="code">([A-Z0-9]+)</strong>', answer.text)
    console = CONSOLE.search(answer.text)
    assert code is not None
    assert console is not None
    for territory in ("t1", "t2", "t3"):  # a link per territory for the flyers, and its QR code
        assert f"/j/{code.group(1)}?territoire={territory}" in answer.text
        assert f"/qr?territoire={territory}" in answer.text
    session, token = re.fullmatch(r"/f/([^#]+)#token=(.+)", console.group(1)).groups()  # type: ignore[union-attr]
    return Room(server.url, session, code.group(1), token, server)


def residents_write_and_rate(room: Room) -> None:
    """Six residents a territory; each problem written by one, published, agreed on by all."""

    async def scenario() -> None:
        facilitator = await room.facilitator()
        members: dict[str, list[Member]] = {}
        for territory in ("t1", "t2", "t3"):
            members[territory] = [
                await room.join(f"{territory}-{n}", territory=territory) for n in range(6)
            ]
        for territory, text in PROBLEMS:
            author = members[territory][0].client
            data: dict[str, Any] = {"text": text, "kind": "problem", "place": {"address": "ici"}}
            acked(await author.command("ProposeStatement", data))
        for n in range(1, len(PROBLEMS) + 1):
            acked(await facilitator.command("PublishStatement", {"statement": f"s{n}"}))
        for member in members["t1"]:
            for n in (1, 2):
                data = {"statement": f"s{n}", "value": 2}
                acked(await member.client.command("TakePosition", data))

    run(scenario())


def test_a_forum_s_problems_are_compared_split_and_imported_into_the_metropolitan_session(
    server: LiveServer, alice: Visitor
) -> None:
    programme = a_programme(alice)
    room = open_forum(server, alice, programme)
    residents_write_and_rate(room)
    forum = session_ids(alice.get(programme).text)[0]
    compare = f"{programme}/seances/{forum}/comparer"
    assert f'href="{compare}"' in alice.get(programme).text

    scape = alice.get(f"{programme}/seances/{forum}/paysage")  # the Pol.is view, per territory
    assert scape.status_code == 200
    for title in ("Tout le forum", "Bas-Clichy", "La Noue", "Centre-ville"):
        assert f">{title}</h3>" in scape.text
    assert "6 personnes ont donné leur avis" in scape.text
    assert "Large accord" in scape.text  # six of six agree on s1 and s2

    proposed = alice.get(compare)
    assert proposed.status_code == 200
    assert "rien n’est encore enregistré" in proposed.text
    numbers = dict(NUMBER.findall(proposed.text))
    assert numbers["s1"] == numbers["s2"] == numbers["s3"]  # the same problem, three wordings
    assert len({numbers["s1"], numbers["s4"], numbers["s5"]}) == 3  # the local ones alone
    assert "partagé par 3 territoires" in proposed.text
    shared = numbers["s1"]
    assert f'name="r{shared}" value="1" checked' in proposed.text  # proposed for retention
    assert "6 avis\u00a0: 6 d’accord, 0 pas d’accord, 0 sans avis" in proposed.text  # s1, s2
    assert "aucun avis" in proposed.text  # nobody rated s3

    # The organiser sets s3 apart (0), keeps the shared group and retains the bike lane too.
    members = dict(MEMBERS.findall(proposed.text))
    form = {**members, **numbers, "s3": "0", f"r{shared}": "1", f"r{numbers['s5']}": "1"}
    recorded = alice.post(compare, form, csrf_from=compare)
    assert recorded.status_code == 303
    page = alice.get(compare).text
    assert "Les groupes enregistrés." in page
    assert re.search(r"Partagés par 2.territoires", page)
    assert "Locaux" in page

    created = alice.post(
        f"{programme}/seances",
        {"kind": "metropolitan", "territory": "", "title": "Métropole", "date": "2027-03-14"},
        csrf_from=programme,
    )
    assert created.status_code == 200
    assert "2 énoncés importés" in created.text
    found = CONSOLE.search(created.text)
    assert found is not None
    session, token = re.fullmatch(r"/f/([^#]+)#token=(.+)", found.group(1)).groups()  # type: ignore[union-attr]
    metropolitan = Room(server.url, session, "", token, server)

    async def imported() -> dict[str, Any]:
        console = await metropolitan.facilitator(after=None)
        statements: dict[str, Any] = console.welcome["state"]["statements"]
        return statements

    statements = run(imported())
    by_key = {s["provenance"]["key"]: s for s in statements.values() if s.get("provenance")}
    assert sorted(by_key) == [f"{forum}-s1", f"{forum}-s5"]
    first = by_key[f"{forum}-s1"]["provenance"]
    assert first["territories"] == ["Bas-Clichy", "La Noue"]
    assert first["ratings"] == [0, 0, 0, 0, 12, 0]  # six at +2 on s1 and on s2
    assert by_key[f"{forum}-s1"]["status"] == "published"

    # Importing again into that session says they are there already.
    ps_metro = session_ids(alice.get(programme).text)[1]
    again = alice.post(
        f"{programme}/seances/{forum}/importer", {"vers": ps_metro}, csrf_from=compare
    )
    assert again.status_code == 200, again.text[-1500:]
    assert "0 problème importé" in again.text
    assert "y étaient déjà" in again.text


def test_the_comparison_is_its_organisers_own_and_a_forum_s_only(
    server: LiveServer, alice: Visitor, capsys: pytest.CaptureFixture[str]
) -> None:
    programme = a_programme(alice)
    open_forum(server, alice, programme)
    forum = session_ids(alice.get(programme).text)[0]
    compare = f"{programme}/seances/{forum}/comparer"
    assert "Aucun problème publié" in alice.get(compare).text
    bob = Visitor(server, "198.51.100.32")
    try:
        link = add_organiser(server, "bob@forum.example", capsys)
        assert bob.post(link, {"password": PASSWORD, "password2": PASSWORD}).status_code == 303
        assert bob.get(compare).status_code == 404
    finally:
        bob.close()
    metropolitan = alice.post(
        f"{programme}/seances",
        {"kind": "metropolitan", "territory": "", "title": "Métropole", "date": "2027-03-14"},
        csrf_from=programme,
    )
    assert metropolitan.status_code == 200
    ps = session_ids(alice.get(programme).text)[1]
    assert alice.get(f"{programme}/seances/{ps}/comparer").status_code == 404
    refused = alice.client.post(compare, data={"s1": "0"})  # no CSRF field
    assert refused.status_code == 403


def test_the_numbers_apply_to_the_groups_the_page_showed(
    server: LiveServer, alice: Visitor
) -> None:
    """A problem published between the page and its POST shifts no number: the comparison holds
    the groups as shown, and the new problem comes next time, alone. A number that is no
    group's (« ² », seven digits) leaves its problem where it was."""
    programme = a_programme(alice)
    room = open_forum(server, alice, programme)
    residents_write_and_rate(room)
    forum = session_ids(alice.get(programme).text)[0]
    compare = f"{programme}/seances/{forum}/comparer"
    shown = alice.get(compare).text
    numbers, members = dict(NUMBER.findall(shown)), dict(MEMBERS.findall(shown))

    async def a_late_problem() -> None:
        facilitator = await room.facilitator()
        late = await room.join("tard", territory="t2")
        text = {"text": "Les poubelles du marché restent pleines.", "kind": "problem"}
        acked(await late.client.command("ProposeStatement", text))
        acked(await facilitator.command("PublishStatement", {"statement": "s6"}))

    run(a_late_problem())
    odd = {"s4": "\u00b2", "s5": "1234567"}
    form = {**members, **numbers, **odd, f"r{numbers['s1']}": "1"}
    assert alice.post(compare, form, csrf_from=compare).status_code == 303
    again = alice.get(compare).text
    after = dict(NUMBER.findall(again))
    assert after["s1"] == after["s2"] == after["s3"]  # the group as it was shown
    assert len({after["s1"], after["s4"], after["s5"], after["s6"]}) == 4  # s6 comes alone
    assert 'data-statement="s6"' in again

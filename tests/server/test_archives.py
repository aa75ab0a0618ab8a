"""The public archive (``server.archives``): publish, list, filter, search, download — and the
anonymisation test of issue 15: nothing published names who did not consent, shows a hidden
statement or a note without consent, or carries a token, a join id, the session's id or code.

One real server (uvicorn in its own process, a SQLite file). A session is driven on it through
the protocol: six people join (Awa consents to show her pseudonym, Bruno does not, nor the three
other habitants of the Goutte d'Or; Claire, the one élue of Vincennes, consents), a co-facilitator
link is given to « Amina, accueil », s1 is published, s2 published then hidden, Awa and Bruno
each write a note on s1, the forum's statement « e3 » is imported (s3), and everyone takes a
position on s1 and s3. A second session imports « e3 » too, and its five people (Les
Francs-Moisins) take a position on it. The golden vote's log (``replays/golden-v1-voeux.mkawa``)
is stored as a third session. All three are published from this process on the same database
file, as the programme pages do in the server's; then a programme gathers them. Every page and
file is then read from the server over HTTP.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import httpx
import msgspec
import pypdf
import pytest

from server.archives import (
    ArchiveError,
    ArchiveMeta,
    Filters,
    MemoryArchives,
    SqlArchives,
    publish_programme,
    publish_session_from,
)
from server.programme_publish import _published_reports
from server.store import MemoryStore, SessionRecord, SqlStore
from session_engine import LogHeader, decode_envelope, encode_envelope, read_log, replay
from session_engine.archive import anonymise, results, unlink
from session_engine.events import (
    BallotCast,
    CoFacilitatorAdded,
    PaperBallotsEntered,
    ParticipantJoined,
    PositionTaken,
    StatementProposed,
)
from session_engine.programme import ProgrammeState
from session_engine.report import Report, build_report, render_html

from .live import LiveServer
from .scenario import Room, acked, closing_every_socket

HIDDEN = "Le code de l'interphone du 12 est 4512."
BRUNO = "Bruno Lefèvre"
BRUNO_NOTE = "Mon voisin du troisième me l'a dit."
AWA_NOTE = "Surtout le dimanche soir."
SAID = "La piscine de quartier ferme trop tôt l'été."
IMPORTED = "Les cours d’école manquent d’arbres fruitiers."
E3 = {"key": "e3", "source": "Forum numérique", "territories": ["La Goutte d'Or"]}
REPLAYS = Path(__file__).resolve().parents[2] / "replays"


@dataclass
class Published:
    server: LiveServer
    session: str  # the archive of the live session
    second: str  # the archive of the second live session (e3 imported too)
    golden: str  # the archive of the golden vote's log
    programme: str
    secrets: list[str]  # what no artefact may contain
    live_session_id: str


async def _drive(room: Room) -> list[str]:
    """The session of the module's docstring; the secrets it handed out."""
    facilitator = await room.facilitator()
    cofacilitator = await facilitator.command("AddCoFacilitator", {"label": "Amina, accueil"})
    acked(cofacilitator)
    awa = await room.join("Awa", territory="t1", consent=True)
    bruno = await room.join(BRUNO, territory="t1", consent=False)
    others = [await room.join(f"Habitant {n}", territory="t1") for n in (3, 4, 5)]
    claire = await room.join("Claire", territory="t2", role="elu", consent=True)
    people = [awa, bruno, *others, claire]
    acked(await facilitator.command("SeatTables"))
    acked(await facilitator.command("StartRound"))
    acked(await awa.client.command("ProposeStatement", {"text": SAID}))
    acked(await bruno.client.command("ProposeStatement", {"text": HIDDEN}))
    for statement in ("s1", "s2"):
        acked(await facilitator.command("PublishStatement", {"statement": statement}))
    acked(await facilitator.command("HideStatement", {"statement": "s2"}))
    note = {"statement": "s1", "text": AWA_NOTE, "place": "Piscine"}
    acked(await awa.client.command("Annotate", note))
    note = {"statement": "s1", "text": BRUNO_NOTE, "place": "Rue des Poissonniers"}
    acked(await bruno.client.command("Annotate", note))
    acked(await facilitator.command("ImportStatement", {"text": IMPORTED, "provenance": E3}))
    for person, value in zip(people, (2, 1, 1, -1, 0, 2), strict=True):
        acked(await person.client.command("TakePosition", {"statement": "s1", "value": value}))
        acked(await person.client.command("TakePosition", {"statement": "s3", "value": -value}))
    tokens = [room.token, cofacilitator["token"], *(p.token for p in people)]
    hashes = [hashlib.sha256(t.encode()).hexdigest() for t in tokens]
    join_ids = [p.join_id for p in people]
    names = [BRUNO, "Habitant 3", "Habitant 4", "Habitant 5", "Amina"]
    return [*tokens, *hashes, *join_ids, *names, HIDDEN, BRUNO_NOTE, "Rue des Poissonniers"]


async def _drive_second(room: Room) -> list[str]:
    """Five habitants of Les Francs-Moisins (t3) on the imported « e3 »; the secrets."""
    facilitator = await room.facilitator()
    people = [await room.join(f"Voisin {n}", territory="t3") for n in range(1, 6)]
    acked(await facilitator.command("SeatTables"))
    acked(await facilitator.command("StartRound"))
    acked(await facilitator.command("ImportStatement", {"text": IMPORTED, "provenance": E3}))
    for person, value in zip(people, (1, 1, 2, 0, -2), strict=True):
        acked(await person.client.command("TakePosition", {"statement": "s1", "value": value}))
    tokens = [room.token, *(p.token for p in people)]
    hashes = [hashlib.sha256(t.encode()).hexdigest() for t in tokens]
    return [*tokens, *hashes, *(p.join_id for p in people), "Voisin 1", "Voisin 5"]


async def _publish(db: Path, first: str, second_id: str) -> tuple[str, str, str, str]:
    """Publish the sessions and the programme, from this process, in the server's database."""
    store = SqlStore(f"sqlite:///{db}")
    try:
        archives = SqlArchives(store.engine)
        session = await publish_session_from(
            store,
            archives,
            first,
            ArchiveMeta(
                title="Métrokawa de la Goutte d’Or",
                programme="Programme Métrokawa 2026",
                territories=("La Goutte d'Or", "Vincennes centre"),
                communes=("Paris 18e", "Vincennes"),
                date="2026-11-14",
                themes=("Équipements publics",),
            ),
        )
        second = await publish_session_from(
            store,
            archives,
            second_id,
            ArchiveMeta(
                title="Métrokawa des Francs-Moisins",
                programme="Programme Métrokawa 2026",
                territories=("Les Francs-Moisins",),
                communes=("Saint-Denis",),
                date="2026-11-21",
                themes=("Mobilités",),
            ),
        )
        header, envelopes = read_log((REPLAYS / "golden-v1-voeux.mkawa").read_bytes())
        await store.create_session(
            SessionRecord(
                id="golden-session",
                code="GOLD42",
                title=header.title,
                created_at=header.created_at,
                facilitator_hash=hashlib.sha256(b"golden").hexdigest(),
            )
        )
        records = [encode_envelope(e) for e in envelopes]
        await store.append("golden-session", 0, records, [], [])
        golden = await publish_session_from(
            store,
            archives,
            "golden-session",
            ArchiveMeta(
                title="Bus de nuit : le vote",
                territories=("Les Francs-Moisins",),
                communes=("Saint-Denis",),
                date="2026-10-03",
                themes=("Mobilités",),
            ),
        )
        programme = await publish_programme(
            _State(archives),
            ArchiveMeta(
                title="Programme Métrokawa 2026",
                kind="programme",
                territories=("La Goutte d'Or", "Vincennes centre", "Les Francs-Moisins"),
                communes=("Paris 18e", "Vincennes", "Saint-Denis"),
                date="2026-12-01",
            ),
            [session, second, golden],
            "<!doctype html><html lang=fr><title>Cahier du programme</title>"
            "<h1>Cahier du programme Métrokawa 2026</h1><p>Préconisations élaborées.</p></html>",
        )
        return session, second, golden, programme
    finally:
        await store.close()


class _State:
    """What ``publish_programme`` reads of the app: its archives."""

    def __init__(self, archives: SqlArchives) -> None:
        self.archives = archives


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    db = tmp_path_factory.mktemp("archives") / "metrokawa.sqlite"
    server = LiveServer(db).start()
    try:
        room, other = Room.create(server, rounds=1), Room.create(server, rounds=1)
        secrets = asyncio.run(closing_every_socket(_drive(room)))
        secrets += asyncio.run(closing_every_socket(_drive_second(other)))
        secrets += [room.id, room.code, other.id, other.code]
        session, second, golden, programme = asyncio.run(_publish(db, room.id, other.id))
        yield Published(server, session, second, golden, programme, secrets, room.id)
    finally:
        server.stop()


def get(published: Published, path: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{published.server.url}{path}", params=params, timeout=60)


def listed(published: Published, **params: Any) -> list[str]:
    response = get(published, "/archives", format="json", **params)
    assert response.status_code == 200, response.text
    return [a["id"] for a in response.json()["archives"]]


def test_archive_ids_are_new_and_unguessable(published: Published) -> None:
    ids = (published.session, published.second, published.golden, published.programme)
    assert len(set(ids)) == 4
    for archive_id in ids:
        assert archive_id.startswith("a")
        assert len(archive_id) == 13  # "a" and 12 characters: 72 random bits
        assert published.live_session_id not in archive_id


def test_the_list_filters_and_searches(published: Published) -> None:
    programme, second, session, golden = (  # newest first: Dec, Nov 21, Nov 14, Oct
        published.programme,
        published.second,
        published.session,
        published.golden,
    )
    # (filters, archives found), written out
    table: list[tuple[dict[str, str], list[str]]] = [
        ({}, [programme, second, session, golden]),
        ({"territoire": "la goutte d’or"}, [programme, session]),
        ({"territoire": "Goutte"}, []),  # a territory is matched whole
        ({"commune": "SAINT-DENIS"}, [programme, second, golden]),
        ({"theme": "equipements publics"}, [session]),
        ({"theme": "MOBILITÉS"}, [second, golden]),
        ({"du": "2026-11-14"}, [programme, second, session]),  # inclusive
        ({"au": "2026-11-14"}, [session, golden]),
        ({"du": "2026-10-01", "au": "2026-10-31"}, [golden]),
        ({"q": "piscine de quartier"}, [programme, session]),
        ({"q": "PISCINE"}, [programme, session]),
        ({"q": "arbres fruitiers"}, [programme, second, session]),  # the imported statement
        ({"q": "interphone"}, []),  # a hidden statement is not searchable
        ({"q": "bus de nuit"}, [programme, golden]),
        ({"q": "50%_"}, []),  # LIKE's wildcards are plain characters
        ({"commune": "Vincennes", "q": "bus"}, [programme]),
    ]
    for filters, expected in table:
        assert listed(published, **filters) == expected, filters
    body = get(published, "/archives", format="json").json()
    assert (body["total"], body["page"], body["pages"], body["page_size"]) == (4, 1, 1, 50)


def test_the_html_list_is_french_and_accessible(published: Published) -> None:
    response = get(published, "/archives", commune="Vincennes")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="fr">' in page
    assert '<main id="contenu"' in page
    assert 'role="search"' in page
    assert '<label for="f-q">' in page
    assert "2\u00a0archives trouvées" in page or "2 archives trouvées" in page
    assert f'href="/archives/{published.session}"' in page
    assert f'href="/archives/{published.golden}"' not in page
    # The form suggests every territory, commune and theme published, in French order.
    assert (
        '<datalist id="l-territoire"><option value="La Goutte d&#x27;Or">'
        '<option value="Les Francs-Moisins"><option value="Vincennes centre"></datalist>'
    ) in page
    assert '<option value="Équipements publics"><option value="Mobilités">' in page


def test_bad_filters_are_refused_with_a_stable_code(published: Published) -> None:
    for params in (
        {"du": "14/11/2026"},
        {"au": "2026-13-45"},
        {"page": "0"},
        {"page": "x"},
        {"q": "a" * 201},
    ):
        response = get(published, "/archives", format="json", **params)
        assert response.status_code == 400, params
        assert response.json()["code"] == "bad_request"
        assert get(published, "/archives", **params).status_code == 400


def test_each_artefact_downloads(published: Published) -> None:
    base = f"/archives/{published.session}"
    page = get(published, base)
    assert page.status_code == 200
    for link in (
        f"/r/a/{published.session}",
        f"{base}/cahier.html",
        f"{base}/cahier.pdf",
        f"{base}/journal.mkawa",
        f"{base}/resultats.json",
        f"{base}/comparer",
        *(f"{base}/polis/{name}" for name in ("comments.csv", "votes.csv")),
        *(f"{base}/polis/{name}" for name in ("participants-votes.csv", "summary.csv")),
    ):
        assert f'href="{link}"' in page.text, link
        response = get(published, link)
        assert response.status_code == 200, link
        assert response.content, link
    header, envelopes = read_log(get(published, f"{base}/journal.mkawa").content)
    assert header.session == published.session
    state = replay(envelopes)
    assert [s.status.value for s in state.statements.values()] == [
        "published",
        "hidden",
        "published",
    ]
    found = get(published, f"{base}/resultats.json").json()
    assert [s["text"] for s in found["statements"]] == [SAID, IMPORTED]
    assert (
        get(published, "/r/a/" + published.session).headers["content-type"].startswith("text/html")
    )
    comments = get(published, f"{base}/polis/comments.csv").text
    assert comments.splitlines()[0].startswith("timestamp,datetime,comment-id")


def test_the_golden_archive_carries_its_vote_and_its_voeu(published: Published) -> None:
    found = get(published, f"/archives/{published.golden}/resultats.json").json()
    (vote,) = found["votes"]
    assert [p["majority_grade_label"] for p in vote["proposals"]] == [
        "Très bien",
        "Bien",
        "Passable",
    ]
    assert len(found["voeux"]) == 1


def test_the_pdf_cahier_has_the_title_and_french_accents(published: Published) -> None:
    response = get(published, f"/archives/{published.session}/cahier.pdf")
    assert response.headers["content-type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "Métrokawa de test" in text  # the session's title, as the cahier prints it
    assert "préconisations" in text
    again = get(published, f"/archives/{published.session}/cahier.pdf")
    assert again.content == response.content  # printed once, then kept


def test_a_programme_lists_its_sessions_and_unknown_addresses_are_404(
    published: Published,
) -> None:
    page = get(published, f"/archives/{published.programme}").text
    assert f'href="/archives/{published.session}"' in page
    assert f'href="/archives/{published.golden}"' in page
    pdf = get(published, f"/archives/{published.programme}/cahier.pdf")
    assert "Cahier du programme Métrokawa 2026" in _pdf_text(pdf.content)
    for path in (
        "/archives/aNoSuchArchive",
        f"/archives/{published.live_session_id}",
        f"/archives/{published.session}/polis/secrets.csv",
        f"/archives/{published.programme}/journal.mkawa",
        "/archives/" + "a" * 300,
    ):
        assert get(published, path).status_code == 404, path


def test_no_published_artefact_names_anyone_without_consent_or_carries_a_secret(
    published: Published,
) -> None:
    texts: dict[str, str] = {}
    for archive_id in (published.session, published.second, published.golden, published.programme):
        base = f"/archives/{archive_id}"
        for path in (base, f"{base}/cahier.html", f"{base}/comparer"):
            texts[path] = get(published, path).text
        texts[f"{base}/cahier.pdf"] = _pdf_text(get(published, f"{base}/cahier.pdf").content)
    texts["/archives"] = get(published, "/archives").text
    texts["/archives?format=json"] = get(published, "/archives", format="json").text
    base = f"/archives/{published.session}"
    texts["resultats.json"] = get(published, f"{base}/resultats.json").text
    for name in ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv"):
        texts[name] = get(published, f"{base}/polis/{name}").text
    data = get(published, f"{base}/journal.mkawa").content
    header, envelopes = read_log(data)
    texts["journal.mkawa"] = repr(header) + "".join(repr(e) for e in envelopes)
    texts["journal.mkawa bytes"] = data.decode("utf-8", errors="replace")
    for where, text in texts.items():
        squeezed = "".join(text.split())  # a PDF line may break inside a token
        for secret in published.secrets:
            assert secret not in text, (where, secret)
            assert "".join(secret.split()) not in squeezed, (where, secret)
    # What the published log shows instead: aliases, consenting pseudonyms, the role « autre »
    # for the one élue of her territory, no label, the hidden statement without its text.
    joined = [
        (e.event.pseudonym, e.event.role.value)
        for e in envelopes
        if isinstance(e.event, ParticipantJoined)
    ]
    assert joined == [
        ("Awa", "habitant"),
        ("Participant·e 2", "habitant"),
        ("Participant·e 3", "habitant"),
        ("Participant·e 4", "habitant"),
        ("Participant·e 5", "habitant"),
        ("Claire", "autre"),
    ]
    assert [e.event.label for e in envelopes if isinstance(e.event, CoFacilitatorAdded)] == [""]
    assert [e.event.text for e in envelopes if isinstance(e.event, StatementProposed)] == [
        SAID,
        "",
    ]
    assert AWA_NOTE in texts["journal.mkawa"]  # she consented: her note is kept
    assert all(e.cmd is None for e in envelopes)
    assert json.loads(texts["resultats.json"])["archive"] == published.session


def _linked(published: Published, session_id: str, archive_id: str) -> tuple[LogHeader, list[Any]]:
    """The published log before ``unlink``, made again from the server's database."""

    async def read() -> tuple[LogHeader, list[Any]]:
        store = SqlStore(f"sqlite:///{published.server.db_path}")
        try:
            record = await store.session(session_id)
            assert record is not None
            envelopes = [decode_envelope(r) for r in await store.read(session_id)]
        finally:
            await store.close()
        header = LogHeader(session=record.id, title=record.title, created_at=record.created_at)
        return anonymise(header, envelopes, archive=archive_id)

    return asyncio.run(read())


def test_the_served_log_links_no_position_or_ballot_and_the_figures_are_unchanged(
    published: Published,
) -> None:
    # The served log: no position's or ballot's participant is anyone who joined.
    for archive_id in (published.session, published.golden):
        base = f"/archives/{archive_id}"
        _, envelopes = read_log(get(published, f"{base}/journal.mkawa").content)
        joined = {e.event.participant for e in envelopes if isinstance(e.event, ParticipantJoined)}
        cast: list[tuple[str, str, str | None]] = []  # (participant, actor, recorded_by)
        for e in envelopes:
            if isinstance(e.event, PositionTaken | BallotCast):
                cast.append((e.event.participant, e.actor, e.event.recorded_by))
        assert cast, archive_id
        assert not {who for who, _, _ in cast} & joined, archive_id
        assert {actor for _, actor, _ in cast} == {"participant"}, archive_id
        assert {by for _, _, by in cast} == {None}, archive_id
        replay(envelopes)  # it replays
        # The linked log stays in the database, never served.
        assert get(published, f"{base}/interne/journal-lie.mkawa").status_code == 404
    _, golden = read_log(get(published, f"/archives/{published.golden}/journal.mkawa").content)
    ballots = [e.event for e in golden if isinstance(e.event, BallotCast)]
    assert [b.participant for b in ballots] == [f"b{n}" for n in range(1, 18)]
    assert all(b.grades for b in ballots)  # 17 cast + 3 on paper, not under k: grades stay
    (paper,) = [e.event for e in golden if isinstance(e.event, PaperBallotsEntered)]
    assert (len(paper.ballots), paper.note) == (3, "")  # « Urne papier de l'accueil » blanked
    # The figures: resultats.json and the cahier are those of the linked log, as before.
    for session_id, archive_id in (
        (published.live_session_id, published.session),
        ("golden-session", published.golden),
    ):
        header, linked = _linked(published, session_id, archive_id)
        served = get(published, f"/archives/{archive_id}/resultats.json").json()
        assert served == json.loads(json.dumps(results(header, linked))), archive_id
        cahier = get(published, f"/archives/{archive_id}/cahier.html").text
        assert cahier == render_html(build_report(header, linked)), archive_id
    found = get(published, f"/archives/{published.session}/resultats.json").json()
    s1 = found["statements"][0]
    assert (s1["overall"]["voters"], s1["overall"]["counts"]) == (6, [0, 1, 1, 2, 2])


def _pdf_text(data: bytes) -> str:
    """The PDF's text, each run of blanks (a line broken by the layout) one space."""
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_the_programme_cahier_is_made_from_the_linked_log_the_archive_keeps_unserved() -> None:
    header, envelopes = read_log((REPLAYS / "golden-v1-voeux.mkawa").read_bytes())

    async def run() -> tuple[str, dict[str, Report]]:
        store, archives = MemoryStore(), MemoryArchives()
        record = SessionRecord(
            id="golden-session",
            code="GOLD42",
            title=header.title,
            created_at=header.created_at,
            facilitator_hash=hashlib.sha256(b"golden").hexdigest(),
        )
        await store.create_session(record)
        await store.append("golden-session", 0, [encode_envelope(e) for e in envelopes], [], [])
        meta = ArchiveMeta(title="Bus de nuit : le vote", date="2026-10-03")
        archive = await publish_session_from(store, archives, "golden-session", meta)
        # What _published_reports reads of a programme: its sessions' archives.
        session = SimpleNamespace(id="ps1", archive=archive)
        programme = cast(ProgrammeState, SimpleNamespace(sessions={"ps1": session}))
        return archive, await _published_reports(archives, programme)

    archive, reports = asyncio.run(run())
    linked_header, linked = anonymise(header, envelopes, archive=archive)
    assert reports["ps1"] == build_report(linked_header, linked)
    # The served log would give other figures (its positions in no territory).
    assert reports["ps1"] != build_report(linked_header, unlink(linked))


def test_a_publication_out_of_bounds_is_refused_and_stores_nothing() -> None:
    good = ArchiveMeta(title="Séance", date="2026-11-14")
    # (meta, session, code), written out
    table: list[tuple[ArchiveMeta, str, str]] = [
        (msgspec.structs.replace(good, date="14/11/2026"), "s", "bad_request"),
        (msgspec.structs.replace(good, date="2026-02-30"), "s", "bad_request"),
        (msgspec.structs.replace(good, title="   "), "s", "bad_request"),
        (msgspec.structs.replace(good, title="x" * 201), "s", "bad_request"),
        (msgspec.structs.replace(good, territories=("t",) * 61), "s", "bad_request"),
        (msgspec.structs.replace(good, themes=("",)), "s", "bad_request"),
        (good, "no-such-session", "not_found"),
    ]

    async def attempt(meta: ArchiveMeta, session: str) -> str:
        archives = MemoryArchives()
        try:
            await publish_session_from(MemoryStore(), archives, session, meta)
        except ArchiveError as refused:
            assert await archives.find(Filters(), 1) == ([], 0)
            return refused.code
        return "published"

    for meta, session, code in table:
        assert asyncio.run(attempt(meta, session)) == code, meta


def test_comparer_shows_an_imported_statement_across_sessions_and_territories(
    published: Published,
) -> None:
    page = get(published, f"/archives/{published.programme}/comparer")
    assert page.status_code == 200
    text = page.text
    assert f'<h2 id="e-e3">{html.escape(IMPORTED)}</h2>' in text
    assert "Provenance\u00a0: Forum numérique (clé e3)" in text
    first, second = "Métrokawa de la Goutte d’Or", "Métrokawa des Francs-Moisins"
    heads = [
        "Séance",
        "Groupe",
        "Avis",
        "Pas du tout d’accord",
        "Plutôt pas d’accord",
        "Partagé",
        "Plutôt d’accord",
        "Tout à fait d’accord",
        "Je passe",
    ]
    hidden = "Moins de 5 avis\u00a0: masqué"
    # (session, group, voters, −2, −1, 0, +1, +2, passes), written out: in the first session
    # Vincennes has one voter, so the Goutte d'Or's five are hidden with it (subtraction)
    assert _rows(text) == [
        heads,
        [first, "Toute la séance", "6", "2", "2", "1", "1", "0", "0"],
        [first, "La Goutte d'Or", hidden],
        [first, "Vincennes centre", hidden],
        [first, "Les Francs-Moisins", hidden],
        [second, "Toute la séance", "5", "1", "0", "1", "2", "1", "0"],
        [second, "La Goutte d'Or", hidden],
        [second, "Vincennes centre", hidden],
        [second, "Les Francs-Moisins", "5", "1", "0", "1", "2", "1", "0"],
    ]
    # A session's own comparer shows the same: its programme's sessions.
    own = get(published, f"/archives/{published.second}/comparer").text
    assert _rows(own) == _rows(text)
    golden = get(published, f"/archives/{published.golden}/comparer").text
    assert _rows(golden) == _rows(text)  # the golden log is in the programme too, without imports


def _rows(page: str) -> list[list[str]]:
    """Each table row of ``page`` as the texts of its cells (tags dropped)."""
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell))
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", page)
    ]

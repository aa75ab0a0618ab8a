"""``GET /api/sessions/{id}/paysage`` over a real server (issue 16: « the opinion landscape
equals what the replay computes at the same seq »).

* Thirty people in three territories rate five statements; read halfway, while the others
  rate and once they are done, the landscape the server gives at seq S is
  ``landscape(replay(log, until=S))`` of the exported log — for the room and for a territory;
  the same in a forum (no round).
* Who may read it: a token of the session or its join code; nobody else. An unknown territory
  is 400 ``unknown_territory``, an unknown session 404.
* ``Landscapes`` in process: readers at one seq share one computation, a request during a
  commit waits for its publication.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final, cast

import httpx
import msgspec
import pytest

from server import landscape as landscape_module
from server.actor import EncodedEvent, SessionActor
from server.landscape import Landscapes
from session_engine import read_log, replay
from session_engine.events import ParticipantJoined, PositionTaken, SessionCreated
from session_engine.evolve import evolve
from session_engine.model import HostPolicy, ParticipantRole, Territory
from session_engine.opinions import landscape
from session_engine.state import SessionState

from .live import LiveServer
from .scenario import Member, Room, acked, closing_every_socket, eventually, run, statement_of

PEOPLE: Final = 30  # dealt in turn into t1, t2, t3 (``Room.join_many``): ten each
STATEMENTS: Final = (
    "Il faut prolonger le tram jusqu’à la gare.",
    "Le tram coûtera trop cher pour ce qu’il apporte.",
    "Il manque des bancs sur la place du marché.",
    "La piste cyclable doit passer par le pont.",
    "Les voitures doivent garder deux voies sur le pont.",
)
DURING: Final = ("t2", "t3", "t2", "t3")
# Two camps, by the parity of each person's number: what each says of s1..s5.
CAMP_EVEN: Final = (2, -2, 1, 2, -1)
CAMP_ODD: Final = (-2, 1, 1, -1, 2)


@dataclass(frozen=True)
class Rated:
    room: Room
    members: tuple[Member, ...]
    midway: dict[str, Any]  # the room's landscape, read once half of the people had rated
    during: list[dict[str, Any]]  # territories', read while the other half rated (``DURING``)
    final_seq: int  # the seq of the last position taken


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path_factory.mktemp("landscape") / "metrokawa.sqlite").start()
    try:
        yield server
    finally:
        server.stop()


def paysage(room: Room, **params: str) -> httpx.Response:
    return httpx.get(f"{room.url}/api/sessions/{room.id}/paysage", params=params, timeout=30)


def replayed(room: Room, seq: int, territory: str | None = None) -> dict[str, Any]:
    """The landscape of the exported log replayed to ``seq``, as the endpoint writes it."""
    _, envelopes = read_log(room.log())
    shown = landscape(replay(envelopes, until=seq), territory=territory)
    plain: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(shown))
    return {"seq": seq, **plain}


async def rate_as(
    member: Member, number: int, statements: list[str], camps: tuple[tuple[int, ...], ...]
) -> int:
    """``member`` (the ``number``-th to join) takes its camp's positions; the last one's seq."""
    camp = camps[number % 2]
    seqs = [
        acked(await member.client.command("TakePosition", {"statement": s, "value": v}))
        for s, v in zip(statements, camp, strict=True)
    ]
    return max(seqs)


@pytest.fixture(scope="module")
def rated(served: LiveServer) -> Rated:
    room = Room.create(served, rounds=1, minutes=30)

    async def rate() -> Rated:
        facilitator = await room.facilitator()
        members = tuple(await room.join_many(PEOPLE))
        acked(await facilitator.command("SeatTables"))
        acked(await facilitator.command("StartRound"))
        statements = []
        for text in STATEMENTS:
            proposed = await members[0].client.command("ProposeStatement", {"text": text})
            statement = await statement_of(facilitator, proposed)
            acked(await facilitator.command("PublishStatement", {"statement": statement}))
            statements.append(statement)

        half = PEOPLE // 2
        camps = (CAMP_EVEN, CAMP_ODD)
        await asyncio.gather(
            *(rate_as(m, n, statements, camps) for n, m in enumerate(members[:half], 1))
        )
        midway = paysage(room, code=room.code)
        assert midway.status_code == 200, midway.text
        async with httpx.AsyncClient(base_url=room.url, timeout=30) as http:
            # Territories not read yet: computed while the positions come in (the room's, read
            # halfway, stays the answer for a second).
            path = f"/api/sessions/{room.id}/paysage"
            reading = asyncio.gather(
                *(http.get(path, params={"code": room.code, "territoire": t}) for t in DURING)
            )
            seqs = await asyncio.gather(
                *(rate_as(m, n, statements, camps) for n, m in enumerate(members[half:], half + 1))
            )
            during = [answer.json() for answer in await reading]
        return Rated(room, members, midway.json(), during, max(seqs))

    return run(closing_every_socket(rate()))


def test_the_landscape_read_while_people_rate_is_the_replay_at_its_seq(rated: Rated) -> None:
    assert rated.midway["seq"] < rated.final_seq
    assert rated.midway == replayed(rated.room, rated.midway["seq"])
    for shown in rated.during:  # read as positions came in: each at the seq it says
        assert shown == replayed(rated.room, shown["seq"], shown["territory"])
    assert [shown["territory"] for shown in rated.during] == list(DURING)


def test_once_everyone_has_rated_the_landscape_is_the_replay_at_the_last_seq(
    rated: Rated,
) -> None:
    latest: dict[str, Any] = {}

    def caught_up() -> bool:  # a landscape stays the answer for a second at least
        latest.update(paysage(rated.room, code=rated.room.code).json())
        return bool(latest["seq"] == rated.final_seq)

    run(eventually(caught_up, timeout=20, what="the landscape at the last position's seq"))
    assert latest == replayed(rated.room, rated.final_seq)
    # Thirty people in two camps of fifteen, benches agreed by all (s3), and the room's k.
    assert (latest["participants"], latest["k"]) == (PEOPLE, 5)
    assert sorted(g["size"] for g in latest["groups"]) == [15, 15]
    assert [c["statement"] for c in latest["consensus"]["agree"]] == ["s3"]
    assert list(latest["statements"].values()) == list(STATEMENTS)


def test_a_territory_s_landscape_is_the_replay_of_its_people_only(rated: Rated) -> None:
    token = rated.members[1].token  # a participant reads it with their own token
    response = httpx.get(
        f"{rated.room.url}/api/sessions/{rated.room.id}/paysage",
        params={"territoire": "t2"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    shown = response.json()
    assert shown == replayed(rated.room, shown["seq"], territory="t2")
    assert shown["territory"] == "t2"
    assert shown["participants"] <= PEOPLE // 3


def test_whoever_may_see_the_tallies_may_read_it_and_nobody_else(rated: Rated) -> None:
    room = rated.room
    url = f"{room.url}/api/sessions/{room.id}/paysage"
    facilitator = httpx.get(url, headers={"Authorization": f"Bearer {room.token}"}, timeout=30)
    assert facilitator.status_code == 200
    assert facilitator.headers["content-type"] == "application/json"
    assert httpx.get(url, params={"code": room.code.lower()}, timeout=30).status_code == 200
    # (what is sent, status, code)
    # (query, Authorization, status, code)
    refusals: list[tuple[dict[str, str], str, int, str]] = [
        ({}, "", 401, "bad_code"),
        ({"code": "ZZZZZZ"}, "", 401, "bad_code"),
        ({"code": "x" * 10_000}, "", 401, "bad_code"),
        ({}, "Bearer pas-un-jeton", 401, "bad_token"),
        ({}, "Bearer " + "a" * 4000, 401, "bad_token"),
        ({"code": room.code, "territoire": "t9"}, "", 400, "unknown_territory"),
        ({"code": room.code, "territoire": "Atlantide"}, "", 400, "unknown_territory"),
    ]
    for query, authorization, status, code in refusals:
        headers = {"Authorization": authorization} if authorization else {}
        answer = httpx.get(url, params=query, headers=headers, timeout=30)
        assert (answer.status_code, answer.json()["code"]) == (status, code), query
        assert answer.json()["message"]
    missing = httpx.get(f"{room.url}/api/sessions/0000000000000000/paysage", timeout=30)
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")


# --- a forum: no round, ratings any time ---------------------------------------------------------

FORUM_POSTS: Final = (  # text, address, theme
    ("Les rues sont sales après le marché.", "Rue Jean-Jaurès", "Propreté et déchets"),
    ("L’arrêt de bus a été déplacé trop loin de l’école.", None, "Transports"),
    ("Il faut des poubelles de tri sur la place.", "Place de la République", "Propreté et déchets"),
)
FORUM_EVEN: Final = (1, 2, -2)  # everyone finds the streets dirty; the bus stop divides
FORUM_ODD: Final = (1, -2, 2)


def a_forum_room(server: LiveServer) -> Room:
    body = {
        "title": "Forum numérique de Plaine Commune",
        "territories": [
            {"name": "Les Francs-Moisins", "commune": "Saint-Denis", "qpv": True},
            {"name": "Pleyel", "commune": "Saint-Denis", "qpv": False},
            {"name": "Floréal", "commune": "Saint-Denis", "qpv": True},
        ],
        "agenda": [],
        "forum": True,
        "themes": ["Propreté et déchets", "Transports"],
    }
    created = httpx.post(f"{server.url}/api/sessions", json=body, timeout=10)
    assert created.status_code == 201, created.text
    answer = created.json()
    return Room(server.url, answer["id"], answer["code"], answer["facilitator_token"], server)


def test_a_forum_s_landscape_is_the_replay_at_its_seq(served: LiveServer) -> None:
    room = a_forum_room(served)

    async def rate() -> int:
        facilitator = await room.facilitator()
        members = await room.join_many(PEOPLE)
        statements = []
        for text, address, theme in FORUM_POSTS:
            place = {"address": address, "lat": None, "lon": None} if address else None
            data = {"text": text, "kind": "problem", "place": place, "theme": theme}
            proposed = await members[2].client.command("ProposeStatement", data)
            statement = await statement_of(facilitator, proposed)
            acked(await facilitator.command("PublishStatement", {"statement": statement}))
            statements.append(statement)

        camps = (FORUM_EVEN, FORUM_ODD)
        seqs = await asyncio.gather(
            *(rate_as(m, n, statements, camps) for n, m in enumerate(members, 1))
        )
        return max(seqs)

    last = run(closing_every_socket(rate()))
    _, envelopes = read_log(room.log())
    taken = [e.event for e in envelopes if isinstance(e.event, PositionTaken)]
    assert {p.round for p in taken} == {0}  # a forum has no round
    for territory in (None, "t1"):
        shown: dict[str, Any] = {}

        def caught_up(territory: str | None = territory, shown: dict[str, Any] = shown) -> bool:
            params = {"code": room.code, **({"territoire": territory} if territory else {})}
            shown.update(paysage(room, **params).json())
            return bool(shown["seq"] == last)

        run(eventually(caught_up, timeout=20, what="the forum's landscape at its last seq"))
        assert shown == replayed(room, last, territory)
        assert shown["participants"] == (PEOPLE if territory is None else PEOPLE // 3)
    assert sorted(g["size"] for g in shown["groups"]) == [5, 5]  # t1's ten, in two camps


# --- Landscapes in process ---------------------------------------------------------------------


class StubActor:
    """What ``Landscapes`` reads of an actor: its session, seq, published seq, state, listeners."""

    def __init__(self, state: SessionState, seq: int) -> None:
        self.session_id = "s0"
        self.state = state
        self.seq = self.published_seq = seq
        self.on_published: list[Any] = []

    def publish(self) -> None:
        self.published_seq = self.seq
        for listener in list(self.on_published):
            listener(self, cast(list[EncodedEvent], []))


def a_small_room() -> SessionState:
    state = SessionState()
    territory = Territory(id="t1", name="Territoire 1", commune="Commune 1", qpv=True)
    evolve(
        state,
        SessionCreated(
            title="Forum",
            territories=(territory,),
            agenda=(),
            table_size=6,
            host_policy=HostPolicy.ROTATE,
        ),
    )
    for n in range(1, 4):
        evolve(
            state,
            ParticipantJoined(
                participant=f"p{n}",
                pseudonym=f"Personne {n}",
                territory="t1",
                role=ParticipantRole.HABITANT,
                stays_seated=False,
                consent=False,
            ),
        )
    return state


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Every landscape the module computes (its territory), counted."""
    computed: list[str | None] = []
    real = landscape

    def counting(state: SessionState, *, territory: str | None = None) -> Any:
        computed.append(territory)
        return real(state, territory=territory)

    monkeypatch.setattr(landscape_module, "landscape", counting)
    return computed


def test_two_hundred_readers_at_one_seq_share_one_computation(counted: list[str | None]) -> None:
    async def read() -> set[bytes]:
        landscapes, actor = Landscapes(), StubActor(a_small_room(), seq=4)
        answers = await asyncio.gather(
            *(landscapes.get(cast(SessionActor, actor), None) for _ in range(200))
        )
        again = await landscapes.get(cast(SessionActor, actor), None)
        return {a.body for a in [*answers, again]}

    bodies = run(read())
    assert len(bodies) == 1
    assert counted == [None]
    assert msgspec.json.decode(bodies.pop())["seq"] == 4


def test_a_reader_during_a_commit_waits_for_its_publication(counted: list[str | None]) -> None:
    async def read() -> int:
        landscapes, actor = Landscapes(), StubActor(a_small_room(), seq=4)
        # A batch is being committed: the working state is ahead of what was published.
        actor.seq = 5
        evolve(actor.state, PositionTaken(participant="p1", statement="s1", value=2, round=0))
        waiting = asyncio.ensure_future(landscapes.get(cast(SessionActor, actor), "t1"))
        await eventually(lambda: bool(actor.on_published), what="the reader waits")
        assert not waiting.done()
        assert counted == []  # nothing is read of a state in the middle of a commit
        actor.publish()
        return (await waiting).seq

    assert run(read()) == 5
    assert counted == ["t1"]


def test_a_fresh_landscape_is_served_again_though_the_seq_moved(
    counted: list[str | None],
) -> None:
    async def read() -> tuple[int, int]:
        landscapes, actor = Landscapes(), StubActor(a_small_room(), seq=4)
        first = await landscapes.get(cast(SessionActor, actor), None)
        actor.seq += 1
        actor.publish()
        return first.seq, (await landscapes.get(cast(SessionActor, actor), None)).seq

    assert run(read()) == (4, 4)  # within its second: the same answer, computed once
    assert counted == [None]

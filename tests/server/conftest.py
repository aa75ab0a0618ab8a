from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from . import services
from .live import LiveServer
from .scenario import (
    PENDING_TEXT,
    Lobby,
    Room,
    SilentSocket,
    TimedRound,
    acked,
    event_of,
    person,
    run,
    statement_of,
)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path / "metrokawa.sqlite").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The CI machine's PostgreSQL (see ``services``): fails under CI, skips elsewhere, if down."""
    return services.postgres_url()


@pytest.fixture
def postgres_schema(postgres_url: str) -> Iterator[str]:
    """A URL on a new, empty schema of that PostgreSQL, dropped after the test."""
    with services.fresh_schema(postgres_url) as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The CI machine's Redis (see ``services``): fails under CI, skips elsewhere, if down."""
    return services.redis_url()


# --- the protocol tests (test_protocol_*.py) ---------------------------------------------------
# One server process for all of them (its own SQLite file), its clocks started with the first of
# them, and per module a lobby: six participants at two tables, round 1 running, one statement
# published and one waiting for moderation, a vote open with two ballots in it.


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("protocol") / "metrokawa.sqlite").start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="session")
def one_minute_round(server: LiveServer) -> TimedRound:
    """The shortest round the engine allows, started before the first protocol test (each
    ``test_protocol_*`` module asks for it); ``test_protocol_timers`` checks how it ended."""
    room = Room.create(server, rounds=1, minutes=1)

    async def start() -> TimedRound:
        facilitator = await room.facilitator()
        members = await room.join_many(2)
        acked(await facilitator.command("SeatTables"))
        started = await event_of(facilitator, acked(await facilitator.command("StartRound")))
        return TimedRound(room, started["data"]["deadline"], person(members[0]))

    return run(start())


@pytest.fixture(scope="session")
def silent_socket(server: LiveServer, one_minute_round: TimedRound) -> Iterator[SilentSocket]:
    """A socket that never says hello, opened with the first protocol test: the server's 10 s
    wait for a hello runs out while the other tests play."""
    silent = SilentSocket(one_minute_round.room.ws_url)
    try:
        yield silent
    finally:
        silent.close()


@pytest.fixture(scope="module")
def lobby(server: LiveServer) -> Lobby:
    room = Room.create(server, table_size=3)

    async def open_lobby() -> Lobby:
        facilitator = await room.facilitator()
        members = await room.join_many(6)
        seated = await event_of(facilitator, acked(await facilitator.command("SeatTables")))
        acked(await facilitator.command("StartRound"))
        text = {"text": "Les ascenseurs de la tour tombent en panne chaque semaine."}
        published = await statement_of(
            facilitator, await members[0].client.command("ProposeStatement", text)
        )
        acked(await facilitator.command("PublishStatement", {"statement": published}))
        pending = await statement_of(
            facilitator,
            await members[1].client.command("ProposeStatement", {"text": PENDING_TEXT}),
        )
        promoted = await facilitator.command("PromoteProposal", {"statement": published})
        proposal = (await event_of(facilitator, acked(promoted)))["data"]["proposal"]
        opened = await facilitator.command("OpenVote", {"proposals": [proposal]})
        vote = (await event_of(facilitator, acked(opened)))["data"]["vote"]
        for n, member in enumerate(members[:2]):
            ballot = {"vote": vote, "grades": {proposal: 4 + n}}
            acked(await member.client.command("CastBallot", ballot))
        plan = seated["data"]["tables"]
        hosts = {t["table"]: t["host"] for t in plan if t["host"]}
        tables = {member: t["table"] for t in plan for member in t["members"]}
        people = tuple(person(m) for m in members)
        return Lobby(room, people, hosts, tables, published, pending, vote, proposal)

    return run(open_lobby())

"""The hub over a real SQLite file: what a restart reads, and idle sessions let go of memory.

Before: start-up read every session ever stored to find the running rounds (~30 ms each: 100
sessions, 5.4 s before ``/healthz``), and a loaded session stayed in memory for ever. Now the
store flags the sessions whose round is open, start-up reads only those, and an idle session is
let go after ``evict_after_s`` and read again when someone needs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Final, TypeVar

import httpx
import pytest

from server.actor import SessionActor, Subscriber
from server.hub import Hub
from server.store import SqlStore
from session_engine import Role
from session_engine.commands import (
    CreateSession,
    EndRound,
    JoinSession,
    NewTerritory,
    SeatTables,
    StartRound,
)
from session_engine.model import ParticipantRole, RoundKind, RoundSpec

from .live import LiveServer
from .scenario import Room, eventually, run

T = TypeVar("T")
NOW: Final = 1_800_000_000_000
FACILITATOR: Final = {"role": Role.FACILITATOR, "actor": "facilitator"}


class CountingStore(SqlStore):
    """A real SQLite store that counts the session logs it reads."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.logs_read: list[str] = []

    async def read(self, session_id: str, after: int = 0) -> list[bytes]:
        self.logs_read.append(session_id)
        return await super().read(session_id, after)


def description() -> CreateSession:
    return CreateSession(
        title="Métrokawa",
        territories=(NewTerritory(name="Pleyel", commune="Saint-Denis", qpv=False),),
        agenda=(RoundSpec(kind=RoundKind.TABLE, prompt="Ce qui manque", duration_ms=900_000),),
    )


async def a_session(hub: Hub, *, round_open: bool) -> str:
    """A session made through the hub; with two people seated and its round started if asked."""
    created = await hub.create(description())
    assert not isinstance(created, Exception)
    session_id: str = created.record.id  # type: ignore[union-attr]
    if round_open:
        actor = await hub.actor(session_id)
        for n, name in enumerate(("Awa", "Bilal")):
            join = JoinSession(pseudonym=name, territory="t1", role=ParticipantRole.HABITANT)
            await actor.submit(join, role=Role.GUEST, actor="guest", cmd=f"join-{n:016d}")
        for n, command in enumerate((SeatTables(), StartRound())):
            assert (await actor.submit(command, **FACILITATOR, cmd=f"f{n}")).code is None  # type: ignore[arg-type]
    return session_id


def with_hub(path: Path, scenario: Callable[[Hub, CountingStore], Awaitable[T]]) -> T:
    """Run ``scenario`` with a hub on the SQLite file at ``path``, started as a server starts."""

    async def main() -> T:
        store = CountingStore(f"sqlite:///{path}")
        hub = Hub(store, clock=lambda: NOW, backlog_limit=100, evict_after_s=60)
        try:
            await hub.resume_running_rounds()
            return await scenario(hub, store)
        finally:
            await hub.stop()
            await store.close()

    return asyncio.run(main())


def test_a_restart_reads_only_the_sessions_whose_round_is_open(tmp_path: Path) -> None:
    path = tmp_path / "metrokawa.sqlite"

    async def prepare(hub: Hub, store: CountingStore) -> list[str]:
        idle = [await a_session(hub, round_open=False) for _ in range(30)]
        return [await a_session(hub, round_open=True), *idle]

    running, *_ = with_hub(path, prepare)

    async def restarted(hub: Hub, store: CountingStore) -> None:
        assert store.logs_read == [running]  # not the 30 others
        assert list(hub.actors) == [running]
        assert hub.actors[running].has_open_round

    with_hub(path, restarted)


def test_a_database_from_before_the_flag_is_read_whole_once_then_flagged(tmp_path: Path) -> None:
    path = tmp_path / "metrokawa.sqlite"

    async def prepare(hub: Hub, store: CountingStore) -> list[str]:
        return [await a_session(hub, round_open=open_) for open_ in (True, False, False)]

    sessions = with_hub(path, prepare)
    with contextlib.closing(sqlite3.connect(path)) as db:  # as the schema was before
        db.execute("DROP INDEX ix_sessions_open_round")
        db.execute("ALTER TABLE sessions DROP COLUMN open_round")
        db.commit()

    async def first(hub: Hub, store: CountingStore) -> None:
        assert sorted(store.logs_read) == sorted(sessions)  # not known yet: read, and marked
        assert list(hub.actors) == sessions[:1]

    async def second(hub: Hub, store: CountingStore) -> None:
        assert store.logs_read == sessions[:1]

    with_hub(path, first)
    with_hub(path, second)


def test_a_round_that_ends_unflags_its_session(tmp_path: Path) -> None:
    path = tmp_path / "metrokawa.sqlite"

    async def end(hub: Hub, store: CountingStore) -> str:
        session_id = await a_session(hub, round_open=True)
        actor = await hub.actor(session_id)
        assert (await actor.submit(EndRound(), **FACILITATOR, cmd="end")).code is None  # type: ignore[arg-type]
        return session_id

    with_hub(path, end)

    async def restarted(hub: Hub, store: CountingStore) -> None:
        assert store.logs_read == []

    with_hub(path, restarted)


def test_an_idle_session_is_let_go_and_read_again_on_demand(tmp_path: Path) -> None:
    path = tmp_path / "metrokawa.sqlite"

    async def scenario(hub: Hub, store: CountingStore) -> None:
        idle = await a_session(hub, round_open=False)
        watched = await a_session(hub, round_open=False)
        running = await a_session(hub, round_open=True)
        subscriber = Subscriber(full=True, limit=100)
        await (await hub.actor(watched)).join(subscriber, after=0, participant=None)
        state = hub.actors[idle].state.copy()
        assert await hub.evict(time.monotonic() + 59) == []  # not idle for long enough yet
        assert await hub.evict(time.monotonic() + 61) == [idle]  # one is watched, one runs
        assert set(hub.actors) == {watched, running}
        store.logs_read.clear()
        again: SessionActor = await hub.actor(idle)  # someone comes back to it
        assert store.logs_read == [idle]
        assert again.state == state
        hub.actors[watched].leave(subscriber, None)
        assert sorted(await hub.evict(time.monotonic() + 61)) == sorted([watched, idle])
        assert set(hub.actors) == {running}

    with_hub(path, scenario)


@pytest.fixture
def forgetful(tmp_path: Path) -> Any:
    live = LiveServer(tmp_path / "metrokawa.sqlite", args=["--evict-after", "1"]).start()
    try:
        yield live
    finally:
        live.stop()


def live_sessions(server: LiveServer) -> int:
    count: int = httpx.get(f"{server.url}/healthz", timeout=10).json()["live_sessions"]
    return count


def test_a_server_lets_idle_sessions_go_and_serves_them_again(forgetful: LiveServer) -> None:
    room = Room.create(forgetful)

    async def scenario() -> None:
        projector = await room.projector()
        await projector.close()
        await eventually(lambda: live_sessions(forgetful) == 0, what="the session let go")
        member = await room.join("Awa")  # read again from the log
        assert member.id == "p1"
        assert live_sessions(forgetful) == 1

    run(scenario())

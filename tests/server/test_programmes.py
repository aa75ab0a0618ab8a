"""Programmes' logs on every store: created, changed only by their organisers, read back the same
after a reopening, and never two appends of one seq (two workers, one programme)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from server.programmes import Programmes
from server.store import EventStore, MemoryStore, SqlStore
from session_engine import Rejected
from session_engine.commands import NewTerritory
from session_engine.programme import AddSession, CreateProgramme, SessionKind

NOW = 1_790_000_000_000
CREATE = CreateProgramme(
    title="Métrokawa 2027",
    territories=(
        NewTerritory(name="Bas-Clichy", commune="Clichy-sous-Bois", qpv=True),
        NewTerritory(name="Les Lilas", commune="Les Lilas", qpv=False),
    ),
)


def _url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "memory":
        yield "memory://"
    elif request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'programmes.db'}"
    else:
        yield request.getfixturevalue("postgres_schema")


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from _url(request, tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])  # two workers share a database, not a memory
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from _url(request, tmp_path)


def open_(url: str) -> EventStore:
    return MemoryStore() if url == "memory://" else SqlStore(url)


def metropolitan(n: int) -> AddSession:
    return AddSession(
        session=f"S{n}", kind=SessionKind.METROPOLITAN, title=f"Séance {n}", date="2027-03-14"
    )


def test_a_programme_is_its_organisers_own_and_reads_back_the_same(store_url: str) -> None:
    async def scenario() -> None:
        store = open_(store_url)
        programmes = Programmes(store)
        created = await programmes.create(CREATE, organiser="o1", now=NOW)
        assert not isinstance(created, Rejected)
        assert await programmes.send(created.id, metropolitan(1), organiser="o1", now=NOW + 1)
        refused = await programmes.send(created.id, metropolitan(2), organiser="o2", now=NOW)
        assert isinstance(refused, Rejected)
        assert refused.code == "not_allowed"
        assert [p.id for p in await programmes.of_organiser("o1")] == [created.id]
        assert await programmes.of_organiser("o2") == []
        assert await programmes.state("pg-unknown") is None
        if store_url != "memory://":  # reopened: what was kept is all there is
            await store.close()
            store = SqlStore(store_url)
            again = await Programmes(store).state(created.id)
            assert again is not None
            assert msgspec.to_builtins(again) == msgspec.to_builtins(created)
            assert list(again.sessions) == ["ps1"]
        await store.close()

    asyncio.run(scenario())


def test_two_workers_append_to_one_programme_without_a_gap(shared_url: str) -> None:
    store_url = shared_url

    async def scenario() -> None:
        first, second = SqlStore(store_url), SqlStore(store_url)
        a, b = Programmes(first), Programmes(second)
        created = await a.create(CREATE, organiser="o1", now=NOW)
        assert not isinstance(created, Rejected)
        await b.state(created.id)  # b has read seq 1, then a moves on: b's next append conflicts
        sends = [
            (a if n % 2 else b).send(created.id, metropolitan(n), organiser="o1", now=NOW + n)
            for n in range(1, 11)
        ]
        outcomes = await asyncio.gather(*sends)
        assert not any(isinstance(o, Rejected) for o in outcomes)
        log = await Programmes(first).log(created.id)
        assert [e.seq for e in log] == list(range(1, 12))
        state = await a.state(created.id)
        assert state is not None
        assert sorted(s.session for s in state.sessions.values()) == sorted(
            f"S{n}" for n in range(1, 11)
        )
        await first.close()
        await second.close()

    asyncio.run(scenario())

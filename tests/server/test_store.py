"""The event-store contract, one test class run against every store (as eventsourcing does).

``append(session, expected_seq, records, outcomes, tokens)`` writes all three in one go, only if
the session's last seq is still ``expected_seq`` (else ``Conflict`` and nothing written);
``read(session, after)`` gives the records after a seq, verbatim and in order; ``claim`` gives
a worker a fencing number, and an append carrying an older one is ``Fenced``. ``MemoryStore`` is
the reference; ``SqlStore`` runs on a SQLite file and on the CI machine's PostgreSQL (each test in
a new, empty schema) and must keep everything across a reopening, refuse a command id answered
twice, and keep a gapless log when several stores (worker processes) append to one session.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import bindparam, create_engine, insert, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import psycopg
from sqlalchemy.engine import Engine
from sqlmodel import col

from server.store import (
    Conflict,
    EventRow,
    EventStore,
    Fenced,
    MemoryStore,
    Outcome,
    SessionRecord,
    SqlStore,
    _Compiled,
    database_url,
    open_store,
)

from . import services

T = TypeVar("T")

RECORDS = [b"\x87first", b"\x00second\xff", b"third" * 100]


def record(n: int = 1, *, code: str = "ABCDEF") -> SessionRecord:
    return SessionRecord(
        id=f"session-{n}",
        code=code,
        title=f"Métrokawa n°{n}",
        created_at=1_790_000_000_000 + n,
        facilitator_hash="ab" * 32,
    )


def sorted_(outcomes: list[Outcome]) -> list[Outcome]:
    """Outcomes in a fixed order: the contract does not say in which order they come back."""
    return sorted(outcomes, key=lambda o: (o.actor, o.cmd))


class StoreContract:
    """What every ``EventStore`` promises. Subclasses say how to make (and remake) one."""

    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[EventStore]:
        store = self.make(tmp_path)
        try:
            yield store
        finally:
            self.run(store.close())

    def make(self, tmp_path: Path) -> EventStore:
        raise NotImplementedError

    @staticmethod
    def run(work: Coroutine[Any, Any, T]) -> T:
        return asyncio.run(work)

    def created(self, store: EventStore, n: int = 1, code: str = "ABCDEF") -> SessionRecord:
        session = record(n, code=code)
        self.run(store.create_session(session))
        return session

    # --- sessions --------------------------------------------------------------------------------

    def test_a_created_session_is_found_by_id_and_by_code(self, store: EventStore) -> None:
        session = self.created(store)
        assert self.run(store.session(session.id)) == session
        assert self.run(store.session_by_code(session.code)) == session
        assert self.run(store.session("nope")) is None
        assert self.run(store.session_by_code("ZZZZZZ")) is None

    def test_a_session_id_or_join_code_already_taken_is_a_conflict(self, store: EventStore) -> None:
        self.created(store, 1, "ABCDEF")
        with pytest.raises(Conflict):
            self.run(store.create_session(record(1, code="GHJKMN")))
        with pytest.raises(Conflict):
            self.run(store.create_session(record(2, code="ABCDEF")))
        assert self.run(store.session_by_code("GHJKMN")) is None
        assert self.run(store.session(record(2).id)) is None

    def test_every_session_is_listed_once(self, store: EventStore) -> None:
        assert self.run(store.session_ids()) == []
        sessions = [self.created(store, n, code) for n, code in ((1, "AAAAAA"), (2, "BBBBBB"))]
        assert sorted(self.run(store.session_ids())) == sorted(s.id for s in sessions)

    def test_only_sessions_flagged_with_an_open_round_are_listed_as_open(
        self, store: EventStore
    ) -> None:
        idle, running = self.created(store, 1, "AAAAAA"), self.created(store, 2, "BBBBBB")
        assert self.run(store.open_session_ids()) == []  # a new session has no round open
        self.run(store.mark_open(running.id, True))
        assert self.run(store.open_session_ids()) == [running.id]
        self.run(store.mark_open(running.id, False))
        self.run(store.mark_open(idle.id, False))
        assert self.run(store.open_session_ids()) == []

    def test_a_new_session_has_an_empty_log(self, store: EventStore) -> None:
        session = self.created(store)
        assert self.run(store.read(session.id)) == []
        assert self.run(store.last_seq(session.id)) == 0
        assert self.run(store.outcomes(session.id)) == []

    # --- append and read -------------------------------------------------------------------------

    def test_appended_records_are_read_back_verbatim_in_order(self, store: EventStore) -> None:
        session = self.created(store)
        self.run(store.append(session.id, 0, RECORDS[:2], [], []))
        self.run(store.append(session.id, 2, RECORDS[2:], [], []))
        assert self.run(store.read(session.id)) == RECORDS
        assert self.run(store.last_seq(session.id)) == 3

    def test_read_after_a_seq_gives_only_what_follows(self, store: EventStore) -> None:
        session = self.created(store)
        self.run(store.append(session.id, 0, RECORDS, [], []))
        assert self.run(store.read(session.id, after=1)) == RECORDS[1:]
        assert self.run(store.read(session.id, after=3)) == []
        assert self.run(store.read(session.id, after=10)) == []

    @pytest.mark.parametrize("stale", [0, 1, 3])
    def test_a_stale_expected_seq_is_a_conflict_and_writes_nothing(
        self, store: EventStore, stale: int
    ) -> None:
        session = self.created(store)
        first = Outcome(actor="p1", cmd="c1", seq=2)
        self.run(store.append(session.id, 0, RECORDS[:2], [first], [("hash-1", "p1")]))
        late = Outcome(actor="p2", cmd="c2", seq=3)
        with pytest.raises(Conflict):
            self.run(store.append(session.id, stale, [b"late"], [late], [("hash-2", "p2")]))
        assert self.run(store.read(session.id)) == RECORDS[:2]
        assert self.run(store.last_seq(session.id)) == 2
        assert self.run(store.outcomes(session.id)) == [first]
        assert self.run(store.participant_for(session.id, "hash-2")) is None

    def test_of_two_writers_expecting_the_same_seq_one_wins(self, store: EventStore) -> None:
        session = self.created(store)

        async def race() -> list[BaseException | None]:
            results = await asyncio.gather(
                store.append(session.id, 0, [b"one"], [], []),
                store.append(session.id, 0, [b"two"], [], []),
                return_exceptions=True,
            )
            return list(results)

        results = self.run(race())
        assert sum(isinstance(r, Conflict) for r in results) == 1
        assert [r for r in results if not isinstance(r, Conflict)] == [None]
        assert self.run(store.read(session.id)) in ([b"one"], [b"two"])

    def test_outcomes_and_tokens_are_written_with_the_events(self, store: EventStore) -> None:
        session = self.created(store)
        outcomes = [
            Outcome(actor="guest", cmd="join-0123456789abcdef", seq=1, participant="p1"),
            Outcome(actor="p1", cmd="c1", code="round_closed"),
        ]
        self.run(store.append(session.id, 0, [b"joined"], outcomes, [("hash-1", "p1")]))
        assert sorted_(self.run(store.outcomes(session.id))) == sorted_(outcomes)
        assert self.run(store.participant_for(session.id, "hash-1")) == "p1"
        assert self.run(store.participant_for(session.id, "hash-unknown")) is None

    def test_outcomes_and_tokens_may_come_without_events(self, store: EventStore) -> None:
        """A refused command, or a retried join's fresh token, writes no event."""
        session = self.created(store)
        self.run(store.append(session.id, 0, [b"joined"], [], []))
        refused = Outcome(actor="p1", cmd="c9", code="not_allowed")
        self.run(store.append(session.id, 1, [], [refused], [("hash-2", "p1")]))
        assert self.run(store.last_seq(session.id)) == 1
        assert self.run(store.outcomes(session.id)) == [refused]
        assert self.run(store.participant_for(session.id, "hash-2")) == "p1"

    def test_sessions_keep_their_logs_outcomes_and_tokens_apart(self, store: EventStore) -> None:
        one, two = self.created(store, 1, "AAAAAA"), self.created(store, 2, "BBBBBB")
        self.run(store.append(one.id, 0, RECORDS, [Outcome(actor="p1", cmd="c", seq=3)], []))
        self.run(store.append(two.id, 0, [b"other"], [], [("same-hash", "p7")]))
        assert self.run(store.read(two.id)) == [b"other"]
        assert self.run(store.last_seq(one.id)) == 3
        assert self.run(store.outcomes(two.id)) == []
        assert self.run(store.participant_for(one.id, "same-hash")) is None
        assert self.run(store.participant_for(two.id, "same-hash")) == "p7"

    # --- fencing (several workers, one owner at a time) -------------------------------------------

    def test_each_claim_gives_a_greater_fence_per_session(self, store: EventStore) -> None:
        one, two = self.created(store, 1, "AAAAAA"), self.created(store, 2, "BBBBBB")
        fences = [self.run(store.claim(one.id)) for _ in range(3)]
        assert fences == sorted(set(fences))
        assert fences[0] >= 1
        assert self.run(store.claim(two.id)) == 1

    def test_a_writer_fenced_out_by_a_newer_claim_writes_nothing(self, store: EventStore) -> None:
        session = self.created(store)
        old = self.run(store.claim(session.id))
        self.run(store.append(session.id, 0, [b"by the old owner"], [], [], fence=old))
        new = self.run(store.claim(session.id))
        with pytest.raises(Fenced):
            self.run(
                store.append(
                    session.id, 1, [b"stale"], [Outcome(actor="p", cmd="c")], [], fence=old
                )
            )
        with pytest.raises(Fenced):  # an answer alone is refused too
            self.run(store.append(session.id, 1, [], [Outcome(actor="p", cmd="c")], [], fence=old))
        assert self.run(store.read(session.id)) == [b"by the old owner"]
        assert self.run(store.outcomes(session.id)) == []
        self.run(store.append(session.id, 1, [b"by the new owner"], [], [], fence=new))
        assert self.run(store.last_seq(session.id)) == 2


class TestMemoryStore(StoreContract):
    def make(self, tmp_path: Path) -> EventStore:
        return MemoryStore()


class SqlStoreContract(StoreContract):
    """What ``SqlStore`` adds, on every database it runs on. Subclasses give the URL."""

    def url(self, tmp_path: Path) -> str:
        raise NotImplementedError

    def make(self, tmp_path: Path) -> SqlStore:
        return SqlStore(self.url(tmp_path))

    def behind(self, tmp_path: Path, session_id: str, seq: int, record: bytes) -> None:
        """Another writer's event, committed behind the stores' backs."""
        engine = create_engine(database_url(self.url(tmp_path)))
        try:
            with engine.begin() as other:
                other.execute(
                    text("INSERT INTO events (session_id, seq, record) VALUES (:s, :n, :r)"),
                    {"s": session_id, "n": seq, "r": record},
                )
        finally:
            engine.dispose()

    def test_everything_survives_reopening_the_file(self, tmp_path: Path) -> None:
        store = self.make(tmp_path)
        session = self.created(store)
        outcome = Outcome(actor="guest", cmd="join-0123456789abcdef", seq=2, participant="p1")
        self.run(store.append(session.id, 0, RECORDS[:2], [outcome], [("hash-1", "p1")]))
        self.run(store.close())
        reopened = self.make(tmp_path)
        try:
            assert self.run(reopened.session(session.id)) == session
            assert self.run(reopened.session_ids()) == [session.id]
            assert self.run(reopened.read(session.id)) == RECORDS[:2]
            assert self.run(reopened.outcomes(session.id)) == [outcome]
            assert self.run(reopened.participant_for(session.id, "hash-1")) == "p1"
            self.run(reopened.append(session.id, 2, RECORDS[2:], [], []))
            assert self.run(reopened.read(session.id, after=2)) == RECORDS[2:]
            with pytest.raises(Conflict):
                self.run(reopened.append(session.id, 2, [b"stale"], [], []))
        finally:
            self.run(reopened.close())

    def test_a_second_store_on_the_same_file_sees_the_first_one_s_appends(
        self, tmp_path: Path
    ) -> None:
        """Two processes on one database (a restarted server while the old one lingers): the
        second one's stale expected seq is a conflict, not a second event at the same seq."""
        first, second = self.make(tmp_path), self.make(tmp_path)
        try:
            session = self.created(first)
            self.run(first.append(session.id, 0, [b"first"], [], []))
            with pytest.raises(Conflict):
                self.run(second.append(session.id, 0, [b"second"], [], []))
            assert self.run(second.read(session.id)) == [b"first"]
        finally:
            self.run(first.close())
            self.run(second.close())

    def test_a_row_written_behind_the_store_s_back_is_a_conflict_and_nothing_is_written(
        self, tmp_path: Path
    ) -> None:
        """The store remembers each session's last seq instead of reading it before every
        commit. If another writer appended meanwhile, the primary key refuses the stale seq:
        a conflict, nothing of the batch written, and the next append reads the seq again."""
        store = self.make(tmp_path)
        try:
            session = self.created(store)
            self.run(store.append(session.id, 0, [b"one"], [], []))  # last seq 1, remembered
            self.behind(tmp_path, session.id, 2, b"behind")
            late = Outcome(actor="p1", cmd="c1", seq=2)
            with pytest.raises(Conflict):
                self.run(store.append(session.id, 1, [b"stale"], [late], [("hash-1", "p1")]))
            assert self.run(store.read(session.id)) == [b"one", b"behind"]
            assert self.run(store.outcomes(session.id)) == []
            assert self.run(store.participant_for(session.id, "hash-1")) is None
            with pytest.raises(Conflict):  # the stale seq again: refused by the fresh read too
                self.run(store.append(session.id, 1, [b"stale"], [], []))
            self.run(store.append(session.id, 2, [b"three"], [late], [("hash-1", "p1")]))
            assert self.run(store.read(session.id)) == [b"one", b"behind", b"three"]
            assert self.run(store.outcomes(session.id)) == [late]
        finally:
            self.run(store.close())

    def test_a_stale_remembered_seq_is_read_again_before_deciding_a_conflict(
        self, tmp_path: Path
    ) -> None:
        """Another process appended at the right seq behind the store's back; a caller who
        knows it (it read the log) appends at the new expected seq: the remembered seq differs,
        so the store asks the database, which agrees, and the append succeeds at once."""
        store = self.make(tmp_path)
        try:
            session = self.created(store)
            self.run(store.append(session.id, 0, [b"one"], [], []))  # last seq 1, remembered
            self.behind(tmp_path, session.id, 2, b"behind")
            self.behind(tmp_path, session.id, 3, b"behind again")
            answered = Outcome(actor="p1", cmd="c1", seq=4)
            self.run(store.append(session.id, 3, [b"four"], [answered], [("hash-1", "p1")]))
            assert self.run(store.read(session.id)) == [b"one", b"behind", b"behind again", b"four"]
            assert self.run(store.outcomes(session.id)) == [answered]
            self.behind(tmp_path, session.id, 5, b"five")  # and with no event of its own
            refused = Outcome(actor="p1", cmd="c2", code="not_allowed")
            self.run(store.append(session.id, 5, [], [refused], []))
            assert sorted_(self.run(store.outcomes(session.id))) == [answered, refused]
            with pytest.raises(Conflict):  # a really stale seq is still refused
                self.run(store.append(session.id, 4, [b"stale"], [], []))
        finally:
            self.run(store.close())

    def test_a_batch_without_events_checks_the_seq_in_the_database(self, tmp_path: Path) -> None:
        """No event, so no primary key to refuse a stale seq: outcomes and tokens alone must
        still not be written after someone else's events."""
        store = self.make(tmp_path)
        try:
            session = self.created(store)
            self.run(store.append(session.id, 0, [b"one"], [], []))
            self.behind(tmp_path, session.id, 2, b"behind")
            refused = Outcome(actor="p1", cmd="c9", code="not_allowed")
            with pytest.raises(Conflict):
                self.run(store.append(session.id, 1, [], [refused], [("hash-2", "p1")]))
            assert self.run(store.outcomes(session.id)) == []
            assert self.run(store.participant_for(session.id, "hash-2")) is None
            self.run(store.append(session.id, 2, [], [refused], [("hash-2", "p1")]))
            assert self.run(store.outcomes(session.id)) == [refused]
        finally:
            self.run(store.close())

    def test_a_failed_commit_is_not_remembered(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Any failure (here the disk, at commit) forgets the remembered seq and the
        connection: nothing was written, and the next append at the same seq succeeds."""
        store = self.make(tmp_path)
        try:
            session = self.created(store)
            self.run(store.append(session.id, 0, [b"one"], [], []))

            def broken(*_args: object) -> None:
                raise OSError("disk I/O error")

            monkeypatch.setattr(store, "_write", broken)
            with pytest.raises(OSError, match="disk"):
                self.run(store.append(session.id, 1, [b"two"], [], []))
            monkeypatch.undo()
            self.run(store.append(session.id, 1, [b"two"], [], []))
            assert self.run(store.read(session.id)) == [b"one", b"two"]
        finally:
            self.run(store.close())

    def test_a_command_id_answered_twice_is_a_conflict_and_nothing_is_written(
        self, store: EventStore
    ) -> None:
        """The outcomes' primary key (session, actor, cmd) is checked in the append's own
        transaction: a second answer to one command id refuses the whole batch, and the store
        goes on at the same seq afterwards."""
        session = self.created(store)
        first = Outcome(actor="p1", cmd="c1", seq=1)
        self.run(store.append(session.id, 0, [b"one"], [first], [("hash-1", "p1")]))
        again = Outcome(actor="p1", cmd="c1", seq=2)
        with pytest.raises(Conflict):
            self.run(store.append(session.id, 1, [b"two"], [again], [("hash-2", "p1")]))
        twice = [Outcome(actor="p2", cmd="c1", seq=2), Outcome(actor="p2", cmd="c1", code="x")]
        with pytest.raises(Conflict):  # twice in one batch
            self.run(store.append(session.id, 1, [b"two"], twice, []))
        assert self.run(store.read(session.id)) == [b"one"]
        assert self.run(store.outcomes(session.id)) == [first]
        assert self.run(store.participant_for(session.id, "hash-2")) is None
        other = Outcome(actor="p2", cmd="c1", seq=2)  # another actor may use the same cmd id
        self.run(store.append(session.id, 1, [b"two"], [other], []))
        assert self.run(store.read(session.id)) == [b"one", b"two"]
        assert sorted_(self.run(store.outcomes(session.id))) == [first, other]

    def seqs(self, tmp_path: Path, session_id: str) -> list[int]:
        engine = create_engine(database_url(self.url(tmp_path)))
        try:
            with engine.connect() as db:
                query = text("SELECT seq FROM events WHERE session_id = :s ORDER BY seq")
                return [int(row[0]) for row in db.execute(query, {"s": session_id})]
        finally:
            engine.dispose()

    def test_two_stores_in_lock_step_one_append_wins_each_round(self, tmp_path: Path) -> None:
        """Two stores (two worker processes) read the same last seq, then append at it at the
        same moment from two threads: each round exactly one commits, the other is a conflict."""
        rounds = 25
        stores = [self.make(tmp_path), self.make(tmp_path)]
        barrier = threading.Barrier(len(stores), timeout=30)
        try:
            session = self.created(stores[0])

            async def rounds_of(n: int, store: SqlStore) -> list[int | None]:
                won: list[int | None] = []
                for r in range(rounds):
                    barrier.wait()  # blocks this thread's own loop only
                    expected = await store.last_seq(session.id)
                    barrier.wait()
                    try:
                        await store.append(session.id, expected, [b"%d-%d" % (n, r)], [], [])
                    except Conflict:
                        won.append(None)
                    else:
                        won.append(expected)
                return won

            with ThreadPoolExecutor(len(stores)) as pool:
                futures = [pool.submit(self.run, rounds_of(n, s)) for n, s in enumerate(stores)]
                results = [future.result(timeout=120) for future in futures]
            winners = []
            for r, answers in enumerate(zip(*results, strict=True)):
                assert sorted(answers, key=lambda a: a is None) == [r, None], (r, answers)
                winners.append(next(n for n, a in enumerate(answers) if a is not None))
            log = self.run(stores[1].read(session.id))
            assert log == [b"%d-%d" % (n, r) for r, n in enumerate(winners)]
            assert self.seqs(tmp_path, session.id) == list(range(1, rounds + 1))
        finally:
            for store in stores:
                self.run(store.close())

    def test_stores_appending_freely_from_threads_leave_a_gapless_log(self, tmp_path: Path) -> None:
        """Three stores append batches (some with no event) to one session as fast as they can,
        each from its own thread, reading the last seq again after a conflict and retrying the
        same command ids: every append commits exactly at its expected seq or is a conflict,
        and the log holds every committed record once, at seqs 1…N."""
        writers, batches = 3, 30
        stores = [self.make(tmp_path) for _ in range(writers)]
        try:
            session = self.created(stores[0])

            async def write(n: int, store: SqlStore) -> tuple[list[tuple[int, list[bytes]]], int]:
                committed: list[tuple[int, list[bytes]]] = []
                conflicts = 0
                expected = await store.last_seq(session.id)
                while len(committed) < batches:
                    i = len(committed)
                    records = [b"w%d-b%d-r%d" % (n, i, k) for k in range(i % 3)]  # 0, 1 or 2
                    answer = Outcome(actor=f"w{n}", cmd=f"c{i}", seq=expected + len(records))
                    try:
                        await store.append(session.id, expected, records, [answer], [])
                    except Conflict:
                        conflicts += 1
                        assert conflicts < 5_000, "no progress"
                        expected = await store.last_seq(session.id)
                        continue
                    committed.append((expected, records))
                    expected += len(records)
                return committed, conflicts

            with ThreadPoolExecutor(writers) as pool:
                futures = [pool.submit(self.run, write(n, s)) for n, s in enumerate(stores)]
                results = [future.result(timeout=120) for future in futures]
            log = self.run(stores[0].read(session.id))
            total = sum(len(records) for committed, _ in results for _, records in committed)
            assert len(log) == total
            assert len(set(log)) == total  # no record twice
            assert self.seqs(tmp_path, session.id) == list(range(1, total + 1))
            for committed, _ in results:
                for expected, records in committed:
                    assert log[expected : expected + len(records)] == records
            outcomes = self.run(stores[0].outcomes(session.id))
            assert len(outcomes) == writers * batches
        finally:
            for store in stores:
                self.run(store.close())


class TestSqlStore(SqlStoreContract):
    """On a SQLite file (WAL)."""

    def url(self, tmp_path: Path) -> str:
        return f"sqlite:///{tmp_path / 'events.sqlite'}"


class TestPostgresStore(SqlStoreContract):
    """On the CI machine's PostgreSQL, each test in a new, empty schema; the URL is the bare
    ``postgresql://`` one, which the store runs through psycopg 3."""

    @pytest.fixture(autouse=True)
    def _schema(self, postgres_schema: str) -> None:
        self._url = postgres_schema

    def url(self, tmp_path: Path) -> str:
        return self._url

    def admin(self, tmp_path: Path) -> Engine:
        return create_engine(database_url(self.url(tmp_path)))

    def test_a_bare_postgresql_url_runs_through_psycopg(self, tmp_path: Path) -> None:
        assert self.url(tmp_path).startswith("postgresql://")
        store = open_store(self.url(tmp_path))
        try:
            assert isinstance(store, SqlStore)
            assert store._engine.dialect.driver == "psycopg"
        finally:
            self.run(store.close())

    def wait_for_lock_waiters(self, db: Any, waiters: int) -> None:
        """Until ``waiters`` connections wait for an advisory lock (seen in ``pg_locks``)."""
        query = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with db.connect() as probe:
                if probe.execute(query).scalar() == waiters:
                    return
            time.sleep(0.02)
        raise AssertionError(f"never {waiters} waiter(s) on an advisory lock")

    def test_an_append_waits_for_its_session_s_lock_and_no_other(self, tmp_path: Path) -> None:
        """Another process holding the session's advisory lock holds our append back until its
        transaction ends; an append to another session goes through meanwhile."""
        store, admin = self.make(tmp_path), self.admin(tmp_path)
        try:
            one, two = self.created(store, 1, "AAAAAA"), self.created(store, 2, "BBBBBB")
            with admin.connect() as other, ThreadPoolExecutor(1) as pool:
                other.execute(text(LOCK), {"s": one.id})  # held until other commits
                self.run(store.append(two.id, 0, [b"free"], [], []))
                waiting = pool.submit(self.run, store.append(one.id, 0, [b"waits"], [], []))
                self.wait_for_lock_waiters(admin, 1)
                assert not waiting.done()
                other.commit()
                waiting.result(timeout=10)
            assert self.run(store.read(one.id)) == [b"waits"]
            assert self.run(store.read(two.id)) == [b"free"]
        finally:
            self.run(store.close())
            admin.dispose()

    def test_a_batch_without_events_waits_and_sees_the_lock_holder_s_event(
        self, tmp_path: Path
    ) -> None:
        """No event, so no primary key refuses a stale seq: only the lock keeps outcomes from
        being committed beside another worker's event that was not committed yet."""
        store, admin = self.make(tmp_path), self.admin(tmp_path)
        try:
            session = self.created(store)
            self.run(store.append(session.id, 0, [b"one"], [], []))
            refused = Outcome(actor="p1", cmd="c9", code="not_allowed")
            with admin.connect() as other, ThreadPoolExecutor(1) as pool:
                other.execute(text(LOCK), {"s": session.id})
                other.execute(
                    text("INSERT INTO events (session_id, seq, record) VALUES (:s, 2, :r)"),
                    {"s": session.id, "r": b"other worker"},
                )
                waiting = pool.submit(self.run, store.append(session.id, 1, [], [refused], []))
                self.wait_for_lock_waiters(admin, 1)
                other.commit()
                with pytest.raises(Conflict):
                    waiting.result(timeout=10)
            assert self.run(store.outcomes(session.id)) == []
            assert self.run(store.read(session.id)) == [b"one", b"other worker"]
        finally:
            self.run(store.close())
            admin.dispose()

    def test_workers_starting_at_once_on_an_empty_database_all_open_it(
        self, tmp_path: Path
    ) -> None:
        """Each store creates the missing tables under a lock: four at once do not collide."""
        barrier = threading.Barrier(4, timeout=30)

        def start() -> SqlStore:
            barrier.wait()
            return SqlStore(self.url(tmp_path))

        with ThreadPoolExecutor(4) as pool:
            stores = list(pool.map(lambda _: start(), range(4)))
        try:
            session = self.created(stores[0])
            self.run(stores[3].append(session.id, 0, [b"one"], [], []))
            assert self.run(stores[1].read(session.id)) == [b"one"]
        finally:
            for store in stores:
                self.run(store.close())


# The store's lock on a session, taken by hand as another worker's transaction would.
LOCK = "SELECT pg_advisory_xact_lock(hashtextextended(:s, 0))"


def test_statements_are_laid_out_for_the_dialect_s_paramstyle() -> None:
    """SQLite takes ``?`` and tuples, psycopg (PostgreSQL) ``%(name)s`` and mappings."""
    columns = ["session_id", "seq", "record"]
    rows = [("s", 1, b"r"), ("s", 2, b"q")]
    statement = insert(EventRow)
    qmark = _Compiled(statement, sqlite.dialect(), columns)
    assert qmark.sql == "INSERT INTO events (session_id, seq, record) VALUES (?, ?, ?)"
    assert qmark.params(rows) == rows
    reordered = _Compiled(statement, sqlite.dialect(), ["record", "session_id", "seq"])
    assert reordered.params([(b"r", "s", 1)]) == [("s", 1, b"r")]
    postgresql = psycopg.dialect()  # type: ignore[no-untyped-call]
    pyformat = _Compiled(statement, postgresql, columns)
    assert "%(session_id)s" in pyformat.sql
    assert "%(record)s" in pyformat.sql
    assert pyformat.params(rows[:1]) == [{"session_id": "s", "seq": 1, "record": b"r"}]
    last = select(col(EventRow.seq)).where(col(EventRow.session_id) == bindparam("session_id"))
    assert _Compiled(last, postgresql, ["session_id"]).params([("s",)]) == [{"session_id": "s"}]
    with pytest.raises(ValueError, match="takes"):  # a column the rows would not fill
        _Compiled(statement, sqlite.dialect(), ["session_id", "seq"])


def test_a_bare_postgresql_url_names_psycopg_and_other_urls_are_kept() -> None:
    assert database_url("postgresql://u@h:5432/db") == "postgresql+psycopg://u@h:5432/db"
    assert database_url("postgres://u:p%40ss@h/db") == "postgresql+psycopg://u:p%40ss@h/db"
    kept = ["postgresql+psycopg://h/db", "postgresql+asyncpg://h/db", "sqlite:///x.sqlite"]
    assert [database_url(url) for url in kept] == kept


@pytest.mark.parametrize("ci", ["true", "1", "", "0"])
def test_an_unreachable_service_fails_under_ci_and_is_skipped_elsewhere(
    ci: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a sentence that names the service and how to start it."""
    monkeypatch.setenv("CI", ci)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    outcome = pytest.fail.Exception if ci in ("true", "1") else pytest.skip.Exception
    with pytest.raises(outcome, match=r"PostgreSQL is not reachable .*pg_ctlcluster"):
        services.postgres_url(f"postgresql://127.0.0.1:{port}/test")
    with pytest.raises(outcome, match=r"Redis is not reachable .*redis-server --daemonize"):
        services.redis_url(f"redis://127.0.0.1:{port}/0")

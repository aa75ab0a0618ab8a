"""The event-store contract, one test class run against every store (as eventsourcing does).

``append(session, expected_seq, records, outcomes, tokens)`` writes all three in one go, only if
the session's last seq is still ``expected_seq`` (else ``Conflict`` and nothing written);
``read(session, after)`` gives the records after a seq, verbatim and in order. ``MemoryStore`` is
the reference; ``SqlStore`` runs on a SQLite file and must keep everything across a reopening.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy import bindparam, insert, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.postgresql import psycopg
from sqlmodel import col

from server.store import (
    Conflict,
    EventRow,
    EventStore,
    MemoryStore,
    Outcome,
    SessionRecord,
    SqlStore,
    _Compiled,
)

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


class TestMemoryStore(StoreContract):
    def make(self, tmp_path: Path) -> EventStore:
        return MemoryStore()


class TestSqlStore(StoreContract):
    def make(self, tmp_path: Path) -> EventStore:
        return SqlStore(f"sqlite:///{tmp_path / 'events.sqlite'}")

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
            with sqlite3.connect(tmp_path / "events.sqlite") as other:
                other.execute(
                    "INSERT INTO events (session_id, seq, record) VALUES (?, 2, ?)",
                    (session.id, b"behind"),
                )
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

    def test_a_batch_without_events_checks_the_seq_in_the_database(self, tmp_path: Path) -> None:
        """No event, so no primary key to refuse a stale seq: outcomes and tokens alone must
        still not be written after someone else's events."""
        store = self.make(tmp_path)
        try:
            session = self.created(store)
            self.run(store.append(session.id, 0, [b"one"], [], []))
            with sqlite3.connect(tmp_path / "events.sqlite") as other:
                other.execute(
                    "INSERT INTO events (session_id, seq, record) VALUES (?, 2, ?)",
                    (session.id, b"behind"),
                )
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
                raise sqlite3.OperationalError("disk I/O error")

            monkeypatch.setattr(store, "_write", broken)
            with pytest.raises(sqlite3.OperationalError):
                self.run(store.append(session.id, 1, [b"two"], [], []))
            monkeypatch.undo()
            self.run(store.append(session.id, 1, [b"two"], [], []))
            assert self.run(store.read(session.id)) == [b"one", b"two"]
        finally:
            self.run(store.close())


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

"""Event stores: where a session's log, its command outcomes and its tokens are kept durably.

The contract (one test class runs it against every store, like eventsourcing's persistence
tests): ``append`` writes a batch of events *and* the outcomes of the commands that produced them
*and* the tokens they created in one transaction, only if the session's last ``seq`` is still
``expected_seq`` (else ``Conflict``, nothing written); ``read`` gives the stored records after a
``seq``, in order, with no gap. Records are the encoded envelopes (bytes), written once by the
session's single writer and read back verbatim for resume and export.

``MemoryStore`` is for tests; ``SqlStore`` (SQLModel over SQLite in WAL mode, or PostgreSQL) is
the real one. SQL work runs on one worker thread per store so the event loop never blocks on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import msgspec
from sqlalchemy import Column, LargeBinary, event, func, insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, create_engine, select
from sqlmodel import Session as DbSession

__all__ = [
    "Conflict",
    "EventStore",
    "MemoryStore",
    "Outcome",
    "SessionRecord",
    "SqlStore",
    "open_store",
]


class Conflict(Exception):
    """Someone else appended to this session first: the writer's ``expected_seq`` is stale."""


class SessionRecord(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    code: str  # the 6-character join code
    title: str
    created_at: int
    facilitator_hash: str  # sha256 of the facilitator token; the token itself is never stored


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    """How a command was answered, kept so that a repeated command id answers the same way."""

    actor: str
    cmd: str
    seq: int | None = None  # the last seq it produced, when acknowledged
    code: str | None = None  # the rejection code, when refused
    participant: str | None = None  # for a join: who the guest became


class EventStore(Protocol):
    async def create_session(self, record: SessionRecord) -> None: ...
    async def session(self, session_id: str) -> SessionRecord | None: ...
    async def session_by_code(self, code: str) -> SessionRecord | None: ...
    async def session_ids(self) -> list[str]: ...
    async def append(
        self,
        session_id: str,
        expected_seq: int,
        records: Sequence[bytes],
        outcomes: Sequence[Outcome],
        tokens: Sequence[tuple[str, str]],
    ) -> None: ...
    async def read(self, session_id: str, after: int = 0) -> list[bytes]: ...
    async def last_seq(self, session_id: str) -> int: ...
    async def outcomes(self, session_id: str) -> list[Outcome]: ...
    async def participant_for(self, session_id: str, token_hash: str) -> str | None: ...
    async def close(self) -> None: ...


class MemoryStore:
    """Everything in dicts; the reference behaviour of the contract."""

    def __init__(self) -> None:
        self._sessions: dict[str, SessionRecord] = {}
        self._logs: dict[str, list[bytes]] = {}
        self._outcomes: dict[str, list[Outcome]] = {}
        self._tokens: dict[tuple[str, str], str] = {}

    async def create_session(self, record: SessionRecord) -> None:
        if record.id in self._sessions or any(
            s.code == record.code for s in self._sessions.values()
        ):
            raise Conflict(record.id)
        self._sessions[record.id] = record
        self._logs[record.id] = []
        self._outcomes[record.id] = []

    async def session(self, session_id: str) -> SessionRecord | None:
        return self._sessions.get(session_id)

    async def session_by_code(self, code: str) -> SessionRecord | None:
        return next((s for s in self._sessions.values() if s.code == code), None)

    async def session_ids(self) -> list[str]:
        return list(self._sessions)

    async def append(
        self,
        session_id: str,
        expected_seq: int,
        records: Sequence[bytes],
        outcomes: Sequence[Outcome],
        tokens: Sequence[tuple[str, str]],
    ) -> None:
        log = self._logs[session_id]
        if len(log) != expected_seq:
            raise Conflict(f"{session_id}: expected seq {expected_seq}, store has {len(log)}")
        log.extend(records)
        self._outcomes[session_id].extend(outcomes)
        for token_hash, participant in tokens:
            self._tokens[(session_id, token_hash)] = participant

    async def read(self, session_id: str, after: int = 0) -> list[bytes]:
        return self._logs.get(session_id, [])[after:]

    async def last_seq(self, session_id: str) -> int:
        return len(self._logs.get(session_id, []))

    async def outcomes(self, session_id: str) -> list[Outcome]:
        return list(self._outcomes.get(session_id, []))

    async def participant_for(self, session_id: str, token_hash: str) -> str | None:
        return self._tokens.get((session_id, token_hash))

    async def close(self) -> None:
        return None


# --- SQL ----------------------------------------------------------------------------------------


class SessionRow(SQLModel, table=True):
    __tablename__ = "sessions"
    id: str = Field(primary_key=True)
    code: str = Field(unique=True, index=True)
    title: str
    created_at: int
    facilitator_hash: str


class EventRow(SQLModel, table=True):
    __tablename__ = "events"
    session_id: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    record: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class OutcomeRow(SQLModel, table=True):
    __tablename__ = "outcomes"
    session_id: str = Field(primary_key=True)
    actor: str = Field(primary_key=True)
    cmd: str = Field(primary_key=True)
    seq: int | None = None
    code: str | None = None
    participant: str | None = None


class TokenRow(SQLModel, table=True):
    __tablename__ = "tokens"
    session_id: str = Field(primary_key=True)
    token_hash: str = Field(primary_key=True)
    participant: str


class SqlStore:
    """SQLite (WAL, ``synchronous=FULL``: a commit survives a crash) or PostgreSQL."""

    def __init__(self, url: str) -> None:
        self._engine = _engine(url)
        SQLModel.metadata.create_all(self._engine)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")

    async def _run(self, work: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._thread, work, *args)

    async def create_session(self, record: SessionRecord) -> None:
        await self._run(self._create_session, record)

    def _create_session(self, record: SessionRecord) -> None:
        with DbSession(self._engine) as db:
            if db.get(SessionRow, record.id) is not None:
                raise Conflict(record.id)
            if db.exec(select(SessionRow).where(SessionRow.code == record.code)).first():
                raise Conflict(record.code)
            db.add(SessionRow(**msgspec.structs.asdict(record)))
            db.commit()

    async def session(self, session_id: str) -> SessionRecord | None:
        result: SessionRecord | None = await self._run(self._session_where, "id", session_id)
        return result

    async def session_by_code(self, code: str) -> SessionRecord | None:
        result: SessionRecord | None = await self._run(self._session_where, "code", code)
        return result

    async def session_ids(self) -> list[str]:
        result: list[str] = await self._run(self._session_ids)
        return result

    def _session_ids(self) -> list[str]:
        with DbSession(self._engine) as db:
            query = select(SessionRow.id).order_by(SessionRow.created_at)  # type: ignore[arg-type]
            return list(db.exec(query))

    def _session_where(self, column: str, value: str) -> SessionRecord | None:
        with DbSession(self._engine) as db:
            row = db.exec(select(SessionRow).where(getattr(SessionRow, column) == value)).first()
            return None if row is None else SessionRecord(**row.model_dump())

    async def append(
        self,
        session_id: str,
        expected_seq: int,
        records: Sequence[bytes],
        outcomes: Sequence[Outcome],
        tokens: Sequence[tuple[str, str]],
    ) -> None:
        await self._run(self._append, session_id, expected_seq, records, outcomes, tokens)

    def _append(
        self,
        session_id: str,
        expected_seq: int,
        records: Sequence[bytes],
        outcomes: Sequence[Outcome],
        tokens: Sequence[tuple[str, str]],
    ) -> None:
        events = [
            {"session_id": session_id, "seq": expected_seq + i, "record": record}
            for i, record in enumerate(records, start=1)
        ]
        answers = [{"session_id": session_id, **msgspec.structs.asdict(o)} for o in outcomes]
        keys = [{"session_id": session_id, "token_hash": h, "participant": p} for h, p in tokens]
        try:
            with self._engine.begin() as db:
                if self._last_seq_in(db, session_id) != expected_seq:
                    raise Conflict(f"{session_id}: expected seq {expected_seq}")
                for table, rows in ((EventRow, events), (OutcomeRow, answers), (TokenRow, keys)):
                    if rows:
                        db.execute(insert(table), rows)  # one executemany per table
        except IntegrityError as error:  # another writer took these seqs between read and insert
            raise Conflict(f"{session_id}: seq {expected_seq + 1} already taken") from error

    @staticmethod
    def _last_seq_in(db: Any, session_id: str) -> int:
        query = select(func.max(EventRow.seq)).where(EventRow.session_id == session_id)
        return int(db.execute(query).scalar() or 0)

    async def read(self, session_id: str, after: int = 0) -> list[bytes]:
        result: list[bytes] = await self._run(self._read, session_id, after)
        return result

    def _read(self, session_id: str, after: int) -> list[bytes]:
        query = (
            select(EventRow.record)
            .where(EventRow.session_id == session_id, EventRow.seq > after)
            .order_by(EventRow.seq)  # type: ignore[arg-type]
        )
        with self._engine.connect() as db:
            return [bytes(row[0]) for row in db.execute(query)]

    async def last_seq(self, session_id: str) -> int:
        result: int = await self._run(self._last_seq, session_id)
        return result

    def _last_seq(self, session_id: str) -> int:
        with self._engine.connect() as db:
            return self._last_seq_in(db, session_id)

    async def outcomes(self, session_id: str) -> list[Outcome]:
        result: list[Outcome] = await self._run(self._outcomes, session_id)
        return result

    def _outcomes(self, session_id: str) -> list[Outcome]:
        with DbSession(self._engine) as db:
            rows = db.exec(select(OutcomeRow).where(OutcomeRow.session_id == session_id))
            return [
                Outcome(actor=r.actor, cmd=r.cmd, seq=r.seq, code=r.code, participant=r.participant)
                for r in rows
            ]

    async def participant_for(self, session_id: str, token_hash: str) -> str | None:
        result: str | None = await self._run(self._participant_for, session_id, token_hash)
        return result

    def _participant_for(self, session_id: str, token_hash: str) -> str | None:
        with DbSession(self._engine) as db:
            row = db.get(TokenRow, (session_id, token_hash))
            return None if row is None else row.participant

    async def close(self) -> None:
        await self._run(self._engine.dispose)
        self._thread.shutdown(wait=True)


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(connection: Any, _record: Any) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    return engine


def open_store(url: str | None) -> EventStore:
    """``memory://`` for a throwaway store, else an SQLAlchemy URL (``sqlite:///metrokawa.db``)."""
    if url in (None, "memory://"):
        return MemoryStore()
    return SqlStore(url)

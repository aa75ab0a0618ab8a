"""Event stores: where a session's log, its command outcomes and its tokens are kept durably.

The contract (one test class runs it against every store, like eventsourcing's persistence
tests): ``append`` writes a batch of events *and* the outcomes of the commands that produced them
*and* the tokens they created in one transaction, only if the session's last ``seq`` is still
``expected_seq`` (else ``Conflict``, nothing written); ``read`` gives the stored records after a
``seq``, in order, with no gap. Records are the encoded envelopes (bytes), written once by the
session's single writer and read back verbatim for resume and export.

Each session also carries one flag, ``open_round`` (a round running or paused), so that a
restarted server loads only those sessions, not every one ever stored (``open_session_ids``).
The writer sets it true *before* the append that opens a round and false *after* the one that
closes it (``mark_open``): a crash in between leaves it true, which only costs loading that
session once more at start-up, where it is put right. A database from before the flag has it
null (unknown) for its old sessions: they are loaded at the next start-up and marked then.

``MemoryStore`` is for tests; ``SqlStore`` (SQLModel over SQLite in WAL mode, or PostgreSQL
through psycopg 3) is the real one. SQL work runs on one worker thread per store so the event
loop never blocks on it. That thread shares the GIL with the event loop, so ``append`` — once
per batch, the hot path — skips the ORM: its three INSERTs are compiled once from the SQLModel
tables for the engine's dialect and run with ``executemany`` on a DBAPI connection that the
thread keeps, and the session's last seq is remembered instead of read back before every commit.

On PostgreSQL several worker processes may share the database, so ``append`` first takes a
transaction-scoped advisory lock on the session (``pg_advisory_xact_lock`` on a 64-bit hash of its
id): appends to one session serialize across processes, appends to different sessions do not
wait for each other. Under that lock the seq check and the inserts run in one transaction; the
primary keys (session_id, seq) and (session_id, actor, cmd) refuse a stale seq or a command id
already answered, and the whole batch is rolled back as a ``Conflict``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, cast

import msgspec
from msgspec.structs import astuple
from sqlalchemy import (
    BigInteger,
    Column,
    LargeBinary,
    Table,
    bindparam,
    event,
    func,
    insert,
    inspect,
    literal,
    literal_column,
    text,
)
from sqlalchemy import select as select_core
from sqlalchemy.engine import Dialect, Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import Field, SQLModel, create_engine, select
from sqlmodel import Session as DbSession

__all__ = [
    "Conflict",
    "EventStore",
    "Fenced",
    "MemoryStore",
    "Outcome",
    "SessionRecord",
    "SqlStore",
    "database_url",
    "open_store",
]

log = logging.getLogger("metrokawa.store")


class Conflict(Exception):
    """Someone else appended to this session first: the writer's ``expected_seq`` is stale."""


class Fenced(Conflict):
    """Another worker has claimed the session since this writer did (its fence is older)."""


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
    async def open_session_ids(self) -> list[str]: ...
    async def mark_open(self, session_id: str, open_round: bool) -> None: ...
    async def append(
        self,
        session_id: str,
        expected_seq: int,
        records: Sequence[bytes],
        outcomes: Sequence[Outcome],
        tokens: Sequence[tuple[str, str]],
        fence: int | None = None,
    ) -> None: ...
    async def read(self, session_id: str, after: int = 0) -> list[bytes]: ...
    async def claim(self, session_id: str) -> int: ...
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
        self._fences: dict[str, int] = {}
        self._open: dict[str, bool | None] = {}

    async def create_session(self, record: SessionRecord) -> None:
        if record.id in self._sessions or any(
            s.code == record.code for s in self._sessions.values()
        ):
            raise Conflict(record.id)
        self._sessions[record.id] = record
        self._open[record.id] = False
        self._logs[record.id] = []
        self._outcomes[record.id] = []

    async def session(self, session_id: str) -> SessionRecord | None:
        return self._sessions.get(session_id)

    async def session_by_code(self, code: str) -> SessionRecord | None:
        return next((s for s in self._sessions.values() if s.code == code), None)

    async def session_ids(self) -> list[str]:
        return list(self._sessions)

    async def open_session_ids(self) -> list[str]:
        return [s for s in self._sessions if self._open.get(s) is not False]

    async def mark_open(self, session_id: str, open_round: bool) -> None:
        self._open[session_id] = open_round

    async def append(
        self,
        session_id: str,
        expected_seq: int,
        records: Sequence[bytes],
        outcomes: Sequence[Outcome],
        tokens: Sequence[tuple[str, str]],
        fence: int | None = None,
    ) -> None:
        log = self._logs[session_id]
        if fence is not None and fence != self._fences.get(session_id, 0):
            raise Fenced(f"{session_id}: fence {fence}, store has {self._fences.get(session_id)}")
        if len(log) != expected_seq:
            raise Conflict(f"{session_id}: expected seq {expected_seq}, store has {len(log)}")
        log.extend(records)
        self._outcomes[session_id].extend(outcomes)
        for token_hash, participant in tokens:
            self._tokens[(session_id, token_hash)] = participant

    async def read(self, session_id: str, after: int = 0) -> list[bytes]:
        return self._logs.get(session_id, [])[after:]

    async def claim(self, session_id: str) -> int:
        self._fences[session_id] = fence = self._fences.get(session_id, 0) + 1
        return fence

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
    # Milliseconds since the epoch: past 2**31, so BIGINT (PostgreSQL's INTEGER is 32 bits).
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    facilitator_hash: str
    # A round running or paused (see the module's docstring); null: not known yet.
    open_round: bool | None = Field(default=False, nullable=True, index=True)


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


class LeaseRow(SQLModel, table=True):
    """The fencing number of the worker that last claimed each session (scale-out, see
    ``claim``): a number that only grows, kept where the appends are checked against it."""

    __tablename__ = "leases"
    session_id: str = Field(primary_key=True)
    fence: int = Field(sa_column=Column(BigInteger, nullable=False))


class _Compiled:
    """A statement compiled once for a dialect, and how to lay out its parameters: tuples in
    ``names`` order for a positional paramstyle (SQLite's ``?``), mappings for a named one
    (psycopg's ``%(name)s``)."""

    def __init__(self, statement: ClauseElement, dialect: Dialect, names: Sequence[str]) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
        self.sql = str(compiled)
        self._names = tuple(names)
        if sorted(compiled.params) != sorted(self._names):  # e.g. a column Outcome lacks
            raise ValueError(f"{self.sql!r} takes {sorted(compiled.params)}, not {names}")
        self._order: tuple[int, ...] | None = None  # None: the parameters go as mappings
        if compiled.positional:
            self._order = tuple(self._names.index(name) for name in compiled.positiontup or ())

    def params(self, rows: list[tuple[Any, ...]]) -> list[Any]:
        if self._order is None:
            return [dict(zip(self._names, row, strict=True)) for row in rows]
        if self._order == tuple(range(len(self._names))):
            return rows
        return [tuple(row[i] for i in self._order) for row in rows]


def _insert(table: Any, dialect: Dialect) -> _Compiled:
    columns: Table = table.__table__
    return _Compiled(insert(columns), dialect, [column.name for column in columns.columns])


def _session_lock(session_id: ClauseElement) -> ClauseElement:
    """PostgreSQL: wait for, then hold until the transaction ends, the session's advisory lock.
    ``hashtextextended`` gives a 64-bit key computed by the server, the same in every worker; two
    sessions sharing a key only wait for each other, never write into each other."""
    return select_core(
        func.pg_advisory_xact_lock(func.hashtextextended(session_id, literal_column("0")))
    )


# The key of the lock held while creating the tables: two workers starting at once on an empty
# database would otherwise both issue CREATE TABLE and one would fail. (ASCII "mkawa-db".)
_SCHEMA_LOCK = 0x6D6B6177612D6462


class SqlStore:
    """SQLite (WAL, ``synchronous=FULL``: a commit survives a crash) or PostgreSQL (several
    processes may append: see the module's docstring)."""

    def __init__(self, url: str) -> None:
        self._engine = _engine(url)
        dialect = self._engine.dialect
        self._postgresql = dialect.name == "postgresql"
        with self._engine.begin() as connection:  # PostgreSQL: DDL is transactional
            if self._postgresql:
                connection.execute(select_core(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
            SQLModel.metadata.create_all(connection)
            _add_open_round(connection)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        # The append path, used on the store thread only.
        self._lock: _Compiled | None = None
        if self._postgresql:
            self._lock = _Compiled(_session_lock(bindparam("session_id")), dialect, ["session_id"])
        self._insert_events = _insert(EventRow, dialect)
        outcome = ["session_id", *Outcome.__struct_fields__]  # the rows are (session, *outcome)
        self._insert_outcomes = _Compiled(insert(OutcomeRow), dialect, outcome)
        self._insert_tokens = _insert(TokenRow, dialect)
        last = select(func.max(EventRow.seq)).where(EventRow.session_id == bindparam("session_id"))
        self._select_last = _Compiled(last, dialect, ["session_id"])
        fence = select(LeaseRow.fence).where(LeaseRow.session_id == bindparam("session_id"))
        self._select_fence = _Compiled(fence, dialect, ["session_id"])
        # A primary key (session_id, seq) already taken, seen through the ORM or the driver.
        self._taken: tuple[type[BaseException], ...] = (
            IntegrityError,
            dialect.loaded_dbapi.IntegrityError,
        )
        self._connection: PoolProxiedConnection | None = None
        self._last: dict[str, int] = {}  # session → its last seq, as of our last commit

    @property
    def engine(self) -> Engine:
        """The database, for the stores that keep their own tables in it (programmes,
        organisers, archives): one database to back up, one URL to configure."""
        return self._engine

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
            try:
                db.commit()
            except IntegrityError as error:  # another worker took the id or the code meanwhile
                raise Conflict(f"{record.id} / {record.code}") from error

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

    async def open_session_ids(self) -> list[str]:
        """The sessions whose round may be open: flagged so, or not known (an older database)."""
        result: list[str] = await self._run(self._open_session_ids)
        return result

    def _open_session_ids(self) -> list[str]:
        flag = SessionRow.open_round
        query = select(SessionRow.id).where(flag.is_(None) | flag.is_(True))  # type: ignore[union-attr]
        with DbSession(self._engine) as db:
            return list(db.exec(query))

    async def mark_open(self, session_id: str, open_round: bool) -> None:
        await self._run(self._mark_open, session_id, open_round)

    def _mark_open(self, session_id: str, open_round: bool) -> None:
        with DbSession(self._engine) as db:
            row = db.get(SessionRow, session_id)
            if row is not None and row.open_round is not open_round:
                row.open_round = open_round
                db.add(row)
                db.commit()

    def _session_where(self, column: str, value: str) -> SessionRecord | None:
        with DbSession(self._engine) as db:
            row = db.exec(select(SessionRow).where(getattr(SessionRow, column) == value)).first()
            return None if row is None else SessionRecord(**row.model_dump(exclude={"open_round"}))

    async def append(
        self,
        session_id: str,
        expected_seq: int,
        records: Sequence[bytes],
        outcomes: Sequence[Outcome],
        tokens: Sequence[tuple[str, str]],
        fence: int | None = None,
    ) -> None:
        await self._run(self._append, session_id, expected_seq, records, outcomes, tokens, fence)

    def _append(
        self,
        session_id: str,
        expected_seq: int,
        records: Sequence[bytes],
        outcomes: Sequence[Outcome],
        tokens: Sequence[tuple[str, str]],
        fence: int | None = None,
    ) -> None:
        """One transaction, one ``executemany`` per table. The remembered last seq spares a
        query per commit when it is the ``expected_seq``. When it is not (another process
        appended, and the caller already knows it), the seq is read from the database on the
        same cursor before deciding: only a seq the database itself contradicts is a
        ``Conflict``. If it matches but is stale all the same (another writer appended behind
        our back), the primary key (session_id, seq) refuses our first event: a ``Conflict``,
        nothing written, and the seq is read again next time. A command id already answered
        (primary key (session_id, actor, cmd) of the outcomes) is a ``Conflict`` too. With a
        ``fence`` (a worker of several, see ``claim``), a session claimed since by another
        worker is ``Fenced``, nothing written."""
        try:
            connection = self._connection
            if connection is None:
                connection = self._connection = self._engine.raw_connection()
            self._write(connection, session_id, expected_seq, records, outcomes, tokens, fence)
        except Conflict:
            self._last.pop(session_id, None)
            raise
        except self._taken as error:
            self._last.pop(session_id, None)
            raise Conflict(f"{session_id}: seq {expected_seq + 1} already taken") from error
        except BaseException:
            self._last.pop(session_id, None)
            self._drop_connection()  # a broken connection is not reused; a new one is opened
            raise
        self._last[session_id] = expected_seq + len(records)

    def _write(
        self,
        connection: PoolProxiedConnection,
        session_id: str,
        expected_seq: int,
        records: Sequence[bytes],
        outcomes: Sequence[Outcome],
        tokens: Sequence[tuple[str, str]],
        fence: int | None,
    ) -> None:
        cursor = connection.cursor()
        try:
            if self._lock is not None:  # PostgreSQL: other processes' appends wait, or we do
                cursor.execute(self._lock.sql, self._lock.params([(session_id,)])[0])
                cursor.fetchall()
            last = self._last.get(session_id)
            if last != expected_seq:  # unknown, or stale if another process appended: ask
                last = self._last_seq_on(cursor, session_id)
            if last != expected_seq:
                raise Conflict(f"{session_id}: expected seq {expected_seq}, store has {last}")
            if records:
                events = [(session_id, expected_seq + i, r) for i, r in enumerate(records, 1)]
                cursor.executemany(self._insert_events.sql, self._insert_events.params(events))
            if outcomes:
                answers = [(session_id, *astuple(o)) for o in outcomes]
                cursor.executemany(self._insert_outcomes.sql, self._insert_outcomes.params(answers))
            if tokens:
                keys = [(session_id, token_hash, p) for token_hash, p in tokens]
                cursor.executemany(self._insert_tokens.sql, self._insert_tokens.params(keys))
            # Without an event, no primary key guards the seq: check it inside the transaction
            # (after our first write, so that SQLite already holds the write lock; PostgreSQL
            # holds the session's advisory lock since the first statement).
            if not records and self._last_seq_on(cursor, session_id) != expected_seq:
                raise Conflict(f"{session_id}: expected seq {expected_seq}")
            if fence is not None and (held := self._fence_on(cursor, session_id)) != fence:
                raise Fenced(f"{session_id}: fence {fence}, store has {held}")
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
        finally:
            cursor.close()

    def _fence_on(self, cursor: Any, session_id: str) -> int:
        cursor.execute(self._select_fence.sql, self._select_fence.params([(session_id,)])[0])
        rows = cursor.fetchall()
        return int(rows[0][0]) if rows else 0

    async def claim(self, session_id: str) -> int:
        """A new fencing number for the session, greater than every one given before: the
        caller (a worker that has just won the session's lease) appends with it, and from now
        on an append with an older one is ``Fenced``. Taken under the session's lock, so it is
        ordered with the appends."""
        result: int = await self._run(self._claim, session_id)
        return result

    def _claim(self, session_id: str) -> int:
        with DbSession(self._engine) as db:
            if self._postgresql:
                db.execute(_session_lock(literal(session_id)))  # type: ignore[arg-type]
            row = db.get(LeaseRow, session_id, with_for_update=True)
            if row is None:
                row = LeaseRow(session_id=session_id, fence=1)
            else:
                row.fence += 1
            fence = row.fence
            db.add(row)
            db.commit()
            return fence

    def _last_seq_on(self, cursor: Any, session_id: str) -> int:
        cursor.execute(self._select_last.sql, self._select_last.params([(session_id,)])[0])
        rows = cursor.fetchall()  # to the end: no statement left open on the connection
        return int(rows[0][0] or 0) if rows else 0

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()
            except Exception:
                log.exception("store: could not close a failed connection")

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
        await self._run(self._close)
        self._thread.shutdown(wait=True)

    def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()  # back to the pool, which dispose() then closes
        self._engine.dispose()


def _add_open_round(connection: Any) -> None:
    """A database made before ``sessions.open_round`` existed gets the column, null (unknown)
    for the sessions already there, and its index. Run under the schema lock."""
    columns = {c["name"] for c in inspect(connection).get_columns("sessions")}
    if "open_round" in columns:
        return
    connection.execute(text("ALTER TABLE sessions ADD COLUMN open_round BOOLEAN"))
    connection.execute(
        text("CREATE INDEX IF NOT EXISTS ix_sessions_open_round ON sessions (open_round)")
    )


def database_url(url: str) -> str:
    """``postgresql://…`` (or ``postgres://…``, as hosting platforms write it) names psycopg 3,
    the driver this project installs; SQLAlchemy alone would look for psycopg2. Any other URL,
    ``postgresql+driver://…`` included, is kept as it is."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return url


def _engine(url: str) -> Engine:
    url = database_url(url)
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
    """``memory://`` for a throwaway store, else an SQLAlchemy URL: ``sqlite:///metrokawa.db``,
    or ``postgresql://user@host:5432/db`` (run through psycopg 3, as ``postgresql+psycopg://``;
    ``?options=-csearch_path%3Dname`` picks a schema)."""
    if url in (None, "memory://"):
        return MemoryStore()
    return SqlStore(url)

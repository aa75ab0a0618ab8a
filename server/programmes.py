"""Programmes' logs: where each programme's events are kept, and the one way to change one.

A programme (``session_engine.programme``) is changed as a session is: a command decided on the
replayed state, its events appended under an optimistic check on the last ``seq`` (the primary
key ``(programme_id, seq)`` refuses a stale one, so two workers never both append seq 7), read
back verbatim. Programme commands come from organisers' forms, a few a minute: no actor, no
fan-out; a conflict reads the log again and decides again. Who may see a programme is in its
log (its organisers); ``programme_members`` mirrors that for « my programmes » at login.

The tables live in the event store's database (``SqlStore.engine``); ``MemoryStore`` gets a
memory twin, for tests and ``--db memory://``.
"""

from __future__ import annotations

import asyncio
import random
import secrets
from typing import Any, Final, Protocol

from sqlalchemy import Column, LargeBinary
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, SQLModel, select
from sqlmodel import Session as DbSession

from session_engine import Rejected
from session_engine.programme import (
    CreateProgramme,
    ProgrammeCommand,
    ProgrammeContext,
    ProgrammeEnvelope,
    ProgrammeState,
    decide,
    decode_programme_envelope,
    encode_programme_envelope,
    evolve,
    seal_programme,
)
from session_engine.programme.events import OrganiserAdded, ProgrammeCreated

from .store import Conflict, EventStore, SqlStore

__all__ = ["Programmes", "new_programme_id"]

# Another worker appending meanwhile: read again, decide again, after a short random wait that
# grows, so that two workers racing on one programme do not keep colliding in step.
_ATTEMPTS: Final = 30
_BACKOFF_S: Final = 0.005


def new_programme_id() -> str:
    return "pg" + secrets.token_urlsafe(9)


class ProgrammeEventRow(SQLModel, table=True):
    __tablename__ = "programme_events"
    programme_id: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class ProgrammeMemberRow(SQLModel, table=True):
    __tablename__ = "programme_members"
    organiser_id: str = Field(primary_key=True)
    programme_id: str = Field(primary_key=True)


class _Logs(Protocol):
    async def read(self, programme_id: str, after: int) -> list[bytes]: ...
    async def append(
        self, programme_id: str, expected: int, records: list[bytes], members: list[str]
    ) -> None: ...
    async def of_organiser(self, organiser_id: str) -> list[str]: ...
    async def ids(self) -> list[str]: ...


class _MemoryLogs:
    def __init__(self) -> None:
        self._logs: dict[str, list[bytes]] = {}
        self._members: dict[str, list[str]] = {}

    async def read(self, programme_id: str, after: int) -> list[bytes]:
        return list(self._logs.get(programme_id, [])[after:])

    async def append(
        self, programme_id: str, expected: int, records: list[bytes], members: list[str]
    ) -> None:
        log = self._logs.setdefault(programme_id, [])
        if len(log) != expected:
            raise Conflict(programme_id)
        log.extend(records)
        for organiser in members:
            self._members.setdefault(organiser, []).append(programme_id)

    async def of_organiser(self, organiser_id: str) -> list[str]:
        return list(self._members.get(organiser_id, []))

    async def ids(self) -> list[str]:
        return list(self._logs)


class _SqlLogs:
    """On the store's database, from a thread (never the event loop)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        SQLModel.metadata.create_all(
            engine,
            tables=[SQLModel.metadata.tables[n] for n in ("programme_events", "programme_members")],
        )

    async def _run(self, work: Any, *args: Any) -> Any:
        return await asyncio.to_thread(work, *args)

    async def read(self, programme_id: str, after: int) -> list[bytes]:
        return await self._run(self._read, programme_id, after)  # type: ignore[no-any-return]

    def _read(self, programme_id: str, after: int) -> list[bytes]:
        with DbSession(self._engine) as db:
            rows = db.exec(
                select(ProgrammeEventRow.data)
                .where(ProgrammeEventRow.programme_id == programme_id)
                .where(ProgrammeEventRow.seq > after)
                .order_by(ProgrammeEventRow.seq)  # type: ignore[arg-type]
            )
            return [bytes(row) for row in rows]

    async def append(
        self, programme_id: str, expected: int, records: list[bytes], members: list[str]
    ) -> None:
        await self._run(self._append, programme_id, expected, records, members)

    def _append(
        self, programme_id: str, expected: int, records: list[bytes], members: list[str]
    ) -> None:
        try:
            with DbSession(self._engine) as db:
                for i, data in enumerate(records, expected + 1):
                    db.add(ProgrammeEventRow(programme_id=programme_id, seq=i, data=data))
                for organiser in members:
                    db.add(ProgrammeMemberRow(organiser_id=organiser, programme_id=programme_id))
                db.commit()
        except IntegrityError as taken:  # another worker appended this seq first
            raise Conflict(programme_id) from taken

    async def of_organiser(self, organiser_id: str) -> list[str]:
        return await self._run(self._of_organiser, organiser_id)  # type: ignore[no-any-return]

    def _of_organiser(self, organiser_id: str) -> list[str]:
        with DbSession(self._engine) as db:
            rows = db.exec(
                select(ProgrammeMemberRow.programme_id).where(
                    ProgrammeMemberRow.organiser_id == organiser_id
                )
            )
            return list(rows)

    async def ids(self) -> list[str]:
        return await self._run(self._ids)  # type: ignore[no-any-return]

    def _ids(self) -> list[str]:
        with DbSession(self._engine) as db:
            rows = db.exec(select(ProgrammeEventRow.programme_id).where(ProgrammeEventRow.seq == 1))
            return list(rows)


class Programmes:
    """Every programme of this server: create one, read one, send it a command."""

    def __init__(self, store: EventStore) -> None:
        self._logs: _Logs = _SqlLogs(store.engine) if isinstance(store, SqlStore) else _MemoryLogs()
        self._states: dict[str, ProgrammeState] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def state(self, programme_id: str) -> ProgrammeState | None:
        """The programme as its log says now (what another worker appended included)."""
        state = self._states.get(programme_id) or ProgrammeState()
        for data in await self._logs.read(programme_id, state.seq):
            envelope = decode_programme_envelope(data)
            evolve(state, envelope.event, at=envelope.at)
            state.seq = envelope.seq
        if not state.created:
            return None
        self._states[programme_id] = state
        return state

    async def log(self, programme_id: str) -> list[ProgrammeEnvelope]:
        return [decode_programme_envelope(d) for d in await self._logs.read(programme_id, 0)]

    async def of_organiser(self, organiser_id: str) -> list[ProgrammeState]:
        states = [await self.state(p) for p in await self._logs.of_organiser(organiser_id)]
        return [s for s in states if s is not None]

    async def create(
        self, command: CreateProgramme, *, organiser: str, now: int, email: str = ""
    ) -> ProgrammeState | Rejected:
        ctx = ProgrammeContext(actor=organiser, now=now, programme=new_programme_id(), email=email)
        outcome = await self._decide_and_append(ProgrammeState(), command, ctx)
        if isinstance(outcome, Rejected):
            return outcome
        state = await self.state(ctx.programme)
        assert state is not None  # just appended
        return state

    async def send(
        self, programme_id: str, command: ProgrammeCommand, *, organiser: str, now: int
    ) -> list[ProgrammeEnvelope] | Rejected:
        lock = self._locks.setdefault(programme_id, asyncio.Lock())
        async with lock:
            for attempt in range(_ATTEMPTS):
                if attempt:
                    await asyncio.sleep(random.uniform(0, _BACKOFF_S * attempt))
                state = await self.state(programme_id)
                if state is None:
                    return Rejected.of("unknown_programme")
                ctx = ProgrammeContext(actor=organiser, now=now)
                try:
                    return await self._decide_and_append(state, command, ctx, programme_id)
                except Conflict:
                    continue
            raise Conflict(f"{programme_id}: the log kept moving; try again")

    async def _decide_and_append(
        self,
        state: ProgrammeState,
        command: ProgrammeCommand,
        ctx: ProgrammeContext,
        programme_id: str | None = None,
    ) -> list[ProgrammeEnvelope] | Rejected:
        outcome = decide(state, command, ctx)
        if isinstance(outcome, Rejected):
            return outcome
        envelopes = seal_programme(outcome, after=state.seq, ctx=ctx)
        members = [e.organiser for e in outcome if isinstance(e, ProgrammeCreated | OrganiserAdded)]
        target = programme_id or ctx.programme
        await self._logs.append(
            target, state.seq, [encode_programme_envelope(e) for e in envelopes], members
        )
        return envelopes

    async def ids(self) -> list[str]:
        return await self._logs.ids()

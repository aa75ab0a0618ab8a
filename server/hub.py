"""The hub: which sessions are live in this process, and the way in to each one's actor.

A session's actor is built on first use from the store (so a restarted server picks every
session up where its log left it, deadlines included) and lives until the hub stops.
Creating a session is the one thing done here directly: it writes the session's record (join
code, facilitator token hash) and sends ``CreateSession`` through the new actor like any command.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from session_engine import Context, Rejected, Role, SessionState, decide
from session_engine.commands import CreateSession

from .actor import Answer, EncodedEvent, SessionActor
from .auth import hash_token, new_join_code, new_session_id, new_token
from .store import Conflict, EventStore, SessionRecord

__all__ = ["CreatedSession", "Hub", "wall_clock_ms"]


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


class CreatedSession:
    def __init__(self, record: SessionRecord, token: str, answer: Answer) -> None:
        self.record, self.token, self.answer = record, token, answer


class Hub:
    def __init__(
        self, store: EventStore, *, clock: Callable[[], int] = wall_clock_ms, backlog_limit: int
    ) -> None:
        self.store = store
        self.clock = clock
        self.backlog_limit = backlog_limit
        self.actors: dict[str, SessionActor] = {}
        self.on_published: list[Callable[[SessionActor, list[EncodedEvent]], None]] = []
        self._loading: dict[str, asyncio.Lock] = {}

    async def create(self, command: CreateSession) -> CreatedSession | Rejected:
        """A new session, or why its description is refused (checked before anything is kept)."""
        ctx = Context(actor="facilitator", role=Role.FACILITATOR, now=self.clock())
        refused = decide(SessionState(), command, ctx)
        if isinstance(refused, Rejected):
            return refused
        token = new_token()
        for _ in range(10):  # a join code collision is rare; draw again
            record = SessionRecord(
                id=new_session_id(),
                code=new_join_code(),
                title=command.title.strip(),
                created_at=self.clock(),
                facilitator_hash=hash_token(token),
            )
            try:
                await self.store.create_session(record)
                break
            except Conflict:
                continue
        else:
            raise RuntimeError("could not draw a free join code")
        actor = await self.actor(record.id)
        answer = await actor.submit(
            command, role=Role.FACILITATOR, actor="facilitator", cmd="create"
        )
        return CreatedSession(record, token, answer)

    async def actor(self, session_id: str) -> SessionActor:
        """The live actor of an existing session (the caller checked that it exists)."""
        live = self.actors.get(session_id)
        if live is not None:
            return live
        lock = self._loading.setdefault(session_id, asyncio.Lock())
        async with lock:
            live = self.actors.get(session_id)
            if live is None:
                live = SessionActor(session_id, self.store, self.clock, self.backlog_limit)
                live.on_published.extend(self.on_published)
                await live.load()
                live.start()
                self.actors[session_id] = live
        return live

    async def resume_running_rounds(self) -> int:
        """At start-up: bring back every session whose round is running or paused, so that its
        deadline fires on time even if nobody reconnects. The others load on first use."""
        for session_id in await self.store.session_ids():
            actor = await self.actor(session_id)
            if not actor.has_open_round:
                await actor.stop()
                del self.actors[session_id]
        return len(self.actors)

    async def stop(self) -> None:
        await asyncio.gather(*(actor.stop() for actor in self.actors.values()))
        self.actors.clear()

"""The hub: which sessions are live in this process, and the way in to each one's actor.

A session's actor is built on first use from the store (so a restarted server picks every
session up where its log left it, deadlines included) and lives until it has been idle for
``evict_after_s`` — nobody connected, no round open, nothing asked of it — when ``evict`` lets it
go (the next use loads it again), or until the hub stops — or, with several workers
(``cluster``), until this worker stops serving it: then ``drop`` asks its sockets to come back,
and the clients resume wherever the load balancer sends them. At start-up only the sessions
whose round may be open are loaded (``EventStore.open_session_ids``), so that their clocks run.
Creating a session is the one thing done here directly: it writes the session's record (join
code, facilitator token hash) and sends ``CreateSession`` through the new actor like any command.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Final

import msgspec

from session_engine import Context, Rejected, Role, SessionState, decide
from session_engine.commands import CreateSession
from session_engine.decide_access import FACILITATOR_ACTOR

from .actor import Answer, EncodedEvent, SessionActor
from .auth import hash_token, new_join_code, new_session_id, new_token, same_hash
from .cluster import Cluster
from .store import Conflict, EventStore, SessionRecord
from .tallies import TallyFeed

__all__ = ["EVICT_AFTER_S", "Access", "CreatedSession", "Hub", "file_clock", "wall_clock_ms"]

EVICT_AFTER_S: Final = 600.0  # an idle session is let go from memory after this long


log = logging.getLogger("metrokawa.hub")


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


def file_clock(path: str) -> Callable[[], int]:
    """A clock a test turns (``METROKAWA_CLOCK_FILE``): the epoch-ms integer written in ``path``,
    read at each tick, so that three days of a forum pass in a minute; the wall clock while the
    file is missing or holds no integer. Never set on a real server: its rounds would not end."""

    def now() -> int:
        try:
            with open(path, encoding="ascii") as file:
                return int(file.read().strip())
        except (OSError, ValueError):
            return wall_clock_ms()

    return now


def _locked(lock: asyncio.Lock | None) -> bool:
    return lock is not None and lock.locked()


class Access(msgspec.Struct, frozen=True):
    """Who a token makes its holder: the role, and the actor its commands are sent as."""

    role: Role
    actor: str


class CreatedSession:
    def __init__(self, record: SessionRecord, token: str, answer: Answer) -> None:
        self.record, self.token, self.answer = record, token, answer


class Hub:
    def __init__(
        self,
        store: EventStore,
        *,
        clock: Callable[[], int] = wall_clock_ms,
        backlog_limit: int,
        cluster: Cluster | None = None,
        evict_after_s: float = EVICT_AFTER_S,
    ) -> None:
        self.store = store
        self.evict_after_s = evict_after_s
        self._sweeper: asyncio.Task[None] | None = None
        self.cluster = cluster
        if cluster is not None:
            cluster.drop, cluster.adopt = self.drop, self.adopt
        self.clock = clock
        self.backlog_limit = backlog_limit
        self.actors: dict[str, SessionActor] = {}
        self.on_published: list[Callable[[SessionActor, list[EncodedEvent]], None]] = []
        self._loading: dict[str, asyncio.Lock] = {}
        # What never changes once written, kept so that a reconnection storm is served from
        # memory (or Redis) and not by a database query per client: sessions, participant tokens.
        self._records: dict[str, SessionRecord] = {}
        self._tokens: dict[tuple[str, str], str] = {}

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

    async def session(self, session_id: str) -> SessionRecord | None:
        record = self._records.get(session_id)
        if record is None:
            record = await self.store.session(session_id)
            if record is not None:
                self._records[session_id] = record
        return record

    async def participant_for(self, session_id: str, token_hash: str) -> str | None:
        """Whose participant token this is: from memory, else Redis (several workers), else
        the store."""
        key = (session_id, token_hash)
        participant = self._tokens.get(key)
        if participant is None and self.cluster is not None:
            participant = await self.cluster.participant_for(session_id, token_hash)
        if participant is None:
            participant = await self.store.participant_for(session_id, token_hash)
        if participant is not None:
            self._tokens[key] = participant
        return participant

    async def access(self, record: SessionRecord, token: str) -> Access | str:
        """Who ``token`` makes its holder in this session, or why it is refused: ``bad_token``
        (no such token) or ``revoked`` (a co-facilitator's or a table tablet's link withdrawn).
        The session's own facilitator token is checked first; the others are the tokens the
        session issued (the participants', the co-facilitators', the table tablets'), whose
        holder the state tells apart. A token the
        session's state does not know yet was issued by another writer (``metrokawa sessions``):
        the actor reads the store once more before deciding."""
        token_hash = hash_token(token)
        if same_hash(token_hash, record.facilitator_hash):
            return Access(Role.FACILITATOR, FACILITATOR_ACTOR)
        holder = await self.participant_for(record.id, token_hash)
        if holder is None:
            return "bad_token"
        actor = await self.actor(record.id)
        state = actor.state
        if _unknown_holder(state, holder):
            await actor.refresh()
            state = actor.state
        if holder in state.participants:
            return Access(Role.PARTICIPANT, holder)
        if holder in state.tablets:  # a table tablet's link: in service, or withdrawn
            in_service = state.tablet_table(holder) is not None
            return Access(Role.TABLET, holder) if in_service else "revoked"
        if holder not in state.cofacilitators:
            return "bad_token"
        return Access(Role.FACILITATOR, holder) if state.is_cofacilitator(holder) else "revoked"

    def _remember_tokens(self, actor: SessionActor, tokens: list[tuple[str, str]]) -> None:
        for token_hash, participant in tokens:
            self._tokens[(actor.session_id, token_hash)] = participant

    async def actor(self, session_id: str) -> SessionActor:
        """The live actor of an existing session (the caller checked that it exists)."""
        live = self.actors.get(session_id)
        if live is not None:
            live.touched = time.monotonic()  # whoever asked is about to use it: not idle
            return live
        lock = self._loading.setdefault(session_id, asyncio.Lock())
        async with lock:
            live = self.actors.get(session_id)
            if live is None:
                live = SessionActor(session_id, self.store, self.clock, self.backlog_limit)
                live.on_published.extend(self.on_published)
                live.on_tokens.append(self._remember_tokens)
                TallyFeed.attach(live)
                await live.load()
                if self.cluster is not None:
                    await self.cluster.attach(live)
                live.start()
                self.actors[session_id] = live
        return live

    async def resume_running_rounds(self) -> int:
        """At start-up: bring back every session whose round is running or paused, so that its
        deadline fires on time even if nobody reconnects. Only those flagged so in the store
        are read (or not known yet: a database from before the flag, marked now). The others
        load on first use."""
        for session_id in await self.store.open_session_ids():
            actor = await self.actor(session_id)
            if not actor.has_open_round:
                await self.store.mark_open(session_id, False)
                await self.drop(session_id)
        return len(self.actors)

    def start_evicting(self) -> None:
        """Let idle sessions go, looking every quarter of ``evict_after_s`` (at most 30 s)."""
        self._sweeper = asyncio.create_task(self._sweep(), name="hub-evict")

    async def _sweep(self) -> None:
        period = min(self.evict_after_s / 4, 30.0)
        while True:
            await asyncio.sleep(period)
            await self.evict(time.monotonic())

    async def evict(self, now: float) -> list[str]:
        """Let go every session idle for ``evict_after_s`` or more; the ones let go."""
        idle = [
            session_id
            for session_id, actor in list(self.actors.items())
            if (actor.idle_for(now) or 0.0) >= self.evict_after_s
            and not _locked(self._loading.get(session_id))
        ]
        for session_id in idle:
            await self.drop(session_id)
            self._forget(session_id)
        if idle:
            log.info("%d idle session(s) let go from memory; %d live", len(idle), len(self.actors))
        return idle

    def _forget(self, session_id: str) -> None:
        """What was kept in memory for a session that is not live here any more."""
        self._records.pop(session_id, None)
        self._loading.pop(session_id, None)
        for key in [k for k in self._tokens if k[0] == session_id]:
            del self._tokens[key]

    async def adopt(self, session_id: str) -> bool:
        """Serve a session no worker serves (several workers: its round clock must go on)."""
        if await self.session(session_id) is None:
            return False
        await self.actor(session_id)
        return True

    async def drop(self, session_id: str) -> None:
        """Stop serving a session here (several workers: another one owns it now)."""
        if self.cluster is not None:
            await self.cluster.detach(session_id)
        actor = self.actors.pop(session_id, None)
        if actor is None:
            return
        for subscriber in actor.subscribers:
            subscriber.come_back()
        await actor.stop()

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            await asyncio.gather(self._sweeper, return_exceptions=True)
        await asyncio.gather(*(actor.stop() for actor in self.actors.values()))
        self.actors.clear()


def _unknown_holder(state: SessionState, holder: str) -> bool:
    """Whether the state knows nobody the session issued ``holder``'s token to."""
    known = (state.participants, state.cofacilitators, state.tablets)
    return all(holder not in issued for issued in known)

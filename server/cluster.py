"""Several workers over one PostgreSQL database and one Redis (DESIGN §3, scale-out).

Any worker accepts any client of any session; each session has one *owner* at a time, the worker
holding its lease in Redis (``mk:lease:{session}``: the worker's name, expiring after
``lease_ms`` unless renewed every third of it). The owner runs the session's actor as a single
process does, appending with the fencing number that the store gave it when it claimed the
session (``EventStore.claim``): once another worker has claimed it, a stale owner — paused past
its lease, cut off from Redis — can never append again (``Fenced``), whatever Redis says.

* **Fan-out.** After each commit the owner adds the events (as the facilitator sees them: no
  participant's command id leaves the owner) to the session's stream ``mk:events:{session}``,
  trimmed to about ``STREAM_LENGTH`` entries. Every other worker serving the session *follows*
  it: one reader per session applies the entries in seq order to its replica of the actor, which
  delivers them to that worker's sockets and serves joins and resumes from memory. A gap, a
  Redis restart or a new replica is filled in from the store (``SessionActor.catch_up``).
* **Commands.** A follower forwards its clients' commands to the owner's channel
  ``mk:worker:{name}`` (Redis pub/sub); the answer comes back on its own. A command unanswered
  after a third of the lease is sent again, with the same id, to whoever owns the session then
  (itself included, after a takeover): the outcomes table makes it apply once.
* **Takeover.** Every third of the lease each worker renews what it owns and takes what it
  follows once the lease has lapsed (a follower that sees a lease about to lapse before its next
  tick looks again right then: a dead owner is replaced within the lease). A lease can also
  vanish because Redis restarted empty: then the ``mk:epoch`` mark (when Redis started, by its
  own clock) is younger than a lease, and every follower counts the lease as renewed at the
  restart; the living owner takes it back at its next renewal (retried at once when it fails
  on a connection to the old Redis) and keeps its sessions. Winning means claiming a new fence,
  catching up from the store, then leading. Losing a lease (or being fenced) drops the
  worker's actor: its sockets of that session are asked to come back, and the clients resume
  and re-send what was unanswered.
* **Round clocks.** Owners list the sessions whose round is running in ``mk:running``; a
  worker that sees one of them without a lease and without a worker serving it loads it (and so
  takes it over), so that its deadline fires even when nobody reconnects after its owner died.
* **Tokens.** The hashes of the participant tokens the owner stores are also written to
  ``mk:tokens:{session}``, so that a reconnection storm onto any worker is served from memory
  and Redis, not by one database query per client.
* **Presence** is expiring Redis state: each worker writes who is connected through it
  (``mk:presence:{session}:{worker}``, a few seconds to live) and reads the others'.
* **Trust.** A worker takes from Redis only what a worker of its cluster signed (``trust``):
  forwarded commands (dated when sent; older than ``FRESH_MS``, refused) and their answers (a
  join's token sealed), stream entries, token entries, presence entries. Leases, the epoch mark
  and ``mk:running`` are not signed: whoever forges those can only deny service.

A Redis outage stops the fan-out and the forwarding, not the owner (its fence keeps the log
safe); when Redis is back, the outboxes are flushed in order and the readers catch up from the
store. Redis keeps nothing that the store does not have: it may restart empty.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable, Coroutine
from typing import Any, Final

import msgspec
from redis import asyncio as aioredis
from redis.exceptions import RedisError

from session_engine import Role, decode_command
from session_engine.commands import Command

from .actor import Answer, EncodedEvent, SessionActor
from .store import EventStore
from .trust import FORGED, MAC_SIZE, UNREADABLE, Kind, Refusals, Signer

__all__ = ["LEASE_MS", "Cluster"]

log = logging.getLogger("metrokawa.cluster")

LEASE_MS: Final = 5_000
STREAM_LENGTH: Final = 10_000  # entries kept per session stream (approximately: MAXLEN ~)
STREAM_TTL_MS: Final = 6 * 3600 * 1000  # a stream nobody adds to for that long is deleted
PRESENCE_TTL_MS: Final = 5_000
READ_BLOCK_MS: Final = 2_000
OUTBOX_LIMIT: Final = 100_000  # Redis writes kept while Redis is away
RUNNING: Final = "mk:running"  # sessions whose round is running, said by their owners
EPOCH: Final = "mk:epoch"  # when Redis (re)started empty, by its own clock (see ``_keep``)
FRESH_MS: Final = 60_000  # a forwarded command signed longer ago is refused (a replay)
RETRY_S: Final = (0.05, 0.1, 0.2, 0.5, 1.0)  # waits between attempts while Redis is away

# Renew the lease if it is ours; take it back if it is gone (Redis restarted empty: our fence is
# still the newest unless another worker has claimed, and then our appends are refused anyway).
_RENEW: Final = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
elseif not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""
# How long ago (ms, by Redis's own clock) the epoch mark was set; set it now if it is missing:
# Redis has restarted empty (or this is the first worker ever, or its clock went back).
_EPOCH: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local since = tonumber(redis.call('GET', KEYS[1]))
if not since or since > now then
  redis.call('SET', KEYS[1], now)
  return 0
end
return now - since
"""
_RELEASE: Final = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class _Message(msgspec.Struct, tag_field="k", forbid_unknown_fields=True):
    pass


class _Forwarded(_Message, tag="cmd"):
    """A command for the owner, from ``reply_to`` (a worker); ``id`` names this request.
    ``sent_at`` (ms, the sender's wall clock) is set each time it is sent, and signed."""

    session: str
    reply_to: str
    id: str
    type: str
    data: Any
    role: str
    actor: str
    cmd: str
    sent_at: int = 0


class _Reply(_Message, tag="answer"):
    """The owner's answer to request ``id``; a join's token travels sealed (``trust``)."""

    id: str
    session: str
    answer: Answer
    token: bytes | None = None


_messages = msgspec.msgpack.Decoder(_Forwarded | _Reply)
_names = msgspec.msgpack.Decoder(list[str])


class _Pending:
    """A forwarded command waiting for its answer."""

    __slots__ = ("future", "message", "sent")

    def __init__(self, message: _Forwarded, future: asyncio.Future[Answer]) -> None:
        self.message, self.future, self.sent = message, future, time.monotonic()


def worker_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


class Cluster:
    """This worker's part in the cluster. ``attach`` each new actor; ``stop`` at shutdown."""

    def __init__(
        self,
        url: str,
        store: EventStore,
        *,
        signer: Signer,
        lease_ms: int = LEASE_MS,
        name: str | None = None,
    ) -> None:
        self.redis = aioredis.from_url(url, health_check_interval=0)
        self.store = store
        self.signer = signer  # what we leave in Redis is signed; what we take, checked
        self.refusals = Refusals()
        self.lease_ms = lease_ms
        self.name = name or worker_name()
        self.actors: dict[str, SessionActor] = {}  # every session this worker serves
        self.owners: dict[str, str | None] = {}  # session → its owner, as last seen
        # The hub's: stop serving a session here; serve one (False: not in the store).
        self.drop: Callable[[str], Coroutine[Any, Any, None]] | None = None
        self.adopt: Callable[[str], Coroutine[Any, Any, bool]] | None = None
        self._renew = self.redis.register_script(_RENEW)
        self._release = self.redis.register_script(_RELEASE)
        self._epoch = self.redis.register_script(_EPOCH)
        self._readers: dict[str, asyncio.Task[None]] = {}
        self._held: dict[str, list[tuple[int, _Pending, Answer]]] = {}  # acks ahead of events
        self._pending: dict[str, _Pending] = {}
        self._outbox: list[tuple[str, tuple[Any, ...]]] = []  # Redis commands to send, in order
        self._outbox_ready = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._dropping: set[asyncio.Task[None]] = set()
        self._wait = lease_ms / 3000  # until the next tick
        self._failures = 0  # ticks in a row that could not reach Redis

    @property
    def channel(self) -> str:
        return f"mk:worker:{self.name}"

    def owns(self, session_id: str) -> bool:
        return self.owners.get(session_id) == self.name

    # --- life cycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        await self._epoch_age()  # sets the epoch mark if need be; fails now if Redis is away
        self._tasks = [
            asyncio.create_task(self._listen(), name="cluster-listen"),
            asyncio.create_task(self._send_outbox(), name="cluster-outbox"),
            asyncio.create_task(self._tick(), name="cluster-leases"),
        ]

    async def stop(self) -> None:
        for task in [*self._tasks, *self._readers.values()]:
            task.cancel()
        await asyncio.gather(*self._tasks, *self._readers.values(), return_exceptions=True)
        with contextlib.suppress(RedisError):
            for session_id in [s for s in self.actors if self.owns(s)]:
                await self._release(keys=[_lease(session_id)], args=[self.name])
        await self.redis.aclose()

    async def attach(self, actor: SessionActor) -> None:
        """A session this worker now serves (its actor loaded from the store): own it if nobody
        does, else follow its owner."""
        session_id = actor.session_id
        self.actors[session_id] = actor
        actor.on_published.append(self._published)
        actor.on_tokens.append(self._tokens_stored)
        actor.on_fenced = lambda: self._lost(session_id)
        if await self._try_take(session_id):
            await actor.lead(await self.store.claim(session_id))
            return
        actor.leading = False
        actor.forward = lambda command, role, sender, cmd: self._forward(
            session_id, command, role, sender, cmd
        )
        self._readers[session_id] = asyncio.create_task(
            self._read(actor), name=f"cluster-read-{session_id}"
        )

    async def detach(self, session_id: str) -> None:
        """This worker no longer serves the session: stop following it, or give its lease up."""
        self.actors.pop(session_id, None)
        # Its sockets are told to come back: they will send again what is unanswered here.
        self._held.pop(session_id, None)
        for pending in [p for p in self._pending.values() if p.message.session == session_id]:
            pending.future.cancel()
        reader = self._readers.pop(session_id, None)
        if reader is not None:
            reader.cancel()
        if self.owners.pop(session_id, None) == self.name:
            with contextlib.suppress(RedisError):
                await self._release(keys=[_lease(session_id)], args=[self.name])

    # --- leases ---------------------------------------------------------------------------------

    async def _try_take(self, session_id: str) -> bool:
        key = _lease(session_id)
        try:
            taken = await self.redis.set(key, self.name, nx=True, px=self.lease_ms)
            holder = self.name if taken else await self.redis.get(key)
            holder = None if holder is None else _text(holder)
        except RedisError:
            log.warning("session %s: Redis unreachable, cannot take the lease", session_id)
            return False
        self.owners[session_id] = holder
        return bool(taken)

    async def _tick(self) -> None:
        """Every third of the lease (or right when a followed lease lapses, or soon again when
        Redis could not be reached): renew what we own, take over what has lapsed, re-send what
        is unanswered, publish our presence."""
        while True:
            await asyncio.sleep(self._wait)
            self._wait = self.lease_ms / 3000
            failed = False
            for session_id in list(self.actors):
                try:
                    await self._keep(session_id)
                except RedisError as error:
                    if not failed and self._failures == 0:  # once per outage
                        log.warning("cluster: Redis unreachable (%s); leases retried", error)
                    failed = True
            self._failures = self._failures + 1 if failed else 0
            if failed:  # an owner must renew as soon as Redis is back
                self._wait = min(self._wait, RETRY_S[min(self._failures, len(RETRY_S)) - 1])
            self._resend_unanswered()
            with contextlib.suppress(RedisError):
                await self._exchange_presence()
                await self._adopt_orphans()

    async def _keep(self, session_id: str) -> None:
        if self.owns(session_id):
            if not await self._renew_lease(session_id):
                log.warning("session %s: lease lost; this worker stops serving it", session_id)
                self._lost(session_id)
                return
            actor = self.actors.get(session_id)
            if actor is not None:  # a round whose clock must go on if this worker dies
                self._queue("SADD" if actor.has_open_round else "SREM", RUNNING, session_id)
            return
        actor = self.actors.get(session_id)
        if actor is None:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.get(_lease(session_id))
            pipe.pttl(_lease(session_id))
            holder, left_ms = await pipe.execute()
        if holder is not None:
            self.owners[session_id] = _text(holder)
            if 0 < left_ms < self.lease_ms / 3:
                # A living owner renews before this; a dead one's lease lapses before our next
                # tick: look again right then, so that the takeover comes within the lease.
                self._wait = min(self._wait, left_ms / 1000 + 0.005)
            return
        age = await self._epoch_age()
        if age < self.lease_ms:
            # No lease, and Redis (re)started empty less than a lease ago: the lease did not
            # expire, it was forgotten. Every follower counts it as renewed at the restart, so
            # that a living owner takes it back meanwhile (at its next renewal); a dead one's is
            # taken when that grace is over.
            self._wait = min(self._wait, (self.lease_ms - age) / 1000 + 0.005)
            return
        if await self._try_take(session_id):
            log.warning("session %s: taken over (its lease had lapsed)", session_id)
            reader = self._readers.pop(session_id, None)
            if reader is not None:
                reader.cancel()
                await asyncio.gather(reader, return_exceptions=True)
            await actor.lead(await self.store.claim(session_id))
            for _seq, pending, answer in self._held.pop(session_id, []):
                _resolve(pending.future, answer)  # the store had them: they are published
            self._resend_unanswered(session_id)

    async def _renew_lease(self, session_id: str) -> bool:
        """Renew our lease (or take it back after a Redis restart). A restart leaves every
        pooled connection closed, and each fails once: a failure is retried at once, on fresh
        connections, rather than a tick later, when the followers' grace may be over."""
        keys, args = [_lease(session_id)], [self.name, str(self.lease_ms)]
        try:
            return bool(await self._renew(keys=keys, args=args))
        except RedisError:
            await self.redis.connection_pool.disconnect(inuse_connections=False)
            return bool(await self._renew(keys=keys, args=args))

    async def _epoch_age(self) -> int:
        """Since when (ms) Redis holds the epoch mark: under a lease, Redis has just restarted
        empty (and forgotten every lease)."""
        return int(await self._epoch(keys=[EPOCH]))

    async def _adopt_orphans(self) -> None:
        """A session with a running round whose owner died while no other worker served it
        (nobody connected) has nobody to end its round: the first worker to see its lease
        lapsed loads it, and so takes it over."""
        if self.adopt is None or await self._epoch_age() < self.lease_ms:
            return  # Redis has just restarted: the owners have not said what runs yet
        for member in await self.redis.smembers(RUNNING):
            session_id = _text(member)
            if session_id in self.actors or await self.redis.exists(_lease(session_id)):
                continue
            if not await self.adopt(session_id):
                self._queue("SREM", RUNNING, session_id)  # no such session in the store

    def _lost(self, session_id: str) -> None:
        self.owners[session_id] = None
        if self.drop is not None:
            task = asyncio.get_running_loop().create_task(self.drop(session_id))
            self._dropping.add(task)  # the loop keeps only a weak reference to a task
            task.add_done_callback(self._dropping.discard)

    # --- commands: forwarded to the owner, answered back -----------------------------------------

    def _forward(
        self, session_id: str, command: Command, role: Role, sender: str, cmd: str
    ) -> asyncio.Future[Answer]:
        message = _Forwarded(
            session=session_id,
            reply_to=self.channel,
            id=secrets.token_hex(8),
            type=type(command).__name__,
            data=msgspec.to_builtins(command),
            role=role.value,
            actor=sender,
            cmd=cmd,
        )
        pending = _Pending(message, asyncio.get_running_loop().create_future())
        self._pending[message.id] = pending
        pending.future.add_done_callback(lambda _: self._pending.pop(message.id, None))
        self._send(pending)
        return pending.future

    def _send(self, pending: _Pending) -> None:
        session_id = pending.message.session
        pending.sent = time.monotonic()
        actor = self.actors.get(session_id)
        if self.owns(session_id) and actor is not None and actor.leading:
            self._run_here(actor, pending.message, functools.partial(_resolve, pending.future))
            return
        owner = self.owners.get(session_id)
        if owner is not None:  # signed with the time of this sending, so a replay is dated
            message = msgspec.structs.replace(pending.message, sent_at=_now_ms())
            self._queue("PUBLISH", f"mk:worker:{owner}", self._sealed(message))

    def _resend_unanswered(self, session_id: str | None = None) -> None:
        limit = time.monotonic() - self.lease_ms / 3000
        for pending in list(self._pending.values()):
            if pending.future.done():
                continue
            if pending.message.session == session_id or (
                session_id is None and pending.sent < limit
            ):
                self._send(pending)

    def _run_here(
        self, actor: SessionActor, message: _Forwarded, reply: Callable[[Answer], None]
    ) -> None:
        try:
            command = decode_command(message.type, message.data)
        except ValueError:
            reply(Answer(code="bad_request"))
            return
        future = actor.enqueue(
            command, role=Role(message.role), actor=message.actor, cmd=message.cmd
        )

        def answered(done: asyncio.Future[Answer]) -> None:
            if not done.cancelled() and done.exception() is None:
                reply(done.result())

        future.add_done_callback(answered)

    def _on_message(self, data: bytes) -> None:
        message = self._opened(data)
        if isinstance(message, _Reply):
            pending = self._pending.get(message.id)
            if pending is not None and pending.message.session == message.session:
                token = None if message.token is None else self.signer.open_token(message.token)
                self._answer(pending, msgspec.structs.replace(message.answer, token=token))
            return
        if message is None or not self._fresh(message):
            return
        actor = self.actors.get(message.session)
        if actor is None or not self.owns(message.session) or not actor.leading:
            return  # not ours (any more): the sender re-sends to the owner it sees next

        def reply(answer: Answer, request: _Forwarded = message) -> None:
            sealed = None if answer.token is None else self.signer.seal_token(answer.token)
            plain = msgspec.structs.replace(answer, token=None)
            back = _Reply(id=request.id, session=request.session, answer=plain, token=sealed)
            self._queue("PUBLISH", request.reply_to, self._sealed(back))

        self._run_here(actor, message, reply)

    def _sealed(self, message: _Forwarded | _Reply) -> bytes:
        """A message for another worker's channel."""
        return self.signer.seal(_kind(message), message.session, msgspec.msgpack.encode(message))

    def _opened(self, data: bytes) -> _Forwarded | _Reply | None:
        """A message from our channel, if a worker of this cluster sealed it (else refused)."""
        try:
            message = _messages.decode(data[MAC_SIZE:])  # its kind and session are inside
        except msgspec.DecodeError:
            self.refusals.refuse("an unreadable message", UNREADABLE)
            return None
        if self.signer.open(_kind(message), message.session, data) is None:
            what = "a forwarded command" if isinstance(message, _Forwarded) else "an answer"
            self.refusals.refuse(what, FORGED, session=message.session)
            return None
        return message

    def _fresh(self, message: _Forwarded) -> bool:
        """A genuine command sent again by an eavesdropper is answered from the outcomes table
        (same id, same answer); refusing old ones also bounds when one never applied can be."""
        age_ms = _now_ms() - message.sent_at
        if abs(age_ms) <= FRESH_MS:
            return True
        why = (
            f"signed {age_ms / 1000:.0f} s ago, beyond {FRESH_MS // 1000} s: replayed, or kept "
            "through a Redis outage (its sender then sends it again)"
        )
        self.refusals.refuse("an old forwarded command", why, session=message.session)
        return False

    async def _listen(self) -> None:
        """Our channel: commands for the sessions we own, answers to those we forwarded."""
        attempt = 0
        while True:
            pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(self.channel)
                attempt = 0
                async for item in pubsub.listen():
                    if item.get("type") == "message":
                        self._on_message(item["data"])
            except RedisError as error:
                log.warning("cluster: channel lost (%s); subscribing again", error)
            finally:
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
            await asyncio.sleep(RETRY_S[min(attempt, len(RETRY_S) - 1)])
            attempt += 1

    # --- events: the owner's stream, followed by the others --------------------------------------

    def _answer(self, pending: _Pending, answer: Answer) -> None:
        """An ack comes after the events it acknowledges (DESIGN §5). The owner's answer and its
        events travel apart (pub/sub, stream): hold the ack until this replica has them."""
        actor = self.actors.get(pending.message.session)
        if answer.seq is not None and actor is not None and actor.seq < answer.seq:
            self._held.setdefault(actor.session_id, []).append((answer.seq, pending, answer))
            return
        _resolve(pending.future, answer)

    def _published(self, actor: SessionActor, events: list[EncodedEvent]) -> None:
        if not actor.leading:  # a follower publishes to its own sockets only…
            held = self._held.pop(actor.session_id, [])
            for seq, pending, answer in held:  # …then acks what they complete
                if seq <= actor.seq:
                    _resolve(pending.future, answer)
                else:
                    self._held.setdefault(actor.session_id, []).append((seq, pending, answer))
            return
        key, session_id = _stream(actor.session_id), actor.session_id
        for event in events:
            sealed = self.signer.seal("event", session_id, event.full)
            self._queue("XADD", key, "MAXLEN", "~", STREAM_LENGTH, "*", "e", sealed)
        self._queue("PEXPIRE", key, STREAM_TTL_MS)  # a finished session's stream goes away

    async def _read(self, actor: SessionActor) -> None:
        """Follow one session's stream, in order; fill gaps and outages from the store."""
        key = _stream(actor.session_id)
        last = "0-0"
        behind = True  # a new replica, or back from an outage: the store first
        attempt = 0
        while True:
            try:
                if behind:
                    newest = await self.redis.xrevrange(key, count=1)
                    last = _text(newest[0][0]) if newest else "0-0"  # type: ignore[arg-type]
                    await actor.catch_up()
                    behind = False
                reply = await self.redis.xread({key: last}, count=1024, block=READ_BLOCK_MS)
                attempt = 0
            except Exception as error:  # Redis, or the store while catching up: try again
                if attempt == 0:
                    log.warning("session %s: stream lost (%s); retrying", actor.session_id, error)
                await asyncio.sleep(RETRY_S[min(attempt, len(RETRY_S) - 1)])
                attempt += 1
                behind = True
                continue
            entries = _entries(reply)
            if entries:
                last = _text(entries[-1][0])
                # At a gap, the store on the next turn (and again after a failure there).
                behind = not actor.follow(self._signed_events(actor.session_id, entries))

    def _signed_events(
        self, session_id: str, entries: list[tuple[bytes, dict[bytes, bytes]]]
    ) -> list[bytes]:
        """The stream's records that the session's owner sealed; the others are refused (a
        replayed genuine one is harmless: its seq is already held, and skipped)."""
        records = []
        for _id, fields in entries:
            record = self.signer.open("event", session_id, fields.get(b"e", b""))
            if record is None:
                self.refusals.refuse("a stream entry", FORGED, session=session_id)
                continue
            records.append(record)
        return records

    # --- participant tokens: in Redis too, so that any worker serves a resume from memory ---

    def _tokens_stored(self, actor: SessionActor, tokens: list[tuple[str, str]]) -> None:
        """Each entry: a token's hash → its participant, sealed with the hash as context."""
        key, session_id = _tokens(actor.session_id), actor.session_id
        entries: list[str | bytes] = []
        for token_hash, participant in tokens:
            sealed = self.signer.seal(
                "token", session_id, participant.encode(), token_hash.encode()
            )
            entries += [token_hash, sealed]
        self._queue("HSET", key, *entries)
        self._queue("PEXPIRE", key, STREAM_TTL_MS)

    async def participant_for(self, session_id: str, token_hash: str) -> str | None:
        """A token's participant as the owner wrote (and signed) it in Redis; None if unknown,
        not signed by the owner, or Redis is away (the caller then asks the store)."""
        try:
            entry = await self.redis.hget(_tokens(session_id), token_hash)
        except RedisError:
            return None
        if entry is None:
            return None
        participant = self.signer.open("token", session_id, _bytes(entry), token_hash.encode())
        if participant is None:
            self.refusals.refuse("a token entry", FORGED, session=session_id)
        return None if participant is None else _text(participant)

    # --- presence -------------------------------------------------------------------------------

    async def _exchange_presence(self) -> None:
        for session_id, actor in list(self.actors.items()):
            here = msgspec.msgpack.encode(sorted(actor.connected))
            sealed = self.signer.seal("presence", session_id, here, self.name.encode())
            key = f"mk:presence:{session_id}"
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.set(f"{key}:{self.name}", sealed, px=PRESENCE_TTL_MS)
                pipe.sadd(f"{key}:workers", self.name)
                pipe.pexpire(f"{key}:workers", PRESENCE_TTL_MS * 4)
                pipe.smembers(f"{key}:workers")
                workers = (await pipe.execute())[-1]
            others = [_text(w) for w in workers if _text(w) != self.name]
            if not others:
                actor.connected_elsewhere(set())
                continue
            lists = await self.redis.mget([f"{key}:{w}" for w in others])
            elsewhere: set[str] = set()
            for worker, item in zip(others, lists, strict=True):
                if item is not None:
                    elsewhere.update(self._presence_of(session_id, worker, _bytes(item)))
            actor.connected_elsewhere(elsewhere)

    def _presence_of(self, session_id: str, worker: str, item: bytes) -> list[str]:
        """Who is connected through ``worker``, as that worker sealed it (else nobody)."""
        names = self.signer.open("presence", session_id, item, worker.encode())
        if names is None:
            self.refusals.refuse("a presence entry", FORGED, session=session_id)
            return []
        return _names.decode(names)

    # --- the outbox: Redis writes in order, kept across an outage ---------------------------------

    def _queue(self, *command: Any) -> None:
        self._outbox.append((command[0], command[1:]))
        self._outbox_ready.set()

    async def _send_outbox(self) -> None:
        attempt = 0
        while True:
            await self._outbox_ready.wait()
            self._outbox_ready.clear()
            while self._outbox:
                batch = self._outbox[:512]
                try:
                    async with self.redis.pipeline(transaction=False) as pipe:
                        for name, args in batch:
                            pipe.execute_command(name, *args)
                        await pipe.execute()
                except RedisError as error:
                    if attempt == 0:
                        log.warning(
                            "cluster: Redis unreachable (%s); keeping %d writes",
                            error,
                            len(self._outbox),
                        )
                    if len(self._outbox) > OUTBOX_LIMIT:
                        # A long outage: forget the oldest half. Nothing is lost for good: the
                        # followers read missed events from the store, and unanswered commands
                        # are sent again.
                        del self._outbox[: len(self._outbox) // 2]
                    await asyncio.sleep(RETRY_S[min(attempt, len(RETRY_S) - 1)])
                    attempt += 1
                    continue
                attempt = 0
                del self._outbox[: len(batch)]


def _kind(message: _Forwarded | _Reply) -> Kind:
    return "cmd" if isinstance(message, _Forwarded) else "answer"


def _now_ms() -> int:
    return int(time.time() * 1000)


def _resolve(future: asyncio.Future[Answer], answer: Answer) -> None:
    if not future.done():  # a command sent twice may be answered twice
        future.set_result(answer)


def _lease(session_id: str) -> str:
    return f"mk:lease:{session_id}"


def _tokens(session_id: str) -> str:
    return f"mk:tokens:{session_id}"


def _stream(session_id: str) -> str:
    return f"mk:events:{session_id}"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _bytes(value: bytes | str) -> bytes:
    """What Redis returns (bytes: the client does not decode) as mypy knows it."""
    return value if isinstance(value, bytes) else value.encode()


def _entries(reply: Any) -> list[tuple[bytes, dict[bytes, bytes]]]:
    """XREAD's entries for our one stream (RESP2: a list of ``[key, entries]``)."""
    return [entry for _key, entries in reply or [] for entry in entries]

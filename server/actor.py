"""The single writer of one live session (DESIGN §3): its state, its log, its subscribers.

One asyncio task per live session owns everything here; nothing else mutates it. The loop takes
a batch of queued requests and, for commands, follows these steps in this order:

1. for each command: answer a repeated ``(actor, cmd id)`` from its recorded ``Outcome``;
   otherwise ``decide`` on the working state, ``seal`` the events with the next ``seq``,
   ``evolve`` the working state, encode each envelope once per audience;
2. append the whole batch (events, outcomes, new participant tokens) to the store in one
   transaction — group commit: under load many commands share one commit;
3. only then publish the encoded events to every subscriber and answer each sender (ack/error).

Nothing is published or acknowledged before its commit. If the commit fails the working state is
thrown away and rebuilt from the store, and every sender of the batch gets ``unavailable``; but
when it fails because another writer appended first (a ``Conflict``: ``metrokawa sessions``), what
that writer appended is published and the batch is decided once more on the log as it now is. A
command that makes ``decide`` raise (our bug) gets ``internal``, alone: ``decide`` never changes
the state, so the rest of its batch is decided and committed as usual.

With several workers (``cluster``) only the session's owner *leads* as above, appending with the
fence it got when it claimed the session. On every other worker the same class is a *follower*:
``forward`` sends its connections' commands to the owner, ``follow`` applies the records the
owner committed (in seq order; at a gap the caller fills in from the store with ``catch_up``),
and joins and resumes are served from its memory exactly as on the owner. ``lead`` turns a
follower into the owner.

A join request (a new subscriber) is served between batches, when the state is exactly the
published one, so the snapshot or backlog it gets and its registration happen with no ``await``
in between: no gap and no duplicate (Zulip's join-then-resume rule). A refresh is served there
too: the one other writer a session may have is ``metrokawa sessions`` on the server's machine,
which appends a co-facilitator link through the store; a hello with that link's token asks the
actor to read it (``refresh``), and a commit that conflicts with it reloads and publishes it.

When an event revokes a co-facilitator link or a table tablet's link, the sockets opened with it
are cut off right after the batch is handed out: an error ``revoked``, then the close 4403.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any, Final

import msgspec

from session_engine import (
    Context,
    Envelope,
    Rejected,
    Role,
    SessionState,
    decide,
    decode_envelope,
    encode_envelope,
    evolve,
    seal,
)
from session_engine.audiences import (
    EVERYONE,
    Audience,
    audience,
    introduced_tables,
    is_own_join,
    receives,
    resolve,
    table_roster,
)
from session_engine.commands import Command, EndRound, JoinSession
from session_engine.departures import Departures
from session_engine.events import (
    CoFacilitatorAdded,
    CoFacilitatorRevoked,
    ParticipantJoined,
    TableTabletIssued,
    TableTabletRevoked,
)
from session_engine.state import RoundStatus
from session_engine.summary import presence_counts
from session_engine.visibility import (
    console_state,
    facilitator_envelope,
    public_envelope,
    visible_state,
)

from .auth import hash_token, new_token
from .frames import WireCodec, message_for, websocket_frame
from .store import Conflict, EventStore, Fenced, Outcome

__all__ = ["Answer", "EncodedEvent", "SessionActor", "Subscriber"]

log = logging.getLogger("metrokawa.actor")

MAX_BATCH: Final = 256
PRESENCE_EVERY_S: Final = 0.25
# Whose command outcomes are stored, so that a command sent again is answered the same way: the
# senders who keep an identity across connections. A guest's outcome is stored only when its join
# was accepted (a retried join must find its participant again); the projector's commands, a
# guest's refused ones and the clock's are answered and forgotten: sent again, they are decided
# again (and refused again). Nobody holding only the join code can make the table grow.
_ANSWERED_AGAIN: Final = frozenset({Role.FACILITATOR, Role.PARTICIPANT, Role.TABLET})


class EncodedEvent:
    """One event, encoded once per audience; the JSON forms are made on first use.

    ``full`` is the facilitator's audience: the whole envelope, but ``cmd`` only on the
    facilitator's own commands (``visibility.facilitator_envelope``). It is the stored record
    itself when the two agree; the record with others' command ids is never sent. ``audience``
    is who receives it at all (``session_engine.audiences``)."""

    __slots__ = ("_json", "audience", "full", "introduces", "joined", "public", "published", "seq")

    def __init__(
        self,
        seq: int,
        full: bytes,
        public: bytes,
        audience: Audience = EVERYONE,
        joined: ParticipantJoined | None = None,
    ) -> None:
        self.seq = seq
        self.full = full
        self.public = public
        self.audience = audience
        self.joined = joined  # a join: whom it created (a guest's socket waits for it)
        # the tables whose members learn each other's names after it (None: every table)
        self.introduces: tuple[int, ...] | None = ()
        self.published = 0.0  # perf_counter() when it was handed to the subscribers
        self._json: tuple[bytes, bytes] | None = None

    def msgpack(self, full: bool) -> bytes:
        return self.full if full else self.public

    def json(self, full: bool) -> bytes:
        if self._json is None:
            to_json = msgspec.json.encode
            self._json = (
                to_json(msgspec.msgpack.decode(self.full)),
                to_json(msgspec.msgpack.decode(self.public)),
            )
        return self._json[0] if full else self._json[1]


def assemble(events: list[EncodedEvent], *, full: bool, codec: WireCodec) -> bytes:
    """The message carrying ``events`` for one audience: an ``event``, or an ``events`` frame."""
    encoded = [e.msgpack(full) if codec.binary else e.json(full) for e in events]
    if len(encoded) == 1:
        return codec.event_frame(encoded[0])
    return codec.events_frame(encoded)


_FACILITATORS: Final = "facilitators"  # the keys of a batch's lists: the console's…
_ROOM: Final = "room"  # …everyone else's; or a participant id, for whoever has events of their own


class Batch:
    """One commit's events as they leave: the events each audience receives (``audiences``,
    resolved in the state they are handed out in), and a whole WebSocket frame per audience and
    codec, built on first use and written as is to every socket that is ready (DESIGN §3: encode
    once). The facilitators share one list, the room another; a participant with events of
    their own in the batch (their position, their ballot, a join at their table) gets the room's
    list with those merged in, built once for all their devices; a table's shared tablet, the
    room's with its table's joins merged in."""

    __slots__ = ("_at_table", "_frames", "_joins", "_lists", "_own", "_state", "events")

    def __init__(self, events: list[EncodedEvent], state: SessionState) -> None:
        self.events = events
        self._state = state
        facilitators: list[EncodedEvent] = []
        room: list[EncodedEvent] = []
        self._own: dict[str, list[EncodedEvent]] = {}
        self._at_table: dict[int, list[EncodedEvent]] = {}  # for the tables' shared tablets
        self._joins: list[ParticipantJoined] = []  # for the guests waiting for their join
        for event in events:
            if event.joined is not None:
                self._joins.append(event.joined)
            rule = resolve(event.audience, state)
            if rule.facilitators:
                facilitators.append(event)
            if rule.room:
                room.append(event)
                continue
            for participant in rule.participants:
                self._own.setdefault(participant, []).append(event)
            for table in rule.tables:
                self._at_table.setdefault(table, []).append(event)
        self._lists: dict[str, list[EncodedEvent]] = {_FACILITATORS: facilitators, _ROOM: room}
        self._frames: dict[tuple[str, bool], bytes] = {}

    def _key(self, subscriber: Subscriber) -> str:
        if subscriber.full:
            return _FACILITATORS
        participant = subscriber.participant
        joining = subscriber.joining
        if participant is None and joining is not None:
            participant = next(
                (j.participant for j in self._joins if is_own_join(j, joining)), None
            )
        if participant is None:
            return self._tablet_key(subscriber)
        if participant not in self._own:
            return _ROOM
        if participant not in self._lists:
            merged = self._lists[_ROOM] + self._own[participant]
            merged.sort(key=lambda event: event.seq)
            self._lists[participant] = merged
        return participant

    def _tablet_key(self, subscriber: Subscriber) -> str:
        """A table's shared tablet gets the room's list with its table's own events merged in."""
        table = self._state.tablet_table(subscriber.holder or "")
        if table is None or table not in self._at_table:
            return _ROOM
        key = f"#table{table}"  # no participant id looks like it
        if key not in self._lists:
            merged = self._lists[_ROOM] + self._at_table[table]
            merged.sort(key=lambda event: event.seq)
            self._lists[key] = merged
        return key

    def events_for(self, subscriber: Subscriber) -> list[EncodedEvent]:
        """The events of the batch this subscriber receives, in seq order (maybe none)."""
        return self._lists[self._key(subscriber)]

    def frame(self, subscriber: Subscriber, codec: WireCodec) -> bytes | None:
        """The WebSocket frame carrying them, or None when there are none."""
        key = (self._key(subscriber), codec.binary)
        frame = self._frames.get(key)
        if frame is None:
            events = self._lists[key[0]]
            if not events:
                return None
            message = assemble(events, full=subscriber.full, codec=codec)
            frame = self._frames[key] = websocket_frame(message, binary=codec.binary)
        return frame


class Subscriber:
    """One connection's bounded outbox. The actor only appends; the connection's writer drains.

    When the outbox would exceed ``limit`` items the subscriber is marked overflowed and gets
    nothing more: its connection closes with the "come back" code and the client resumes.
    """

    def __init__(
        self,
        *,
        full: bool,
        limit: int,
        holder: str | None = None,
        participant: str | None = None,
    ) -> None:
        self.full = full
        self.limit = limit
        self.holder = holder  # whose token opened it (``facilitator``, ``cf1``, ``p12``), if any
        self.participant = participant  # the participant it speaks for (after a join too)
        self.joining: JoinSession | None = None  # a guest's join, sent and not answered yet
        self.revoked = False  # its co-facilitator link was revoked: it gets nothing more
        # events, control frames, or frames encoded once for the session (``Prebuilt``)
        self.outbox: deque[EncodedEvent | dict[str, Any] | Prebuilt] = deque()
        self.backlog = 0  # backlog items still at the front of the outbox: not held against limit
        self.ready = asyncio.Event()
        self.overflowed = False
        # The fast path: when the socket is idle and ready, a batch's prebuilt frame is written
        # straight away by the publisher (``direct`` returns False when it cannot write now).
        self.direct: Callable[[bytes], bool] | None = None
        self.codec: WireCodec | None = None
        self.busy = False  # the connection's writer is in the middle of a send

    def offer_batch(self, batch: Batch) -> None:
        events = batch.events_for(self)
        if not events:
            return
        idle = not self.outbox and not self.busy and not self.overflowed and not self.revoked
        direct, codec = self.direct, self.codec
        if idle and direct is not None and codec is not None:
            frame = batch.frame(self, codec)
            if frame is not None and direct(frame):
                return
        self.offer_events(events)

    def offer_prebuilt(self, item: Prebuilt) -> None:
        """A frame encoded once for the session (``tallies``): written straight away when the
        socket is idle, else queued as a control frame."""
        idle = not self.outbox and not self.busy and not self.overflowed and not self.revoked
        direct, codec = self.direct, self.codec
        if idle and direct is not None and codec is not None and direct(item.frame(codec)):
            return
        self.offer(item)

    def offer(self, item: EncodedEvent | dict[str, Any] | Prebuilt) -> None:
        if self.overflowed or self.revoked:
            return
        if len(self.outbox) - self.backlog >= self.limit:
            self.overflowed = True
            self.outbox.clear()
            self.backlog = 0
        else:
            self.outbox.append(item)
        self.ready.set()

    def offer_events(self, events: list[EncodedEvent]) -> None:
        """A committed batch: one limit check and one wake-up for all of it."""
        if self.overflowed or self.revoked:
            return
        if len(self.outbox) - self.backlog + len(events) > self.limit:
            self.overflowed = True
            self.outbox.clear()
            self.backlog = 0
        else:
            self.outbox.extend(events)
        self.ready.set()

    def catch_up(self, events: list[EncodedEvent]) -> None:
        """The events a resuming client missed, ahead of everything live."""
        self.outbox.extend(events)
        self.backlog += len(events)
        self.ready.set()

    def come_back(self) -> None:
        """Ask the client to reconnect (and resume): this worker no longer serves the session."""
        self.overflowed = True
        self.outbox.clear()
        self.backlog = 0
        self.ready.set()

    def cut_off(self, frame: dict[str, Any]) -> None:
        """Its link was revoked: what waits is dropped, ``frame`` says why, and the connection's
        writer closes it (4403) once that is sent. Nothing else is offered to it."""
        self.outbox.clear()
        self.backlog = 0
        self.outbox.append(frame)
        self.revoked = True
        self.ready.set()

    def take(self) -> EncodedEvent | dict[str, Any] | Prebuilt:
        """The next item for the connection's writer."""
        if self.backlog:
            self.backlog -= 1
        return self.outbox.popleft()


class Prebuilt:
    """A server frame encoded once for every socket of a session, whatever its subprotocol: the
    message and its whole WebSocket frame, per codec, made on first use."""

    __slots__ = ("_messages", "_websocket", "frame_map")

    def __init__(self, frame_map: dict[str, Any]) -> None:
        self.frame_map = frame_map
        self._messages: dict[bool, bytes] = {}
        self._websocket: dict[bool, bytes] = {}

    def message(self, codec: WireCodec) -> bytes:
        message = self._messages.get(codec.binary)
        if message is None:
            message = self._messages[codec.binary] = codec.encode(self.frame_map)
        return message

    def frame(self, codec: WireCodec) -> bytes:
        frame = self._websocket.get(codec.binary)
        if frame is None:
            message = self.message(codec)
            frame = self._websocket[codec.binary] = websocket_frame(message, binary=codec.binary)
        return frame


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    """What a command's sender hears back: an ack (``seq``) or an error (``code``)."""

    seq: int | None = None
    code: str | None = None
    participant: str | None = None  # a join's new participant…
    cofacilitator: str | None = None  # …or the co-facilitator link given (``AddCoFacilitator``)…
    tablet: str | None = None  # …or the table tablet link given (``IssueTableTablet``)…
    token: str | None = None  # …and its token, given to that sender only


class _Submission:
    __slots__ = ("actor", "cmd", "command", "future", "role")

    def __init__(self, command: Command, role: Role, actor: str, cmd: str) -> None:
        self.command, self.role, self.actor, self.cmd = command, role, actor, cmd
        self.future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()


class _Join:
    __slots__ = ("after", "future", "participant", "subscriber")

    def __init__(self, subscriber: Subscriber, after: int | None, participant: str | None) -> None:
        self.subscriber, self.after, self.participant = subscriber, after, participant
        self.future: asyncio.Future[tuple[int, dict[str, Any] | None]] = (
            asyncio.get_running_loop().create_future()
        )


class _Refresh:
    """Read what the store holds beyond this replica's seq (another writer appended: ``metrokawa
    sessions`` on the server's machine), apply and publish it; between batches, as a join."""

    __slots__ = ("future",)

    def __init__(self) -> None:
        self.future: asyncio.Future[None] = asyncio.get_running_loop().create_future()


Clock = Callable[[], int]
# A follower's way to the owner: the command, its sender's role and id, its command id.
Forward = Callable[[Command, Role, str, str], "asyncio.Future[Answer]"]


class SessionActor:
    """Owns one session. Build it with ``load``; then ``submit`` commands, ``join`` subscribers."""

    def __init__(
        self, session_id: str, store: EventStore, clock: Clock, backlog_limit: int
    ) -> None:
        self.session_id = session_id
        self.store = store
        self.clock = clock
        self.backlog_limit = backlog_limit  # beyond this many missed events, send a snapshot
        self.state = SessionState()
        self.events: list[EncodedEvent] = []  # index i holds seq i + 1
        self.departures = Departures()  # who left: how the kept events must show them
        self.outcomes: dict[tuple[str, str], Outcome] = {}
        self.subscribers: set[Subscriber] = set()
        self.connected: Counter[str] = Counter()  # participant -> live connections (presence)
        self.elsewhere: set[str] = set()  # connected through other workers (several workers)
        self._tables_seen: dict[int, Any] = {}
        self._watchers = 0  # connected facilitator consoles: presence is computed only for them
        self._presence_due: asyncio.TimerHandle | None = None
        self.on_published: list[Callable[[SessionActor, list[EncodedEvent]], None]] = []
        # Told of each subscriber it has just registered (its backlog, if any, is in its outbox).
        self.on_joined: list[Callable[[SessionActor, Subscriber], None]] = []
        self.on_stopped: list[Callable[[], None]] = []
        self.published_seq = 0  # the last seq handed to the subscribers (the state in between is
        # a batch being committed: nobody may read it)
        # Told of the participant tokens (hash, participant) each commit has stored.
        self.on_tokens: list[Callable[[SessionActor, list[tuple[str, str]]], None]] = []
        self._queue: asyncio.Queue[_Submission | _Join | _Refresh] = asyncio.Queue()
        self._revoked: list[str] = []  # co-facilitator links revoked by the events being applied
        self._task: asyncio.Task[None] | None = None
        self._deadline: asyncio.TimerHandle | None = None
        self._timer_task: asyncio.Future[Answer] | None = None
        self.leading = True  # False on a follower (several workers): it never decides
        self.fence: int | None = None  # the owner's fencing number (several workers)
        self.forward: Forward | None = None  # a follower's way to the owner
        self.on_fenced: Callable[[], None] | None = None  # another worker has claimed it
        self.touched = time.monotonic()  # last looked up, joined, left or sent to (``idle_for``)

    @property
    def seq(self) -> int:
        return len(self.events)

    # --- life cycle -----------------------------------------------------------------------------

    async def load(self) -> None:
        """Rebuild the state, the encoded events and the outcomes from the store."""
        self.state, self.events, self.departures = SessionState(), [], Departures()
        for record in await self.store.read(self.session_id):
            self._apply(decode_envelope(record), record)
        outcomes = await self.store.outcomes(self.session_id)
        self.outcomes = {(o.actor, o.cmd): o for o in outcomes}
        self._revoked = []  # revoked before: nobody holding them is connected
        self.published_seq = self.seq

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=f"session-{self.session_id}")
        self._watch_deadline()

    # --- several workers ------------------------------------------------------------------------

    def follow(self, records: list[bytes]) -> bool:
        """A follower applies records the owner committed and publishes them to its own
        subscribers. Records it already has are skipped; at a gap it stops and returns False
        (the caller then reads the missing ones from the store: ``catch_up``)."""
        start = self.seq
        complete = True
        for record in records:
            envelope = decode_envelope(record)
            if envelope.seq <= self.seq:
                continue
            if envelope.seq != self.seq + 1:
                complete = False
                break
            self._apply(envelope, record)
        self._publish(self.events[start:])
        return complete

    async def catch_up(self) -> None:
        """Apply whatever the store holds beyond what this replica has."""
        self.follow(await self.store.read(self.session_id, self.seq))

    async def lead(self, fence: int) -> None:
        """This worker has claimed the session (``fence``): catch up, then decide and commit."""
        self.fence = fence
        await self.catch_up()
        outcomes = await self.store.outcomes(self.session_id)
        self.outcomes = {(o.actor, o.cmd): o for o in outcomes}
        self.forward = None
        self.leading = True
        self._watch_deadline()

    async def stop(self) -> None:
        for timer in (self._deadline, self._presence_due):
            if timer is not None:
                timer.cancel()
        for listener in self.on_stopped:
            listener()
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    # --- what the connections call --------------------------------------------------------------

    def enqueue(
        self, command: Command, *, role: Role, actor: str, cmd: str
    ) -> asyncio.Future[Answer]:
        """Queue a command; the future resolves once it is committed (or refused)."""
        self.touched = time.monotonic()
        if self.forward is not None:
            return self.forward(command, role, actor, cmd)
        submission = _Submission(command, role, actor, cmd)
        self._queue.put_nowait(submission)
        return submission.future

    async def submit(self, command: Command, *, role: Role, actor: str, cmd: str) -> Answer:
        return await self.enqueue(command, role=role, actor=actor, cmd=cmd)

    async def join(
        self, subscriber: Subscriber, *, after: int | None, participant: str | None
    ) -> tuple[int, dict[str, Any] | None]:
        """Register ``subscriber``; returns the published ``seq`` and a snapshot, if one is due.

        Events after ``after`` (or after the snapshot) are already in the subscriber's outbox.
        """
        self.touched = time.monotonic()
        if not self.leading and after is not None and after > self.seq:
            # A client that was on a worker further ahead than this follower: catch up first,
            # or it would be sent back in time (a snapshot older than what it holds).
            await self.catch_up()
        request = _Join(subscriber, after, participant)
        self._queue.put_nowait(request)
        return await request.future

    async def refresh(self) -> None:
        """Catch up with what another writer appended to the store since (the session's own
        writer stays this actor: the request waits its turn in the queue, between batches)."""
        request = _Refresh()
        self._queue.put_nowait(request)
        await request.future

    def leave(self, subscriber: Subscriber, participant: str | None) -> None:
        self.touched = time.monotonic()
        if subscriber in self.subscribers and subscriber.full:
            self._watchers -= 1
        self.subscribers.discard(subscriber)
        if participant is not None:
            self.connected[participant] -= 1
            if self.connected[participant] <= 0:
                del self.connected[participant]
                self._presence_changed()

    def arrive(self, participant: str) -> None:
        """A connection now speaks for ``participant`` (at hello, or after its join)."""
        self.connected[participant] += 1
        if self.connected[participant] == 1:  # a second device changes nothing
            self._presence_changed()

    def presence(self) -> dict[str, Any]:
        here = set(self.connected) | self.elsewhere
        return {"k": "presence", **presence_counts(self.state, sorted(here))}

    def connected_elsewhere(self, participants: set[str]) -> None:
        """Who is connected to the session through the other workers (``cluster``)."""
        if participants != self.elsewhere:
            self.elsewhere = participants
            self._presence_changed()

    def _presence_changed(self) -> None:
        """Tell the facilitator, at most every ``PRESENCE_EVERY_S``: a reconnection storm of a
        whole room must not cost one recount per arrival."""
        if self._watchers == 0 or self._presence_due is not None:
            return
        loop = asyncio.get_running_loop()
        self._presence_due = loop.call_later(PRESENCE_EVERY_S, self._send_presence)

    def _send_presence(self) -> None:
        self._presence_due = None
        frame = self.presence()
        for subscriber in self.subscribers:
            if subscriber.full:
                subscriber.offer(frame)

    @property
    def has_open_round(self) -> bool:
        current = self.state.round
        return current is not None and current.status in (RoundStatus.RUNNING, RoundStatus.PAUSED)

    @property
    def queue_depth(self) -> int:
        return self._queue.qsize()

    def idle_for(self, now: float) -> float | None:
        """Seconds since anything was asked of this session, if nothing can happen in it
        meanwhile: nobody connected, no round whose clock runs, nothing queued. None while busy.
        (A batch being committed was queued a moment ago: far less than any idle time.)"""
        busy = self.subscribers or self.connected or self.has_open_round or not self._queue.empty()
        return None if busy else now - self.touched

    # --- the loop -------------------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            first = await self._queue.get()
            if not isinstance(first, _Submission):
                await self._serve(first)
                continue
            batch = [first]
            while len(batch) < MAX_BATCH and not self._queue.empty():
                following = self._queue.get_nowait()
                if not isinstance(following, _Submission):
                    await self._commit(batch)
                    batch = []
                    await self._serve(following)
                    break
                batch.append(following)
            if batch:
                await self._commit(batch)

    async def _serve(self, request: _Join | _Refresh) -> None:
        if isinstance(request, _Join):
            self._serve_join(request)
            return
        try:
            await self.catch_up()
        finally:
            _resolve(request.future, None)

    async def _commit(self, batch: list[_Submission], *, again: bool = True) -> None:
        start = self.seq
        was_open = self.has_open_round
        answers: list[Answer] = []
        fresh: list[Outcome] = []
        tokens: list[tuple[str, str]] = []
        records: list[bytes] = []
        try:
            for submission in batch:
                answers.append(self._decide(submission, fresh, tokens, records))
            new_events = self.events[start:]
            if self.has_open_round and not was_open:  # flagged before: see store.mark_open
                await self.store.mark_open(self.session_id, True)
            if records or fresh or tokens:  # refusals kept nowhere need no transaction
                await self.store.append(self.session_id, start, records, fresh, tokens, self.fence)
        except Fenced:
            log.warning("session %s: claimed by another worker; this one stops", self.session_id)
            self.leading = False
            if self.on_fenced is not None:
                self.on_fenced()  # nothing of the batch was answered: the clients re-send
            return
        except Exception as failure:
            if again and isinstance(failure, Conflict):
                # Another writer appended first (``metrokawa sessions`` on the server's machine):
                # read the log again, publish what it added, decide the batch once more on it.
                log.warning("session %s: %s; reading the log again", self.session_id, failure)
                await self.load()
                self._publish(self.events[start:])
                await self._commit(batch, again=False)
                return
            # A failed commit, or our own bug in a rule: nothing of the batch was published or
            # answered, so the working state is thrown away and rebuilt from the store.
            log.exception("session %s: batch failed; reloading from the store", self.session_id)
            await self.load()
            self._publish(self.events[start:])  # what another writer appended meanwhile, if any
            for submission in batch:
                _resolve(submission.future, Answer(code="unavailable"))
            return
        self._publish(new_events)
        if tokens:
            for listener in self.on_tokens:
                listener(self, tokens)
        if was_open and not self.has_open_round:  # unflagged after: see store.mark_open
            await self._mark_closed()
        for submission, answer in zip(batch, answers, strict=True):
            _resolve(submission.future, answer)
        self._watch_deadline()

    async def _mark_closed(self) -> None:
        try:
            await self.store.mark_open(self.session_id, False)
        except Exception as error:  # the flag stays true: one more load at the next start-up
            log.warning("session %s: could not mark its round closed (%s)", self.session_id, error)

    def _decide(
        self,
        submission: _Submission,
        fresh: list[Outcome],
        tokens: list[tuple[str, str]],
        records: list[bytes],
    ) -> Answer:
        key = (submission.actor, submission.cmd)
        known = self.outcomes.get(key)
        if known is not None:
            return self._repeat(known, tokens)
        ctx = Context(
            actor=submission.actor,
            role=submission.role,
            now=self.clock(),
            seed=secrets.randbits(62),
        )
        try:
            decided = decide(self.state, submission.command, ctx)
        except Exception:
            # Our own bug in a rule, hit by this command alone: ``decide`` changes nothing, so
            # the rest of the batch goes on. Not kept: a fixed server may apply it when re-sent.
            log.exception(
                "session %s: decide failed on a %s command",
                self.session_id,
                type(submission.command).__name__,
            )
            return Answer(code="internal")
        if isinstance(decided, Rejected):
            if submission.role in _ANSWERED_AGAIN:
                outcome = Outcome(actor=submission.actor, cmd=submission.cmd, code=decided.code)
                self.outcomes[key] = outcome
                fresh.append(outcome)
            return Answer(code=decided.code)
        participant = None  # whom a token is issued for: a participant, a co-facilitator, a tablet
        for envelope in seal(decided, after=self.seq, ctx=ctx, cmd=submission.cmd):
            record = encode_envelope(envelope)
            self._apply(envelope, record)
            records.append(record)
            participant = _token_holder(envelope, participant)
        outcome = Outcome(
            actor=submission.actor, cmd=submission.cmd, seq=self.seq, participant=participant
        )

        if submission.role in _ANSWERED_AGAIN or participant is not None:
            self.outcomes[key] = outcome
            fresh.append(outcome)
        return self._answer(outcome, tokens)

    def _repeat(self, known: Outcome, tokens: list[tuple[str, str]]) -> Answer:
        """The same answer again. A join's token was never stored, so a fresh one is issued to
        the same participant (a co-facilitator link's, to the same co-facilitator). That is safe
        only because the command id never leaves the server but to its sender: not to the
        facilitator (``facilitator_envelope``), not in an export (``without_command_ids``); and a
        facilitator's id, which co-facilitators see, answers only the facilitator's token (an
        outcome is keyed by its sender)."""
        if known.code is not None:
            return Answer(code=known.code)
        return self._answer(known, tokens)

    def _answer(self, outcome: Outcome, tokens: list[tuple[str, str]]) -> Answer:
        holder = outcome.participant
        if holder is None:
            return Answer(seq=outcome.seq)
        token = new_token()
        tokens.append((hash_token(token), holder))
        if holder in self.state.cofacilitators:
            return Answer(seq=outcome.seq, cofacilitator=holder, token=token)
        if holder in self.state.tablets:
            return Answer(seq=outcome.seq, tablet=holder, token=token)
        return Answer(seq=outcome.seq, participant=holder, token=token)

    def _apply(self, envelope: Envelope, record: bytes) -> None:
        evolve(self.state, envelope.event)
        if isinstance(envelope.event, CoFacilitatorRevoked):
            self._revoked.append(envelope.event.cofacilitator)
        elif isinstance(envelope.event, TableTabletRevoked):
            self._revoked.append(envelope.event.tablet)
        self.events.append(self._encoded(envelope, record))
        if self.departures.note(envelope.event):
            self._show_departures()

    def _encoded(self, envelope: Envelope, record: bytes | None = None) -> EncodedEvent:
        public = msgspec.msgpack.encode(public_envelope(envelope, self.state))
        shown = facilitator_envelope(envelope)
        full = record if shown is envelope and record is not None else encode_envelope(shown)
        event = envelope.event
        joined = event if isinstance(event, ParticipantJoined) else None
        encoded = EncodedEvent(envelope.seq, full, public, audience(event), joined)
        encoded.introduces = introduced_tables(event)
        return encoded

    def _show_departures(self) -> None:
        """Someone left: the events kept for clients that resume show them as every copy of the
        log does (``session_engine.departures``). What was sent already stays sent; the store
        keeps the log as it was appended."""
        for index, encoded in enumerate(self.events):
            shown = self.departures.shown(decode_envelope(encoded.full))
            if shown is not None:
                self.events[index] = self._encoded(shown)

    def _publish(self, new_events: list[EncodedEvent]) -> None:
        if not new_events:
            return
        now = time.perf_counter()
        for event in new_events:
            event.published = now
        self.published_seq = new_events[-1].seq
        batch = Batch(new_events, self.state)
        for subscriber in self.subscribers:
            subscriber.offer_batch(batch)
        self._introduce(new_events)
        if self._revoked:
            self._cut_off_revoked()
        for listener in self.on_published:
            listener(self, new_events)
        if self._watchers and self.state.tables != self._tables_seen:
            self._presence_changed()  # a new plan moves the per-table presence counts
            self._tables_seen = dict(self.state.tables)

    def _introduce(self, events: list[EncodedEvent]) -> None:
        """After a new plan, or someone seated or moved at a table, the members of each table
        concerned get its roster (a ``table`` frame, built once per table): a join's name
        reached only the table of its moment (``session_engine.audiences``)."""
        tables: set[int] = set()
        for event in events:
            if event.introduces is None:
                tables = set(self.state.tables)
                break
            tables.update(event.introduces)
        if not tables:
            return
        frames = {
            table: Prebuilt(
                {"k": "table", "table": table, "participants": table_roster(self.state, table)}
            )
            for table in tables
        }
        joins = [event.joined for event in events if event.joined is not None]
        for subscriber in self.subscribers:
            if subscriber.full:
                continue
            who = subscriber.participant
            joining = subscriber.joining
            if who is None and joining is not None:  # a late arrival, seated as they join
                who = next((j.participant for j in joins if is_own_join(j, joining)), None)
            seat = self._seat(subscriber, who)
            frame = frames.get(seat) if seat is not None else None
            if frame is not None:
                subscriber.offer_prebuilt(frame)

    def _seat(self, subscriber: Subscriber, participant: str | None) -> int | None:
        """The table a socket sits at: its participant's, or its table tablet's."""
        person = self.state.participants.get(participant or "")
        if person is not None:
            return person.table
        return self.state.tablet_table(subscriber.holder or "")

    def _cut_off_revoked(self) -> None:
        """The sockets of the co-facilitator links just revoked are closed at once (4403): the
        engine refuses their commands from now on, and they receive nothing more."""
        revoked, self._revoked = set(self._revoked), []
        frame = {"k": "error", "id": None, "code": "revoked", "message": message_for("revoked")}
        for subscriber in self.subscribers:
            if subscriber.holder in revoked:
                subscriber.cut_off(frame)

    def _serve_join(self, request: _Join) -> None:
        subscriber, after = request.subscriber, request.after
        snapshot = None
        if after is None or not 0 <= after <= self.seq or self.seq - after > self.backlog_limit:
            if subscriber.full:
                snapshot = console_state(self.state)
            else:
                snapshot = visible_state(self.state, full=False, participant=request.participant)
        else:
            subscriber.catch_up(
                [
                    event
                    for event in self.events[after:]
                    if receives(
                        event.audience,
                        self.state,
                        facilitator=subscriber.full,
                        participant=request.participant,
                        tablet=subscriber.holder,
                    )
                ]
            )
            seat = None if subscriber.full else self._seat(subscriber, request.participant)
            if seat is not None:
                # the backlog may have seated them: their table's roster, as live
                roster = table_roster(self.state, seat)
                subscriber.offer(Prebuilt({"k": "table", "table": seat, "participants": roster}))
        self.subscribers.add(subscriber)
        if subscriber.full:
            self._watchers += 1
            self._tables_seen = dict(self.state.tables)
            subscriber.offer(self.presence())
        for listener in self.on_joined:
            listener(self, subscriber)
        _resolve(request.future, (self.seq, snapshot))

    # --- the round clock ------------------------------------------------------------------------

    def _watch_deadline(self) -> None:
        """Keep one timer on the running round's deadline; it sends EndRound as ``system``.

        Deadlines live in the state (hence in the log), so after a restart ``load`` + ``start``
        re-arm the timer; a pause, resume or extension moves it at the next commit.
        """
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        current = self.state.round
        if not self.leading:
            return  # the owner's clock ends the round
        if current is None or current.status is not RoundStatus.RUNNING:
            return
        deadline = current.deadline
        assert deadline is not None  # a running round has one
        delay = max(0.0, (deadline - self.clock()) / 1000)
        loop = asyncio.get_running_loop()
        self._deadline = loop.call_later(delay, self._deadline_due, current.number)

    def _deadline_due(self, round_number: int) -> None:
        # A fresh command id each time: if the clock fired early the engine answers not_due,
        # the commit re-arms the timer, and the next attempt must not replay that answer.
        cmd = f"deadline-{round_number}-{self.clock()}"
        submit = self.submit(EndRound(), role=Role.SYSTEM, actor="system", cmd=cmd)
        self._timer_task = asyncio.ensure_future(submit)


def _token_holder(envelope: Envelope, holder: str | None) -> str | None:
    """Whom a token is issued for by this event: a participant who joined on their own device
    (one added without a device gets none), a co-facilitator link, a table tablet link; else
    whom the events before it named."""
    event = envelope.event
    if isinstance(event, ParticipantJoined) and event.added_by is None:
        return event.participant
    if isinstance(event, CoFacilitatorAdded):
        return event.cofacilitator
    if isinstance(event, TableTabletIssued):
        return event.tablet
    return holder


def _resolve(future: asyncio.Future[Any], value: Any) -> None:
    if not future.done():
        future.set_result(value)

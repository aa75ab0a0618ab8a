"""The WebSocket endpoint ``/ws/{session_id}``: one ``Connection`` per socket (DESIGN §5).

A connection is two tasks around one ``Subscriber`` outbox:

* the **reader** (the endpoint's own task) decodes frames, enforces the limits, and queues
  commands on the session's actor without waiting for them; each command's answer, when the
  actor resolves it, puts its ``ack`` / ``error`` frame in the outbox (a done-callback: the actor
  resolves in queue order, and after publishing the events, so answers follow their events);
* the **writer** drains the outbox: consecutive events leave as one ``events`` frame, already
  encoded bytes assembled, never re-encoded; a slow reader never holds anyone else up, and an
  overflowing outbox closes the socket with 4008 so that the client resumes from its last seq.

The order of the start is the protocol's: ``hello`` → authenticate → join the actor (snapshot or
backlog + registration, atomically) → ``welcome`` → everything else.

Once the two tasks run, only the writer closes the socket (4008, or the reader's verdict); the
connection's own task closes it only after both have stopped (1011). When the reader judges the
sender abusive it stops reading, waits for the answers still owed to the commands it queued,
leaves the session, and lets the writer send everything in the outbox before the 1008 close:
the answers arrive, and no frame is sent after the close.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Callable
from typing import Any, Final

import msgspec
from starlette.websockets import WebSocket, WebSocketDisconnect

from session_engine import Role, decode_command
from session_engine.commands import JoinSession

from .actor import Answer, EncodedEvent, Prebuilt, SessionActor, Subscriber, assemble
from .frames import SUBPROTOCOLS, Cmd, Hello, Ping, WireCodec, codec_for, message_for
from .hub import Hub
from .limits import Guesses, Limits, RateLimiter, Sockets, Strikes, client_address
from .metrics import Metrics
from .store import SessionRecord

__all__ = ["CLOSE", "Connection", "session_socket"]

log = logging.getLogger("metrokawa.ws")

# Close codes (documented in docs/protocol.md).
CLOSE: Final = {
    "normal": 1000,
    "going_away": 1001,
    "policy": 1008,  # repeated abuse
    "too_big": 1009,  # a message over the frame limit: sent by the transport (uvicorn), not here
    "internal": 1011,
    "come_back": 4008,  # outbox overflowed, or another worker serves the session now: resume
    "bad_hello": 4400,
    "unauthorized": 4401,
    "revoked": 4403,  # a co-facilitator's or table tablet's link withdrawn: at the hello, or on
    # a socket open with it
    "unknown_session": 4404,
    "too_many": 4429,  # too many sockets open (or waiting for their hello) from one address
}

_MAX_EVENTS_PER_FRAME: Final = 512
MIN_GUEST_ID: Final = 16


async def session_socket(websocket: WebSocket) -> None:
    """The endpoint: negotiate the subprotocol, count the socket against its address, find the
    session, hand over to a Connection."""
    state = websocket.app.state
    offered = websocket.scope.get("subprotocols", [])
    chosen = next((p for p in offered if p in SUBPROTOCOLS), None)
    if chosen is None:
        await websocket.close(code=CLOSE["bad_hello"])
        return
    sockets: Sockets = state.sockets
    client = client_address(websocket)
    if not sockets.enter(client):  # before any await: concurrent handshakes count too
        await _refuse_socket(websocket, chosen, state.metrics)
        return
    greeted = False
    try:
        record = await state.hub.session(websocket.path_params["session_id"])
        await websocket.accept(subprotocol=chosen)
        if record is None:
            await _close(websocket, CLOSE["unknown_session"])
            return
        connection = Connection(
            websocket, codec_for(chosen), record, state.hub, state.limits, state.metrics
        )
        connection.on_greeted = functools.partial(sockets.greeted, client)
        try:
            await connection.serve()
        finally:
            greeted = connection.greeted
    finally:
        sockets.leave(client, greeted=greeted)


async def _refuse_socket(websocket: WebSocket, subprotocol: str, metrics: Metrics) -> None:
    """Too many sockets from this address: say so in an error frame, then close with 4429."""
    metrics.rejections.labels("too_many_connections").inc()
    codec = codec_for(subprotocol)
    frame = codec.encode(_error_frame(None, "too_many_connections"))
    with contextlib.suppress(Exception):
        await websocket.accept(subprotocol=subprotocol)
        await (websocket.send_bytes(frame) if codec.binary else websocket.send_text(frame.decode()))
    await _close(websocket, CLOSE["too_many"])


class Connection:
    def __init__(
        self,
        websocket: WebSocket,
        codec: WireCodec,
        record: SessionRecord,
        hub: Hub,
        limits: Limits,
        metrics: Metrics,
    ) -> None:
        self.websocket, self.codec, self.record = websocket, codec, record
        self.hub, self.limits, self.metrics = hub, limits, metrics
        self.role = Role.GUEST
        self.actor_id = "guest"
        self.participant: str | None = None
        now = time.monotonic()
        self.rate = RateLimiter(limits.commands_per_second, limits.command_burst, now)
        self.pings = RateLimiter(limits.pings_per_second, limits.ping_burst, now)
        self.strikes = Strikes(limits.max_strikes, limits.strike_window_s)
        self.subscriber: Subscriber | None = None
        self.session: SessionActor | None = None
        self.greeted = False  # the hello was accepted
        self.on_greeted: Callable[[], None] | None = None
        self.closing: int | None = None  # the code the writer closes with once the outbox is sent
        self._owed = 0  # commands queued on the session whose answer has not come back
        self._all_answered = asyncio.Event()
        self._all_answered.set()
        self._left = False
        self._joining: str | None = None  # the id of a guest's join waiting for its answer

    # --- the whole life of a connection ---------------------------------------------------------

    async def serve(self) -> None:
        self.metrics.connections.inc()
        try:
            if await self._greet():
                await self._converse()
        except (WebSocketDisconnect, _Disconnected):
            pass
        except Exception:
            log.exception("connection to session %s failed", self.record.id)
            await self._close(CLOSE["internal"])  # the reader and the writer have stopped
        finally:
            self._leave()
            self.metrics.connections.dec()

    async def _converse(self) -> None:
        """The reader and the writer, until one of them ends; both have stopped on return."""
        writer = asyncio.create_task(self._write())
        reader = asyncio.create_task(self._read())
        try:
            await asyncio.wait([reader, writer], return_when=asyncio.FIRST_COMPLETED)
            if reader.done() and not reader.cancelled() and reader.exception() is None:
                verdict = reader.result()
                if verdict is not None and not writer.done():
                    await self._drain_then_close(verdict, writer)
            for task in (reader, writer):
                if task.done() and not task.cancelled() and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
        finally:
            for task in (reader, writer):
                task.cancel()
            await asyncio.gather(reader, writer, return_exceptions=True)

    async def _drain_then_close(self, code: int, writer: asyncio.Task[None]) -> None:
        """The reader has stopped reading: the answers owed go out first, then the close."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._all_answered.wait(), self.limits.close_drain_s)
        self._leave()  # no more events for this socket: what it is owed is in its outbox now
        assert self.subscriber is not None
        self.closing = code
        self.subscriber.ready.set()
        await asyncio.wait([writer], timeout=self.limits.close_drain_s)
        if not writer.done():  # the client does not read: close without the rest
            writer.cancel()
            await asyncio.gather(writer, return_exceptions=True)
            await self._close(code)

    def _leave(self) -> None:
        """Leave the session's subscribers (once), so that presence counts this socket out."""
        if self._left or self.session is None or self.subscriber is None:
            return
        self._left = True
        self.session.leave(self.subscriber, self.participant)
        self.websocket.app.state.settler.left()

    async def _greet(self) -> bool:
        """hello → who you are → join → welcome. False if the connection was closed instead."""
        try:
            message = await asyncio.wait_for(self.websocket.receive(), self.limits.hello_timeout_s)
            hello = self.codec.decode(_payload(message))
        except (TimeoutError, msgspec.DecodeError, _Disconnected):
            hello = None
        if not isinstance(hello, Hello):
            await self._refuse_and_close(None, "hello_first", CLOSE["bad_hello"])
            return False
        if not await self._authenticate(hello):
            return False
        self.greeted = True
        if self.on_greeted is not None:
            self.on_greeted()
        self.session = await self.hub.actor(self.record.id)
        self.subscriber = Subscriber(
            full=self.role is Role.FACILITATOR,
            limit=self.limits.outbox_limit,
            holder=self.actor_id,
            participant=self.participant,
        )
        self.subscriber.codec = self.codec
        seq, snapshot = await self.session.join(
            self.subscriber, after=hello.after, participant=self.participant
        )
        # Counted from here, so that leaving (``_leave``) always has its arrival.
        if self.participant is not None:
            self.session.arrive(self.participant)
        self.websocket.app.state.settler.arrived()
        welcome: dict[str, Any] = {
            "k": "welcome",
            "you": self.actor_id,
            "role": self.role.value,
            "seq": seq,
            "session": {"id": self.record.id, "title": self.record.title, "code": self.record.code},
        }
        if snapshot is not None:
            welcome["state"] = snapshot
        await self._send(self.codec.encode(welcome))
        # Only now may batches be written straight to the socket: nothing may pass the welcome.
        self.subscriber.direct = _direct_writer(self.websocket)
        return True

    async def _authenticate(self, hello: Hello) -> bool:
        if hello.token is not None:
            access = await self.hub.access(self.record, hello.token)
            if isinstance(access, str):  # refused: an unknown token, or a revoked link
                close = CLOSE["revoked"] if access == "revoked" else CLOSE["unauthorized"]
                await self._refuse_and_close(None, access, close)
                return False
            self.role, self.actor_id = access.role, access.actor
            if access.role is Role.PARTICIPANT:
                self.participant = access.actor
            return True
        if not await self._check_code(hello.code):
            return False
        if hello.view == "projector":
            self.role, self.actor_id = Role.PROJECTOR, "projector"
        return True

    async def _check_code(self, given: str | None) -> bool:
        """The join code, limited per client address with GET /api/codes (``limits.Guesses``):
        an (address, code) pair already admitted passes; anything else spends a token first."""
        guesses: Guesses = self.websocket.app.state.guesses
        client, code = client_address(self.websocket), (given or "").strip().upper()
        right = code == self.record.code
        if right and guesses.admitted(client, code):
            return True
        if not guesses.spend(client, time.monotonic()):
            await self._refuse_and_close(None, "too_fast", CLOSE["unauthorized"])
            return False
        if not right:
            await self._refuse_and_close(None, "bad_code", CLOSE["unauthorized"])
            return False
        guesses.admit(client, code)
        return True

    # --- reader ---------------------------------------------------------------------------------

    async def _read(self) -> int | None:
        """Read until the client leaves (None) or crosses the abuse line (the close code)."""
        while True:
            try:
                payload = _payload(await self.websocket.receive())
            except _Disconnected:
                return None
            if not self._on_message(payload):
                return CLOSE["policy"]

    def _on_message(self, payload: bytes | str) -> bool:
        """Handle one client frame; False once the sender has crossed the abuse line."""
        if _size(payload) > self.limits.max_frame_bytes:  # uvicorn refuses them first (1009)
            return self._breach(None, "too_large")
        try:
            frame = self.codec.decode(payload)
        except msgspec.DecodeError:
            return self._breach(None, "bad_frame")
        if isinstance(frame, Ping):
            if not self.pings.allow(time.monotonic()):
                return self._breach(None, "too_fast")
            self._offer({"k": "pong", "t": frame.t, "server": self.hub.clock()})
            return True
        if isinstance(frame, Hello):
            return self._breach(None, "bad_frame")  # one hello per connection
        return self._on_command(frame)

    def _on_command(self, frame: Cmd) -> bool:
        if len(frame.id) > self.limits.max_command_id:
            return self._breach(None, "bad_request")  # not echoed: it may weigh 16 KiB
        if not self.rate.allow(time.monotonic()):
            return self._breach(frame.id, "too_fast")
        if self.role is Role.GUEST and len(frame.id) < MIN_GUEST_ID:
            # A guest has no token yet: its command id is what makes a retried join safe to
            # answer with a token, so it must be as unguessable as one.
            return self._breach(frame.id, "weak_id")
        try:
            command = decode_command(frame.type, frame.data)
        except ValueError:
            return self._breach(frame.id, "bad_request")
        assert self.session is not None  # set by _greet
        if self.role is Role.GUEST and isinstance(command, JoinSession):
            assert self.subscriber is not None
            self.subscriber.joining = command  # its ParticipantJoined reaches this socket
            self._joining = frame.id
        future = self.session.enqueue(command, role=self.role, actor=self.actor_id, cmd=frame.id)
        self._owed += 1
        self._all_answered.clear()
        future.add_done_callback(functools.partial(self._answered, frame.id))
        return True

    def _breach(self, cmd_id: str | None, code: str) -> bool:
        self._error(cmd_id, code)
        return not self.strikes.add(time.monotonic())

    # --- answers --------------------------------------------------------------------------------

    def _answered(self, cmd_id: str, future: asyncio.Future[Answer]) -> None:
        if cmd_id == self._joining and self.subscriber is not None:
            self.subscriber.joining = None  # a join answered: it names the joiner from now on
        self._owed -= 1
        if self._owed == 0:
            self._all_answered.set()
        if future.cancelled():
            return  # a dropped session (several workers): the client sends it again
        if future.exception() is not None:
            self._error(cmd_id, "unavailable")
            return
        self._answer(cmd_id, future.result())

    def _answer(self, cmd_id: str, answer: Answer) -> None:
        if answer.code is not None:
            self._error(cmd_id, answer.code)
            return
        frame: dict[str, Any] = {"k": "ack", "id": cmd_id, "seq": answer.seq}
        if answer.participant is not None and self.role is Role.GUEST and not self._left:
            # The guest has become this participant: the token is for this socket only.
            self.role, self.actor_id, self.participant = (
                Role.PARTICIPANT,
                answer.participant,
                answer.participant,
            )
            assert self.session is not None
            assert self.subscriber is not None
            self.subscriber.participant = answer.participant  # their own events reach it now
            self.session.arrive(answer.participant)
        if answer.token is not None and answer.cofacilitator is not None:
            frame["cofacilitator"], frame["token"] = answer.cofacilitator, answer.token
        elif answer.token is not None and answer.tablet is not None:
            frame["tablet"], frame["token"] = answer.tablet, answer.token
        elif answer.token is not None:
            frame["you"], frame["token"] = answer.participant, answer.token
        self._offer(frame)

    def _error(self, cmd_id: str | None, code: str) -> None:
        self.metrics.rejections.labels(code).inc()
        self._offer(_error_frame(cmd_id, code))

    # --- writer ---------------------------------------------------------------------------------

    def _offer(self, frame: dict[str, Any]) -> None:
        assert self.subscriber is not None
        self.subscriber.offer(frame)

    async def _write(self) -> None:
        """Send what the outbox holds; the one place that closes a conversing socket."""
        subscriber = self.subscriber
        assert subscriber is not None
        while True:
            await subscriber.ready.wait()
            subscriber.ready.clear()
            while subscriber.outbox and not subscriber.overflowed:
                subscriber.busy = True
                try:
                    await self._send(self._next_frame(subscriber))
                finally:
                    subscriber.busy = False
            if subscriber.overflowed:
                await self._close(CLOSE["come_back"])
                return
            if subscriber.revoked:  # its link was revoked: the error is sent, then the close
                await self._close(CLOSE["revoked"])
                return
            if self.closing is not None:
                await self._close(self.closing)
                return

    def _next_frame(self, subscriber: Subscriber) -> bytes:
        item = subscriber.take()
        if isinstance(item, Prebuilt):
            return item.message(self.codec)
        if not isinstance(item, EncodedEvent):
            return self.codec.encode(item)
        events = [item]
        outbox = subscriber.outbox
        while (
            outbox and isinstance(outbox[0], EncodedEvent) and len(events) < _MAX_EVENTS_PER_FRAME
        ):
            events.append(subscriber.take())  # type: ignore[arg-type]
        self._observe(events)
        return assemble(events, full=subscriber.full, codec=self.codec)

    def _observe(self, events: list[EncodedEvent]) -> None:
        # One observation per frame (its oldest event): per delivery it cost a quarter of the CPU.
        self.metrics.fanout_seconds.observe(time.perf_counter() - events[0].published)

    async def _send(self, frame: bytes) -> None:
        try:
            if self.codec.binary:
                await self.websocket.send_bytes(frame)
            else:
                await self.websocket.send_text(frame.decode())
        except RuntimeError:
            # The transport closed the socket by itself meanwhile (a message over the frame
            # limit gets 1009 from uvicorn): the client is gone, this is no bug of ours.
            if _transport_closed(self.websocket):
                raise _Disconnected from None
            raise

    async def _refuse_and_close(self, cmd_id: str | None, code: str, close_code: int) -> None:
        self.metrics.rejections.labels(code).inc()
        with contextlib.suppress(Exception):
            await self._send(self.codec.encode(_error_frame(cmd_id, code)))
        await self._close(close_code)

    async def _close(self, code: int) -> None:
        await _close(self.websocket, code)


def _error_frame(cmd_id: str | None, code: str) -> dict[str, Any]:
    return {"k": "error", "id": cmd_id, "code": code, "message": message_for(code)}


async def _close(websocket: WebSocket, code: int) -> None:
    with contextlib.suppress(Exception):  # already closed by the client or the transport
        await websocket.close(code=code)


class _Disconnected(Exception):
    pass


def _payload(message: Any) -> bytes | str:
    if message["type"] == "websocket.disconnect":
        raise _Disconnected
    data: bytes | None = message.get("bytes")
    text: str = message.get("text") or ""
    return data if data is not None else text


def _size(payload: bytes | str) -> int:
    """Bytes on the wire: a text frame's characters take one to four bytes each."""
    return len(payload) if isinstance(payload, bytes) else len(payload.encode())


def _uvicorn_protocol(websocket: WebSocket) -> Any:
    """uvicorn's sans-I/O WebSocket protocol object behind the ASGI ``send`` (the ``/ws`` route
    is dispatched without middleware for that, see ``app.py``), or None under another server."""
    return getattr(websocket._send, "__self__", None)


def _transport_closed(websocket: WebSocket) -> bool:
    protocol = _uvicorn_protocol(websocket)
    transport = getattr(protocol, "transport", None)
    return bool(getattr(protocol, "close_sent", False)) or (
        transport is not None and transport.is_closing()
    )


def _direct_writer(websocket: WebSocket) -> Callable[[bytes], bool] | None:
    """A function writing a whole prebuilt frame to this socket now, or None if we cannot.

    It needs uvicorn's sans-I/O WebSocket protocol under the ASGI ``send`` (the ``/ws`` route is
    dispatched without middleware for that, see ``app.py``). It writes only while the transport
    accepts data (``writable``) and before the close handshake; otherwise the caller queues.
    Frames written this way are not compressed (permessage-deflate allows uncompressed messages):
    compressing each message once per socket is what this path saves.
    """
    protocol = _uvicorn_protocol(websocket)
    transport = getattr(protocol, "transport", None)
    writable = getattr(protocol, "writable", None)
    if transport is None or not isinstance(writable, asyncio.Event):
        return None
    if not hasattr(protocol, "close_sent"):
        return None

    def write(frame: bytes) -> bool:
        if protocol.close_sent or not writable.is_set() or transport.is_closing():
            return False
        transport.write(frame)
        return True

    return write

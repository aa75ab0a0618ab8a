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

from .actor import Answer, EncodedEvent, SessionActor, Subscriber, assemble
from .auth import hash_token, same_hash
from .frames import SUBPROTOCOLS, Cmd, Hello, Ping, WireCodec, codec_for, message_for
from .hub import Hub
from .limits import Guesses, Limits, RateLimiter, Strikes, client_address
from .metrics import Metrics
from .store import SessionRecord

__all__ = ["CLOSE", "Connection", "session_socket"]

log = logging.getLogger("metrokawa.ws")

# Close codes (documented in docs/protocol.md).
CLOSE: Final = {
    "normal": 1000,
    "going_away": 1001,
    "policy": 1008,  # repeated abuse
    "internal": 1011,
    "come_back": 4008,  # outbox overflowed, or another worker serves the session now: resume
    "bad_hello": 4400,
    "unauthorized": 4401,
    "unknown_session": 4404,
}

_MAX_EVENTS_PER_FRAME: Final = 512
MIN_GUEST_ID: Final = 16


async def session_socket(websocket: WebSocket) -> None:
    """The endpoint: negotiate the subprotocol, find the session, hand over to a Connection."""
    state = websocket.app.state
    offered = websocket.scope.get("subprotocols", [])
    chosen = next((p for p in offered if p in SUBPROTOCOLS), None)
    if chosen is None:
        await websocket.close(code=CLOSE["bad_hello"])
        return
    record = await state.hub.session(websocket.path_params["session_id"])
    await websocket.accept(subprotocol=chosen)
    if record is None:
        await websocket.close(code=CLOSE["unknown_session"])
        return
    connection = Connection(
        websocket, codec_for(chosen), record, state.hub, state.limits, state.metrics
    )
    await connection.serve()


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
        self.strikes = Strikes(limits.max_strikes, limits.strike_window_s)
        self.subscriber: Subscriber | None = None
        self.session: SessionActor | None = None

    # --- the whole life of a connection ---------------------------------------------------------

    async def serve(self) -> None:
        self.metrics.connections.inc()
        tasks: list[asyncio.Task[None]] = []
        try:
            if not await self._greet():
                return
            tasks = [asyncio.create_task(self._write())]
            reader = asyncio.create_task(self._read())
            done, _ = await asyncio.wait([reader, *tasks], return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
            reader.cancel()
            tasks.append(reader)
        except WebSocketDisconnect:
            pass
        except Exception:
            log.exception("connection to session %s failed", self.record.id)
            await self._close(CLOSE["internal"])
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self.session is not None and self.subscriber is not None:
                self.session.leave(self.subscriber, self.participant)
                self.websocket.app.state.settler.left()
            self.metrics.connections.dec()

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
        self.session = await self.hub.actor(self.record.id)
        self.subscriber = Subscriber(
            full=self.role is Role.FACILITATOR, limit=self.limits.outbox_limit
        )
        self.subscriber.codec = self.codec
        seq, snapshot = await self.session.join(
            self.subscriber, after=hello.after, participant=self.participant
        )
        # Counted from here, so that leaving (in ``serve``'s finally) always has its arrival.
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
            token_hash = hash_token(hello.token)
            if same_hash(token_hash, self.record.facilitator_hash):
                self.role, self.actor_id = Role.FACILITATOR, "facilitator"
                return True
            participant = await self.hub.participant_for(self.record.id, token_hash)
            if participant is not None:
                self.role, self.actor_id, self.participant = (
                    Role.PARTICIPANT,
                    participant,
                    participant,
                )
                return True
            await self._refuse_and_close(None, "bad_token", CLOSE["unauthorized"])
            return False
        # Wrong codes are limited per client address, with GET /api/codes (``limits.Guesses``).
        guesses: Guesses = self.websocket.app.state.guesses
        client, now = client_address(self.websocket), time.monotonic()
        if guesses.blocked(client, now):
            await self._refuse_and_close(None, "too_fast", CLOSE["unauthorized"])
            return False
        if hello.code is not None and hello.code.strip().upper() == self.record.code:
            if hello.view == "projector":
                self.role, self.actor_id = Role.PROJECTOR, "projector"
            return True
        guesses.failed(client, now)
        await self._refuse_and_close(None, "bad_code", CLOSE["unauthorized"])
        return False

    # --- reader ---------------------------------------------------------------------------------

    async def _read(self) -> None:
        while True:
            try:
                payload = _payload(await self.websocket.receive())
            except _Disconnected:
                return
            if not self._on_message(payload):
                await self._close(CLOSE["policy"])
                return

    def _on_message(self, payload: bytes | str) -> bool:
        """Handle one client frame; False once the sender has crossed the abuse line."""
        if _size(payload) > self.limits.max_frame_bytes:
            return self._breach(None, "too_large")
        try:
            frame = self.codec.decode(payload)
        except msgspec.DecodeError:
            return self._breach(None, "bad_frame")
        if isinstance(frame, Ping):
            self._offer({"k": "pong", "t": frame.t, "server": self.hub.clock()})
            return True
        if isinstance(frame, Hello):
            return self._breach(None, "bad_frame")  # one hello per connection
        return self._on_command(frame)

    def _on_command(self, frame: Cmd) -> bool:
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
        future = self.session.enqueue(command, role=self.role, actor=self.actor_id, cmd=frame.id)
        future.add_done_callback(functools.partial(self._answered, frame.id))
        return True

    def _breach(self, cmd_id: str | None, code: str) -> bool:
        self._error(cmd_id, code)
        return not self.strikes.add(time.monotonic())

    # --- answers --------------------------------------------------------------------------------

    def _answered(self, cmd_id: str, future: asyncio.Future[Answer]) -> None:
        if not future.cancelled():
            self._answer(cmd_id, future.result())

    def _answer(self, cmd_id: str, answer: Answer) -> None:
        if answer.code is not None:
            self._error(cmd_id, answer.code)
            return
        frame: dict[str, Any] = {"k": "ack", "id": cmd_id, "seq": answer.seq}
        if answer.participant is not None and self.role is Role.GUEST:
            # The guest has become this participant: the token is for this socket only.
            self.role, self.actor_id, self.participant = (
                Role.PARTICIPANT,
                answer.participant,
                answer.participant,
            )
            assert self.session is not None
            self.session.arrive(answer.participant)
        if answer.token is not None:
            frame["you"], frame["token"] = answer.participant, answer.token
        self._offer(frame)

    def _error(self, cmd_id: str | None, code: str) -> None:
        self.metrics.rejections.labels(code).inc()
        self._offer({"k": "error", "id": cmd_id, "code": code, "message": message_for(code)})

    # --- writer ---------------------------------------------------------------------------------

    def _offer(self, frame: dict[str, Any]) -> None:
        assert self.subscriber is not None
        self.subscriber.offer(frame)

    async def _write(self) -> None:
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

    def _next_frame(self, subscriber: Subscriber) -> bytes:
        item = subscriber.take()
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
        if self.codec.binary:
            await self.websocket.send_bytes(frame)
        else:
            await self.websocket.send_text(frame.decode())

    async def _refuse_and_close(self, cmd_id: str | None, code: str, close_code: int) -> None:
        self.metrics.rejections.labels(code).inc()
        frame = {"k": "error", "id": cmd_id, "code": code, "message": message_for(code)}
        with contextlib.suppress(Exception):
            await self._send(self.codec.encode(frame))
        await self._close(close_code)

    async def _close(self, code: int) -> None:
        with contextlib.suppress(Exception):
            await self.websocket.close(code=code)


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


def _direct_writer(websocket: WebSocket) -> Callable[[bytes], bool] | None:
    """A function writing a whole prebuilt frame to this socket now, or None if we cannot.

    It needs uvicorn's sans-I/O WebSocket protocol under the ASGI ``send`` (the ``/ws`` route is
    dispatched without middleware for that, see ``app.py``). It writes only while the transport
    accepts data (``writable``) and before the close handshake; otherwise the caller queues.
    Frames written this way are not compressed (permessage-deflate allows uncompressed messages):
    compressing each message once per socket is what this path saves.
    """
    protocol: Any = getattr(websocket._send, "__self__", None)  # see the docstring
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

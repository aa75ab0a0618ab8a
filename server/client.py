"""A Python client of the wire protocol (DESIGN §5), for the simulator, the tests and benchmarks.

One ``ProtocolClient`` is one WebSocket: ``connect`` sends ``hello`` and returns ``welcome``; a
reader task then files every frame: events (checked in order, in ``events``: ``seq`` strictly
increases; a jump is events that were not for this connection), answers (``ack`` / ``error``,
matched to their command id), tallies (``tallies``), pongs, presence. ``command`` sends a
command and waits for its answer; ``send`` only queues it and returns the future (to pipeline
many).
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import msgspec
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

from .frames import JSON, MSGPACK

__all__ = ["GapError", "ProtocolClient"]


class GapError(AssertionError):
    """The server broke its promise: an event arrived out of order or twice."""


class ProtocolClient:
    def __init__(self, base_url: str, session_id: str, *, subprotocol: str = MSGPACK) -> None:
        self.url = f"{base_url.replace('http', 'ws', 1).rstrip('/')}/ws/{session_id}"
        self.subprotocol = subprotocol
        self.binary = subprotocol != JSON
        self.events: list[dict[str, Any]] = []
        self.seq = 0
        self.welcome: dict[str, Any] = {}
        self.presence: dict[str, Any] | None = None
        self.tallies: list[dict[str, Any]] = []  # every ``tallies`` frame, in order
        self.tables: list[dict[str, Any]] = []  # every ``table`` frame (a table's roster)
        self.others: list[dict[str, Any]] = []  # frames without an id to match: errors, pongs
        self.closed: asyncio.Future[int | None] | None = None
        self.received: dict[int, float] = {}  # seq -> loop time it arrived (benchmarks)
        self.early_acks = 0  # acks that came before the event they acknowledge (a broken promise)
        self._answers: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._socket: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._new_event = asyncio.Event()
        self._sending: set[asyncio.Future[None]] = set()

    async def connect(self, **hello: Any) -> dict[str, Any]:
        """Open the socket, say hello (``token``, ``code``, ``after``, ``view``), get welcome."""
        self._socket = await websockets.connect(
            self.url,
            subprotocols=[Subprotocol(self.subprotocol)],
            max_size=None,
            open_timeout=10,
        )
        if "after" not in hello and self.seq:
            hello["after"] = self.seq
        if hello.get("after") is not None:
            self.seq = hello["after"]  # the stream goes on from there
        await self.send_frame({"k": "hello", **{k: v for k, v in hello.items() if v is not None}})
        self.welcome = self._decode(await asyncio.wait_for(self._socket.recv(), 10))
        if self.welcome.get("k") != "welcome":
            raise ConnectionError(f"no welcome: {self.welcome}")
        if "state" in self.welcome:
            self.seq = self.welcome["seq"]  # a snapshot: the stream goes on after it
        self.closed = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read())
        return self.welcome

    async def send_frame(self, frame: dict[str, Any]) -> None:
        assert self._socket is not None
        await self.send_raw(
            msgspec.msgpack.encode(frame) if self.binary else msgspec.json.encode(frame).decode()
        )

    async def send_raw(self, message: bytes | str) -> None:
        assert self._socket is not None
        await self._socket.send(message)

    def send(
        self, type_: str, data: dict[str, Any] | None = None, *, id: str | None = None
    ) -> asyncio.Future[dict[str, Any]]:
        cmd_id = id or uuid.uuid4().hex  # unguessable: a guest's join id is its secret
        future = self._answers.get(cmd_id)
        if future is None or future.done():  # a failed wait from a previous connection
            future = asyncio.get_running_loop().create_future()
            self._answers[cmd_id] = future
        frame = {"k": "cmd", "id": cmd_id, "type": type_, "data": data or {}}
        task = asyncio.ensure_future(self.send_frame(frame))
        self._sending.add(task)
        task.add_done_callback(lambda sent: self._sent(sent, future))
        return future

    def _sent(self, task: asyncio.Future[None], answer: asyncio.Future[dict[str, Any]]) -> None:
        """A frame that could not be sent fails its command's wait (instead of a lost error)."""
        self._sending.discard(task)
        error = None if task.cancelled() else task.exception()
        if error is not None and not answer.done():
            answer.set_exception(ConnectionError(f"not sent: {error}"))

    async def command(
        self,
        type_: str,
        data: dict[str, Any] | None = None,
        *,
        id: str | None = None,
        timeout: float = 10,
    ) -> dict[str, Any]:
        return await asyncio.wait_for(self.send(type_, data, id=id), timeout)

    async def wait_for_seq(self, seq: int, timeout: float = 10) -> None:
        async def until() -> None:
            while self.seq < seq:
                self._new_event.clear()
                await self._new_event.wait()

        await asyncio.wait_for(until(), timeout)

    async def wait_for_tallies(self, count: int, timeout: float = 10) -> None:
        """Wait until ``count`` ``tallies`` frames have come in all on this socket."""

        async def until() -> None:
            while len(self.tallies) < count:
                self._new_event.clear()
                await self._new_event.wait()

        await asyncio.wait_for(until(), timeout)

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader

    def drop(self) -> None:
        """Cut the connection abruptly, as a lost Wi-Fi would (no close handshake)."""
        if self._socket is not None:
            self._socket.transport.abort()

    # --- the reader -----------------------------------------------------------------------------

    async def _read(self) -> None:
        assert self._socket is not None
        assert self.closed is not None
        try:
            async for message in self._socket:
                self._file(self._decode(message))
        except websockets.ConnectionClosed:
            pass
        finally:
            code = self._socket.close_code
            if not self.closed.done():
                self.closed.set_result(code)
            for future in self._answers.values():
                if not future.done():
                    future.set_exception(ConnectionError(f"closed ({code})"))
            self._answers.clear()

    def _file(self, frame: dict[str, Any]) -> None:
        kind = frame.get("k")
        if kind == "event":
            self._event(frame)
        elif kind == "events":
            for envelope in frame["list"]:
                self._event(envelope)
        elif kind in ("ack", "error") and frame.get("id") in self._answers:
            if kind == "ack" and frame["seq"] > self.seq:
                self.early_acks += 1
            future = self._answers.pop(frame["id"])
            if not future.done():
                future.set_result(frame)
        elif kind == "presence":
            self.presence = frame
        elif kind == "tallies":
            self.tallies.append(frame)
            self._new_event.set()
        elif kind == "table":
            self.tables.append(frame)
        else:
            self.others.append(frame)

    def _event(self, envelope: dict[str, Any]) -> None:
        if envelope["seq"] <= self.seq:
            raise GapError(f"expected a seq after {self.seq}, got {envelope['seq']}")
        self.seq = envelope["seq"]
        self.events.append(envelope)
        self.received[self.seq] = asyncio.get_running_loop().time()
        self._new_event.set()

    def _decode(self, message: bytes | str) -> dict[str, Any]:
        frame: dict[str, Any] = (
            msgspec.json.decode(message)
            if isinstance(message, str)
            else msgspec.msgpack.decode(message)
            if self.binary
            else msgspec.json.decode(message)
        )
        return frame

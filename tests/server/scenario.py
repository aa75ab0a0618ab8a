"""Rooms, people and raw sockets over a real server, for the protocol tests.

A ``Room`` is a session created over HTTP (its id, join code and facilitator token); from it a
test opens real ``ProtocolClient`` sockets as the facilitator, a guest, a projector, or a
participant who joins by the code and keeps the token its ``ack`` hands over. ``RawSocket`` is
a bare ``websockets`` connection for what ``ProtocolClient`` would refuse to do: a bad
handshake, garbage, or a reader that stops reading. Every wait here is a condition with a
deadline that raises; nothing sleeps to let time pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

import httpx
import msgspec
import websockets
from websockets.asyncio.client import ClientConnection
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.protocol import State
from websockets.typing import Subprotocol
from websockets.uri import parse_uri

from server.client import ProtocolClient
from server.frames import MSGPACK
from session_engine import Envelope

from .live import LiveServer

__all__ = [
    "PENDING_TEXT",
    "ROLES",
    "TERRITORIES",
    "Lobby",
    "Member",
    "Person",
    "RawSocket",
    "Room",
    "SilentSocket",
    "TimedRound",
    "acked",
    "closing_every_socket",
    "cmd",
    "envelopes",
    "event_of",
    "eventually",
    "new_id",
    "next_other",
    "person",
    "refused",
    "run",
    "seqs_of",
    "statement_of",
]

T = TypeVar("T")
TERRITORIES: Final = ("t1", "t2", "t3")
ROLES: Final = ("habitant", "elu", "technicien", "autre")
FRAME_TIMEOUT_S: Final = 10.0


_OPENED: list[ProtocolClient | RawSocket] = []  # sockets opened by the running scenario


async def closing_every_socket(scenario: Awaitable[T]) -> T:
    """Run ``scenario``, then close whatever sockets it left open, even when it failed: a
    failing test must not leave a socket to be found by the garbage collector."""
    try:
        return await scenario
    finally:
        opened = list(_OPENED)
        _OPENED.clear()
        await asyncio.gather(*(socket.close() for socket in opened), return_exceptions=True)


def acked(answer: dict[str, Any]) -> int:
    """The ``seq`` of an ``ack``; fails with the whole frame otherwise."""
    assert answer["k"] == "ack", answer
    seq: int = answer["seq"]
    return seq


def refused(answer: dict[str, Any], code: str) -> None:
    """An ``error`` frame with this code and a sentence for people."""
    assert answer["k"] == "error", answer
    assert answer["code"] == code, answer
    assert isinstance(answer["message"], str), answer
    assert answer["message"], answer


async def eventually(
    condition: Callable[[], bool], *, timeout: float = 10.0, what: str = "the condition"
) -> None:
    """Poll ``condition`` until it holds; ``TimeoutError`` naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.005)  # the polling period, bounded by the deadline above


async def event_of(client: ProtocolClient, seq: int, timeout: float = 10.0) -> dict[str, Any]:
    """The envelope ``seq`` as ``client`` received it, waiting for it if need be."""
    await client.wait_for_seq(seq, timeout)
    envelope = next(e for e in client.events if e["seq"] == seq)
    return envelope


async def next_other(client: ProtocolClient, seen: int, timeout: float = 10.0) -> dict[str, Any]:
    """The first frame filed in ``client.others`` after the ``seen`` ones (errors without a
    matching command, pongs)."""
    await eventually(lambda: len(client.others) > seen, timeout=timeout, what="an answer frame")
    return client.others[seen]


@dataclass
class Member:
    """A participant: the id the session gave, its token, and the socket it joined on."""

    id: str
    token: str
    client: ProtocolClient
    pseudonym: str
    consent: bool
    join_id: str = ""  # the id of its JoinSession command (as secret as its token)


@dataclass(frozen=True)
class Room:
    url: str
    id: str
    code: str
    token: str  # the facilitator's
    server: LiveServer | None = None  # to read the stored log, command ids included

    @classmethod
    def create(cls, server: LiveServer, **overrides: Any) -> Room:
        created = server.create_session(**overrides)
        code, token = created["code"], created["facilitator_token"]
        return cls(server.url, created["id"], code, token, server)

    @property
    def ws_url(self) -> str:
        return f"{self.url.replace('http', 'ws', 1)}/ws/{self.id}"

    def client(self, subprotocol: str = MSGPACK) -> ProtocolClient:
        client = ProtocolClient(self.url, self.id, subprotocol=subprotocol)
        _OPENED.append(client)
        return client

    async def connect(
        self, after: int | None, subprotocol: str = MSGPACK, **hello: Any
    ) -> ProtocolClient:
        """A client that says hello; ``after`` None asks for a snapshot."""
        client = self.client(subprotocol)
        if after:
            client.seq = after  # the client checks the stream goes on from there
        await client.connect(after=after, **hello)
        return client

    async def facilitator(self, after: int | None = 0) -> ProtocolClient:
        return await self.connect(after, token=self.token)

    async def guest(self, after: int | None = 0, subprotocol: str = MSGPACK) -> ProtocolClient:
        return await self.connect(after, subprotocol, code=self.code)

    async def projector(self, after: int | None = 0) -> ProtocolClient:
        return await self.connect(after, code=self.code, view="projector")

    async def participant(
        self, token: str, after: int | None = 0, subprotocol: str = MSGPACK
    ) -> ProtocolClient:
        return await self.connect(after, subprotocol, token=token)

    async def join(
        self,
        pseudonym: str,
        *,
        territory: str = "t1",
        role: str = "habitant",
        consent: bool = False,
        after: int | None = 0,
        subprotocol: str = MSGPACK,
    ) -> Member:
        """A guest who joins by the code and becomes a participant on the same socket."""
        client = await self.guest(after, subprotocol)
        data = {"pseudonym": pseudonym, "territory": territory, "role": role, "consent": consent}
        join_id = uuid.uuid4().hex
        answer = await client.command("JoinSession", data, id=join_id)
        acked(answer)
        return Member(answer["you"], answer["token"], client, pseudonym, consent, join_id)

    async def join_many(self, count: int, *, prefix: str = "Personne") -> list[Member]:
        """``count`` participants at once, territories and roles dealt in turn, every other one
        consenting to show their pseudonym in exports."""
        joining = (
            self.join(
                f"{prefix} {n}",
                territory=TERRITORIES[n % len(TERRITORIES)],
                role=ROLES[n % len(ROLES)],
                consent=n % 2 == 0,
            )
            for n in range(1, count + 1)
        )
        return list(await asyncio.gather(*joining))

    async def info(self) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=self.url, timeout=10) as http:
            response = await http.get(f"/api/sessions/{self.id}")
        response.raise_for_status()
        info: dict[str, Any] = response.json()
        return info

    async def seq(self) -> int:
        """The session's last seq, as the server's HTTP face tells it."""
        seq: int = (await self.info())["seq"]
        return seq

    def stored(self) -> list[Envelope]:
        """The log as stored on the server, command ids included (the export drops them)."""
        assert self.server is not None, "a Room made without its server"
        return self.server.stored_log(self.id)

    def log(self) -> bytes:
        """The ``.mkawa`` export, as the facilitator downloads it."""
        response = httpx.get(
            f"{self.url}/api/sessions/{self.id}/log",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=30,
        )
        response.raise_for_status()
        return response.content


@dataclass
class RawSocket:
    """A bare WebSocket speaking msgpack, for handshakes and readers that misbehave."""

    connection: ClientConnection
    frames: list[dict[str, Any]] = field(default_factory=list)
    close_code: int | None = None

    @classmethod
    async def open(
        cls,
        url: str,
        *,
        subprotocols: tuple[str, ...] = (MSGPACK,),
        receive_buffer: int | None = None,
    ) -> RawSocket:
        """Connect; with ``receive_buffer``, on a TCP socket whose kernel receive buffer is
        that small (set before the handshake, so the window the server sees is small too)."""
        options: dict[str, Any] = {}
        if receive_buffer is not None:
            host, port = url.removeprefix("ws://").split("/", 1)[0].rsplit(":", 1)
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
            sock.setblocking(False)
            await asyncio.get_running_loop().sock_connect(sock, (host, int(port)))
            options["sock"] = sock
        connection = await websockets.connect(
            url,
            subprotocols=[Subprotocol(p) for p in subprotocols],
            compression=None,  # bytes on the wire are the frames' own: nothing shrinks them
            max_size=None,
            max_queue=1,
            ping_interval=None,
            open_timeout=10,
            **options,
        )
        raw = cls(connection)
        _OPENED.append(raw)
        return raw

    async def send(self, frame: dict[str, Any] | bytes) -> None:
        """Send ``frame``; a server that has already closed is found out by ``receive``."""
        raw = frame if isinstance(frame, bytes) else msgspec.msgpack.encode(frame)
        with contextlib.suppress(websockets.ConnectionClosed):
            await self.connection.send(raw)

    async def receive(self) -> dict[str, Any] | None:
        """The next frame, or None once the server has closed (its code in ``close_code``)."""
        try:
            message = await asyncio.wait_for(self.connection.recv(), FRAME_TIMEOUT_S)
        except websockets.ConnectionClosed as closed:
            self.close_code = closed.rcvd.code if closed.rcvd is not None else None
            return None
        assert isinstance(message, bytes), message  # msgpack travels in binary messages
        frame: dict[str, Any] = msgspec.msgpack.decode(message)
        self.frames.append(frame)
        return frame

    async def until_closed(self) -> list[dict[str, Any]]:
        """Read everything up to the server's close; the frames read on the way."""
        read: list[dict[str, Any]] = []
        while (frame := await self.receive()) is not None:
            read.append(frame)
        return read

    def stop_reading(self) -> None:
        """Stop taking bytes off the socket: the kernel buffers fill, then the server's."""
        self.connection.transport.pause_reading()

    def read_again(self) -> None:
        self.connection.transport.resume_reading()

    async def close(self) -> None:
        await self.connection.close()


class SilentSocket:
    """A plain blocking TCP socket that completes the WebSocket handshake, then says nothing.

    No event loop holds it, so it outlives the tests' loops: opened when a module starts, it
    is read when the module ends (the websockets sans-I/O protocol parses the bytes).
    """

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("ws://").split("/", 1)[0].rsplit(":", 1)
        self.opened = time.monotonic()
        self.protocol = ClientProtocol(parse_uri(url), subprotocols=[Subprotocol(MSGPACK)])
        self.socket = socket.create_connection((host, int(port)), timeout=FRAME_TIMEOUT_S)
        self.protocol.send_request(self.protocol.connect())
        self._flush()
        while self.protocol.state is not State.OPEN:
            self._feed()
            assert self.protocol.handshake_exc is None, self.protocol.handshake_exc

    def _flush(self) -> None:
        for data in self.protocol.data_to_send():
            if data:
                self.socket.sendall(data)

    def _feed(self) -> None:
        data = self.socket.recv(65536)
        if data:
            self.protocol.receive_data(data)
        else:
            self.protocol.receive_eof()

    def until_closed(self, deadline: float) -> tuple[list[dict[str, Any]], int | None]:
        """The frames the server sent and its close code, read until ``deadline`` (monotonic)."""
        while self.protocol.close_rcvd is None and self.protocol.state is not State.CLOSED:
            self.socket.settimeout(max(0.1, deadline - time.monotonic()))
            self._feed()
        frames = [
            msgspec.msgpack.decode(event.data)
            for event in self.protocol.events_received()
            if isinstance(event, Frame) and event.opcode is Opcode.BINARY
        ]
        close = self.protocol.close_rcvd
        return frames, None if close is None else close.code

    def close(self) -> None:
        self.socket.close()


def seqs_of(frames: list[dict[str, Any]]) -> list[int]:
    """The seqs of the events carried by ``frames`` (``event`` and ``events``), in order."""
    seqs: list[int] = []
    for frame in frames:
        if frame["k"] == "event":
            seqs.append(frame["seq"])
        elif frame["k"] == "events":
            seqs.extend(envelope["seq"] for envelope in frame["list"])
    return seqs


# --- shared by the protocol tests (tests/server/test_protocol_*.py) ---------------------------


PENDING_TEXT: Final = "Il manque un local pour les associations du quartier."


def run(scenario: Coroutine[Any, Any, T]) -> T:
    """Play ``scenario`` in an event loop of its own; its sockets are closed when it ends."""
    return asyncio.run(closing_every_socket(scenario))


def new_id() -> str:
    return uuid.uuid4().hex


def cmd(type_: str, data: dict[str, Any], id_: str | None = None) -> dict[str, Any]:
    return {"k": "cmd", "id": id_ or new_id(), "type": type_, "data": data}


def envelopes(client: ProtocolClient) -> list[dict[str, Any]]:
    """What ``client`` received, as envelopes: a lone ``event`` frame's ``k`` taken off."""
    return [{k: v for k, v in e.items() if k != "k"} for e in client.events]


async def statement_of(facilitator: ProtocolClient, answer: dict[str, Any]) -> str:
    """The id the session gave to the statement whose proposal ``answer`` acknowledges."""
    statement: str = (await event_of(facilitator, acked(answer)))["data"]["statement"]
    return statement


@dataclass(frozen=True)
class Person:
    id: str
    token: str
    pseudonym: str


def person(member: Member) -> Person:
    return Person(member.id, member.token, member.pseudonym)


@dataclass(frozen=True)
class TimedRound:
    room: Room
    deadline: int  # ms since the epoch, as RoundStarted announced it
    participant: Person


@dataclass(frozen=True)
class Lobby:
    room: Room
    people: tuple[Person, ...]
    hosts: dict[int, str]  # table -> its host in round 1
    tables: dict[str, int]  # participant -> table in round 1
    published: str  # written by people[0], published
    pending: str  # written by people[1], waiting for moderation
    vote: str  # open, on proposal ``proposal``; people[0] and people[1] have voted
    proposal: str

    def by_id(self, participant: str) -> Person:
        return next(p for p in self.people if p.id == participant)

    @property
    def host(self) -> Person:
        return self.by_id(self.hosts[min(self.hosts)])

    @property
    def non_host(self) -> Person:
        return next(p for p in self.people if p.id not in self.hosts.values())

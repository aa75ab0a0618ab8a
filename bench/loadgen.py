"""The load generator of the vote-burst bench: one asyncio process holding every client socket.

It has to receive tens of thousands of deliveries a second on one core and stay far from being
the bottleneck, so it does not use a WebSocket library: ``WsClient`` is a bare RFC 6455 client on
an ``asyncio.Protocol`` (uvloop when available). It does the upgrade handshake, parses the
server's unmasked frames straight out of ``data_received``, answers pings and closes, and sends
masked frames with an all-zero masking key (legal framing; XOR with zero leaves the payload as
is, which spares the masking loop — servers do not and cannot check the key's randomness).

Three drivers speak to the three servers over it:

* ``MetrokawaDriver``: the real protocol (``metrokawa.v1.msgpack``): guests join by code with
  unguessable (uuid4) command ids, the facilitator seats and starts a round, ten statements are
  proposed and published, then every participant reconnects with its token and takes positions
  (``TakePosition``), each time another value than its last on that statement, so that every
  command changes the tallies. Before the measurement, six participants take a position on every
  statement (the room's tallies show no figure under k = 5 voters, so the first positions on a
  statement would change nothing the room sees). An event is matched to its command through the
  ``ack {id, seq}`` its author receives (public envelopes carry no command id), so a delivery is
  keyed by ``seq``.
  A delivery is the moment a client first holds a view that reflects the command, whichever
  frames the server sends (see ``_MkConn``): the event itself where every client receives every
  ``PositionTaken`` (before issue 14), or the first coalesced ``tallies`` frame whose ``seq``
  (the last event it reflects) reaches the command's where only the author receives its own
  event and everyone else tallies. The bench needs no switch: the frames decide.
* ``SocketIODriver``: engine.io v4 / socket.io v5 over a raw WebSocket (text frames), the
  ``position`` event echoed by the room; the command index travels in the payload.
* ``BareDriver``: binary msgpack messages relayed by the bare Starlette broadcast.

The peers relay a message with the fields and size of Métrokawa's public ``PositionTaken``
event (``_position``), so that every server's clients parse the same bytes.

A ``Recorder`` stores every delivery as ``(key, perf_counter())`` at every client, one clock for
the whole process, the time of each command's ``ack``, and knows when a command has been
delivered to every client and answered.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import os
import socket
import time
import uuid
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Final, Protocol, cast

import httpx
import msgspec

__all__ = [
    "DRIVERS",
    "BareDriver",
    "Driver",
    "MetrokawaDriver",
    "Recorder",
    "SocketIODriver",
    "WsClient",
    "connect",
]

TEXT: Final = 0x1
BINARY: Final = 0x2
CLOSE: Final = 0x8
PING: Final = 0x9
PONG: Final = 0xA
_GUID: Final = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_ZERO_MASK: Final = b"\x00\x00\x00\x00"

STATEMENTS: Final = tuple(f"s{k}" for k in range(1, 11))  # published before the measurement
WARM_VOTERS: Final = 6  # positions on each statement before the measurement: k = 5, and one more

MessageHandler = Callable[[int, bytes, float], None]  # opcode, payload, perf_counter() on arrival


def frame(payload: bytes, opcode: int) -> bytes:
    """One final client frame, masked with the zero key."""
    n = len(payload)
    if n < 126:
        head = bytes((0x80 | opcode, 0x80 | n))
    elif n < 1 << 16:
        head = bytes((0x80 | opcode, 0xFE)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0xFF)) + n.to_bytes(8, "big")
    return head + _ZERO_MASK + payload


class WsClient(asyncio.Protocol):
    """One client WebSocket. ``handler`` gets every complete data message."""

    def __init__(self, host: str, port: int, path: str, subprotocol: str | None) -> None:
        loop = asyncio.get_running_loop()
        self.host, self.port, self.path, self.subprotocol = host, port, path, subprotocol
        self.handler: MessageHandler = self._keep  # until ``set_handler``
        self._early: list[tuple[int, bytes, float]] = []
        self.opened: asyncio.Future[None] = loop.create_future()
        self.closed: asyncio.Future[int | None] = loop.create_future()
        self.transport: asyncio.Transport | None = None
        self._key = base64.b64encode(os.urandom(16))
        self._upgraded = False
        self._buffer = b""
        self._fragments: list[bytes] = []
        self._fragment_opcode = 0

    def set_handler(self, handler: MessageHandler) -> None:
        """Where messages go from now on; those that came before it are handed over first."""
        self.handler = handler
        early, self._early = self._early, []
        for message in early:
            handler(*message)

    def _keep(self, opcode: int, payload: bytes, now: float) -> None:
        self._early.append((opcode, payload, now))

    # --- asyncio.Protocol -----------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        sock = transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        lines = [
            f"GET {self.path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {self._key.decode()}",
            "Sec-WebSocket-Version: 13",
        ]
        if self.subprotocol:
            lines.append(f"Sec-WebSocket-Protocol: {self.subprotocol}")
        self.transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(ConnectionError(f"connection lost: {exc}"))
        if not self.closed.done():
            self.closed.set_result(None)

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        if self._buffer:
            data = self._buffer + data
            self._buffer = b""
        if not self._upgraded:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                self._buffer = data
                return
            self._handshake(data[:end])
            data = data[end + 4 :]
        size = len(data)
        pos = 0
        handler = self.handler
        while size - pos >= 2:
            b0 = data[pos]
            length = data[pos + 1] & 0x7F
            head = 2
            if length == 126:
                if size - pos < 4:
                    break
                length = int.from_bytes(data[pos + 2 : pos + 4], "big")
                head = 4
            elif length == 127:
                if size - pos < 10:
                    break
                length = int.from_bytes(data[pos + 2 : pos + 10], "big")
                head = 10
            end = pos + head + length
            if end > size:
                break
            payload = data[pos + head : end]
            pos = end
            opcode = b0 & 0x0F
            if b0 & 0x80 and opcode in (TEXT, BINARY):
                handler(opcode, payload, now)
            else:
                self._special(b0, opcode, payload, now)
        if pos < size:
            self._buffer = data[pos:]

    def _handshake(self, head: bytes) -> None:
        status, *header_lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        accept = base64.b64encode(hashlib.sha1(self._key + _GUID).digest()).decode()
        if " 101 " not in f"{status} " or headers.get("sec-websocket-accept") != accept:
            error = ConnectionError(f"upgrade refused: {status}")
            if not self.opened.done():
                self.opened.set_exception(error)
            assert self.transport is not None
            self.transport.close()
            return
        self._upgraded = True
        if not self.opened.done():
            self.opened.set_result(None)

    def _special(self, b0: int, opcode: int, payload: bytes, now: float) -> None:
        if opcode == PING:
            self._write(frame(payload, PONG))
        elif opcode == CLOSE:
            code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else None
            if not self.closed.done():
                self.closed.set_result(code)
            self._write(frame(payload[:2], CLOSE))
            assert self.transport is not None
            self.transport.close()
        elif opcode in (TEXT, BINARY):  # first fragment
            self._fragment_opcode, self._fragments = opcode, [payload]
        elif opcode == 0:  # continuation
            self._fragments.append(payload)
            if b0 & 0x80:
                whole, self._fragments = b"".join(self._fragments), []
                self.handler(self._fragment_opcode, whole, now)

    # --- sending --------------------------------------------------------------------------------

    def _write(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    def send(self, payload: bytes, opcode: int = BINARY) -> None:
        self._write(frame(payload, opcode))

    def close(self) -> None:
        """Close handshake from our side, then drop the socket without waiting for the echo."""
        self._write(frame((1000).to_bytes(2, "big"), CLOSE))
        if self.transport is not None:
            self.transport.close()

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()


async def connect(
    host: str, port: int, path: str, subprotocol: str | None = None, timeout: float = 20.0
) -> WsClient:
    loop = asyncio.get_running_loop()
    _, client = await asyncio.wait_for(
        loop.create_connection(lambda: WsClient(host, port, path, subprotocol), host, port),
        timeout,
    )
    await asyncio.wait_for(client.opened, timeout)
    return client


# --- the recorder -------------------------------------------------------------------------------


class Recorder:
    """Send times, deliveries and completions of one phase.

    Commands are numbered globally (their wire id); the recorder of a phase knows those from
    ``first`` on. A delivery is keyed by whatever the wire lets a receiver see (``seq`` for
    Métrokawa, the command number for the peers); ``link`` ties a key to its command. A command
    is complete when every one of the ``audience`` clients received it and it is linked (acked).
    """

    def __init__(self, audience: int, first: int) -> None:
        self.audience = audience
        self.first = first
        self.sent = array("d")  # local index -> perf_counter() just before the write
        self.keys = array("q")  # one entry per delivery…
        self.times = array("d")  # …and its arrival time
        self.key_cmd: dict[int, int] = {}
        self.acked: dict[int, float] = {}  # local index -> arrival of its ack (Métrokawa only)
        self.tallies = 0  # coalesced ``tallies`` frames received during the phase
        self.counts: dict[int, int] = {}
        self.errors: Counter[str] = Counter()
        self.completed = 0
        self.outstanding = 0
        self.on_complete: Callable[[], None] | None = None
        self.idle = asyncio.Event()
        self.idle.set()

    def sending(self) -> int:
        """Record a send now; returns the command's global number."""
        self.sent.append(time.perf_counter())
        self.outstanding += 1
        self.idle.clear()
        return self.first + len(self.sent) - 1

    def deliver(self, key: int, now: float) -> None:
        self.keys.append(key)
        self.times.append(now)
        count = self.counts.get(key, 0) + 1
        self.counts[key] = count
        if count == self.audience and key in self.key_cmd:
            self._complete(key)

    def link(self, key: int, command: int, now: float | None = None) -> None:
        """The command (global number) answered with ``key`` (its event's seq); ``now``, the
        arrival of that answer (an ``ack``), when there is one to time."""
        local = command - self.first
        if local < 0 or local >= len(self.sent):
            return  # a previous phase's straggler
        self.key_cmd[key] = local
        if now is not None:
            self.acked[local] = now
        if self.counts.get(key, 0) >= self.audience:
            self._complete(key)

    def refused(self, command: int, code: str) -> None:
        local = command - self.first
        if 0 <= local < len(self.sent):
            self.errors[code] += 1
            self._done()

    def _complete(self, key: int) -> None:
        del self.counts[key]
        self.completed += 1
        self._done()

    def _done(self) -> None:
        self.outstanding -= 1
        if self.outstanding <= 0:
            self.idle.set()
        if self.on_complete is not None:
            self.on_complete()

    def latencies(self) -> tuple[list[float], int]:
        """Every delivery's latency in seconds, sorted, and the deliveries of unknown commands."""
        sent, key_cmd = self.sent, self.key_cmd
        out: list[float] = []
        stray = 0
        for key, at in zip(self.keys, self.times, strict=True):
            local = key_cmd.get(key)
            if local is None:
                stray += 1
            else:
                out.append(at - sent[local])
        out.sort()
        return out, stray

    def ack_latencies(self) -> list[float]:
        """Per acknowledged command, sorted: send → its ``ack`` at the sender, in seconds."""
        sent = self.sent
        return sorted(at - sent[local] for local, at in self.acked.items())

    def per_command(self) -> tuple[list[float], list[float]]:
        """Per command, sorted: the latency of its first delivery (what the server took) and
        the time from its first delivery to its last (the fan-out, as the clients saw it)."""
        first: dict[int, float] = {}
        last: dict[int, float] = {}
        for key, at in zip(self.keys, self.times, strict=True):
            if key not in first or at < first[key]:
                first[key] = at
            if at > last.get(key, float("-inf")):
                last[key] = at
        sent, key_cmd = self.sent, self.key_cmd
        server = sorted(at - sent[key_cmd[k]] for k, at in first.items() if k in key_cmd)
        spread = sorted(last[k] - at for k, at in first.items() if k in key_cmd)
        return server, spread


class _Phase:
    """Where the clients' handlers find the current recorder (None: not measuring)."""

    recorder: Recorder | None = None


# --- drivers ------------------------------------------------------------------------------------


class Driver(Protocol):
    name: str
    phase: _Phase

    async def setup(self, host: str, port: int, clients: int) -> Sequence[Any]: ...

    def send(self, client: Any, recorder: Recorder) -> None: ...

    async def teardown(self) -> None: ...


async def _gather_limited(count: int, limit: int, make: Callable[[int], Any]) -> list[Any]:
    semaphore = asyncio.Semaphore(limit)

    async def one(i: int) -> Any:
        async with semaphore:
            return await make(i)

    return list(await asyncio.gather(*(one(i) for i in range(count))))


# Métrokawa ------------------------------------------------------------------------------------


class _Seq(msgspec.Struct):
    seq: int


class _MkFrame(msgspec.Struct):
    """The fields of a server frame the load generator reads; the rest is skipped undecoded."""

    k: str = ""
    type: str | None = None  # an event's type; a ``tallies`` frame may be told by it too
    seq: int | None = None
    id: str | None = None
    events: list[_Seq] | None = msgspec.field(default=None, name="list")
    token: str | None = None
    you: str | None = None
    code: str | None = None
    state: msgspec.Raw = msgspec.Raw()  # a welcome's snapshot, left undecoded


_mk_typed = msgspec.msgpack.Decoder(_MkFrame).decode
_any_decode = msgspec.msgpack.Decoder().decode


def _mk_decode(payload: bytes) -> _MkFrame:
    """The frame's few fields; a frame whose other fields happen to share a name with one of
    them (a future frame, e.g. ``tallies``) is read loosely instead of failing."""
    try:
        return _mk_typed(payload)
    except msgspec.ValidationError:
        raw = _any_decode(payload)
        text = {f: raw[f] for f in ("k", "type", "id", "code") if isinstance(raw.get(f), str)}
        seq = raw.get("seq")
        return _MkFrame(**text, seq=seq if isinstance(seq, int) else None)


_encode = msgspec.msgpack.encode
_json_encode = msgspec.json.encode


class _MkConn:
    """One Métrokawa socket: setup commands wait on futures, measured ones go to the recorder.

    It keeps what this client's view reflects: every event up to ``upto``, and those in
    ``beyond`` (its own events, received before a ``tallies`` frame covers them). A seq is
    delivered once per client, when it first enters the view: by its event, or by a ``tallies``
    frame whose ``seq`` reaches it (the frame reflects every event up to its ``seq``)."""

    __slots__ = ("beyond", "phase", "positions", "upto", "waiting", "welcome", "ws")

    def __init__(self, ws: WsClient, phase: _Phase) -> None:
        self.ws, self.phase = ws, phase
        self.waiting: dict[str, asyncio.Future[_MkFrame]] = {}
        self.welcome: asyncio.Future[_MkFrame] = asyncio.get_running_loop().create_future()
        self.upto = 0
        self.beyond: set[int] = set()
        self.positions: dict[str, int] = {}  # statement -> the value this client last sent
        ws.set_handler(self.on_message)

    def _event(self, seq: int, now: float, recorder: Recorder | None) -> None:
        if seq <= self.upto or seq in self.beyond:
            return
        if seq == self.upto + 1:  # every event, in order: the usual case before tallies
            self.upto = seq
            while self.beyond and self.upto + 1 in self.beyond:
                self.upto += 1
                self.beyond.discard(self.upto)
        else:
            self.beyond.add(seq)
        if recorder is not None:
            recorder.deliver(seq, now)

    def _tallies(self, seq: int, now: float, recorder: Recorder | None) -> None:
        if recorder is not None:
            recorder.tallies += 1
            beyond = self.beyond
            for covered in range(self.upto + 1, seq + 1):
                if covered not in beyond:
                    recorder.deliver(covered, now)
        if seq > self.upto:
            self.upto = seq
            self.beyond = {s for s in self.beyond if s > seq}

    def on_message(self, opcode: int, payload: bytes, now: float) -> None:
        self.on_frame(_mk_decode(payload), now)

    def on_frame(self, message: _MkFrame, now: float) -> None:
        kind = message.k
        recorder = self.phase.recorder
        if kind == "event":  # the common case first
            if message.seq is not None:
                self._event(message.seq, now, recorder)
        elif kind == "events":
            if message.events is not None:
                for event in message.events:
                    self._event(event.seq, now, recorder)
        elif kind == "tallies" or (not kind and message.type == "tallies"):
            if message.seq is not None:
                self._tallies(message.seq, now, recorder)
        elif kind == "ack" or kind == "error":
            cmd_id = message.id or ""
            waiter = self.waiting.pop(cmd_id, None)
            if waiter is not None:
                waiter.set_result(message)
            elif recorder is not None and cmd_id.isdigit():
                if kind == "ack" and message.seq is not None:
                    recorder.link(message.seq, int(cmd_id), now)
                else:
                    recorder.refused(int(cmd_id), message.code or "?")
        elif kind == "welcome" and not self.welcome.done():
            self.upto = max(self.upto, message.seq or 0)
            self.welcome.set_result(message)

    async def command(
        self, type_: str, data: dict[str, Any], cmd_id: str | None = None
    ) -> _MkFrame:
        cmd_id = cmd_id or uuid.uuid4().hex
        answer: asyncio.Future[_MkFrame] = asyncio.get_running_loop().create_future()
        self.waiting[cmd_id] = answer
        self.ws.send(_encode({"k": "cmd", "id": cmd_id, "type": type_, "data": data}))
        reply = await asyncio.wait_for(answer, 60)
        if reply.k != "ack":
            raise RuntimeError(f"{type_} refused: {reply.code}")
        return reply

    def next_value(self, statement: str, number: int) -> int:
        """A position on ``statement`` other than the one this client last took on it (the next
        one, cyclic; the first from ``number``), remembered: each one changes the tallies."""
        last = self.positions.get(statement)
        value = number % 5 - 2 if last is None else (last + 3) % 5 - 2
        self.positions[statement] = value
        return value


class MetrokawaDriver:
    """``forum``: the session is a forum (the online phase, ``bench_forum_load.py``) instead of an
    evening with a running round: no seating, no round; the ten statements are contributions with
    a theme and a point on the map. Everything else, the measured commands included, is the same.
    ``connection``: the class of each socket (a bench that reads fewer frames subclasses it)."""

    name = "metrokawa"
    connection: type[_MkConn] = _MkConn

    def __init__(self, forum: bool = False) -> None:
        from server.frames import MSGPACK  # the bench runs from the repository's venv

        self.forum = forum
        self.subprotocol = MSGPACK
        self.phase = _Phase()
        self.conns: list[_MkConn] = []
        self.seq = 0

    async def _open(self, host: str, port: int, session: str, **hello: Any) -> _MkConn:
        ws = await connect(host, port, f"/ws/{session}", self.subprotocol)
        conn = self.connection(ws, self.phase)
        ws.send(_encode({"k": "hello", **hello}))
        welcome = await asyncio.wait_for(conn.welcome, 60)
        self.seq = max(self.seq, welcome.seq or 0)
        return conn

    def _seen(self, reply: _MkFrame) -> None:
        self.seq = max(self.seq, reply.seq or 0)

    async def setup(self, host: str, port: int, clients: int) -> Sequence[_MkConn]:
        async with httpx.AsyncClient(base_url=f"http://{host}:{port}", timeout=60) as http:
            body = _forum_body() if self.forum else _session_body()
            created = (await http.post("/api/sessions", json=body)).raise_for_status()
            session = created.json()
            info = (await http.get(f"/api/sessions/{session['id']}")).raise_for_status().json()
        sid, code, facilitator_token = session["id"], session["code"], session["facilitator_token"]
        territories = [t["id"] for t in info["territories"]]
        self.seq = info["seq"]

        # Guests join a few at a time and hang up: each join is broadcast only to the few
        # sockets open at that moment, not to everyone already in (that would be N² deliveries).
        async def join(i: int) -> str:
            guest = await self._open(host, port, sid, code=code, after=self.seq)
            data = {
                "pseudonym": f"banc-{i}",
                "territory": territories[i % len(territories)],
                "role": ("habitant", "elu", "technicien", "autre")[i % 4],
            }
            reply = await guest.command("JoinSession", data)
            self._seen(reply)
            guest.ws.close()
            assert reply.token is not None
            return reply.token

        tokens: list[str] = await _gather_limited(clients, 64, join)

        facilitator = await self._open(host, port, sid, token=facilitator_token, after=self.seq)
        if not self.forum:  # a forum has neither tables nor rounds: people write any time
            self._seen(await facilitator.command("SeatTables", {}))
            self._seen(await facilitator.command("StartRound", {}))
        authors = [
            await self._open(host, port, sid, token=token, after=self.seq)
            for token in tokens[: len(STATEMENTS)]
        ]
        for k, author in enumerate(authors, start=1):
            text = f"Énoncé {k} du banc d'essai : la ligne de bus passe trop rarement le soir."
            self._seen(await author.command("ProposeStatement", _contribution(text, k, self.forum)))
            self._seen(await facilitator.command("PublishStatement", {"statement": f"s{k}"}))
        for conn in (facilitator, *authors):
            conn.ws.close()

        async def participant(i: int) -> _MkConn:
            return await self._open(host, port, sid, token=tokens[i], after=self.seq)

        self.conns = await _gather_limited(clients, 100, participant)
        # Before any measurement, every statement gets WARM_VOTERS positions: the room's tallies
        # show no figure for a group under k (issue 14), so the first k - 1 positions on a
        # statement would change nothing the room sees, and no ``tallies`` frame would come
        # until the k-th; measured, those would time k-anonymity, not the server.
        for conn in self.conns[:WARM_VOTERS]:
            for number, statement in enumerate(STATEMENTS):
                value = (number + len(conn.positions)) % 5 - 2
                self._seen(
                    await conn.command("TakePosition", {"statement": statement, "value": value})
                )
                conn.positions[statement] = value
        return self.conns

    def send(self, client: _MkConn, recorder: Recorder) -> None:
        """A position on the command's statement, always another value than the one this client
        last took on it: every command changes the tallies (the same position taken again would
        leave them, and so the coalesced ``tallies`` frames, as they were)."""
        number = recorder.sending()
        statement = STATEMENTS[number % len(STATEMENTS)]
        data = {"statement": statement, "value": client.next_value(statement, number)}
        frame = {"k": "cmd", "id": str(number), "type": "TakePosition", "data": data}
        client.ws.send(_encode(frame))

    async def teardown(self) -> None:
        for conn in self.conns:
            conn.ws.abort()
        self.conns = []


def _session_body() -> dict[str, Any]:
    return {
        "title": "Banc d'essai : rafale de positions",
        "territories": [
            {"name": "La Goutte d'Or", "commune": "Paris 18e", "qpv": True},
            {"name": "Vincennes centre", "commune": "Vincennes", "qpv": False},
            {"name": "Les Francs-Moisins", "commune": "Saint-Denis", "qpv": True},
            {"name": "Bondy Nord", "commune": "Bondy", "qpv": True},
        ],
        "agenda": [{"kind": "table", "prompt": "Les transports du soir", "duration_ms": 3_600_000}],
        "table_size": 6,
        "host_policy": "rotate",
    }


def _forum_body() -> dict[str, Any]:
    """The same territories as ``_session_body``'s, as a forum: no agenda, two themes."""
    return {
        **_session_body(),
        "title": "Banc d'essai : un forum numérique noté par tous",
        "agenda": [],
        "forum": True,
        "themes": ["Transports", "Logement"],
    }


def _contribution(text: str, k: int, forum: bool) -> dict[str, Any]:
    """A statement of the evening, or a forum's contribution: the same text with a theme and a
    point on the map, so that the public records carry what a real forum's do."""
    if not forum:
        return {"text": text}
    place = {"lat": round(48.88 + k / 1000, 6), "lon": round(2.35 + k / 1000, 6)}
    return {"text": text, "kind": "problem", "theme": "Transports", "place": place}


# The peers ------------------------------------------------------------------------------------


class _Position(msgspec.Struct):
    i: int  # the command's global number; the rest rides along, unread


def _position(number: int) -> dict[str, Any]:
    """What the peers relay: the fields and the size of the event Métrokawa sends for a position
    (its public ``PositionTaken`` envelope), with the command number as the key. Every client
    then reads the same bytes from every server, so the load generator's cost per delivery, which
    adds up along a fan-out and so into the latency, is the same whichever server it measures."""
    actor = f"p{number % 1000 + 1}"
    return {
        "i": number,
        "type": "PositionTaken",
        "v": 1,
        "at": int(time.time() * 1000),
        "actor": actor,
        "cmd": None,
        "data": {
            "participant": actor,
            "statement": STATEMENTS[number % len(STATEMENTS)],
            "value": number % 5 - 2,
            "round": 1,
        },
    }


class _PeerConn:
    __slots__ = ("connected", "phase", "ws")

    def __init__(self, ws: WsClient, phase: _Phase) -> None:
        self.ws, self.phase = ws, phase
        self.connected: asyncio.Future[None] = asyncio.get_running_loop().create_future()


_sio_decode = msgspec.json.Decoder(tuple[str, _Position]).decode
_bare_decode = msgspec.msgpack.Decoder(_Position).decode


class SocketIODriver:
    """engine.io v4 over a WebSocket: ``0{open}`` → we send ``40`` → ``40{sid}``; events are
    ``42["position", {...}]``; the server pings with ``2``, we answer ``3``."""

    name = "socketio"

    def __init__(self) -> None:
        self.phase = _Phase()
        self.conns: list[_PeerConn] = []

    async def setup(self, host: str, port: int, clients: int) -> Sequence[_PeerConn]:
        async def open_one(i: int) -> _PeerConn:
            ws = await connect(host, port, "/socket.io/?EIO=4&transport=websocket")
            conn = _PeerConn(ws, self.phase)

            def on_message(opcode: int, payload: bytes, now: float) -> None:
                if payload.startswith(b"42"):
                    recorder = conn.phase.recorder
                    if recorder is not None:
                        recorder.deliver(_sio_decode(payload[2:])[1].i, now)
                elif payload == b"2":
                    ws.send(b"3", TEXT)
                elif payload.startswith(b"40") and not conn.connected.done():
                    conn.connected.set_result(None)
                elif payload.startswith(b"0"):
                    ws.send(b"40", TEXT)  # connect to the default namespace

            ws.set_handler(on_message)
            await asyncio.wait_for(conn.connected, 60)
            return conn

        self.conns = await _gather_limited(clients, 100, open_one)
        return self.conns

    def send(self, client: _PeerConn, recorder: Recorder) -> None:
        number = recorder.sending()
        recorder.link(number, number)
        client.ws.send(b'42["position",' + _json_encode(_position(number)) + b"]", TEXT)

    async def teardown(self) -> None:
        for conn in self.conns:
            conn.ws.abort()
        self.conns = []


class BareDriver:
    name = "bare"

    def __init__(self) -> None:
        self.phase = _Phase()
        self.conns: list[_PeerConn] = []

    async def setup(self, host: str, port: int, clients: int) -> Sequence[_PeerConn]:
        async def open_one(i: int) -> _PeerConn:
            ws = await connect(host, port, "/ws")
            conn = _PeerConn(ws, self.phase)

            def on_message(opcode: int, payload: bytes, now: float) -> None:
                recorder = conn.phase.recorder
                if recorder is not None:
                    recorder.deliver(_bare_decode(payload).i, now)

            ws.set_handler(on_message)
            return conn

        self.conns = await _gather_limited(clients, 100, open_one)
        return self.conns

    def send(self, client: _PeerConn, recorder: Recorder) -> None:
        number = recorder.sending()
        recorder.link(number, number)
        client.ws.send(_encode(_position(number)))

    async def teardown(self) -> None:
        for conn in self.conns:
            conn.ws.abort()
        self.conns = []


DRIVERS: Final[dict[str, Callable[[], Driver]]] = {
    "metrokawa": MetrokawaDriver,
    "socketio": SocketIODriver,
    "bare": BareDriver,
}

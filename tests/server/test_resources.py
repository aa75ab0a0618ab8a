"""Every resource a client can make the server use is bounded (issue 12), on a real server.

Each test plays the abuse that grew the server without bound before — refused commands kept
for ever, oversized texts, bodies read whole, sessions created by the hundred, frames of 15 MiB,
sockets by the thousand, every session read at start-up, concurrent guesses past the bucket —
and measures what it grows now: database rows and bytes, resident memory, answers given.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx
import pytest

from .live import LiveServer, new_session_body
from .scenario import RawSocket, Room, cmd, eventually, run

# Refusals per socket: the command burst (60), so that no refusal is a too_fast.
PER_SOCKET: Final = 50


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("resources") / "metrokawa.sqlite").start()
    try:
        yield live
    finally:
        live.stop()


def outcomes_kept(server: LiveServer, session_id: str) -> dict[str, tuple[int, int]]:
    """Per sender: how many command outcomes the database keeps, and their ids' characters."""
    with contextlib.closing(sqlite3.connect(server.db_path)) as db:
        rows = db.execute(
            "SELECT actor, count(*), sum(length(cmd)) FROM outcomes WHERE session_id = ? "
            "GROUP BY actor",
            (session_id,),
        ).fetchall()
    return {actor: (count, chars) for actor, count, chars in rows}


async def refusals(room: Room, hello: dict[str, Any], commands: list[dict[str, Any]]) -> list[str]:
    """Send ``commands`` on one socket that said ``hello``; the codes of their answers."""
    raw = await RawSocket.open(room.ws_url)
    await raw.send({"k": "hello", **hello, "after": 0})
    welcome = await raw.receive()
    assert welcome is not None
    assert welcome["k"] == "welcome"
    for command in commands:
        await raw.send(command)
    codes: list[str] = []
    while len(codes) < len(commands):
        frame = await raw.receive()
        assert frame is not None, raw.close_code
        if frame["k"] == "error":
            codes.append(frame["code"])
    await raw.close()
    return codes


def test_refused_commands_of_the_projector_and_of_guests_are_not_kept(server: LiveServer) -> None:
    """Before: every refusal was stored with its id, projector and guest included (1,100
    refusals with 14,800-character ids grew the database by 40 MB)."""
    room = Room.create(server)
    projector = {"code": room.code, "view": "projector"}
    guest = {"code": room.code}
    long_id = "x" * 14_800

    async def scenario() -> None:
        for i in range(4):
            sent = [cmd("StartRound", {}, f"projector-{i}{n:053d}") for n in range(PER_SOCKET)]
            assert set(await refusals(room, projector, sent)) == {"not_allowed"}
            sent = [cmd("SeatTables", {}, f"guest-{i}{n:057d}") for n in range(PER_SOCKET)]
            assert set(await refusals(room, guest, sent)) == {"not_allowed"}
        member = await room.join("Fatou")
        # Twenty: each one is a strike too (the twenty-first would close the socket).
        sent = [cmd("StartRound", {}, long_id + str(n)) for n in range(20)]
        assert set(await refusals(room, {"token": member.token}, sent)) == {"bad_request"}

    run(scenario())
    kept = outcomes_kept(server, room.id)
    # What is kept: the facilitator's CreateSession, the guest's accepted join. Nothing else.
    assert kept == {"facilitator": (1, len("create")), "guest": (1, 32)}


def test_a_participant_s_refusals_are_kept_with_short_ids(server: LiveServer) -> None:
    """A participant can send again after a reconnection: its refusals are kept, each with an
    id of 64 characters at most (about a hundred bytes a row)."""
    room = Room.create(server)

    async def scenario() -> None:
        member = await room.join("Awa")
        sent = [cmd("StartRound", {}, f"{n:064d}") for n in range(PER_SOCKET)]
        assert set(await refusals(room, {"token": member.token}, sent)) == {"not_allowed"}
        # Sent again, same ids: answered from what was kept, nothing more is written.
        assert set(await refusals(room, {"token": member.token}, sent)) == {"not_allowed"}

    run(scenario())
    kept = outcomes_kept(server, room.id)
    participant = next(actor for actor in kept if actor.startswith("p"))
    assert kept[participant] == (PER_SOCKET, 64 * PER_SOCKET)


# --- the largest session there can be  -----------------------------------------------------------


def largest_description(commune: int = 120) -> dict[str, Any]:
    """Every text at its limit, in 4-byte characters: 12 territories, 20 rounds."""
    wide = "😀"
    return {
        "title": wide * 200,
        "territories": [
            {"name": f"{n:02d}" + wide * 78, "commune": wide * commune, "qpv": n % 2 == 0}
            for n in range(12)
        ],
        "agenda": [
            {"kind": "table", "prompt": wide * 500, "duration_ms": 15 * 60_000} for _ in range(20)
        ],
    }


def test_the_largest_session_makes_answers_of_tens_of_kib_not_megabytes(server: LiveServer) -> None:
    """Before: commune had no limit, and 12 territories with a 5 MB commune made every
    /api/codes answer and every welcome 60 MB. Now the largest accepted description (every
    text at its limit, 4-byte characters) gives answers under 64 KiB."""
    with httpx.Client(base_url=server.url, timeout=10) as http:
        over = http.post("/api/sessions", json=largest_description(commune=121))
        assert over.status_code == 400
        assert over.json()["code"] == "text_too_long"
        created = http.post("/api/sessions", json=largest_description())
        assert created.status_code == 201
        code = created.json()["code"]
        face = http.get(f"/api/codes/{code}")
        assert face.status_code == 200
        assert len(face.content) < 64 * 1024

    async def welcome_size() -> int:
        raw = await RawSocket.open(created.json()["links"]["ws"])
        await raw.send({"k": "hello", "code": code, "view": "projector"})
        message = await raw.connection.recv()
        return len(message)

    assert run(welcome_size()) < 64 * 1024


# --- HTTP bodies and session creation ----------------------------------------------------------

MIB: Final = 1024 * 1024


def rss_mib(server: LiveServer) -> float:
    """The server process's resident memory, from the kernel."""
    assert server.process is not None
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    kib = next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))
    return int(kib) / 1024


class _Collector(asyncio.Protocol):
    """Keeps what the server sends, whatever happens to the connection afterwards (a server
    that closes on an unread body may reset it: the bytes already received still count)."""

    def __init__(self) -> None:
        self.received = bytearray()
        self.answered = asyncio.get_running_loop().create_future()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.received.extend(data)
        if b"\r\n" in self.received and not self.answered.done():
            self.answered.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.answered.done():
            self.answered.set_result(None)


async def post_raw(server: LiveServer, head: str, body_bytes: int, chunked: bool) -> str:
    """POST /api/sessions by hand: the head, then up to ``body_bytes`` of body (in chunks of
    64 KiB, chunked or not) while the server has not answered; its status line."""
    loop = asyncio.get_running_loop()
    _, client = await loop.create_connection(_Collector, "127.0.0.1", server.port)
    assert client.transport is not None
    client.transport.write(head.encode())
    chunk = b"x" * (64 * 1024)
    for _ in range(body_bytes // len(chunk)):
        if client.answered.done() or client.transport.is_closing():
            break
        client.transport.write(b"10000\r\n" + chunk + b"\r\n" if chunked else chunk)
        await asyncio.sleep(0)  # let the answer in: this loop only writes
    await asyncio.wait_for(client.answered, 30)
    client.transport.abort()
    return bytes(client.received).split(b"\r\n", 1)[0].decode()


def head(length: int | None) -> str:
    framing = f"Content-Length: {length}" if length is not None else "Transfer-Encoding: chunked"
    return (
        "POST /api/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/json\r\n{framing}\r\n\r\n"
    )


def test_a_body_over_256_kib_gets_413_without_being_read(server: LiveServer) -> None:
    """Before: a 64 MiB body was read whole (RSS +80 MB, never given back). Now 413 comes at
    once, and the connection is closed on the unread rest — which resets it, so that a client
    still sending may lose the answer: the server's access log says what it answered."""
    refused = '"POST /api/sessions HTTP/1.1" 413'
    seen = server.log().count(refused)

    async def scenario() -> None:
        before = rss_mib(server)
        for _ in range(8):  # announced: refused before a byte of it is read
            status = await post_raw(server, head(64 * MIB), 0, chunked=False)
            assert status == "HTTP/1.1 413 Request Entity Too Large"
        for _ in range(8):  # announced, and sent: refused all the same
            await post_raw(server, head(64 * MIB), 64 * MIB, chunked=False)
        for _ in range(8):  # chunked, no length: refused once 256 KiB are in
            await post_raw(server, head(None), 64 * MIB, chunked=True)
        await eventually(lambda: server.log().count(refused) == seen + 24, what="24 refusals")
        grown = rss_mib(server) - before
        assert grown < 16, f"RSS grew by {grown:.1f} MiB"

    run(scenario())


def test_a_body_within_the_limit_is_read_and_answered(server: LiveServer) -> None:
    """256 KiB is far above any real session description: one just under it is decided on."""
    body = json.dumps(new_session_body() | {"title": "é" * 100_000}, ensure_ascii=False)
    assert len(body.encode()) < 256 * 1024
    response = httpx.post(
        f"{server.url}/api/sessions",
        content=body,
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 400
    assert response.json()["code"] == "text_too_long"


@pytest.fixture(scope="module")
def by_default(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server with the default limit on sessions created per address (20, then 1 a minute)."""
    path = tmp_path_factory.mktemp("defaults") / "metrokawa.sqlite"
    limits = {"session_burst": 20, "sessions_per_second": 1 / 60}
    live = LiveServer(path, env={"METROKAWA_LIMITS": json.dumps(limits)}).start()
    try:
        yield live
    finally:
        live.stop()


def test_sessions_created_from_one_address_are_limited(by_default: LiveServer) -> None:
    """Before: 200 sessions were created from one address in 2.8 s."""
    statuses: Counter[int] = Counter()
    with httpx.Client(base_url=by_default.url, timeout=10) as http:
        for _ in range(200):
            response = http.post("/api/sessions", json=new_session_body())
            statuses[response.status_code] += 1
            if response.status_code == 429:
                assert response.json()["code"] == "too_fast"
                assert int(response.headers["retry-after"]) == 60
    assert statuses[201] in (20, 21)  # the burst, and one more if a minute went by
    assert statuses[429] == 200 - statuses[201]
    with contextlib.closing(sqlite3.connect(by_default.db_path)) as db:
        assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == statuses[201]


# --- WebSocket messages and sockets ---------------------------------------------------------------


def test_a_message_over_16_kib_is_refused_by_the_transport_unread(server: LiveServer) -> None:
    """Before: uvicorn's limit was 16 MiB, so 20 sockets sending 15 MiB each took the RSS from
    91 to 389 MB before each message was refused. Now each one is closed with 1009 as soon as
    its frame header says how big it is."""
    room = Room.create(server)
    projector = {"k": "hello", "code": room.code, "view": "projector"}

    async def scenario() -> None:
        before = rss_mib(server)
        sockets = [await RawSocket.open(room.ws_url) for _ in range(20)]
        for raw in sockets:
            await raw.send(projector)
            welcome = await raw.receive()
            assert welcome is not None
            assert welcome["k"] == "welcome"
            # the tallies follow the welcome: read, so that the close is not stuck behind them
            tallies = await raw.receive()
            assert tallies is not None
            assert tallies["k"] == "tallies"
        await asyncio.gather(*(raw.send(b"\x00" * (15 * MIB)) for raw in sockets))
        for raw in sockets:
            await raw.until_closed()
            assert raw.close_code == 1009
        grown = rss_mib(server) - before
        assert grown < 16, f"RSS grew by {grown:.1f} MiB"

    run(scenario())


def connections(server: LiveServer) -> float:
    text = httpx.get(f"{server.url}/metrics", timeout=10).text
    line = next(line for line in text.splitlines() if line.startswith("metrokawa_connections "))
    return float(line.split()[1])


def test_one_address_holds_1024_sockets_at_most(tmp_path: Path) -> None:
    """The default limits: 256 sockets waiting for their hello, 1,024 in all, per address."""
    live = LiveServer(tmp_path / "metrokawa.sqlite").start()
    try:
        room = Room.create(live)
        hello = {"k": "hello", "code": room.code, "view": "projector"}

        async def silent_crowd() -> None:
            sockets = [await RawSocket.open(room.ws_url) for _ in range(256)]
            await eventually(lambda: connections(live) == 256, what="256 sockets held")
            frames = await (await RawSocket.open(room.ws_url)).until_closed()
            assert [f["code"] for f in frames] == ["too_many_connections"]
            await asyncio.gather(*(raw.close() for raw in sockets))

        async def projectors() -> None:
            sockets = []
            for _ in range(1024):
                raw = await RawSocket.open(room.ws_url)
                await raw.send(hello)
                assert (await raw.receive() or {}).get("k") == "welcome"
                sockets.append(raw)
            refused = await RawSocket.open(room.ws_url)
            frames = await refused.until_closed()
            assert [f["code"] for f in frames] == ["too_many_connections"]
            assert refused.close_code == 4429
            await asyncio.gather(*(raw.close() for raw in sockets))

        run(silent_crowd())
        run(eventually(lambda: connections(live) == 0, what="every socket let go"))
        run(projectors())
    finally:
        live.stop()


# --- join codes --------------------------------------------------------------------------------


def test_concurrent_wrong_codes_cannot_pass_the_bucket(tmp_path: Path) -> None:
    """Before: the bucket was spent after the look-up's await, so 120 look-ups at once got 40
    answers where 30 are allowed. Now each one spends first."""
    live = LiveServer(tmp_path / "metrokawa.sqlite").start()
    try:

        async def guesses() -> tuple[Counter[int], float]:
            async with httpx.AsyncClient(base_url=live.url, timeout=30) as http:
                started = time.monotonic()
                answers = await asyncio.gather(
                    *(http.get(f"/api/codes/QQQ{n:03d}") for n in range(120))
                )
                return Counter(a.status_code for a in answers), time.monotonic() - started

        statuses, elapsed = run(guesses())
        refilled = int(elapsed * 0.5)  # one token every 2 s while they were being answered
        assert 30 <= statuses[404] <= 30 + refilled
        assert statuses[429] == 120 - statuses[404]
    finally:
        live.stop()

"""The wire protocol over real sockets, 8: frames meant to hurt, and senders who will not stop.

A frame nested a thousand levels deep, a text frame on the msgpack subprotocol or a binary one on
the JSON subprotocol is a bad frame like any other: an error, a strike, nothing logged. An
over-long command id is refused. The 1008 close comes after every answer the sender is owed. One
address may hold only so many sockets, and so many of them waiting for their hello; pings are
rate-limited like commands.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any, Final

import msgspec
import pytest
import websockets
from websockets.typing import Subprotocol

from server.frames import JSON, MSGPACK

from .live import LiveServer
from .scenario import Lobby, RawSocket, Room, cmd, new_id, next_other, refused, run

pytestmark = pytest.mark.usefixtures("one_minute_round", "silent_socket")  # see conftest

DEPTH: Final = 1_000  # levels of nesting: past msgspec's (and Python's) recursion limit


def nested(depth: int) -> bytes:
    """A ``cmd`` frame whose data holds ``depth`` arrays one in another: under 16 KiB."""
    head = msgspec.msgpack.encode(cmd("TakePosition", {}, new_id()))[:-1]  # data: {} → open
    frame = head + b"\x81" + msgspec.msgpack.encode("statement") + b"\x91" * depth + b"\xc0"
    assert len(frame) < 16 * 1024
    return frame


def server_errors(server: LiveServer) -> list[str]:
    """The lines of the server's log that an operator would have to look at."""
    return [
        line
        for line in server.log().splitlines()
        if line.startswith(("ERROR", "CRITICAL")) or "Traceback" in line
    ]


# --- bad frames: errors and strikes, never a traceback --------------------------------------------


def test_a_frame_nested_a_thousand_levels_deep_is_a_bad_frame(
    server: LiveServer, lobby: Lobby
) -> None:
    async def scenario() -> None:
        client = await lobby.room.participant(lobby.people[5].token, after=None)
        seq = await lobby.room.seq()
        await client.send_raw(nested(DEPTH))
        error = await next_other(client, 0)
        refused(error, "bad_frame")
        assert error["id"] is None
        await client.send_frame({"k": "ping", "t": 1.0})
        assert (await next_other(client, 1))["k"] == "pong"  # the connection stays open
        assert await lobby.room.seq() == seq

    run(scenario())
    assert server_errors(server) == []


@pytest.mark.parametrize(
    ("subprotocol", "wrong"),
    [
        (MSGPACK, json.dumps({"k": "ping", "t": 1})),  # text on the binary subprotocol
        (JSON, msgspec.msgpack.encode({"k": "ping", "t": 1})),  # binary on the text one
        (JSON, json.dumps({"k": "ping", "t": 1}).encode()),  # even when the bytes are JSON
    ],
    ids=["text-on-msgpack", "msgpack-on-json", "json-bytes-on-json"],
)
def test_a_frame_of_the_other_kind_is_a_bad_frame(
    server: LiveServer, lobby: Lobby, subprotocol: str, wrong: bytes | str
) -> None:
    async def scenario() -> None:
        client = await lobby.room.participant(lobby.people[5].token, subprotocol=subprotocol)
        await client.send_raw(wrong)
        refused(await next_other(client, 0), "bad_frame")
        await client.send_frame({"k": "ping", "t": 2.0})
        assert (await next_other(client, 1))["k"] == "pong"

    run(scenario())
    assert server_errors(server) == []


@pytest.mark.parametrize(
    ("subprotocol", "hello"),
    [
        (MSGPACK, "text"),
        (JSON, "binary"),
        (MSGPACK, "nested"),
    ],
)
def test_a_hello_of_the_wrong_kind_or_nested_too_deep_closes_with_4400(
    server: LiveServer, lobby: Lobby, subprotocol: str, hello: str
) -> None:
    room = lobby.room
    greeting = {"k": "hello", "code": room.code, "view": "projector"}
    firsts: dict[str, bytes | str] = {
        "text": json.dumps(greeting),
        "binary": msgspec.msgpack.encode(greeting),
        # a map whose first key holds arrays a thousand deep, its hello after it
        "nested": b"\x84\xa1x" + b"\x91" * DEPTH + b"\xc0" + msgspec.msgpack.encode(greeting)[1:],
    }
    first = firsts[hello]

    async def scenario() -> None:
        async with websockets.connect(
            room.ws_url, subprotocols=[Subprotocol(subprotocol)], max_size=None
        ) as socket:
            await socket.send(first)
            answer = await asyncio.wait_for(socket.recv(), 10)
            frame = (
                msgspec.json.decode(answer)
                if isinstance(answer, str)
                else msgspec.msgpack.decode(answer)
            )
            refused(frame, "hello_first")
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(socket.recv(), 10)
            assert closed.value.rcvd is not None
            assert closed.value.rcvd.code == 4400

    run(scenario())
    assert server_errors(server) == []


def test_twenty_one_text_frames_on_msgpack_close_with_1008(
    server: LiveServer, lobby: Lobby
) -> None:
    """Each one is a strike, as any bad frame is."""

    async def scenario() -> None:
        raw = await RawSocket.open(lobby.room.ws_url)
        await raw.send(
            {"k": "hello", "token": lobby.people[5].token, "after": await lobby.room.seq()}
        )
        assert (await raw.receive() or {}).get("k") == "welcome"
        for _ in range(21):
            await raw.connection.send('{"k": "ping", "t": 1}')
        frames = await raw.until_closed()
        assert [f["code"] for f in frames if f["k"] == "error"] == ["bad_frame"] * 21
        assert raw.close_code == 1008

    run(scenario())
    assert server_errors(server) == []


# --- command ids ----------------------------------------------------------------------------------


def test_a_command_id_over_64_characters_is_a_bad_request(lobby: Lobby) -> None:
    async def scenario() -> None:
        client = await lobby.room.participant(lobby.people[5].token, after=None)
        seq = await lobby.room.seq()
        too_long = "x" * 65
        await client.send_frame(cmd("PublishStatement", {"statement": "s2"}, too_long))
        error = await next_other(client, 0)
        refused(error, "bad_request")
        assert error["id"] is None  # not echoed back: it might weigh 16 KiB
        answer = await client.command("PublishStatement", {"statement": "s2"}, id="y" * 64)
        refused(answer, "not_allowed")  # 64 characters are fine: the engine answers
        assert await lobby.room.seq() == seq

    run(scenario())


# --- the 1008 close comes last --------------------------------------------------------------------


def test_the_policy_close_comes_after_every_answer_owed(server: LiveServer, lobby: Lobby) -> None:
    """40 commands queued on the session and 21 garbage frames, sent without waiting: the 40
    answers and 21 errors all arrive, then 1008 — and the server logs no traceback."""
    room = lobby.room

    async def scenario() -> None:
        for _ in range(3):  # the race was lost most of the time; three times make it sure
            raw = await RawSocket.open(room.ws_url)
            await raw.send(
                {"k": "hello", "token": lobby.people[4].token, "after": await room.seq()}
            )
            assert (await raw.receive() or {}).get("k") == "welcome"
            commands = [cmd("PublishStatement", {"statement": "s2"}) for _ in range(40)]
            burst = [msgspec.msgpack.encode(c) for c in commands] + [b"\xc1"] * 21
            for frame in burst:
                await raw.connection.send(frame)
            frames = await raw.until_closed()
            answers = [f["id"] for f in frames if f["k"] == "error" and f["code"] == "not_allowed"]
            garbage = [f for f in frames if f["k"] == "error" and f["code"] == "bad_frame"]
            assert answers == [c["id"] for c in commands]
            assert len(garbage) == 21
            assert raw.close_code == 1008

    run(scenario())
    assert server_errors(server) == []


# --- sockets per address, pings -------------------------------------------------------------------


@pytest.fixture(scope="module")
def strict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server that lets one address hold 6 sockets, 3 of them before their hello."""
    limits = {"sockets_per_address": 6, "unwelcomed_per_address": 3}
    path = tmp_path_factory.mktemp("strict") / "metrokawa.sqlite"
    live = LiveServer(path, env={"METROKAWA_LIMITS": json.dumps(limits)}).start()
    try:
        yield live
    finally:
        live.stop()


async def refusal(url: str) -> tuple[list[dict[str, Any]], int | None]:
    raw = await RawSocket.open(url)
    frames = await raw.until_closed()
    return frames, raw.close_code


def test_one_address_holds_only_so_many_sockets_waiting_for_their_hello(strict: LiveServer) -> None:
    room = Room.create(strict)

    async def scenario() -> None:
        silent = [await RawSocket.open(room.ws_url) for _ in range(3)]
        frames, code = await refusal(room.ws_url)
        assert code == 4429
        assert [(f["k"], f["code"]) for f in frames] == [("error", "too_many_connections")]
        await silent[0].send({"k": "hello", "code": room.code, "view": "projector"})
        assert (await silent[0].receive() or {}).get("k") == "welcome"
        another = await room.projector()  # one has said hello: there is room for one more
        assert another.welcome["role"] == "projector"

    run(scenario())


def test_one_address_holds_only_so_many_sockets(strict: LiveServer) -> None:
    room = Room.create(strict)

    async def scenario() -> None:
        projectors = [await room.projector() for _ in range(6)]
        frames, code = await refusal(room.ws_url)
        assert code == 4429
        assert frames[0]["code"] == "too_many_connections"
        await projectors[0].close()
        # The server notices the close a moment later: then the place is free again.
        deadline = time.monotonic() + 10
        while True:
            try:
                await room.projector()
                break
            except (ConnectionError, websockets.ConnectionClosed):
                assert time.monotonic() < deadline, "a closed socket's place was not given back"

    run(scenario())


def test_pings_beyond_their_rate_are_too_fast_and_count_as_strikes(lobby: Lobby) -> None:
    async def scenario() -> None:
        raw = await RawSocket.open(lobby.room.ws_url)
        await raw.send({"k": "hello", "code": lobby.room.code, "view": "projector"})
        assert (await raw.receive() or {}).get("k") == "welcome"
        for n in range(40):
            await raw.send({"k": "ping", "t": n})
        frames = await raw.until_closed()
        pongs = [f for f in frames if f["k"] == "pong"]
        refusals = [f["code"] for f in frames if f["k"] == "error"]
        assert 10 <= len(pongs) <= 12  # the burst, and what the rate refilled meanwhile
        assert refusals == ["too_fast"] * 21
        assert raw.close_code == 1008

    run(scenario())

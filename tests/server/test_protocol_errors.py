"""The wire protocol over real sockets, 4: bad input, the handshake, and the answers' order.

Every malformed or refused frame gets its error code and changes nothing; too many refusals, or
a first frame that is not a good hello, close the socket with their code; tokens open only
their own session; acks follow their events in the order sent, and a ping gets a pong.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import msgspec
import pytest
import websockets

from server.frames import JSON

from .live import LiveServer
from .scenario import (
    Lobby,
    RawSocket,
    TimedRound,
    acked,
    cmd,
    eventually,
    new_id,
    next_other,
    refused,
    run,
    seqs_of,
)

pytestmark = pytest.mark.usefixtures("one_minute_round", "silent_socket")  # see conftest


ID: Final = "a1b2c3d4e5f6a7b8c9d0"
POSITION: Final = {"statement": "s1", "value": 1}


@dataclass(frozen=True)
class Bad:
    frame: Callable[[str], bytes]  # the frame, given a fresh command id
    code: str
    echoes_id: bool  # the frame could be read far enough to name its command


def packed(frame: Any) -> bytes:
    return msgspec.msgpack.encode(frame)


def sent(frame: Any) -> Callable[[str], bytes]:
    """A frame sent as it is: the server cannot read it far enough to find a command id."""
    return lambda _: packed(frame)


def sent_as(type_: str, data: dict[str, Any]) -> Callable[[str], bytes]:
    return lambda id_: packed(cmd(type_, data, id_))


BAD_FRAMES: Final = {
    "not msgpack": Bad(lambda _: b"\xc1\xc1 ceci n'est pas du msgpack", "bad_frame", False),
    "a msgpack array": Bad(sent(["cmd", ID, "TakePosition"]), "bad_frame", False),
    "a map without kind": Bad(sent({"id": ID, "type": "TakePosition"}), "bad_frame", False),
    "an unknown kind": Bad(sent({"k": "shout", "id": ID}), "bad_frame", False),
    "a cmd without id": Bad(
        sent({"k": "cmd", "type": "TakePosition", "data": POSITION}), "bad_frame", False
    ),
    "a cmd whose data is a list": Bad(
        sent({"k": "cmd", "id": ID, "type": "TakePosition", "data": [1]}), "bad_frame", False
    ),
    "a cmd with an unknown field": Bad(
        sent({**cmd("TakePosition", POSITION, ID), "as": "p1"}), "bad_frame", False
    ),
    "a second hello": Bad(sent({"k": "hello", "code": "AAAAAA"}), "bad_frame", False),
    "an unknown command type": Bad(sent_as("DropAllTables", {}), "bad_request", True),
    "fields of the wrong type": Bad(
        sent_as("TakePosition", {"statement": 12, "value": "beaucoup"}), "bad_request", True
    ),
    "a missing field": Bad(sent_as("TakePosition", {"statement": "s1"}), "bad_request", True),
    "a field naming someone else": Bad(
        sent_as("CastBallot", {"vote": "v1", "grades": {"pr1": 3}, "participant": "p1"}),
        "bad_request",
        True,
    ),
    "a value out of range": Bad(
        sent_as("TakePosition", {"statement": "s1", "value": 9}), "bad_request", True
    ),
    "a facilitator's command": Bad(
        sent_as("PublishStatement", {"statement": "s2"}), "not_allowed", True
    ),
}


@pytest.mark.parametrize("case", list(BAD_FRAMES))
def test_bad_input_gets_its_error_and_changes_nothing(lobby: Lobby, case: str) -> None:
    bad, room = BAD_FRAMES[case], lobby.room
    assert (lobby.published, lobby.pending, lobby.vote) == ("s1", "s2", "v1")

    async def scenario() -> None:
        client = await room.participant(lobby.people[5].token, after=None)
        seq = await room.seq()
        command_id = new_id()
        await client.send_raw(bad.frame(command_id))
        error = await next_other(client, 0)
        refused(error, bad.code)
        assert error["id"] == (command_id if bad.echoes_id else None)
        assert await room.seq() == seq
        await client.send_frame({"k": "ping", "t": 2.0})
        assert (await next_other(client, 1))["k"] == "pong"  # the connection stays open

    run(scenario())


def test_bad_json_on_the_json_subprotocol_gets_bad_frame(lobby: Lobby) -> None:
    room = lobby.room

    async def scenario() -> None:
        client = await room.participant(lobby.people[5].token, after=None, subprotocol=JSON)
        seq = await room.seq()
        await client.send_raw('{"k": "cmd", "id": ')
        refused(await next_other(client, 0), "bad_frame")
        answer = await client.command("PublishStatement", {"statement": "s2"})
        refused(answer, "not_allowed")
        assert await room.seq() == seq

    run(scenario())


def test_a_frame_over_16_kib_closes_with_1009(lobby: Lobby) -> None:
    """The transport refuses it before the server reads it (uvicorn's ``ws_max_size``)."""
    room = lobby.room
    note = packed(cmd("ProposeStatement", {"text": "x" * 17_000}))

    async def scenario() -> None:
        client = await room.participant(lobby.people[5].token, after=None)
        seq = await room.seq()
        await client.send_raw(note)
        assert client.closed is not None
        assert await asyncio.wait_for(client.closed, 10) == 1009
        assert await room.seq() == seq

    run(scenario())


def test_a_json_frame_over_16_kib_closes_with_1009_however_few_its_characters(
    lobby: Lobby,
) -> None:
    """16 KiB is bytes on the wire: 4,500 emoji are 18 KB of JSON in under 4,600 characters."""
    room = lobby.room
    note = cmd("Annotate", {"statement": "s1", "text": "😀" * 4500})
    text = msgspec.json.encode(note).decode()
    assert len(text.encode()) > 16 * 1024 > len(text)

    async def scenario() -> None:
        client = await room.participant(lobby.people[5].token, after=None, subprotocol=JSON)
        await client.send_raw(text)
        assert client.closed is not None
        assert await asyncio.wait_for(client.closed, 10) == 1009

    run(scenario())


def test_a_burst_beyond_the_limit_gets_too_fast_and_changes_nothing(lobby: Lobby) -> None:
    room = lobby.room

    async def scenario() -> None:
        client = await room.participant(lobby.people[5].token, after=None)
        seq = await room.seq()
        burst = [client.send("PublishStatement", {"statement": "s2"}) for _ in range(75)]
        codes = Counter(answer["code"] for answer in await asyncio.gather(*burst))
        assert set(codes) == {"not_allowed", "too_fast"}
        assert codes["not_allowed"] >= 60  # the burst allowance
        assert await room.seq() == seq
        await client.send_frame({"k": "ping", "t": 3.0})
        await eventually(lambda: any(f["k"] == "pong" for f in client.others), what="a pong")

    run(scenario())


def test_twenty_refused_frames_are_tolerated_and_the_twenty_first_closes_with_1008(
    lobby: Lobby,
) -> None:
    room = lobby.room

    async def scenario() -> None:
        client = await room.participant(lobby.people[5].token, after=None)
        seq = await room.seq()
        for _ in range(20):
            await client.send_raw(b"\xc1")
        await client.send_frame({"k": "ping", "t": 4.0})
        await eventually(lambda: len(client.others) == 21, what="twenty errors and a pong")
        assert [f["code"] for f in client.others[:20]] == ["bad_frame"] * 20
        assert client.others[20]["k"] == "pong"
        await client.send_raw(b"\xc1")
        assert client.closed is not None
        assert await asyncio.wait_for(client.closed, 10) == 1008
        assert await room.seq() == seq

    run(scenario())


async def handshake(url: str, hello: dict[str, Any] | bytes) -> RawSocket:
    """Open a socket, send ``hello`` (or anything else), read until the server closes."""
    raw = await RawSocket.open(url)
    await raw.send(hello)
    await raw.until_closed()
    return raw


def test_a_first_frame_that_is_not_hello_closes_with_4400(lobby: Lobby) -> None:
    room = lobby.room

    async def scenario() -> None:
        for first in (
            packed(cmd("TakePosition", POSITION)),
            b"\xc1",
            packed({"k": "ping", "t": 1}),
        ):
            raw = await handshake(room.ws_url, first)
            assert raw.close_code == 4400
            assert [(f["k"], f["code"]) for f in raw.frames] == [("error", "hello_first")]

    run(scenario())


@pytest.mark.parametrize(
    ("hello", "code"),
    [
        ({"token": "pas-un-jeton"}, "bad_token"),
        ({"code": "ZZZZZZ"}, "bad_code"),
        ({}, "bad_code"),
    ],
)
def test_a_bad_token_or_code_closes_with_4401(
    lobby: Lobby, hello: dict[str, Any], code: str
) -> None:
    async def scenario() -> None:
        raw = await handshake(lobby.room.ws_url, {"k": "hello", **hello})
        assert raw.close_code == 4401
        assert [(f["k"], f["code"]) for f in raw.frames] == [("error", code)]

    run(scenario())


def test_an_unknown_session_closes_with_4404(server: LiveServer) -> None:
    url = f"{server.url.replace('http', 'ws', 1)}/ws/0000000000000000"

    async def scenario() -> None:
        raw = await handshake(url, {"k": "hello", "code": "AAAAAA"})
        assert raw.close_code == 4404

    run(scenario())


def test_a_socket_offering_no_known_subprotocol_is_refused(lobby: Lobby) -> None:
    async def scenario() -> None:
        with pytest.raises(websockets.InvalidStatus) as refusal:
            await RawSocket.open(lobby.room.ws_url, subprotocols=("metrokawa.v0.msgpack",))
        assert refusal.value.response.status_code == 403

    run(scenario())


def test_a_guest_command_id_shorter_than_sixteen_characters_gets_weak_id(lobby: Lobby) -> None:
    room = lobby.room
    data = {"pseudonym": "Brève", "territory": "t3", "role": "autre"}

    async def scenario() -> None:
        guest = await room.guest(after=None)
        seq = await room.seq()
        refused(await guest.command("JoinSession", data, id="j-123456789"), "weak_id")
        assert await room.seq() == seq
        assert guest.welcome["role"] == "guest"
        acked(await guest.command("JoinSession", data, id="j-1234567890abcdef"))

    run(scenario())


def test_tokens_open_only_their_own_session(lobby: Lobby, one_minute_round: TimedRound) -> None:
    elsewhere = one_minute_round.room

    async def scenario() -> None:
        for hello in (
            {"token": lobby.room.token},
            {"token": lobby.people[0].token},
            {"code": lobby.room.code},
        ):
            raw = await handshake(elsewhere.ws_url, {"k": "hello", **hello})
            assert raw.close_code == 4401, hello

    run(scenario())


def test_an_ack_comes_after_its_events_and_answers_in_the_order_sent(lobby: Lobby) -> None:
    room = lobby.room

    async def scenario() -> None:
        raw = await RawSocket.open(room.ws_url)
        await raw.send({"k": "hello", "token": lobby.people[2].token, "after": await room.seq()})
        assert (await raw.receive() or {}).get("k") == "welcome"
        sent = []
        for n in range(12):
            refusal = n % 3 == 2  # every third one is refused
            data = {"statement": "s2" if refusal else "s1", "value": n % 5 - 2}
            command = cmd("TakePosition", data)
            sent.append(command["id"])
            await raw.send(command)
        seen: set[int] = set()
        answered: list[str] = []
        while len(answered) < len(sent):
            frame = await raw.receive()
            assert frame is not None
            seen.update(seqs_of([frame]))
            if frame["k"] == "ack":
                assert frame["seq"] in seen, "an ack before its event"
            if frame["k"] in ("ack", "error"):
                answered.append(frame["id"])
        assert answered == sent

    run(scenario())


def test_a_ping_gets_a_pong_with_the_server_clock(lobby: Lobby) -> None:
    async def scenario() -> None:
        client = await lobby.room.projector(after=None)
        sent = time.time() * 1000
        await client.send_frame({"k": "ping", "t": 12.5})
        pong = await next_other(client, 0)
        assert pong["t"] == 12.5
        assert sent - 5000 < pong["server"] < time.time() * 1000 + 5000

    run(scenario())

"""A seeded, bounded fuzz of the wire protocol against one real server (issue 12, "done when").

More than 20,000 malformed frames over about a thousand connections, in every role (facilitator,
participant, guest, projector, and sockets that never say a good hello) and on both
subprotocols, drawn from every class of bad input the protocol documents: garbage, the other
kind of frame, frames nested a thousand deep, wrong shapes, unknown kinds and command types,
wrong field types, over-long ids, weak guest ids, oversized texts, commands the role may not
send, ping floods, messages over 16 KiB, bad hellos, tokens and codes.

Every frame must be answered with its documented code (or its documented close), the session's
log must not change by one event, ``/healthz`` must answer all along, the server log must hold no
warning, error or traceback, and the server's resident memory must grow by less than
``RSS_BOUND_MIB``.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import httpx
import msgspec
import pytest
import websockets
from websockets.typing import Subprotocol

from server.frames import JSON, MSGPACK

from .live import LiveServer
from .scenario import Room, acked, run
from .test_protocol_abuse import server_errors
from .test_resources import rss_mib

SEED: Final = 20_261_202
FRAMES_AT_LEAST: Final = 20_000
RSS_BOUND_MIB: Final = 64  # a thousand connections come and go; outcomes are kept in SQLite
CONCURRENT: Final = 16  # connections at once
STRIKES: Final = 20  # refused frames tolerated in 10 s; the 21st closes with 1008
DEPTH: Final = 1_200


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("fuzz") / "metrokawa.sqlite").start()
    try:
        yield live
    finally:
        live.stop()


@dataclass(frozen=True)
class Arena:
    room: Room
    participant: str  # a participant's token
    statement: str  # published


def open_arena(server: LiveServer) -> Arena:
    """A session in the middle of a four-hour round, one statement published."""
    room = Room.create(server, rounds=1, minutes=240, table_size=2)

    async def prepare() -> Arena:
        facilitator = await room.facilitator()
        members = await room.join_many(2)
        acked(await facilitator.command("SeatTables"))
        acked(await facilitator.command("StartRound"))
        text = {"text": "Le square ferme trop tôt."}
        proposed = await members[0].client.command("ProposeStatement", text)
        acked(proposed)
        acked(await facilitator.command("PublishStatement", {"statement": "s1"}))
        return Arena(room, members[0].token, "s1")

    return run(prepare())


# --- frames and what each one must get ------------------------------------------------------------


@dataclass
class Plan:
    """One connection: how it says hello, what it sends, and everything it must get back."""

    role: str  # facilitator, participant, guest, projector, or "hello" (a bad first frame)
    subprotocol: str
    hello: Any  # the first frame (a map, or raw bytes / text)
    frames: list[bytes | str] = field(default_factory=list)
    expected: Counter[str] = field(default_factory=Counter)  # error codes, and "pong"
    ids: dict[str, str] = field(default_factory=dict)  # command id → its expected code
    close: int | None = None  # the close code it must get; None: it stays open
    pongs_at_least: int = 0  # a ping flood: the refill makes the exact count vary


def encode(frame: Any, subprotocol: str) -> bytes | str:
    if subprotocol == MSGPACK:
        return msgspec.msgpack.encode(frame)
    return json.dumps(frame, ensure_ascii=False)


def nested(subprotocol: str, command_id: str) -> bytes | str:
    """A ``cmd`` whose data holds arrays ``DEPTH`` deep: well under 16 KiB."""
    if subprotocol == MSGPACK:
        head = msgspec.msgpack.encode({"k": "cmd", "id": command_id, "type": "TakePosition"})
        return b"\x84" + head[1:] + b"\xa4data\x81\xa1x" + b"\x91" * DEPTH + b"\xc0"
    inner = "[" * DEPTH + "]" * DEPTH
    return f'{{"k":"cmd","id":"{command_id}","type":"TakePosition","data":{{"x":{inner}}}}}'


def other_kind(subprotocol: str) -> bytes | str:
    ping = {"k": "ping", "t": 1}
    return json.dumps(ping) if subprotocol == MSGPACK else msgspec.msgpack.encode(ping)


def garbage(rng: random.Random, subprotocol: str) -> bytes | str:
    if subprotocol == MSGPACK:
        return b"\xc1" + rng.randbytes(rng.randrange(0, 64))
    return '{"k": "cmd", "id": ' + "".join(rng.choices("{[:,\"'", k=rng.randrange(1, 32)))


# Frames the transport refuses (a strike each): (name, code, echoes the command id, make).
Strike = tuple[str, str, bool, Callable[[random.Random, str, str], Any]]


def _cmd(command_id: str, type_: str, data: Any = None, **more: Any) -> dict[str, Any]:
    frame = {"k": "cmd", "id": command_id, "type": type_, **more}
    return frame if data is None else frame | {"data": data}


STRIKE_FRAMES: Final[list[Strike]] = [
    ("garbage", "bad_frame", False, lambda rng, sp, i: garbage(rng, sp)),
    ("other kind", "bad_frame", False, lambda rng, sp, i: other_kind(sp)),
    ("nested", "bad_frame", False, lambda rng, sp, i: nested(sp, i)),
    ("unknown k", "bad_frame", False, lambda rng, sp, i: {"k": "shout", "id": i}),
    ("an array", "bad_frame", False, lambda rng, sp, i: ["cmd", i, "TakePosition"]),
    ("no id", "bad_frame", False, lambda rng, sp, i: {"k": "cmd", "type": "StartRound"}),
    ("data a list", "bad_frame", False, lambda rng, sp, i: _cmd(i, "StartRound", [1])),
    ("unknown field", "bad_frame", False, lambda rng, sp, i: _cmd(i, "StartRound", {}, a=1)),
    ("second hello", "bad_frame", False, lambda rng, sp, i: {"k": "hello", "code": "AAAAAA"}),
    ("unknown type", "bad_request", True, lambda rng, sp, i: _cmd(i, "DropAllTables", {})),
    (
        "wrong types",
        "bad_request",
        True,
        lambda rng, sp, i: _cmd(i, "TakePosition", {"value": "x"}),
    ),
    ("missing field", "bad_request", True, lambda rng, sp, i: _cmd(i, "RaiseObjection", {})),
    ("id too long", "bad_request", False, lambda rng, sp, i: _cmd(i * 5, "StartRound", {})),
]
WEAK_ID: Final[Strike] = (
    "weak guest id",
    "weak_id",
    True,
    lambda rng, sp, i: {"k": "cmd", "id": i[:8], "type": "JoinSession", "data": {}},
)

LONG: Final = "é" * 5_000  # over every text limit, under 16 KiB once encoded
# Commands the session refuses (no strike), per role: (type, data, code).
REFUSED: Final[dict[str, list[tuple[str, dict[str, Any], str]]]] = {
    "projector": [
        ("StartRound", {}, "not_allowed"),
        ("ProposeStatement", {"text": "Bonjour"}, "not_allowed"),
        ("CloseSession", {}, "not_allowed"),
    ],
    "guest": [
        ("TakePosition", {"statement": "s1", "value": 1}, "not_allowed"),
        ("JoinSession", {"pseudonym": LONG, "territory": "t1", "role": "elu"}, "text_too_long"),
        ("JoinSession", {"pseudonym": "Zo", "territory": "t9", "role": "elu"}, "unknown_territory"),
        ("JoinSession", {"pseudonym": "   ", "territory": "t1", "role": "elu"}, "bad_request"),
    ],
    "participant": [
        ("StartRound", {}, "not_allowed"),
        ("ProposeStatement", {"text": LONG}, "text_too_long"),
        ("TakePosition", {"statement": "s999", "value": 1}, "unknown_statement"),
        ("TakePosition", {"statement": "s1", "value": 9}, "bad_request"),
        ("Annotate", {"text": "x", "statement": "s1", "table": 1}, "bad_request"),
        ("CastBallot", {"vote": "v9", "grades": {"pr1": 3}}, "unknown_vote"),
        ("Annotate", {"text": "x", "statement": "s1", "tags": [LONG[:41]]}, "text_too_long"),
    ],
    "facilitator": [
        ("PublishStatement", {"statement": "s999"}, "unknown_statement"),
        ("PromoteProposal", {"statement": "s1", "text": LONG}, "text_too_long"),
        ("ExtendRound", {"minutes": 0}, "bad_request"),
        ("MergeStatements", {"statement": "s1", "into": "s1"}, "bad_request"),
        ("OpenVote", {"proposals": []}, "bad_request"),
        ("StartRound", {}, "round_running"),
        ("SeatTables", {}, "round_running"),  # the phase is checked before the tables
        ("JoinSession", {"pseudonym": "A", "territory": "t1", "role": "elu"}, "not_allowed"),
    ],
}  # fmt: skip


def command_id(rng: random.Random) -> str:
    return rng.randbytes(12).hex()  # 24 characters: strong enough for a guest


def conversation(rng: random.Random, arena: Arena, role: str, subprotocol: str) -> Plan:
    """A connection in ``role``: refused commands, then strikes up to the 1008 close."""
    hello = {
        "facilitator": {"k": "hello", "token": arena.room.token},
        "participant": {"k": "hello", "token": arena.participant},
        "guest": {"k": "hello", "code": arena.room.code},
        "projector": {"k": "hello", "code": arena.room.code.lower(), "view": "projector"},
    }[role]
    plan = Plan(role, subprotocol, hello | {"after": 10**6}, close=1008)
    for _ in range(rng.randrange(0, 30)):  # under the command burst (60): no too_fast
        type_, data, code = rng.choice(REFUSED[role])
        cid = command_id(rng)
        plan.frames.append(
            encode({"k": "cmd", "id": cid, "type": type_, "data": data}, subprotocol)
        )
        plan.ids[cid] = code
        plan.expected[code] += 1
    strikes = STRIKE_FRAMES + ([WEAK_ID] if role == "guest" else [])
    for _ in range(STRIKES + 1):
        _name, code, echoed, make = rng.choice(strikes)
        cid = command_id(rng)
        frame = make(rng, subprotocol, cid)
        plan.frames.append(frame if isinstance(frame, (bytes, str)) else encode(frame, subprotocol))
        plan.expected[code] += 1
        if echoed:
            plan.ids[cid if code != "weak_id" else cid[:8]] = code
    return plan


def ping_flood(arena: Arena, subprotocol: str) -> Plan:
    """30 pings at once: the burst (10) gets pongs, the rest too_fast (20 strikes: no close)."""
    hello = {"k": "hello", "code": arena.room.code, "view": "projector"}
    plan = Plan("projector", subprotocol, hello, pongs_at_least=10)
    plan.frames = [encode({"k": "ping", "t": n}, subprotocol) for n in range(30)]
    return plan


def oversized(arena: Arena, subprotocol: str) -> Plan:
    hello = {"k": "hello", "token": arena.participant, "after": 10**6}
    plan = Plan("participant", subprotocol, hello, close=1009)
    text = {"k": "cmd", "id": "x" * 24, "type": "ProposeStatement", "data": {"text": "x" * 17_000}}
    plan.frames = [encode(text, subprotocol)]
    return plan


def bad_hello(rng: random.Random, arena: Arena, subprotocol: str) -> Plan:
    """A first frame that is not a good hello: hello_first 4400, bad_token or bad_code 4401."""
    cases: list[tuple[Any, str, int]] = [
        (garbage(rng, subprotocol), "hello_first", 4400),
        (other_kind(subprotocol), "hello_first", 4400),
        (nested(subprotocol, command_id(rng)), "hello_first", 4400),
        (
            {"k": "cmd", "id": command_id(rng), "type": "StartRound", "data": {}},
            "hello_first",
            4400,
        ),
        ({"k": "ping", "t": 1}, "hello_first", 4400),
        ({"k": "hello", "token": command_id(rng)}, "bad_token", 4401),
    ]
    first, code, close = rng.choice(cases)
    plan = Plan("hello", subprotocol, first, close=close)
    plan.expected[code] += 1
    return plan


def plans(rng: random.Random, arena: Arena) -> list[Plan]:
    made: list[Plan] = []
    for n in range(1_100):
        subprotocol = MSGPACK if n % 2 else JSON
        kind = rng.random()
        if kind < 0.80:
            role = rng.choice(["facilitator", "participant", "guest", "projector"])
            made.append(conversation(rng, arena, role, subprotocol))
        elif kind < 0.86:
            made.append(ping_flood(arena, subprotocol))
        elif kind < 0.90:
            made.append(oversized(arena, subprotocol))
        else:
            made.append(bad_hello(rng, arena, subprotocol))
    return made


# --- playing a plan ------------------------------------------------------------------------------


@dataclass
class Heard:
    codes: Counter[str] = field(default_factory=Counter)
    ids: dict[str, str] = field(default_factory=dict)
    close: int | None = None
    welcome: bool = False


def decoded(message: bytes | str) -> dict[str, Any]:
    frame: dict[str, Any] = (
        json.loads(message) if isinstance(message, str) else msgspec.msgpack.decode(message)
    )
    return frame


async def play(url: str, plan: Plan) -> Heard:
    heard = Heard()
    async with websockets.connect(
        url,
        subprotocols=[Subprotocol(plan.subprotocol)],
        max_size=None,
        compression=None,
        open_timeout=20,
        ping_interval=None,
    ) as socket:
        first = plan.hello
        raw = first if isinstance(first, (bytes, str)) else encode(first, plan.subprotocol)
        await socket.send(raw)
        if plan.role != "hello":
            welcome = decoded(await asyncio.wait_for(socket.recv(), 20))
            heard.welcome = welcome.get("k") == "welcome"
        for frame in plan.frames:
            try:
                await socket.send(frame)
            except websockets.ConnectionClosed:
                break
        wanted = max(sum(plan.expected.values()), len(plan.frames))
        try:
            while plan.close is not None or sum(heard.codes.values()) < wanted:
                message = decoded(await asyncio.wait_for(socket.recv(), 20))
                if message.get("k") == "pong":
                    heard.codes["pong"] += 1
                elif message.get("k") == "error":
                    heard.codes[message["code"]] += 1
                    if message.get("id") is not None:
                        heard.ids[message["id"]] = message["code"]
        except websockets.ConnectionClosed as closed:
            heard.close = closed.rcvd.code if closed.rcvd is not None else None
    return heard


def check(plan: Plan, heard: Heard) -> None:
    if plan.role != "hello":
        assert heard.welcome, plan.role
    assert heard.close == plan.close, (plan.role, heard)
    if plan.pongs_at_least:
        assert heard.codes["pong"] >= plan.pongs_at_least
        assert heard.codes["pong"] + heard.codes["too_fast"] == len(plan.frames)
        return
    assert heard.codes == plan.expected, (plan.role, plan.subprotocol)
    assert heard.ids == plan.ids


def healthy(server: LiveServer) -> bool:
    status: str = httpx.get(f"{server.url}/healthz", timeout=5).json()["status"]
    return status == "ok"


def test_twenty_thousand_malformed_frames_change_nothing_and_log_nothing(
    server: LiveServer,
) -> None:
    arena = open_arena(server)
    log_before = server.stored_log(arena.room.id)
    rng = random.Random(SEED)
    made = plans(rng, arena)
    frames = sum(len(p.frames) + (p.role == "hello") for p in made)
    assert frames >= FRAMES_AT_LEAST
    rss_before = rss_mib(server)
    started = time.monotonic()

    async def fuzz() -> None:
        gate = asyncio.Semaphore(CONCURRENT)

        async def one(plan: Plan) -> None:
            async with gate:
                check(plan, await play(arena.room.ws_url, plan))

        for start in range(0, len(made), 100):
            await asyncio.gather(*(one(p) for p in made[start : start + 100]))
            assert await asyncio.to_thread(healthy, server)  # all along, between waves

    asyncio.run(fuzz())
    elapsed = time.monotonic() - started
    grown = rss_mib(server) - rss_before
    print(
        f"\n{frames:,} malformed frames on {len(made):,} connections in {elapsed:.1f} s; "
        f"RSS {rss_before:.0f} → {rss_before + grown:.0f} MiB"
    )
    assert server.stored_log(arena.room.id) == log_before
    assert healthy(server)
    problems = [
        line
        for line in server.log().splitlines()
        if line.startswith("WARNING") or line in server_errors(server)
    ]
    assert problems == []
    assert grown < RSS_BOUND_MIB, f"RSS grew by {grown:.1f} MiB"


_ = Path  # the arena's server keeps its files in pytest's temporary directory

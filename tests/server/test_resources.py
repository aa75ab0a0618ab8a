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
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest

from .live import LiveServer
from .scenario import RawSocket, Room, cmd, run

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


def sqlite_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def limits_env(**limits: Any) -> dict[str, str]:
    return {"METROKAWA_LIMITS": json.dumps(limits)}


_ = asyncio  # the scenarios run in their own loops (``run``)

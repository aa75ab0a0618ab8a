"""The wire protocol over real sockets: a participant's personal key across the programme
(``JoinSession.person``) reaches the facilitators and the server's own log, and nobody else.

A guest joins a seated session with the key their device keeps, and is seated at once at a
table. The facilitator's console receives the join with the key; the joiner's own socket, their
table mates (the join and the table's roster), a fresh snapshot and the ``.mkawa`` export do
not. A malformed key is refused (``bad_request``) and changes nothing.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Final

import pytest

from server.client import ProtocolClient

from .live import LiveServer
from .scenario import Room, acked, event_of, eventually, refused, run

pytestmark = pytest.mark.usefixtures("one_minute_round", "silent_socket")  # see conftest

KEY: Final = "Zk3_q-9XwB2mYtR0aLpC7g"  # 16 random bytes in base64url, as a device makes it


def test_the_key_reaches_the_consoles_and_the_stored_log_only(server: LiveServer) -> None:
    room = Room.create(server, table_size=3)

    async def scenario() -> None:
        facilitator = await room.facilitator()
        members = await room.join_many(4)
        acked(await facilitator.command("SeatTables"))
        guest = await room.guest()
        join = {"pseudonym": "Awa", "territory": "t1", "role": "habitant", "person": KEY}
        answer = await guest.command("JoinSession", join)
        seq = acked(answer)

        you = answer["you"]
        shown = await _join_of(facilitator, seq, you)
        assert shown["data"]["person"] == KEY
        own = await _join_of(guest, seq, you)
        assert "person" not in own["data"]
        seated = await event_of(facilitator, seq)  # the late arrival is seated by the same join
        assert seated["type"] == "ParticipantSeated"
        mates = [m for m in members if m.id in _members(facilitator, seated["data"]["table"])]
        assert mates, "the late arrival sits with someone"
        for mate in mates:
            theirs = await _join_of(mate.client, seq, you)
            assert "person" not in theirs["data"]
            await eventually(partial(_roster_has, mate.client, you), what="their table's roster")
            assert all(KEY not in repr(frame) for frame in mate.client.tables)

        again = await room.participant(answer["token"], after=None)  # a fresh snapshot
        assert KEY not in repr(again.welcome)
        assert "person" not in again.welcome["state"]["participants"][you]
        console = await room.facilitator(after=None)
        assert console.welcome["state"]["participants"][you]["person"] == KEY

    run(scenario())
    stored = [e.event for e in room.stored()]
    assert any(getattr(event, "person", None) == KEY for event in stored)
    assert KEY.encode() not in room.log()


def test_a_malformed_key_is_refused_and_changes_nothing(server: LiveServer) -> None:
    room = Room.create(server)

    async def scenario() -> None:
        guest = await room.guest()
        seq = await room.seq()
        for key in ("court", "Zk3+q/9XwB2mYtR0aLpC7g", "A" * 21):
            join = {"pseudonym": "Awa", "territory": "t1", "role": "habitant", "person": key}
            refused(await guest.command("JoinSession", join), "bad_request")
        refused(
            await guest.command(
                "JoinSession",
                {"pseudonym": "Awa", "territory": "t1", "role": "habitant", "person": "A" * 65},
            ),
            "text_too_long",
        )
        assert await room.seq() == seq

    run(scenario())


async def _join_of(client: ProtocolClient, seq: int, participant: str) -> dict[str, Any]:
    """``participant``'s join as ``client`` received it, once its stream reached ``seq``."""
    await client.wait_for_seq(seq)
    return next(
        e
        for e in client.events
        if e["type"] == "ParticipantJoined" and e["data"]["participant"] == participant
    )


def _members(facilitator: ProtocolClient, table: int) -> set[str]:
    """Who sits at ``table`` as the facilitator's stream last seated them."""
    members: set[str] = set()
    for envelope in facilitator.events:
        if envelope["type"] in ("TablesSeated", "TablesRotated"):
            members = set()
            for seating in envelope["data"]["tables"]:
                if seating["table"] == table:
                    members = set(seating["members"])
    return members


def _roster_has(client: ProtocolClient, participant: str) -> bool:
    return any(participant in frame["participants"] for frame in client.tables)

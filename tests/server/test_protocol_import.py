"""The wire protocol over real sockets: statements imported with their provenance (issue 15).

The server has nothing of its own for them: ``ImportStatement`` goes through the actor like any
command. The facilitator imports a statement; every participant receives ``StatementImported``
whole (text and provenance) and may take a position on it at once (it arrives published); a
snapshot carries its provenance; a participant who sends ``ImportStatement`` is refused with the
engine's ``not_allowed`` and the log does not move; the same key twice is ``already_imported``.
"""

from __future__ import annotations

from typing import Any, Final

import pytest

from server.client import ProtocolClient

from .live import LiveServer
from .scenario import Member, Room, acked, event_of, eventually, refused, run

pytestmark = pytest.mark.usefixtures("one_minute_round", "silent_socket")  # see conftest

PROVENANCE: Final[dict[str, Any]] = {
    "key": "e3",
    "source": "le Forum numérique",
    "territories": ["Clichy-sous-Bois", "Sevran"],
    "statement": "s7",
    "ratings": [],  # a forum's retained problems carry their online ratings; none here
}
IMPORT: Final[dict[str, Any]] = {
    "text": "Les bus de nuit ne desservent pas les quartiers après minuit.",
    "kind": "problem",
    "provenance": PROVENANCE,
}


async def running_room(room: Room) -> tuple[ProtocolClient, list[Member]]:
    """The facilitator and four participants seated at tables of 2, round 1 running."""
    facilitator = await room.facilitator()
    members = await room.join_many(4)
    acked(await facilitator.command("SeatTables"))
    acked(await facilitator.command("StartRound"))
    return facilitator, members


def test_an_imported_statement_reaches_everyone_whole_and_takes_positions(
    server: LiveServer,
) -> None:
    room = Room.create(server, table_size=2)

    async def scenario() -> None:
        facilitator, members = await running_room(room)
        seq = acked(await facilitator.command("ImportStatement", IMPORT))
        for member in members:  # public: every participant receives it, as the console does
            received = await event_of(member.client, seq)
            assert received["type"] == "StatementImported"
            assert received["data"] == {"statement": "s1", **IMPORT}
        assert (await event_of(facilitator, seq))["data"]["provenance"] == PROVENANCE

        voter = members[0].client
        position = {"statement": "s1", "value": 2}
        taken = await event_of(voter, acked(await voter.command("TakePosition", position)))
        assert (taken["type"], taken["data"]["statement"]) == ("PositionTaken", "s1")

        def counted() -> bool:  # the tallies list it among the published statements
            return any(
                s["statement"] == "s1" for frame in voter.tallies for s in frame["statements"]
            )

        await eventually(counted, what="s1 in the tallies")

        late = await room.participant(members[1].token, after=None)  # a snapshot
        statement = late.welcome["state"]["statements"]["s1"]
        assert (statement["status"], statement["provenance"]) == ("published", PROVENANCE)

    run(scenario())


def test_a_participant_may_not_import_and_a_key_comes_in_once(server: LiveServer) -> None:
    room = Room.create(server, table_size=2)

    async def scenario() -> None:
        facilitator, members = await running_room(room)
        seq = await room.seq()
        refused(await members[0].client.command("ImportStatement", IMPORT), "not_allowed")
        assert await room.seq() == seq

        acked(await facilitator.command("ImportStatement", IMPORT))
        again = {**IMPORT, "provenance": {**PROVENANCE, "source": "le Métrokawa métropolitain"}}
        seq = await room.seq()
        refused(await facilitator.command("ImportStatement", again), "already_imported")
        assert await room.seq() == seq

    run(scenario())

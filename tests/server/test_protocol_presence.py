"""The wire protocol over real sockets, 7: presence.

A participant counts once whatever its connections, and only the facilitator is told.
"""

from __future__ import annotations

import asyncio

import pytest

from server.client import ProtocolClient

from .live import LiveServer
from .scenario import Lobby, Room, acked, eventually, run

pytestmark = pytest.mark.usefixtures("one_minute_round", "silent_socket")  # see conftest


async def close_all(*clients: ProtocolClient) -> None:
    await asyncio.gather(*(client.close() for client in clients))


def test_presence_counts_a_participant_once_whatever_its_connections(server: LiveServer) -> None:
    room = Room.create(server)

    async def scenario() -> None:
        facilitator = await room.facilitator()
        await eventually(lambda: facilitator.presence is not None, what="a first presence")

        def present() -> list[str] | None:
            return (facilitator.presence or {}).get("participants")

        anna, bilal, chloe = await room.join_many(3)
        await eventually(lambda: present() == sorted([anna.id, bilal.id, chloe.id]))
        acked(await facilitator.command("SeatTables"))
        await eventually(lambda: sum((facilitator.presence or {})["tables"].values()) == 3)
        anna_again = await room.participant(anna.token, after=None)
        await chloe.client.close()  # a change, so that a new count is sent
        await eventually(lambda: present() == sorted([anna.id, bilal.id]))
        assert facilitator.presence is not None
        assert sum(facilitator.presence["tables"].values()) == 2
        assert sum(facilitator.presence["territories"].values()) == 2
        await anna.client.close()  # Anna is still there on her second device
        await bilal.client.close()
        await eventually(lambda: present() == [anna.id], what="Anna alone")
        await anna_again.close()
        await eventually(lambda: present() == [], what="nobody left")
        assert anna_again.presence is None  # presence is the facilitator's
        await facilitator.close()

    run(scenario())


def test_only_the_facilitator_receives_presence(lobby: Lobby) -> None:
    room = lobby.room

    async def scenario() -> None:
        facilitator = await room.facilitator(after=None)
        await eventually(lambda: facilitator.presence is not None, what="presence")
        participant = await room.participant(lobby.people[0].token, after=None)
        projector = await room.projector(after=None)
        await eventually(
            lambda: lobby.people[0].id in (facilitator.presence or {})["participants"],
            what="the participant counted",
        )
        await close_all(participant, projector)
        assert participant.presence is None
        assert projector.presence is None

    run(scenario())

"""The wire protocol over real sockets, 3: idempotency of command ids.

A command id sent twice is applied once and answered alike, a refusal too, even after a server
restart; an id belongs to its sender, and a retried join makes no second participant.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from session_engine import read_log

from .live import LiveServer
from .scenario import Lobby, Room, acked, cmd, new_id, next_other, refused, run, statement_of

pytestmark = pytest.mark.usefixtures("one_minute_round", "silent_socket")  # see conftest


def commands_in_log(room: Room, command_id: str) -> list[str]:
    return [e.type for e in room.stored() if e.cmd == command_id]


def test_the_same_command_id_twice_is_applied_once_and_answered_alike(lobby: Lobby) -> None:
    room, voter = lobby.room, lobby.people[3]
    repeated = new_id()
    position = {"statement": lobby.published, "value": -1}

    async def scenario() -> None:
        client = await room.participant(voter.token, after=None)
        first = await client.command("TakePosition", position, id=repeated)
        second = await client.command("TakePosition", position, id=repeated)
        assert first == second == {"k": "ack", "id": repeated, "seq": first["seq"]}
        await client.send_raw(msgspec.msgpack.encode(cmd("TakePosition", position, repeated)))
        await client.send_raw(msgspec.msgpack.encode(cmd("TakePosition", position, repeated)))
        assert await next_other(client, 0) == await next_other(client, 1) == first
        await client.close()
        again = await room.participant(voter.token, after=None)
        assert await again.command("TakePosition", position, id=repeated) == first
        assert await room.seq() == first["seq"]

    run(scenario())
    assert commands_in_log(room, repeated) == ["PositionTaken"]


def test_a_refused_command_repeated_gets_the_same_error_even_once_it_would_pass(
    lobby: Lobby,
) -> None:
    room, author, voter = lobby.room, lobby.people[4], lobby.people[5]
    repeated = new_id()

    async def scenario() -> None:
        facilitator = await room.facilitator(after=None)
        writer = await room.participant(author.token, after=None)
        proposal = {"text": "Des bancs à l'ombre sur la place du marché."}
        statement = await statement_of(
            facilitator, await writer.command("ProposeStatement", proposal)
        )
        client = await room.participant(voter.token, after=None)
        position = {"statement": statement, "value": 2}
        first = await client.command("TakePosition", position, id=repeated)
        refused(first, "not_published")
        acked(await facilitator.command("PublishStatement", {"statement": statement}))
        seq = await room.seq()
        assert await client.command("TakePosition", position, id=repeated) == first
        await client.close()
        again = await room.participant(voter.token, after=None)
        assert await again.command("TakePosition", position, id=repeated) == first
        assert await room.seq() == seq
        acked(await again.command("TakePosition", position))  # a new id: it passes now

    run(scenario())
    assert commands_in_log(room, repeated) == []


def test_a_command_id_belongs_to_its_sender(lobby: Lobby) -> None:
    room, shared = lobby.room, new_id()
    position = {"statement": lobby.published, "value": 0}

    async def scenario() -> None:
        one = await room.participant(lobby.people[2].token, after=None)
        two = await room.participant(lobby.people[3].token, after=None)
        first = acked(await one.command("TakePosition", position, id=shared))
        second = acked(await two.command("TakePosition", position, id=shared))
        assert second == first + 1

    run(scenario())
    assert commands_in_log(room, shared) == ["PositionTaken", "PositionTaken"]


def test_a_join_retried_after_a_lost_ack_makes_no_second_participant(lobby: Lobby) -> None:
    room, join_id = lobby.room, new_id()
    data = {"pseudonym": "Revenante", "territory": "t2", "role": "elu"}

    async def scenario() -> None:
        first_guest = await room.guest(after=None)
        first = await first_guest.command("JoinSession", data, id=join_id)
        seq = acked(first)
        first_guest.drop()  # as if the ack had been lost with the Wi-Fi
        second_guest = await room.guest(after=None)
        second = await second_guest.command("JoinSession", data, id=join_id)
        assert (second["k"], second["seq"], second["you"]) == ("ack", seq, first["you"])
        assert second["token"] != first["token"]
        assert await room.seq() == seq
        for token in (first["token"], second["token"]):
            client = await room.participant(token, after=None)
            assert (client.welcome["you"], client.welcome["role"]) == (first["you"], "participant")

    run(scenario())
    assert commands_in_log(room, join_id) == ["ParticipantJoined", "ParticipantSeated"]


def test_a_guest_s_join_id_cannot_be_stolen_from_the_facilitator_nor_from_the_export(
    lobby: Lobby,
) -> None:
    """A join id re-sent by anyone holding the code gets a token for that participant, so it
    must never leave the server: not on the facilitator's stream, not in the ``.mkawa``."""
    room, join_id, position_id = lobby.room, new_id(), new_id()
    data = {"pseudonym": "Discrète", "territory": "t1", "role": "habitant"}

    async def scenario() -> tuple[list[dict[str, Any]], str]:
        facilitator = await room.facilitator(after=None)
        guest = await room.guest(after=None)
        joined = await guest.command("JoinSession", data, id=join_id)
        position = {"statement": lobby.published, "value": 1}
        acked(await guest.command("TakePosition", position, id=position_id))
        # the position is the guest's own: the facilitator's stream goes on with the next note
        note = {"statement": lobby.published, "text": "Je confirme."}
        last = acked(await guest.command("Annotate", note, id=new_id()))
        await facilitator.wait_for_seq(last)
        return facilitator.events, joined["you"]

    seen, participant = run(scenario())
    joins = [e for e in seen if e["type"] == "ParticipantJoined"]
    assert [e["data"]["participant"] for e in joins] == [participant]
    assert all(e["cmd"] is None for e in seen if e["actor"] != "facilitator")
    frames = msgspec.json.encode(seen)
    exported = room.log()
    for secret in (join_id, position_id):
        assert secret.encode() not in frames
        assert secret.encode() not in exported
    assert all(e.cmd is None for e in read_log(exported)[1])
    # The server itself still knows it: that is what answers the guest's own retry.
    assert commands_in_log(room, join_id) == ["ParticipantJoined", "ParticipantSeated"]


def test_answers_are_the_same_after_a_server_restart(live_server: LiveServer) -> None:
    room = Room.create(live_server)
    ids = {"accepted": new_id(), "refused": new_id(), "join": new_id()}
    join = {"pseudonym": "Nadia", "territory": "t1", "role": "habitant"}

    async def before() -> dict[str, Any]:
        facilitator = await room.facilitator()
        members = await room.join_many(2)
        acked(await facilitator.command("SeatTables"))
        acked(await facilitator.command("StartRound"))
        guest = await room.guest(after=None)
        answers = {
            "accepted": await members[0].client.command(
                "ProposeStatement", {"text": "Trop de voitures."}, id=ids["accepted"]
            ),
            "refused": await members[1].client.command(
                "TakePosition", {"statement": "s99", "value": 1}, id=ids["refused"]
            ),
            "join": await guest.command("JoinSession", join, id=ids["join"]),
        }
        return {"answers": answers, "tokens": [m.token for m in members], "seq": await room.seq()}

    async def after(earlier: dict[str, Any]) -> None:
        first, second = [await room.participant(t, after=None) for t in earlier["tokens"]]
        guest = await room.guest(after=None)
        answers = {
            "accepted": await first.command(
                "ProposeStatement", {"text": "Trop de voitures."}, id=ids["accepted"]
            ),
            "refused": await second.command(
                "TakePosition", {"statement": "s99", "value": 1}, id=ids["refused"]
            ),
            "join": await guest.command("JoinSession", join, id=ids["join"]),
        }
        before_answers = earlier["answers"]
        assert answers["accepted"] == before_answers["accepted"]
        assert answers["refused"] == before_answers["refused"]
        refused(answers["refused"], "unknown_statement")
        assert answers["join"]["you"] == before_answers["join"]["you"]
        assert answers["join"]["seq"] == before_answers["join"]["seq"]
        assert await room.seq() == earlier["seq"]
        moved = acked(await first.command("ProposeStatement", {"text": "Et trop de bruit."}))
        assert moved == earlier["seq"] + 1

    earlier = run(before())
    live_server.stop()
    live_server.start()
    run(after(earlier))
    assert commands_in_log(room, ids["accepted"]) == ["StatementProposed"]
    assert commands_in_log(room, ids["refused"]) == []
    assert commands_in_log(room, ids["join"]) == ["ParticipantJoined", "ParticipantSeated"]

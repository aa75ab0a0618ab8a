"""The wire protocol over real sockets: people without a phone (issue 14 §2).

A table's host gives it a shared tablet (``IssueTableTablet``): the ack alone carries the link's
token, the log never does. On the tablet, someone without a phone joins the table
(``AddParticipant``: no token) and members record their positions and ballots: the ack says it
worked, the events name the member and ``recorded_by`` the tablet. A tablet acting for another
table's member is refused (``not_at_table``); a revoked tablet's socket gets ``revoked`` and the
close 4403, like a co-facilitator's. The facilitator enters a stack of paper ballots: the room
learns the count only, the results count them.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from typing import Any

import msgspec
import pytest

from server.client import ProtocolClient
from session_engine.codec import encode_envelope

from .live import LiveServer
from .scenario import Member, RawSocket, Room, acked, event_of, refused, run

pytestmark = pytest.mark.usefixtures("one_minute_round", "silent_socket")  # see conftest

SAID = "Le square du quartier ferme bien trop tôt en été."


async def seated_room(
    room: Room, people: int = 4
) -> tuple[ProtocolClient, list[Member], dict[str, Any]]:
    """The facilitator, ``people`` participants seated at tables of 2, round 1 running, one
    statement published (s1); and the plan (``TablesSeated``'s data)."""
    facilitator = await room.facilitator()
    members = await room.join_many(people)
    seated = await event_of(facilitator, acked(await facilitator.command("SeatTables")))
    acked(await facilitator.command("StartRound"))
    acked(await members[0].client.command("ProposeStatement", {"text": SAID}))
    acked(await facilitator.command("PublishStatement", {"statement": "s1"}))
    return facilitator, members, seated["data"]


def by_id(members: list[Member], participant: str) -> Member:
    return next(m for m in members if m.id == participant)


def stored_event(room: Room, seq: int) -> dict[str, Any]:
    """The envelope ``seq`` as the log keeps it, in its wire form (the consoles receive no
    position: the log is where a recorded position is seen whole)."""
    envelope = next(e for e in room.stored() if e.seq == seq)
    decoded: dict[str, Any] = msgspec.msgpack.decode(encode_envelope(envelope))
    return decoded


def stored_records(server: LiveServer, session_id: str) -> bytes:
    with contextlib.closing(sqlite3.connect(server.db_path)) as db:
        rows = db.execute("SELECT record FROM events WHERE session_id = ?", (session_id,))
        return b"".join(bytes(r[0]) for r in rows)


def test_a_table_tablet_records_for_its_members_and_adds_someone_without_a_phone(
    server: LiveServer,
) -> None:
    room = Room.create(server, table_size=2)

    async def scenario() -> str:
        facilitator, members, plan = await seated_room(room)
        table, other = plan["tables"][0], plan["tables"][1]
        host = by_id(members, table["host"])
        given = await host.client.command("IssueTableTablet", {"table": table["table"]})
        assert (given["tablet"], len(given["token"]) >= 43) == ("tb1", True)
        issued = await event_of(facilitator, acked(given))
        assert issued["data"] == {"tablet": "tb1", "table": table["table"]}

        tablet = await room.connect(None, token=given["token"])
        assert (tablet.welcome["you"], tablet.welcome["role"]) == ("tb1", "tablet")

        added = await tablet.command(
            "AddParticipant", {"pseudonym": "Odette", "territory": "t1", "role": "habitant"}
        )
        assert "token" not in added  # nobody to give it to
        seated = await event_of(facilitator, acked(added))
        assert seated["type"] == "ParticipantSeated"
        assert seated["data"]["table"] == table["table"]
        joined = await event_of(facilitator, acked(added) - 1)
        assert joined["data"]["added_by"] == "tb1"
        newcomer = joined["data"]["participant"]

        for member in (newcomer, *table["members"]):
            recorded = await tablet.command(
                "RecordPosition", {"participant": member, "statement": "s1", "value": 1}
            )
            taken = stored_event(room, acked(recorded))  # a position reaches no console
            assert (taken["actor"], taken["data"]["participant"]) == ("tb1", member)
            assert taken["data"]["recorded_by"] == "tb1"

        stranger = other["members"][0]
        refused(
            await tablet.command(
                "RecordPosition", {"participant": stranger, "statement": "s1", "value": 1}
            ),
            "not_at_table",
        )
        member = next(m for m in table["members"] if m != host.id)
        by_host = await host.client.command(
            "RecordPosition", {"participant": member, "statement": "s1", "value": -2}
        )
        assert stored_event(room, acked(by_host))["data"]["recorded_by"] == host.id
        return str(given["token"])

    token = run(scenario())
    assert token.encode() not in stored_records(server, room.id)


def test_a_table_tablet_learns_the_names_of_its_own_table_only(server: LiveServer) -> None:
    """A name reaches only the table of its moment (the tallies' rule): the shared tablet, which
    stands for its members without a device, is one of that table's devices."""
    room = Room.create(server, table_size=2)

    async def scenario() -> None:
        facilitator, _, plan = await seated_room(room)
        table, other = plan["tables"][0]["table"], plan["tables"][1]["table"]
        given = await facilitator.command("IssueTableTablet", {"table": table})
        tablet = await room.connect(None, token=given["token"])
        person = {"territory": "t1", "role": "habitant"}
        here = await facilitator.command(
            "AddParticipant", {"pseudonym": "Odette", "table": table, **person}
        )
        joined = await event_of(tablet, acked(here) - 1)
        assert (joined["type"], joined["data"]["pseudonym"]) == ("ParticipantJoined", "Odette")
        there = await facilitator.command(
            "AddParticipant", {"pseudonym": "Marcel", "table": other, **person}
        )
        await tablet.wait_for_seq(acked(there))  # Marcel's seating reaches every socket
        names = [e["data"]["pseudonym"] for e in tablet.events if e["type"] == "ParticipantJoined"]
        assert names == ["Odette"]

    run(scenario())


def test_a_revoked_table_tablet_is_cut_off_and_refused_after(server: LiveServer) -> None:
    room = Room.create(server, table_size=2)

    async def scenario() -> None:
        facilitator, _, plan = await seated_room(room)
        given = await facilitator.command("IssueTableTablet", {"table": plan["tables"][0]["table"]})
        tablet = await room.connect(None, token=given["token"])
        assert tablet.closed is not None
        revoked = acked(await facilitator.command("RevokeTableTablet", {"tablet": "tb1"}))
        assert await asyncio.wait_for(tablet.closed, 10) == 4403
        assert {"k": "error", "id": None, "code": "revoked"}.items() <= tablet.others[-1].items()
        assert all(e["seq"] <= revoked for e in tablet.events)

        raw = await RawSocket.open(room.ws_url)
        await raw.send({"k": "hello", "token": given["token"]})
        frames = await raw.until_closed()
        assert raw.close_code == 4403
        assert [f["code"] for f in frames] == ["revoked"]
        refused(await facilitator.command("RevokeTableTablet", {"tablet": "tb1"}), "tablet_revoked")

    run(scenario())


def test_a_tablet_casts_a_ballot_and_paper_ballots_count_in_the_results(
    server: LiveServer,
) -> None:
    room = Room.create(server, table_size=2)

    async def scenario() -> None:
        facilitator, members, plan = await seated_room(room)
        table = plan["tables"][0]
        given = await facilitator.command("IssueTableTablet", {"table": table["table"]})
        tablet = await room.connect(None, token=given["token"])
        acked(await facilitator.command("PromoteProposal", {"statement": "s1"}))
        acked(await facilitator.command("OpenVote", {"proposals": ["pr1"]}))
        member = table["members"][0]
        cast = await tablet.command(
            "RecordBallot", {"participant": member, "vote": "v1", "grades": {"pr1": 5}}
        )
        public = await event_of(by_id(members, member).client, acked(cast))
        assert (public["actor"], public["data"]) == ("participant", {"vote": "v1"})
        refused(
            await tablet.command(
                "RecordBallot", {"participant": member, "vote": "v1", "grades": {"pr1": 5}}
            ),
            "already_voted",
        )
        paper = [{"pr1": 6}, {"pr1": 6}, {"pr1": 2}]
        entered = await facilitator.command(
            "EnterPaperBallots", {"vote": "v1", "ballots": paper, "note": "Urne de l'accueil"}
        )
        seen = await event_of(members[-1].client, acked(entered))
        assert seen["data"] == {"vote": "v1", "count": 3}  # the count, not the grades
        full = await event_of(facilitator, acked(entered))
        assert full["data"]["note"] == "Urne de l'accueil"
        acked(await facilitator.command("CloseVote", {"vote": "v1"}))
        shown = await facilitator.command("ShowResults", {"vote": "v1"})
        profile = (await event_of(facilitator, acked(shown)))["data"]["profiles"]["pr1"]
        assert profile == [0, 0, 1, 0, 0, 1, 2]

    run(scenario())


def test_a_participant_joined_on_a_phone_cannot_use_a_tablets_commands(
    server: LiveServer,
) -> None:
    room = Room.create(server, table_size=2)

    async def scenario() -> None:
        _, members, plan = await seated_room(room)
        table = plan["tables"][0]
        member = by_id(members, next(m for m in table["members"] if m != table["host"]))
        refused(
            await member.client.command(
                "RecordPosition", {"participant": table["host"], "statement": "s1", "value": 1}
            ),
            "not_allowed",
        )
        refused(
            await member.client.command("IssueTableTablet", {"table": table["table"]}),
            "not_allowed",
        )

    run(scenario())

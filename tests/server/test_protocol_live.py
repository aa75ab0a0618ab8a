"""The wire protocol over real sockets: changes made on the night (issue 14 §3).

Each scenario plays in a room of its own on the shared server: a host hands their table over
and the new host writes the synthesis; the facilitator moves someone, removes someone (who may
send nothing more), erases someone (whose words reach no client that resumes, nor the export),
merges two entries (the room learns who went into whom, not their positions); the agenda is
changed while a round runs; territories and the table size change before seating. Who may send
what is in ``test_protocol_roles``.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from server.client import ProtocolClient
from session_engine import read_log

from .scenario import Member, Room, acked, event_of, refused, run

pytestmark = pytest.mark.usefixtures("one_minute_round", "silent_socket")  # see conftest

PROMPT = {"kind": "plenary", "prompt": "Mise en commun", "duration_ms": 600_000}
SAID = "Le square du quartier ferme bien trop tôt en été."


async def seated_room(
    room: Room, people: int = 6
) -> tuple[ProtocolClient, list[Member], dict[str, Any]]:
    """The facilitator, ``people`` participants seated at tables of 3, round 1 running; and
    the plan (``TablesSeated``'s data)."""
    facilitator = await room.facilitator()
    members = await room.join_many(people)
    seated = await event_of(facilitator, acked(await facilitator.command("SeatTables")))
    acked(await facilitator.command("StartRound"))
    return facilitator, members, seated["data"]


def by_id(members: list[Member], participant: str) -> Member:
    return next(m for m in members if m.id == participant)


def test_a_host_hands_the_table_over_and_the_new_host_writes_its_synthesis(server: Any) -> None:
    room = Room.create(server, table_size=3)

    async def scenario() -> None:
        _, members, plan = await seated_room(room)
        table = plan["tables"][0]
        host = by_id(members, table["host"])
        member = by_id(members, next(m for m in table["members"] if m != host.id))
        projector = await room.projector(after=None)
        handed = await host.client.command("HandOverHost", {"to": member.id})
        event = await event_of(projector, acked(handed))
        assert (event["type"], event["actor"], event["data"]) == (
            "HostHandedOver",
            host.id,
            {"table": table["table"], "host": member.id, "previous": host.id},
        )
        acked(await member.client.command("SubmitSynthesis", {"text": "Notre table retient ceci."}))
        refused(await host.client.command("SubmitSynthesis", {"text": "Moi aussi."}), "not_allowed")
        refused(await member.client.command("HandOverHost", {"to": member.id}), "already_host")

    run(scenario())


def test_the_facilitator_moves_someone_and_everyone_sees_the_new_plan(server: Any) -> None:
    room = Room.create(server, table_size=3)

    async def scenario() -> None:
        facilitator, members, plan = await seated_room(room)
        first, second = plan["tables"][0], plan["tables"][1]
        mover = by_id(members, next(m for m in first["members"] if m != first["host"]))
        moved = await facilitator.command(
            "MoveParticipant", {"participant": mover.id, "table": second["table"]}
        )
        event = await event_of(mover.client, acked(moved))
        assert event["data"] == {
            "participant": mover.id,
            "from_table": first["table"],
            "table": second["table"],
            "hosts": False,
            "from_host": first["host"],
        }
        again = await room.participant(mover.token, after=None)
        tables = again.welcome["state"]["tables"]
        assert mover.id in tables[second["table"]]["members"]  # msgpack keeps the int keys
        assert again.welcome["state"]["participants"][mover.id]["table"] == second["table"]
        note = {"text": "Nouvelle table.", "table": second["table"]}
        acked(await mover.client.command("Annotate", note))

    run(scenario())


def test_someone_removed_may_send_nothing_more(server: Any) -> None:
    room = Room.create(server, table_size=3)

    async def scenario() -> None:
        facilitator, members, _ = await seated_room(room, people=4)
        leaving = members[3]
        before = (await room.info())["participants"]
        acked(await facilitator.command("RemoveParticipant", {"participant": leaving.id}))
        refused(
            await leaving.client.command("ProposeStatement", {"text": "Encore ?"}), "not_allowed"
        )
        assert (await room.info())["participants"] == before - 1
        refused(
            await facilitator.command("RemoveParticipant", {"participant": leaving.id}),
            "unknown_participant",
        )

    run(scenario())


def test_an_erasure_reaches_no_client_that_resumes_nor_the_export(server: Any) -> None:
    room = Room.create(server, table_size=3)

    async def scenario() -> None:
        facilitator, members, _ = await seated_room(room, people=4)
        author = members[0]
        proposed = await author.client.command("ProposeStatement", {"text": SAID})
        statement = (await event_of(facilitator, acked(proposed)))["data"]["statement"]
        acked(await facilitator.command("PublishStatement", {"statement": statement}))
        acked(await author.client.command("TakePosition", {"statement": statement, "value": 2}))
        note = {"text": "Surtout le dimanche.", "statement": statement}
        acked(await author.client.command("Annotate", note))
        erase = {"participant": author.id, "erase": True}
        removed = await event_of(
            facilitator, acked(await facilitator.command("RemoveParticipant", erase))
        )
        assert removed["data"]["statements"] == [statement]
        # Whoever comes now and resumes from the start reads none of it, in any form.
        for resumed in (
            await room.facilitator(after=0),
            await room.projector(after=0),
            await room.participant(members[1].token, after=0),
        ):
            await resumed.wait_for_seq(removed["seq"])
            assert SAID not in repr(resumed.events)
            assert "Surtout le dimanche." not in repr(resumed.events)
        snapshot = (await room.projector(after=None)).welcome["state"]
        assert snapshot["statements"][statement]["status"] == "erased"
        assert snapshot["participants"][author.id]["pseudonym"] == f"Participant·e {author.id[1:]}"
        _, exported = read_log(room.log())
        assert SAID not in repr(exported)
        assert author.pseudonym not in repr(exported)
        assert any(e.type == "ParticipantRemoved" for e in exported)
        stored = room.stored()  # the store keeps the log as it was appended
        assert any(SAID in repr(e.event) for e in stored)

    run(scenario())


def test_a_merge_tells_the_room_who_went_into_whom_and_no_more(server: Any) -> None:
    room = Room.create(server, table_size=3)

    async def scenario() -> None:
        facilitator, members, _ = await seated_room(room, people=4)
        proposed = await members[0].client.command("ProposeStatement", {"text": SAID})
        statement = (await event_of(facilitator, acked(proposed)))["data"]["statement"]
        acked(await facilitator.command("PublishStatement", {"statement": statement}))
        second, kept = members[3], members[2]
        acked(await second.client.command("TakePosition", {"statement": statement, "value": -1}))
        projector = await room.projector(after=None)
        merge = {"participant": second.id, "into": kept.id}
        seq = acked(await facilitator.command("MergeParticipants", merge))
        public = await event_of(projector, seq)
        assert set(public["data"]) == {"participant", "into", "table", "host"}
        full = await event_of(facilitator, seq)
        assert full["data"]["positions"] == [statement]
        refused(
            await second.client.command("TakePosition", {"statement": statement, "value": 1}),
            "not_allowed",
        )
        acked(await kept.client.command("TakePosition", {"statement": statement, "value": 1}))

    run(scenario())


def test_the_agenda_changes_while_a_round_runs(server: Any) -> None:
    room = Room.create(server, table_size=3)

    async def scenario() -> None:
        facilitator, _, _ = await seated_room(room, people=3)
        acked(await facilitator.command("AddRound", {**PROMPT, "round": 2}))
        acked(await facilitator.command("EditRound", {"round": 3, "prompt": "Quelles solutions ?"}))
        refused(
            await facilitator.command("EditRound", {"round": 1, "prompt": "Trop tard"}),
            "round_started",
        )
        rounds = (await room.info())["rounds"]
        assert [(r["number"], r["kind"], r["prompt"], r["status"]) for r in rounds] == [
            (1, "table", "Manche 1", "running"),
            (2, "plenary", "Mise en commun", "pending"),
            (3, "table", "Quelles solutions ?", "pending"),
        ]
        acked(await facilitator.command("RemoveRound", {"round": 2}))
        assert [r["prompt"] for r in (await room.info())["rounds"]] == [
            "Manche 1",
            "Quelles solutions ?",
        ]

    run(scenario())


def test_territories_and_the_table_size_change_before_seating(server: Any) -> None:
    room = Room.create(server)

    async def scenario() -> None:
        facilitator = await room.facilitator()
        added = {"name": "Quatre-Chemins", "commune": "Aubervilliers", "qpv": True}
        acked(await facilitator.command("AddTerritory", added))
        acked(
            await facilitator.command("RenameTerritory", {"territory": "t2", "name": "Vincennes"})
        )
        acked(await facilitator.command("ChangeTableSize", {"table_size": 3}))
        refused(
            await facilitator.command("AddTerritory", {**added, "name": "QUATRE-CHEMINS"}),
            "territory_exists",
        )
        async with httpx.AsyncClient(base_url=room.url, timeout=10) as http:
            face = (await http.get(f"/api/sessions/{room.id}")).json()
        assert [(t["id"], t["name"]) for t in face["territories"]] == [
            ("t1", "La Goutte d'Or"),
            ("t2", "Vincennes"),
            ("t3", "Les Francs-Moisins"),
            ("t4", "Quatre-Chemins"),
        ]
        await room.join("Awa", territory="t4")
        await room.join_many(5)
        seated = await event_of(facilitator, acked(await facilitator.command("SeatTables")))
        assert [len(t["members"]) for t in seated["data"]["tables"]] == [3, 3]
        refused(await facilitator.command("ChangeTableSize", {"table_size": 6}), "already_seated")

    run(scenario())


def test_an_erasure_still_hides_what_it_covers_after_a_restart(live_server: Any) -> None:
    room = Room.create(live_server, table_size=3)

    async def erase() -> int:
        facilitator, members, _ = await seated_room(room, people=3)
        proposed = await members[0].client.command("ProposeStatement", {"text": SAID})
        statement = (await event_of(facilitator, acked(proposed)))["data"]["statement"]
        acked(await facilitator.command("PublishStatement", {"statement": statement}))
        erase = {"participant": members[0].id, "erase": True}
        return acked(await facilitator.command("RemoveParticipant", erase))

    async def resume(seq: int) -> None:
        for resumed in (await room.facilitator(after=0), await room.projector(after=0)):
            await resumed.wait_for_seq(seq)
            assert SAID not in repr(resumed.events)

    seq = run(erase())
    live_server.stop()
    live_server.start()  # the session is read again from the store
    run(resume(seq))

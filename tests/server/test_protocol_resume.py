"""The wire protocol over real sockets, 2: resuming, with ``after`` and snapshots.

A dropped client comes back after its last ``seq`` without gap or duplicate; a hello without
``after``, or with one the server cannot serve, gets a snapshot, and a participant's snapshot
shows only what that participant may see.
"""

from __future__ import annotations

import asyncio

import pytest

from session_engine.visibility import HIDDEN_ACTOR

from .scenario import PENDING_TEXT, Lobby, RawSocket, acked, eventually, next_other, run, seqs_of

pytestmark = pytest.mark.usefixtures("one_minute_round", "silent_socket")  # see conftest


def test_a_dropped_participant_resumes_after_its_last_seq_without_gap_or_duplicate(
    lobby: Lobby,
) -> None:
    room = lobby.room

    async def scenario() -> None:
        dropped = await room.participant(lobby.people[0].token, after=None)
        start = dropped.welcome["seq"]
        talker = await room.participant(lobby.people[2].token, after=None)
        # Notes reach everyone; the positions between them reach the talker only: a gap on the
        # dropped participant's stream that is not a loss.
        note = {"statement": lobby.published, "text": "Vu aussi dans la tour C."}
        position = {"statement": lobby.published, "value": 1}
        talking = [
            talker.send("Annotate" if n % 2 else "TakePosition", note if n % 2 else position)
            for n in range(40)
        ]
        await eventually(lambda: dropped.seq >= start + 5, what="the first notes")
        dropped.drop()
        assert dropped.closed is not None
        await asyncio.wait_for(dropped.closed, 10)
        last = max(acked(answer) for answer in await asyncio.gather(*talking))
        resumed = await room.participant(lobby.people[0].token, after=dropped.seq)
        await resumed.wait_for_seq(last)
        assert "state" not in resumed.welcome
        seqs = [e["seq"] for e in [*dropped.events, *resumed.events]]
        notes = [e.seq for e in room.stored() if e.seq > start and e.type == "AnnotationAdded"]
        assert seqs == notes
        assert len(seqs) == 20

    run(scenario())


def test_a_hello_without_after_gets_a_snapshot_and_the_events_after_it(lobby: Lobby) -> None:
    room = lobby.room

    async def scenario() -> None:
        seq = await room.seq()
        client = await room.participant(lobby.people[3].token, after=None)
        assert client.welcome["seq"] == seq
        assert client.welcome["state"]["participants"].keys() >= {p.id for p in lobby.people}
        talker = await room.participant(lobby.people[4].token, after=None)
        hidden = acked(
            await talker.command("TakePosition", {"statement": lobby.published, "value": 2})
        )
        note = {"statement": lobby.published, "text": "Et le soir, c’est pire."}
        moved = acked(await talker.command("Annotate", note))
        await client.wait_for_seq(moved)
        # the talker's position is the talker's: the stream goes on after the snapshot without it
        assert [e["seq"] for e in client.events] == [
            s for s in range(seq + 1, moved + 1) if s != hidden
        ]

    run(scenario())


def test_an_after_beyond_the_last_seq_gets_a_snapshot(lobby: Lobby) -> None:
    room = lobby.room

    async def scenario() -> None:
        seq = await room.seq()
        client = await room.participant(lobby.people[3].token, after=seq + 1000)
        assert client.welcome["seq"] == seq
        assert "state" in client.welcome
        assert client.events == []

    run(scenario())


def test_an_after_equal_to_the_last_seq_gets_no_snapshot_and_no_backlog(lobby: Lobby) -> None:
    room = lobby.room

    async def scenario() -> None:
        seq = await room.seq()
        client = await room.participant(lobby.people[3].token, after=seq)
        assert client.welcome["seq"] == seq
        assert "state" not in client.welcome
        await eventually(lambda: bool(client.tallies), what="the tallies after the welcome")
        assert client.tallies[0]["seq"] == seq
        await client.send_frame({"k": "ping", "t": 1.0})
        pong = await next_other(client, 0)
        assert pong["k"] == "pong"
        assert client.events == []  # nothing was due, and the pong came after nothing

    run(scenario())


def test_a_negative_after_gets_no_stray_tail_of_the_log(lobby: Lobby) -> None:
    """``after`` is a seq the client holds; -3 is none. Refusing the hello, sending a snapshot or
    sending the log from seq 1 all keep the stream whole; the last three events alone do not."""
    room = lobby.room

    async def scenario() -> None:
        raw = await RawSocket.open(room.ws_url)
        await raw.send({"k": "hello", "token": lobby.people[0].token, "after": -3})
        welcome = await raw.receive()
        if welcome is None or welcome["k"] == "error":
            await raw.until_closed()
            assert raw.close_code == 4400
            return
        if "state" in welcome:
            return
        first = await raw.receive()
        assert first is not None
        assert seqs_of([first])[0] == 1, f"after -3, the stream starts at {seqs_of([first])}"

    run(scenario())


def test_a_participant_snapshot_keeps_its_own_pending_statement_and_ballot_only(
    lobby: Lobby,
) -> None:
    room = lobby.room
    author, other = lobby.people[1], lobby.people[2]

    async def scenario() -> None:
        mine = (await room.participant(author.token, after=None)).welcome["state"]
        theirs = (await room.participant(other.token, after=None)).welcome["state"]
        projected = (await room.projector(after=None)).welcome["state"]
        full = (await room.facilitator(after=None)).welcome["state"]
        assert mine["statements"][lobby.pending]["text"] == PENDING_TEXT
        assert lobby.pending not in theirs["statements"]
        assert lobby.pending not in projected["statements"]
        assert full["statements"][lobby.pending]["author"] == author.id
        assert lobby.published in theirs["statements"]
        assert list(mine["votes"][lobby.vote]["ballots"]) == [author.id]
        assert theirs["votes"][lobby.vote]["ballots"] == {}
        assert projected["votes"][lobby.vote]["ballots"] == {}
        assert full["votes"][lobby.vote]["ballots"] == {}  # the console sees tallies only

    run(scenario())


def test_a_participant_snapshot_names_no_other_author(lobby: Lobby) -> None:
    """docs/protocol.md: "in a snapshot … statements carry no author, except your own"."""
    room = lobby.room
    writer, reader = lobby.people[0], lobby.people[2]

    async def scenario() -> None:
        theirs = (await room.participant(reader.token, after=None)).welcome["state"]
        projected = (await room.projector(after=None)).welcome["state"]
        mine = (await room.participant(writer.token, after=None)).welcome["state"]
        assert mine["statements"][lobby.published]["author"] == writer.id
        for state in (theirs, projected):
            statement = state["statements"][lobby.published]
            assert statement.get("author", HIDDEN_ACTOR) == HIDDEN_ACTOR, statement

    run(scenario())

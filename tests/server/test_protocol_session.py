"""The wire protocol over real sockets, 1: a whole session (DESIGN §5-6, docs/protocol.md).

A facilitator and thirty participants play a Métrokawa from the join to the closing, once (one
of them speaks the JSON subprotocol), and the tests read what each of them received: the log in
seq order without what is not theirs (others' positions, ballots and joins), nothing a
participant may not see.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import Any, Final

import msgspec
import pytest

from server.frames import JSON, MSGPACK
from session_engine import encode_envelope, read_log
from session_engine.model import anonymous_pseudonym
from session_engine.visibility import HIDDEN_ACTOR

from .live import LiveServer
from .scenario import (
    ROLES,
    TERRITORIES,
    Member,
    Room,
    acked,
    envelopes,
    event_of,
    new_id,
    run,
    statement_of,
)

pytestmark = pytest.mark.usefixtures("one_minute_round", "silent_socket")  # see conftest


PARTICIPANTS: Final = 30
JSON_SEAT: Final = 7  # the participant who speaks the JSON subprotocol


def marker(n: int) -> str:
    """A tag found in statement ``n``'s text and nowhere else."""
    return f"[énoncé-{n:02d}]"


@dataclass(frozen=True)
class Played:
    facilitator: list[dict[str, Any]]
    participants: dict[str, list[dict[str, Any]]]  # participant -> the events received
    json_participant: str
    markers: dict[str, str]  # statement -> the marker in its text
    published: frozenset[str]
    command_ids: frozenset[str]  # every command id the participants used
    join_ids: frozenset[str]  # the ids of their JoinSession commands
    last: int
    log: bytes


class Play:
    """The facilitator and thirty participants, from the join to the closing of the session."""

    def __init__(self, room: Room) -> None:
        self.room = room
        self.command_ids: set[str] = set()
        self.markers: dict[str, str] = {}
        self.published: set[str] = set()

    def send(self, member: Member, type_: str, data: dict[str, Any]) -> asyncio.Future[Any]:
        command_id = new_id()
        self.command_ids.add(command_id)
        return member.client.send(type_, data, id=command_id)

    async def steer(self, type_: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        return await event_of(self.facilitator, acked(await self.facilitator.command(type_, data)))

    async def play(self) -> Played:
        self.facilitator = await self.room.facilitator(after=0)
        self.members = await self.join()
        await self.steer("SeatTables")
        await self.steer("StartRound")
        statements = await self.propose(self.members, first=1)
        await self.publish(statements[:20])
        await self.take_positions(statements[:20])
        await self.steer("EndRound")
        rotated = await self.steer("RotateTables")
        await self.steer("StartRound")
        later = await self.propose(self.members[:10], first=PARTICIPANTS + 1)
        await self.publish(later[:5])
        await self.synthesise(rotated["data"]["tables"][0]["host"])
        await self.steer("EndRound")
        await self.vote([await self.promote(s) for s in statements[:3]])
        last = acked(await self.facilitator.command("CloseSession"))
        return await self.collect(last)

    async def join(self) -> list[Member]:
        joining = (
            self.room.join(
                f"Voix {n:02d}",
                territory=TERRITORIES[n % len(TERRITORIES)],
                role=ROLES[n % len(ROLES)],
                consent=n % 2 == 0,
                subprotocol=JSON if n == JSON_SEAT else MSGPACK,
            )
            for n in range(1, PARTICIPANTS + 1)
        )
        return list(await asyncio.gather(*joining))

    async def propose(self, members: list[Member], *, first: int) -> list[str]:
        texts = [f"{marker(first + n)} Le bus passe trop rarement le soir." for n in range(30)]
        proposing = [
            self.send(m, "ProposeStatement", {"text": texts[n]}) for n, m in enumerate(members)
        ]
        statements = []
        for n, answer in enumerate(await asyncio.gather(*proposing)):
            statement = await statement_of(self.facilitator, answer)
            self.markers[statement] = marker(first + n)
            statements.append(statement)
        return statements

    async def publish(self, statements: list[str]) -> None:
        for statement in statements:
            await self.steer("PublishStatement", {"statement": statement})
            self.published.add(statement)

    async def take_positions(self, statements: list[str]) -> None:
        taking = [
            self.send(m, "TakePosition", {"statement": statements[(n + k) % 20], "value": k - 2})
            for n, m in enumerate(self.members)
            for k in range(5)
        ]
        for answer in await asyncio.gather(*taking):
            acked(answer)

    async def synthesise(self, host: str) -> None:
        member = next(m for m in self.members if m.id == host)
        text = {"text": "Notre table retient les transports du soir et la propreté des halls."}
        acked(await self.send(member, "SubmitSynthesis", text))

    async def promote(self, statement: str) -> str:
        proposal: str = (await self.steer("PromoteProposal", {"statement": statement}))["data"][
            "proposal"
        ]
        return proposal

    async def vote(self, proposals: list[str]) -> None:
        vote = (await self.steer("OpenVote", {"proposals": proposals}))["data"]["vote"]
        casting = [
            self.send(
                m,
                "CastBallot",
                {"vote": vote, "grades": {p: (n + k) % 7 for k, p in enumerate(proposals)}},
            )
            for n, m in enumerate(self.members)
        ]
        for answer in await asyncio.gather(*casting):
            acked(answer)
        await self.steer("CloseVote", {"vote": vote})

    async def collect(self, last: int) -> Played:
        clients = [self.facilitator, *(m.client for m in self.members)]
        for client in clients:
            await client.wait_for_seq(last, 20)
        return Played(
            facilitator=envelopes(self.facilitator),
            participants={m.id: envelopes(m.client) for m in self.members},
            json_participant=self.members[JSON_SEAT - 1].id,
            markers=self.markers,
            published=frozenset(self.published),
            command_ids=frozenset(self.command_ids),
            join_ids=frozenset(m.join_id for m in self.members),
            last=last,
            log=self.room.log(),
        )


@pytest.fixture(scope="module")
def played(server: LiveServer) -> Played:
    return run(Play(Room.create(server)).play())


PRIVATE: Final = ("PositionTaken", "BallotCast", "ParticipantJoined")  # whose owner only


def logged(played: Played) -> list[dict[str, Any]]:
    _, stored = read_log(played.log)
    return [msgspec.msgpack.decode(encode_envelope(e)) for e in stored]


def for_participant(log: list[dict[str, Any]], participant: str) -> list[int]:
    """The seqs a participant receives: everything but others' positions, ballots and joins
    (everyone joined before the tables were seated: nobody had a table mate yet)."""
    return [
        e["seq"] for e in log if e["type"] not in PRIVATE or e["data"]["participant"] == participant
    ]


def test_the_whole_session_went_from_the_join_to_the_closing(played: Played) -> None:
    types = Counter(e["type"] for e in logged(played))
    assert types["ParticipantJoined"] == PARTICIPANTS
    assert types["TablesSeated"] == types["TablesRotated"] == 1
    assert types["RoundStarted"] == types["RoundEnded"] == 2
    assert types["StatementProposed"] == PARTICIPANTS + 10
    assert types["StatementPublished"] == 25
    assert types["PositionTaken"] == PARTICIPANTS * 5
    assert types["SynthesisSubmitted"] == 1
    assert types["ProposalPromoted"] == 3
    assert types["BallotCast"] == PARTICIPANTS
    assert types["VoteClosed"] == types["SessionClosed"] == 1
    assert played.facilitator[-1]["type"] == "SessionClosed"


def test_every_client_receives_its_events_in_seq_order_and_nothing_else(played: Played) -> None:
    """``seq`` strictly increases on a connection; a gap is events that were not for it."""
    log = logged(played)
    assert [e["seq"] for e in played.facilitator] == [
        e["seq"] for e in log if e["type"] not in ("PositionTaken", "BallotCast")
    ]
    for participant, events in played.participants.items():
        assert [e["seq"] for e in events] == for_participant(log, participant), participant
        assert [e["type"] for e in events if e["type"] in PRIVATE] == (
            ["ParticipantJoined"] + ["PositionTaken"] * 5 + ["BallotCast"]
        ), participant


def test_participants_receive_the_same_public_envelopes_over_json_and_msgpack(
    played: Played,
) -> None:
    def public(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [e for e in events if e["type"] not in PRIVATE]

    reference = public(
        next(events for p, events in played.participants.items() if p != played.json_participant)
    )
    for participant, events in played.participants.items():
        assert public(events) == reference, participant
    assert public(played.participants[played.json_participant]) == reference


def test_the_facilitator_stream_is_the_exported_log_without_positions_nor_ballots(
    played: Played,
) -> None:
    exported = [e for e in logged(played) if e["type"] not in ("PositionTaken", "BallotCast")]
    expected = [dict(e, data=dict(e["data"]), cmd=None) for e in played.facilitator]
    for envelope in expected:
        data = envelope["data"]
        if envelope["type"] == "ParticipantJoined" and not data["consent"]:
            data["pseudonym"] = anonymous_pseudonym(data["participant"])
    assert exported == expected


def test_a_position_and_a_ballot_reach_their_owner_only(played: Played) -> None:
    assert not [e for e in played.facilitator if e["type"] in ("PositionTaken", "BallotCast")]
    for participant, events in played.participants.items():
        for envelope in (e for e in events if e["type"] in PRIVATE):
            if envelope["type"] == "BallotCast":
                assert envelope["data"] == {"vote": "v1"}, participant
                assert envelope["actor"] == HIDDEN_ACTOR, participant
            else:
                assert envelope["data"]["participant"] == participant


def test_participants_never_see_a_statement_s_text_before_its_publication(played: Played) -> None:
    proposed = [e for e in played.facilitator if e["type"] == "StatementProposed"]
    assert all(played.markers[e["data"]["statement"]] in e["data"]["text"] for e in proposed)
    for participant, events in played.participants.items():
        first_seen: dict[str, dict[str, Any]] = {}
        for envelope in events:
            encoded = msgspec.json.encode(envelope).decode()
            for statement, tag in played.markers.items():
                if tag in encoded:
                    first_seen.setdefault(statement, envelope)
        assert set(first_seen) == played.published, participant
        for statement, envelope in first_seen.items():
            assert envelope["type"] == "StatementPublished", (participant, envelope)
            assert envelope["data"]["statement"] == statement
            assert "author" not in envelope["data"]
        for envelope in (e for e in events if e["type"] == "StatementProposed"):
            assert set(envelope["data"]) == {"statement", "round"}
            assert envelope["actor"] == HIDDEN_ACTOR


def test_command_ids_reach_no_one_but_their_sender(played: Played) -> None:
    """A command id is its sender's: the facilitator's stream carries only the facilitator's
    own, no participant receives any, and the export has none (a guest's join id, sent again,
    would get its holder a fresh token for that participant)."""
    secret = played.command_ids | played.join_ids
    shown = [e for e in played.facilitator if e["cmd"] is not None]
    assert shown, "the facilitator's own commands keep their ids"
    assert all(e["actor"] == "facilitator" for e in shown)
    streams = {"facilitator": played.facilitator, **played.participants}
    for who, events in streams.items():
        if who != "facilitator":
            assert all(e["cmd"] is None for e in events), who
        received = msgspec.json.encode(events).decode()
        assert not [i for i in secret if i in received], who
    _, exported = read_log(played.log)
    assert all(e.cmd is None for e in exported)
    assert not [i for i in secret if i.encode() in played.log]

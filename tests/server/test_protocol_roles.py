"""The wire protocol over real sockets, 5: who may send what.

The role matrix (facilitator, participant, host, guest, projector) covers every command type;
each role is refused every command it may not send, and may send what it is there for.
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

import pytest

from server.client import ProtocolClient
from session_engine.commands import COMMAND_TYPES
from session_engine.visibility import HIDDEN_ACTOR

from .scenario import Lobby, acked, refused, run

pytestmark = pytest.mark.usefixtures("one_minute_round", "silent_socket")  # see conftest


SAMPLES: Final[dict[str, dict[str, Any]]] = {
    "CreateSession": {"title": "Autre", "territories": [], "agenda": []},
    "JoinSession": {"pseudonym": "Intruse", "territory": "t1", "role": "habitant"},
    "SeatTables": {},
    "RotateTables": {},
    "StartRound": {},
    "PauseRound": {},
    "ResumeRound": {},
    "ExtendRound": {"minutes": 1},
    "EndRound": {},
    "ProposeStatement": {"text": "Plus de bancs."},
    "PublishStatement": {"statement": "s2"},
    "HideStatement": {"statement": "s1"},
    "MergeStatements": {"statement": "s2", "into": "s1"},
    "Annotate": {"text": "Vu hier soir.", "statement": "s1"},
    "TakePosition": {"statement": "s1", "value": 2},
    "SubmitSynthesis": {"text": "Notre table retient les ascenseurs."},
    "PromoteProposal": {"statement": "s1"},
    "OpenVote": {"proposals": ["pr1"]},
    "CastBallot": {"vote": "v1", "grades": {"pr1": 6}},
    "CloseVote": {"vote": "v1"},
    "ShowResults": {"statement": "s1"},
    "HideResults": {},
    "OpenConsent": {"proposal": "pr1"},
    "RaiseObjection": {"consent": "c1", "text": "Et les personnes âgées ?"},
    "ResolveObjection": {"objection": "o1", "resolution": "withdrawn"},
    "AdoptVoeu": {"consent": "c1", "outcome": "Adopté sans objection restante."},
    "AbandonConsent": {"consent": "c1"},
    "CloseSession": {},
    "AddCoFacilitator": {"label": "Intruse"},
    "RevokeCoFacilitator": {"cofacilitator": "cf1"},
    "HandOverHost": {"to": "p1"},
    "MoveParticipant": {"participant": "p1", "table": 1},
    "RemoveParticipant": {"participant": "p1"},
    "MergeParticipants": {"participant": "p2", "into": "p1"},
    "AddRound": {"kind": "plenary", "prompt": "Mise en commun", "duration_ms": 600_000},
    "EditRound": {"round": 2, "prompt": "Quelles solutions ?"},
    "RemoveRound": {"round": 2},
    "AddTerritory": {"name": "Quatre-Chemins", "commune": "Aubervilliers", "qpv": True},
    "RenameTerritory": {"territory": "t1", "name": "Franc-Moisin Nord"},
    "ChangeTableSize": {"table_size": 5},
    "AddParticipant": {"pseudonym": "Sans Téléphone", "territory": "t1", "role": "habitant"},
    "IssueTableTablet": {"table": 1},
    "RevokeTableTablet": {"tablet": "tb1"},
    "RecordPosition": {"participant": "p1", "statement": "s1", "value": 1},
    "RecordBallot": {"participant": "p1", "vote": "v1", "grades": {"pr1": 6}},
    "EnterPaperBallots": {"vote": "v1", "ballots": [{"pr1": 6}], "note": "Urne"},
    "ImportStatement": {"text": "Plus de bus.", "provenance": {"key": "e1", "source": "Forum"}},
}
STEERING: Final = frozenset(
    {
        "CreateSession",
        "SeatTables",
        "RotateTables",
        "StartRound",
        "PauseRound",
        "ResumeRound",
        "ExtendRound",
        "EndRound",
        "PublishStatement",
        "HideStatement",
        "MergeStatements",
        "PromoteProposal",
        "OpenVote",
        "CloseVote",
        "ShowResults",
        "HideResults",
        "OpenConsent",
        "ResolveObjection",
        "AdoptVoeu",
        "AbandonConsent",
        "CloseSession",
        "AddCoFacilitator",
        "RevokeCoFacilitator",
        "HandOverHost",
        "MoveParticipant",
        "RemoveParticipant",
        "MergeParticipants",
        "AddRound",
        "EditRound",
        "RemoveRound",
        "AddTerritory",
        "RenameTerritory",
        "ChangeTableSize",
        "AddParticipant",  # people without a phone (see test_protocol_nophone)
        "IssueTableTablet",
        "RevokeTableTablet",
        "EnterPaperBallots",
        "ImportStatement",
    }
)
# What a host may send for their own table (their own tablet, a member beside them).
HOSTING: Final = frozenset(
    {
        "SubmitSynthesis",
        "HandOverHost",
        "AddParticipant",
        "IssueTableTablet",
        "RevokeTableTablet",
        "RecordPosition",
        "RecordBallot",
    }
)
SPEAKING: Final = frozenset(
    {"ProposeStatement", "Annotate", "TakePosition", "CastBallot", "RaiseObjection"}
)
MAY_SEND: Final[dict[str, frozenset[str]]] = {
    "facilitator": STEERING,
    "participant": SPEAKING,
    "host": SPEAKING | HOSTING,
    "guest": frozenset({"JoinSession"}),
    "projector": frozenset(),
}
ALLOWED_SAMPLE: Final[dict[str, tuple[str, dict[str, Any]]]] = {
    "facilitator": ("ExtendRound", {"minutes": 1}),
    "participant": ("TakePosition", {"statement": "s1", "value": -2}),
    "host": ("SubmitSynthesis", {"text": "Notre table retient les ascenseurs."}),
    "guest": ("JoinSession", {"pseudonym": "Nouvelle", "territory": "t2", "role": "technicien"}),
}


def test_the_role_matrix_covers_every_command_type() -> None:
    assert set(SAMPLES) == set(COMMAND_TYPES)


async def connect_as(lobby: Lobby, role: str) -> ProtocolClient:
    room = lobby.room
    if role == "facilitator":
        return await room.facilitator(after=None)
    if role == "participant":
        return await room.participant(lobby.non_host.token, after=None)
    if role == "host":
        return await room.participant(lobby.host.token, after=None)
    if role == "guest":
        return await room.guest(after=None)
    return await room.projector(after=None)


@pytest.mark.parametrize("role", list(MAY_SEND))
def test_each_role_is_refused_every_command_it_may_not_send(lobby: Lobby, role: str) -> None:
    room = lobby.room

    async def scenario() -> None:
        client = await connect_as(lobby, role)
        assert client.welcome["role"] == ("participant" if role == "host" else role)
        seq = await room.seq()
        forbidden = sorted(set(SAMPLES) - MAY_SEND[role])
        answers = await asyncio.gather(*(client.send(t, SAMPLES[t]) for t in forbidden))
        for type_, answer in zip(forbidden, answers, strict=True):
            assert (type_, answer["k"], answer.get("code")) == (type_, "error", "not_allowed")
        assert await room.seq() == seq

    run(scenario())


@pytest.mark.parametrize("role", list(ALLOWED_SAMPLE))
def test_each_role_may_send_what_it_is_there_for(lobby: Lobby, role: str) -> None:
    room = lobby.room
    type_, data = ALLOWED_SAMPLE[role]

    async def scenario() -> None:
        client = await connect_as(lobby, role)
        seq = await room.seq()
        assert acked(await client.command(type_, data)) > seq

    run(scenario())


def test_a_participant_may_not_annotate_another_table(lobby: Lobby) -> None:
    room, writer = lobby.room, lobby.people[0]
    other_table = next(t for t in set(lobby.tables.values()) if t != lobby.tables[writer.id])

    async def scenario() -> None:
        client = await room.participant(writer.token, after=None)
        note = {"text": "Chez les voisins.", "table": other_table}
        refused(await client.command("Annotate", note), "not_allowed")

    run(scenario())


def test_a_projector_receives_public_events_and_may_only_watch(lobby: Lobby) -> None:
    room = lobby.room

    async def scenario() -> None:
        projector = await room.projector(after=0)
        assert projector.welcome["you"] == "projector"
        seq = await room.seq()
        await projector.wait_for_seq(seq)
        assert all(e["cmd"] is None for e in projector.events)
        assert all(
            e["actor"] == HIDDEN_ACTOR for e in projector.events if e["type"] == "BallotCast"
        )
        refused(await projector.command("JoinSession", SAMPLES["JoinSession"]), "not_allowed")

    run(scenario())

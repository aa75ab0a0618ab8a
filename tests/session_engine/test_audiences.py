"""Which audience receives which event (``session_engine.audiences``), and what a snapshot holds
of positions and ballots (``visibility``).

The rules (docs/protocol.md, "What each audience sees"): a position and a ballot reach only
their owner's devices — not the other participants, not the projector, not the consoles; a join,
with its name, reaches the facilitators, the joiner and the joiner's table; everything else
reaches everyone. Written out as a table: event, then who receives it.
"""

from __future__ import annotations

import pytest

from session_engine.audiences import EVERYONE, audience, is_own_join, receives
from session_engine.commands import JoinSession
from session_engine.events import (
    BallotCast,
    Event,
    ParticipantSeated,
    PositionTaken,
    RoundStarted,
    StatementPublished,
    TableTabletIssued,
    TableTabletRevoked,
)
from session_engine.model import Grade, ParticipantRole
from session_engine.state import SessionState
from session_engine.visibility import console_state, visible_state

from .harness import a_proposal, a_running_round, a_statement, ballot, given, joined, vote_opened

FACILITATOR = "facilitator"  # a facilitator's or co-facilitator's socket
PROJECTOR = "projector"  # a guest's or the projector's socket: no participant

# The default session: p1 and p2 at table 1, p3 and p4 at table 2; p5 arrives late at table 2.
# Each table has a shared tablet: tb1 at table 1, tb2 at table 2; tb3 at table 2 was withdrawn.
LATE = joined("p5", territory="t2")
SEATED_LATE = ParticipantSeated(participant="p5", table=2, hosts=False)
TABLETS = (
    TableTabletIssued(tablet="tb1", table=1),
    TableTabletIssued(tablet="tb2", table=2),
    TableTabletIssued(tablet="tb3", table=2),
    TableTabletRevoked(tablet="tb3"),
)

TABLE: list[tuple[str, Event, set[str]]] = [
    (
        "a position: its owner only",
        PositionTaken(participant="p2", statement="s1", value=2, round=1),
        {"p2"},
    ),
    ("a pass too", PositionTaken(participant="p3", statement="s1", value=None, round=1), {"p3"}),
    (
        "a ballot: its voter only",
        BallotCast(vote="v1", participant="p4", grades={"pr1": Grade.BIEN}),
        {"p4"},
    ),
    (
        "a join: the facilitators, the joiner, the joiner's table and its tablet in service",
        LATE,
        {FACILITATOR, "p5", "p3", "p4", "tb2"},
    ),
    (
        "a late arrival seated: everyone",
        SEATED_LATE,
        {FACILITATOR, "p1", "p2", "p3", "p4", "p5", PROJECTOR, "tb1", "tb2", "tb3"},
    ),
    (
        "a publication: everyone",
        StatementPublished(statement="s1"),
        {FACILITATOR, "p1", "p2", "p3", "p4", "p5", PROJECTOR, "tb1", "tb2", "tb3"},
    ),
    (
        "a round: everyone",
        RoundStarted(round=1, deadline=1),
        {FACILITATOR, "p1", "p2", "p3", "p4", "p5", PROJECTOR, "tb1", "tb2", "tb3"},
    ),
]


def the_room() -> SessionState:
    return given(a_running_round(), a_statement("s1"), *TABLETS, LATE, SEATED_LATE).state


def receivers(event: Event, state: SessionState) -> set[str]:
    rule = audience(event)
    found = {FACILITATOR} if receives(rule, state, facilitator=True, participant=None) else set()
    if receives(rule, state, facilitator=False, participant=None):
        found.add(PROJECTOR)
    for participant in state.participants:
        if receives(rule, state, facilitator=False, participant=participant):
            found.add(participant)
    for tablet in ("tb1", "tb2", "tb3"):  # a tablet's socket: no participant (a revoked one
        # is cut off by the server; the rule gives it nothing of its table's own)
        if receives(rule, state, facilitator=False, participant=None, tablet=tablet):
            found.add(tablet)
    return found


@pytest.mark.parametrize(("event", "expected"), [(e, r) for _, e, r in TABLE],
                         ids=[name for name, _, _ in TABLE])  # fmt: skip
def test_who_receives_what(event: Event, expected: set[str]) -> None:
    assert receivers(event, the_room()) == expected


def test_a_join_before_seating_reaches_the_facilitators_and_the_joiner_only() -> None:
    state = given(a_running_round()[:1], joined("p1")).state  # created, p1 joined, no table
    assert receivers(joined("p1"), state) == {FACILITATOR, "p1"}


def test_every_other_event_reaches_everyone() -> None:
    assert audience(StatementPublished(statement="s1")) is EVERYONE


def a_room_with_positions_and_ballots() -> SessionState:
    return given(
        a_running_round(),
        a_statement("s1"),
        PositionTaken(participant="p1", statement="s1", value=-2, round=1),
        PositionTaken(participant="p2", statement="s1", value=1, round=1),
        PositionTaken(participant="p12", statement="s1", value=None, round=1),
        a_proposal("pr1", statement="s1"),
        vote_opened("v1", "pr1"),
        ballot("v1", "p1", pr1=Grade.BIEN),
        ballot("v1", "p2", pr1=Grade.PASSABLE),
    ).state


def test_a_participant_snapshot_holds_its_own_positions_and_ballot_only() -> None:
    mine = visible_state(a_room_with_positions_and_ballots(), full=False, participant="p1")
    assert mine["positions"] == {"p1|s1": -2}  # not p12's, though "p1" starts "p12"
    assert mine["votes"]["v1"]["ballots"] == {"p1": {"pr1": 4}}


def test_the_projector_snapshot_holds_no_position_and_no_ballot() -> None:
    projected = visible_state(a_room_with_positions_and_ballots(), full=False, participant=None)
    assert projected["positions"] == {}
    assert projected["votes"]["v1"]["ballots"] == {}


def test_the_console_snapshot_holds_everything_but_positions_and_ballots() -> None:
    state = a_room_with_positions_and_ballots()
    console = console_state(state)
    assert console["positions"] == {}
    assert console["votes"]["v1"]["ballots"] == {}
    full = visible_state(state, full=True, participant=None)  # a replay's, an export's
    assert {k: v for k, v in console.items() if k not in ("positions", "votes")} == {
        k: v for k, v in full.items() if k not in ("positions", "votes")
    }
    assert len(full["positions"]) == 3


def test_a_guest_recognises_its_own_join_by_everything_it_sent() -> None:
    sent = JoinSession(pseudonym="  Personne p5 ", territory="t2", role=ParticipantRole.HABITANT)
    assert is_own_join(LATE, sent)
    for other in (
        JoinSession(pseudonym="Personne p6", territory="t2", role=ParticipantRole.HABITANT),
        JoinSession(pseudonym="Personne p5", territory="t1", role=ParticipantRole.HABITANT),
        JoinSession(pseudonym="Personne p5", territory="t2", role=ParticipantRole.ELU),
        JoinSession(
            pseudonym="Personne p5", territory="t2", role=ParticipantRole.HABITANT, consent=True
        ),
    ):
        assert not is_own_join(LATE, other)

"""People without a phone: a participant added without a device, a table's shared tablet, a
position or a ballot recorded for a member by the tablet or the host, paper ballots.

The default session (``harness``): p1 hosts table 1 (p1, p2), p3 hosts table 2 (p3, p4); p1 and
p3 are of territory t1, p2 and p4 of t2. ``tb1`` is table 1's tablet once ``TB1_ISSUED``.
"""

from __future__ import annotations

import pytest

from session_engine.commands import (
    AddParticipant,
    CastBallot,
    EnterPaperBallots,
    IssueTableTablet,
    RecordBallot,
    RecordPosition,
    RevokeTableTablet,
    TakePosition,
)
from session_engine.decide import Role
from session_engine.events import (
    BallotCast,
    Event,
    PaperBallotsEntered,
    ParticipantJoined,
    ParticipantSeated,
    PositionTaken,
    TableTabletIssued,
    TableTabletRevoked,
)
from session_engine.majority import tally_vote
from session_engine.model import Grade, ParticipantRole
from session_engine.opinions.votes import vote_results
from session_engine.visibility import visible_state

from .harness import (
    FACILITATOR,
    ROUND_MS,
    T0,
    Sender,
    a_proposal,
    a_running_round,
    a_session,
    a_statement,
    ballot,
    given,
    participant,
    round_ended,
    vote_closed,
    vote_opened,
    with_participants,
)

P1, P2, P3 = participant("p1"), participant("p2"), participant("p3")
TB1 = Sender("tb1", Role.TABLET)
TB1_ISSUED = TableTabletIssued(tablet="tb1", table=1)
H = ParticipantRole.HABITANT


def odette(table: int | None = None) -> AddParticipant:
    return AddParticipant(pseudonym="Odette", territory="t1", role=H, table=table)


def odette_joined(added_by: str) -> ParticipantJoined:
    return ParticipantJoined(
        participant="p5",
        pseudonym="Odette",
        territory="t1",
        role=H,
        stays_seated=False,
        consent=False,
        added_by=added_by,
    )


WITH_TABLET = [*a_running_round(), TB1_ISSUED, *a_statement()]
WITH_VOTE = [*a_running_round(), TB1_ISSUED, *a_proposal(), *vote_opened("v1", "pr1")]


# --- adding someone without a device -------------------------------------------------------------


def test_the_facilitator_adds_someone_without_a_device_at_the_table_they_choose() -> None:
    after = (
        given(a_running_round())
        .when(odette(table=2), as_=FACILITATOR)
        .then(
            odette_joined("facilitator"),
            ParticipantSeated(participant="p5", table=2, hosts=False),
        )
    )
    assert after.participants["p5"].added_by == "facilitator"
    assert after.tables[2].members == ("p3", "p4", "p5")


def test_before_seating_the_facilitator_adds_them_and_the_seating_places_them() -> None:
    unseated = [*a_session(), *with_participants(4)]
    given(unseated).when(odette(), as_=FACILITATOR).then(odette_joined("facilitator"))
    given(unseated).when(odette(table=1), as_=FACILITATOR).then_rejected("not_seated")


def test_after_seating_the_facilitator_names_the_table() -> None:
    given(a_running_round()).when(odette(), as_=FACILITATOR).then_rejected("bad_request")
    given(a_running_round()).when(odette(table=9), as_=FACILITATOR).then_rejected("unknown_table")


def test_a_host_and_a_table_tablet_add_someone_at_their_own_table() -> None:
    # sender, table asked -> the events, or the code
    table: list[tuple[Sender, int | None, list[Event] | str]] = [
        (
            P1,
            None,
            [odette_joined("p1"), ParticipantSeated(participant="p5", table=1, hosts=False)],
        ),
        (P1, 1, [odette_joined("p1"), ParticipantSeated(participant="p5", table=1, hosts=False)]),
        (P1, 2, "not_at_table"),
        (P2, None, "not_allowed"),  # p2 hosts nothing
        (
            TB1,
            None,
            [odette_joined("tb1"), ParticipantSeated(participant="p5", table=1, hosts=False)],
        ),
        (TB1, 2, "not_at_table"),
    ]
    for sender, at, expected in table:
        outcome = given(a_running_round(), TB1_ISSUED).when(odette(table=at), as_=sender)
        if isinstance(expected, str):
            outcome.then_rejected(expected)
        else:
            outcome.then(*expected)


def test_someone_added_keeps_the_rules_of_a_join() -> None:
    given(a_running_round()).when(
        AddParticipant(pseudonym="Personne p1", territory="t1", role=H, table=1), as_=FACILITATOR
    ).then_rejected("pseudonym_taken")
    given(a_running_round()).when(
        AddParticipant(pseudonym="Odette", territory="t9", role=H, table=1), as_=FACILITATOR
    ).then_rejected("unknown_territory")
    given(a_running_round()).when(
        AddParticipant(pseudonym="x" * 41, territory="t1", role=H, table=1), as_=FACILITATOR
    ).then_rejected("text_too_long")


# --- the table tablet's link ---------------------------------------------------------------------


def test_a_host_gives_their_table_a_tablet_and_the_facilitator_any_table() -> None:
    after = given(a_running_round()).when(IssueTableTablet(table=1), as_=P1).then(TB1_ISSUED)
    assert after.tablet_table("tb1") == 1
    given(a_running_round()).when(IssueTableTablet(table=2), as_=P1).then_rejected("not_at_table")
    given(a_running_round()).when(IssueTableTablet(table=2), as_=FACILITATOR).then(
        TableTabletIssued(tablet="tb1", table=2)
    )
    given(a_running_round()).when(IssueTableTablet(table=7), as_=FACILITATOR).then_rejected(
        "unknown_table"
    )
    unseated = [*a_session(), *with_participants(4)]
    given(unseated).when(IssueTableTablet(table=1), as_=FACILITATOR).then_rejected("not_seated")


def test_a_tablet_link_is_revoked_once() -> None:
    issued = [*a_running_round(), TB1_ISSUED]
    after = (
        given(issued)
        .when(RevokeTableTablet(tablet="tb1"), as_=P1)
        .then(TableTabletRevoked(tablet="tb1"))
    )
    assert after.tablet_table("tb1") is None
    given(issued).when(RevokeTableTablet(tablet="tb1"), as_=P3).then_rejected("not_at_table")
    given(issued, TableTabletRevoked(tablet="tb1")).when(
        RevokeTableTablet(tablet="tb1"), as_=FACILITATOR
    ).then_rejected("tablet_revoked")
    given(issued).when(RevokeTableTablet(tablet="tb7"), as_=FACILITATOR).then_rejected(
        "unknown_tablet"
    )


def test_a_hundred_tablet_links_at_most_are_in_service() -> None:
    many = [TableTabletIssued(tablet=f"tb{i}", table=1) for i in range(1, 101)]
    given(a_running_round(), many).when(IssueTableTablet(table=2), as_=FACILITATOR).then_rejected(
        "too_many_tablets"
    )
    given(a_running_round(), many, TableTabletRevoked(tablet="tb3")).when(
        IssueTableTablet(table=2), as_=FACILITATOR
    ).then(TableTabletIssued(tablet="tb101", table=2))


def test_a_revoked_tablet_may_send_nothing() -> None:
    revoked = [*WITH_TABLET, TableTabletRevoked(tablet="tb1")]
    given(revoked).when(
        RecordPosition(participant="p2", statement="s1", value=1), as_=TB1
    ).then_rejected("not_allowed")
    given(WITH_TABLET).when(
        RecordPosition(participant="p2", statement="s1", value=1), as_=Sender("tb9", Role.TABLET)
    ).then_rejected("not_allowed")


# --- positions recorded for a member -------------------------------------------------------------


def test_a_table_tablet_acts_for_its_own_table_only() -> None:
    # member -> the event, or the code (tb1 serves table 1: p1 and p2; p3 and p4 sit at table 2)
    table: dict[str, PositionTaken | str] = {
        "p1": PositionTaken(participant="p1", statement="s1", value=2, round=1, recorded_by="tb1"),
        "p2": PositionTaken(participant="p2", statement="s1", value=2, round=1, recorded_by="tb1"),
        "p3": "not_at_table",
        "p4": "not_at_table",
        "p9": "unknown_participant",
    }
    for member, expected in table.items():
        command = RecordPosition(participant=member, statement="s1", value=2)
        outcome = given(WITH_TABLET).when(command, as_=TB1)
        if isinstance(expected, str):
            outcome.then_rejected(expected)
        else:
            outcome.then(expected)


def test_the_host_records_a_members_position_for_them() -> None:
    after = (
        given(WITH_TABLET)
        .when(RecordPosition(participant="p2", statement="s1", value=-1), as_=P1)
        .then(PositionTaken(participant="p2", statement="s1", value=-1, round=1, recorded_by="p1"))
    )
    assert after.positions[("p2", "s1")] == -1  # the member's, counted as theirs
    given(WITH_TABLET).when(
        RecordPosition(participant="p4", statement="s1", value=1), as_=P1
    ).then_rejected("not_at_table")
    given(WITH_TABLET).when(
        RecordPosition(participant="p1", statement="s1", value=1), as_=P2
    ).then_rejected("not_allowed")  # p2 hosts nothing
    given(WITH_TABLET).when(
        RecordPosition(participant="p1", statement="s1", value=1), as_=P1
    ).then_rejected("bad_request")  # their own goes through TakePosition


def test_a_recorded_position_follows_the_rules_of_a_position() -> None:
    given(WITH_TABLET).when(
        RecordPosition(participant="p2", statement="s1", value=3), as_=TB1
    ).then_rejected("bad_request")
    given(WITH_TABLET).when(
        RecordPosition(participant="p2", statement="s9", value=1), as_=TB1
    ).then_rejected("unknown_statement")
    given(WITH_TABLET).when(
        RecordPosition(participant="p2", statement="s1", value=1), as_=TB1, now=T0 + ROUND_MS
    ).then_rejected("round_closed")
    given(WITH_TABLET, round_ended(1)).when(
        RecordPosition(participant="p2", statement="s1", value=1), as_=TB1
    ).then_rejected("round_closed")


def test_a_member_changes_a_recorded_position_from_their_own_phone() -> None:
    recorded = PositionTaken(participant="p2", statement="s1", value=1, round=1, recorded_by="tb1")
    after = (
        given(WITH_TABLET, recorded)
        .when(TakePosition(statement="s1", value=-2), as_=P2)
        .then(PositionTaken(participant="p2", statement="s1", value=-2, round=1))
    )
    assert after.positions[("p2", "s1")] == -2


# --- ballots recorded for a member ---------------------------------------------------------------


def test_a_table_tablet_casts_a_members_ballot_which_counts_as_theirs() -> None:
    command = RecordBallot(participant="p2", vote="v1", grades={"pr1": Grade.BIEN})
    after = (
        given(WITH_VOTE)
        .when(command, as_=TB1)
        .then(
            BallotCast(vote="v1", participant="p2", grades={"pr1": Grade.BIEN}, recorded_by="tb1")
        )
    )
    assert after.votes["v1"].ballots == {"p2": {"pr1": Grade.BIEN}}
    given(WITH_VOTE, ballot("v1", "p2", pr1=Grade.BIEN)).when(command, as_=TB1).then_rejected(
        "already_voted"
    )
    given(WITH_VOTE).when(
        RecordBallot(participant="p3", vote="v1", grades={"pr1": Grade.BIEN}), as_=TB1
    ).then_rejected("not_at_table")
    given(WITH_VOTE, vote_closed("v1")).when(command, as_=TB1).then_rejected("vote_closed")


def test_a_ballot_cast_on_the_tablet_cannot_be_cast_again_from_the_phone() -> None:
    recorded = BallotCast(vote="v1", participant="p2", grades={"pr1": Grade.BIEN}, recorded_by="p1")
    given(WITH_VOTE, recorded).when(
        CastBallot(vote="v1", grades={"pr1": Grade.PASSABLE}), as_=P2
    ).then_rejected("already_voted")


# --- paper ballots -------------------------------------------------------------------------------

PAPER = ({"pr1": Grade.BIEN}, {"pr1": Grade.BIEN}, {"pr1": Grade.INSUFFISANT})


def test_a_stack_of_paper_ballots_counts_in_the_profiles_like_cast_ones() -> None:
    with_ballot = [*WITH_VOTE, *ballot("v1", "p1", pr1=Grade.EXCELLENT)]
    after = (
        given(with_ballot)
        .when(EnterPaperBallots(vote="v1", ballots=PAPER, note=" Urne papier "), as_=FACILITATOR)
        .then(PaperBallotsEntered(vote="v1", ballots=PAPER, note="Urne papier"))
    )
    vote = after.votes["v1"]
    assert vote.paper_count == 3
    assert vote.ballots == {"p1": {"pr1": Grade.EXCELLENT}}  # nobody's
    assert tally_vote(vote) == {"pr1": (0, 1, 0, 0, 2, 0, 1)}


def test_paper_ballots_count_for_the_room_and_in_no_territory() -> None:
    stack = PaperBallotsEntered(vote="v1", ballots=PAPER * 2, note="Urne")
    state = given(WITH_VOTE, *(ballot("v1", p, pr1=Grade.BIEN) for p in ("p1", "p2")), stack)
    (result,) = vote_results(state.state)
    assert result.overall.voters == 8
    assert not result.overall.hidden
    assert sum(r.voters for r in result.territories) == 2


@pytest.mark.parametrize(
    ("ballots", "code"),
    [
        ((), "bad_request"),  # an empty stack
        (({"pr1": Grade.BIEN},) * 501, "bad_request"),  # more than 500 in one stack
        (({},), "bad_request"),  # a proposal left without a grade
        (({"pr1": 7},), "bad_request"),  # no such grade
        (({"pr1": Grade.BIEN, "pr9": Grade.BIEN},), "bad_request"),  # not on the vote
    ],
)
def test_a_stack_is_counted_and_every_ballot_grades_every_proposal(
    ballots: tuple[dict[str, Grade], ...], code: str
) -> None:
    given(WITH_VOTE).when(
        EnterPaperBallots(vote="v1", ballots=ballots, note="Urne"), as_=FACILITATOR
    ).then_rejected(code)


def test_paper_ballots_go_in_an_open_vote_with_a_note() -> None:
    given(WITH_VOTE, vote_closed("v1")).when(
        EnterPaperBallots(vote="v1", ballots=PAPER, note="Urne"), as_=FACILITATOR
    ).then_rejected("vote_closed")
    given(WITH_VOTE).when(
        EnterPaperBallots(vote="v9", ballots=PAPER, note="Urne"), as_=FACILITATOR
    ).then_rejected("unknown_vote")
    given(WITH_VOTE).when(
        EnterPaperBallots(vote="v1", ballots=PAPER, note="  "), as_=FACILITATOR
    ).then_rejected("bad_request")
    given(WITH_VOTE).when(
        EnterPaperBallots(vote="v1", ballots=PAPER, note="x" * 201), as_=FACILITATOR
    ).then_rejected("text_too_long")


def test_the_room_sees_how_many_paper_ballots_and_nothing_else() -> None:
    state = given(WITH_VOTE, PaperBallotsEntered(vote="v1", ballots=PAPER, note="Urne")).state
    public = visible_state(state, full=False, participant="p2")
    assert public["votes"]["v1"]["paper"] == [{"count": 3, "note": None, "ballots": []}]
    full = visible_state(state, full=True, participant=None)
    assert list(full["votes"]["v1"]["paper"][0]["ballots"]) == [{"pr1": 4}, {"pr1": 4}, {"pr1": 1}]

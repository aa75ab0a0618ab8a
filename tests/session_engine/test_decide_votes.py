"""Proposals and majority-judgment votes, and closing the session."""

from __future__ import annotations

from typing import Any

import pytest

from session_engine.commands import (
    CastBallot,
    CloseSession,
    CloseVote,
    Command,
    JoinSession,
    OpenVote,
    PromoteProposal,
    ProposeStatement,
)
from session_engine.events import (
    BallotCast,
    Event,
    ProposalPromoted,
    RoundEnded,
    RoundPaused,
    SessionClosed,
    StatementHidden,
    StatementsMerged,
    VoteClosed,
    VoteOpened,
)
from session_engine.model import Grade, ParticipantRole
from session_engine.state import Proposal, RoundStatus

from .harness import (
    FACILITATOR,
    GUEST,
    MINUTE,
    Sender,
    a_proposal,
    a_running_round,
    a_seated_session,
    a_statement,
    ballot,
    given,
    participant,
    round_ended,
    vote_closed,
    vote_opened,
)

STATEMENT_TEXT = "Les ascenseurs de la cité sont en panne un jour sur deux."


def two_proposals() -> list[Event]:
    return [
        *a_running_round(),
        *a_proposal("pr1", statement="s1"),
        *a_proposal("pr2", statement="s2"),
    ]


def a_vote_on_two_proposals() -> list[Event]:
    return [*two_proposals(), *vote_opened("v1", "pr1", "pr2")]


# --- PromoteProposal ----------------------------------------------------------------------------


def test_facilitator_promotes_a_published_statement_with_its_own_words() -> None:
    state = (
        given(a_running_round(), a_statement())
        .when(PromoteProposal(statement="s1"), as_=FACILITATOR)
        .then(ProposalPromoted(proposal="pr1", statement="s1", text=STATEMENT_TEXT))
    )
    assert state.proposals == {"pr1": Proposal(id="pr1", statement="s1", text=STATEMENT_TEXT)}


def test_facilitator_may_reword_a_proposal() -> None:
    given(a_running_round(), a_proposal("pr1", statement="s1"), a_statement("s2")).when(
        PromoteProposal(statement="s2", text="  Rénover les halls d’immeuble. "), as_=FACILITATOR
    ).then(ProposalPromoted(proposal="pr2", statement="s2", text="Rénover les halls d’immeuble."))


def test_a_statement_is_promoted_once() -> None:
    given(a_running_round(), a_proposal()).when(
        PromoteProposal(statement="s1"), as_=FACILITATOR
    ).then_rejected("already_promoted")


@pytest.mark.parametrize(
    ("givens", "code"),
    [
        pytest.param(a_statement(published=False), "not_published", id="in the queue"),
        pytest.param(
            [*a_statement(), StatementHidden(statement="s1")], "not_published", id="hidden"
        ),
        pytest.param([], "unknown_statement", id="unknown"),
        pytest.param(
            [*a_statement("s2"), *a_statement(), StatementsMerged(statement="s1", into="s2")],
            "already_merged",
            id="merged",
        ),
    ],
)
def test_only_a_published_statement_becomes_a_proposal(givens: list[Event], code: str) -> None:
    given(a_running_round(), givens).when(
        PromoteProposal(statement="s1"), as_=FACILITATOR
    ).then_rejected(code)


@pytest.mark.parametrize(("text", "code"), [(" ", "bad_request"), ("p" * 401, "text_too_long")])
def test_a_reworded_proposal_is_a_text_of_at_most_400_characters(text: str, code: str) -> None:
    scenario = given(a_running_round(), a_statement())
    scenario.when(PromoteProposal(statement="s1", text="p" * 400), as_=FACILITATOR).then(
        ProposalPromoted(proposal="pr1", statement="s1", text="p" * 400)
    )
    scenario.when(PromoteProposal(statement="s1", text=text), as_=FACILITATOR).then_rejected(code)


# --- OpenVote -----------------------------------------------------------------------------------


def test_facilitator_opens_a_vote_on_proposals() -> None:
    state = (
        given(two_proposals())
        .when(OpenVote(proposals=("pr2", "pr1")), as_=FACILITATOR)
        .then(VoteOpened(vote="v1", proposals=("pr2", "pr1")))
    )
    vote = state.votes["v1"]
    assert (vote.open, vote.proposals, vote.ballots) == (True, ("pr2", "pr1"), {})
    assert state.open_vote is vote


def test_a_vote_can_be_held_between_rounds_and_votes_are_numbered() -> None:
    given(two_proposals(), vote_opened("v1", "pr1"), vote_closed("v1"), round_ended(1)).when(
        OpenVote(proposals=("pr2",)), as_=FACILITATOR
    ).then(VoteOpened(vote="v2", proposals=("pr2",)))


@pytest.mark.parametrize(
    "proposals", [pytest.param((), id="none"), pytest.param(("pr1", "pr1"), id="twice")]
)
def test_a_vote_needs_distinct_proposals(proposals: tuple[str, ...]) -> None:
    given(two_proposals()).when(OpenVote(proposals=proposals), as_=FACILITATOR).then_rejected(
        "bad_request"
    )


def test_a_vote_on_an_unknown_proposal_is_refused() -> None:
    given(two_proposals()).when(OpenVote(proposals=("pr1", "pr9")), as_=FACILITATOR).then_rejected(
        "unknown_proposal"
    )


def test_one_vote_at_a_time() -> None:
    given(two_proposals(), vote_opened("v1", "pr1")).when(
        OpenVote(proposals=("pr2",)), as_=FACILITATOR
    ).then_rejected("vote_open")


# --- CastBallot ---------------------------------------------------------------------------------


def test_participant_grades_every_proposal_in_one_ballot() -> None:
    command = CastBallot(vote="v1", grades={"pr2": Grade.A_REJETER, "pr1": Grade.TRES_BIEN})
    state = (
        given(a_vote_on_two_proposals())
        .when(command, as_=participant("p2"))
        .then(
            BallotCast(
                vote="v1",
                participant="p2",
                grades={"pr1": Grade.TRES_BIEN, "pr2": Grade.A_REJETER},
            )
        )
    )
    assert state.votes["v1"].ballots == {"p2": {"pr1": Grade.TRES_BIEN, "pr2": Grade.A_REJETER}}


def test_grades_given_as_plain_integers_become_grades() -> None:
    grades: dict[str, Any] = {"pr1": 6}
    (cast,) = (
        given(a_vote_on_two_proposals())
        .when(CastBallot(vote="v1", grades=grades), as_=participant("p2"))
        .events
    )
    assert isinstance(cast, BallotCast)
    assert cast.grades == {"pr1": Grade.EXCELLENT}
    assert type(cast.grades["pr1"]) is Grade


def test_a_ballot_may_be_completed_later() -> None:
    state = (
        given(a_vote_on_two_proposals(), ballot("v1", "p2", pr1=Grade.BIEN))
        .when(CastBallot(vote="v1", grades={"pr2": Grade.PASSABLE}), as_=participant("p2"))
        .then(BallotCast(vote="v1", participant="p2", grades={"pr2": Grade.PASSABLE}))
    )
    assert state.votes["v1"].ballots["p2"] == {"pr1": Grade.BIEN, "pr2": Grade.PASSABLE}


def test_a_proposal_is_graded_once_per_participant() -> None:
    given(a_vote_on_two_proposals(), ballot("v1", "p2", pr1=Grade.BIEN)).when(
        CastBallot(vote="v1", grades={"pr1": Grade.EXCELLENT, "pr2": Grade.BIEN}),
        as_=participant("p2"),
    ).then_rejected("already_voted")


def test_another_participant_grades_the_same_proposal() -> None:
    given(a_vote_on_two_proposals(), ballot("v1", "p2", pr1=Grade.BIEN)).when(
        CastBallot(vote="v1", grades={"pr1": Grade.INSUFFISANT}), as_=participant("p3")
    ).then(BallotCast(vote="v1", participant="p3", grades={"pr1": Grade.INSUFFISANT}))


@pytest.mark.parametrize(
    "grades",
    [
        pytest.param({}, id="empty"),
        pytest.param({"pr1": 7}, id="7"),
        pytest.param({"pr1": -1}, id="-1"),
    ],
)
def test_a_ballot_off_the_scale_is_a_bad_request(grades: dict[str, Any]) -> None:
    given(a_vote_on_two_proposals()).when(
        CastBallot(vote="v1", grades=grades), as_=participant("p2")
    ).then_rejected("bad_request")


def test_grading_a_proposal_outside_the_vote_is_refused() -> None:
    given(two_proposals(), vote_opened("v1", "pr1")).when(
        CastBallot(vote="v1", grades={"pr1": Grade.BIEN, "pr2": Grade.BIEN}), as_=participant("p2")
    ).then_rejected("unknown_proposal")


def test_a_ballot_for_an_unknown_vote_is_refused() -> None:
    given(a_vote_on_two_proposals()).when(
        CastBallot(vote="v2", grades={"pr1": Grade.BIEN}), as_=participant("p2")
    ).then_rejected("unknown_vote")


def test_a_ballot_after_the_vote_closed_is_refused() -> None:
    given(a_vote_on_two_proposals(), vote_closed("v1")).when(
        CastBallot(vote="v1", grades={"pr1": Grade.BIEN}), as_=participant("p2")
    ).then_rejected("vote_closed")


# --- CloseVote ----------------------------------------------------------------------------------


def test_facilitator_closes_the_vote() -> None:
    state = (
        given(a_vote_on_two_proposals(), ballot("v1", "p2", pr1=Grade.BIEN))
        .when(CloseVote(vote="v1"), as_=FACILITATOR)
        .then(VoteClosed(vote="v1"))
    )
    assert state.votes["v1"].open is False
    assert state.open_vote is None
    assert state.votes["v1"].ballots == {"p2": {"pr1": Grade.BIEN}}


def test_a_vote_is_closed_once() -> None:
    given(a_vote_on_two_proposals(), vote_closed("v1")).when(
        CloseVote(vote="v1"), as_=FACILITATOR
    ).then_rejected("already_closed")


def test_closing_an_unknown_vote_is_refused() -> None:
    given(a_vote_on_two_proposals()).when(CloseVote(vote="v7"), as_=FACILITATOR).then_rejected(
        "unknown_vote"
    )


# --- CloseSession -------------------------------------------------------------------------------


def test_facilitator_closes_a_quiet_session() -> None:
    state = given(a_seated_session()).when(CloseSession(), as_=FACILITATOR).then(SessionClosed())
    assert state.closed


def test_closing_ends_the_running_round_then_closes_open_votes() -> None:
    state = (
        given(a_vote_on_two_proposals())
        .when(CloseSession(), as_=FACILITATOR)
        .then(RoundEnded(round=1, reason="session_closed"), VoteClosed(vote="v1"), SessionClosed())
    )
    assert state.rounds[0].status is RoundStatus.ENDED
    assert state.rounds[0].end_reason == "session_closed"
    assert state.votes["v1"].open is False
    assert state.closed


def test_closing_ends_a_paused_round() -> None:
    given(a_running_round(), RoundPaused(round=1, remaining_ms=MINUTE)).when(
        CloseSession(), as_=FACILITATOR
    ).then(RoundEnded(round=1, reason="session_closed"), SessionClosed())


def test_closing_leaves_ended_rounds_and_closed_votes_alone() -> None:
    given(a_vote_on_two_proposals(), vote_closed("v1"), round_ended(1)).when(
        CloseSession(), as_=FACILITATOR
    ).then(SessionClosed())


def test_a_session_is_closed_once() -> None:
    given(a_seated_session(), SessionClosed()).when(CloseSession(), as_=FACILITATOR).then_rejected(
        "already_closed"
    )


@pytest.mark.parametrize(
    ("command", "sender"),
    [
        pytest.param(CloseVote(vote="v1"), FACILITATOR, id="close vote"),
        pytest.param(OpenVote(proposals=("pr1",)), FACILITATOR, id="open vote"),
        pytest.param(
            CastBallot(vote="v1", grades={"pr1": Grade.BIEN}), participant("p2"), id="ballot"
        ),
        pytest.param(ProposeStatement(text="Encore une idée"), participant("p2"), id="statement"),
    ],
)
def test_nothing_happens_in_a_closed_session(command: Command, sender: Sender) -> None:
    closed = [*a_vote_on_two_proposals(), RoundEnded(round=1, reason="session_closed")]
    given(closed, VoteClosed(vote="v1"), SessionClosed()).when(command, as_=sender).then_rejected(
        "session_closed"
    )


def test_nobody_joins_a_closed_session() -> None:
    given(a_seated_session(), SessionClosed()).when(
        JoinSession(pseudonym="Tard", territory="t1", role=ParticipantRole.AUTRE), as_=GUEST
    ).then_rejected("session_closed")

"""Showing results on every screen: a statement's positions, a closed vote's merit profiles."""

from __future__ import annotations

from session_engine.commands import HideResults, ShowResults
from session_engine.events import ResultsHidden, ResultsShown
from session_engine.model import Grade
from session_engine.state import ShownResults
from session_engine.visibility import visible_state

from .harness import (
    FACILITATOR,
    a_proposal,
    a_running_round,
    a_statement,
    ballot,
    given,
    participant,
    vote_closed,
    vote_opened,
)

A_CLOSED_VOTE = [
    *a_running_round(),
    *a_proposal("pr1", statement="s1"),
    *a_proposal("pr2", statement="s2"),
    *vote_opened("v1", "pr1", "pr2"),
    *ballot("v1", "p1", pr1=Grade.EXCELLENT, pr2=Grade.PASSABLE),
    *ballot("v1", "p2", pr1=Grade.BIEN),
    *vote_closed("v1"),
]


def test_the_facilitator_shows_a_statements_positions() -> None:
    state = (
        given(a_running_round(), a_statement())
        .when(ShowResults(statement="s1"), as_=FACILITATOR)
        .then(ResultsShown(statement="s1", vote=None, profiles={}))
    )
    assert state.results == ShownResults(statement="s1", vote=None, profiles={})


def test_a_closed_vote_is_shown_with_its_merit_profiles_and_no_ballot() -> None:
    # p2 left pr2 ungraded: it counts as À rejeter, so both profiles have two judges.
    given(A_CLOSED_VOTE).when(ShowResults(vote="v1"), as_=FACILITATOR).then(
        ResultsShown(
            statement=None,
            vote="v1",
            profiles={"pr1": (0, 0, 0, 0, 1, 0, 1), "pr2": (1, 0, 1, 0, 0, 0, 0)},
        )
    )


def test_an_open_vote_is_not_shown() -> None:
    given(a_running_round(), a_proposal(), vote_opened("v1", "pr1")).when(
        ShowResults(vote="v1"), as_=FACILITATOR
    ).then_rejected("vote_still_open")


def test_results_name_exactly_one_thing() -> None:
    scenario = given(A_CLOSED_VOTE)
    scenario.when(ShowResults(), as_=FACILITATOR).then_rejected("bad_request")
    scenario.when(ShowResults(statement="s1", vote="v1"), as_=FACILITATOR).then_rejected(
        "bad_request"
    )


def test_only_published_statements_and_known_votes_are_shown() -> None:
    scenario = given(a_running_round(), a_statement("s1", published=False))
    scenario.when(ShowResults(statement="s1"), as_=FACILITATOR).then_rejected("not_published")
    scenario.when(ShowResults(statement="s9"), as_=FACILITATOR).then_rejected("unknown_statement")
    scenario.when(ShowResults(vote="v9"), as_=FACILITATOR).then_rejected("unknown_vote")


def test_showing_other_results_replaces_what_is_shown() -> None:
    profiles: dict[str, tuple[int, ...]] = {
        "pr1": (0, 0, 0, 0, 1, 0, 1),
        "pr2": (1, 0, 1, 0, 0, 0, 0),
    }
    shown = ResultsShown(statement="s1", vote=None, profiles={})
    state = (
        given(A_CLOSED_VOTE, [shown])
        .when(ShowResults(vote="v1"), as_=FACILITATOR)
        .then(ResultsShown(statement=None, vote="v1", profiles=profiles))
    )
    assert state.results == ShownResults(statement=None, vote="v1", profiles=profiles)


def test_the_facilitator_hides_the_results() -> None:
    shown = ResultsShown(statement="s1", vote=None, profiles={})
    state = (
        given(a_running_round(), a_statement(), [shown])
        .when(HideResults(), as_=FACILITATOR)
        .then(ResultsHidden())
    )
    assert state.results is None


def test_hiding_nothing_is_refused() -> None:
    given(a_running_round()).when(HideResults(), as_=FACILITATOR).then_rejected("nothing_shown")


def test_a_participant_cannot_show_results() -> None:
    given(A_CLOSED_VOTE).when(ShowResults(vote="v1"), as_=participant("p1")).then_rejected(
        "not_allowed"
    )


def test_everyone_sees_the_shown_profiles_in_their_snapshot() -> None:
    profiles: dict[str, tuple[int, ...]] = {
        "pr1": (0, 0, 0, 0, 1, 0, 1),
        "pr2": (1, 0, 1, 0, 0, 0, 0),
    }
    state = given(A_CLOSED_VOTE, [ResultsShown(statement=None, vote="v1", profiles=profiles)])
    public = visible_state(state.state, full=False, participant=None)
    assert public["results"] == {
        "statement": None,
        "vote": "v1",
        "profiles": profiles,
    }
    assert public["votes"]["v1"]["ballots"] == {}

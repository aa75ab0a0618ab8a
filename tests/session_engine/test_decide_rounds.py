"""The rounds and their clock: start, pause, resume, extend, end (by hand or at the deadline)."""

from __future__ import annotations

import pytest

from session_engine.commands import EndRound, ExtendRound, PauseRound, ResumeRound, StartRound
from session_engine.events import (
    Event,
    RoundEnded,
    RoundExtended,
    RoundPaused,
    RoundResumed,
    RoundStarted,
)
from session_engine.state import Round, RoundStatus, SessionState

from .harness import (
    FACILITATOR,
    MINUTE,
    ROUND_MS,
    SYSTEM,
    T0,
    a_running_round,
    a_seated_session,
    a_session,
    given,
    round_ended,
    round_started,
    with_participants,
)

DEADLINE = T0 + ROUND_MS


def current(state: SessionState) -> Round:
    assert state.round is not None
    return state.round


def paused_at(minute: int) -> list[Event]:
    """Round 1 paused ``minute`` minutes after its start at ``T0``."""
    return [*a_running_round(), RoundPaused(round=1, remaining_ms=ROUND_MS - minute * MINUTE)]


# --- StartRound ---------------------------------------------------------------------------------


def test_facilitator_starts_the_first_round_and_its_hosts_are_the_plan_hosts() -> None:
    state = (
        given(a_seated_session())
        .when(StartRound(), as_=FACILITATOR, now=T0)
        .then(RoundStarted(round=1, deadline=T0 + ROUND_MS))
    )
    started = current(state)
    assert (started.number, started.status, started.deadline) == (1, RoundStatus.RUNNING, DEADLINE)
    assert started.hosts == {1: "p1", 2: "p3"}
    assert state.current_round == 1
    assert state.rounds[1].status is RoundStatus.PENDING


def test_next_round_starts_after_the_previous_one_ended() -> None:
    later = T0 + 45 * MINUTE
    state = (
        given(a_running_round(), round_ended(1))
        .when(StartRound(), as_=FACILITATOR, now=later)
        .then(RoundStarted(round=2, deadline=later + ROUND_MS))
    )
    assert state.current_round == 2
    assert state.rounds[0].status is RoundStatus.ENDED


def test_a_round_needs_seated_tables() -> None:
    given(a_session(), with_participants(4)).when(StartRound(), as_=FACILITATOR).then_rejected(
        "not_seated"
    )


def test_a_round_does_not_start_while_another_runs() -> None:
    given(a_running_round()).when(StartRound(), as_=FACILITATOR).then_rejected("round_running")


def test_a_round_does_not_start_while_another_is_paused() -> None:
    given(paused_at(5)).when(StartRound(), as_=FACILITATOR).then_rejected("round_paused")


def test_no_round_starts_once_the_agenda_is_done() -> None:
    given(a_running_round(rounds=1), round_ended(1)).when(
        StartRound(), as_=FACILITATOR
    ).then_rejected("agenda_done")


# --- PauseRound and ResumeRound ----------------------------------------------------------------


def test_pausing_keeps_the_time_left() -> None:
    state = (
        given(a_running_round())
        .when(PauseRound(), as_=FACILITATOR, now=T0 + 5 * MINUTE)
        .then(RoundPaused(round=1, remaining_ms=15 * MINUTE))
    )
    paused = current(state)
    assert (paused.status, paused.deadline, paused.remaining_ms) == (
        RoundStatus.PAUSED,
        None,
        15 * MINUTE,
    )


def test_pausing_after_the_deadline_leaves_no_time() -> None:
    given(a_running_round()).when(PauseRound(), as_=FACILITATOR, now=DEADLINE + MINUTE).then(
        RoundPaused(round=1, remaining_ms=0)
    )


def test_a_paused_round_cannot_be_paused_again() -> None:
    given(paused_at(5)).when(PauseRound(), as_=FACILITATOR).then_rejected("round_paused")


def test_there_is_nothing_to_pause_before_the_first_round() -> None:
    given(a_seated_session()).when(PauseRound(), as_=FACILITATOR).then_rejected("round_closed")


def test_there_is_nothing_to_pause_after_the_round_ended() -> None:
    given(a_running_round(), round_ended(1)).when(PauseRound(), as_=FACILITATOR).then_rejected(
        "round_closed"
    )


def test_resuming_sets_the_deadline_from_the_time_left() -> None:
    state = (
        given(paused_at(5))
        .when(ResumeRound(), as_=FACILITATOR, now=T0 + 30 * MINUTE)
        .then(RoundResumed(round=1, deadline=T0 + 45 * MINUTE))
    )
    resumed = current(state)
    assert (resumed.status, resumed.deadline, resumed.remaining_ms) == (
        RoundStatus.RUNNING,
        T0 + 45 * MINUTE,
        None,
    )


def test_a_running_round_cannot_be_resumed() -> None:
    given(a_running_round()).when(ResumeRound(), as_=FACILITATOR).then_rejected("round_running")


def test_an_ended_round_cannot_be_resumed() -> None:
    given(paused_at(5), round_ended(1)).when(ResumeRound(), as_=FACILITATOR).then_rejected(
        "round_closed"
    )


# --- ExtendRound --------------------------------------------------------------------------------


def test_extending_a_running_round_moves_its_deadline() -> None:
    state = (
        given(a_running_round())
        .when(ExtendRound(minutes=5), as_=FACILITATOR, now=T0 + MINUTE)
        .then(
            RoundExtended(
                round=1, by_ms=5 * MINUTE, deadline=DEADLINE + 5 * MINUTE, remaining_ms=None
            )
        )
    )
    assert current(state).deadline == DEADLINE + 5 * MINUTE
    assert current(state).remaining_ms is None


def test_extending_a_paused_round_adds_to_the_time_left() -> None:
    state = (
        given(paused_at(5))
        .when(ExtendRound(minutes=5), as_=FACILITATOR, now=T0 + 10 * MINUTE)
        .then(RoundExtended(round=1, by_ms=5 * MINUTE, deadline=None, remaining_ms=20 * MINUTE))
    )
    assert current(state).status is RoundStatus.PAUSED
    assert current(state).deadline is None
    assert current(state).remaining_ms == 20 * MINUTE


def test_pause_extend_resume_adds_up() -> None:
    """Paused 5 min in (15 left), extended by 5 (20 left), resumed at 30 min: ends at 50 min."""
    extended = RoundExtended(round=1, by_ms=5 * MINUTE, deadline=None, remaining_ms=20 * MINUTE)
    state = (
        given(paused_at(5), extended)
        .when(ResumeRound(), as_=FACILITATOR, now=T0 + 30 * MINUTE)
        .then(RoundResumed(round=1, deadline=T0 + 50 * MINUTE))
    )
    assert current(state).deadline == T0 + 50 * MINUTE


@pytest.mark.parametrize("minutes", [1, 60])
def test_an_extension_of_one_minute_to_one_hour_is_accepted(minutes: int) -> None:
    given(a_running_round()).when(ExtendRound(minutes=minutes), as_=FACILITATOR).then(
        RoundExtended(
            round=1,
            by_ms=minutes * MINUTE,
            deadline=DEADLINE + minutes * MINUTE,
            remaining_ms=None,
        )
    )


@pytest.mark.parametrize("minutes", [0, -5, 61])
def test_an_extension_outside_one_minute_to_one_hour_is_a_bad_request(minutes: int) -> None:
    given(a_running_round()).when(ExtendRound(minutes=minutes), as_=FACILITATOR).then_rejected(
        "bad_request"
    )


def test_an_ended_round_cannot_be_extended() -> None:
    given(a_running_round(), round_ended(1)).when(
        ExtendRound(minutes=5), as_=FACILITATOR
    ).then_rejected("round_closed")


# --- EndRound -----------------------------------------------------------------------------------


def test_facilitator_ends_a_running_round_early() -> None:
    state = (
        given(a_running_round())
        .when(EndRound(), as_=FACILITATOR, now=T0 + MINUTE)
        .then(RoundEnded(round=1, reason="facilitator"))
    )
    ended = current(state)
    assert (ended.status, ended.deadline, ended.remaining_ms, ended.end_reason) == (
        RoundStatus.ENDED,
        None,
        None,
        "facilitator",
    )


def test_facilitator_ends_a_paused_round() -> None:
    state = (
        given(paused_at(5))
        .when(EndRound(), as_=FACILITATOR)
        .then(RoundEnded(round=1, reason="facilitator"))
    )
    assert current(state).remaining_ms is None


def test_the_clock_ends_the_round_at_its_deadline() -> None:
    state = (
        given(a_running_round())
        .when(EndRound(), as_=SYSTEM, now=DEADLINE)
        .then(RoundEnded(round=1, reason="deadline"))
    )
    assert current(state).end_reason == "deadline"


def test_the_clock_ends_a_late_round_too() -> None:
    given(a_running_round()).when(EndRound(), as_=SYSTEM, now=DEADLINE + 3 * MINUTE).then(
        RoundEnded(round=1, reason="deadline")
    )


def test_the_clock_does_not_end_a_round_before_its_deadline() -> None:
    given(a_running_round()).when(EndRound(), as_=SYSTEM, now=DEADLINE - 1).then_rejected("not_due")


def test_the_clock_follows_an_extended_deadline() -> None:
    extended = RoundExtended(
        round=1, by_ms=5 * MINUTE, deadline=DEADLINE + 5 * MINUTE, remaining_ms=None
    )
    scenario = given(a_running_round(), extended)
    scenario.when(EndRound(), as_=SYSTEM, now=DEADLINE).then_rejected("not_due")
    scenario.when(EndRound(), as_=SYSTEM, now=DEADLINE + 5 * MINUTE).then(
        RoundEnded(round=1, reason="deadline")
    )


def test_the_clock_never_ends_a_paused_round() -> None:
    given(paused_at(5)).when(EndRound(), as_=SYSTEM, now=DEADLINE + 60 * MINUTE).then_rejected(
        "not_due"
    )


def test_the_clock_does_not_end_a_round_twice() -> None:
    given(a_running_round(), round_ended(1)).when(
        EndRound(), as_=SYSTEM, now=DEADLINE
    ).then_rejected("round_closed")


def test_the_clock_only_ends_rounds() -> None:
    given(a_running_round()).when(PauseRound(), as_=SYSTEM).then_rejected("not_allowed")


def test_there_is_no_round_to_end_before_the_first() -> None:
    given(a_seated_session()).when(EndRound(), as_=FACILITATOR).then_rejected("round_closed")


def test_round_two_runs_on_its_own_clock() -> None:
    second = round_started(2, at=T0 + 40 * MINUTE)
    scenario = given(a_running_round(), round_ended(1), second)
    scenario.when(EndRound(), as_=SYSTEM, now=T0 + 60 * MINUTE - 1).then_rejected("not_due")
    state = scenario.when(EndRound(), as_=SYSTEM, now=T0 + 60 * MINUTE).then(
        RoundEnded(round=2, reason="deadline")
    )
    assert [r.status for r in state.rounds] == [RoundStatus.ENDED, RoundStatus.ENDED]

"""Statements and their fate: propose, moderate, merge, annotate, position, synthesis."""

from __future__ import annotations

import pytest

from session_engine.commands import (
    Annotate,
    HideStatement,
    MergeStatements,
    ProposeStatement,
    PublishStatement,
    SubmitSynthesis,
    TakePosition,
)
from session_engine.events import (
    AnnotationAdded,
    Event,
    PositionTaken,
    RoundPaused,
    RoundStarted,
    StatementHidden,
    StatementProposed,
    StatementPublished,
    StatementsMerged,
    SynthesisSubmitted,
    TablesRotated,
)
from session_engine.model import StatementKind
from session_engine.state import Annotation, StatementStatus, Synthesis

from .harness import (
    FACILITATOR,
    MINUTE,
    ROUND_MS,
    T0,
    a_running_round,
    a_seated_session,
    a_statement,
    closed_session,
    given,
    participant,
    round_ended,
    table,
)

SENTENCE = "Il manque des bancs sur la place du marché."


def position(pid: str, value: int | None, statement: str = "s1") -> PositionTaken:
    return PositionTaken(participant=pid, statement=statement, value=value, round=1)


def paused() -> list[Event]:
    return [*a_running_round(), RoundPaused(round=1, remaining_ms=10 * MINUTE)]


# --- ProposeStatement ---------------------------------------------------------------------------


def test_participant_proposes_a_statement_into_the_moderation_queue() -> None:
    state = (
        given(a_running_round())
        .when(
            ProposeStatement(text=f"  {SENTENCE} ", kind=StatementKind.IDEA), as_=participant("p4")
        )
        .then(
            StatementProposed(
                statement="s1",
                author="p4",
                text=SENTENCE,
                kind=StatementKind.IDEA,
                round=1,
                table=2,
            )
        )
    )
    proposed = state.statements["s1"]
    assert proposed.status is StatementStatus.PROPOSED
    assert (proposed.author, proposed.table, proposed.merged_into) == ("p4", 2, None)


def test_statements_are_numbered_in_order_and_problem_is_the_default_kind() -> None:
    given(a_running_round(), a_statement("s1"), a_statement("s2", published=False)).when(
        ProposeStatement(text=SENTENCE), as_=participant("p1")
    ).then(
        StatementProposed(
            statement="s3",
            author="p1",
            text=SENTENCE,
            kind=StatementKind.PROBLEM,
            round=1,
            table=1,
        )
    )


def test_a_statement_is_one_sentence_of_at_most_280_characters() -> None:
    scenario = given(a_running_round())
    (proposed,) = scenario.when(ProposeStatement(text="a" * 280), as_=participant("p2")).events
    assert isinstance(proposed, StatementProposed)
    assert proposed.text == "a" * 280
    scenario.when(ProposeStatement(text="a" * 281), as_=participant("p2")).then_rejected(
        "text_too_long"
    )


def test_a_blank_statement_is_a_bad_request() -> None:
    given(a_running_round()).when(
        ProposeStatement(text=" \n\t "), as_=participant("p2")
    ).then_rejected("bad_request")


def test_statements_wait_for_the_round_to_start() -> None:
    given(a_seated_session()).when(
        ProposeStatement(text=SENTENCE), as_=participant("p2")
    ).then_rejected("round_closed")


def test_statements_wait_while_the_round_is_paused() -> None:
    given(paused()).when(ProposeStatement(text=SENTENCE), as_=participant("p2")).then_rejected(
        "round_paused"
    )


def test_statements_stop_when_the_round_ends() -> None:
    given(a_running_round(), round_ended(1)).when(
        ProposeStatement(text=SENTENCE), as_=participant("p2")
    ).then_rejected("round_closed")


def test_time_is_up_at_the_deadline_even_before_the_clock_ends_the_round() -> None:
    """Between the deadline and the system's EndRound, nothing more is written or positioned."""
    at_deadline = T0 + ROUND_MS
    scenario = given(a_running_round(), a_statement("s1"))
    scenario.when(
        ProposeStatement(text=SENTENCE), as_=participant("p2"), now=at_deadline
    ).then_rejected("round_closed")
    scenario.when(
        TakePosition(statement="s1", value=1), as_=participant("p2"), now=at_deadline
    ).then_rejected("round_closed")
    scenario.when(
        Annotate(text="Note", statement="s1"), as_=participant("p2"), now=at_deadline
    ).then_rejected("round_closed")
    accepted = scenario.when(
        TakePosition(statement="s1", value=1), as_=participant("p2"), now=at_deadline - 1
    )
    accepted.then(PositionTaken(participant="p2", statement="s1", value=1, round=1))


def test_nothing_is_proposed_in_a_closed_session() -> None:
    given(closed_session()).when(
        ProposeStatement(text=SENTENCE), as_=participant("p2")
    ).then_rejected("session_closed")


# --- PublishStatement and HideStatement -------------------------------------------------------


def test_facilitator_publishes_a_proposed_statement() -> None:
    state = (
        given(a_running_round(), a_statement(published=False))
        .when(PublishStatement(statement="s1"), as_=FACILITATOR)
        .then(StatementPublished(statement="s1"))
    )
    assert state.statements["s1"].status is StatementStatus.PUBLISHED


def test_moderation_goes_on_after_the_round_ended() -> None:
    given(a_running_round(), a_statement(published=False), round_ended(1)).when(
        PublishStatement(statement="s1"), as_=FACILITATOR
    ).then(StatementPublished(statement="s1"))


def test_a_hidden_statement_can_be_published_again() -> None:
    state = (
        given(a_running_round(), a_statement(), StatementHidden(statement="s1"))
        .when(PublishStatement(statement="s1"), as_=FACILITATOR)
        .then(StatementPublished(statement="s1"))
    )
    assert state.statements["s1"].status is StatementStatus.PUBLISHED


def test_publishing_twice_is_refused() -> None:
    given(a_running_round(), a_statement()).when(
        PublishStatement(statement="s1"), as_=FACILITATOR
    ).then_rejected("already_published")


def test_publishing_an_unknown_statement_is_refused() -> None:
    given(a_running_round()).when(PublishStatement(statement="s9"), as_=FACILITATOR).then_rejected(
        "unknown_statement"
    )


@pytest.mark.parametrize("published", [True, False], ids=["published", "in the queue"])
def test_facilitator_hides_a_statement(published: bool) -> None:
    state = (
        given(a_running_round(), a_statement(published=published))
        .when(HideStatement(statement="s1"), as_=FACILITATOR)
        .then(StatementHidden(statement="s1"))
    )
    assert state.statements["s1"].status is StatementStatus.HIDDEN


def test_hiding_twice_is_refused() -> None:
    given(a_running_round(), a_statement(), StatementHidden(statement="s1")).when(
        HideStatement(statement="s1"), as_=FACILITATOR
    ).then_rejected("already_hidden")


def test_hiding_an_unknown_statement_is_refused() -> None:
    given(a_running_round()).when(HideStatement(statement="s1"), as_=FACILITATOR).then_rejected(
        "unknown_statement"
    )


# --- MergeStatements ----------------------------------------------------------------------------


def two_statements() -> list[Event]:
    return [*a_running_round(), *a_statement("s1"), *a_statement("s2", author="p4", table_=2)]


def test_facilitator_merges_a_duplicate_into_a_published_statement() -> None:
    state = (
        given(two_statements())
        .when(MergeStatements(statement="s2", into="s1"), as_=FACILITATOR)
        .then(StatementsMerged(statement="s2", into="s1"))
    )
    merged = state.statements["s2"]
    assert (merged.status, merged.merged_into) == (StatementStatus.MERGED, "s1")
    assert state.statements["s1"].status is StatementStatus.PUBLISHED


def test_a_statement_in_the_queue_can_be_merged_as_a_duplicate() -> None:
    given(a_running_round(), a_statement("s1"), a_statement("s2", published=False)).when(
        MergeStatements(statement="s2", into="s1"), as_=FACILITATOR
    ).then(StatementsMerged(statement="s2", into="s1"))


def test_a_statement_is_not_merged_into_itself() -> None:
    given(two_statements()).when(
        MergeStatements(statement="s1", into="s1"), as_=FACILITATOR
    ).then_rejected("bad_request")


def test_merging_into_an_unpublished_statement_is_refused() -> None:
    given(a_running_round(), a_statement("s1", published=False), a_statement("s2")).when(
        MergeStatements(statement="s2", into="s1"), as_=FACILITATOR
    ).then_rejected("not_published")


@pytest.mark.parametrize(("statement", "into"), [("s9", "s1"), ("s2", "s9")])
def test_merging_unknown_statements_is_refused(statement: str, into: str) -> None:
    given(two_statements()).when(
        MergeStatements(statement=statement, into=into), as_=FACILITATOR
    ).then_rejected("unknown_statement")


def test_a_merged_statement_is_out_of_moderation_and_positions() -> None:
    scenario = given(two_statements(), StatementsMerged(statement="s2", into="s1"))
    for command in (
        MergeStatements(statement="s2", into="s1"),
        MergeStatements(statement="s1", into="s2"),
        PublishStatement(statement="s2"),
        HideStatement(statement="s2"),
    ):
        scenario.when(command, as_=FACILITATOR).then_rejected("already_merged")
    scenario.when(TakePosition(statement="s2", value=1), as_=participant("p1")).then_rejected(
        "already_merged"
    )


# --- Annotate -----------------------------------------------------------------------------------


def test_participant_annotates_a_published_statement_with_tags_and_a_place() -> None:
    command = Annotate(
        text="  Surtout le soir. ",
        statement="s1",
        tags=(" sécurité", "éclairage "),
        place=" rue Gabriel-Péri ",
    )
    state = (
        given(a_running_round(), a_statement())
        .when(command, as_=participant("p3"))
        .then(
            AnnotationAdded(
                annotation="a1",
                author="p3",
                text="Surtout le soir.",
                statement="s1",
                table=None,
                tags=("sécurité", "éclairage"),
                place="rue Gabriel-Péri",
                round=1,
            )
        )
    )
    assert state.annotations == [
        Annotation(
            id="a1",
            author="p3",
            text="Surtout le soir.",
            statement="s1",
            table=None,
            tags=("sécurité", "éclairage"),
            place="rue Gabriel-Péri",
            round=1,
        )
    ]


def test_participant_annotates_their_own_table() -> None:
    note = AnnotationAdded(
        annotation="a1",
        author="p4",
        text="Déjà vu",
        statement="s1",
        table=None,
        tags=(),
        place=None,
        round=1,
    )
    given(a_running_round(), a_statement(), note).when(
        Annotate(text="On parle surtout des transports.", table=2), as_=participant("p4")
    ).then(
        AnnotationAdded(
            annotation="a2",
            author="p4",
            text="On parle surtout des transports.",
            statement=None,
            table=2,
            tags=(),
            place=None,
            round=1,
        )
    )


def test_a_participant_cannot_annotate_another_table() -> None:
    given(a_running_round()).when(
        Annotate(text="Chez vous ?", table=2), as_=participant("p2")
    ).then_rejected("not_allowed")


def test_annotating_an_unknown_table_is_refused() -> None:
    given(a_running_round()).when(Annotate(text="?", table=9), as_=participant("p2")).then_rejected(
        "unknown_table"
    )


def test_annotating_an_unpublished_statement_is_refused() -> None:
    given(a_running_round(), a_statement(published=False)).when(
        Annotate(text="Oui", statement="s1"), as_=participant("p2")
    ).then_rejected("not_published")


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(Annotate(text="Sur rien"), id="no target"),
        pytest.param(Annotate(text="Sur tout", statement="s1", table=1), id="two targets"),
        pytest.param(Annotate(text="   ", statement="s1"), id="blank text"),
        pytest.param(Annotate(text="Tags", statement="s1", tags=("ok", " ")), id="blank tag"),
        pytest.param(
            Annotate(text="Tags", statement="s1", tags=tuple(f"t{i}" for i in range(11))),
            id="11 tags",
        ),
        pytest.param(Annotate(text="Où ?", statement="s1", place=" "), id="blank place"),
    ],
)
def test_malformed_annotations_are_bad_requests(command: Annotate) -> None:
    given(a_running_round(), a_statement()).when(command, as_=participant("p2")).then_rejected(
        "bad_request"
    )


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(Annotate(text="x" * 1001, statement="s1"), id="text"),
        pytest.param(Annotate(text="x", statement="s1", tags=("t" * 41,)), id="tag"),
        pytest.param(Annotate(text="x", statement="s1", place="p" * 121), id="place"),
    ],
)
def test_too_long_annotations_are_refused(command: Annotate) -> None:
    given(a_running_round(), a_statement()).when(command, as_=participant("p2")).then_rejected(
        "text_too_long"
    )


def test_annotation_limits_are_inclusive() -> None:
    command = Annotate(
        text="x" * 1000, statement="s1", tags=tuple("t" * 40 for _ in range(10)), place="p" * 120
    )
    (added,) = given(a_running_round(), a_statement()).when(command, as_=participant("p2")).events
    assert isinstance(added, AnnotationAdded)
    assert len(added.tags) == 10


def test_annotations_wait_while_the_round_is_paused() -> None:
    given(paused(), a_statement()).when(
        Annotate(text="Oui", statement="s1"), as_=participant("p2")
    ).then_rejected("round_paused")


# --- TakePosition -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [-2, -1, 0, 1, 2, None])
def test_participant_takes_a_position_on_the_five_level_scale_or_passes(value: int | None) -> None:
    state = (
        given(a_running_round(), a_statement())
        .when(TakePosition(statement="s1", value=value), as_=participant("p3"))
        .then(position("p3", value))
    )
    assert ("p3", "s1") in state.positions
    assert state.positions[("p3", "s1")] == value


def test_the_last_position_counts() -> None:
    state = (
        given(a_running_round(), a_statement(), position("p3", 2), position("p4", 1))
        .when(TakePosition(statement="s1", value=-1), as_=participant("p3"))
        .then(position("p3", -1))
    )
    assert state.positions == {("p3", "s1"): -1, ("p4", "s1"): 1}


def test_passing_after_a_position_replaces_it_with_none() -> None:
    state = (
        given(a_running_round(), a_statement(), position("p3", 2))
        .when(TakePosition(statement="s1", value=None), as_=participant("p3"))
        .then(position("p3", None))
    )
    assert state.positions == {("p3", "s1"): None}


@pytest.mark.parametrize("value", [3, -3, True])
def test_a_position_off_the_scale_is_a_bad_request(value: int) -> None:
    given(a_running_round(), a_statement()).when(
        TakePosition(statement="s1", value=value), as_=participant("p3")
    ).then_rejected("bad_request")


def test_position_on_unpublished_statement_is_rejected() -> None:
    given(a_running_round(), a_statement(published=False)).when(
        TakePosition(statement="s1", value=1), as_=participant("p3")
    ).then_rejected("not_published")


def test_position_on_hidden_statement_is_rejected() -> None:
    given(a_running_round(), a_statement(), StatementHidden(statement="s1")).when(
        TakePosition(statement="s1", value=1), as_=participant("p3")
    ).then_rejected("not_published")


def test_position_on_unknown_statement_is_rejected() -> None:
    given(a_running_round()).when(
        TakePosition(statement="s7", value=1), as_=participant("p3")
    ).then_rejected("unknown_statement")


def test_positions_are_taken_only_while_the_round_runs() -> None:
    given(a_running_round(), a_statement(), round_ended(1)).when(
        TakePosition(statement="s1", value=1), as_=participant("p3")
    ).then_rejected("round_closed")


def test_positions_in_round_two_are_recorded_as_round_two() -> None:
    second = RoundStarted(round=2, deadline=T0 + 60 * MINUTE)
    given(a_running_round(), a_statement(), round_ended(1), second).when(
        TakePosition(statement="s1", value=2), as_=participant("p3")
    ).then(PositionTaken(participant="p3", statement="s1", value=2, round=2))


# --- SubmitSynthesis ----------------------------------------------------------------------------


def test_host_can_submit_synthesis_only_for_own_table() -> None:
    scenario = given(a_running_round())
    scenario.when(SubmitSynthesis(text="  Table 1 : les ascenseurs. "), as_=participant("p1")).then(
        SynthesisSubmitted(round=1, table=1, host="p1", text="Table 1 : les ascenseurs.")
    )
    scenario.when(SubmitSynthesis(text="Table 2"), as_=participant("p3")).then(
        SynthesisSubmitted(round=1, table=2, host="p3", text="Table 2")
    )
    scenario.when(SubmitSynthesis(text="Table 1"), as_=participant("p2")).then_rejected(
        "not_allowed"
    )


def test_a_second_synthesis_replaces_the_first() -> None:
    first = SynthesisSubmitted(round=1, table=1, host="p1", text="Brouillon")
    state = (
        given(a_running_round(), first)
        .when(SubmitSynthesis(text="Version finale"), as_=participant("p1"))
        .then(SynthesisSubmitted(round=1, table=1, host="p1", text="Version finale"))
    )
    assert state.syntheses == {
        (1, 1): Synthesis(round=1, table=1, host="p1", text="Version finale")
    }


@pytest.mark.parametrize(
    "givens",
    [
        pytest.param(paused(), id="paused"),
        pytest.param([*a_running_round(), *round_ended(1)], id="ended"),
    ],
)
def test_the_harvest_is_open_while_paused_and_after_the_round(givens: list[Event]) -> None:
    given(givens).when(SubmitSynthesis(text="Synthèse"), as_=participant("p3")).then(
        SynthesisSubmitted(round=1, table=2, host="p3", text="Synthèse")
    )


def test_there_is_no_synthesis_before_the_first_round() -> None:
    given(a_seated_session()).when(
        SubmitSynthesis(text="Trop tôt"), as_=participant("p1")
    ).then_rejected("round_closed")


def test_a_host_of_the_previous_round_does_not_harvest_the_next_one() -> None:
    rotated = TablesRotated(seed=1, tables=(table(1, "p2", "p2", "p3"), table(2, "p4", "p4", "p1")))
    second = RoundStarted(round=2, deadline=T0 + 60 * MINUTE)
    scenario = given(a_running_round(), round_ended(1), rotated, second)
    scenario.when(SubmitSynthesis(text="Synthèse"), as_=participant("p1")).then_rejected(
        "not_allowed"
    )
    scenario.when(SubmitSynthesis(text="Synthèse"), as_=participant("p2")).then(
        SynthesisSubmitted(round=2, table=1, host="p2", text="Synthèse")
    )


@pytest.mark.parametrize(("text", "code"), [("  ", "bad_request"), ("s" * 4001, "text_too_long")])
def test_a_synthesis_is_a_text_of_at_most_4000_characters(text: str, code: str) -> None:
    scenario = given(a_running_round())
    scenario.when(SubmitSynthesis(text="s" * 4000), as_=participant("p1")).then(
        SynthesisSubmitted(round=1, table=1, host="p1", text="s" * 4000)
    )
    scenario.when(SubmitSynthesis(text=text), as_=participant("p1")).then_rejected(code)

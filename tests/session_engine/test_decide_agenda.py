"""Changes to the plan of the evening: rounds not started yet added, edited or removed (also
while a round runs), and, before the tables are seated, territories added or renamed and the
table size changed."""

from __future__ import annotations

import pytest

from session_engine.commands import (
    AddRound,
    AddTerritory,
    ChangeTableSize,
    EditRound,
    JoinSession,
    RemoveRound,
    RenameTerritory,
    SeatTables,
    StartRound,
)
from session_engine.events import (
    RoundAdded,
    RoundEdited,
    RoundRemoved,
    RoundStarted,
    TableSizeChanged,
    TablesSeated,
    TerritoryAdded,
    TerritoryRenamed,
)
from session_engine.model import ParticipantRole, RoundKind, RoundSpec, Territory
from session_engine.state import RoundStatus

from .harness import (
    FACILITATOR,
    GUEST,
    MINUTE,
    ROUND_MS,
    T0,
    a_running_round,
    a_seated_session,
    a_session,
    agenda,
    given,
    round_ended,
    with_participants,
)

PLENARY = RoundSpec(kind=RoundKind.PLENARY, prompt="Mise en commun", duration_ms=10 * MINUTE)


def add(
    prompt: str = "Mise en commun", round_: int | None = None, duration_ms: int = 10 * MINUTE
) -> AddRound:
    return AddRound(kind=RoundKind.PLENARY, prompt=prompt, duration_ms=duration_ms, round=round_)


# --- rounds ------------------------------------------------------------------------------------


def test_a_round_is_added_at_the_end_of_the_agenda() -> None:
    after = (
        given(a_seated_session())
        .when(add(), as_=FACILITATOR)
        .then(RoundAdded(round=3, spec=PLENARY))
    )
    assert [(r.number, r.spec.prompt) for r in after.rounds] == [
        (1, "Manche 1 : quels problèmes ?"),
        (2, "Manche 2 : quels problèmes ?"),
        (3, "Mise en commun"),
    ]


def test_a_round_added_while_one_runs_is_the_next_to_start() -> None:
    given(a_running_round()).when(add("  Mise en commun ", round_=2), as_=FACILITATOR).then(
        RoundAdded(round=2, spec=PLENARY)
    )
    events = [*a_running_round(), RoundAdded(round=2, spec=PLENARY), *round_ended(1)]
    state = given(events).state
    assert [(r.number, r.status) for r in state.rounds] == [
        (1, RoundStatus.ENDED),
        (2, RoundStatus.PENDING),
        (3, RoundStatus.PENDING),
    ]
    given(events).when(StartRound(), as_=FACILITATOR, now=T0).then(
        RoundStarted(round=2, deadline=T0 + 10 * MINUTE)
    )


def test_a_round_is_never_added_before_one_that_has_started() -> None:
    given(a_running_round()).when(add(round_=1), as_=FACILITATOR).then_rejected("round_started")
    given(a_running_round()).when(add(round_=4), as_=FACILITATOR).then_rejected("unknown_round")


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (add(""), "bad_request"),
        (add(duration_ms=MINUTE - 1), "bad_request"),
        (add(duration_ms=4 * 60 * MINUTE + 1), "bad_request"),
        (add("x" * 501), "text_too_long"),
    ],
)
def test_an_added_round_has_a_prompt_and_lasts_one_minute_to_four_hours(
    command: AddRound, code: str
) -> None:
    given(a_seated_session()).when(command, as_=FACILITATOR).then_rejected(code)


def test_the_agenda_holds_twenty_rounds_at_most() -> None:
    full = [*a_session(rounds=20), *with_participants(2)]
    given(full).when(add(), as_=FACILITATOR).then_rejected("limit_reached")


def test_a_round_not_started_is_edited_field_by_field() -> None:
    after = (
        given(a_running_round())
        .when(EditRound(round=2, prompt="Quelles solutions ?"), as_=FACILITATOR)
        .then(
            RoundEdited(
                round=2,
                spec=RoundSpec(
                    kind=RoundKind.TABLE, prompt="Quelles solutions ?", duration_ms=ROUND_MS
                ),
            )
        )
    )
    assert after.rounds[1].spec.prompt == "Quelles solutions ?"
    given(a_running_round()).when(
        EditRound(round=2, kind=RoundKind.VOTE, duration_ms=5 * MINUTE), as_=FACILITATOR
    ).then(
        RoundEdited(
            round=2,
            spec=RoundSpec(kind=RoundKind.VOTE, prompt=agenda(2)[1].prompt, duration_ms=5 * MINUTE),
        )
    )


def test_a_round_that_has_started_is_not_edited_nor_removed() -> None:
    running = given(a_running_round())
    running.when(EditRound(round=1, prompt="Autre"), as_=FACILITATOR).then_rejected("round_started")
    running.when(RemoveRound(round=1), as_=FACILITATOR).then_rejected("round_started")
    running.when(EditRound(round=3, prompt="Autre"), as_=FACILITATOR).then_rejected("unknown_round")


def test_an_edit_that_changes_nothing_is_a_bad_request() -> None:
    given(a_running_round()).when(EditRound(round=2), as_=FACILITATOR).then_rejected("bad_request")


def test_a_round_removed_moves_the_following_ones_up() -> None:
    events = [*a_session(rounds=3), *with_participants(2)]
    after = given(events).when(RemoveRound(round=2), as_=FACILITATOR).then(RoundRemoved(round=2))
    assert [(r.number, r.spec.prompt) for r in after.rounds] == [
        (1, "Manche 1 : quels problèmes ?"),
        (2, "Manche 3 : quels problèmes ?"),
    ]


def test_the_agenda_keeps_one_round() -> None:
    events = [*a_session(rounds=1), *with_participants(2)]
    given(events).when(RemoveRound(round=1), as_=FACILITATOR).then_rejected("agenda_empty")


# --- territories and tables, before seating ----------------------------------------------------


def test_a_territory_is_added_before_seating_and_people_may_join_it() -> None:
    added = TerritoryAdded(
        territory=Territory(id="t4", name="Quatre-Chemins", commune="Aubervilliers", qpv=True)
    )
    given(a_session()).when(
        AddTerritory(name=" Quatre-Chemins ", commune="Aubervilliers ", qpv=True), as_=FACILITATOR
    ).then(added)
    join = JoinSession(pseudonym="Awa", territory="t4", role=ParticipantRole.HABITANT)
    assert given(a_session(), added).when(join, as_=GUEST).events


def test_a_territory_name_is_taken_once_whatever_the_case() -> None:
    given(a_session()).when(
        AddTerritory(name="PLEYEL", commune="Saint-Denis", qpv=False), as_=FACILITATOR
    ).then_rejected("territory_exists")
    given(a_session()).when(
        RenameTerritory(territory="t1", name="pleyel"), as_=FACILITATOR
    ).then_rejected("territory_exists")


def test_a_territory_is_renamed_its_commune_kept_unless_given() -> None:
    given(a_session()).when(
        RenameTerritory(territory="t2", name="Pleyel-Nord"), as_=FACILITATOR
    ).then(TerritoryRenamed(territory="t2", name="Pleyel-Nord", commune="Saint-Denis"))
    given(a_session()).when(
        RenameTerritory(territory="t2", name="Pleyel", commune="Saint-Ouen"), as_=FACILITATOR
    ).then(TerritoryRenamed(territory="t2", name="Pleyel", commune="Saint-Ouen"))
    given(a_session()).when(
        RenameTerritory(territory="t9", name="Ailleurs"), as_=FACILITATOR
    ).then_rejected("unknown_territory")


def test_a_session_has_twelve_territories_at_most() -> None:
    twelve = tuple(
        Territory(id=f"t{n}", name=f"Quartier {n}", commune="Bobigny", qpv=False)
        for n in range(1, 13)
    )
    given(a_session(territories=twelve)).when(
        AddTerritory(name="Treizième", commune="Bobigny", qpv=False), as_=FACILITATOR
    ).then_rejected("limit_reached")


def test_the_table_size_changes_before_seating_and_seating_follows_it() -> None:
    events = [*a_session(), *with_participants(6)]
    after = (
        given(events)
        .when(ChangeTableSize(table_size=3), as_=FACILITATOR)
        .then(TableSizeChanged(table_size=3))
    )
    (plan,) = (
        given(events, TableSizeChanged(table_size=3))
        .when(SeatTables(), as_=FACILITATOR, seed=5)
        .events
    )
    assert after.table_size == 3
    assert isinstance(plan, TablesSeated)
    assert [len(t.members) for t in plan.tables] == [3, 3]


@pytest.mark.parametrize("size", [1, 13, 0, -4])
def test_a_table_seats_two_to_twelve(size: int) -> None:
    given(a_session()).when(ChangeTableSize(table_size=size), as_=FACILITATOR).then_rejected(
        "bad_request"
    )


@pytest.mark.parametrize(
    "command",
    [
        AddTerritory(name="Quatre-Chemins", commune="Aubervilliers", qpv=True),
        RenameTerritory(territory="t1", name="Franc-Moisin Nord"),
        ChangeTableSize(table_size=5),
    ],
    ids=["add", "rename", "table size"],
)
def test_territories_and_table_size_change_only_before_seating(
    command: AddTerritory | RenameTerritory | ChangeTableSize,
) -> None:
    given(a_seated_session()).when(command, as_=FACILITATOR).then_rejected("already_seated")

"""Setting up: creating the session, joining it, seating the tables and rotating them."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from session_engine import seating
from session_engine.commands import (
    CreateSession,
    JoinSession,
    NewTerritory,
    RotateTables,
    SeatTables,
    StartRound,
    SubmitSynthesis,
)
from session_engine.events import (
    Event,
    ParticipantJoined,
    ParticipantSeated,
    SessionCreated,
    SynthesisSubmitted,
    TablesRotated,
    TablesSeated,
)
from session_engine.model import (
    HostPolicy,
    ParticipantRole,
    RoundKind,
    RoundSpec,
    TableSeating,
    Territory,
)
from session_engine.state import RoundStatus, SessionState

from .harness import (
    FACILITATOR,
    GUEST,
    MINUTE,
    T0,
    a_running_round,
    a_seated_session,
    a_session,
    agenda,
    given,
    joined,
    participant,
    round_ended,
    round_started,
    seated,
    table,
    with_participants,
)

FRANC_MOISIN = NewTerritory(name="Franc-Moisin", commune="Saint-Denis", qpv=True)
PLEYEL = NewTerritory(name="Pleyel", commune="Saint-Denis", qpv=False)


A_SESSION = CreateSession(
    title="Métrokawa de Plaine Commune", territories=(FRANC_MOISIN, PLEYEL), agenda=agenda(2)
)


def create(**changes: Any) -> CreateSession:
    return msgspec.structs.replace(A_SESSION, **changes)


def join(
    pseudonym: str = "Awa",
    territory: str = "t1",
    *,
    role: ParticipantRole = ParticipantRole.HABITANT,
    stays_seated: bool = False,
    consent: bool = False,
) -> JoinSession:
    return JoinSession(
        pseudonym=pseudonym,
        territory=territory,
        role=role,
        stays_seated=stays_seated,
        consent=consent,
    )


def seatables(state: SessionState) -> list[seating.Seatable]:
    """What the planner must be told about everyone, written out from the rule."""
    return [
        seating.Seatable(
            participant=p.id,
            territory=p.territory,
            qpv_resident=state.territories[p.territory].qpv and p.role is ParticipantRole.HABITANT,
            stays_seated=p.stays_seated,
            times_hosted=p.times_hosted,
        )
        for p in state.participants.values()
    ]


def assert_is_a_plan_for(tables: tuple[TableSeating, ...], people: set[str], size: int) -> None:
    members = [m for t in tables for m in t.members]
    assert sorted(members) == sorted(people), "everyone sits exactly once"
    assert [t.table for t in tables] == list(range(1, len(tables) + 1))
    assert all(t.host is None or t.host in t.members for t in tables)
    sizes = [len(t.members) for t in tables]
    assert max(sizes) - min(sizes) <= 1
    assert max(sizes) <= size


# --- CreateSession ------------------------------------------------------------------------------


def test_facilitator_creates_a_session_and_territories_get_their_ids() -> None:
    command = create(
        title="  Métrokawa de Plaine Commune ",
        territories=(NewTerritory(name=" Franc-Moisin ", commune=" Saint-Denis", qpv=True), PLEYEL),
        table_size=5,
        host_policy=HostPolicy.STAY,
    )
    state = (
        given()
        .when(command, as_=FACILITATOR)
        .then(
            SessionCreated(
                title="Métrokawa de Plaine Commune",
                territories=(
                    Territory(id="t1", name="Franc-Moisin", commune="Saint-Denis", qpv=True),
                    Territory(id="t2", name="Pleyel", commune="Saint-Denis", qpv=False),
                ),
                agenda=agenda(2),
                table_size=5,
                host_policy=HostPolicy.STAY,
            )
        )
    )
    assert state.created
    assert not state.closed
    assert list(state.territories) == ["t1", "t2"]
    assert [(r.number, r.status) for r in state.rounds] == [
        (1, RoundStatus.PENDING),
        (2, RoundStatus.PENDING),
    ]
    assert state.round is None
    assert (state.table_size, state.host_policy) == (5, HostPolicy.STAY)


def test_a_session_is_created_only_once() -> None:
    given(a_session()).when(create(), as_=FACILITATOR).then_rejected("already_created")


def test_longest_accepted_title_is_200_characters() -> None:
    (created,) = given().when(create(title="é" * 200), as_=FACILITATOR).events
    assert isinstance(created, SessionCreated)
    assert created.title == "é" * 200
    given().when(create(title="é" * 201), as_=FACILITATOR).then_rejected("text_too_long")


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"title": "   "}, id="blank title"),
        pytest.param({"territories": ()}, id="no territory"),
        pytest.param(
            {
                "territories": tuple(
                    NewTerritory(name=f"T{i}", commune="C", qpv=False) for i in range(13)
                )
            },
            id="13 territories",
        ),
        pytest.param(
            {"territories": (PLEYEL, NewTerritory(name=" pleyel", commune="X", qpv=True))},
            id="same name twice",
        ),
        pytest.param(
            {"territories": (NewTerritory(name=" ", commune="X", qpv=True),)}, id="blank territory"
        ),
        pytest.param({"agenda": ()}, id="empty agenda"),
        pytest.param({"agenda": agenda(21)}, id="21 rounds"),
        pytest.param({"agenda": agenda(1, duration_ms=MINUTE - 1)}, id="round under a minute"),
        pytest.param(
            {"agenda": agenda(1, duration_ms=4 * 60 * MINUTE + 1)}, id="round over 4 hours"
        ),
        pytest.param(
            {"agenda": (RoundSpec(kind=RoundKind.PLENARY, prompt="  ", duration_ms=MINUTE),)},
            id="blank prompt",
        ),
        pytest.param({"table_size": 1}, id="table of one"),
        pytest.param({"table_size": 13}, id="table of 13"),
    ],
)
def test_malformed_session_is_a_bad_request(changes: dict[str, Any]) -> None:
    given().when(create(**changes), as_=FACILITATOR).then_rejected("bad_request")


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param(
            {"territories": (NewTerritory(name="x" * 81, commune="C", qpv=False),)}, id="territory"
        ),
        pytest.param(
            {"agenda": (RoundSpec(kind=RoundKind.TABLE, prompt="?" * 501, duration_ms=MINUTE),)},
            id="prompt",
        ),
    ],
)
def test_too_long_session_texts_are_refused(changes: dict[str, Any]) -> None:
    given().when(create(**changes), as_=FACILITATOR).then_rejected("text_too_long")


def test_agenda_bounds_are_inclusive() -> None:
    command = create(
        territories=tuple(NewTerritory(name=f"T{i}", commune="C", qpv=False) for i in range(12)),
        agenda=(*agenda(19), *agenda(1, duration_ms=4 * 60 * MINUTE)),
        table_size=12,
    )
    (created,) = given().when(command, as_=FACILITATOR).events
    assert isinstance(created, SessionCreated)
    assert [t.id for t in created.territories] == [f"t{i}" for i in range(1, 13)]


# --- JoinSession --------------------------------------------------------------------------------


def test_guest_joins_and_becomes_the_next_participant() -> None:
    command = join("  Awa  ", "t2", role=ParticipantRole.ELU, stays_seated=True, consent=True)
    state = (
        given(a_session(), with_participants(2))
        .when(command, as_=GUEST)
        .then(
            ParticipantJoined(
                participant="p3",
                pseudonym="Awa",
                territory="t2",
                role=ParticipantRole.ELU,
                stays_seated=True,
                consent=True,
            )
        )
    )
    awa = state.participants["p3"]
    assert (awa.pseudonym, awa.territory, awa.table, awa.times_hosted) == ("Awa", "t2", None, 0)


def test_joining_a_session_that_does_not_exist_is_refused() -> None:
    given().when(join(), as_=GUEST).then_rejected("unknown_session")


def test_joining_an_unknown_territory_is_refused() -> None:
    given(a_session()).when(join(territory="t9"), as_=GUEST).then_rejected("unknown_territory")


def test_pseudonym_is_unique_whatever_the_case_and_blanks() -> None:
    scenario = given(a_session(), joined("p1", pseudonym="Awa"))
    scenario.when(join("  aWA "), as_=GUEST).then_rejected("pseudonym_taken")


@pytest.mark.parametrize("pseudonym", ["Participant·e 3", "participante 12", "PARTICIPANT 1"])
def test_names_kept_for_anonymous_exports_are_taken(pseudonym: str) -> None:
    given(a_session()).when(join(pseudonym), as_=GUEST).then_rejected("pseudonym_taken")


@pytest.mark.parametrize(
    ("pseudonym", "code"),
    [("   ", "bad_request"), ("n" * 41, "text_too_long")],
)
def test_pseudonym_must_be_a_short_name(pseudonym: str, code: str) -> None:
    given(a_session()).when(join(pseudonym), as_=GUEST).then_rejected(code)


def test_late_arrival_is_seated_at_the_smallest_table_and_pairs_are_counted() -> None:
    plan = seated(table(1, "p1", "p1", "p2", "p3"), table(2, "p4", "p4"))
    state = (
        given(a_session(table_size=3), with_participants(4), plan, round_started(1))
        .when(join("Karim", "t2"), as_=GUEST)
        .then(
            joined("p5", territory="t2", pseudonym="Karim"),
            ParticipantSeated(participant="p5", table=2, hosts=False),
        )
    )
    assert state.tables[2] == table(2, "p4", "p4", "p5")
    assert state.participants["p5"].table == 2
    assert state.participants["p5"].times_hosted == 0
    assert state.pair_counts[("p4", "p5")] == 1
    assert not any("p5" in pair for pair in state.pair_counts if "p4" not in pair)
    assert state.round is not None
    assert state.round.hosts == {1: "p1", 2: "p4"}


def test_late_arrival_at_a_table_without_host_hosts_it_in_the_running_round() -> None:
    plan = seated(table(1, "p1", "p1", "p2", "p3"), table(2, None, "p4"))
    givens = [*a_session(table_size=3), *with_participants(4), *plan, *round_started(1)]
    arrival: list[Event] = [
        joined("p5", territory="t2", pseudonym="Karim"),
        ParticipantSeated(participant="p5", table=2, hosts=True),
    ]
    state = given(givens).when(join("Karim", "t2"), as_=GUEST).then(*arrival)
    assert state.tables[2] == table(2, "p5", "p4", "p5")
    assert state.participants["p5"].times_hosted == 1
    assert state.round is not None
    assert state.round.hosts == {1: "p1", 2: "p5"}
    given(givens, arrival).when(SubmitSynthesis(text="Synthèse"), as_=participant("p5")).then(
        SynthesisSubmitted(round=1, table=2, host="p5", text="Synthèse")
    )


def test_late_host_between_rounds_hosts_the_next_round_not_the_ended_one() -> None:
    plan = seated(table(1, "p1", "p1", "p2", "p3"), table(2, None, "p4"))
    arrivals: list[Event] = [
        joined("p5", territory="t2"),
        ParticipantSeated(participant="p5", table=2, hosts=True),
    ]
    scenario = given(
        a_session(table_size=3),
        with_participants(4),
        plan,
        round_started(1),
        round_ended(1),
        arrivals,
    )
    assert scenario.state.round is not None
    assert scenario.state.round.hosts == {1: "p1"}
    scenario.when(SubmitSynthesis(text="Synthèse"), as_=participant("p5")).then_rejected(
        "not_allowed"
    )
    state = scenario.when(StartRound(), as_=FACILITATOR, now=T0 + 30 * MINUTE).then(
        *round_started(2, at=T0 + 30 * MINUTE)
    )
    assert state.round is not None
    assert state.round.hosts == {1: "p1", 2: "p5"}


# --- SeatTables ---------------------------------------------------------------------------------


def test_facilitator_seats_everyone_with_the_seed_of_the_context() -> None:
    people = [*with_participants(4), joined("p5", territory="t3", role=ParticipantRole.ELU)]
    scenario = given(a_session(), people)
    outcome = scenario.when(SeatTables(), as_=FACILITATOR, seed=7)
    plan = seating.initial_plan(seatables(scenario.state), table_size=2, seed=7)
    state = outcome.then(TablesSeated(seed=7, tables=plan))
    assert_is_a_plan_for(plan, {f"p{i}" for i in range(1, 6)}, size=2)
    for seat in plan:
        for member in seat.members:
            assert state.participants[member].table == seat.table
        if seat.host is not None:
            assert state.participants[seat.host].times_hosted == 1
    pairs = [(a, b) for seat in plan for a in seat.members for b in seat.members if a < b]
    assert state.pair_counts == dict.fromkeys(pairs, 1)


def test_seating_needs_two_participants() -> None:
    given(a_session(), with_participants(1)).when(SeatTables(), as_=FACILITATOR).then_rejected(
        "too_few_participants"
    )


def test_tables_are_seated_only_once() -> None:
    given(a_seated_session()).when(SeatTables(), as_=FACILITATOR).then_rejected("already_seated")


def test_tables_cannot_be_seated_during_a_round() -> None:
    given(a_running_round()).when(SeatTables(), as_=FACILITATOR).then_rejected("round_running")


# --- RotateTables -------------------------------------------------------------------------------


def test_facilitator_rotates_tables_between_rounds_from_the_pairs_already_met() -> None:
    scenario = given(a_running_round(), round_ended(1))
    before = scenario.state
    assert before.pair_counts == {("p1", "p2"): 1, ("p3", "p4"): 1}
    plan = seating.rotate(
        seatables(before),
        (table(1, "p1", "p1", "p2"), table(2, "p3", "p3", "p4")),
        pair_counts=before.pair_counts,
        table_size=2,
        host_policy=HostPolicy.ROTATE,
        seed=3,
    )
    state = scenario.when(RotateTables(), as_=FACILITATOR, seed=3).then(
        TablesRotated(seed=3, tables=plan)
    )
    assert_is_a_plan_for(plan, {"p1", "p2", "p3", "p4"}, size=2)
    assert state.tables == {seat.table: seat for seat in plan}
    for seat in plan:
        a, b = seat.members
        assert state.pair_counts[(a, b)] == before.pair_counts.get((a, b), 0) + 1


def test_rotation_keeps_hosts_at_their_tables_when_the_policy_says_stay() -> None:
    scenario = given(
        a_session(host_policy=HostPolicy.STAY),
        with_participants(4),
        seated(),
        round_started(1),
        round_ended(1),
    )
    (rotated,) = scenario.when(RotateTables(), as_=FACILITATOR, seed=11).events
    assert isinstance(rotated, TablesRotated)
    assert {seat.table: seat.host for seat in rotated.tables} == {1: "p1", 2: "p3"}


def test_rotation_needs_seated_tables() -> None:
    given(a_session(), with_participants(4)).when(RotateTables(), as_=FACILITATOR).then_rejected(
        "not_seated"
    )


def test_tables_do_not_rotate_during_a_round() -> None:
    given(a_running_round()).when(RotateTables(), as_=FACILITATOR).then_rejected("round_running")


def test_host_of_the_ended_round_keeps_the_harvest_after_rotation() -> None:
    rotated = TablesRotated(seed=1, tables=(table(1, "p2", "p2", "p3"), table(2, "p4", "p4", "p1")))
    scenario = given(a_running_round(), round_ended(1), rotated)
    scenario.when(SubmitSynthesis(text="Nos idées"), as_=participant("p1")).then(
        SynthesisSubmitted(round=1, table=1, host="p1", text="Nos idées")
    )
    scenario.when(SubmitSynthesis(text="Nos idées"), as_=participant("p2")).then_rejected(
        "not_allowed"
    )

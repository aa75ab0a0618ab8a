"""The opinion shift across a programme (``session_engine.programme.shift``), as scenarios:
sessions' states built from their events, the same statement published in several of them
(imported with its provenance key), people linked by the personal key their device sent.

The metropolitan session ``ps1`` publishes ``s1``; the local sessions ``ps2`` (and ``ps3``)
import it as ``s3`` with the key ``ps1-s1``. People are named by their personal key (A, B…);
in each session they join in the order written, as ``p1``, ``p2``…
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import pytest

from session_engine.events import (
    Event,
    ParticipantJoined,
    ParticipantRemoved,
    ParticipantsMerged,
    PositionTaken,
    SessionCreated,
    StatementHidden,
    StatementImported,
    StatementProposed,
    StatementPublished,
)
from session_engine.evolve import evolve
from session_engine.model import HostPolicy, ParticipantRole, Provenance, StatementKind
from session_engine.programme.shift import LinkedShift, programme_shift, statement_key
from session_engine.state import SessionState

from .harness import TERRITORIES, agenda

TEXT: Final = "Les bus de nuit ne desservent pas les quartiers."
KEY: Final = "ps1-s1"

Stances = Mapping[str, int | None]  # person key -> position (None: a pass); absent: none


@dataclass(frozen=True)
class Step:
    """One session of the programme: who took which position on the shared statement."""

    stances: Stances
    anonymous: Sequence[int | None] = ()  # positions of people who gave no key
    extra: Sequence[Event] = field(default_factory=tuple)  # events after the positions


def state_of(session: str, step: Step) -> SessionState:
    events: list[Event] = [
        SessionCreated(
            title=f"Séance {session}",
            territories=TERRITORIES,
            agenda=agenda(1),
            table_size=6,
            host_policy=HostPolicy.ROTATE,
        )
    ]
    keyed: list[tuple[str | None, int | None]] = [*step.stances.items()]
    keyed += [(None, value) for value in step.anonymous]
    statement = "s1" if session == "ps1" else "s3"
    if session == "ps1":
        events += [
            StatementProposed(
                statement="s1",
                author="facilitator",
                text=TEXT,
                kind=StatementKind.PROBLEM,
                round=1,
                table=None,
            ),
            StatementPublished(statement="s1"),
        ]
    else:
        events.append(
            StatementImported(
                statement="s3",
                text=TEXT,
                kind=StatementKind.PROBLEM,
                provenance=Provenance(key=KEY, source="le Métrokawa métropolitain"),
            )
        )
    for n, (person, value) in enumerate(keyed, start=1):
        events.append(
            ParticipantJoined(
                participant=f"p{n}",
                pseudonym=f"Personne {n}",
                territory="t1",
                role=ParticipantRole.HABITANT,
                stays_seated=False,
                consent=False,
                person=person,
            )
        )
        events.append(PositionTaken(participant=f"p{n}", statement=statement, value=value, round=1))
    events += step.extra
    state = SessionState()
    for event in events:
        evolve(state, event)
    return state


def shift_of(*steps: Step, k: int = 5) -> tuple[LinkedShift, ...]:
    return programme_shift(
        [(f"ps{n}", state_of(f"ps{n}", step)) for n, step in enumerate(steps, start=1)], k=k
    )


FIVE: Final = {"A": -2, "B": -1, "C": 0, "D": 1, "E": 2}

# The rule, case by case: the sessions in order, k, and what the shift of ``ps1-s1`` shows —
# (people linked, mean change, toward agreement, away, stayed), or HIDDEN under k.
HIDDEN: Final = "hidden"
CASES: Final[list[tuple[str, Sequence[Step], int, tuple[int, float, int, int, int] | str]]] = [
    (
        "five people linked: shown",
        # changes: A +2, B 0, C +2, D −2, E 0
        [Step(FIVE), Step({"A": 0, "B": -1, "C": 2, "D": -1, "E": 2})],
        5,
        (5, 0.4, 2, 1, 2),
    ),
    (
        "four linked: hidden, not even their number",
        [Step(FIVE), Step({"A": 0, "B": -1, "C": 2, "D": -1})],
        5,
        HIDDEN,
    ),
    (
        "four linked with k = 3: shown",
        [Step(FIVE), Step({"A": 0, "B": -1, "C": 2, "D": -1})],
        3,
        (4, 0.5, 2, 1, 1),  # A +2, B 0, C +2, D −2
    ),
    (
        "a pass is no position: four linked",
        [Step(FIVE), Step({"A": 0, "B": -1, "C": 2, "D": -1, "E": None})],
        5,
        HIDDEN,
    ),
    (
        "whoever gave no key is never linked",
        [Step(FIVE), Step({"A": 0, "B": -1, "C": 2, "D": -1}, anonymous=(2, 2, 2))],
        5,
        HIDDEN,
    ),
    (
        "everyone agrees more: all toward agreement",
        [Step({p: -2 for p in "ABCDEF"}), Step({p: 2 for p in "ABCDEF"})],
        5,
        (6, 4.0, 6, 0, 0),
    ),
    (
        "everyone agrees less: all away",
        [Step({p: 1 for p in "ABCDE"}), Step({p: -1 for p in "ABCDE"})],
        5,
        (5, -2.0, 0, 5, 0),
    ),
    (
        "three sessions: the latest against the earliest, the middle one aside",
        # A: −2, +2, −1 → +1; B–E: 0, —, 0 → 0 (linked by ps1 and ps3 alone)
        [
            Step({"A": -2, "B": 0, "C": 0, "D": 0, "E": 0}),
            Step({"A": 2}),
            Step({"A": -1, "B": 0, "C": 0, "D": 0, "E": 0}),
        ],
        5,
        (5, 0.2, 1, 0, 4),
    ),
    (
        "a person known in the middle and last sessions only",
        # F: —, −2, +1 → +3; A–D: 0, —, 0
        [
            Step({"A": 0, "B": 0, "C": 0, "D": 0}),
            Step({"F": -2}),
            Step({"A": 0, "B": 0, "C": 0, "D": 0, "F": 1}),
        ],
        5,
        (5, 0.6, 1, 0, 4),
    ),
]


@pytest.mark.parametrize(("name", "steps", "k", "expected"), CASES, ids=[c[0] for c in CASES])
def test_the_shift_of_a_statement_debated_in_several_sessions(
    name: str,
    steps: Sequence[Step],
    k: int,
    expected: tuple[int, float, int, int, int] | str,
) -> None:
    (line,) = shift_of(*steps, k=k)
    assert (line.key, line.text) == (KEY, TEXT)
    assert line.sessions == tuple(f"ps{n}" for n in range(1, len(steps) + 1))
    if isinstance(expected, str):
        assert expected == HIDDEN
        assert line.hidden
        assert (line.people, line.mean_change, line.toward, line.away, line.stayed) == (
            None,
            None,
            None,
            None,
            None,
        )
        return
    assert not line.hidden
    people, mean, toward, away, stayed = expected
    assert line.people == people
    assert line.mean_change == pytest.approx(mean)
    assert (line.toward, line.away, line.stayed) == (toward, away, stayed)


def test_a_statement_published_in_one_session_only_has_no_shift() -> None:
    assert shift_of(Step(FIVE)) == ()
    hidden_there = Step(dict(FIVE), extra=(StatementHidden(statement="s3"),))
    assert shift_of(Step(FIVE), hidden_there) == ()


def test_two_entries_of_one_person_that_disagree_leave_their_position_unknown() -> None:
    again = ParticipantJoined(
        participant="p6",
        pseudonym="Personne 6",
        territory="t1",
        role=ParticipantRole.HABITANT,
        stays_seated=False,
        consent=False,
        person="E",  # E's device joined twice
    )
    later = {"A": 0, "B": -1, "C": 2, "D": -1, "E": 2}
    same = Step(
        later, extra=(again, PositionTaken(participant="p6", statement="s3", value=2, round=1))
    )
    (line,) = shift_of(Step(FIVE), same)
    assert line.people == 5  # the same position twice: E is known
    other = Step(
        later, extra=(again, PositionTaken(participant="p6", statement="s3", value=-2, round=1))
    )
    (line,) = shift_of(Step(FIVE), other)
    assert line.hidden  # +2 and −2: E's position is unknown, four are linked


def test_people_erased_or_merged_count_as_the_session_counts_them() -> None:
    later = {"A": 0, "B": -1, "C": 2, "D": -1, "E": 2}
    erased = ParticipantRemoved(
        participant="p5", erased=True, table=None, host=None, statements=(), annotations=()
    )
    (line,) = shift_of(Step(FIVE), Step(later, extra=(erased,)))
    assert line.hidden  # E asked for erasure in ps2: linked nowhere any more
    removed = ParticipantRemoved(
        participant="p5", erased=False, table=None, host=None, statements=(), annotations=()
    )
    (line,) = shift_of(Step(FIVE), Step(later, extra=(removed,)))
    assert line.people == 5  # E left ps2 early: their position there still counts
    # E joined ps2 twice, the second entry (p6, with the key) merged into the first (p5,
    # without): the merge keeps the key for the one person, and their position.
    joined_again = ParticipantJoined(
        participant="p6",
        pseudonym="Personne 6",
        territory="t1",
        role=ParticipantRole.HABITANT,
        stays_seated=False,
        consent=False,
        person="E",
    )
    merged = ParticipantsMerged(
        participant="p6", into="p5", table=None, host=None, positions=("s3",), grades=()
    )
    step = Step(
        {p: v for p, v in later.items() if p != "E"},
        anonymous=(None,),
        extra=(
            joined_again,
            PositionTaken(participant="p6", statement="s3", value=2, round=1),
            merged,
        ),
    )
    (line,) = shift_of(Step(FIVE), step)
    assert line.people == 5
    assert line.mean_change == pytest.approx(0.4)


def test_the_key_of_a_statement_is_its_provenance_or_the_one_an_import_gives_it() -> None:
    first = state_of("ps1", Step(FIVE))
    second = state_of("ps2", Step(FIVE))
    assert statement_key("ps1", first.statements["s1"]) == "ps1-s1"
    assert statement_key("ps2", second.statements["s3"]) == "ps1-s1"


def test_no_person_key_is_in_the_result() -> None:
    keys = {f"{name}-personal-key-0123456789" for name in "ABCDE"}
    stances = {key: value for key, value in zip(sorted(keys), FIVE.values(), strict=True)}
    later = {key: 2 for key in keys}
    result = repr(shift_of(Step(stances), Step(later)))
    assert "personal-key" not in result

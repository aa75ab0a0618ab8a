"""Step 3 of the programme: the online phase's problems compared across territories, then the
retained ones imported into the metropolitan Métrokawa with their provenance and ratings.

Given a programme with a forum whose residents of three territories wrote and rated problems,
when the facilitator records a comparison (groups confirmed or split, some retained), then the
metropolitan session imports one statement a retained group: the first problem's wording, the
territories of the group, the ratings summed over it — hidden under k raters, as the tallies are.
"""

from __future__ import annotations

import pytest

from session_engine import SessionState, evolve
from session_engine.commands import NewTerritory
from session_engine.events import (
    Event,
    ParticipantJoined,
    PositionTaken,
    SessionCreated,
    StatementHidden,
    StatementProposed,
    StatementPublished,
)
from session_engine.model import (
    HostPolicy,
    ParticipantRole,
    Provenance,
    StatementKind,
    Territory,
)
from session_engine.programme import (
    AddSession,
    ComparedGroup,
    CompareProblems,
    CreateProgramme,
    ProgrammeContext,
    ProgrammeState,
    SessionKind,
    decide,
)
from session_engine.programme.log import run
from session_engine.programme.steps import (
    FORUM_THEMES,
    compared_imports,
    imports_for,
    session_command,
)

CTX = ProgrammeContext(actor="o1", now=0, programme="pg1")
THREE = (
    NewTerritory(name="Bas-Clichy", commune="Clichy-sous-Bois", qpv=True),
    NewTerritory(name="La Noue", commune="Montreuil", qpv=True),
    NewTerritory(name="Centre-ville", commune="Vincennes", qpv=False),
)
# The forum's problems: (id, territory, text). s1, s3 and s5 say the same thing in three
# territories; s2 and s4 are local.
PROBLEMS = [
    ("s1", "t1", "Les poubelles débordent tout le week-end."),
    ("s2", "t1", "L'ascenseur du bâtiment B est en panne."),
    ("s3", "t2", "Les ordures ne sont pas ramassées le samedi."),
    ("s4", "t3", "Pas de piste cyclable vers la gare."),
    ("s5", "t3", "Poubelles pleines et sacs dans la rue le dimanche."),
]


def a_programme_with_a_forum() -> ProgrammeState:
    programme = ProgrammeState()
    assert run(programme, CreateProgramme(title="P", territories=THREE), CTX)
    forum = AddSession(session="F1", kind=SessionKind.FORUM, title="Forum", date="2027-01-10")
    assert run(programme, forum, CTX)
    metropolitan = AddSession(
        session="M1", kind=SessionKind.METROPOLITAN, title="M", date="2027-03-14"
    )
    assert run(programme, metropolitan, CTX)
    return programme


def the_forum(raters: int = 6) -> SessionState:
    """The forum's state: the problems published, ``raters`` people of t1 agreeing with s1 and
    s3, one of them passing on s5."""
    events: list[Event] = [
        SessionCreated(
            title="Forum",
            territories=tuple(
                Territory(id=f"t{i}", name=t.name, commune=t.commune, qpv=t.qpv)
                for i, t in enumerate(THREE, start=1)
            ),
            agenda=(),
            table_size=6,
            host_policy=HostPolicy.ROTATE,
            forum=True,
            themes=FORUM_THEMES,
        )
    ]
    for n in range(1, raters + 1):
        events.append(
            ParticipantJoined(
                participant=f"p{n}",
                pseudonym=f"P{n}",
                territory="t1",
                role=ParticipantRole.HABITANT,
                stays_seated=False,
                consent=False,
            )
        )
    for sid, territory, text in PROBLEMS:
        events += [
            StatementProposed(
                statement=sid,
                author="p1",
                text=text,
                kind=StatementKind.PROBLEM,
                round=0,
                table=None,
                territory=territory,
            ),
            StatementPublished(statement=sid),
        ]
    for n in range(1, raters + 1):
        events += [
            PositionTaken(participant=f"p{n}", statement="s1", value=2, round=0),
            PositionTaken(participant=f"p{n}", statement="s3", value=1, round=0),
        ]
    events.append(PositionTaken(participant="p1", statement="s5", value=None, round=0))
    state = SessionState()
    for event in events:
        evolve(state, event)
    return state


COMPARISON = CompareProblems(
    session="ps1",
    groups=(
        ComparedGroup(statements=("s1", "s3", "s5"), retained=True),
        ComparedGroup(statements=("s2",), retained=False),
        ComparedGroup(statements=("s4",), retained=True),
    ),
)


def test_a_forum_session_has_no_agenda_and_the_programme_s_themes() -> None:
    command = session_command(a_programme_with_a_forum(), SessionKind.FORUM, None, "Forum")
    assert command.forum
    assert command.agenda == ()
    assert command.themes == FORUM_THEMES
    assert len(command.territories) == 3


def test_the_facilitator_s_comparison_is_recorded_and_the_last_one_counts() -> None:
    programme = a_programme_with_a_forum()
    assert run(programme, COMPARISON, CTX)
    assert programme.sessions["ps1"].comparison == COMPARISON.groups
    split = CompareProblems(
        session="ps1",
        groups=(
            ComparedGroup(statements=("s1", "s3"), retained=True),
            ComparedGroup(statements=("s5",)),
        ),
    )
    assert run(programme, split, CTX)
    assert programme.sessions["ps1"].comparison == split.groups


# A comparison that cannot be: the command → the code.
REFUSED = [
    (CompareProblems(session="ps9", groups=()), "unknown_session"),
    (CompareProblems(session="ps2", groups=()), "bad_request"),  # ps2 is not a forum
    (
        CompareProblems(
            session="ps1",
            groups=(ComparedGroup(statements=("s1",)), ComparedGroup(statements=("s1", "s2"))),
        ),
        "bad_request",  # s1 in two groups
    ),
    (CompareProblems(session="ps1", groups=(ComparedGroup(statements=()),)), "bad_request"),
    (
        CompareProblems(session="ps1", groups=(ComparedGroup(statements=("s" * 33,)),)),
        "bad_request",
    ),
    (
        CompareProblems(
            session="ps1",
            groups=tuple(ComparedGroup(statements=(f"s{n}",)) for n in range(2_001)),
        ),
        "bad_request",
    ),
]


@pytest.mark.parametrize(("command", "code"), REFUSED)
def test_what_a_comparison_may_not_be(command: CompareProblems, code: str) -> None:
    outcome = decide(a_programme_with_a_forum(), command, CTX)
    assert not isinstance(outcome, list)
    assert outcome.code == code


def test_the_retained_groups_are_imported_with_their_territories_and_ratings() -> None:
    programme = a_programme_with_a_forum()
    assert run(programme, COMPARISON, CTX)
    imports = compared_imports(programme, programme.sessions["ps1"], the_forum())
    assert [(i.text, i.kind) for i in imports] == [
        ("Les poubelles débordent tout le week-end.", StatementKind.PROBLEM),
        ("Pas de piste cyclable vers la gare.", StatementKind.PROBLEM),
    ]
    assert imports[0].provenance == Provenance(
        key="ps1-s1",
        source="Forum numérique du 10 janvier 2027",
        territories=("Bas-Clichy", "Centre-ville", "La Noue"),
        statement="s1",
        # s1: six at +2; s3: six at +1; s5: one pass, under k, left out.
        ratings=(0, 0, 0, 6, 6, 0),
    )
    assert imports[1].provenance.ratings == ()  # nobody rated s4
    assert imports[1].provenance.territories == ("Centre-ville",)


def test_ratings_under_k_raters_are_not_carried() -> None:
    programme = a_programme_with_a_forum()
    assert run(programme, COMPARISON, CTX)
    imports = compared_imports(programme, programme.sessions["ps1"], the_forum(raters=4))
    assert imports[0].provenance.ratings == ()


def test_the_metropolitan_session_imports_what_the_comparison_retained_and_only_that() -> None:
    programme = a_programme_with_a_forum()
    assert run(programme, COMPARISON, CTX)
    imports = imports_for(programme, SessionKind.METROPOLITAN, {}, {"ps1": the_forum()})
    assert [i.provenance.key for i in imports] == ["ps1-s1", "ps1-s4"]


def test_a_problem_moderated_out_after_the_comparison_is_not_carried() -> None:
    programme = a_programme_with_a_forum()
    assert run(programme, COMPARISON, CTX)
    forum = the_forum()
    evolve(forum, StatementHidden(statement="s1"))  # hidden after the comparison was recorded
    imports = compared_imports(programme, programme.sessions["ps1"], forum)
    first = imports[0]
    assert first.text == "Les ordures ne sont pas ramassées le samedi."  # s3 stands for it now
    assert first.provenance.key == "ps1-s3"
    assert first.provenance.ratings == (0, 0, 0, 6, 0, 0)  # s1's six +2 are gone with it

"""Step 3 in the programme's cahier: « Comparaison des problèmes entre territoires ».

Given a programme of three territories with a forum (ps1) and a metropolitan Métrokawa (ps2),
the forum's cahier built from its log, and the facilitator's comparison (problems grouped,
some retained), the programme's cahier lists each group with its problems and their
territories, « partagé par N territoires » or « local », retained or not, and the statement it
became in the metropolitan session (the programme's imports, by provenance key).
"""

from __future__ import annotations

import json

from session_engine import Envelope, LogHeader
from session_engine.commands import NewTerritory
from session_engine.events import (
    Event,
    ParticipantJoined,
    SessionCreated,
    StatementProposed,
    StatementPublished,
)
from session_engine.model import HostPolicy, ParticipantRole, StatementKind, Territory
from session_engine.programme import (
    AddSession,
    ComparedGroup,
    CompareProblems,
    CreateProgramme,
    ImportedStatement,
    ProgrammeCommand,
    ProgrammeContext,
    ProgrammeState,
    RecordImports,
    SessionKind,
)
from session_engine.programme.log import run
from session_engine.programme.steps import FORUM_THEMES
from session_engine.report import Report, build_report
from session_engine.report.programme import (
    programme_cahier,
    render_programme_html,
    render_programme_json,
    render_programme_markdown,
)

CTX = ProgrammeContext(actor="o1", now=0, programme="pg1")
THREE = (
    NewTerritory(name="Bas-Clichy", commune="Clichy-sous-Bois", qpv=True),
    NewTerritory(name="La Noue", commune="Montreuil", qpv=True),
    NewTerritory(name="Centre-ville", commune="Vincennes", qpv=False),
)
# The forum's problems: (id, author, territory, text). s1, s3 and s5 say the same thing in three
# territories; s2 and s4 are local; s6 was never published (the moderation kept it).
PROBLEMS = [
    ("s1", "p1", "t1", "Les poubelles débordent tout le week-end."),
    ("s2", "p1", "t1", "L'ascenseur du bâtiment B est en panne."),
    ("s3", "p2", "t2", "Les ordures ne sont pas ramassées le samedi."),
    ("s4", "p3", "t3", "Pas de piste cyclable vers la gare ?"),
    ("s5", "p3", "t3", "Poubelles pleines et sacs dans la rue le dimanche."),
    ("s6", "p2", "t2", "Un texte que l'animation a gardé pour elle."),
]
COMPARISON = CompareProblems(
    session="ps1",
    groups=(
        ComparedGroup(statements=("s1", "s3", "s5"), retained=True),
        ComparedGroup(statements=("s2",), retained=False),
        ComparedGroup(statements=("s4",), retained=True),
        ComparedGroup(statements=("s6",), retained=False),
    ),
)
# What the metropolitan session received (``create_step_session`` records it).
IMPORTS = RecordImports(
    session="ps2",
    statements=(
        ImportedStatement(key="ps1-s1", statement="s1"),
        ImportedStatement(key="ps1-s4", statement="s2"),
    ),
)


def sent(programme: ProgrammeState, command: ProgrammeCommand) -> None:
    assert run(programme, command, CTX)


def a_programme(*, compared: bool = True) -> ProgrammeState:
    programme = ProgrammeState()
    sent(programme, CreateProgramme(title="Métrokawa 2027", territories=THREE))
    sent(
        programme,
        AddSession(session="F1", kind=SessionKind.FORUM, title="Forum", date="2027-01-10"),
    )
    sent(
        programme,
        AddSession(
            session="M1", kind=SessionKind.METROPOLITAN, title="Métropole", date="2027-03-14"
        ),
    )
    if compared:
        sent(programme, COMPARISON)
        sent(programme, IMPORTS)
    return programme


def forum_events() -> list[Event]:
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
    for n in (1, 2, 3):
        events.append(
            ParticipantJoined(
                participant=f"p{n}",
                pseudonym=f"P{n}",
                territory=f"t{n}",
                role=ParticipantRole.HABITANT,
                stays_seated=False,
                consent=False,
            )
        )
    for sid, author, territory, text in PROBLEMS:
        events.append(
            StatementProposed(
                statement=sid,
                author=author,
                text=text,
                kind=StatementKind.PROBLEM,
                round=0,
                table=None,
                territory=territory,
            )
        )
        if sid != "s6":
            events.append(StatementPublished(statement=sid))
    return events


def forum_report() -> Report:
    header = LogHeader(session="F1", title="Forum", created_at=0)
    envelopes = [
        Envelope(seq=i, at=i, actor="system", cmd=None, event=e)
        for i, e in enumerate(forum_events(), 1)
    ]
    return build_report(header, envelopes)


def flat(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


# Each group: its problems (id, text or None, territory), territories, scope, retained, imported.
GROUPS = [
    (
        [
            ("s1", "Les poubelles débordent tout le week-end.", "Bas-Clichy"),
            ("s3", "Les ordures ne sont pas ramassées le samedi.", "La Noue"),
            ("s5", "Poubelles pleines et sacs dans la rue le dimanche.", "Centre-ville"),
        ],
        ("Bas-Clichy", "La Noue", "Centre-ville"),
        "shared",
        True,
        [("ps2", "s1")],
    ),
    (
        [("s2", "L'ascenseur du bâtiment B est en panne.", "Bas-Clichy")],
        ("Bas-Clichy",),
        "local",
        False,
        [],
    ),
    (
        [("s4", "Pas de piste cyclable vers la gare ?", "Centre-ville")],
        ("Centre-ville",),
        "local",
        True,
        [("ps2", "s2")],
    ),
    ([("s6", None, None)], (), "local", False, []),
]


def test_the_comparison_lists_each_group_shared_or_local_retained_and_imported_where() -> None:
    cahier = programme_cahier(a_programme(), {"ps1": forum_report()})
    (comparison,) = cahier.comparisons
    assert (comparison.session, comparison.reported) == ("ps1", True)
    assert [
        (
            [(p.statement, p.text, p.territory) for p in g.problems],
            g.territories,
            g.scope,
            g.retained,
            [(i.session, i.statement) for i in g.imported],
        )
        for g in comparison.groups
    ] == GROUPS


def test_the_comparison_in_words_and_french_typography() -> None:
    markdown = render_programme_markdown(programme_cahier(a_programme(), {"ps1": forum_report()}))
    said = flat(markdown)
    assert "## Comparaison des problèmes entre territoires" in said
    assert "### Forum numérique « Forum » (10 janvier 2027)" in said
    assert "4 groupes : 1 partagé par plusieurs territoires, 3 locaux ; 2 retenus" in said
    assert (
        "| 1 | « Les poubelles débordent tout le week-end. » (Bas-Clichy) ; « Les ordures ne "
        "sont pas ramassées le samedi. » (La Noue) ; « Poubelles pleines et sacs dans la rue le "
        "dimanche. » (Centre-ville) | partagé par 3 territoires : Bas-Clichy, La Noue, "
        "Centre-ville | oui | Métrokawa métropolitain « Métropole » (énoncé 1) |"
    ) in said
    assert "| 2 | « L'ascenseur du bâtiment B est en panne. » (Bas-Clichy) | local : " in said
    assert "| 4 | énoncé 6, non publié dans le forum | local | non | — |" in said
    assert "Un texte que l'animation a gardé pour elle." not in said
    # the typography itself: no-break spaces inside « » and before : ; ?
    assert "«\u00a0Pas de piste cyclable vers la gare\u202f?\u00a0»" in markdown
    assert "partagé par 3 territoires\u00a0: Bas-Clichy" in markdown
    assert "(Bas-Clichy)\u202f; «\u00a0Les ordures" in markdown


def test_a_territory_s_cahier_keeps_the_groups_it_has_a_problem_in() -> None:
    cahier = programme_cahier(a_programme(), {"ps1": forum_report()}, territory="La Noue")
    (comparison,) = cahier.comparisons
    assert [[p.statement for p in g.problems] for g in comparison.groups] == [["s1", "s3", "s5"]]
    said = flat(render_programme_markdown(cahier))
    assert said.index("Comparaison des problèmes") < said.index("Les problèmes de La Noue")
    assert "seuls les groupes où La Noue a un problème sont repris ici" in said


def test_without_the_forum_s_cahier_the_comparison_quotes_no_problem() -> None:
    cahier = programme_cahier(a_programme(), {})
    (comparison,) = cahier.comparisons
    assert (comparison.reported, comparison.groups) == (False, ())
    said = flat(render_programme_markdown(cahier))
    assert "Le cahier de ce forum n'est pas repris ici : ses problèmes ne sont pas cités." in said


def test_without_a_comparison_the_cahier_has_no_such_section() -> None:
    cahier = programme_cahier(a_programme(compared=False), {"ps1": forum_report()})
    assert cahier.comparisons == ()
    assert "Comparaison des problèmes" not in render_programme_markdown(cahier)


def test_the_comparison_in_html_and_json() -> None:
    cahier = programme_cahier(a_programme(), {"ps1": forum_report()})
    html = render_programme_html(cahier)
    assert '<section id="comparaison" aria-labelledby="comparaison-titre">' in html
    data = json.loads(render_programme_json(cahier))
    first = data["comparisons"][0]["groups"][0]
    assert first["scope"] == "shared"
    assert first["imported"] == [{"session": "ps2", "statement": "s1"}]

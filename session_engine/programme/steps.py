"""What a session of the programme starts with: its territories, its agenda, and the statements
it imports from the sessions before it, each with its provenance.

The programme's order (``../shared/seed/``): the online phase names each territory's problems;
the metropolitan Métrokawa compares them across the metropolis and co-elaborates proposals; each
local Métrokawa starts from what the metropolitan one shared and adopted. A statement keeps one
provenance key along that chain (the key it was given where it was first written), so the
« comparer » view of the archive finds the same statement in every session that debated it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ..commands import CreateSession, ImportStatement, NewTerritory
from ..model import Provenance, RoundKind, RoundSpec, StatementKind
from ..report import Report, french_day
from ..state import SessionState, StatementStatus
from ..tallies import DEFAULT_K, Group, tallies
from .model import SessionKind
from .state import ProgrammeSession, ProgrammeState

__all__ = [
    "AGENDAS",
    "FORUM_THEMES",
    "KIND_NAMES",
    "compared_imports",
    "imports_for",
    "session_command",
]

_MINUTE: Final = 60_000

# The agenda each kind of session starts with; the facilitator edits it from the console.
AGENDAS: Final[Mapping[SessionKind, tuple[RoundSpec, ...]]] = {
    SessionKind.METROPOLITAN: (
        RoundSpec(
            kind=RoundKind.TABLE,
            prompt="Quels problèmes vivez-vous dans votre quartier ?",
            duration_ms=25 * _MINUTE,
        ),
        RoundSpec(
            kind=RoundKind.TABLE,
            prompt="Ces problèmes existent-ils ailleurs dans la métropole ?",
            duration_ms=25 * _MINUTE,
        ),
        RoundSpec(
            kind=RoundKind.TABLE,
            prompt="Quelles solutions proposer ensemble ?",
            duration_ms=25 * _MINUTE,
        ),
        RoundSpec(
            kind=RoundKind.VOTE,
            prompt="Vote : quelles préconisations pour la métropole ?",
            duration_ms=20 * _MINUTE,
        ),
    ),
    SessionKind.LOCAL: (
        RoundSpec(
            kind=RoundKind.TABLE,
            prompt="Ces problèmes partagés se posent-ils ici, et comment ?",
            duration_ms=25 * _MINUTE,
        ),
        RoundSpec(
            kind=RoundKind.TABLE,
            prompt="Quelles préconisations pour notre territoire ?",
            duration_ms=25 * _MINUTE,
        ),
        RoundSpec(
            kind=RoundKind.VOTE,
            prompt="Vote : quels vœux pour le conseil municipal ?",
            duration_ms=20 * _MINUTE,
        ),
    ),
    SessionKind.FORUM: (),  # the online phase has no rounds: people write when they like
}

# What the online phase's contributions may be filed under (its map's filters): the usual
# fields of the politique de la ville, in residents' words. The facilitator's console shows them.
FORUM_THEMES: Final = (
    "Logement et cadre de vie",
    "Transports et déplacements",
    "Propreté et environnement",
    "Sécurité et tranquillité",
    "Emploi et formation",
    "Jeunesse, école et loisirs",
    "Commerces et services publics",
    "Santé et solidarités",
)

# How a kind of session is named in the programme's pages and in provenances.
KIND_NAMES: Final[Mapping[SessionKind, str]] = {
    SessionKind.FORUM: "Forum numérique",
    SessionKind.METROPOLITAN: "Métrokawa métropolitain",
    SessionKind.LOCAL: "Métrokawa local",
}


def session_command(
    programme: ProgrammeState, kind: SessionKind, territory: str | None, title: str
) -> CreateSession:
    """The session a step of the programme creates: every territory of the programme for the
    online phase and the metropolitan Métrokawa, its own for a local one."""
    chosen = [
        t
        for t in programme.territories.values()
        if kind is not SessionKind.LOCAL or t.id == territory
    ]
    forum = kind is SessionKind.FORUM
    return CreateSession(
        title=title,
        territories=tuple(NewTerritory(name=t.name, commune=t.commune, qpv=t.qpv) for t in chosen),
        agenda=AGENDAS[kind],
        forum=forum,
        themes=FORUM_THEMES if forum else (),
    )


def _sources(programme: ProgrammeState, kind: SessionKind) -> list[ProgrammeSession]:
    """The sessions a new one of ``kind`` imports from: the online phase feeds the metropolitan
    Métrokawa, the metropolitan Métrokawa feeds the local ones."""
    feeds = {
        SessionKind.METROPOLITAN: SessionKind.FORUM,
        SessionKind.LOCAL: SessionKind.METROPOLITAN,
    }
    wanted = feeds.get(kind)
    return [s for s in programme.sessions.values() if s.kind is wanted]


def _source_name(programme: ProgrammeState, session: ProgrammeSession) -> str:
    return f"{KIND_NAMES[session.kind]} du {french_day(session.date)}"


def _provenance(
    programme: ProgrammeState,
    source: ProgrammeSession,
    state: SessionState,
    statement: str,
    territories: tuple[str, ...],
) -> Provenance:
    """Where ``statement`` of ``source`` comes from: its own provenance when it was imported
    there too (the chain keeps the key it was first given), else ``source`` itself."""
    known = state.statements.get(statement)
    earlier = known.provenance if known is not None else None
    if earlier is not None:
        return earlier
    return Provenance(
        key=f"{source.id}-{statement}",
        source=_source_name(programme, source),
        territories=territories,
        statement=statement,
    )


def imports_for(
    programme: ProgrammeState,
    kind: SessionKind,
    reports: Mapping[str, Report],
    states: Mapping[str, SessionState],
) -> list[ImportStatement]:
    """What a new session of ``kind`` imports: from each session that feeds it (``reports`` and
    ``states`` by programme session id), the problems shared across territories and those the
    whole room agreed on, then the proposals its vote adopted, each once."""
    imports: dict[str, ImportStatement] = {}
    for source in _sources(programme, kind):
        report, state = reports.get(source.id), states.get(source.id)
        if source.comparison is not None and state is not None:
            for command in compared_imports(programme, source, state):
                imports.setdefault(command.provenance.key, command)
            continue  # a compared forum gives what its facilitator retained, nothing else
        if report is None or state is None:
            continue
        names = {t.id: t.name for t in report.territories}

        problems = [(s.statement, s.agreed_in) for s in report.scopes if s.scope == "shared"]
        problems += [(ref, ()) for ref in report.consensus]
        for ref, agreed_in in problems:
            origin = _provenance(
                programme, source, state, ref.id, tuple(names.get(t, t) for t in agreed_in)
            )
            imports.setdefault(
                origin.key,
                ImportStatement(text=ref.text, kind=StatementKind(ref.kind), provenance=origin),
            )
        for proposal in report.adopted:
            cited = proposal.source.id if proposal.source is not None else proposal.proposal
            origin = _provenance(programme, source, state, cited, ())
            imports.setdefault(
                origin.key,
                ImportStatement(text=proposal.text, kind=StatementKind.IDEA, provenance=origin),
            )
    return list(imports.values())


def compared_imports(
    programme: ProgrammeState, forum: ProgrammeSession, state: SessionState, *, k: int = DEFAULT_K
) -> list[ImportStatement]:
    """The online phase's retained problems (step 3), one statement a group: the wording of its
    first problem, the territories its problems came from, and the ratings they received online
    (summed over the group; left out under ``k`` raters, as the tallies hide them)."""
    counts = {tally.statement: tally.overall for tally in tallies(state, k=k).statements}
    imports: list[ImportStatement] = []
    for group in forum.comparison or ():
        found = [  # what the room still reads: a problem hidden or erased since is not carried
            state.statements[s]
            for s in group.statements
            if s in state.statements and state.statements[s].status is StatementStatus.PUBLISHED
        ]
        if not group.retained or not found:
            continue
        first = found[0]
        names = {t.id: t.name for t in state.territories.values()}
        territories = sorted({names[s.territory] for s in found if s.territory in names})
        imports.append(
            ImportStatement(
                text=first.text,
                kind=first.kind,
                provenance=Provenance(
                    key=f"{forum.id}-{first.id}",
                    source=_source_name(programme, forum),
                    territories=tuple(territories),
                    statement=first.id,
                    ratings=_ratings([counts[s.id] for s in found if s.id in counts]),
                ),
            )
        )
    return imports


def _ratings(groups: list[Group]) -> tuple[int, ...]:
    """People at −2…+2 then passes, summed over the shown tallies; () when none is shown."""
    shown = [g for g in groups if not g.hidden and g.counts is not None]
    if not shown:
        return ()
    counts = [sum(g.counts[i] for g in shown if g.counts is not None) for i in range(5)]
    return (*counts, sum(g.passes or 0 for g in shown))

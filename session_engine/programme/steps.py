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
from ..state import SessionState
from .model import SessionKind
from .state import ProgrammeSession, ProgrammeState

__all__ = ["AGENDAS", "KIND_NAMES", "imports_for", "session_command"]

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
    SessionKind.FORUM: (
        RoundSpec(
            kind=RoundKind.TABLE,
            prompt="Quels problèmes vivez-vous dans votre quartier ?",
            duration_ms=4 * 60 * _MINUTE,
        ),
        RoundSpec(
            kind=RoundKind.VOTE, prompt="Vote : quels problèmes retenir ?", duration_ms=60 * _MINUTE
        ),
    ),
}

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
    return CreateSession(
        title=title,
        territories=tuple(NewTerritory(name=t.name, commune=t.commune, qpv=t.qpv) for t in chosen),
        agenda=AGENDAS[kind],
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

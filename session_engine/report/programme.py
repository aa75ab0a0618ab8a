"""The cahiers across a programme: a territory's *cahier de préconisations localisées*, and the
programme's cahier that gathers all of them. Pure: a programme's state and its sessions'
``Report`` in, a ``ProgrammeCahier`` (plain data) out, then Markdown, HTML or JSON.

The sessions' reports are built by the caller from their logs, already k-anonymised; a figure a
report hides (``None``) stays hidden here. Nothing that names a person is carried over: no
notes, no tables' syntheses (their hosts), no organiser.

A territory of the programme is found in a session's report by its name (the programme
pre-fills a session's territories, so the names are the same; case does not matter):

* its problems are the metropolitan sessions' statements whose scope is local and that it
  agreed with, then its local session's statements;
* the shared problems it took part in are the metropolitan statements of shared scope that it
  agreed with;
* its proposals are its local sessions' votes, ranked; its vœux are the programme's, with their
  follow-up at the council, and where each came from when its session's report says it;
* each forum's problems compared across territories (step 3, ``programme_compare``): its
  groups with their problems and territories, shared or local, retained, imported where (with
  a focus, the groups the territory has a problem in);
* given the sessions' states, how the positions of the people recognised from one session to
  another moved on the statements debated in several (``programme.shift``, under k): the
  programme's sessions, or a territory's and the metropolitan ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping

import msgspec

from ..model import Territory
from ..opinions import DEFAULT_K
from ..programme import ProgrammeSession, ProgrammeState, SessionKind, Voeu
from ..programme.shift import LinkedShift, programme_shift
from ..state import SessionState
from .build import UnknownTerritory
from .french import spoken
from .html import render_document_html
from .markdown import render_document_markdown
from .model import Report, StatementRef, VoteSection
from .programme_compare import comparisons
from .programme_model import (
    FollowUpStep,
    LocalStatement,
    ProgrammeCahier,
    ProposalLine,
    ScopedStatement,
    SessionLine,
    TerritoryPart,
    VoeuLine,
    VoteLine,
)
from .programme_wording import programme_document

__all__ = [
    "programme_cahier",
    "render_programme_html",
    "render_programme_json",
    "render_programme_markdown",
]


def programme_cahier(
    programme: ProgrammeState,
    reports: Mapping[str, Report],
    *,
    territory: str | None = None,
    states: Mapping[str, SessionState] | None = None,
) -> ProgrammeCahier:
    """The programme's cahier, or with ``territory`` (a programme territory id, or its name)
    that territory's cahier. ``reports`` maps a programme session id (ps1) to its Report;
    ``states``, to its state (from its log as stored, so with the personal keys people gave):
    then the cahier measures the opinion shift across its sessions (``programme_shift``).

    Raises ``UnknownTerritory`` when ``territory`` names none of the programme's territories."""
    territories = tuple(programme.territories.values())
    focus = None if territory is None else _find(territories, territory)
    sessions = tuple(programme.sessions.values())
    used = {s.id: reports[s.id] for s in sessions if s.id in reports}
    voeux = tuple(
        _voeu(v, used.get(v.session))
        for v in programme.voeux.values()
        if focus is None or v.territory == focus.id
    )
    parts = tuple(
        _part(t, sessions, used, voeux) for t in (territories if focus is None else (focus,))
    )
    # One threshold for the whole cahier: the strictest of the sessions it quotes.
    k = max((r.method.k for r in used.values()), default=DEFAULT_K)
    return ProgrammeCahier(
        programme=programme.id,
        title=programme.title,
        theme=programme.theme,
        territories=territories,
        focus=focus,
        sessions=tuple(
            SessionLine(
                id=s.id,
                title=s.title,
                kind=s.kind.value,
                date=s.date,
                territory=s.territory,
                closed=s.closed,
                reported=s.id in used,
            )
            for s in sessions
        ),
        parts=parts,
        voeux=voeux,
        k=k,
        shift=None if states is None else _shift(sessions, states, focus, k),
        comparisons=comparisons(sessions, used, territories, focus),
    )


def _shift(
    sessions: tuple[ProgrammeSession, ...],
    states: Mapping[str, SessionState],
    focus: Territory | None,
    k: int,
) -> tuple[LinkedShift, ...]:
    """The opinion shift across the sessions of the cahier: all of them, or a territory's own
    and those of the whole metropolis, in the programme's order."""
    chosen = [
        (s.id, states[s.id])
        for s in sessions
        if s.id in states and (focus is None or s.territory in (None, focus.id))
    ]
    return programme_shift(chosen, k=k)


def render_programme_html(cahier: ProgrammeCahier) -> str:
    """One self-contained page that prints to A4, as a session's cahier does (the same CSS)."""
    return render_document_html(programme_document(cahier))


def render_programme_markdown(cahier: ProgrammeCahier) -> str:
    return render_document_markdown(programme_document(cahier))


def render_programme_json(cahier: ProgrammeCahier) -> str:
    return json.dumps(msgspec.to_builtins(cahier), ensure_ascii=False, indent=2) + "\n"


def _key(name: str) -> str:
    return name.strip().casefold()


def _find(territories: tuple[Territory, ...], wanted: str) -> Territory:
    key = _key(wanted)
    for t in territories:
        if key in (t.id.casefold(), _key(t.name)):
            return t
    raise UnknownTerritory(wanted, territories)


def _in_report(report: Report, territory: Territory) -> str | None:
    """The id the session gave ``territory`` (found by name), or None when it had no such one."""
    return next((t.id for t in report.territories if _key(t.name) == _key(territory.name)), None)


def _part(
    territory: Territory,
    sessions: tuple[ProgrammeSession, ...],
    reports: Mapping[str, Report],
    voeux: tuple[VoeuLine, ...],
) -> TerritoryPart:
    metro = [
        line
        for s in sessions
        if s.kind is SessionKind.METROPOLITAN and s.id in reports
        for line in _scoped(s.id, reports[s.id], territory)
    ]
    local = [s for s in sessions if s.kind is SessionKind.LOCAL and s.territory == territory.id]
    return TerritoryPart(
        territory=territory,
        problems=tuple(line for line in metro if line.scope == "local"),
        shared=tuple(line for line in metro if line.scope == "shared"),
        local_sessions=tuple(s.id for s in local),
        statements=tuple(
            statement
            for s in local
            if s.id in reports
            for statement in _statements(s, reports[s.id])
        ),
        votes=tuple(_vote(s.id, v) for s in local if s.id in reports for v in reports[s.id].votes),
        voeux=tuple(v for v in voeux if v.territory == territory.id),
    )


def _scoped(session: str, report: Report, territory: Territory) -> Iterator[ScopedStatement]:
    here = _in_report(report, territory)
    if here is None:
        return
    names = {t.id: t.name for t in report.territories}
    for line in report.scopes:
        if here not in line.agreed_in:
            continue
        share = next((t for t in line.territories if t.territory == here), None)
        yield ScopedStatement(
            session=session,
            statement=line.statement,
            scope=line.scope,
            agreed_in=tuple(names.get(t, t) for t in line.agreed_in),
            eligible=line.eligible,
            here=share.agree if share else None,
            here_voters=share.voters if share else 0,
        )


def _statements(session: ProgrammeSession, report: Report) -> Iterator[LocalStatement]:
    """The statements the local session's cahier quotes (the ones some territory agreed with,
    the consensual and the divisive ones, the sources of its proposals), each once, by number.
    A report holds no other: a statement nobody agreed with is not a problem of the territory."""
    refs: dict[str, StatementRef] = {}
    found = [
        *(line.statement for line in report.scopes),
        *report.consensus,
        *(line.statement for line in report.divisive),
        *(p.source for v in report.votes for p in v.proposals if p.source is not None),
    ]
    for ref in found:
        refs.setdefault(ref.id, ref)
    imported = set(session.imports.values())
    for ref in sorted(refs.values(), key=lambda r: _number(r.id)):
        yield LocalStatement(session=session.id, statement=ref, imported=ref.id in imported)


def _number(ident: str) -> tuple[int, str]:
    """An id's place in its counter's order (s2 before s10)."""
    digits = spoken(ident)
    return (int(digits), ident) if digits.isdigit() else (0, ident)


def _vote(session: str, vote: VoteSection) -> VoteLine:
    # Under k voters a session's cahier prints no figure of its vote, not even the order of its
    # proposals (a ranking too): none is carried here.
    hidden = vote.hidden
    return VoteLine(
        session=session,
        vote=vote.vote,
        open=vote.open,
        hidden=hidden,
        voters=None if hidden else vote.voters,
        proposals=()
        if hidden
        else tuple(
            ProposalLine(
                proposal=p.proposal, text=p.text, rank=p.rank, grade=p.grade, adopted=p.adopted
            )
            for p in vote.proposals
        ),
    )


def _voeu(voeu: Voeu, report: Report | None) -> VoeuLine:
    consent = None
    if report is not None:
        consent = next((c for c in report.consents if c.voeu == voeu.voeu), None)
    hidden = report is not None and consent is not None and _vote_hidden(report, consent.vote)
    return VoeuLine(
        session=voeu.session,
        voeu=voeu.voeu,
        territory=voeu.territory,
        text=voeu.text,
        status=voeu.status.value,
        steps=tuple(
            FollowUpStep(
                status=step.status.value,
                date=step.date,
                council=step.council,
                answer=step.answer,
                link=step.link,
            )
            for step in voeu.history
        ),
        proposal=consent.proposal_text if consent else None,
        vote=consent.vote if consent else None,
        grade=None if consent is None or hidden else consent.grade,
    )


def _vote_hidden(report: Report, vote: str) -> bool:
    return any(v.vote == vote and v.hidden for v in report.votes)

"""The *cahier de préconisations*: what the room concluded, per territory, with its evidence.

A pure projection of a log: envelopes in, a ``Report`` (plain data) out, then text out in
Markdown, HTML or JSON. No I/O, no clock: the date printed is the log's ``created_at``, so the
same log always gives the same bytes (``replays/`` keeps the demo's reports as golden files).

Theory of operation
-------------------
1. ``build_report(header, envelopes, territory=…)`` pseudonymises the envelopes first
   (``logfile.pseudonymise``: whoever did not consent is "Participant·e N" everywhere), replays
   them, computes ``opinions`` (k-anonymity, opinion groups, territory consensus, majority
   judgment per territory, opinion shift) and gathers every section as frozen Structs. With a
   territory, the data itself is focused (its participation, its support, the tables where its
   people sat, what it shares with the others), so the JSON is the focused cahier too.
2. ``document(report)`` turns the data into French: sections of headings, paragraphs, tables
   and charts (``_Block``). All wording lives there, once.
3. ``render_markdown`` / ``render_html`` draw the same document; ``render_json`` is
   ``msgspec.to_builtins(report)``. A merit profile is a text bar in Markdown and an inline SVG
   with a ``<title>`` in HTML; the HTML is one self-contained file (inline CSS, no script, no
   external resource) that prints to A4 (a page break before each major section).

Provenance is kept everywhere: a statement says its round and table, a proposal its statement,
a synthesis its round, table and host, a vœu its vote and objections. Figures of a group under
``k`` voters are never shown; a sentence says so and why.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final, Literal

import msgspec

from .codec import Envelope
from .events import ParticipantSeated, RoundStarted, TablesRotated, TablesSeated
from .logfile import LogHeader, pseudonymise
from .model import GRADE_LABELS, Grade, ParticipantRole, RoundKind, Territory
from .opinions import (
    AGREE_THRESHOLD,
    DEFAULT_K,
    SHARED_MIN,
    Direction,
    Opinions,
    Scope,
    Shift,
    StatementDistributions,
    VoteResult,
    opinions,
    suppressed,
)
from .replay import replay
from .state import ConsentStatus, SessionState, StatementStatus

__all__ = [
    "ADOPTION_GRADE",
    "FORMATS",
    "Report",
    "UnknownTerritory",
    "build_report",
    "document",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
]

ADOPTION_GRADE: Final = Grade.ASSEZ_BIEN  # the same bar as ``decide`` for a consent round
FORMATS: Final = ("md", "html", "json")
Format = Literal["md", "html", "json"]
TOP_SHIFTS: Final = 5  # statements listed under "the positions that moved most"


class UnknownTerritory(ValueError):
    """``--territory`` names no territory of the session; ``known`` lists the ones it has."""

    def __init__(self, wanted: str, known: Sequence[Territory]) -> None:
        super().__init__(wanted)
        self.wanted = wanted
        self.known = tuple(known)


# --- the report as data ---------------------------------------------------------------------------


class TerritoryRef(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    name: str
    commune: str
    qpv: bool


class StatementRef(msgspec.Struct, frozen=True, kw_only=True):
    """A statement and where it came from: its round, its table (None: written in plenary)."""

    id: str
    text: str
    kind: str  # "problem" | "idea"
    round: int
    table: int | None
    agree: float | None  # share of the whole room's voters at +1/+2 (None when hidden)
    voters: int


class Participation(msgspec.Struct, frozen=True, kw_only=True):
    territory: str  # a territory id, or "all" for the whole session
    participants: int
    roles: dict[str, int]  # role value -> people
    active: int  # took at least one position
    positions: int
    statements: int  # published statements they wrote
    ballots: int  # people who cast a ballot


class RoundLine(msgspec.Struct, frozen=True, kw_only=True):
    number: int
    kind: str
    prompt: str
    tables: int
    statements: int
    syntheses: int


class TerritorySupport(msgspec.Struct, frozen=True, kw_only=True):
    territory: str
    voters: int
    hidden: bool
    rank: int | None
    grade: int | None
    profile: tuple[int, ...] | None


class RankedProposal(msgspec.Struct, frozen=True, kw_only=True):
    proposal: str
    text: str
    rank: int
    grade: int
    profile: tuple[int, ...]  # judgments per grade, À rejeter first
    adopted: bool
    source: StatementRef | None
    territories: tuple[TerritorySupport, ...]


class VoteSection(msgspec.Struct, frozen=True, kw_only=True):
    vote: str
    open: bool
    voters: int
    hidden: bool
    proposals: tuple[RankedProposal, ...]  # best first


class ObjectionLine(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    author: str  # pseudonym (pseudonymised unless consented)
    text: str
    resolution: str | None  # "amended" | "withdrawn" | None (never resolved)
    wording: str | None


class ConsentLine(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    proposal: str
    proposal_text: str
    vote: str
    grade: int
    status: str  # "open" | "adopted" | "abandoned"
    end_reason: str | None
    wording: str  # the wording under consent at the end (after amendments)
    objections: tuple[ObjectionLine, ...]
    voeu: str | None
    outcome: str | None


class TerritoryShare(msgspec.Struct, frozen=True, kw_only=True):
    territory: str
    voters: int
    agree: float | None  # None when hidden (under k)


class ScopeLine(msgspec.Struct, frozen=True, kw_only=True):
    statement: StatementRef
    scope: str  # "shared" | "local"
    agreed_in: tuple[str, ...]  # territory ids
    eligible: int
    territories: tuple[TerritoryShare, ...]


class GroupShare(msgspec.Struct, frozen=True, kw_only=True):
    group: str
    voters: int
    agree: float | None


class DivisiveLine(msgspec.Struct, frozen=True, kw_only=True):
    statement: StatementRef
    groups: tuple[GroupShare, ...]


class RepresentativeLine(msgspec.Struct, frozen=True, kw_only=True):
    statement: StatementRef
    direction: str  # "agree" | "disagree"
    group_share: float
    rest_share: float


class GroupLine(msgspec.Struct, frozen=True, kw_only=True):
    name: str
    size: int
    hidden: bool
    here: int | None  # with a focus: members from that territory (None when suppressed)
    representative: tuple[RepresentativeLine, ...]


class GroupsSection(msgspec.Struct, frozen=True, kw_only=True):
    min_positions: int
    clustered: int
    left_out: int
    groups: tuple[GroupLine, ...]


class ShiftLine(msgspec.Struct, frozen=True, kw_only=True):
    group: str  # "all" or a territory id
    people: int
    pairs: int
    hidden: bool
    changed: int | None
    changed_share: float | None
    mean_shift: float | None


class StatementShiftLine(msgspec.Struct, frozen=True, kw_only=True):
    statement: StatementRef
    shift: ShiftLine


class ShiftSection(msgspec.Struct, frozen=True, kw_only=True):
    lines: tuple[ShiftLine, ...]  # the room first, then the territories
    statements: tuple[StatementShiftLine, ...]  # the largest moves first


class SynthesisLine(msgspec.Struct, frozen=True, kw_only=True):
    round: int
    table: int
    host: str  # pseudonym
    text: str
    territories: tuple[str, ...]  # territory ids of the people at that table in that round


class RoundSyntheses(msgspec.Struct, frozen=True, kw_only=True):
    round: int
    prompt: str
    syntheses: tuple[SynthesisLine, ...]


class MinorityView(msgspec.Struct, frozen=True, kw_only=True):
    group: str
    group_size: int
    statement: StatementRef
    group_share: float


class UnresolvedObjection(msgspec.Struct, frozen=True, kw_only=True):
    consent: str
    proposal_text: str
    end_reason: str | None
    objection: ObjectionLine


class Method(msgspec.Struct, frozen=True, kw_only=True):
    k: int
    agree_threshold: float
    shared_min: int
    adoption_grade: int
    participants: int
    consented: int


class Report(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    session: str
    created_at: int  # ms since the epoch, from the log's header
    date: str  # the same, in French (heure de Paris)
    events: int
    closed: bool
    focus: TerritoryRef | None
    territories: tuple[TerritoryRef, ...]
    participation: tuple[Participation, ...]  # per territory (the focus only), then "all"
    rounds: tuple[RoundLine, ...]
    votes: tuple[VoteSection, ...]
    adopted: tuple[RankedProposal, ...]
    consents: tuple[ConsentLine, ...]
    scopes: tuple[ScopeLine, ...]
    consensus: tuple[StatementRef, ...]
    divisive: tuple[DivisiveLine, ...]
    groups: GroupsSection
    shift: ShiftSection
    syntheses: tuple[RoundSyntheses, ...]
    minority: tuple[MinorityView, ...]
    unresolved: tuple[UnresolvedObjection, ...]
    method: Method


# --- building it ----------------------------------------------------------------------------------


def build_report(
    header: LogHeader,
    envelopes: Iterable[Envelope],
    *,
    territory: str | None = None,
    k: int = DEFAULT_K,
) -> Report:
    """The cahier of a log (focused on one territory, by id or name, if ``territory`` is given).

    Raises ``UnknownTerritory`` when ``territory`` names none of the session's territories."""
    events = list(pseudonymise(envelopes))
    state = replay(events)
    focus = None if territory is None else _find_territory(state, territory)
    found = opinions(state, events, k=k)
    by_statement = {d.statement: d for d in found.statements}
    ctx = _Context(state, found, focus.id if focus else None, k, _seating(events), by_statement)
    votes = _votes(ctx)
    return Report(
        title=header.title or state.title,
        session=header.session,
        created_at=header.created_at,
        date=french_date(header.created_at),
        events=len(events),
        closed=state.closed,
        focus=_territory_ref(focus) if focus else None,
        territories=tuple(_territory_ref(t) for t in state.territories.values()),
        participation=_participation(ctx),
        rounds=_rounds(ctx),
        votes=votes,
        adopted=tuple(p for vote in votes for p in vote.proposals if p.adopted),
        consents=_consents(state),
        scopes=_scopes(ctx),
        consensus=tuple(ctx.ref(s) for s in found.consensus),
        divisive=_divisive(ctx),
        groups=_groups(ctx),
        shift=_shift_section(ctx),
        syntheses=_syntheses(ctx),
        minority=_minority(ctx),
        unresolved=_unresolved(state),
        method=Method(
            k=k,
            agree_threshold=AGREE_THRESHOLD,
            shared_min=SHARED_MIN,
            adoption_grade=int(ADOPTION_GRADE),
            participants=len(state.participants),
            consented=sum(1 for p in state.participants.values() if p.consent),
        ),
    )


def _find_territory(state: SessionState, wanted: str) -> Territory:
    key = wanted.strip().casefold()
    for t in state.territories.values():
        if key in (t.id.casefold(), t.name.casefold()):
            return t
    raise UnknownTerritory(wanted, tuple(state.territories.values()))


def _territory_ref(t: Territory) -> TerritoryRef:
    return TerritoryRef(id=t.id, name=t.name, commune=t.commune, qpv=t.qpv)


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(frozen=True)
class _Context:
    state: SessionState
    found: Opinions
    focus: str | None
    k: int
    seating: dict[int, dict[int, set[str]]]  # round -> table -> everyone who sat there
    by_statement: dict[str, StatementDistributions]

    def ref(self, statement: str) -> StatementRef:
        s = self.state.statements[statement]
        overall = self._distribution(statement)
        return StatementRef(
            id=s.id,
            text=s.text,
            kind=s.kind.value,
            round=s.round,
            table=s.table,
            agree=_share(overall.overall.agree_share) if overall else None,
            voters=overall.overall.voters if overall else 0,
        )

    def _distribution(self, statement: str) -> StatementDistributions | None:
        return self.by_statement.get(statement)

    def territory_ids(self) -> list[str]:
        ids = list(self.state.territories)
        return [self.focus] if self.focus else ids


def _seating(events: Sequence[Envelope]) -> dict[int, dict[int, set[str]]]:
    """Who sat at which table in each round: the plan in force when the round started, plus
    whoever was seated or re-seated while it ran."""
    plan: dict[int, set[str]] = {}
    rounds: dict[int, dict[int, set[str]]] = {}
    current = 0
    for envelope in events:
        event = envelope.event
        if isinstance(event, TablesSeated | TablesRotated):
            plan = {t.table: set(t.members) for t in event.tables}
        elif isinstance(event, ParticipantSeated):
            plan.setdefault(event.table, set()).add(event.participant)
        elif isinstance(event, RoundStarted):
            current = event.round
            rounds[current] = {}
        else:
            continue
        if current:
            for number, members in plan.items():
                rounds[current].setdefault(number, set()).update(members)
    return rounds


def _participation(ctx: _Context) -> tuple[Participation, ...]:
    state = ctx.state
    published = {s.id for s in state.statements.values() if s.status is StatementStatus.PUBLISHED}
    positions = Counter(p for (p, s) in state.positions if s in published)
    authors = Counter(s.author for s in state.statements.values() if s.id in published)
    voters = {p for vote in state.votes.values() for p in vote.ballots}

    def line(territory: str, people: list[str]) -> Participation:
        roles = Counter(state.participants[p].role.value for p in people)
        return Participation(
            territory=territory,
            participants=len(people),
            roles={r.value: roles.get(r.value, 0) for r in ParticipantRole},
            active=sum(1 for p in people if positions[p]),
            positions=sum(positions[p] for p in people),
            statements=sum(authors[p] for p in people),
            ballots=sum(1 for p in people if p in voters),
        )

    everyone = list(state.participants)
    lines = [
        line(t, [p for p in everyone if state.participants[p].territory == t])
        for t in ctx.territory_ids()
    ]
    return (*lines, line("all", everyone))


def _rounds(ctx: _Context) -> tuple[RoundLine, ...]:
    state = ctx.state
    statements = Counter(
        s.round for s in state.statements.values() if s.status is StatementStatus.PUBLISHED
    )
    syntheses = Counter(r for (r, _) in state.syntheses)
    return tuple(
        RoundLine(
            number=r.number,
            kind=r.spec.kind.value,
            prompt=r.spec.prompt,
            tables=len(ctx.seating.get(r.number, {})) if r.spec.kind is RoundKind.TABLE else 0,
            statements=statements.get(r.number, 0),
            syntheses=syntheses.get(r.number, 0),
        )
        for r in state.rounds
    )


def _last_votes(state: SessionState) -> dict[str, str]:
    """Each proposal's last vote: the one that speaks for the room (as ``decide`` reads it)."""
    last: dict[str, str] = {}
    for vote in state.votes.values():
        for proposal in vote.proposals:
            last[proposal] = vote.id
    return last


def _votes(ctx: _Context) -> tuple[VoteSection, ...]:
    last = _last_votes(ctx.state)
    return tuple(_vote_section(ctx, result, last) for result in ctx.found.votes)


def _vote_section(ctx: _Context, result: VoteResult, last: dict[str, str]) -> VoteSection:
    overall = result.overall
    if result.open:
        return VoteSection(
            vote=result.vote, open=True, voters=overall.voters, hidden=False, proposals=()
        )
    wanted = set(ctx.territory_ids())
    rankings = [r for r in result.territories if r.group in wanted]
    proposals = []
    for p in overall.proposals:
        proposal = ctx.state.proposals[p.proposal]
        statement = proposal.statement if proposal.statement in ctx.state.statements else None
        supports = []
        for ranking in rankings:
            mine = next((q for q in ranking.proposals if q.proposal == p.proposal), None)
            supports.append(
                TerritorySupport(
                    territory=ranking.group,
                    voters=ranking.voters,
                    hidden=ranking.hidden,
                    rank=mine.rank if mine else None,
                    grade=mine.majority_grade if mine else None,
                    profile=mine.profile if mine else None,
                )
            )
        proposals.append(
            RankedProposal(
                proposal=p.proposal,
                text=proposal.text,
                rank=p.rank,
                grade=p.majority_grade,
                profile=p.profile,
                adopted=p.majority_grade >= ADOPTION_GRADE and last.get(p.proposal) == result.vote,
                source=ctx.ref(statement) if statement else None,
                territories=tuple(supports),
            )
        )
    return VoteSection(
        vote=result.vote,
        open=False,
        voters=overall.voters,
        hidden=overall.hidden,
        proposals=tuple(proposals),
    )


def _objection(state: SessionState, objection: str) -> ObjectionLine:
    o = state.objections[objection]
    person = state.participants.get(o.author)
    return ObjectionLine(
        id=o.id,
        author=person.pseudonym if person else o.author,
        text=o.text,
        resolution=o.resolution,
        wording=o.wording,
    )


def _consents(state: SessionState) -> tuple[ConsentLine, ...]:
    by_consent = {v.consent: v for v in state.voeux.values()}
    lines = []
    for c in state.consents.values():
        voeu = by_consent.get(c.id)
        proposal = state.proposals.get(c.proposal)
        lines.append(
            ConsentLine(
                id=c.id,
                proposal=c.proposal,
                proposal_text=proposal.text if proposal else "",
                vote=c.vote,
                grade=int(c.grade),
                status=c.status.value,
                end_reason=c.end_reason,
                wording=voeu.text if voeu else c.text,
                objections=tuple(_objection(state, o) for o in c.objections),
                voeu=voeu.id if voeu else None,
                outcome=voeu.outcome if voeu else None,
            )
        )
    return tuple(lines)


def _unresolved(state: SessionState) -> tuple[UnresolvedObjection, ...]:
    return tuple(
        UnresolvedObjection(
            consent=line.id,
            proposal_text=line.proposal_text,
            end_reason=line.end_reason,
            objection=o,
        )
        for line in _consents(state)
        if line.status == ConsentStatus.ABANDONED.value
        for o in line.objections
        if o.resolution is None
    )


def _scopes(ctx: _Context) -> tuple[ScopeLine, ...]:
    lines = []
    for s in ctx.found.territories.statements:
        if s.scope is Scope.NOT_AGREED:
            continue
        if ctx.focus and s.scope is Scope.LOCAL and ctx.focus not in s.agreed_in:
            continue  # local to another territory: not this cahier's business
        lines.append(
            ScopeLine(
                statement=ctx.ref(s.statement),
                scope=s.scope.value,
                agreed_in=s.agreed_in,
                eligible=s.eligible,
                territories=tuple(
                    TerritoryShare(
                        territory=t.territory, voters=t.voters, agree=_share(t.agree_share)
                    )
                    for t in s.territories
                ),
            )
        )
    return tuple(lines)


def _divisive(ctx: _Context) -> tuple[DivisiveLine, ...]:
    by_statement = ctx.by_statement
    return tuple(
        DivisiveLine(
            statement=ctx.ref(s),
            groups=tuple(
                GroupShare(group=d.group, voters=d.voters, agree=_share(d.agree_share))
                for d in by_statement[s].groups
            ),
        )
        for s in ctx.found.groups.divisive
    )


def _groups(ctx: _Context) -> GroupsSection:
    found = ctx.found.groups
    here: list[int | None] = [None] * len(found.groups)
    if ctx.focus:
        counts = [
            sum(1 for p in g.members if ctx.state.participants[p].territory == ctx.focus)
            for g in found.groups
        ]
        hidden = suppressed(counts, ctx.k)
        here = [None if h else n for n, h in zip(counts, hidden, strict=True)]
    return GroupsSection(
        min_positions=found.min_positions,
        clustered=len(found.participants),
        left_out=len(found.left_out),
        groups=tuple(
            GroupLine(
                name=g.name,
                size=len(g.members),
                hidden=g.hidden,
                here=n,
                representative=tuple(
                    RepresentativeLine(
                        statement=ctx.ref(r.statement),
                        direction=r.direction.value,
                        group_share=round(r.group_share, 4),
                        rest_share=round(r.rest_share, 4),
                    )
                    for r in g.representative
                ),
            )
            for g, n in zip(found.groups, here, strict=True)
        ),
    )


def _shift_line(shift: Shift) -> ShiftLine:
    return ShiftLine(
        group=shift.group,
        people=shift.people,
        pairs=shift.pairs,
        hidden=shift.hidden,
        changed=shift.changed,
        changed_share=_share(shift.changed_share),
        mean_shift=_share(shift.mean_shift),
    )


def _shift_section(ctx: _Context) -> ShiftSection:
    shift = ctx.found.shift
    if shift is None:  # pragma: no cover - build_report always passes the events
        return ShiftSection(lines=(), statements=())
    wanted = set(ctx.territory_ids())
    lines = [_shift_line(shift.overall)]
    lines.extend(_shift_line(t) for t in shift.territories if t.group in wanted)
    moves = []
    for s in shift.statements:
        chosen = next((t for t in s.territories if t.group == ctx.focus), s.overall)
        if not chosen.hidden and chosen.mean_shift is not None and chosen.mean_shift != 0:
            moves.append(
                StatementShiftLine(statement=ctx.ref(s.statement), shift=_shift_line(chosen))
            )
    moves.sort(key=lambda m: -abs(m.shift.mean_shift or 0.0))  # stable: ties keep the log order
    return ShiftSection(lines=tuple(lines), statements=tuple(moves[:TOP_SHIFTS]))


def _syntheses(ctx: _Context) -> tuple[RoundSyntheses, ...]:
    state = ctx.state
    rounds = []
    for r in state.rounds:
        lines = []
        for (number, table), synthesis in sorted(state.syntheses.items()):
            if number != r.number:
                continue
            people = ctx.seating.get(number, {}).get(table, set()) | {synthesis.host}
            places = {state.participants[p].territory for p in people if p in state.participants}
            territories = tuple(t for t in state.territories if t in places)
            if ctx.focus and ctx.focus not in territories:
                continue
            host = state.participants.get(synthesis.host)
            lines.append(
                SynthesisLine(
                    round=number,
                    table=table,
                    host=host.pseudonym if host else synthesis.host,
                    text=synthesis.text,
                    territories=territories,
                )
            )
        if lines:
            rounds.append(
                RoundSyntheses(round=r.number, prompt=r.spec.prompt, syntheses=tuple(lines))
            )
    return tuple(rounds)


def _minority(ctx: _Context) -> tuple[MinorityView, ...]:
    """Statements an opinion group supports strongly while the room as a whole does not."""
    views = []
    for g in ctx.found.groups.groups:
        for r in g.representative:
            if r.direction is not Direction.AGREE or r.group_share < AGREE_THRESHOLD:
                continue
            ref = ctx.ref(r.statement)
            if ref.agree is not None and ref.agree < AGREE_THRESHOLD:
                views.append(
                    MinorityView(
                        group=g.name,
                        group_size=len(g.members),
                        statement=ref,
                        group_share=round(r.group_share, 4),
                    )
                )
    return tuple(views)


# --- dates, numbers, words ------------------------------------------------------------------------

_MONTHS: Final = (
    *("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"),
    *("septembre", "octobre", "novembre", "décembre"),
)
_DAYS: Final = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _last_sunday(year: int, month: int) -> datetime:
    """1 a.m. UTC on the last Sunday of ``month``: when European summer time starts or ends."""
    day = datetime(year, month + 1, 1, 1, tzinfo=UTC) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def french_date(ms: int) -> str:
    """``ms`` since the epoch as Paris reads it (EU summer time rule, no tz database needed)."""
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    summer = _last_sunday(moment.year, 3) <= moment < _last_sunday(moment.year, 10)
    local = moment + timedelta(hours=2 if summer else 1)
    day = "1er" if local.day == 1 else str(local.day)
    return (
        f"{_DAYS[local.weekday()]} {day} {_MONTHS[local.month - 1]} {local.year}, "
        f"{local.hour} h {local.minute:02d} (heure de Paris)"
    )


def _n(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{round(100 * share)}\u202f%"


def _signed(value: float | None) -> str:
    if value is None:
        return "—"
    text = f"{abs(value):.2f}".replace(".", ",")
    return ("+" if value > 0 else "\u2212" if value < 0 else "") + text


def _plural(count: int, one: str, many: str) -> str:
    return f"{_n(count)} {one if count == 1 else many}"


_KINDS: Final = {"problem": "problème", "idea": "idée"}
_ROUND_KINDS: Final = {"table": "tables", "plenary": "plénière", "vote": "vote"}
_ROLES: Final = {
    "habitant": "habitant·e·s",
    "elu": "élu·e·s",
    "technicien": "technicien·ne·s",
    "autre": "autres",
}
_RESOLUTIONS: Final = {
    "amended": "levée par un amendement",
    "withdrawn": "retirée par son auteur·rice",
}
_END_REASONS: Final = {
    "facilitator": "abandonné par l'animation",
    "session_closed": "abandonné à la clôture de la session",
}
_GRADE_LETTERS: Final = "RIPABTE"  # À rejeter … Excellent, for the text bars
_GRADE_COLOURS: Final = (
    "#a50026",
    "#e34a33",
    "#fc8d59",
    "#fee08b",
    "#a6d96a",
    "#4daf4a",
    "#1a7837",
)


def _ordinal(rank: int | None) -> str:
    return "—" if rank is None else ("1er" if rank == 1 else f"{rank}e")


def _grade(value: int | None) -> str:
    return "—" if value is None else GRADE_LABELS[Grade(value)]


def _provenance(s: StatementRef) -> str:
    table = "en plénière" if s.table is None else f"table {s.table}"
    return f"{s.id}, {_KINDS.get(s.kind, s.kind)}, manche {s.round}, {table}"


# --- the document: what every format draws --------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """A merit profile to draw: a text bar in Markdown, an SVG in HTML."""

    profile: tuple[int, ...]
    label: str
    large: bool = False


@dataclass(frozen=True)
class Bar:
    """A share (0..1) to draw as a small bar next to its figure; None when not shown."""

    share: float | None
    label: str


Cell = str | Profile | Bar


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    note: bool = False  # a caveat (k-anonymity, method): set apart


@dataclass(frozen=True)
class Quote:
    text: str
    cite: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Legend:
    pass


_Block = Heading | Para | Quote | Bullets | Table | Profile | Legend


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    blocks: tuple[_Block, ...]


@dataclass(frozen=True)
class Document:
    title: str
    lead: tuple[str, ...]
    sections: tuple[Section, ...]


def document(report: Report) -> Document:
    """The cahier in French, as sections of blocks; the renderers only draw it."""
    names = {t.id: t.name for t in report.territories}
    words = _Words(report, names)
    return Document(
        title=words.title(),
        lead=words.lead(),
        sections=(
            Section("participation", "Territoires et participation", words.participation()),
            Section("preconisations", "Préconisations adoptées", words.adopted()),
            Section("classement", "Classement complet au jugement majoritaire", words.ranking()),
            Section("voeux", "Vœux pour les conseils municipaux", words.voeux()),
            Section("territoires", words.scopes_title(), words.scopes()),
            Section("consensus", "Énoncés consensuels et énoncés qui divisent", words.consensus()),
            Section("groupes", "Groupes d'opinion", words.groups()),
            Section("evolution", "Évolution des opinions", words.shift()),
            Section("syntheses", "Synthèses des tables", words.syntheses()),
            Section("minorites", "Points de vue minoritaires", words.minority()),
            Section("methode", "Méthode, protection des personnes et provenance", words.method()),
        ),
    )


@dataclass(frozen=True)
class _Words:
    report: Report
    names: dict[str, str]

    @property
    def k(self) -> int:
        return self.report.method.k

    def hidden_sentence(self, what: str) -> str:
        return (
            f"{what} : moins de {self.k} personnes (ou masqué pour qu'on ne puisse pas le "
            "retrouver par soustraction). Ses chiffres ne sont pas publiés, pour que personne ne "
            "puisse être reconnu à ses positions (k-anonymat)."
        )

    def title(self) -> str:
        focus = self.report.focus
        base = f"Cahier de préconisations — {self.report.title}"
        return f"{base} — {focus.name}" if focus else base

    def lead(self) -> tuple[str, ...]:
        r = self.report
        lines = [
            f"Session « {r.session} » du {r.date}.",
            "Établi à partir du journal de la session "
            f"({_plural(r.events, 'événement', 'événements')}, session "
            f"{'close' if r.closed else 'encore ouverte'}).",
        ]
        if r.focus:
            f = r.focus
            qpv = ", quartier prioritaire (QPV)" if f.qpv else ""
            lines.append(
                f"Cahier du territoire {f.name} ({f.commune}{qpv}) : sa participation, son "
                "soutien aux propositions, les tables où ses habitant·e·s ont siégé et ce qu'il "
                "partage avec les autres territoires de la métropole."
            )
        return tuple(lines)

    def territory(self, tid: str) -> str:
        return "Ensemble de la session" if tid == "all" else self.names.get(tid, tid)

    # participation

    def participation(self) -> tuple[_Block, ...]:
        r = self.report
        refs = {t.id: t for t in r.territories}
        rows = []
        for p in r.participation:
            t = refs.get(p.territory)
            rows.append(
                (
                    self.territory(p.territory),
                    "" if t is None else t.commune,
                    "" if t is None else ("oui" if t.qpv else "non"),
                    _n(p.participants),
                    ", ".join(f"{_n(n)} {_ROLES[role]}" for role, n in p.roles.items() if n),
                    _n(p.active),
                    _n(p.positions),
                    _n(p.statements),
                    _n(p.ballots),
                )
            )
        qpv = sum(1 for t in r.territories if t.qpv)
        blocks: list[_Block] = [
            Para(
                f"{_plural(len(r.territories), 'territoire', 'territoires')} de la métropole, dont "
                f"{_plural(qpv, 'quartier prioritaire', 'quartiers prioritaires')} (QPV) : "
                + ", ".join(f"{t.name} ({t.commune})" for t in r.territories)
                + "."
            ),
            Table(
                "Participation par territoire",
                (
                    "Territoire",
                    "Commune",
                    "QPV",
                    "Participant·e·s",
                    "Dont",
                    "Ont pris position",
                    "Positions",
                    "Énoncés publiés",
                    "Ont voté",
                ),
                tuple(rows),
            ),
            Heading("Déroulé de la session"),
            Table(
                "Les manches",
                ("Manche", "Type", "Consigne", "Tables", "Énoncés publiés", "Synthèses"),
                tuple(
                    (
                        str(m.number),
                        _ROUND_KINDS.get(m.kind, m.kind),
                        m.prompt,
                        _n(m.tables) if m.tables else "—",
                        _n(m.statements),
                        _n(m.syntheses),
                    )
                    for m in r.rounds
                ),
            ),
        ]
        return tuple(blocks)

    # majority judgment

    def adopted(self) -> tuple[_Block, ...]:
        r = self.report
        bar = GRADE_LABELS[Grade(r.method.adoption_grade)]
        if not r.votes:
            return (Para("Aucun vote au jugement majoritaire n'a eu lieu pendant cette session."),)
        blocks: list[_Block] = [
            Para(
                "Une proposition est adoptée quand sa mention majoritaire, au dernier vote qui "
                f"l'a jugée, est au moins « {bar} ». Chacune est présentée avec son profil de "
                "mérite (la part de chaque mention), son soutien "
                + ("dans le territoire" if r.focus else "par territoire")
                + " et l'énoncé dont elle est issue."
            )
        ]
        if not r.adopted:
            blocks.append(Para("Aucune proposition n'a atteint cette mention."))
            return tuple(blocks)
        blocks.append(Legend())
        for p in r.adopted:
            blocks.append(Heading(f"{p.rank}. {p.text}"))
            judged = sum(p.profile)
            blocks.append(
                Para(
                    f"Mention majoritaire : {_grade(p.grade)} "
                    f"({_plural(judged, 'jugement', 'jugements')}). Proposition {p.proposal}"
                    + (f", issue de l'énoncé {_provenance(p.source)}" if p.source else "")
                    + "."
                )
            )
            blocks.append(Profile(p.profile, f"Profil de mérite de « {p.text} »", large=True))
            rows = [self.support_row(p, s) for s in p.territories]
            blocks.append(
                Table(
                    f"Soutien {'du territoire' if r.focus else 'par territoire'} à « {p.text} »",
                    ("Territoire", "Votant·e·s", "Mention majoritaire", "Rang", "Profil"),
                    tuple(rows),
                )
            )
            hidden = [self.territory(s.territory) for s in p.territories if s.hidden]
            if hidden:
                blocks.append(Para(self.hidden_sentence(", ".join(hidden)), note=True))
        return tuple(blocks)

    def support_row(self, p: RankedProposal, s: TerritorySupport) -> tuple[Cell, ...]:
        name = self.territory(s.territory)
        if s.hidden or s.profile is None:
            return (name, _n(s.voters), "masqué", "—", "—")
        return (
            name,
            _n(s.voters),
            _grade(s.grade),
            _ordinal(s.rank),
            Profile(s.profile, f"Profil de mérite de « {p.text} » : {name}"),
        )

    def ranking(self) -> tuple[_Block, ...]:
        r = self.report
        if not r.votes:
            return (Para("Aucun vote n'a eu lieu : il n'y a pas de classement."),)
        blocks: list[_Block] = [
            Para(
                "Classement de Balinski et Laraki : par mention majoritaire, puis, à mention "
                "égale, par la part des jugements au-dessus ou au-dessous de la médiane (le "
                "départage usuel du jugement majoritaire)."
            ),
            Legend(),
        ]
        for v in r.votes:
            if v.open:
                blocks.append(Para(f"Le vote {v.vote} est encore ouvert : pas de résultat."))
                continue
            if v.hidden:
                blocks.append(Para(self.hidden_sentence(f"Le vote {v.vote}"), note=True))
                continue
            head = ["Rang", "Proposition", "Mention majoritaire", "Profil", "Adoptée"]
            if r.focus:
                head.insert(3, f"Mention à {r.focus.name}")
            rows = []
            for p in v.proposals:
                row: list[Cell] = [
                    f"{p.rank}",
                    f"{p.text} ({p.proposal})",
                    _grade(p.grade),
                    Profile(p.profile, f"Profil de mérite de « {p.text} »"),
                    "oui" if p.adopted else "non",
                ]
                if r.focus:
                    here = p.territories[0] if p.territories else None
                    row.insert(3, "masqué" if here is None or here.hidden else _grade(here.grade))
                rows.append(tuple(row))
            blocks.append(
                Table(
                    f"Vote {v.vote} : {_plural(v.voters, 'votant·e', 'votant·e·s')}",
                    tuple(head),
                    tuple(rows),
                )
            )
            if not r.focus:
                blocks.append(self.territory_ranking(v))
        return tuple(blocks)

    def territory_ranking(self, v: VoteSection) -> Table:
        territories = v.proposals[0].territories if v.proposals else ()
        head = ("Proposition", *(self.territory(s.territory) for s in territories))
        rows = tuple(
            (
                p.text,
                *(
                    "masqué" if s.hidden else f"{_grade(s.grade)} ({_ordinal(s.rank)})"
                    for s in p.territories
                ),
            )
            for p in v.proposals
        )
        return Table(f"Vote {v.vote} : mention et rang dans chaque territoire", head, rows)

    # vœux

    def voeux(self) -> tuple[_Block, ...]:
        consents = self.report.consents
        if not consents:
            return (
                Para(
                    "Aucun vœu n'a été adopté pendant cette session : aucune préconisation n'est "
                    "passée par un tour de consentement. Les préconisations adoptées peuvent être "
                    "portées en vœux lors d'un prochain Métrokawa, avant leur présentation au "
                    "conseil municipal."
                ),
            )
        adopted = sum(1 for c in consents if c.voeu)
        blocks: list[_Block] = [
            Para(
                f"{_plural(adopted, 'vœu adopté', 'vœux adoptés')} sur "
                f"{_plural(len(consents), 'tour de consentement', 'tours de consentement')}. "
                "Une préconisation adoptée passe par un tour de consentement : chacun·e peut "
                "lever une objection argumentée ; l'animation la lève par un amendement ou "
                "son auteur·rice la retire ; le vœu est adopté quand plus aucune ne reste."
            )
        ]
        for c in consents:
            blocks.extend(self.consent(c))
        return tuple(blocks)

    def consent(self, c: ConsentLine) -> list[_Block]:
        title = f"Vœu {c.voeu}" if c.voeu else f"Tour de consentement {c.id}"
        status = {
            "adopted": "adopté",
            "open": "encore ouvert",
            "abandoned": _END_REASONS.get(c.end_reason or "", "abandonné"),
        }[c.status]
        blocks: list[_Block] = [
            Heading(f"{title} : {c.wording}"),
            Para(
                f"Proposition {c.proposal} « {c.proposal_text} », adoptée au vote {c.vote} avec "
                f"la mention {_grade(c.grade)} ; tour de consentement {c.id} : {status}."
            ),
        ]
        if c.voeu and c.outcome:
            blocks.append(Quote(c.outcome, "Conclusion de l'animation"))
        if not c.objections:
            blocks.append(Para("Aucune objection n'a été levée."))
            return blocks
        rows = tuple(
            (
                o.id,
                o.author,
                o.text,
                _RESOLUTIONS.get(o.resolution or "", "non résolue"),
                o.wording or "—",
            )
            for o in c.objections
        )
        blocks.append(
            Table(
                f"Objections du tour {c.id}",
                ("Objection", "Par", "Motif", "Issue", "Nouvelle rédaction"),
                rows,
            )
        )
        return blocks

    # territories

    def scopes_title(self) -> str:
        focus = self.report.focus
        if focus:
            return f"Ce que {focus.name} partage avec les autres territoires"
        return "Problèmes partagés et problèmes locaux"

    def scope_row(self, s: ScopeLine) -> tuple[Cell, ...]:
        agreed = ", ".join(self.territory(t) for t in s.agreed_in)
        return (
            s.statement.text,
            _provenance(s.statement),
            f"{len(s.agreed_in)} / {s.eligible} : {agreed}",
            Bar(s.statement.agree, "Part d'accord dans la salle"),
        )

    def scopes(self) -> tuple[_Block, ...]:
        r, m = self.report, self.report.method
        head = ("Énoncé", "Provenance", "D'accord dans", "Accord (salle)")
        blocks: list[_Block] = [
            Para(
                "Un territoire est d'accord avec un énoncé quand au moins "
                f"{_pct(m.agree_threshold)} de ses votant·e·s sont plutôt ou tout à fait pour. "
                f"Un énoncé est partagé quand au moins {m.shared_min} territoires sont d'accord "
                "(ou tous ceux dont les chiffres sont publiés, au moins deux) ; il est local "
                "quand un territoire ou quelques-uns seulement le sont. C'est la question du "
                "programme : quelles problématiques sont communes à la métropole, lesquelles "
                "sont propres à un quartier."
            )
        ]
        groups: list[tuple[str, list[ScopeLine]]]
        if r.focus:
            fid = r.focus.id
            groups = [
                (
                    "Partagés avec d'autres territoires",
                    [s for s in r.scopes if s.scope == "shared" and fid in s.agreed_in],
                ),
                (f"Propres à {r.focus.name} (locaux)", [s for s in r.scopes if s.scope == "local"]),
                (
                    "Partagés ailleurs, sans l'accord de ce territoire",
                    [s for s in r.scopes if s.scope == "shared" and fid not in s.agreed_in],
                ),
            ]
        else:
            groups = [
                (
                    "Problèmes et idées partagés à l'échelle de la métropole",
                    [s for s in r.scopes if s.scope == "shared"],
                ),
                ("Problèmes et idées locaux", [s for s in r.scopes if s.scope == "local"]),
            ]
        for title, lines in groups:
            blocks.append(Heading(title))
            for kind, label in (("problem", "Problèmes"), ("idea", "Idées")):
                chosen = [s for s in lines if s.statement.kind == kind]
                if chosen:
                    blocks.append(
                        Table(
                            f"{title} : {label.lower()}",
                            head,
                            tuple(self.scope_row(s) for s in chosen),
                        )
                    )
            if not lines:
                blocks.append(Para("Aucun énoncé."))
        return tuple(blocks)

    # consensus and division

    def consensus(self) -> tuple[_Block, ...]:
        r = self.report
        blocks: list[_Block] = [
            Para(
                "Consensuels : la salle, chaque groupe d'opinion et chaque territoire dont les "
                "chiffres sont publiés y sont favorables (au moins "
                f"{_pct(r.method.agree_threshold)} d'accord). Qui divisent : les groupes "
                "d'opinion s'y opposent le plus nettement."
            ),
            Heading("Énoncés consensuels"),
        ]
        if r.consensus:
            blocks.append(
                Table(
                    "Énoncés consensuels, du plus au moins consensuel",
                    ("Énoncé", "Provenance", "Votant·e·s", "Accord (salle)"),
                    tuple(
                        (s.text, _provenance(s), _n(s.voters), Bar(s.agree, "Part d'accord"))
                        for s in r.consensus
                    ),
                )
            )
        else:
            blocks.append(Para("Aucun énoncé ne fait consensus dans toute la salle."))
        blocks.append(Heading("Énoncés qui divisent"))
        if not r.divisive:
            blocks.append(Para("Aucun énoncé ne divise nettement les groupes d'opinion."))
            return tuple(blocks)
        names = [g.group for g in r.divisive[0].groups]
        blocks.append(
            Table(
                "Énoncés qui divisent, du plus au moins clivant : part d'accord par groupe",
                ("Énoncé", "Provenance", *(f"Groupe {n}" for n in names)),
                tuple(
                    (
                        d.statement.text,
                        _provenance(d.statement),
                        *(
                            "masqué" if g.agree is None else Bar(g.agree, f"Groupe {g.group}")
                            for g in d.groups
                        ),
                    )
                    for d in r.divisive
                ),
            )
        )
        return tuple(blocks)

    # opinion groups

    def groups(self) -> tuple[_Block, ...]:
        g = self.report.groups
        intro = (
            "Les participant·e·s sont regroupé·e·s selon leurs positions, comme le fait Pol.is : "
            "analyse en composantes principales, puis k-moyennes, le nombre de groupes (2 à 5) "
            f"étant choisi par la silhouette. Seules les personnes ayant pris au moins "
            f"{g.min_positions} positions sont regroupées ({_n(g.clustered)} ; "
            f"{_n(g.left_out)} laissées de côté)."
        )
        if not g.groups:
            return (Para(intro), Para("Trop peu de positions pour former des groupes d'opinion."))
        blocks: list[_Block] = [Para(intro)]
        focus = self.report.focus
        for line in g.groups:
            here = ""
            if focus:
                here = (
                    f" ; de {focus.name} : moins de {self.k} (masqué)"
                    if line.here is None
                    else f" ; de {focus.name} : {_n(line.here)}"
                )
            blocks.append(
                Heading(f"Groupe {line.name} : {_plural(line.size, 'personne', 'personnes')}{here}")
            )
            if line.hidden:
                blocks.append(Para(self.hidden_sentence(f"Le groupe {line.name}"), note=True))
                continue
            if not line.representative:
                blocks.append(
                    Para("Aucun énoncé ne distingue nettement ce groupe du reste de la salle.")
                )
                continue
            blocks.append(
                Table(
                    f"Ce qui distingue le groupe {line.name}",
                    ("Énoncé", "Provenance", "Le groupe est", "Dans le groupe", "Ailleurs"),
                    tuple(
                        (
                            rep.statement.text,
                            _provenance(rep.statement),
                            "pour" if rep.direction == "agree" else "contre",
                            Bar(rep.group_share, f"Groupe {line.name}"),
                            Bar(rep.rest_share, "Reste de la salle"),
                        )
                        for rep in line.representative
                    ),
                )
            )
        return tuple(blocks)

    # opinion shift

    def shift(self) -> tuple[_Block, ...]:
        s = self.report.shift
        blocks: list[_Block] = [
            Para(
                "Comme dans un sondage délibératif, on compare la première et la dernière position "
                "de chaque personne sur chaque énoncé où elle s'est prononcée au moins deux fois. "
                "Le déplacement moyen va de −4 (de « tout à fait pour » à « tout à fait contre ») "
                "à +4."
            )
        ]
        rows: list[tuple[Cell, ...]] = []
        hidden = []
        for line in s.lines:
            name = self.territory(line.group)
            if line.hidden:
                hidden.append(name)
                rows.append((name, _n(line.people), _n(line.pairs), "masqué", "masqué"))
            else:
                rows.append(
                    (
                        name,
                        _n(line.people),
                        _n(line.pairs),
                        Bar(line.changed_share, "Positions changées"),
                        _signed(line.mean_shift),
                    )
                )
        blocks.append(
            Table(
                "Évolution des positions, première contre dernière",
                ("Qui", "Personnes", "Paires mesurées", "Positions changées", "Déplacement moyen"),
                tuple(rows),
            )
        )
        if hidden:
            blocks.append(Para(self.hidden_sentence(", ".join(hidden)), note=True))
        if s.statements:
            blocks.append(Heading("Les énoncés sur lesquels les positions ont le plus bougé"))
            blocks.append(
                Table(
                    "Les plus grands déplacements moyens"
                    + (f" à {self.report.focus.name}" if self.report.focus else ""),
                    ("Énoncé", "Provenance", "Paires", "Déplacement moyen"),
                    tuple(
                        (
                            m.statement.text,
                            _provenance(m.statement),
                            _n(m.shift.pairs),
                            _signed(m.shift.mean_shift),
                        )
                        for m in s.statements
                    ),
                )
            )
        return tuple(blocks)

    # syntheses

    def syntheses(self) -> tuple[_Block, ...]:
        r = self.report
        if not r.syntheses:
            return (Para("Aucune synthèse de table n'a été remise."),)
        blocks: list[_Block] = [
            Para(
                "À la fin de chaque manche, l'hôte de chaque table remet la synthèse de ses "
                "échanges"
                + (
                    f" ; seules les tables où siégeaient des habitant·e·s de {r.focus.name} "
                    "sont reprises ici."
                    if r.focus
                    else "."
                )
            )
        ]
        for round_ in r.syntheses:
            blocks.append(Heading(f"Manche {round_.round} : {round_.prompt}"))
            for line in round_.syntheses:
                places = ", ".join(self.territory(t) for t in line.territories)
                blocks.append(
                    Quote(
                        line.text,
                        f"Table {line.table}, manche {line.round} ; hôte : {line.host} ; "
                        f"territoires à la table : {places}",
                    )
                )
        return tuple(blocks)

    # minorities

    def minority(self) -> tuple[_Block, ...]:
        r = self.report
        blocks: list[_Block] = [
            Para(
                "Un cahier doit garder trace de ce qui n'a pas fait majorité : les énoncés qu'un "
                f"groupe d'opinion soutient fortement (au moins {_pct(r.method.agree_threshold)} "
                "d'accord) alors que la salle, dans son ensemble, ne les soutient pas, et les "
                "objections restées sans réponse quand un tour de consentement a été abandonné."
            )
        ]
        if r.minority:
            blocks.append(
                Table(
                    "Énoncés soutenus par un groupe, pas par la salle",
                    ("Groupe", "Énoncé", "Provenance", "Dans le groupe", "Dans la salle"),
                    tuple(
                        (
                            f"{m.group} ({_n(m.group_size)})",
                            m.statement.text,
                            _provenance(m.statement),
                            Bar(m.group_share, f"Groupe {m.group}"),
                            Bar(m.statement.agree, "Salle"),
                        )
                        for m in r.minority
                    ),
                )
            )
        else:
            blocks.append(Para("Aucun groupe ne soutient fortement un énoncé que la salle écarte."))
        if r.unresolved:
            blocks.append(
                Table(
                    "Objections non résolues des tours abandonnés",
                    ("Proposition", "Par", "Objection", "Tour"),
                    tuple(
                        (
                            u.proposal_text,
                            u.objection.author,
                            u.objection.text,
                            f"{u.consent}, {_END_REASONS.get(u.end_reason or '', 'abandonné')}",
                        )
                        for u in r.unresolved
                    ),
                )
            )
        else:
            blocks.append(Para("Aucune objection n'est restée sans réponse."))
        return tuple(blocks)

    # method

    def method(self) -> tuple[_Block, ...]:
        r, m = self.report, self.report.method
        return (
            Bullets(
                (
                    f"Pseudonymes : {_n(m.consented)} participant·e·s sur {_n(m.participants)} "
                    "ont accepté que leur pseudonyme apparaisse ; les autres sont nommé·e·s "
                    "« Participant·e N ».",
                    f"k-anonymat : un groupe (territoire, rôle, groupe d'opinion) de moins de "
                    f"{m.k} personnes ne montre que son effectif, jamais ses positions ni ses "
                    "votes ; un autre petit groupe peut être masqué avec lui pour qu'on ne le "
                    "retrouve pas par soustraction.",
                    "Jugement majoritaire : chaque votant·e donne une mention à chaque "
                    "proposition (de « À rejeter » à « Excellent ») ; une proposition non notée "
                    "compte « À rejeter ».",
                    "Provenance : chaque énoncé est cité avec son numéro, sa manche et sa table ; "
                    "chaque synthèse avec sa manche, sa table et son hôte.",
                    f"Reproductible : ce cahier se recalcule à l'identique à partir du journal "
                    f"« {r.session} » avec la commande metrokawa report.",
                )
            ),
        )


# --- Markdown -------------------------------------------------------------------------------------


def _text_bar(profile: Sequence[int], width: int = 30) -> str:
    """A merit profile as ``width`` letters (R, I, P, A, B, T, E), largest remainders rounded."""
    total = sum(profile)
    if not total:
        return "·" * width
    exact = [width * n / total for n in profile]
    sizes = [int(x) for x in exact]
    order = sorted(range(len(profile)), key=lambda g: (-(exact[g] - sizes[g]), g))
    for g in order[: width - sum(sizes)]:
        sizes[g] += 1
    return "".join(_GRADE_LETTERS[g] * n for g, n in enumerate(sizes))


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_cell(cell: Cell) -> str:
    if isinstance(cell, Profile):
        return f"`{_text_bar(cell.profile, 21)}`"
    if isinstance(cell, Bar):
        return _pct(cell.share)
    return _md_escape(cell)


def _md_legend() -> str:
    return (
        "Légende des barres : "
        + ", ".join(f"`{_GRADE_LETTERS[g]}` {GRADE_LABELS[Grade(g)]}" for g in range(7))
        + "."
    )


def _md_block(block: _Block) -> str:
    if isinstance(block, Heading):
        return f"### {block.text}"
    if isinstance(block, Para):
        return f"_{block.text}_" if block.note else block.text
    if isinstance(block, Quote):
        return f"> {block.text}\n>\n> — {block.cite}"
    if isinstance(block, Bullets):
        return "\n".join(f"- {item}" for item in block.items)
    if isinstance(block, Profile):
        shares = ", ".join(
            f"{GRADE_LABELS[Grade(g)]} {n}" for g, n in reversed(list(enumerate(block.profile)))
        )
        return f"`{_text_bar(block.profile)}`  \n{shares}"
    if isinstance(block, Legend):
        return _md_legend()
    lines = [
        f"**{_md_escape(block.caption)}**",
        "",
        "| " + " | ".join(_md_escape(h) for h in block.head) + " |",
        "|" + "|".join("---" for _ in block.head) + "|",
    ]
    lines.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows)
    return "\n".join(lines)


def render_markdown(report: Report) -> str:
    doc = document(report)
    parts = [f"# {doc.title}", *doc.lead]
    parts.append(
        "## Sommaire\n\n" + "\n".join(f"{i}. {s.title}" for i, s in enumerate(doc.sections, 1))
    )
    for section in doc.sections:
        parts.append(f"## {section.title}")
        parts.extend(_md_block(b) for b in section.blocks)
    return "\n\n".join(parts) + "\n"


# --- HTML -----------------------------------------------------------------------------------------

_CSS: Final = """
:root { color: #1b1b1b; background: #fff; }
body { font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; max-width: 62rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .5rem; }
h2 { font-size: 1.45rem; border-bottom: 2px solid #1a5e8a; padding-bottom: .2rem;
  margin-top: 2.5rem; }
h3 { font-size: 1.1rem; margin: 1.6rem 0 .4rem; }
header p { margin: .2rem 0; color: #333; }
nav ol { columns: 2; }
a { color: #0b4f7c; }
table { border-collapse: collapse; width: 100%; margin: .6rem 0 1.2rem; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border: 1px solid #bbb; padding: .3rem .45rem; vertical-align: top; text-align: left; }
th { background: #eef3f7; }
td.num { text-align: right; white-space: nowrap; }
.note { font-style: italic; color: #444; border-left: 3px solid #999; padding-left: .6rem; }
blockquote { margin: .8rem 0; padding: .5rem .9rem; border-left: 4px solid #1a5e8a;
  background: #f5f8fa; }
blockquote p { margin: 0 0 .3rem; }
blockquote footer { font-size: .88rem; color: #444; }
figure { margin: .6rem 0; }
figcaption { font-size: .88rem; color: #333; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1rem;
  font-size: .88rem; }
.legend svg, .bar svg { vertical-align: middle; }
.bar { white-space: nowrap; }
svg { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  nav { break-after: page; }
  section { break-before: page; }
  h2, h3 { break-after: avoid; }
  table, figure, blockquote, tr { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
""".strip()


def _e(text: str) -> str:
    return html.escape(text, quote=True)


class _Ids:
    """Unique ids for the SVGs' titles (``aria-labelledby``), numbered in document order."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"fig{self.count}"


def _svg_profile(profile: Sequence[int], label: str, ids: _Ids, *, large: bool) -> str:
    width, height = (480, 30) if large else (160, 14)
    total = sum(profile) or 1
    shares = ", ".join(
        f"{GRADE_LABELS[Grade(g)]} {_pct(n / total)}" for g, n in reversed(list(enumerate(profile)))
    )
    ident = ids.next()
    rects = []
    x = 0.0
    for g, n in enumerate(profile):
        w = width * n / total
        if n:
            rects.append(
                f'<rect x="{x:.2f}" y="0" width="{w:.2f}" height="{height}" '
                f'fill="{_GRADE_COLOURS[g]}"/>'
            )
        x += w
    middle = width / 2
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}" '
        f'width="{width}" height="{height + 4}" viewBox="0 0 {width} {height + 4}">'
        f'<title id="{ident}">{_e(label)} : {_e(shares)}</title>'
        + "".join(rects)
        + f'<line x1="{middle}" y1="0" x2="{middle}" y2="{height + 4}" stroke="#111" '
        'stroke-width="1.5" stroke-dasharray="3 2"/></svg>'
    )


def _svg_bar(share: float, label: str, ids: _Ids) -> str:
    ident = ids.next()
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{ident}" '
        f'width="60" height="10" viewBox="0 0 60 10"><title id="{ident}">{_e(label)} : '
        f'{_e(_pct(share))}</title><rect x="0" y="0" width="60" height="10" fill="#e4e4e4"/>'
        f'<rect x="0" y="0" width="{60 * share:.2f}" height="10" fill="#1a5e8a"/></svg>'
    )


def _html_cell(cell: Cell, ids: _Ids) -> str:
    if isinstance(cell, Profile):
        return f"<td>{_svg_profile(cell.profile, cell.label, ids, large=False)}</td>"
    if isinstance(cell, Bar):
        if cell.share is None:
            return '<td class="num">—</td>'
        return (
            f'<td class="num bar">{_e(_pct(cell.share))} '
            f"{_svg_bar(cell.share, cell.label, ids)}</td>"
        )
    return f"<td>{_e(cell)}</td>"


def _html_legend() -> str:
    items = "".join(
        f'<li><svg aria-hidden="true" width="12" height="12" viewBox="0 0 12 12">'
        f'<rect width="12" height="12" fill="{_GRADE_COLOURS[g]}"/></svg> '
        f"{_e(GRADE_LABELS[Grade(g)])}</li>"
        for g in range(6, -1, -1)
    )
    return (
        '<ul class="legend" aria-label="Légende des profils de mérite">'
        f"{items}<li>pointillés : la médiane</li></ul>"
    )


def _html_block(block: _Block, ids: _Ids) -> str:
    if isinstance(block, Heading):
        return f"<h3>{_e(block.text)}</h3>"
    if isinstance(block, Para):
        return f'<p class="note">{_e(block.text)}</p>' if block.note else f"<p>{_e(block.text)}</p>"
    if isinstance(block, Quote):
        return f"<blockquote><p>{_e(block.text)}</p><footer>{_e(block.cite)}</footer></blockquote>"
    if isinstance(block, Bullets):
        return "<ul>" + "".join(f"<li>{_e(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Profile):
        svg = _svg_profile(block.profile, block.label, ids, large=True)
        total = sum(block.profile) or 1
        shares = ", ".join(
            f"{GRADE_LABELS[Grade(g)]} {_pct(n / total)}"
            for g, n in reversed(list(enumerate(block.profile)))
            if n
        )
        return f"<figure>{svg}<figcaption>{_e(shares)}</figcaption></figure>"
    if isinstance(block, Legend):
        return _html_legend()
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in block.head)
    rows = "".join(
        "<tr>" + "".join(_html_cell(c, ids) for c in row) + "</tr>" for row in block.rows
    )
    return (
        f"<table><caption>{_e(block.caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def render_html(report: Report) -> str:
    doc = document(report)
    ids = _Ids()
    nav = "".join(f'<li><a href="#{s.anchor}">{_e(s.title)}</a></li>' for s in doc.sections)
    sections = []
    for s in doc.sections:
        body = "\n".join(_html_block(b, ids) for b in s.blocks)
        sections.append(
            f'<section id="{s.anchor}" aria-labelledby="{s.anchor}-titre">\n'
            f'<h2 id="{s.anchor}-titre">{_e(s.title)}</h2>\n{body}\n</section>'
        )
    lead = "".join(f"<p>{_e(line)}</p>" for line in doc.lead)
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(doc.title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        f"<header>\n<h1>{_e(doc.title)}</h1>\n{lead}\n</header>\n"
        f'<nav aria-labelledby="sommaire"><h2 id="sommaire">Sommaire</h2><ol>{nav}</ol></nav>\n'
        "<main>\n" + "\n".join(sections) + "\n</main>\n</body>\n</html>\n"
    )


# --- JSON and dispatch ----------------------------------------------------------------------------


def render_json(report: Report) -> str:
    return json.dumps(msgspec.to_builtins(report), ensure_ascii=False, indent=2) + "\n"


_RENDERERS: Final = {"md": render_markdown, "html": render_html, "json": render_json}


def render(report: Report, format: str = "md") -> str:
    """The report in ``format`` (``md``, ``html`` or ``json``)."""
    try:
        renderer = _RENDERERS[format]
    except KeyError:
        raise ValueError(f"unknown report format {format!r}; one of {FORMATS}") from None
    return renderer(report)

"""Building the cahier: a log in, a ``Report`` out. Pure: no I/O, no clock.

``build_report`` pseudonymises the envelopes first (``logfile.pseudonymise``: whoever did not
consent is "Participant·e N" everywhere), replays them, computes ``opinions`` (k-anonymity,
opinion groups, territory consensus, majority judgment per territory, opinion shift) and gathers
every section as the frozen Structs of ``model``. With a territory, the data itself is focused
(its participation, its support, the tables where its people sat, what it shares with the
others), so the JSON is the focused cahier too. A forum (the online phase) adds its own
section (``forum``); its other sections are simply empty of rounds, tables and votes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import msgspec

from ..codec import Envelope
from ..decide import ADOPTION_GRADE
from ..events import ParticipantSeated, RoundStarted, TablesRotated, TablesSeated
from ..logfile import LogHeader, pseudonymise
from ..model import ParticipantRole, RoundKind, Territory
from ..opinions import (
    AGREE_THRESHOLD,
    ALL,
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
from ..replay import replay
from ..state import ConsentStatus, Participant, SessionState, StatementStatus
from .forum import forum_section
from .french import french_date
from .model import (
    ConsentLine,
    DivisiveLine,
    GroupLine,
    GroupShare,
    GroupsSection,
    Method,
    MinorityView,
    NoteLine,
    ObjectionLine,
    Participation,
    RankedProposal,
    Report,
    RepresentativeLine,
    RoundLine,
    RoundSyntheses,
    ScopeLine,
    ShiftSection,
    StatementRef,
    StatementShiftLine,
    SynthesisLine,
    TerritoryShare,
    TerritorySupport,
    UnresolvedObjection,
    VoteSection,
)

TOP_SHIFTS: Final = 5  # statements listed under "the positions that moved most"


class UnknownTerritory(ValueError):
    """``--territory`` names no territory of the session; ``known`` lists the ones it has."""

    def __init__(self, wanted: str, known: Sequence[Territory]) -> None:
        super().__init__(wanted)
        self.wanted = wanted
        self.known = tuple(known)


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
    consents = _consents(state)
    return Report(
        title=header.title or state.title,
        session=header.session,
        created_at=header.created_at,
        date=french_date(header.created_at),
        events=len(events),
        closed=state.closed,
        focus=focus,
        territories=tuple(state.territories.values()),
        participation=_participation(ctx),
        rounds=_rounds(ctx),
        votes=votes,
        adopted=tuple(p for vote in votes for p in vote.proposals if p.adopted),
        consents=consents,
        scopes=_scopes(ctx),
        consensus=tuple(ctx.ref(s) for s in found.consensus),
        divisive=_divisive(ctx),
        groups=_groups(ctx),
        shift=_shift_section(ctx),
        syntheses=_syntheses(ctx),
        minority=_minority(ctx),
        unresolved=_unresolved(consents),
        method=Method(
            k=k,
            agree_threshold=AGREE_THRESHOLD,
            shared_min=SHARED_MIN,
            adoption_grade=int(ADOPTION_GRADE),
            participants=len(state.people()),
            consented=sum(1 for p in state.people() if p.consent),
        ),
        notes=_notes(ctx),
        forum=(
            forum_section(state, events, focus=ctx.focus, k=k, ref=ctx.ref)
            if state.forum
            else msgspec.UNSET
        ),
    )


def _find_territory(state: SessionState, wanted: str) -> Territory:
    key = wanted.strip().casefold()
    for t in state.territories.values():
        if key in (t.id.casefold(), t.name.casefold()):
            return t
    raise UnknownTerritory(wanted, tuple(state.territories.values()))


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
        overall = self.by_statement.get(statement)
        return StatementRef(
            id=s.id,
            text=s.text,
            kind=s.kind.value,
            round=s.round,
            table=s.table,
            agree=_share(overall.overall.agree_share) if overall else None,
            voters=overall.overall.voters if overall else 0,
            provenance=s.provenance,
            theme=s.theme,
            territory=s.territory,
            place=s.place,
        )

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

    everyone = [p.id for p in state.people()]
    lines = [
        line(t, [p for p in everyone if state.participants[p].territory == t])
        for t in ctx.territory_ids()
    ]
    return (*lines, line(ALL, everyone))


def _rounds(ctx: _Context) -> tuple[RoundLine, ...]:
    state = ctx.state
    statements = Counter(  # written in the round: an imported statement was not
        s.round
        for s in state.statements.values()
        if s.status is StatementStatus.PUBLISHED and s.provenance is None
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
            vote=result.vote,
            open=True,
            voters=overall.voters,
            hidden=False,
            proposals=(),
            paper=ctx.state.votes[result.vote].paper_count,
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
        paper=ctx.state.votes[result.vote].paper_count,
    )


def _pseudonym(state: SessionState, participant: str) -> str:
    """The name the cahier prints (already pseudonymised unless that person consented)."""
    person = state.participants.get(participant)
    return person.pseudonym if person else participant


def _objection(state: SessionState, objection: str) -> ObjectionLine:
    o = state.objections[objection]
    return ObjectionLine(
        id=o.id,
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


def _unresolved(consents: Sequence[ConsentLine]) -> tuple[UnresolvedObjection, ...]:
    return tuple(
        UnresolvedObjection(
            consent=line.id,
            proposal_text=line.proposal_text,
            end_reason=line.end_reason,
            objection=o,
        )
        for line in consents
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
                here=n,
                representative=tuple(
                    RepresentativeLine(
                        statement=ctx.ref(r.statement),
                        direction=r.stance.value,
                        group_share=round(r.group_share, 4),
                        rest_share=round(r.rest_share, 4),
                    )
                    for r in g.representative
                ),
            )
            for g, n in zip(found.groups, here, strict=True)
        ),
    )


def _shift_line(shift: Shift) -> Shift:
    """``opinions``' own record, its shares rounded like every share of the cahier."""
    return msgspec.structs.replace(
        shift, changed_share=_share(shift.changed_share), mean_shift=_share(shift.mean_shift)
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
            lines.append(
                SynthesisLine(
                    round=number,
                    table=table,
                    host=_pseudonym(state, synthesis.host),
                    text=synthesis.text,
                    territories=territories,
                )
            )
        if lines:
            rounds.append(
                RoundSyntheses(round=r.number, prompt=r.spec.prompt, syntheses=tuple(lines))
            )
    return tuple(rounds)


def _notes(ctx: _Context) -> tuple[NoteLine, ...]:
    """Every note, in the order written; focused on a territory, the notes of its people and
    those written on the tables where its people sat (as the syntheses are)."""
    state = ctx.state
    lines = []
    for note in state.annotations:
        author = state.participants.get(note.author)
        if ctx.focus and not _note_of_focus(ctx, note.round, note.table, author):
            continue
        statement = state.statements.get(note.statement) if note.statement else None
        shown = statement is not None and statement.status is not StatementStatus.HIDDEN
        lines.append(
            NoteLine(
                round=note.round,
                table=note.table,
                on_statement=note.statement,
                statement=ctx.ref(statement.id) if statement and shown else None,
                author=_pseudonym(state, note.author),
                text=note.text,
                place=note.place,
                tags=note.tags,
            )
        )
    return tuple(lines)


def _note_of_focus(
    ctx: _Context, round_: int, table: int | None, author: Participant | None
) -> bool:
    if author is not None and author.territory == ctx.focus:
        return True
    if table is None:
        return False
    people = ctx.seating.get(round_, {}).get(table, set())
    return any(
        ctx.state.participants[p].territory == ctx.focus
        for p in people
        if p in ctx.state.participants
    )


def _minority(ctx: _Context) -> tuple[MinorityView, ...]:
    """Statements an opinion group supports strongly while the room as a whole does not."""
    views = []
    for g in ctx.found.groups.groups:
        for r in g.representative:
            if r.stance is not Direction.AGREE or r.group_share < AGREE_THRESHOLD:
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

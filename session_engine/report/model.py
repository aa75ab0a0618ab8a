"""The cahier as data: frozen Structs, every figure already computed and k-anonymised.

``build.build_report`` fills them from a log; the wording only reads them; the JSON format is
``msgspec.to_builtins`` of a ``Report``, so a field here is a key of the JSON. Shares are rounded
to four decimals; ``None`` means hidden (under k) or not measured.
"""

from __future__ import annotations

import msgspec

from ..model import Place, Provenance, Territory
from ..opinions import Shift
from ..tallies import Group

# --- the report as data ---------------------------------------------------------------------------


class StatementRef(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """A statement and where it came from: its round, its table (None: written in plenary), or,
    imported from another step of the programme, its ``provenance``; written online (a forum's
    contribution: round 0, no table), its ``theme``, its author's ``territory`` (an id) and its
    ``place``. Each of these four is left out when None."""

    id: str
    text: str
    kind: str  # "problem" | "idea"
    round: int
    table: int | None
    agree: float | None  # share of the whole room's voters at +1/+2 (None when hidden)
    voters: int
    provenance: Provenance | None = None
    theme: str | None = None
    territory: str | None = None
    place: Place | None = None


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
    voters: int  # ballots counted: cast, and on paper
    hidden: bool
    proposals: tuple[RankedProposal, ...]  # best first
    paper: int = 0  # of which paper ballots (``EnterPaperBallots``)


class ObjectionLine(msgspec.Struct, frozen=True, kw_only=True):
    """An objection as the room heard it: its text and what became of it, never who raised it
    (``session_engine.visibility``: the room never learns it, so the cahier never prints it)."""

    id: str
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
    size: int  # never under k: the clustering forms no smaller group
    here: int | None  # with a focus: members from that territory (None when suppressed)
    representative: tuple[RepresentativeLine, ...]


class GroupsSection(msgspec.Struct, frozen=True, kw_only=True):
    min_positions: int
    clustered: int
    left_out: int
    groups: tuple[GroupLine, ...]


class StatementShiftLine(msgspec.Struct, frozen=True, kw_only=True):
    statement: StatementRef
    shift: Shift


class ShiftSection(msgspec.Struct, frozen=True, kw_only=True):
    lines: tuple[Shift, ...]  # the room first, then the territories
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


class NoteLine(msgspec.Struct, frozen=True, kw_only=True):
    """A note (annotation) as the cahier quotes it: always its text, its author by pseudonym
    (already pseudonymised unless that person consented), and where it was written."""

    round: int
    table: int | None  # a note on a table
    on_statement: str | None  # a note on a statement: its id
    # That statement as the cahier cites it; None when it was hidden (taken off the screens: its
    # text is not published, the note's is).
    statement: StatementRef | None
    author: str
    text: str
    place: str | None
    tags: tuple[str, ...]


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


# --- the online phase (a forum session) ----------------------------------------------------------


class ForumParticipation(msgspec.Struct, frozen=True, kw_only=True):
    """Who took part online, in one territory (or "all"): counts of people and of what they did,
    on the published contributions only (the moderation queue is the facilitator's)."""

    territory: str  # a territory id, or "all" for the whole forum
    joined: int  # people who joined (those counted in the session: ``SessionState.people``)
    wrote: int  # people with at least one published contribution
    rated: int  # people who rated at least one (a pass counts: they read it and answered)
    problems: int  # published contributions of its people, by kind
    ideas: int
    ratings: int  # ratings given, passes included (a person's last one per contribution)
    comments: int  # comments written on contributions


class ForumDay(msgspec.Struct, frozen=True, kw_only=True):
    """What happened on one day of the forum (Paris time, from the log's envelope times)."""

    day: str  # YYYY-MM-DD
    joined: int
    contributions: int  # written that day and published since
    ratings: int  # ratings given that day (one changed later counts on both days)
    comments: int


class ForumContribution(msgspec.Struct, frozen=True, kw_only=True):
    """A published contribution with its ratings: the statement tally's whole-room counts
    (``tallies``: hidden under k raters, and then no figure at all) and its comments."""

    statement: StatementRef
    ratings: Group
    comments: int


class ForumSection(msgspec.Struct, frozen=True, kw_only=True):
    """The online phase: its themes, when it ran, who took part where and when, and every
    published contribution (of the focus territory only, with a focus) with its ratings."""

    themes: tuple[str, ...]
    opened: int  # ms: the session's first event
    last: int  # ms: its last event
    participation: tuple[ForumParticipation, ...]  # per territory (the focus only), then "all"
    days: tuple[ForumDay, ...]
    contributions: tuple[ForumContribution, ...]  # in the order they were written


class Report(msgspec.Struct, frozen=True, kw_only=True):
    title: str
    session: str
    created_at: int  # ms since the epoch, from the log's header
    date: str  # the same, in French (heure de Paris)
    events: int
    closed: bool
    focus: Territory | None
    territories: tuple[Territory, ...]
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
    notes: tuple[NoteLine, ...] = ()  # in the order they were written
    # A forum's online phase; UNSET (no such key in the JSON) for a session of the evening.
    forum: ForumSection | msgspec.UnsetType = msgspec.UNSET

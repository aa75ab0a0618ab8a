"""The state of one session: what a fold of its events has built so far.

The state is plain data. ``evolve`` is its only writer and ``decide`` only reads it. It is a
mutable accumulator on purpose: the fold owns it (the single writer of a live session, or a
replay), and updating one dict entry per event is what lets a replay run at hundreds of thousands
of events per second. Whoever needs an older state keeps a ``copy()`` or replays to that ``seq``.
"""

from __future__ import annotations

import copy
from enum import StrEnum

import msgspec

from .model import (
    Grade,
    HostPolicy,
    ParticipantRole,
    Place,
    Provenance,
    RoundSpec,
    StatementKind,
    TableSeating,
    Territory,
)

__all__ = [
    "IMPORTED_AUTHOR",
    "Annotation",
    "CoFacilitator",
    "ConsentRound",
    "ConsentStatus",
    "Objection",
    "PaperStack",
    "Participant",
    "ParticipantStatus",
    "Proposal",
    "Round",
    "RoundStatus",
    "SessionState",
    "Statement",
    "StatementStatus",
    "Synthesis",
    "TableTablet",
    "Voeu",
    "Vote",
]


# The author of an imported statement (``StatementImported``): the facilitators, whoever of them
# sent it, as the one who brought it into this session; its real origin is its ``provenance``.
IMPORTED_AUTHOR = "facilitator"


class RoundStatus(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    PAUSED = "paused"
    ENDED = "ended"


class StatementStatus(StrEnum):
    PROPOSED = "proposed"  # waiting in the facilitator's moderation queue
    PUBLISHED = "published"
    HIDDEN = "hidden"
    MERGED = "merged"
    ERASED = "erased"  # its author left and asked for erasure: no text, counts nowhere


class ParticipantStatus(StrEnum):
    """Whether someone is still in the session. Whoever left keeps their record (ids are
    counters of the state, and what they did stays in the log) but may send nothing more."""

    PRESENT = "present"
    REMOVED = "removed"  # left; their positions stay, under a neutral name
    ERASED = "erased"  # left and asked that their statements, notes and positions be erased
    MERGED = "merged"  # a second entry of the same person, folded into ``merged_into``


class ConsentStatus(StrEnum):
    OPEN = "open"
    ADOPTED = "adopted"  # closed with a vœu
    ABANDONED = "abandoned"  # closed without one


class Participant(msgspec.Struct, kw_only=True):
    id: str
    pseudonym: str
    territory: str
    role: ParticipantRole
    stays_seated: bool
    consent: bool
    table: int | None = None
    times_hosted: int = 0
    status: ParticipantStatus = ParticipantStatus.PRESENT
    merged_into: str | None = None  # for a merged entry: the participant it is now part of
    added_by: str | None = None  # who added them without a device; None: joined on their own
    person: str | None = None  # their personal key across the programme, given with consent

    @property
    def present(self) -> bool:
        return self.status is ParticipantStatus.PRESENT


class Round(msgspec.Struct, kw_only=True):
    number: int  # 1-based, as on the agenda
    spec: RoundSpec
    status: RoundStatus = RoundStatus.PENDING
    deadline: int | None = None  # while running
    remaining_ms: int | None = None  # while paused
    hosts: dict[int, str] = msgspec.field(default_factory=dict)  # table -> host, for this round
    end_reason: str | None = None


class Statement(msgspec.Struct, kw_only=True):
    id: str
    author: str
    text: str
    kind: StatementKind
    round: int
    table: int | None
    status: StatementStatus = StatementStatus.PROPOSED
    merged_into: str | None = None
    provenance: Provenance | None = None  # where an imported statement comes from
    # A forum's contributions only (``StatementProposed``): where, under which theme, from which
    # territory; None in a session of the evening.
    place: Place | None = None
    theme: str | None = None
    territory: str | None = None


class Annotation(msgspec.Struct, frozen=True, kw_only=True):
    """A note. An erased one keeps its id with an empty text (a real note is never empty)."""

    id: str
    author: str
    text: str
    statement: str | None
    table: int | None
    tags: tuple[str, ...]
    place: str | None
    round: int


class Synthesis(msgspec.Struct, frozen=True, kw_only=True):
    round: int
    table: int
    host: str
    text: str


class Proposal(msgspec.Struct, frozen=True, kw_only=True):
    id: str
    statement: str
    text: str


class PaperStack(msgspec.Struct, frozen=True, kw_only=True):
    """A counted stack of paper ballots, entered by the facilitator: nobody's, counted."""

    count: int
    note: str
    ballots: tuple[dict[str, Grade], ...]


class Vote(msgspec.Struct, kw_only=True):
    id: str
    proposals: tuple[str, ...]
    open: bool = True
    ballots: dict[str, dict[str, Grade]] = msgspec.field(
        default_factory=dict
    )  # participant -> grades
    paper: list[PaperStack] = msgspec.field(default_factory=list)

    @property
    def paper_count(self) -> int:
        return sum(stack.count for stack in self.paper)


class ShownResults(msgspec.Struct, frozen=True, kw_only=True):
    """The results on every screen: a statement's positions, or a closed vote's profiles."""

    statement: str | None
    vote: str | None
    profiles: dict[str, tuple[int, ...]]  # proposal -> count of each grade, for a vote


class ConsentRound(msgspec.Struct, kw_only=True):
    """A consent round on an adopted proposal: objections are raised and resolved, then the
    wording becomes a vœu (or the round is abandoned)."""

    id: str
    proposal: str
    vote: str  # the closed vote that adopted the proposal
    grade: Grade  # its majority grade in that vote
    text: str  # the wording under consent: the proposal's, then the last amendment's
    objections: list[str] = msgspec.field(default_factory=list)  # ids, in the order raised
    status: ConsentStatus = ConsentStatus.OPEN
    end_reason: str | None = None  # why it was abandoned: "facilitator" | "session_closed"


class Objection(msgspec.Struct, kw_only=True):
    id: str
    consent: str
    author: str
    text: str
    resolution: str | None = None  # "amended" | "withdrawn" once resolved
    wording: str | None = None  # the amended wording that resolved it


class Voeu(msgspec.Struct, frozen=True, kw_only=True):
    """A motion for the municipal councils: a proposal's final wording, consented to."""

    id: str
    consent: str
    proposal: str
    text: str
    outcome: str  # the facilitator's outcome statement


class CoFacilitator(msgspec.Struct, kw_only=True):
    """Someone given a facilitator link of their own (its token is the server's, not here)."""

    id: str
    label: str
    revoked: bool = False


class TableTablet(msgspec.Struct, kw_only=True):
    """A table's shared tablet link (its token is the server's, not here)."""

    id: str
    table: int
    revoked: bool = False


class SessionState(msgspec.Struct, kw_only=True):
    """Everything ``decide`` needs and every view is drawn from. Equal logs give equal states."""

    created: bool = False
    closed: bool = False
    title: str = ""
    territories: dict[str, Territory] = msgspec.field(default_factory=dict)
    table_size: int = 6
    host_policy: HostPolicy = HostPolicy.ROTATE
    forum: bool = False  # a programme's online phase: no tables, no rounds
    themes: tuple[str, ...] = ()
    rounds: list[Round] = msgspec.field(default_factory=list)
    current_round: int = 0  # number of the round started last; 0 before the first
    participants: dict[str, Participant] = msgspec.field(default_factory=dict)
    pseudonyms: dict[str, str] = msgspec.field(default_factory=dict)  # casefolded -> participant
    tables: dict[int, TableSeating] = msgspec.field(default_factory=dict)  # the plan in force
    pair_counts: dict[tuple[str, str], int] = msgspec.field(default_factory=dict)
    statements: dict[str, Statement] = msgspec.field(default_factory=dict)
    annotations: list[Annotation] = msgspec.field(default_factory=list)
    positions: dict[tuple[str, str], int | None] = msgspec.field(default_factory=dict)
    syntheses: dict[tuple[int, int], Synthesis] = msgspec.field(default_factory=dict)
    proposals: dict[str, Proposal] = msgspec.field(default_factory=dict)
    votes: dict[str, Vote] = msgspec.field(default_factory=dict)
    results: ShownResults | None = None  # on show now (the facilitator decides)
    consents: dict[str, ConsentRound] = msgspec.field(default_factory=dict)
    objections: dict[str, Objection] = msgspec.field(default_factory=dict)
    voeux: dict[str, Voeu] = msgspec.field(default_factory=dict)
    cofacilitators: dict[str, CoFacilitator] = msgspec.field(default_factory=dict)
    tablets: dict[str, TableTablet] = msgspec.field(default_factory=dict)

    def copy(self) -> SessionState:
        """A deep copy, for whoever must keep this state while the fold goes on."""
        return copy.deepcopy(self)

    @property
    def round(self) -> Round | None:
        """The round started last (running, paused or ended), or None before the first."""
        return self.rounds[self.current_round - 1] if self.current_round else None

    @property
    def open_vote(self) -> Vote | None:
        return next((vote for vote in self.votes.values() if vote.open), None)

    @property
    def open_consent(self) -> ConsentRound | None:
        return next((c for c in self.consents.values() if c.status is ConsentStatus.OPEN), None)

    def people(self) -> list[Participant]:
        """Everyone who is counted as taking part: whoever joined, but neither a second entry
        merged into another (the same person) nor someone who asked for erasure. People
        removed took part: their positions count."""
        gone = (ParticipantStatus.MERGED, ParticipantStatus.ERASED)
        return [p for p in self.participants.values() if p.status not in gone]

    def present(self, participant: str) -> bool:
        """Is this participant in the session now (joined, and neither removed nor merged)?"""
        person = self.participants.get(participant)
        return person is not None and person.present

    def host_of(self, participant: str) -> int | None:
        """The table this participant hosts in the current round, if any."""
        current = self.round
        if current is None:
            return None
        return next((t for t, host in current.hosts.items() if host == participant), None)

    def is_cofacilitator(self, actor: str) -> bool:
        """Whether ``actor`` holds a co-facilitator link that is not revoked."""
        cofacilitator = self.cofacilitators.get(actor)
        return cofacilitator is not None and not cofacilitator.revoked

    def tablet_table(self, actor: str) -> int | None:
        """The table of the table tablet ``actor`` if its link is in service, else None."""
        tablet = self.tablets.get(actor)
        return None if tablet is None or tablet.revoked else tablet.table

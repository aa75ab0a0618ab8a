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
    RoundSpec,
    StatementKind,
    TableSeating,
    Territory,
)

__all__ = [
    "Annotation",
    "Participant",
    "Proposal",
    "Round",
    "RoundStatus",
    "SessionState",
    "Statement",
    "StatementStatus",
    "Synthesis",
    "Vote",
]


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


class Participant(msgspec.Struct, kw_only=True):
    id: str
    pseudonym: str
    territory: str
    role: ParticipantRole
    stays_seated: bool
    consent: bool
    table: int | None = None
    times_hosted: int = 0


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


class Annotation(msgspec.Struct, frozen=True, kw_only=True):
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


class Vote(msgspec.Struct, kw_only=True):
    id: str
    proposals: tuple[str, ...]
    open: bool = True
    ballots: dict[str, dict[str, Grade]] = msgspec.field(
        default_factory=dict
    )  # participant -> grades


class ShownResults(msgspec.Struct, frozen=True, kw_only=True):
    """The results on every screen: a statement's positions, or a closed vote's profiles."""

    statement: str | None
    vote: str | None
    profiles: dict[str, tuple[int, ...]]  # proposal -> count of each grade, for a vote


class SessionState(msgspec.Struct, kw_only=True):
    """Everything ``decide`` needs and every view is drawn from. Equal logs give equal states."""

    created: bool = False
    closed: bool = False
    title: str = ""
    territories: dict[str, Territory] = msgspec.field(default_factory=dict)
    table_size: int = 6
    host_policy: HostPolicy = HostPolicy.ROTATE
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

    def host_of(self, participant: str) -> int | None:
        """The table this participant hosts in the current round, if any."""
        current = self.round
        if current is None:
            return None
        return next((t for t, host in current.hosts.items() if host == participant), None)

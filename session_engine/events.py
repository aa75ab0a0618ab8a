"""Events: what happened, in the past tense. The log is made of them and nothing else.

Every event type is a small frozen record with a schema version ``V``. An event, once written,
is never rewritten: when a type changes, its ``V`` goes up and the codec upcasts older versions
on read (see ``codec.UPCASTERS``); ``evolve`` only ever sees the current version.

Events carry every value ``evolve`` needs (ids, deadlines, seeds, the seating plan itself), so
replaying never has to recompute anything that depended on time or randomness.
"""

from __future__ import annotations

from typing import ClassVar, Literal, TypeAlias

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
    "EVENT_TYPES",
    "AnnotationAdded",
    "BallotCast",
    "CoFacilitatorAdded",
    "CoFacilitatorRevoked",
    "ConsentAbandoned",
    "ConsentOpened",
    "Event",
    "HostHandedOver",
    "ObjectionRaised",
    "ObjectionResolved",
    "PaperBallotsEntered",
    "ParticipantJoined",
    "ParticipantMoved",
    "ParticipantRemoved",
    "ParticipantSeated",
    "ParticipantsMerged",
    "PositionTaken",
    "ProposalPromoted",
    "ResultsHidden",
    "ResultsShown",
    "RoundAdded",
    "RoundEdited",
    "RoundEnded",
    "RoundExtended",
    "RoundPaused",
    "RoundRemoved",
    "RoundResumed",
    "RoundStarted",
    "SessionClosed",
    "SessionCreated",
    "StatementHidden",
    "StatementImported",
    "StatementProposed",
    "StatementPublished",
    "StatementsMerged",
    "SynthesisSubmitted",
    "TableSizeChanged",
    "TableTabletIssued",
    "TableTabletRevoked",
    "TablesRotated",
    "TablesSeated",
    "TerritoryAdded",
    "TerritoryRenamed",
    "VoeuAdopted",
    "VoteClosed",
    "VoteOpened",
]


class _Event(msgspec.Struct, frozen=True, kw_only=True):
    V: ClassVar[int] = 1


class SessionCreated(_Event, frozen=True, omit_defaults=True):
    """A session began. ``forum``: it is a programme's online phase (no tables, no rounds) and
    ``themes`` what its contributions may be filed under; both left out when written for a
    session of the evening, so a log from before forums reads the same."""

    title: str
    territories: tuple[Territory, ...]
    agenda: tuple[RoundSpec, ...]
    table_size: int
    host_policy: HostPolicy
    forum: bool = False
    themes: tuple[str, ...] = ()


class ParticipantJoined(_Event, frozen=True, omit_defaults=True):
    """Someone joined: from their own device (``added_by`` is ``None``), or without one, added
    by the facilitator, a table's host or a table tablet (``added_by`` names that sender).
    ``person``: the personal key their device sent with their consent (``JoinSession.person``),
    which links their entries across a programme's sessions; only the facilitators' form of the
    event carries it (``visibility``), no export does (``logfile.pseudonymise``). Defaults are
    left out when written, so a log from before ``added_by`` or ``person`` reads the same, and
    a log without a personal key is byte for byte what it was: no new schema version."""

    participant: str
    pseudonym: str
    territory: str
    role: ParticipantRole
    stays_seated: bool
    consent: bool
    added_by: str | None = None
    person: str | None = None


class TablesSeated(_Event, frozen=True):
    """The first seating plan, drawn from ``seed``."""

    seed: int
    tables: tuple[TableSeating, ...]


class TablesRotated(_Event, frozen=True):
    """A new seating plan between rounds, drawn from ``seed``."""

    seed: int
    tables: tuple[TableSeating, ...]


class ParticipantSeated(_Event, frozen=True):
    """A late arrival placed at a table (and made its host if the table had none)."""

    participant: str
    table: int
    hosts: bool


class RoundStarted(_Event, frozen=True):
    round: int
    deadline: int  # ms since the epoch


class RoundPaused(_Event, frozen=True):
    round: int
    remaining_ms: int


class RoundResumed(_Event, frozen=True):
    round: int
    deadline: int


class RoundExtended(_Event, frozen=True):
    round: int
    by_ms: int
    deadline: int | None  # None while paused: the remaining time grew instead
    remaining_ms: int | None


class RoundEnded(_Event, frozen=True):
    round: int
    reason: str  # "facilitator" | "deadline" | "session_closed"


class StatementProposed(_Event, frozen=True, omit_defaults=True):
    """A participant wrote a statement. In a forum (``round`` 0, ``table`` None) it may carry a
    ``place`` and a ``theme``, and always the ``territory`` its author joined from, recorded
    here so that the map's filter never depends on a roster the public does not receive."""

    statement: str
    author: str
    text: str
    kind: StatementKind
    round: int
    table: int | None
    place: Place | None = None
    theme: str | None = None
    territory: str | None = None


class StatementPublished(_Event, frozen=True):
    statement: str


class StatementImported(_Event, frozen=True):
    """A statement imported from another step of the programme: it arrives published, its
    author is the facilitator, and it says where it comes from (``provenance``). Its id is
    counted with the proposals'."""

    statement: str
    text: str
    kind: StatementKind
    provenance: Provenance


class StatementHidden(_Event, frozen=True):
    statement: str


class StatementsMerged(_Event, frozen=True):
    statement: str
    into: str


class AnnotationAdded(_Event, frozen=True):
    annotation: str
    author: str
    text: str
    statement: str | None
    table: int | None
    tags: tuple[str, ...]
    place: str | None
    round: int


class PositionTaken(_Event, frozen=True, omit_defaults=True):
    """``recorded_by``: who recorded it for the participant (a table tablet ``tb1``, or their
    table's host), ``None`` when they took it themselves; left out when ``None``."""

    participant: str
    statement: str
    value: int | None
    round: int
    recorded_by: str | None = None


class SynthesisSubmitted(_Event, frozen=True):
    round: int
    table: int
    host: str
    text: str


class ProposalPromoted(_Event, frozen=True):
    proposal: str
    statement: str
    text: str


class VoteOpened(_Event, frozen=True):
    vote: str
    proposals: tuple[str, ...]


class BallotCast(_Event, frozen=True, omit_defaults=True):
    """``recorded_by`` as for ``PositionTaken``."""

    vote: str
    participant: str
    grades: dict[str, Grade]
    recorded_by: str | None = None


class VoteClosed(_Event, frozen=True):
    vote: str


class ResultsShown(_Event, frozen=True):
    """What every screen now shows: one statement's positions (public already, so no figures
    here) or a closed vote's merit profiles — the tallies, the only part of ballots that leaves
    the server. The profiles are computed when the command is decided and carried by the event,
    so a replay shows what the room saw."""

    statement: str | None
    vote: str | None
    profiles: dict[str, tuple[int, ...]]


class ResultsHidden(_Event, frozen=True):
    pass


class ConsentOpened(_Event, frozen=True):
    """A consent round on a proposal adopted by majority judgment: ``vote`` is the closed vote
    that adopted it and ``grade`` its majority grade there, as decided (provenance for the
    cahier); ``text`` is the wording under consent, the proposal's own to begin with."""

    consent: str
    proposal: str
    vote: str
    grade: Grade
    text: str


class ObjectionRaised(_Event, frozen=True):
    objection: str
    consent: str
    author: str
    text: str


class ObjectionResolved(_Event, frozen=True):
    """``amended``: ``wording`` is the round's wording from now on; ``withdrawn``: no wording."""

    objection: str
    consent: str
    resolution: Literal["amended", "withdrawn"]
    wording: str | None


class VoeuAdopted(_Event, frozen=True):
    """The round closes with every objection resolved: ``text`` (its final wording) is a vœu."""

    voeu: str
    consent: str
    proposal: str
    text: str
    outcome: str  # the facilitator's outcome statement


class ConsentAbandoned(_Event, frozen=True):
    consent: str
    reason: str  # "facilitator" | "session_closed"


class SessionClosed(_Event, frozen=True):
    pass


class CoFacilitatorAdded(_Event, frozen=True):
    """A facilitator link of its own was given (its token went to the sender, never here)."""

    cofacilitator: str  # cf1, cf2…: the actor of the commands sent with that link
    label: str  # who it is for


class CoFacilitatorRevoked(_Event, frozen=True):
    cofacilitator: str


# --- live changes on the night ------------------------------------------------------------------
# Each carries what it decided (who hosts a table a host left, which statements an erasure
# covers, which positions a merge moves), so that ``evolve`` only applies it.


class HostHandedOver(_Event, frozen=True):
    """``host`` hosts ``table`` from now on, instead of ``previous``."""

    table: int
    host: str
    previous: str | None


class ParticipantMoved(_Event, frozen=True):
    """``participant`` left ``from_table`` for ``table``. ``hosts``: they host it (it had no
    host). ``from_host``: who hosts the table they left from now on (another member when they
    hosted it, ``None`` when nobody is left there)."""

    participant: str
    from_table: int
    table: int
    hosts: bool
    from_host: str | None


class ParticipantRemoved(_Event, frozen=True):
    """``participant`` left the session and the table ``table`` (``None`` before seating),
    which ``host`` hosts from now on. ``erased``: they asked for erasure, and ``statements``
    and ``annotations`` are what it erased (their statements, but not one the room made a
    proposal of; their notes). Their positions are erased with them; otherwise they stay."""

    participant: str
    erased: bool
    table: int | None
    host: str | None
    statements: tuple[str, ...]
    annotations: tuple[str, ...]


class ParticipantsMerged(_Event, frozen=True):
    """``participant`` was a second entry of ``into``: it leaves ``table`` (``host`` hosts it
    from now on), what it wrote is ``into``'s, and ``into`` takes its positions on
    ``positions`` and its grades on ``grades`` ((vote, proposal) pairs), where ``into`` had none;
    the rest of the entry's positions and grades are dropped (one person, one voice)."""

    participant: str
    into: str
    table: int | None
    host: str | None
    positions: tuple[str, ...]
    grades: tuple[tuple[str, str], ...]


class RoundAdded(_Event, frozen=True):
    """A round added to the agenda as number ``round``; the rounds from there on move down."""

    round: int
    spec: RoundSpec


class RoundEdited(_Event, frozen=True):
    """Round ``round`` (not started) is ``spec`` from now on."""

    round: int
    spec: RoundSpec


class RoundRemoved(_Event, frozen=True):
    """Round ``round`` (not started) left the agenda; the rounds after it move up."""

    round: int


class TerritoryAdded(_Event, frozen=True):
    territory: Territory


class TerritoryRenamed(_Event, frozen=True):
    territory: str
    name: str
    commune: str


class TableSizeChanged(_Event, frozen=True):
    table_size: int


# --- people without a phone ---------------------------------------------------------------------


class TableTabletIssued(_Event, frozen=True):
    """A shared tablet link for ``table`` (its token went to the sender, never here)."""

    tablet: str  # tb1, tb2…: the actor of the commands sent with that link
    table: int


class TableTabletRevoked(_Event, frozen=True):
    tablet: str


class PaperBallotsEntered(_Event, frozen=True):
    """A stack of paper ballots of ``vote``, counted like cast ballots: each grades every
    proposal. ``note`` says where they come from. Nobody's: ballots are secret."""

    vote: str
    ballots: tuple[dict[str, Grade], ...]
    note: str


Event: TypeAlias = (
    SessionCreated
    | ParticipantJoined
    | TablesSeated
    | TablesRotated
    | ParticipantSeated
    | RoundStarted
    | RoundPaused
    | RoundResumed
    | RoundExtended
    | RoundEnded
    | StatementProposed
    | StatementPublished
    | StatementHidden
    | StatementsMerged
    | AnnotationAdded
    | PositionTaken
    | SynthesisSubmitted
    | ProposalPromoted
    | VoteOpened
    | BallotCast
    | VoteClosed
    | ResultsShown
    | ResultsHidden
    | ConsentOpened
    | ObjectionRaised
    | ObjectionResolved
    | VoeuAdopted
    | ConsentAbandoned
    | SessionClosed
    | CoFacilitatorAdded
    | CoFacilitatorRevoked
    | HostHandedOver
    | ParticipantMoved
    | ParticipantRemoved
    | ParticipantsMerged
    | RoundAdded
    | RoundEdited
    | RoundRemoved
    | TerritoryAdded
    | TerritoryRenamed
    | TableSizeChanged
    | TableTabletIssued
    | TableTabletRevoked
    | PaperBallotsEntered
    | StatementImported
)

# Wire name -> class; the wire name (envelope ``type``) is the class name.
EVENT_TYPES: dict[str, type[Event]] = {
    cls.__name__: cls
    for cls in (
        SessionCreated,
        ParticipantJoined,
        TablesSeated,
        TablesRotated,
        ParticipantSeated,
        RoundStarted,
        RoundPaused,
        RoundResumed,
        RoundExtended,
        RoundEnded,
        StatementProposed,
        StatementPublished,
        StatementHidden,
        StatementsMerged,
        AnnotationAdded,
        PositionTaken,
        SynthesisSubmitted,
        ProposalPromoted,
        VoteOpened,
        BallotCast,
        VoteClosed,
        ResultsShown,
        ResultsHidden,
        ConsentOpened,
        ObjectionRaised,
        ObjectionResolved,
        VoeuAdopted,
        ConsentAbandoned,
        SessionClosed,
        CoFacilitatorAdded,
        CoFacilitatorRevoked,
        HostHandedOver,
        ParticipantMoved,
        ParticipantRemoved,
        ParticipantsMerged,
        RoundAdded,
        RoundEdited,
        RoundRemoved,
        TerritoryAdded,
        TerritoryRenamed,
        TableSizeChanged,
        TableTabletIssued,
        TableTabletRevoked,
        PaperBallotsEntered,
        StatementImported,
    )
}

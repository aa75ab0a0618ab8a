"""The cahiers across a programme as data: frozen Structs, every figure taken from the sessions'
``Report`` (already k-anonymised: a hidden figure is ``None`` here too).

``programme.programme_cahier`` fills them from a programme's state and its sessions' reports
(and, for the opinion shift across sessions, their states); ``programme_wording`` only reads
them; the JSON is ``msgspec.to_builtins`` of a ``ProgrammeCahier``. Nobody is named: no
pseudonym, no organiser, no participant id, no personal key.
"""

from __future__ import annotations

import msgspec

from ..model import Territory
from ..programme.shift import LinkedShift
from .model import StatementRef

__all__ = [
    "ComparedLine",
    "ComparedProblem",
    "Comparison",
    "FollowUpStep",
    "ImportedInto",
    "LocalStatement",
    "ProgrammeCahier",
    "ProposalLine",
    "ScopedStatement",
    "SessionLine",
    "TerritoryPart",
    "VoeuLine",
    "VoteLine",
]


class SessionLine(msgspec.Struct, frozen=True, kw_only=True):
    """A session of the programme and whether its cahier went into this one."""

    id: str  # the programme's id of the session (ps2)
    title: str
    kind: str  # "forum" | "metropolitan" | "local"
    date: str  # YYYY-MM-DD
    territory: str | None  # a programme territory id, for a local session
    closed: bool
    reported: bool  # its Report was given: its figures are in this cahier


class ScopedStatement(msgspec.Struct, frozen=True, kw_only=True):
    """A statement of a metropolitan session that the territory agreed with."""

    session: str  # the programme session (ps1)
    statement: StatementRef
    scope: str  # "shared" | "local"
    agreed_in: tuple[str, ...]  # the names of the territories that agreed, this one included
    eligible: int  # territories whose figures are published
    here: float | None  # this territory's share of agreement (None: hidden under k)
    here_voters: int


class LocalStatement(msgspec.Struct, frozen=True, kw_only=True):
    """A statement of the territory's local session."""

    session: str
    statement: StatementRef
    imported: bool  # it came from an earlier step of the programme (its provenance key)


class ProposalLine(msgspec.Struct, frozen=True, kw_only=True):
    """A proposal as ranked at a vote whose figures are published."""

    proposal: str
    text: str
    rank: int
    grade: int
    adopted: bool


class VoteLine(msgspec.Struct, frozen=True, kw_only=True):
    session: str
    vote: str
    open: bool
    hidden: bool
    voters: int | None  # None when hidden
    proposals: tuple[ProposalLine, ...]  # best first; none when hidden


class FollowUpStep(msgspec.Struct, frozen=True, kw_only=True):
    """One step of a vœu at its council, as the programme recorded it (never who recorded it)."""

    status: str  # a ``VoeuStatus`` value
    date: str  # YYYY-MM-DD
    council: str
    answer: str
    link: str


class VoeuLine(msgspec.Struct, frozen=True, kw_only=True):
    session: str
    voeu: str  # its id in the session (vx1)
    territory: str | None  # a programme territory id: whose council it goes to
    text: str
    status: str  # where it stands: a ``VoeuStatus`` value
    steps: tuple[FollowUpStep, ...]  # oldest first
    # Where it came from in its session's cahier, when that Report was given.
    proposal: str | None = None  # the proposal's text
    vote: str | None = None
    grade: int | None = None


class TerritoryPart(msgspec.Struct, frozen=True, kw_only=True):
    """One territory's *cahier de préconisations localisées*."""

    territory: Territory
    problems: tuple[ScopedStatement, ...]  # local to it (and perhaps a few others)
    shared: tuple[ScopedStatement, ...]  # shared across the metropolis, with its agreement
    local_sessions: tuple[str, ...]  # its local sessions (programme ids), in order
    statements: tuple[LocalStatement, ...]
    votes: tuple[VoteLine, ...]
    voeux: tuple[VoeuLine, ...]


class ComparedProblem(msgspec.Struct, frozen=True, kw_only=True):
    """A problem of the online phase in a group of the comparison, as the forum's cahier cites
    it; ``text`` None when that cahier does not (not published: hidden, or never out of the
    moderation queue)."""

    statement: str  # its id in the forum (s3)
    text: str | None
    territory: str | None  # its author's territory, by name


class ImportedInto(msgspec.Struct, frozen=True, kw_only=True):
    """Where a retained group was imported: a programme session and the statement it became."""

    session: str  # the programme session (ps2)
    statement: str  # its id there


class ComparedLine(msgspec.Struct, frozen=True, kw_only=True):
    """A group of the comparison: its problems, the territories they come from, its scope
    (« shared » by several territories, « local » to one), retained or not, imported where."""

    problems: tuple[ComparedProblem, ...]
    territories: tuple[str, ...]  # names, in the programme's order
    scope: str  # "shared" | "local"
    retained: bool
    imported: tuple[ImportedInto, ...]


class Comparison(msgspec.Struct, frozen=True, kw_only=True):
    """Step 3: a forum's problems compared across territories (``CompareProblems``, the last
    one). Without the forum's cahier (``reported`` false) its groups cannot be quoted: none."""

    session: str  # the forum's programme session (ps1)
    reported: bool
    groups: tuple[ComparedLine, ...]  # the comparison's order; with a focus, its groups only


class ProgrammeCahier(msgspec.Struct, frozen=True, kw_only=True):
    programme: str
    title: str
    theme: str
    territories: tuple[Territory, ...]
    focus: Territory | None  # a territory's cahier; None: the programme's
    sessions: tuple[SessionLine, ...]
    parts: tuple[TerritoryPart, ...]  # the focus only, or every territory in order
    voeux: tuple[VoeuLine, ...]  # every vœu of the cahier (the focus's, or the programme's)
    k: int
    # How the positions of the people recognised from one session to another moved, per
    # statement debated in several sessions (``programme.shift``, under ``k``); None when the
    # sessions' states were not given (no such section).
    shift: tuple[LinkedShift, ...] | None = None
    # Each compared forum's comparison across territories (step 3), in the programme's order.
    comparisons: tuple[Comparison, ...] = ()

"""Commands: what someone asks the session to do, in the imperative.

A command is a request, not a fact: ``decide`` checks it against the state and the sender's role
and either turns it into events or rejects it with a stable code. Commands carry only what the
sender chooses; who sends it, when, and the seed for anything random come in the ``Context``.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import msgspec

from .model import (
    Grade,
    HostPolicy,
    ParticipantRole,
    Place,
    Provenance,
    RoundKind,
    RoundSpec,
    StatementKind,
)

__all__ = [
    "COMMAND_TYPES",
    "AbandonConsent",
    "AddCoFacilitator",
    "AddParticipant",
    "AddRound",
    "AddTerritory",
    "AdoptVoeu",
    "Annotate",
    "CastBallot",
    "ChangeTableSize",
    "CloseSession",
    "CloseVote",
    "Command",
    "CreateSession",
    "EditRound",
    "EndRound",
    "EnterPaperBallots",
    "ExtendRound",
    "HandOverHost",
    "HideResults",
    "HideStatement",
    "ImportStatement",
    "IssueTableTablet",
    "JoinSession",
    "MergeParticipants",
    "MergeStatements",
    "MoveParticipant",
    "NewTerritory",
    "OpenConsent",
    "OpenVote",
    "PauseRound",
    "PromoteProposal",
    "ProposeStatement",
    "PublishStatement",
    "RaiseObjection",
    "RecordBallot",
    "RecordPosition",
    "RemoveParticipant",
    "RemoveRound",
    "RenameTerritory",
    "ResolveObjection",
    "ResumeRound",
    "RevokeCoFacilitator",
    "RevokeTableTablet",
    "RotateTables",
    "SeatTables",
    "ShowResults",
    "StartRound",
    "SubmitSynthesis",
    "TakePosition",
]


class _Command(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base of every command: frozen, keyword-only, strict about unknown fields."""


class NewTerritory(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """A territory as the facilitator describes it; the session gives it its id."""

    name: str
    commune: str
    qpv: bool


class CreateSession(_Command, frozen=True):
    title: str
    territories: tuple[NewTerritory, ...]
    agenda: tuple[RoundSpec, ...]
    table_size: int = 6
    host_policy: HostPolicy = HostPolicy.ROTATE
    # The online phase of a programme (« forum numérique »): no tables, no rounds, no agenda;
    # people write, rate and comment whenever they like until the facilitator closes it.
    forum: bool = False
    themes: tuple[str, ...] = ()  # what a contribution may be filed under (a forum's filters)


class JoinSession(_Command, frozen=True):
    """Someone joins from their own device. ``person``: the personal key that device keeps
    across the programme's sessions, sent only when its holder consents to being recognised
    from one session to the next (``PERSON_KEY``: 22 to 64 characters of ``[A-Za-z0-9_-]``), so
    that their opinion shift can be measured across the programme; never shown to anyone."""

    pseudonym: str
    territory: str
    role: ParticipantRole
    stays_seated: bool = False
    consent: bool = False  # may the replay show this pseudonym as is?
    person: str | None = None


class SeatTables(_Command, frozen=True):
    """Seat everyone for the first time."""


class RotateTables(_Command, frozen=True):
    """Between rounds: travellers move to new tables; hosts stay or rotate per session policy."""


class StartRound(_Command, frozen=True):
    """Start the next round of the agenda."""


class PauseRound(_Command, frozen=True):
    pass


class ResumeRound(_Command, frozen=True):
    pass


class ExtendRound(_Command, frozen=True):
    minutes: int


class EndRound(_Command, frozen=True):
    """End the running round: by the facilitator, or by the ``system`` actor at the deadline."""


class ProposeStatement(_Command, frozen=True):
    text: str
    kind: StatementKind = StatementKind.PROBLEM
    place: Place | None = None  # a forum's contributions only: where it is about
    theme: str | None = None  # a forum's contributions only: one of the session's themes


class PublishStatement(_Command, frozen=True):
    statement: str


class ImportStatement(_Command, frozen=True):
    """A statement brought in from another step of the programme, published at once: the
    facilitators' (any phase), with where it comes from (``provenance``)."""

    text: str
    provenance: Provenance
    kind: StatementKind = StatementKind.PROBLEM


class HideStatement(_Command, frozen=True):
    statement: str


class MergeStatements(_Command, frozen=True):
    """Fold a duplicate statement into another; positions on it no longer count."""

    statement: str
    into: str


class Annotate(_Command, frozen=True):
    """A note on a published statement or on the sender's own table."""

    text: str
    statement: str | None = None
    table: int | None = None
    tags: tuple[str, ...] = ()
    place: str | None = None


class TakePosition(_Command, frozen=True):
    statement: str
    value: int | None  # -2..+2, or None to pass


class SubmitSynthesis(_Command, frozen=True):
    text: str


class PromoteProposal(_Command, frozen=True):
    statement: str
    text: str | None = None  # the facilitator may reword it; default: the statement's text


class OpenVote(_Command, frozen=True):
    proposals: tuple[str, ...]


class CastBallot(_Command, frozen=True):
    vote: str
    grades: dict[str, Grade]


class CloseVote(_Command, frozen=True):
    vote: str


class ShowResults(_Command, frozen=True):
    """Put results on every screen: a statement's positions, or a closed vote's merit profiles."""

    statement: str | None = None
    vote: str | None = None


class HideResults(_Command, frozen=True):
    pass


class OpenConsent(_Command, frozen=True):
    """Open a consent round on a proposal that a closed vote adopted by majority judgment."""

    proposal: str


class RaiseObjection(_Command, frozen=True):
    """A reasoned objection to the wording under consent."""

    consent: str
    text: str


class ResolveObjection(_Command, frozen=True):
    """Record how an objection was resolved: the wording was amended (``wording`` is the new
    wording of the proposal) or the objection was withdrawn (no ``wording``)."""

    objection: str
    resolution: Literal["amended", "withdrawn"]
    wording: str | None = None


class AdoptVoeu(_Command, frozen=True):
    """Close a consent round whose objections are all resolved: the wording becomes a vœu."""

    consent: str
    outcome: str  # the facilitator's outcome statement


class AbandonConsent(_Command, frozen=True):
    """Close a consent round without a vœu: the room could not consent."""

    consent: str


class CloseSession(_Command, frozen=True):
    pass


class AddCoFacilitator(_Command, frozen=True):
    """Give someone a facilitator link of their own, revocable. The server issues its token to the
    sender (never to the log); the event records who it is for (``label``)."""

    label: str  # who it is for, as the facilitator names them: « Amina, accueil »


class RevokeCoFacilitator(_Command, frozen=True):
    """Withdraw a co-facilitator's link: its token is refused from now on."""

    cofacilitator: str


# --- live changes on the night ------------------------------------------------------------------


class HandOverHost(_Command, frozen=True):
    """Make ``to`` the host of the table they sit at: a host passes the role to a member of
    their own table; the facilitator chooses any host."""

    to: str


class MoveParticipant(_Command, frozen=True):
    """Seat a participant at another table of the plan in force."""

    participant: str
    table: int


class RemoveParticipant(_Command, frozen=True):
    """Someone leaves the session. Their positions stay, under a neutral name, unless they ask
    to be erased (``erase``): then their statements, notes and positions count nowhere."""

    participant: str
    erase: bool = False


class MergeParticipants(_Command, frozen=True):
    """Two entries of the same person: ``participant`` (the second entry) is folded into
    ``into``, which keeps its own positions and grades and takes the other's where it had none."""

    participant: str
    into: str


class AddRound(_Command, frozen=True):
    """A round added to the agenda, as number ``round`` (a round not started yet moves down),
    or at the end when ``round`` is not given."""

    kind: RoundKind
    prompt: str
    duration_ms: int
    round: int | None = None


class EditRound(_Command, frozen=True):
    """Change a round that has not started: what is given replaces what it had."""

    round: int
    kind: RoundKind | None = None
    prompt: str | None = None
    duration_ms: int | None = None


class RemoveRound(_Command, frozen=True):
    """Take a round that has not started off the agenda; the rounds after it move up."""

    round: int


class AddTerritory(_Command, frozen=True):
    """A territory added before the tables are seated."""

    name: str
    commune: str
    qpv: bool


class RenameTerritory(_Command, frozen=True):
    """A territory's name (and commune, when given) changed before the tables are seated."""

    territory: str
    name: str
    commune: str | None = None


class ChangeTableSize(_Command, frozen=True):
    """How many people a table seats, changed before the tables are seated."""

    table_size: int


# --- people without a phone ---------------------------------------------------------------------


class AddParticipant(_Command, frozen=True):
    """Someone without a device joins, added by the facilitator (at any table), by a table's
    host or by its table tablet (at that table). ``table``: where they sit; ``None`` before the
    tables are seated (seating places them), or for the host's and the tablet's own table."""

    pseudonym: str
    territory: str
    role: ParticipantRole
    table: int | None = None
    stays_seated: bool = False
    consent: bool = False  # may the replay show this pseudonym as is?


class IssueTableTablet(_Command, frozen=True):
    """Give a table a shared tablet: a link of its own, revocable. The server issues its token
    to the sender (never to the log)."""

    table: int


class RevokeTableTablet(_Command, frozen=True):
    """Withdraw a table tablet's link: its token is refused from now on."""

    tablet: str


class RecordPosition(_Command, frozen=True):
    """A member's position, recorded for them (with them present) by their table's tablet or
    host."""

    participant: str
    statement: str
    value: int | None  # -2..+2, or None to pass


class RecordBallot(_Command, frozen=True):
    """A member's ballot, cast for them (with them present) by their table's tablet or host."""

    participant: str
    vote: str
    grades: dict[str, Grade]


class EnterPaperBallots(_Command, frozen=True):
    """A counted stack of paper ballots of an open vote, entered by the facilitator: each one
    grades every proposal of the vote."""

    vote: str
    ballots: tuple[dict[str, Grade], ...]
    note: str  # where they come from: « Urne papier, table 4 »


Command: TypeAlias = (
    CreateSession
    | JoinSession
    | SeatTables
    | RotateTables
    | StartRound
    | PauseRound
    | ResumeRound
    | ExtendRound
    | EndRound
    | ProposeStatement
    | PublishStatement
    | HideStatement
    | MergeStatements
    | Annotate
    | TakePosition
    | SubmitSynthesis
    | PromoteProposal
    | OpenVote
    | CastBallot
    | CloseVote
    | ShowResults
    | HideResults
    | OpenConsent
    | RaiseObjection
    | ResolveObjection
    | AdoptVoeu
    | AbandonConsent
    | CloseSession
    | AddCoFacilitator
    | RevokeCoFacilitator
    | HandOverHost
    | MoveParticipant
    | RemoveParticipant
    | MergeParticipants
    | AddRound
    | EditRound
    | RemoveRound
    | AddTerritory
    | RenameTerritory
    | ChangeTableSize
    | AddParticipant
    | IssueTableTablet
    | RevokeTableTablet
    | RecordPosition
    | RecordBallot
    | EnterPaperBallots
    | ImportStatement
)

# Wire name -> class; the wire name is the class name (``cmd {type: "TakePosition"}``).
COMMAND_TYPES: dict[str, type[Command]] = {
    cls.__name__: cls
    for cls in (
        CreateSession,
        JoinSession,
        SeatTables,
        RotateTables,
        StartRound,
        PauseRound,
        ResumeRound,
        ExtendRound,
        EndRound,
        ProposeStatement,
        PublishStatement,
        HideStatement,
        MergeStatements,
        Annotate,
        TakePosition,
        SubmitSynthesis,
        PromoteProposal,
        OpenVote,
        CastBallot,
        CloseVote,
        ShowResults,
        HideResults,
        OpenConsent,
        RaiseObjection,
        ResolveObjection,
        AdoptVoeu,
        AbandonConsent,
        CloseSession,
        AddCoFacilitator,
        RevokeCoFacilitator,
        HandOverHost,
        MoveParticipant,
        RemoveParticipant,
        MergeParticipants,
        AddRound,
        EditRound,
        RemoveRound,
        AddTerritory,
        RenameTerritory,
        ChangeTableSize,
        AddParticipant,
        IssueTableTablet,
        RevokeTableTablet,
        RecordPosition,
        RecordBallot,
        EnterPaperBallots,
        ImportStatement,
    )
}

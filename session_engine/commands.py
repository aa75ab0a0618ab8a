"""Commands: what someone asks the session to do, in the imperative.

A command is a request, not a fact: ``decide`` checks it against the state and the sender's role
and either turns it into events or rejects it with a stable code. Commands carry only what the
sender chooses; who sends it, when, and the seed for anything random come in the ``Context``.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import msgspec

from .model import Grade, HostPolicy, ParticipantRole, RoundSpec, StatementKind

__all__ = [
    "COMMAND_TYPES",
    "AbandonConsent",
    "AddCoFacilitator",
    "AdoptVoeu",
    "Annotate",
    "CastBallot",
    "CloseSession",
    "CloseVote",
    "Command",
    "CreateSession",
    "EndRound",
    "ExtendRound",
    "HideResults",
    "HideStatement",
    "JoinSession",
    "MergeStatements",
    "NewTerritory",
    "OpenConsent",
    "OpenVote",
    "PauseRound",
    "PromoteProposal",
    "ProposeStatement",
    "PublishStatement",
    "RaiseObjection",
    "ResolveObjection",
    "ResumeRound",
    "RevokeCoFacilitator",
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


class JoinSession(_Command, frozen=True):
    pseudonym: str
    territory: str
    role: ParticipantRole
    stays_seated: bool = False
    consent: bool = False  # may the replay show this pseudonym as is?


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


class PublishStatement(_Command, frozen=True):
    statement: str


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
    )
}

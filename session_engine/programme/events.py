"""What happened to a programme, in the past tense. Each event carries its results (ids, the
territories as created), so that replaying the log recomputes nothing.

Events are msgspec tagged structs: a programme's log (``log.py``) is a msgpack list of
envelopes whose event says its own type; a field added later gets a default, so old logs stay
readable.
"""

from __future__ import annotations

import msgspec

from ..model import Territory
from .commands import ComparedGroup, ImportedStatement, RecordedVoeu
from .model import SessionKind, VoeuStatus

__all__ = [
    "OrganiserAdded",
    "ProblemsCompared",
    "ProgrammeCreated",
    "ProgrammeEvent",
    "ProgrammePublished",
    "ProgrammeSessionClosed",
    "ProgrammeSessionPublished",
    "ProgrammeTerritoryAdded",
    "SessionAdded",
    "StatementsImportedInto",
    "VoeuFollowedUp",
]


class _Event(msgspec.Struct, frozen=True, kw_only=True, tag=True):
    pass


class ProgrammeCreated(_Event, frozen=True):
    programme: str
    title: str
    theme: str
    territories: tuple[Territory, ...]
    organiser: str  # who created it: the first of its organisers
    email: str = ""  # their address, as the programme's page lists its organisers


class ProgrammeTerritoryAdded(_Event, frozen=True):
    territory: Territory


class OrganiserAdded(_Event, frozen=True):
    organiser: str
    email: str


class SessionAdded(_Event, frozen=True):
    id: str  # the programme's id of the session (ps1, ps2, …)
    session: str  # the live session's id
    kind: SessionKind
    title: str
    date: str
    territory: str | None


class StatementsImportedInto(_Event, frozen=True):
    session: str
    statements: tuple[ImportedStatement, ...]


class ProblemsCompared(_Event, frozen=True):
    """The forum's problems as the facilitator grouped and retained them (the last counts)."""

    session: str
    groups: tuple[ComparedGroup, ...]


class ProgrammeSessionClosed(_Event, frozen=True):
    session: str
    voeux: tuple[RecordedVoeu, ...]


class VoeuFollowedUp(_Event, frozen=True):
    session: str
    voeu: str
    status: VoeuStatus
    date: str
    council: str
    answer: str
    link: str
    author: str  # the organiser who recorded it


class ProgrammeSessionPublished(_Event, frozen=True):
    session: str
    archive: str


class ProgrammePublished(_Event, frozen=True):
    archive: str


ProgrammeEvent = (
    ProgrammeCreated
    | ProgrammeTerritoryAdded
    | OrganiserAdded
    | SessionAdded
    | StatementsImportedInto
    | ProblemsCompared
    | ProgrammeSessionClosed
    | VoeuFollowedUp
    | ProgrammeSessionPublished
    | ProgrammePublished
)

"""A programme as its log has made it: territories, organisers, sessions, imports, vœux."""

from __future__ import annotations

import msgspec

from ..model import Territory
from .commands import ComparedGroup
from .model import SessionKind, VoeuStatus

__all__ = ["FollowUp", "ProgrammeSession", "ProgrammeState", "Voeu"]


class FollowUp(msgspec.Struct, frozen=True, kw_only=True):
    """One step of a vœu at its council, as recorded: who recorded it and when (``at``, ms)."""

    status: VoeuStatus
    date: str
    council: str
    answer: str
    link: str
    author: str
    at: int


class Voeu(msgspec.Struct, kw_only=True):
    session: str  # the programme session (ps3)
    voeu: str  # its id in that session
    text: str
    territory: str | None  # the session's territory: whose council it goes to
    status: VoeuStatus = VoeuStatus.TO_BE_TABLED
    history: list[FollowUp] = msgspec.field(default_factory=list)


class ProgrammeSession(msgspec.Struct, kw_only=True):
    id: str
    session: str
    kind: SessionKind
    title: str
    date: str
    territory: str | None
    imports: dict[str, str] = msgspec.field(default_factory=dict)  # provenance key → statement
    comparison: tuple[ComparedGroup, ...] | None = None  # a forum's, once compared (step 3)
    closed: bool = False
    archive: str | None = None


class ProgrammeState(msgspec.Struct, kw_only=True):
    id: str = ""
    title: str = ""
    theme: str = ""
    created_at: int = 0
    territories: dict[str, Territory] = msgspec.field(default_factory=dict)
    organisers: dict[str, str] = msgspec.field(default_factory=dict)  # organiser id → email
    sessions: dict[str, ProgrammeSession] = msgspec.field(default_factory=dict)
    voeux: dict[tuple[str, str], Voeu] = msgspec.field(default_factory=dict)
    archive: str | None = None
    seq: int = 0

    @property
    def created(self) -> bool:
        return bool(self.id)

    def session_by_live_id(self, session: str) -> ProgrammeSession | None:
        return next((s for s in self.sessions.values() if s.session == session), None)

    def territory_of(self, session: ProgrammeSession) -> Territory | None:
        return self.territories.get(session.territory) if session.territory else None

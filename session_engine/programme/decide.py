"""The rules of a programme: who may change it and what each command becomes.

``decide(state, command, ctx)`` returns the events of an accepted command or a ``Rejected``
with a stable code (``session_engine.errors``); it never changes the state. Every command but
``CreateProgramme`` comes from one of the programme's organisers: an organiser of programme A
is ``not_allowed`` anything on programme B.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import singledispatch
from typing import Final

import msgspec

from ..decide_base import LIMITS, MAX_TERRITORIES, clean_text, require
from ..errors import CommandRejected, Rejected
from ..model import Territory
from .commands import (
    AddOrganiser,
    AddProgrammeTerritory,
    AddSession,
    CloseProgrammeSession,
    CompareProblems,
    CreateProgramme,
    FollowUpVoeu,
    ProgrammeCommand,
    PublishProgramme,
    PublishProgrammeSession,
    RecordImports,
)
from .events import (
    OrganiserAdded,
    ProblemsCompared,
    ProgrammeCreated,
    ProgrammeEvent,
    ProgrammePublished,
    ProgrammeSessionClosed,
    ProgrammeSessionPublished,
    ProgrammeTerritoryAdded,
    SessionAdded,
    StatementsImportedInto,
    VoeuFollowedUp,
)
from .model import FOLLOW_UP, SessionKind, VoeuStatus
from .state import ProgrammeSession, ProgrammeState

__all__ = ["MAX_PROGRAMME_SESSIONS", "ProgrammeContext", "decide"]

MAX_PROGRAMME_SESSIONS: Final = 60
MAX_IMPORTS: Final = 500
MAX_VOEUX: Final = 100
MAX_COMPARED: Final = 2_000  # problems of one forum in one comparison
# A provenance key names a statement of the programme in every session that imports it.
_KEY: Final = re.compile(r"[a-z0-9-]{1,40}")
_LINK: Final = re.compile(r"https?://\S{1,490}")
_ANSWER_LIMIT: Final = "outcome"


class ProgrammeContext(msgspec.Struct, frozen=True, kw_only=True):
    """Who sends (an organiser's account id), when (ms), and for ``CreateProgramme`` the id the
    server drew for the new programme."""

    actor: str
    now: int
    programme: str = ""
    email: str = ""  # the sender's address, recorded with the programme it creates


def decide(
    state: ProgrammeState, command: ProgrammeCommand, ctx: ProgrammeContext
) -> list[ProgrammeEvent] | Rejected:
    try:
        if isinstance(command, CreateProgramme):
            require(not state.created, "already_created")
        else:
            require(state.created, "unknown_programme")
            require(ctx.actor in state.organisers, "not_allowed")
        return _decide(command, state, ctx)
    except CommandRejected as rejected:
        return Rejected.of(rejected.code)


@singledispatch
def _decide(command: object, state: ProgrammeState, ctx: ProgrammeContext) -> list[ProgrammeEvent]:
    raise CommandRejected("bad_request")


def _territory(id_: str, name: str, commune: str, qpv: bool) -> Territory:
    return Territory(
        id=id_,
        name=clean_text(name, "territory"),
        commune=clean_text(commune, "commune"),
        qpv=bool(qpv),
    )


@_decide.register
def _(
    command: CreateProgramme, state: ProgrammeState, ctx: ProgrammeContext
) -> list[ProgrammeEvent]:
    require(bool(ctx.programme), "bad_request")
    require(1 <= len(command.territories) <= MAX_TERRITORIES, "bad_request")
    territories = tuple(
        _territory(f"t{i}", t.name, t.commune, t.qpv) for i, t in enumerate(command.territories, 1)
    )
    require(len({t.name.casefold() for t in territories}) == len(territories), "territory_exists")
    theme = command.theme.strip()
    require(len(theme) <= LIMITS["title"], "text_too_long")
    return [
        ProgrammeCreated(
            programme=ctx.programme,
            title=clean_text(command.title, "title"),
            theme=theme,
            territories=territories,
            organiser=ctx.actor,
            email=ctx.email,
        )
    ]


@_decide.register
def _(
    command: AddProgrammeTerritory, state: ProgrammeState, ctx: ProgrammeContext
) -> list[ProgrammeEvent]:
    require(len(state.territories) < MAX_TERRITORIES, "limit_reached")
    territory = _territory(
        f"t{len(state.territories) + 1}", command.name, command.commune, command.qpv
    )
    names = {t.name.casefold() for t in state.territories.values()}
    require(territory.name.casefold() not in names, "territory_exists")
    return [ProgrammeTerritoryAdded(territory=territory)]


@_decide.register
def _(command: AddOrganiser, state: ProgrammeState, ctx: ProgrammeContext) -> list[ProgrammeEvent]:
    require(0 < len(command.organiser) <= LIMITS["id"], "bad_request")
    require(0 < len(command.email) <= 254, "bad_request")
    require(command.organiser not in state.organisers, "already_added")
    return [OrganiserAdded(organiser=command.organiser, email=command.email)]


def _date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except (TypeError, ValueError):
        raise CommandRejected("bad_date") from None


@_decide.register
def _(command: AddSession, state: ProgrammeState, ctx: ProgrammeContext) -> list[ProgrammeEvent]:
    require(len(state.sessions) < MAX_PROGRAMME_SESSIONS, "limit_reached")
    require(0 < len(command.session) <= LIMITS["id"], "bad_request")
    require(state.session_by_live_id(command.session) is None, "already_added")
    if command.kind is SessionKind.LOCAL:
        require(command.territory in state.territories, "unknown_territory")
    else:
        require(
            command.territory is None or command.territory in state.territories, "unknown_territory"
        )
    return [
        SessionAdded(
            id=f"ps{len(state.sessions) + 1}",
            session=command.session,
            kind=command.kind,
            title=clean_text(command.title, "title"),
            date=_date(command.date),
            territory=command.territory,
        )
    ]


def _session(state: ProgrammeState, id_: str) -> ProgrammeSession:
    session = state.sessions.get(id_)
    require(session is not None, "unknown_session")
    assert session is not None  # for mypy: require raised otherwise
    return session


@_decide.register
def _(command: RecordImports, state: ProgrammeState, ctx: ProgrammeContext) -> list[ProgrammeEvent]:
    session = _session(state, command.session)
    require(0 < len(command.statements) <= MAX_IMPORTS, "bad_request")
    for item in command.statements:
        require(_KEY.fullmatch(item.key) is not None, "bad_request")
        require(0 < len(item.statement) <= LIMITS["id"], "bad_request")
        require(item.key not in session.imports, "already_imported")
    require(len({s.key for s in command.statements}) == len(command.statements), "bad_request")
    return [StatementsImportedInto(session=session.id, statements=command.statements)]


@_decide.register
def _(
    command: CompareProblems, state: ProgrammeState, ctx: ProgrammeContext
) -> list[ProgrammeEvent]:
    session = _session(state, command.session)
    require(session.kind is SessionKind.FORUM, "bad_request")  # step 3 compares a forum's
    ids = [statement for group in command.groups for statement in group.statements]
    require(len(ids) <= MAX_COMPARED, "bad_request")
    require(all(0 < len(i) <= LIMITS["id"] for i in ids), "bad_request")
    require(len(set(ids)) == len(ids), "bad_request")  # a problem is in one group
    require(all(group.statements for group in command.groups), "bad_request")
    return [ProblemsCompared(session=session.id, groups=command.groups)]


@_decide.register
def _(
    command: CloseProgrammeSession, state: ProgrammeState, ctx: ProgrammeContext
) -> list[ProgrammeEvent]:
    session = _session(state, command.session)
    require(not session.closed, "already_closed")
    require(len(command.voeux) <= MAX_VOEUX, "bad_request")
    voeux = tuple(
        msgspec.structs.replace(v, text=clean_text(v.text, "proposal") if v.text.strip() else "—")
        for v in command.voeux
    )
    for voeu in voeux:
        require(0 < len(voeu.voeu) <= LIMITS["id"], "bad_request")
    return [ProgrammeSessionClosed(session=session.id, voeux=voeux)]


@_decide.register
def _(command: FollowUpVoeu, state: ProgrammeState, ctx: ProgrammeContext) -> list[ProgrammeEvent]:
    voeu = state.voeux.get((command.session, command.voeu))
    require(voeu is not None, "unknown_voeu")
    assert voeu is not None
    require(command.status in FOLLOW_UP[voeu.status], "bad_transition")
    council = command.council.strip()
    require(len(council) <= LIMITS["commune"] + 40, "text_too_long")
    require(command.status is not VoeuStatus.TABLED or bool(council), "council_missing")
    answer = command.answer.strip()
    require(len(answer) <= LIMITS[_ANSWER_LIMIT], "text_too_long")
    link = command.link.strip()
    require(not link or _LINK.fullmatch(link) is not None, "bad_link")
    return [
        VoeuFollowedUp(
            session=command.session,
            voeu=command.voeu,
            status=command.status,
            date=_date(command.date),
            council=council,
            answer=answer,
            link=link,
            author=ctx.actor,
        )
    ]


@_decide.register
def _(
    command: PublishProgrammeSession, state: ProgrammeState, ctx: ProgrammeContext
) -> list[ProgrammeEvent]:
    session = _session(state, command.session)
    require(session.closed, "not_closed")
    require(session.archive is None, "already_added")
    require(0 < len(command.archive) <= LIMITS["id"], "bad_request")
    return [ProgrammeSessionPublished(session=session.id, archive=command.archive)]


@_decide.register
def _(
    command: PublishProgramme, state: ProgrammeState, ctx: ProgrammeContext
) -> list[ProgrammeEvent]:
    # A programme's archive gathers its published sessions: publish one of them first.
    require(any(s.archive for s in state.sessions.values()), "nothing_published")
    require(0 < len(command.archive) <= LIMITS["id"], "bad_request")
    return [ProgrammePublished(archive=command.archive)]

"""How each programme event changes the programme's state, nothing else."""

from __future__ import annotations

from functools import singledispatch

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
from .state import FollowUp, ProgrammeSession, ProgrammeState, Voeu

__all__ = ["evolve"]


def evolve(state: ProgrammeState, event: ProgrammeEvent, *, at: int = 0) -> ProgrammeState:
    """``state`` with ``event`` applied (in place; ``at`` is the envelope's time, in ms)."""
    _apply(event, state, at)
    return state


@singledispatch
def _apply(event: object, state: ProgrammeState, at: int) -> None:
    raise TypeError(f"not a programme event: {type(event).__name__}")


@_apply.register
def _(event: ProgrammeCreated, state: ProgrammeState, at: int) -> None:
    state.id, state.title, state.theme, state.created_at = (
        event.programme,
        event.title,
        event.theme,
        at,
    )
    state.territories = {t.id: t for t in event.territories}
    state.organisers[event.organiser] = event.email


@_apply.register
def _(event: ProgrammeTerritoryAdded, state: ProgrammeState, at: int) -> None:
    state.territories[event.territory.id] = event.territory


@_apply.register
def _(event: OrganiserAdded, state: ProgrammeState, at: int) -> None:
    state.organisers[event.organiser] = event.email


@_apply.register
def _(event: SessionAdded, state: ProgrammeState, at: int) -> None:
    state.sessions[event.id] = ProgrammeSession(
        id=event.id,
        session=event.session,
        kind=event.kind,
        title=event.title,
        date=event.date,
        territory=event.territory,
    )


@_apply.register
def _(event: StatementsImportedInto, state: ProgrammeState, at: int) -> None:
    imports = state.sessions[event.session].imports
    imports.update({s.key: s.statement for s in event.statements})


@_apply.register
def _(event: ProblemsCompared, state: ProgrammeState, at: int) -> None:
    state.sessions[event.session].comparison = event.groups


@_apply.register
def _(event: ProgrammeSessionClosed, state: ProgrammeState, at: int) -> None:
    session = state.sessions[event.session]
    session.closed = True
    for voeu in event.voeux:
        state.voeux[(session.id, voeu.voeu)] = Voeu(
            session=session.id, voeu=voeu.voeu, text=voeu.text, territory=session.territory
        )


@_apply.register
def _(event: VoeuFollowedUp, state: ProgrammeState, at: int) -> None:
    voeu = state.voeux[(event.session, event.voeu)]
    voeu.status = event.status
    voeu.history.append(
        FollowUp(
            status=event.status,
            date=event.date,
            council=event.council,
            answer=event.answer,
            link=event.link,
            author=event.author,
            at=at,
        )
    )


@_apply.register
def _(event: ProgrammeSessionPublished, state: ProgrammeState, at: int) -> None:
    state.sessions[event.session].archive = event.archive


@_apply.register
def _(event: ProgrammePublished, state: ProgrammeState, at: int) -> None:
    state.archive = event.archive

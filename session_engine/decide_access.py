"""Who holds the session's facilitator links: the handlers of the co-facilitator commands, and the
check that a facilitator's command comes from a link still in service.

The session's facilitator (actor ``facilitator``) holds the token given when the session was
created. A **co-facilitator** holds a facilitator link of its own (actor ``cf1``, ``cf2``…): it may
send every command the facilitator may, as long as its link is not revoked. Links are given by the
facilitator from the console, or by the server's machine itself (actor ``system``: ``metrokawa
sessions`` gives a console link back to whoever runs the server); only the facilitator revokes
them. A co-facilitator gives out no link and revokes none: a revoked link must not have left
another one behind. The tokens never enter the engine: the server issues one for the
``CoFacilitatorAdded`` event and keeps only its hash.
"""

from __future__ import annotations

from typing import Final

from .commands import AddCoFacilitator, RevokeCoFacilitator
from .decide_base import Context, Role, clean_text, require
from .errors import CommandRejected
from .events import CoFacilitatorAdded, CoFacilitatorRevoked, Event
from .state import SessionState

__all__ = [
    "FACILITATOR_ACTOR",
    "MAX_COFACILITATORS",
    "add_cofacilitator",
    "check_facilitator_link",
    "revoke_cofacilitator",
]

FACILITATOR_ACTOR: Final = "facilitator"  # the holder of the session's own facilitator token
MAX_COFACILITATORS: Final = 20  # links in service at once


def check_facilitator_link(state: SessionState, ctx: Context) -> None:
    """A facilitator's command comes from the session's facilitator or from a co-facilitator whose
    link is in service; anything else (a revoked link) is ``not_allowed``."""
    if ctx.role is not Role.FACILITATOR or ctx.actor == FACILITATOR_ACTOR:
        return
    if not state.is_cofacilitator(ctx.actor):
        raise CommandRejected("not_allowed")


def add_cofacilitator(state: SessionState, cmd: AddCoFacilitator, ctx: Context) -> list[Event]:
    require(ctx.role is Role.SYSTEM or ctx.actor == FACILITATOR_ACTOR, "not_allowed")
    label = clean_text(cmd.label, "pseudonym")
    in_service = sum(not c.revoked for c in state.cofacilitators.values())
    require(in_service < MAX_COFACILITATORS, "too_many_cofacilitators")
    cofacilitator = f"cf{len(state.cofacilitators) + 1}"
    return [CoFacilitatorAdded(cofacilitator=cofacilitator, label=label)]


def revoke_cofacilitator(
    state: SessionState, cmd: RevokeCoFacilitator, ctx: Context
) -> list[Event]:
    require(ctx.actor == FACILITATOR_ACTOR, "not_allowed")
    cofacilitator = state.cofacilitators.get(cmd.cofacilitator)
    if cofacilitator is None:
        raise CommandRejected("unknown_cofacilitator")
    require(not cofacilitator.revoked, "already_revoked")
    return [CoFacilitatorRevoked(cofacilitator=cofacilitator.id)]

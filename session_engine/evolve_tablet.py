"""How the events of people without a phone apply to the state: a table tablet's link given or
withdrawn, and a stack of paper ballots counted in its vote. ``evolve`` folds them with the rest.

Joins without a device are ``ParticipantJoined`` events (``added_by`` says who added them) and
recorded positions and ballots are ``PositionTaken`` and ``BallotCast`` (``recorded_by``): the
ordinary handlers apply them, so every projection counts them like the others.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from .events import PaperBallotsEntered, TableTabletIssued, TableTabletRevoked
from .state import PaperStack, SessionState, TableTablet

__all__ = ["TABLET_APPLY"]


def _tablet_issued(state: SessionState, e: TableTabletIssued) -> None:
    state.tablets[e.tablet] = TableTablet(id=e.tablet, table=e.table)


def _tablet_revoked(state: SessionState, e: TableTabletRevoked) -> None:
    state.tablets[e.tablet].revoked = True


def _paper_ballots_entered(state: SessionState, e: PaperBallotsEntered) -> None:
    stack = PaperStack(count=len(e.ballots), note=e.note, ballots=e.ballots)
    state.votes[e.vote].paper.append(stack)


TABLET_APPLY: Final[dict[type[Any], Callable[[SessionState, Any], None]]] = {
    TableTabletIssued: _tablet_issued,
    TableTabletRevoked: _tablet_revoked,
    PaperBallotsEntered: _paper_ballots_entered,
}

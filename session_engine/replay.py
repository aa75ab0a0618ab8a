"""Replay: a log folded through ``evolve`` gives the state, at its end or at any ``seq``."""

from __future__ import annotations

from collections.abc import Iterable

from .codec import Envelope
from .evolve import evolve
from .state import SessionState

__all__ = ["replay"]


def replay(envelopes: Iterable[Envelope], *, until: int | None = None) -> SessionState:
    """The state after every envelope (or every one with ``seq <= until``), in log order."""
    state = SessionState()
    for envelope in envelopes:
        if until is not None and envelope.seq > until:
            break
        evolve(state, envelope.event)
    return state

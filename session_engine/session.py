"""``Session``: one session's state and log in memory, the single writer's loop without the I/O.

The order of one step is fixed, and the live server keeps the same order around its store:
``decide`` → seal the events into envelopes with the next ``seq`` → (the server appends them
durably here) → ``evolve`` → (the server publishes them). A rejected command leaves both the
state and the log untouched. The offline simulator and the tests drive this class directly.
"""

from __future__ import annotations

from collections.abc import Sequence

from .codec import Envelope
from .commands import Command
from .decide import Context, Role, decide
from .errors import Rejected
from .events import Event, ParticipantJoined
from .evolve import evolve
from .state import SessionState

__all__ = ["Session", "seal"]


def seal(events: Sequence[Event], *, after: int, ctx: Context, cmd: str | None) -> list[Envelope]:
    """Envelopes for freshly decided events, numbered on from ``after`` (the last ``seq``)."""
    actor = _author(events, ctx)
    return [
        Envelope(seq=after + i, at=ctx.now, actor=actor, cmd=cmd, event=event)
        for i, event in enumerate(events, start=1)
    ]


def _author(events: Sequence[Event], ctx: Context) -> str:
    """Who the log names: a guest who joins is, from then on, the participant they became."""
    if ctx.role is Role.GUEST and events and isinstance(events[0], ParticipantJoined):
        return events[0].participant
    return ctx.actor


class Session:
    def __init__(self) -> None:
        self.state = SessionState()
        self.log: list[Envelope] = []

    @property
    def seq(self) -> int:
        return self.log[-1].seq if self.log else 0

    def handle(
        self, command: Command, ctx: Context, cmd: str | None = None
    ) -> list[Envelope] | Rejected:
        """Decide, seal, evolve, append; the new envelopes, or the rejection."""
        decided = decide(self.state, command, ctx)
        if isinstance(decided, Rejected):
            return decided
        envelopes = seal(decided, after=self.seq, ctx=ctx, cmd=cmd)
        for envelope in envelopes:
            evolve(self.state, envelope.event)
        self.log.extend(envelopes)
        return envelopes

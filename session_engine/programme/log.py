"""A programme's log: its events in order, each in an envelope (seq, time, author), as bytes.

The same discipline as a session's log (``session_engine.codec``): appended by one writer,
read back verbatim, replayed by folding ``evolve``. One record is one msgpack map; the event is
a tagged struct, so a record says its own type.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from .commands import ProgrammeCommand
from .decide import ProgrammeContext, decide
from .events import ProgrammeEvent
from .evolve import evolve
from .state import ProgrammeState

__all__ = [
    "ProgrammeEnvelope",
    "decode_programme_envelope",
    "encode_programme_envelope",
    "replay_programme",
    "seal_programme",
]


class ProgrammeEnvelope(msgspec.Struct, frozen=True, kw_only=True):
    seq: int
    at: int  # ms since the epoch
    actor: str  # the organiser's account id
    event: ProgrammeEvent


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(ProgrammeEnvelope)


def encode_programme_envelope(envelope: ProgrammeEnvelope) -> bytes:
    return _encoder.encode(envelope)


def decode_programme_envelope(data: bytes) -> ProgrammeEnvelope:
    return _decoder.decode(data)


def seal_programme(
    events: Iterable[ProgrammeEvent], *, after: int, ctx: ProgrammeContext
) -> list[ProgrammeEnvelope]:
    return [
        ProgrammeEnvelope(seq=after + i, at=ctx.now, actor=ctx.actor, event=event)
        for i, event in enumerate(events, 1)
    ]


def replay_programme(
    envelopes: Iterable[ProgrammeEnvelope], *, until: int | None = None
) -> ProgrammeState:
    state = ProgrammeState()
    for envelope in envelopes:
        if until is not None and envelope.seq > until:
            break
        evolve(state, envelope.event, at=envelope.at)
        state.seq = envelope.seq
    return state


def run(
    state: ProgrammeState, command: ProgrammeCommand, ctx: ProgrammeContext
) -> list[ProgrammeEnvelope] | None:
    """Decide and apply in memory (tests, the offline simulator): the sealed envelopes, or
    ``None`` when the command was rejected."""
    outcome = decide(state, command, ctx)
    if not isinstance(outcome, list):
        return None
    envelopes = seal_programme(outcome, after=state.seq, ctx=ctx)
    for envelope in envelopes:
        evolve(state, envelope.event, at=envelope.at)
        state.seq = envelope.seq
    return envelopes

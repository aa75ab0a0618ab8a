"""What the machine that runs the server can do from its own database (``metrokawa sessions``):
list the sessions it holds, and give a console link back for one of them.

A facilitator who lost the console link (a closed tab, a lost note) cannot have it read back: the
token is stored only as its SHA-256 hash, on purpose (DESIGN §6: tokens are unguessable and never
kept). Whoever runs the server holds the database, which is as much power over the session as the
token; so a **new** co-facilitator link is issued for the session named, through the engine like
any command: ``AddCoFacilitator`` sent by the ``system`` actor, its event recorded in the log
(who got a console, and when, for the audit trail), its token's hash stored in the same
transaction, the token shown once. It is revocable from the console like any other link. Listing
issues nothing: a link is made only for the session asked for.

The server may be running on the same database meanwhile. Its actor is the session's single
writer in memory; this one-off writer appends with the store's optimistic check (``expected_seq``:
a ``Conflict`` means the server appended first, so the log is read again and the command decided
again). The running server learns of the new event when the link is first used (a ``hello`` with
a token its state does not know makes the actor read the store: ``SessionActor.refresh``), or at
its next commit, which conflicts, reloads and publishes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from session_engine import (
    Context,
    Rejected,
    Role,
    SessionState,
    decide,
    decode_envelope,
    encode_envelope,
    evolve,
    seal,
)
from session_engine.commands import AddCoFacilitator
from session_engine.events import CoFacilitatorAdded

from .auth import hash_token, new_token
from .store import Conflict, EventStore, SessionRecord

__all__ = ["MACHINE_LABEL", "GivenLink", "SessionLine", "find_session", "give_link", "sessions"]

MACHINE_LABEL: Final = "Machine du serveur"  # whom the link given back is for, in the console
_ATTEMPTS: Final = 5  # a running server appending meanwhile: read again, decide again


@dataclass(frozen=True)
class SessionLine:
    """One session as ``metrokawa sessions`` lists it."""

    record: SessionRecord
    events: int
    participants: int
    closed: bool
    round_open: bool


@dataclass(frozen=True)
class GivenLink:
    record: SessionRecord
    cofacilitator: str
    token: str


async def _state(store: EventStore, session_id: str) -> tuple[SessionState, int]:
    state, seq = SessionState(), 0
    for record in await store.read(session_id):
        envelope = decode_envelope(record)
        evolve(state, envelope.event)
        seq = envelope.seq
    return state, seq


async def sessions(store: EventStore) -> list[SessionLine]:
    """Every session of the store, oldest first, with what its replayed log says."""
    lines = []
    for session_id in await store.session_ids():
        record = await store.session(session_id)
        if record is None:
            continue
        state, seq = await _state(store, session_id)
        current = state.round
        lines.append(
            SessionLine(
                record=record,
                events=seq,
                participants=len(state.participants),
                closed=state.closed,
                round_open=current is not None and current.status.value in ("running", "paused"),
            )
        )
    return lines


async def find_session(store: EventStore, wanted: str) -> SessionRecord | None:
    """A session by its id, or by its join code (any case)."""
    return await store.session(wanted) or await store.session_by_code(wanted.strip().upper())


async def give_link(
    store: EventStore, record: SessionRecord, now: int, *, label: str = MACHINE_LABEL
) -> GivenLink | Rejected:
    """A new co-facilitator link for the session, recorded as the ``system`` actor's
    ``AddCoFacilitator`` (or why the engine refuses it: a closed session, 20 links in service)."""
    ctx = Context(actor="system", role=Role.SYSTEM, now=now)
    for _ in range(_ATTEMPTS):
        state, seq = await _state(store, record.id)
        decided = decide(state, AddCoFacilitator(label=label), ctx)
        if isinstance(decided, Rejected):
            return decided
        envelopes = seal(decided, after=seq, ctx=ctx, cmd=None)
        added = envelopes[0].event
        assert isinstance(added, CoFacilitatorAdded)  # the one event this command makes
        token = new_token()
        records = [encode_envelope(e) for e in envelopes]
        holder = [(hash_token(token), added.cofacilitator)]
        try:
            await store.append(record.id, seq, records, [], holder)
        except Conflict:
            continue  # the running server appended first: read the log again
        return GivenLink(record, added.cofacilitator, token)
    raise Conflict(f"{record.id}: the log kept moving; try again")

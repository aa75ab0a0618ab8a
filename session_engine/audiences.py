"""Which audience receives which event (docs/protocol.md, "What each audience sees").

``visibility`` says in which *form* an audience receives an event; this module says *whether*
it receives it at all. Three rules, one for each thing that is somebody's own:

* a **position** (``PositionTaken``) reaches only the devices of the participant who took it
  (every socket opened with their token) — not the other participants, not the projector, not
  the facilitator's nor the co-facilitators' console: they all see tallies (``tallies``);
* a **ballot** (``BallotCast``: its grades and its voter) reaches only the voter's own devices;
  everyone else learns the number of ballots from the tallies;
* a **join** (``ParticipantJoined``, with the pseudonym) reaches the facilitator and the
  co-facilitators, the joiner, and the members of the table where the joiner sits when it is
  delivered (a late arrival is seated by the same command, so their table learns their name at
  once), that table's shared tablet too (it stands for the members without a device); everyone
  else learns joins as counts, from the tallies.

Every other event reaches everyone (in its form: ``visibility``). Since a name reaches only the
table of its moment, people seated together later learn each other's names from their table's
roster (``introduced_tables``, ``table_roster``: the server's ``table`` frame). The log keeps
everything, and the facilitator's export of it (``GET /api/sessions/{id}/log``) keeps positions
under pseudonyms, as before.

Since streams skip what is not for them, ``seq`` strictly increases on one connection but may
jump: a gap is events that were not for you. ``receives`` is asked when an event is handed out
(live, with the state after its commit) and again when it is sent to a client that resumes (with
the state then): a resuming client gets what the rule gives it now.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec

from .commands import JoinSession
from .events import (
    BallotCast,
    Event,
    ParticipantJoined,
    ParticipantMoved,
    ParticipantSeated,
    PositionTaken,
    TablesRotated,
    TablesSeated,
)
from .state import SessionState
from .visibility import without_person

__all__ = [
    "EVERYONE",
    "Audience",
    "audience",
    "introduced_tables",
    "is_own_join",
    "receives",
    "resolve",
    "table_roster",
]


class Audience(msgspec.Struct, frozen=True, kw_only=True):
    """Who receives one event."""

    facilitators: bool = True  # the facilitator and the co-facilitators (their full form)
    room: bool = True  # every other socket: participants, guests, the projector (public form)
    participants: frozenset[str] = frozenset()  # these participants' devices besides
    table_of: str | None = None  # and the members of the table where this participant sits
    tables: frozenset[int] = frozenset()  # and these tables' shared tablets (``resolve``)


EVERYONE: Final = Audience()


def audience(event: Event) -> Audience:
    """The audience of ``event`` (the rule; ``receives`` applies it to one socket)."""
    if isinstance(event, PositionTaken | BallotCast):
        return Audience(facilitators=False, room=False, participants=frozenset({event.participant}))
    if isinstance(event, ParticipantJoined):
        return Audience(
            room=False, participants=frozenset({event.participant}), table_of=event.participant
        )
    return EVERYONE


def is_own_join(event: ParticipantJoined, join: JoinSession) -> bool:
    """Whether ``event`` is what the guest who sent ``join`` is waiting for: the joiner receives
    their ``ParticipantJoined`` on the socket they joined from, before its answer names them
    (with several workers the event may reach that socket first). Everything the event says is
    what the guest sent (pseudonym as the engine cleans it, territory, role, choices), so even
    two guests sending the very same join learn nothing but the other's id."""
    return (
        event.added_by is None  # someone added by a host, a tablet or the facilitator is no guest's
        and event.pseudonym == join.pseudonym.strip()
        and event.territory == join.territory
        and event.role == join.role
        and event.stays_seated == join.stays_seated
        and event.consent == join.consent
        and event.person == join.person
    )


def introduced_tables(event: Event) -> tuple[int, ...] | None:
    """The tables whose members must learn each other's names after ``event`` (they sit
    together now, and a join reached only the table of the moment): every table of a new plan
    (``None``), the table someone arrives at, or none."""
    if isinstance(event, TablesSeated | TablesRotated):
        return None
    if isinstance(event, ParticipantSeated | ParticipantMoved):
        return (event.table,)
    return ()


def table_roster(state: SessionState, table: int) -> dict[str, Any]:
    """Who sits at ``table``, as its members may know them: each member's record as a snapshot
    carries it (pseudonym, territory, role, table…)."""
    seating = state.tables.get(table)
    members = seating.members if seating is not None else ()
    return {  # never their personal key: that is for the facilitators alone (``visibility``)
        member: without_person(msgspec.to_builtins(state.participants[member]))
        for member in members
        if member in state.participants
    }


def resolve(rule: Audience, state: SessionState) -> Audience:
    """``rule`` with the table it names spelled out as its members in ``state`` (the state the
    event is handed out in): the same rule when it names no table."""
    if rule.table_of is None:
        return rule
    person = state.participants.get(rule.table_of)
    seat = person.table if person is not None else None
    table = state.tables.get(seat) if seat is not None else None
    mates = frozenset(table.members) if table is not None else frozenset()
    return Audience(
        facilitators=rule.facilitators,
        room=rule.room,
        participants=rule.participants | mates,
        tables=frozenset({seat}) if table is not None and seat is not None else frozenset(),
    )


def receives(
    rule: Audience,
    state: SessionState,
    *,
    facilitator: bool,
    participant: str | None,
    tablet: str | None = None,
) -> bool:
    """Whether a socket receives an event of audience ``rule``: a facilitator's (or a
    co-facilitator's) when ``facilitator``; else a participant's (``participant``), a table's
    shared tablet (``tablet``, its link in service), or a guest's or the projector's (``None``).
    A table tablet stands for its table's members who have no device: it receives what their
    table receives (the joins at its table). ``state`` is the state the event is handed out in."""
    if facilitator:
        return rule.facilitators
    if rule.room:
        return True
    resolved = resolve(rule, state)
    if participant is not None and participant in resolved.participants:
        return True
    table = state.tablet_table(tablet) if tablet is not None else None
    return table is not None and table in resolved.tables

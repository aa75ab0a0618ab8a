"""Who sees what: the parts of the log and of the state that each audience may receive.

DESIGN §6: nobody sees what is not theirs to see. Two things are private:

* the **moderation queue** — a proposed statement is seen by the facilitator (and its author,
  who wrote it); everyone else learns its text only when it is published;
* **who wrote a statement** — statements are discussed on their merits: the public sees them
  without their author (the facilitator sees it);
* **ballots** — a ballot is secret: the public learns that a ballot was cast in a vote, not by
  whom nor with which grades; only tallies (computed from the state) are ever shown;
* **positions** — a position reaches only the devices of whoever took it; everyone else (the
  facilitator included) sees tallies under k-anonymity (``tallies``); which events reach whom
  at all is ``audiences``; a snapshot carries only your own positions and ballots;
* **who raised an objection** — in a consent round the room hears every objection and its
  reasons (the text is public at once), but not who raised it, as with statements;
* **who holds a co-facilitator link** — the room learns that a link was given (``cf1``) or
  revoked, not whom it was given to (its ``label``).
* **who a participant is across the programme** — the personal key a device sends with its
  holder's consent (``ParticipantJoined.person``) links their entries in the programme's
  sessions for the opinion shift; only the facilitators' form of the event and their console's
  snapshot carry it (the server keeps the log whole), never the room's nor the participant's
  own form, a table's roster, nor any export (``logfile.pseudonymise``);
* **paper ballots** — a stack of paper ballots is nobody's, and its grades are as secret as a
  cast ballot's: the room learns how many were entered in a vote, not their grades nor the
  facilitator's note on where they come from;
* **whose positions and grades a merge moves** — when two entries of one person are merged, the
  room learns which entry went into which (tables change), not on which statements or proposals
  the second entry had a position or a grade.

Everything else is public to the room: an imported statement among it, whole with its
``provenance`` (``StatementImported`` arrives published, and says where it comes from). The
facilitator's audience and a replay see everything but the command ids of others: a command id
is its sender's alone (a guest's join id, sent again, gets a fresh token for the participant it
created), so the facilitator receives ``cmd`` only on the envelopes of their own commands, and an
export carries none (``logfile.without_command_ids``).
These are rules of the domain, so they live here, pure; the server only applies them.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec

from .codec import Envelope
from .events import (
    BallotCast,
    CoFacilitatorAdded,
    Event,
    ObjectionRaised,
    PaperBallotsEntered,
    ParticipantJoined,
    ParticipantsMerged,
    StatementProposed,
    StatementPublished,
)
from .state import Participant, SessionState, Statement, StatementStatus

__all__ = [
    "FACILITATOR_ACTOR",
    "HIDDEN_ACTOR",
    "console_state",
    "facilitator_envelope",
    "public_envelope",
    "visible_state",
    "without_person",
]


HIDDEN_ACTOR = "participant"  # what the public reads as the author of a redacted event
FACILITATOR_ACTOR = "facilitator"  # the actor of the facilitator's commands


def facilitator_envelope(envelope: Envelope) -> Envelope:
    """The envelope as the facilitator receives it: all of it, but ``cmd`` only when the
    facilitator sent the command (participants' and guests' ids stay with their senders; the
    ``system`` actor's timers have none worth showing). The same object when nothing changes."""
    if envelope.cmd is None or envelope.actor == FACILITATOR_ACTOR:
        return envelope
    return msgspec.structs.replace(envelope, cmd=None)


def public_envelope(envelope: Envelope, state: SessionState) -> dict[str, Any]:
    """The wire map the public receives for ``envelope``.

    ``state`` is the state right after the event, so a publication can carry the text that the
    public never saw while the statement waited for moderation. A ballot, a proposed statement
    or an objection names no actor. No public envelope carries the command id: it is its
    sender's alone (a client-made id could name its author, and it is the key of an idempotent
    retry).
    """
    event = envelope.event
    data = _public_data(event, state)
    hidden = isinstance(event, BallotCast | StatementProposed | ObjectionRaised)
    return {
        "seq": envelope.seq,
        "type": envelope.type,
        "v": event.V,
        "at": envelope.at,
        "actor": HIDDEN_ACTOR if hidden else envelope.actor,
        "cmd": None,
        "data": event if data is None else data,
    }


def _public_data(event: Event, state: SessionState) -> dict[str, Any] | None:
    if isinstance(event, BallotCast):
        return {"vote": event.vote}
    if isinstance(event, PaperBallotsEntered):
        return {"vote": event.vote, "count": len(event.ballots)}
    if isinstance(event, StatementProposed):
        return {"statement": event.statement, "round": event.round}
    if isinstance(event, ObjectionRaised):
        return {"objection": event.objection, "consent": event.consent, "text": event.text}
    if isinstance(event, CoFacilitatorAdded):
        return {"cofacilitator": event.cofacilitator}
    if isinstance(event, ParticipantJoined) and event.person is not None:
        return without_person(msgspec.to_builtins(event))
    if isinstance(event, ParticipantsMerged):
        return {
            "participant": event.participant,
            "into": event.into,
            "table": event.table,
            "host": event.host,
        }
    if isinstance(event, StatementPublished):
        statement = state.statements[event.statement]
        return {
            "statement": statement.id,
            "text": statement.text,
            "kind": statement.kind.value,
            "round": statement.round,
            "table": statement.table,
            **_forum_fields(statement),
        }
    return None


_FORUM_FIELDS: Final = ("place", "theme", "territory")


def _forum_fields(statement: Statement) -> dict[str, Any]:
    """A forum contribution's place, theme and territory, those it has (none on the evening)."""
    fields = {"place": statement.place, "theme": statement.theme, "territory": statement.territory}
    return {name: msgspec.to_builtins(value) for name, value in fields.items() if value is not None}


def visible_state(state: SessionState, *, full: bool, participant: str | None) -> dict[str, Any]:
    """The state as plain data for one audience: everything if ``full`` (a replay of the whole
    log, an export), else the public part plus what belongs to ``participant`` (their own
    statements, pending or not, positions, ballots, and the author of their own objections);
    co-facilitators without whom their links are for. Nobody else's position nor ballot: the
    room sees tallies (``tallies``)."""
    data: dict[str, Any] = msgspec.to_builtins(_keyed(state))
    if full:
        return data
    data["statements"] = _public_statements(data["statements"], participant)
    data["participants"] = {
        pid: without_person(p)
        for pid, p in data["participants"].items()
        # A forum's join code is printed on flyers: its roster is nobody's but the
        # facilitators' (a join reaches no one else, ``audiences``); one sees one's own record.
        if not state.forum or pid == participant
    }
    _own_positions_and_ballots(data, participant)
    for vote in data["votes"].values():  # of the paper ballots, that a stack came and its size
        vote["paper"] = [{**stack, "note": None, "ballots": []} for stack in vote["paper"]]
    data["objections"] = {
        oid: _authored(objection, participant) for oid, objection in data["objections"].items()
    }
    data["cofacilitators"] = {
        cid: {**cofacilitator, "label": None}
        for cid, cofacilitator in data["cofacilitators"].items()
    }
    return data


def console_state(state: SessionState) -> dict[str, Any]:
    """The state as the facilitator's and co-facilitators' console receives it in a snapshot:
    everything, but nobody's position nor ballot (the console sees tallies, as the room does;
    the log export keeps positions for the report). Paper ballots stay whole, as the consoles
    receive ``PaperBallotsEntered`` live: the facilitators typed them in from paper, and they
    name nobody."""
    data: dict[str, Any] = msgspec.to_builtins(_keyed(state))
    _own_positions_and_ballots(data, None)
    return data


def _own_positions_and_ballots(data: dict[str, Any], participant: str | None) -> None:
    """Keep only ``participant``'s own positions and ballots (none when ``None``)."""
    mine = f"{participant}|"
    data["positions"] = {
        key: value
        for key, value in data["positions"].items()
        if participant is not None and key.startswith(mine)
    }
    for vote in data["votes"].values():
        vote["ballots"] = {p: g for p, g in vote["ballots"].items() if p == participant}


def _authored(record: dict[str, Any], participant: str | None) -> dict[str, Any]:
    """The record as it is if ``participant`` wrote it, else with its author hidden."""
    return record if record["author"] == participant else {**record, "author": HIDDEN_ACTOR}


def _public_statements(
    statements: dict[str, dict[str, Any]], participant: str | None
) -> dict[str, dict[str, Any]]:
    """Your own statements as they are; others' published ones without author; others' hidden
    or merged ones reduced to the fact (the room may never have seen their text)."""
    shown: dict[str, dict[str, Any]] = {}
    for sid, statement in statements.items():
        if statement["author"] == participant:
            shown[sid] = statement
        elif statement["status"] == StatementStatus.PUBLISHED.value:
            shown[sid] = {**statement, "author": HIDDEN_ACTOR}
        elif statement["status"] != StatementStatus.PROPOSED.value:
            # The room never read it: nor its text, nor (in a forum) where it was nor whence.
            unseen = {**statement, "author": HIDDEN_ACTOR, "text": None}
            shown[sid] = {k: v for k, v in unseen.items() if k not in _FORUM_FIELDS}
    return shown


def _keyed(state: SessionState) -> dict[str, Any]:
    """The state's fields with tuple keys spelled as strings, which msgpack and JSON maps need."""
    fields = msgspec.structs.asdict(state)
    fields["pair_counts"] = {f"{a}|{b}": n for (a, b), n in state.pair_counts.items()}
    fields["positions"] = {f"{p}|{s}": v for (p, s), v in state.positions.items()}
    fields["syntheses"] = {f"{r}|{t}": s for (r, t), s in state.syntheses.items()}
    fields["statements"] = {sid: _statement(s) for sid, s in state.statements.items()}
    fields["participants"] = {pid: _participant(p) for pid, p in state.participants.items()}
    if not state.forum:  # an evening's snapshot reads as before forums
        del fields["forum"], fields["themes"]
    return fields


def without_person(record: dict[str, Any]) -> dict[str, Any]:
    """A participant's record (or their ``ParticipantJoined``) as plain data without their
    personal key: what everyone but the facilitators may see of them."""
    if "person" not in record:
        return record
    return {name: value for name, value in record.items() if name != "person"}


def _participant(participant: Participant) -> Participant | dict[str, Any]:
    """A participant's record; with their personal key when they gave one, else without the
    key, as records were before it (a snapshot of a session without one is unchanged)."""
    if participant.person is not None:
        return participant
    fields = msgspec.structs.asdict(participant)
    del fields["person"]
    return fields


def _statement(statement: Statement) -> dict[str, Any]:
    """A statement's record; an imported one's with its ``provenance`` (public: it says where
    the statement comes from), a forum contribution's with its place, theme and territory; any
    other without those keys, as records were before imports and forums."""
    fields = msgspec.structs.asdict(statement)
    for name in ("provenance", "place", "theme", "territory"):  # a forum's, or an import's
        if fields[name] is None:
            del fields[name]
    return fields

"""What the log may still show of people who left the session.

The log is append-only: an event, once stored, is never rewritten, and the server's own store
keeps every one. What leaves the server is another matter. Once someone has been removed or
merged into another entry (``ParticipantRemoved``, ``ParticipantsMerged``), every copy of the
log that goes out — the export, the cahier, the Pol.is files, the events sent again to a client
that resumes — names them by their neutral name only (``model.anonymous_pseudonym``), as if they
had never consented to show theirs. Once someone has asked for erasure (``ParticipantRemoved``
with ``erased``), those copies also carry nothing of what the erasure covers: the erased
statements and notes keep their place in the log (a replay still shows that something was
written, then erased) but not their text, and that person's positions become passes. Replayed,
such a log ends in the same state as the live session: the erasure event itself drops what it
erased from everything computed.

``Departures`` is that knowledge, gathered from events (``note``) in any order; ``shown``
gives an envelope as it may leave now.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from .codec import Envelope
from .events import (
    AnnotationAdded,
    Event,
    ParticipantJoined,
    ParticipantRemoved,
    ParticipantsMerged,
    PositionTaken,
    StatementProposed,
    StatementPublished,
)
from .model import anonymous_pseudonym

__all__ = ["Departures"]


class Departures:
    """Who left, who asked for erasure, and what the erasures cover."""

    __slots__ = ("annotations", "erased", "left", "statements")

    def __init__(self) -> None:
        self.left: set[str] = set()
        self.erased: set[str] = set()
        self.statements: set[str] = set()
        self.annotations: set[str] = set()

    @classmethod
    def of(cls, envelopes: Iterable[Envelope]) -> Departures:
        departures = cls()
        for envelope in envelopes:
            departures.note(envelope.event)
        return departures

    def note(self, event: Event) -> bool:
        """Learn from ``event``; True when someone left (what may leave has changed)."""
        if isinstance(event, ParticipantsMerged):
            self.left.add(event.participant)
            return True
        if isinstance(event, ParticipantRemoved):
            self.left.add(event.participant)
            if event.erased:
                self.erased.add(event.participant)
                self.statements.update(event.statements)
                self.annotations.update(event.annotations)
            return True
        return False

    def shown(self, envelope: Envelope) -> Envelope | None:
        """``envelope`` as it may leave now, or None when nothing in it concerns who left. A
        publication of an erased statement is returned as is: it carries no text in the log,
        but the public form made from the state must be made again."""
        event = self._shown(envelope.event)
        if event is None:
            return None
        return (
            envelope if event is envelope.event else msgspec.structs.replace(envelope, event=event)
        )

    def _shown(self, event: Event) -> Event | None:
        match event:
            case ParticipantJoined(participant=who) if who in self.left:
                name = anonymous_pseudonym(who)
                # Someone erased is linked to no other session either: their personal key goes.
                person = None if who in self.erased else event.person
                return msgspec.structs.replace(event, pseudonym=name, consent=False, person=person)
            case StatementProposed(statement=statement) if statement in self.statements:
                return msgspec.structs.replace(event, text="", place=None, theme=None)
            case StatementPublished(statement=statement) if statement in self.statements:
                return event
            case AnnotationAdded(annotation=note) if note in self.annotations:
                return msgspec.structs.replace(event, text="", tags=(), place=None)
            case PositionTaken(participant=who) if who in self.erased:
                return msgspec.structs.replace(event, value=None)
        return None

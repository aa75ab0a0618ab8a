"""Publishing a session's log in the public archive: what it keeps, what it blanks, and why.

The published log starts from the export (``logfile.pseudonymise``: whoever did not consent,
and whoever left, is ``Participant·e N``, and nothing of what an erasure covers; then
``without_command_ids``) and goes further, because an archive is read by anyone, forever:

* **No link to the live session.** The header's ``session`` is the archive's own id, chosen by
  the caller; no command id (a join's id is as secret as a token). Participant ids are the
  session's counters in order of joining (``p1``, ``p2``…) and so are the aliases
  (``Participant·e 1``…): they are the same in every session and link nobody to anything.
* **Pseudonyms only with consent** (``pseudonymise``): a stable alias otherwise.
* **No one followed from one archive to another.** The personal key a participant's device
  sent to be recognised across the programme (``ParticipantJoined.person``) is dropped
  (``pseudonymise`` drops it already; this rule holds whatever the export keeps).
* **No one's name given to a link.** A co-facilitator's label (« Amina, accueil ») is blanked.
  (A table tablet carries no label: only its table.)
* **Only what the room saw.** A statement that did not end published (hidden, or never out of
  the moderation queue, or merged without ever being published) keeps its event and its place
  in the log, but not its text; an imported statement hidden in the session likewise (its
  provenance stays: it names a step of the programme, nobody).
* **Notes with consent only.** A note (``AnnotationAdded``) keeps its text, tags and place only
  when its author consented to show their pseudonym (and did not leave); otherwise it is kept
  empty, as an erased note is (``departures``).
* **k-anonymity on roles.** A participant whose (territory, role) group has fewer than ``k``
  members is published with the role ``autre``: no breakdown by role may single out the one élu
  of a territory. Members are the people counted in the session (``SessionState.people``: a
  merged second entry or an erased person is nobody's group); everyone's joining is rewritten
  by the same rule.

The result replays (``replay``) to a state of the same shape as the live one: every event keeps
its ``seq``, its time and its actor, only texts, labels and roles change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import msgspec

from ..codec import Envelope
from ..events import (
    AnnotationAdded,
    CoFacilitatorAdded,
    Event,
    ParticipantJoined,
    ParticipantRemoved,
    ParticipantsMerged,
    StatementHidden,
    StatementImported,
    StatementProposed,
    StatementPublished,
    StatementsMerged,
)
from ..logfile import LogHeader, pseudonymise, without_command_ids
from ..model import ParticipantRole
from ..opinions.params import DEFAULT_K

__all__ = ["anonymise"]


class _Facts(msgspec.Struct, kw_only=True):
    """What the whole log says, gathered before any envelope is rewritten: a later event (a
    hiding, a departure) changes what an earlier one may show."""

    consented: set[str] = msgspec.field(default_factory=set)
    groups: dict[str, tuple[str, ParticipantRole]] = msgspec.field(default_factory=dict)
    uncounted: set[str] = msgspec.field(default_factory=set)
    status: dict[str, str] = msgspec.field(default_factory=dict)  # statement → its last status
    published: set[str] = msgspec.field(default_factory=set)  # ever published


def anonymise(
    header: LogHeader, envelopes: Iterable[Envelope], *, archive: str, k: int = DEFAULT_K
) -> tuple[LogHeader, list[Envelope]]:
    """The published log of archive ``archive``: its header and its envelopes."""
    shown = list(without_command_ids(pseudonymise(envelopes)))
    facts = _facts(shown)
    sizes = Counter(group for who, group in facts.groups.items() if who not in facts.uncounted)
    small = {who for who, group in facts.groups.items() if sizes[group] < k}
    published_header = LogHeader(session=archive, title=header.title, created_at=header.created_at)
    out: list[Envelope] = []
    for envelope in shown:
        event = _published(envelope.event, facts, small)
        out.append(
            envelope if event is envelope.event else msgspec.structs.replace(envelope, event=event)
        )
    return published_header, out


def _facts(envelopes: list[Envelope]) -> _Facts:
    facts = _Facts()
    for envelope in envelopes:
        match envelope.event:
            case ParticipantJoined(participant=who, territory=territory, role=role) as joined:
                facts.groups[who] = (territory, role)
                if joined.consent:  # pseudonymise has withdrawn it from whoever left
                    facts.consented.add(who)
            case ParticipantsMerged(participant=who):
                facts.uncounted.add(who)
            case ParticipantRemoved(participant=who, erased=True):
                facts.uncounted.add(who)
            case StatementProposed(statement=statement):
                facts.status[statement] = "proposed"
            case StatementImported(statement=statement):  # it arrives published
                facts.status[statement] = "published"
                facts.published.add(statement)
            case StatementPublished(statement=statement):
                facts.status[statement] = "published"
                facts.published.add(statement)
            case StatementsMerged(statement=statement):
                facts.status[statement] = "merged"
            case StatementHidden(statement=statement):
                facts.status[statement] = "hidden"
    return facts


def _seen(statement: str, facts: _Facts) -> bool:
    """Did the room see this statement, and may an archive still show it?"""
    status = facts.status.get(statement)
    return status == "published" or (status == "merged" and statement in facts.published)


def _published(event: Event, facts: _Facts, small: set[str]) -> Event:
    match event:
        case ParticipantJoined(participant=who) if who in small or event.person is not None:
            role = ParticipantRole.AUTRE if who in small else event.role
            return msgspec.structs.replace(event, role=role, person=None)
        case StatementProposed(statement=statement) if not _seen(statement, facts):
            return msgspec.structs.replace(event, text="")
        case StatementImported(statement=statement) if not _seen(statement, facts):
            return msgspec.structs.replace(event, text="")  # its provenance stays: no one's
        case AnnotationAdded(author=author) if author not in facts.consented:
            return msgspec.structs.replace(event, text="", tags=(), place=None)
        case CoFacilitatorAdded():
            return msgspec.structs.replace(event, label="")
    return event

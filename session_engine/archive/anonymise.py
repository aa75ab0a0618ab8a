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
  in the log, but not its text (nor, in a forum, the place and theme it was written with); an
  imported statement hidden in the session likewise (its provenance stays: it names a step of
  the programme, nobody).
* **Notes with consent only.** A note (``AnnotationAdded``) keeps its text, tags and place only
  when its author consented to show their pseudonym (and did not leave); otherwise it is kept
  empty, as an erased note is (``departures``).
* **k-anonymity on roles.** A participant whose (territory, role) group has fewer than ``k``
  members is published with the role ``autre``: no breakdown by role may single out the one élu
  of a territory. Members are the people counted in the session (``SessionState.people``: a
  merged second entry or an erased person is nobody's group); everyone's joining is rewritten
  by the same rule.

* **Nobody's ballot or positions as theirs** (``unlink``). Consent covers showing a pseudonym,
  not a vote: a ``PositionTaken`` names an alias that links to no ``ParticipantJoined``
  (``v1``, ``v2``… in order of each person's first position, the same alias for that person's
  later ones; a merged second entry votes under the alias of the entry it is part of, but for
  the positions and grades its merge dropped, which name nobody, ``""``, or are left out), a
  ``BallotCast`` names ``b1``, ``b2``… numbered afresh in each vote in order of each person's
  first ballot in it (nothing links a person's ballots of two votes, nor to their positions);
  neither carries ``recorded_by``, and their envelope's actor is ``participant`` (the live
  public's ``HIDDEN_ACTOR``: the actor of a position is its owner, or a table tablet). In a vote
  of fewer than ``k`` ballots (cast and paper, as the room counted them) every ballot's grades
  are emptied, so that no profile the room did not see can be recomputed; a paper stack's
  ``note`` is blanked. An erased person's positions (kept without value by ``departures``)
  name nobody (``""``). A merge's ``positions`` and ``grades`` are emptied: they name the
  statements and votes a second entry answered, and aliases hold the positions already.

``anonymise`` returns the log before ``unlink``, for the artefacts that need each position's
territory (the cahier, ``resultats.json``: their figures under the same k rule); the ``.mkawa``
and the Pol.is files come from ``unlink(anonymise(…))``. Both replay (``replay``) to a state
of the same shape as the live one: every event keeps its ``seq`` and its time, and its actor
but for a position or a ballot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import msgspec

from ..codec import Envelope
from ..events import (
    AnnotationAdded,
    BallotCast,
    CoFacilitatorAdded,
    Event,
    PaperBallotsEntered,
    ParticipantJoined,
    ParticipantRemoved,
    ParticipantsMerged,
    PositionTaken,
    StatementHidden,
    StatementImported,
    StatementProposed,
    StatementPublished,
    StatementsMerged,
)
from ..logfile import LogHeader, pseudonymise, without_command_ids
from ..model import ParticipantRole
from ..opinions.params import DEFAULT_K
from ..replay import replay
from ..visibility import HIDDEN_ACTOR

__all__ = ["ERASED_VOTER", "anonymise", "unlink"]

ERASED_VOTER = ""  # whom an erased person's positions name: nobody, no alias, counted nowhere


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
            # A forum contribution's place and theme too: an address can name its author.
            return msgspec.structs.replace(event, text="", place=None, theme=None)
        case StatementImported(statement=statement) if not _seen(statement, facts):
            return msgspec.structs.replace(event, text="")  # its provenance stays: no one's
        case AnnotationAdded(author=author) if author not in facts.consented:
            return msgspec.structs.replace(event, text="", tags=(), place=None)
        case CoFacilitatorAdded():
            return msgspec.structs.replace(event, label="")
    return event


def unlink(envelopes: Iterable[Envelope], *, k: int = DEFAULT_K) -> list[Envelope]:
    """``envelopes`` (an ``anonymise``d log) with nobody's position or ballot linked to them:
    the aliases, grades, notes and actors the module's docstring says. Every event keeps its
    ``seq`` and its time; the result replays."""
    envelopes = list(envelopes)
    counted = replay(envelopes).votes  # the ballots as the room counted them, merges done
    few = {v.id for v in counted.values() if len(v.ballots) + v.paper_count < k}
    merges: dict[str, ParticipantsMerged] = {}  # second entry -> its merge
    erased: set[str] = set()
    for envelope in envelopes:
        match envelope.event:
            case ParticipantsMerged(participant=who) as merged:
                merges[who] = merged
            case ParticipantRemoved(participant=who, erased=True):
                erased.add(who)
    into = {who: merged.into for who, merged in merges.items()}
    voters: dict[str, str] = {}
    ballots: dict[str, dict[str, str]] = {}
    out: list[Envelope] = []
    for envelope in envelopes:
        event = envelope.event
        match event:
            case PositionTaken(participant=who, statement=statement):
                person = _person(who, into)
                # A second entry's position that its merge dropped (the kept entry had its own)
                # counts nowhere, as it does live: under the kept one's alias it could win.
                dropped = who in merges and statement not in merges[who].positions
                alias = (
                    ERASED_VOTER
                    if person in erased or dropped
                    else voters.setdefault(person, f"v{len(voters) + 1}")
                )
                event = msgspec.structs.replace(event, participant=alias, recorded_by=None)
            case BallotCast(vote=vote, participant=who, grades=grades):
                numbers = ballots.setdefault(vote, {})
                alias = numbers.setdefault(_person(who, into), f"b{len(numbers) + 1}")
                if who in merges:  # likewise: only the grades its merge moved
                    moved = merges[who].grades
                    grades = {p: g for p, g in grades.items() if (vote, p) in moved}
                event = msgspec.structs.replace(
                    event, participant=alias, grades={} if vote in few else grades, recorded_by=None
                )
            case PaperBallotsEntered(vote=vote, ballots=stack):
                blank = tuple({} for _ in stack) if vote in few else stack
                event = msgspec.structs.replace(event, ballots=blank, note="")
            case ParticipantsMerged():
                event = msgspec.structs.replace(event, positions=(), grades=())
        if event is envelope.event:
            out.append(envelope)
            continue
        hidden = isinstance(event, PositionTaken | BallotCast)
        actor = HIDDEN_ACTOR if hidden else envelope.actor
        out.append(msgspec.structs.replace(envelope, event=event, actor=actor))
    return out


def _person(who: str, into: dict[str, str]) -> str:
    """The entry ``who`` is part of at the end: a merged second entry is the one it joined."""
    seen = {who}
    while who in into and into[who] not in seen:
        who = into[who]
        seen.add(who)
    return who

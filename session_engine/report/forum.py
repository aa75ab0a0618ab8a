"""The online phase in the cahier: a forum session's participation and contributions, as data.

A forum (``SessionState.forum``) has no tables, rounds, syntheses nor votes; what it has is
people who joined from their territory over days or weeks, contributions (problems and ideas,
with a theme and a place) published by the facilitator, ratings −2..+2 or « je passe », and
comments. ``forum_section`` gathers them for ``build_report``:

* participation per territory (the focus only, with one) and for the whole forum: who joined,
  wrote, rated; the problems, ideas, ratings and comments of its people. Plain counts of people
  and of acts, as the tallies give people present: no rating's value is in them.
* per day (Paris time, from the envelopes' ``at``): joins, contributions written that day and
  published since, ratings and comments given that day.
* every published contribution (with a focus, those of its territory) with the whole room's
  ratings exactly as the tallies show them (``tallies``: under k raters, and for any group
  complementary suppression hides with it, no figure at all) and its number of comments.

Only what was published counts, as in the rest of the cahier: the moderation queue is the
facilitator's. Who counts is ``SessionState.people`` (a merged second entry or an erased person
is nobody).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Final

from ..codec import Envelope
from ..events import AnnotationAdded, ParticipantJoined, PositionTaken, StatementProposed
from ..model import StatementKind
from ..opinions import ALL
from ..state import Annotation, SessionState, Statement, StatementStatus
from ..tallies import tallies
from .french import paris_day
from .model import ForumContribution, ForumDay, ForumParticipation, ForumSection, StatementRef

__all__ = ["forum_section"]

_HOUR: Final = 3_600_000  # ms


def forum_section(
    state: SessionState,
    events: Sequence[Envelope],
    *,
    focus: str | None,
    k: int,
    ref: Callable[[str], StatementRef],
) -> ForumSection:
    """The online phase of ``state`` (a forum), from its log ``events``; ``ref`` cites a
    statement as the rest of the cahier does."""
    people = {p.id: p.territory for p in state.people()}
    mine = set(people) if focus is None else {p for p, t in people.items() if t == focus}
    published = _contributions(state)
    shown = [s for s in published if focus is None or s.territory == focus]
    counts = {t.statement: t.overall for t in tallies(state, k=k).statements}
    comments = Counter(n.statement for n in _comments(state) if n.author in people)
    territories = [focus] if focus else list(state.territories)
    return ForumSection(
        themes=state.themes,
        opened=events[0].at if events else 0,
        last=events[-1].at if events else 0,
        participation=(
            *(
                _participation(state, t, {p for p, w in people.items() if w == t})
                for t in territories
            ),
            _participation(state, ALL, mine if focus is None else set(people)),
        ),
        days=_days(state, events, mine),
        contributions=tuple(
            ForumContribution(statement=ref(s.id), ratings=counts[s.id], comments=comments[s.id])
            for s in shown
        ),
    )


def _contributions(state: SessionState) -> list[Statement]:
    """The published contributions written online, in the order they were written (an imported
    statement has a provenance: it was written elsewhere)."""
    return [
        s
        for s in state.statements.values()
        if s.status is StatementStatus.PUBLISHED and s.provenance is None
    ]


def _comments(state: SessionState) -> list[Annotation]:
    """The comments on published contributions that still have their text (an erased one is
    kept empty)."""
    published = {s.id for s in _contributions(state)}
    return [n for n in state.annotations if n.text and n.statement in published]


def _participation(state: SessionState, territory: str, people: set[str]) -> ForumParticipation:
    published = _contributions(state)
    ids = {s.id for s in published}
    written = [s for s in published if s.author in people]
    ratings = [p for (p, s) in state.positions if p in people and s in ids]
    return ForumParticipation(
        territory=territory,
        joined=len(people),
        wrote=len({s.author for s in written}),
        rated=len(set(ratings)),
        problems=sum(1 for s in written if s.kind is StatementKind.PROBLEM),
        ideas=sum(1 for s in written if s.kind is StatementKind.IDEA),
        ratings=len(ratings),
        comments=sum(1 for n in _comments(state) if n.author in people),
    )


def _days(
    state: SessionState, events: Sequence[Envelope], people: set[str]
) -> tuple[ForumDay, ...]:
    """Each day ``people`` did something counted, in order, with what they did that day."""
    published = {s.id for s in _contributions(state)}
    commented = {n.id for n in _comments(state)}
    tally: defaultdict[str, Counter[str]] = defaultdict(Counter)
    # Paris changes its offset on the hour (01:00 UTC), by whole hours: one UTC hour is one
    # Paris day, worked out once (a long forum's log has a hundred thousand events).
    days: dict[int, str] = {}
    for envelope in events:
        what = _what(envelope, people, published, commented)
        if what is None:
            continue
        hour = envelope.at // _HOUR
        if hour not in days:
            days[hour] = paris_day(envelope.at)
        tally[days[hour]][what] += 1
    return tuple(
        ForumDay(
            day=day,
            joined=c["joined"],
            contributions=c["contributions"],
            ratings=c["ratings"],
            comments=c["comments"],
        )
        for day, c in sorted(tally.items())
    )


def _what(
    envelope: Envelope, people: set[str], published: set[str], commented: set[str]
) -> str | None:
    """What a day's table counts this event as, if anything."""
    match envelope.event:
        case ParticipantJoined(participant=who) if who in people:
            return "joined"
        case StatementProposed(statement=sid, author=who) if who in people and sid in published:
            return "contributions"
        case PositionTaken(participant=who, statement=sid) if who in people and sid in published:
            return "ratings"
        case AnnotationAdded(annotation=aid, author=who) if who in people and aid in commented:
            return "comments"
    return None

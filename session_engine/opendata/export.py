"""A session's log out to Pol.is's openData CSV files (the layout is the package's docstring)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..codec import Envelope
from ..events import PositionTaken, StatementImported, StatementProposed
from ..logfile import LogHeader, pseudonymise
from ..opinions import DEFAULT_K, OpinionGroups, opinion_groups
from ..replay import replay
from ..state import SessionState, StatementStatus
from .layout import (
    COMMENT_COLUMNS,
    COMMENTS,
    PARTICIPANT_COLUMNS,
    PARTICIPANTS_VOTES,
    SUMMARY,
    SUMMARY_KEYS,
    VOTE_COLUMNS,
    VOTES,
    java_date,
    numbering,
    write_csv,
)

_MODERATED = {
    StatementStatus.PUBLISHED: 1,
    StatementStatus.HIDDEN: -1,
    StatementStatus.MERGED: -1,
    StatementStatus.PROPOSED: 0,
}


@dataclass(frozen=True)
class _Vote:
    at: int
    statement: int
    voter: int
    vote: int  # 1 agree, -1 disagree, 0 neutral or pass
    order: int  # position in the log: equal times keep it


@dataclass(frozen=True)
class _Session:
    """The replayed session and the numbers that stand for its people and statements."""

    state: SessionState
    people: dict[str, int]
    statements: dict[str, int]
    proposed_at: dict[str, int]
    votes: list[_Vote]  # in Pol.is's order: statement, voter, time

    @classmethod
    def of(cls, envelopes: Sequence[Envelope]) -> _Session:
        state = replay(envelopes)
        people = _people(state)
        statements = numbering(
            [s.id for s in state.statements.values() if s.status is not StatementStatus.ERASED], "s"
        )
        proposed_at: dict[str, int] = {}
        votes = []
        for order, envelope in enumerate(envelopes):
            event = envelope.event
            if isinstance(event, StatementProposed | StatementImported):
                proposed_at[event.statement] = envelope.at
            elif isinstance(event, PositionTaken) and _known(event, people, statements):
                value = 0 if event.value is None else (event.value > 0) - (event.value < 0)
                tid, pid = statements[event.statement], people[event.participant]
                votes.append(_Vote(envelope.at, tid, pid, value, order))
        votes.sort(key=lambda v: (v.statement, v.voter, v.at, v.order))
        return cls(state, people, statements, proposed_at, votes)


def _people(state: SessionState) -> dict[str, int]:
    """Each person's number: whoever asked for erasure has none (their votes are left out), and
    a second entry merged into another votes under the number of the entry it is part of."""
    people = numbering([p.id for p in state.people()], "p")
    for person in state.participants.values():
        kept = person.merged_into
        while kept is not None and kept not in people:
            kept = state.participants[kept].merged_into
        if kept is not None:
            people[person.id] = people[kept]
    # A voter who never joined (an alias of an archive's published log, ``archive.unlink``):
    # numbered after everyone, in order of first position; a blank one (an erased person's
    # positions) has no number, as an erased person has none.
    after = max(people.values(), default=-1) + 1
    for voter in dict.fromkeys(p for p, _ in state.positions):
        if voter and voter not in state.participants:
            people[voter] = after
            after += 1
    return people


def _known(event: PositionTaken, people: Mapping[str, int], statements: Mapping[str, int]) -> bool:
    return event.participant in people and event.statement in statements


def export_polis(
    header: LogHeader, envelopes: Iterable[Envelope], *, k: int = DEFAULT_K
) -> dict[str, str]:
    """The four files (name -> CSV text) of a log, pseudonymised first; the opinion groups are
    the cahier's (``opinions.opinion_groups`` with the same ``k``)."""
    session = _Session.of(list(pseudonymise(envelopes)))
    groups = opinion_groups(session.state, k=k)
    return {
        COMMENTS: write_csv(_comments(session)),
        VOTES: write_csv(_votes(session)),
        PARTICIPANTS_VOTES: write_csv(_participants_votes(session, groups)),
        SUMMARY: write_csv(_summary(session, groups)),
    }


def _comments(session: _Session) -> Iterable[Sequence[object]]:
    yield COMMENT_COLUMNS
    tally = Counter((v.statement, v.vote) for v in session.votes)
    state = session.state
    for sid, tid in sorted(session.statements.items(), key=lambda item: item[1]):
        statement = state.statements[sid]
        at = session.proposed_at.get(sid, 0)
        # No participant's number for a statement nobody in the room wrote: an imported one is
        # a moderator's comment, its ``author-id`` left empty.
        author = session.people.get(statement.author)
        yield (
            at,
            java_date(at),
            tid,
            author,
            tally[(tid, 1)],
            tally[(tid, -1)],
            _MODERATED[statement.status],
            statement.text,
        )


def _votes(session: _Session) -> Iterable[Sequence[object]]:
    yield VOTE_COLUMNS
    for v in session.votes:
        yield (v.at, java_date(v.at), v.statement, v.voter, v.vote)


def _participants_votes(session: _Session, groups: OpinionGroups) -> Iterable[Sequence[object]]:
    latest: dict[int, dict[int, int]] = {}  # voter -> statement -> vote; rows by first vote
    for v in session.votes:
        latest.setdefault(v.voter, {})[v.statement] = v.vote
    columns = sorted({v.statement for v in session.votes})
    yield (*PARTICIPANT_COLUMNS, *columns)
    merged = {p.id for p in session.state.participants.values() if p.merged_into is not None}
    by_number = {n: pid for pid, n in session.people.items() if pid not in merged}
    group_of = {m: g for g, group in enumerate(groups.groups) for m in group.members}
    authored = Counter(s.author for s in session.state.statements.values())
    for voter, cells in latest.items():
        pid = by_number[voter]
        row = [cells.get(c) for c in columns]
        yield (
            voter,
            None,
            group_of.get(pid),
            authored[pid],
            len(cells),
            sum(1 for x in cells.values() if x == 1),
            sum(1 for x in cells.values() if x == -1),
            *row,
        )


def _summary(session: _Session, groups: OpinionGroups) -> Iterable[Sequence[object]]:
    state = session.state
    voters = len({v.voter for v in session.votes})
    values = {
        "topic": state.title,
        "url": "",
        "views": len(state.people()),
        "voters": voters,
        "voters-in-conv": voters,
        "commenters": len(
            {a for s in session.statements if (a := state.statements[s].author) in session.people}
        ),
        "comments": len({v.statement for v in session.votes}),
        "groups": len(groups.groups),
        "conversation-description": state.rounds[0].spec.prompt if state.rounds else "",
    }
    return [(key, values[key]) for key in SUMMARY_KEYS]

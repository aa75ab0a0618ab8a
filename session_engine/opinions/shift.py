"""Opinion shift: first → last position moves, from the events in log order."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..codec import Envelope
from ..events import Event, PositionTaken
from ..state import SessionState, StatementStatus
from .breakdown import _territories, suppressed
from .params import ALL, DEFAULT_K
from .results import OpinionShift, PositionHistory, Shift, StatementShift


def position_history(
    events: Iterable[Envelope | Event], *, min_count: int = 1
) -> dict[tuple[str, str], PositionHistory]:
    """First and last position of every (participant, statement) with at least ``min_count``
    positions, from the events in log order (envelopes or bare events)."""
    first: dict[tuple[str, str], int | None] = {}
    last: dict[tuple[str, str], int | None] = {}
    count: dict[tuple[str, str], int] = {}
    for item in events:
        event = item.event if type(item) is Envelope else item
        if type(event) is PositionTaken:
            key = (event.participant, event.statement)
            if key in first:
                last[key] = event.value
                count[key] = count.get(key, 1) + 1
            else:
                first[key] = event.value
    if min_count <= 1:
        return {
            key: PositionHistory(first=v, last=last.get(key, v), count=count.get(key, 1))
            for key, v in first.items()
        }
    return {
        key: PositionHistory(first=first[key], last=last[key], count=n)
        for key, n in count.items()
        if n >= min_count
    }


def _shift(group: str, moves: Sequence[tuple[str, PositionHistory]], hidden: bool) -> Shift:
    people = len({participant for participant, _ in moves})
    if hidden:
        return Shift(
            group=group,
            people=people,
            pairs=len(moves),
            hidden=True,
            changed=None,
            changed_share=None,
            mean_shift=None,
        )
    changed = sum(1 for _, h in moves if h.first != h.last)
    deltas = [h.last - h.first for _, h in moves if h.first is not None and h.last is not None]
    return Shift(
        group=group,
        people=people,
        pairs=len(moves),
        hidden=False,
        changed=changed,
        changed_share=changed / len(moves) if moves else None,
        mean_shift=sum(deltas) / len(deltas) if deltas else None,
    )


def _shifts(
    moves: Sequence[tuple[str, PositionHistory]],
    territory: dict[str, str],
    territories: Sequence[str],
    k: int,
) -> tuple[Shift, tuple[Shift, ...]]:
    split: dict[str, list[tuple[str, PositionHistory]]] = {t: [] for t in territories}
    for move in moves:
        part = split.get(territory.get(move[0], ""))
        if part is not None:
            part.append(move)
    hidden = suppressed([len({p for p, _ in split[t]}) for t in territories], k)
    overall = _shift(ALL, moves, len({p for p, _ in moves}) < k)
    shifts = tuple(_shift(t, split[t], h) for t, h in zip(territories, hidden, strict=True))
    return overall, shifts


def opinion_shift(
    state: SessionState, events: Iterable[Envelope | Event], *, k: int = DEFAULT_K
) -> OpinionShift:
    """First → last position moves on published statements, overall and per territory."""
    published = [s.id for s in state.statements.values() if s.status is StatementStatus.PUBLISHED]
    by_statement: dict[str, list[tuple[str, PositionHistory]]] = {s: [] for s in published}
    counted = {p.id for p in state.people()}  # not whoever asked for erasure, nor a 2nd entry
    for (participant, statement), history in position_history(events, min_count=2).items():
        if statement in by_statement and participant in counted:
            by_statement[statement].append((participant, history))
    territories = _territories(state)
    territory = {p.id: p.territory for p in state.participants.values()}
    everything = [m for moves in by_statement.values() for m in moves]
    overall, per_territory = _shifts(everything, territory, territories, k)
    statements = []
    for statement, moves in by_statement.items():
        total, parts = _shifts(moves, territory, territories, k)
        statements.append(StatementShift(statement=statement, overall=total, territories=parts))
    return OpinionShift(overall=overall, territories=per_territory, statements=tuple(statements))

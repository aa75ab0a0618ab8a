"""``opinions()``: every projection of the package computed once and bundled, and the
statements the whole room agrees on."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..codec import Envelope
from ..events import Event
from ..state import SessionState
from .breakdown import distributions
from .groups import opinion_groups
from .matrix import position_matrix
from .params import AGREE_THRESHOLD, DEFAULT_K, SHARED_MIN
from .results import OpinionGroups, Opinions, StatementDistributions, TerritoryConsensus
from .shift import opinion_shift
from .territories import territory_consensus
from .votes import vote_results


def opinions(
    state: SessionState,
    events: Iterable[Envelope | Event] | None = None,
    *,
    k: int = DEFAULT_K,
    seed: int = 0,
    min_positions: int | None = None,
    agree_threshold: float = AGREE_THRESHOLD,
    shared_min: int = SHARED_MIN,
) -> Opinions:
    """The final collective opinions of a session (opinion shift only if ``events`` are given)."""
    matrix = position_matrix(state)
    groups = opinion_groups(
        state,
        k=k,
        seed=seed,
        min_positions=min_positions,
        agree_threshold=agree_threshold,
        matrix=matrix,
    )
    statements = distributions(state, k=k, groups=groups, matrix=matrix)
    territories = territory_consensus(
        state, k=k, threshold=agree_threshold, shared_min=shared_min, statements=statements
    )
    return Opinions(
        k=k,
        statements=statements,
        groups=groups,
        territories=territories,
        votes=vote_results(state, k=k),
        shift=None if events is None else opinion_shift(state, events, k=k),
        consensus=_room_consensus(statements, groups, territories, agree_threshold),
    )


def _room_consensus(
    statements: Sequence[StatementDistributions],
    groups: OpinionGroups,
    territories: TerritoryConsensus,
    threshold: float,
) -> tuple[str, ...]:
    """Agreed by the room, by every opinion group (if any) and by every eligible territory."""
    by_groups = set(groups.consensus)
    scopes = {s.statement: s for s in territories.statements}
    chosen = []
    for s in statements:
        share = s.overall.agree_share
        scope = scopes[s.statement]
        if share is None or share < threshold or (groups.groups and s.statement not in by_groups):
            continue
        if scope.eligible and len(scope.agreed_in) == scope.eligible:
            chosen.append((share, s.statement))
    order = {statement: i for i, statement in enumerate(groups.consensus)}
    chosen.sort(key=lambda item: (order.get(item[1], 0), -item[0]))
    return tuple(statement for _, statement in chosen)

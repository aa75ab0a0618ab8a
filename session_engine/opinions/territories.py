"""Territory consensus: which statements are agreed across territories (shared), or locally."""

from __future__ import annotations

from collections.abc import Sequence

from ..state import SessionState
from .breakdown import distributions
from .params import AGREE_THRESHOLD, DEFAULT_K, SHARED_MIN
from .results import (
    Scope,
    StatementDistributions,
    StatementScope,
    TerritoryConsensus,
    TerritoryShare,
)


def territory_consensus(
    state: SessionState,
    *,
    k: int = DEFAULT_K,
    threshold: float = AGREE_THRESHOLD,
    shared_min: int = SHARED_MIN,
    statements: Sequence[StatementDistributions] | None = None,
) -> TerritoryConsensus:
    """Which statements are agreed across territories (shared) and which only locally."""
    statements = statements if statements is not None else distributions(state, k=k)
    scopes = tuple(_scope(state, s, threshold, shared_min) for s in statements)
    return TerritoryConsensus(
        threshold=threshold,
        shared_min=shared_min,
        statements=scopes,
        shared=tuple(s.statement for s in scopes if s.scope is Scope.SHARED),
        local=tuple(s.statement for s in scopes if s.scope is Scope.LOCAL),
    )


def _scope(
    state: SessionState, statement: StatementDistributions, threshold: float, shared_min: int
) -> StatementScope:
    shares = tuple(
        TerritoryShare(territory=d.group, voters=d.voters, agree_share=d.agree_share)
        for d in statement.territories
    )
    eligible = sum(1 for share in shares if share.agree_share is not None)
    agreed = tuple(
        s.territory for s in shares if s.agree_share is not None and s.agree_share >= threshold
    )
    if agreed and len(agreed) >= max(2, min(shared_min, eligible)):
        scope = Scope.SHARED
    else:
        scope = Scope.LOCAL if agreed else Scope.NOT_AGREED
    return StatementScope(
        statement=statement.statement,
        kind=state.statements[statement.statement].kind.value,
        territories=shares,
        eligible=eligible,
        agreed_in=agreed,
        scope=scope,
    )

"""Opinion groups as Pol.is forms them, and what they agree on or divide over.

Steps 2 to 6 of the package's "Opinion groups" section: who is clustered (Pol.is's in-conv
rule), the projection, the clustering (``clustering``), Pol.is's statistics on those groups
(``polis.group_statistics``), and our own views on top: the statements every group agrees with,
and the ones that divide them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np

from ..state import SessionState
from .clustering import opinion_partition
from .matrix import Bools, Floats, Ints, PositionMatrix, position_matrix
from .numerics import _centred, default_min_positions, project
from .params import AGREE_THRESHOLD, DEFAULT_K, DIVISIVE_MIN_SPREAD
from .polis import group_statistics
from .results import (
    GroupAgreement,
    GroupStatistics,
    OpinionGroup,
    OpinionGroups,
    SilhouetteScore,
)

MIN_CLUSTERED: Final = 4  # fewer clustered participants than this (or 2k): no opinion groups
TOP_UP: Final = 15  # Pol.is's greedy-n: the clustered are topped up to 15 by most positions
GROUP_NAMES: Final = "ABCDE"


def clustered(matrix: PositionMatrix, min_positions: int | None = None) -> tuple[int, Bools]:
    """Pol.is's in-conv rule: who has at least ``min(7, statements)`` positions (statements
    that received one, moderated-out ones included; so are positions on them), topped up to 15
    with the participants who took the most (row order on a tie). The threshold and the rows."""
    columns = int(matrix.seen().any(axis=0).sum())
    threshold = default_min_positions(columns) if min_positions is None else min_positions
    taken = matrix.taken
    keep = taken >= threshold
    missing = TOP_UP - int(keep.sum())
    if missing > 0:
        others = sorted(np.flatnonzero(~keep & (taken > 0)), key=lambda i: -int(taken[i]))
        keep[others[:missing]] = True
    return threshold, keep


def opinion_groups(
    state: SessionState,
    *,
    k: int = DEFAULT_K,
    seed: int = 0,
    min_positions: int | None = None,
    agree_threshold: float = AGREE_THRESHOLD,
    matrix: PositionMatrix | None = None,
) -> OpinionGroups:
    """Pol.is opinion groups (none under ``k`` members), their statistics and our views.

    ``seed`` is kept for the callers of earlier versions, whose k-means drew its starts from
    it: the clustering is deterministic now, and the groups never depend on it."""
    matrix = matrix or position_matrix(state)
    threshold, keep = clustered(matrix, min_positions)
    published = matrix.published()
    everyone = tuple(matrix.participants)
    chosen = tuple(p for p, kept in zip(everyone, keep, strict=True) if kept)
    left_out = tuple(p for p, kept in zip(everyone, keep, strict=True) if not kept)
    if len(chosen) < max(MIN_CLUSTERED, 2 * k) or len(published.statements) < 2:
        return _no_groups(matrix, threshold, left_out, k)
    projection = project(_centred(published.codes), published.taken)
    points = np.array(projection.coordinates, dtype=np.float64)[keep]
    labels, scores = opinion_partition(points, k)
    if labels is None:
        return _no_groups(matrix, threshold, left_out, k, scores)
    membership = {p: GROUP_NAMES[int(g)] for p, g in zip(chosen, labels, strict=True)}
    stats = group_statistics(matrix, membership, k=k)
    lines = _published(stats, matrix)
    return OpinionGroups(
        min_positions=threshold,
        participants=chosen,
        left_out=left_out,
        coordinates=tuple((float(x), float(y)) for x, y in points),
        explained_variance_ratio=projection.explained_variance_ratio,
        silhouettes=scores,
        groups=_groups(stats, labels, chosen, points),
        statements=lines,
        majority=stats.majority,
        consensus=_consensual(lines, agree_threshold),
        divisive=_divisive(lines),
    )


def _no_groups(
    matrix: PositionMatrix,
    threshold: int,
    left_out: tuple[str, ...],
    k: int,
    scores: tuple[SilhouetteScore, ...] = (),
) -> OpinionGroups:
    """Too little to cluster: no group, but Pol.is's consensus lists still hold the room."""
    stats = group_statistics(matrix, {}, k=k)
    return OpinionGroups(
        min_positions=threshold,
        participants=(),
        left_out=left_out,
        coordinates=(),
        explained_variance_ratio=(0.0, 0.0),
        silhouettes=scores,
        groups=(),
        statements=(),
        majority=stats.majority,
        consensus=(),
        divisive=(),
    )


def _published(stats: GroupStatistics, matrix: PositionMatrix) -> tuple[GroupAgreement, ...]:
    return tuple(
        line for line, out in zip(stats.statements, matrix.moderated_out, strict=True) if not out
    )


def _groups(
    stats: GroupStatistics, labels: Ints, chosen: Sequence[str], points: Floats
) -> tuple[OpinionGroup, ...]:
    assert not stats.hidden  # the clustering never forms a group under k
    result = []
    for g, name in enumerate(stats.groups):
        mine = labels == g
        centre = points[mine].mean(axis=0)
        result.append(
            OpinionGroup(
                name=name,
                members=tuple(p for p, m in zip(chosen, mine, strict=True) if m),
                centre=(float(centre[0]), float(centre[1])),
                representative=stats.representative[g],
            )
        )
    return tuple(result)


def _consensual(lines: Sequence[GroupAgreement], threshold: float) -> tuple[str, ...]:
    """Statements every group agrees with (smoothed share at least ``threshold``, every cell
    shown), best group-informed consensus first (ties keep the log order)."""
    chosen = [
        line
        for line in lines
        if line.consensus is not None
        and line.agree
        and all(a is not None and a >= threshold for a in line.agree)
    ]
    chosen.sort(key=lambda line: -(line.consensus or 0.0))
    return tuple(line.statement for line in chosen)


def _divisive(lines: Sequence[GroupAgreement]) -> tuple[str, ...]:
    """Statements whose groups' agree shares spread at least DIVISIVE_MIN_SPREAD, widest first."""
    ranked = [line for line in lines if line.spread is not None]
    ranked.sort(key=lambda line: -(line.spread or 0.0))  # stable: ties keep the log order
    return tuple(line.statement for line in ranked if (line.spread or 0.0) >= DIVISIVE_MIN_SPREAD)

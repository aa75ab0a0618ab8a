"""Pol.is opinion groups: clustering, representative statements, consensus and division.

Steps 2 to 6 of the package's "Opinion groups" section: who is clustered, the best k by
silhouette, each group's representative statements (repness) and the statements every group
agrees with or that divide them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from ..state import SessionState
from .matrix import Floats, Ints, PositionMatrix, _count, position_matrix
from .numerics import _centred, default_min_positions, kmeans, project, silhouettes
from .params import AGREE_THRESHOLD, DEFAULT_K, DIVISIVE_MIN_SPREAD
from .results import (
    Direction,
    GroupAgreement,
    OpinionGroup,
    OpinionGroups,
    Representative,
    SilhouetteScore,
)

GROUP_COUNTS: Final = range(2, 6)  # k-means tries 2..5 groups
MIN_CLUSTERED: Final = 4  # fewer clustered participants than this: no opinion groups
REPRESENTATIVE_PER_GROUP: Final = 5
Z_90: Final = 1.2816  # one-sided 90 % normal quantile, Pol.is's significance bar
GROUP_NAMES: Final = "ABCDE"


def _prop_test(successes: Floats, n: Floats) -> Floats:
    """Pol.is's one-proportion z against ½, with +1 smoothing."""
    return np.asarray(2 * np.sqrt(n + 1) * ((successes + 1) / (n + 1) - 0.5), dtype=np.float64)


def _two_prop_test(s1: Floats, n1: Floats, s2: Floats, n2: Floats) -> Floats:
    """Pol.is's two-proportion z (group against rest), with +1 smoothing."""
    s1, n1, s2, n2 = s1 + 1, n1 + 1, s2 + 1, n2 + 1
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = np.where(spread > 0, (s1 / n1 - s2 / n2) / np.where(spread > 0, spread, 1), 0.0)
    return np.asarray(z, dtype=np.float64)


def group_consensus(agree: Floats | Ints, seen: Floats | Ints) -> Floats:
    """Pol.is group-informed consensus per statement: Π over groups of (agree+1)/(seen+2).

    ``agree`` and ``seen`` are (groups, statements).
    """
    return np.asarray(np.prod((agree + 1.0) / (seen + 2.0), axis=0), dtype=np.float64)


@dataclass(frozen=True)
class _Tallies:
    """Agree / disagree / seen per (group, statement) for the clustered participants."""

    agree: Floats
    disagree: Floats
    seen: Floats

    @classmethod
    def of(cls, counts: Ints) -> _Tallies:
        c = counts.astype(np.float64)
        return cls(c[..., 3] + c[..., 4], c[..., 0] + c[..., 1], c.sum(axis=2))


def _representative(
    tallies: _Tallies, group: int, statements: Sequence[str], k: int
) -> tuple[Representative, ...]:
    seen = tallies.seen[group]
    rest_seen = tallies.seen.sum(axis=0) - seen
    candidates: dict[int, tuple[float, Representative]] = {}
    for direction, table in (
        (Direction.AGREE, tallies.agree),
        (Direction.DISAGREE, tallies.disagree),
    ):
        mine, rest = table[group], table.sum(axis=0) - table[group]
        share = (mine + 1) / (seen + 2)
        ratio = share / ((rest + 1) / (rest_seen + 2))
        z_share, z_diff = _prop_test(mine, seen), _two_prop_test(mine, seen, rest, rest_seen)
        metric = ratio * z_diff * share * z_share
        significant = (z_share > Z_90) & (z_diff > Z_90) & (seen >= k)
        for s in (int(i) for i in np.flatnonzero(significant)):
            if s in candidates and candidates[s][0] >= metric[s]:
                continue
            candidates[s] = (
                float(metric[s]),
                Representative(
                    statement=statements[s],
                    direction=direction,
                    group_share=float(mine[s] / seen[s]),
                    rest_share=float(rest[s] / rest_seen[s]) if rest_seen[s] else 0.0,
                    ratio=float(ratio[s]),
                    z=float(z_diff[s]),
                    voters=int(seen[s]),
                ),
            )
    best = sorted(candidates.items(), key=lambda item: (-item[1][0], item[0]))
    return tuple(rep for _, (_, rep) in best[:REPRESENTATIVE_PER_GROUP])


def _no_groups(
    min_positions: int, matrix: PositionMatrix, keep: npt.NDArray[np.bool_]
) -> OpinionGroups:
    return OpinionGroups(
        min_positions=min_positions,
        participants=(),
        left_out=tuple(p for p, kept in zip(matrix.participants, keep, strict=True) if not kept),
        coordinates=(),
        explained_variance_ratio=(0.0, 0.0),
        silhouettes=(),
        groups=(),
        statements=(),
        consensus=(),
        divisive=(),
    )


def _best_partition(points: Floats, seed: int) -> tuple[Ints, tuple[SilhouetteScore, ...]]:
    tried = [(g, kmeans(points, g, seed=seed)) for g in GROUP_COUNTS if g < len(points)]
    values = silhouettes(points, [labels for _, labels in tried])
    scores = tuple(
        SilhouetteScore(groups=g, score=value) for (g, _), value in zip(tried, values, strict=True)
    )
    best = max(range(len(tried)), key=lambda i: (round(scores[i].score, 12), -i))
    return tried[best][1], scores


def opinion_groups(
    state: SessionState,
    *,
    k: int = DEFAULT_K,
    seed: int = 0,
    min_positions: int | None = None,
    agree_threshold: float = AGREE_THRESHOLD,
    matrix: PositionMatrix | None = None,
) -> OpinionGroups:
    """Pol.is opinion groups: PCA of the position matrix, k-means with k by silhouette."""
    matrix = matrix or position_matrix(state)
    threshold = (
        default_min_positions(len(matrix.statements)) if min_positions is None else min_positions
    )
    taken = matrix.taken
    keep = taken >= threshold
    if keep.sum() < MIN_CLUSTERED or len(matrix.statements) < 2:
        return _no_groups(threshold, matrix, keep)
    codes = matrix.codes[keep]
    projection = project(_centred(codes), taken[keep])
    points = np.array(projection.coordinates, dtype=np.float64)
    if not points.any():
        return _no_groups(threshold, matrix, keep)
    labels, scores = _best_partition(points, seed)
    count = int(labels.max()) + 1
    tallies = _Tallies.of(_count(codes, labels, count))
    clustered = tuple(p for p, kept in zip(matrix.participants, keep, strict=True) if kept)
    groups = tuple(
        _group(g, labels, clustered, points, tallies, matrix.statements, k) for g in range(count)
    )
    agreement = _group_agreement(tallies, groups, matrix.statements)
    return OpinionGroups(
        min_positions=threshold,
        participants=clustered,
        left_out=tuple(p for p, kept in zip(matrix.participants, keep, strict=True) if not kept),
        coordinates=projection.coordinates,
        explained_variance_ratio=projection.explained_variance_ratio,
        silhouettes=scores,
        groups=groups,
        statements=agreement,
        consensus=_consensual(tallies, groups, matrix.statements, agree_threshold),
        divisive=_divisive(agreement),
    )


def _group(
    g: int,
    labels: Ints,
    clustered: Sequence[str],
    points: Floats,
    tallies: _Tallies,
    statements: Sequence[str],
    k: int,
) -> OpinionGroup:
    mine = labels == g
    hidden = int(mine.sum()) < k
    centre = points[mine].mean(axis=0)
    return OpinionGroup(
        name=GROUP_NAMES[g],
        members=tuple(p for p, m in zip(clustered, mine, strict=True) if m),
        hidden=hidden,
        centre=(float(centre[0]), float(centre[1])),
        representative=() if hidden else _representative(tallies, g, statements, k),
    )


def _group_agreement(
    tallies: _Tallies, groups: Sequence[OpinionGroup], statements: Sequence[str]
) -> tuple[GroupAgreement, ...]:
    smoothed = (tallies.agree + 1) / (tallies.seen + 2)
    consensus = group_consensus(tallies.agree, tallies.seen)
    spread = smoothed.std(axis=0)
    return tuple(
        GroupAgreement(
            statement=statement,
            agree=tuple(
                None if group.hidden else float(smoothed[g, s]) for g, group in enumerate(groups)
            ),
            consensus=float(consensus[s]),
            spread=float(spread[s]),
        )
        for s, statement in enumerate(statements)
    )


def _consensual(
    tallies: _Tallies, groups: Sequence[OpinionGroup], statements: Sequence[str], threshold: float
) -> tuple[str, ...]:
    """Statements every shown group agrees with, best group-informed consensus first.

    A group under k members is too small to show, and too small to veto: its members still
    count in the room's and the territories' shares.
    """
    shown = np.array([not group.hidden for group in groups], dtype=bool)
    smoothed = (tallies.agree + 1) / (tallies.seen + 2)
    consensus = group_consensus(tallies.agree, tallies.seen)
    agreed = (smoothed[shown] >= threshold).all(axis=0)
    chosen = [int(s) for s in np.flatnonzero(agreed)]
    return tuple(statements[s] for s in sorted(chosen, key=lambda s: (-consensus[s], s)))


def _divisive(agreement: Sequence[GroupAgreement]) -> tuple[str, ...]:
    """Statements whose groups' agree shares spread at least DIVISIVE_MIN_SPREAD, widest first."""
    ranked = sorted(agreement, key=lambda a: -a.spread)  # stable: ties keep the log order
    return tuple(a.statement for a in ranked if a.spread >= DIVISIVE_MIN_SPREAD)

"""Pol.is's two-level clustering (``ALGORITHM.md`` §4), made stable, with no group under k.

1. **Base clusters**: k-means with up to ``BASE_CLUSTERS`` (100) centres on the participants'
   2-D coordinates, started, as Pol.is's first run, on the first distinct points in row order;
   empty clusters are dropped; it stops when no centre moves by ``TOLERANCE`` (0.01) or more.
2. **Groups**: weighted k-means of the base-cluster centres (weights: their sizes) for every
   number of groups from 2 to ``min(5, 2 + ⌊base clusters / 12⌋)``. Pol.is starts it on the
   first distinct centres; that start alone can fall into a poor partition, so the partition of
   lowest weighted inertia is kept among that start, ``GROUP_STARTS`` (16) farthest-first
   starts, one from each of the heaviest base clusters (each next centre the base cluster of
   largest size × squared distance), and ``GROUP_DRAWS`` (16) k-means++ starts drawn from
   generators seeded 0 to 15, constants of this module. The groups depend on the positions
   only, never on a caller's seed.
3. **No group under k**: while a group holds fewer than ``k`` participants, the smallest one
   joins the group whose centre is nearest (a group too small to show would be too small to
   publish anything about). Partitions left with one group are dropped.
4. **How many groups**: the largest mean silhouette over the base-cluster centres, each base
   cluster counting once (Pol.is's ``silhouette`` on ``bucket-dists``); on a tie the partition
   with more groups, as Pol.is's ``max-key`` takes the last candidate.

A participant's group is its base cluster's; groups are numbered by decreasing size, ties by
first appearance in row order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np

from .matrix import Floats, Ints
from .numerics import _canonical, _squared_distances, silhouettes
from .results import SilhouetteScore

BASE_CLUSTERS: Final = 100
BASE_ITERATIONS: Final = 100
GROUP_ITERATIONS: Final = 100
TOLERANCE: Final = 0.01
MAX_GROUPS: Final = 5
GROUP_STARTS: Final = 16
GROUP_DRAWS: Final = 16


def max_groups(base: int) -> int:
    """Pol.is's ``max-k-fn``: 2 groups under 12 base clusters, one more per 12, 5 at most."""
    return min(MAX_GROUPS, 2 + base // 12)


@dataclass(frozen=True)
class Base:
    """Base clusters: each point's cluster, and the clusters' centres and sizes."""

    labels: Ints
    centres: Floats
    sizes: Floats


def first_distinct(points: Floats, k: int) -> Floats:
    """The first ``k`` distinct rows of ``points``, in row order (Pol.is's ``init-clusters``)."""
    _, first = np.unique(points, axis=0, return_index=True)
    return np.asarray(points[np.sort(first)[:k]], dtype=np.float64)


def lloyd(points: Floats, weights: Floats, centres: Floats, iterations: int) -> tuple[Ints, Floats]:
    """Weighted k-means steps as Pol.is's ``kmeans``: assign, recentre, drop empty clusters;
    stop once no centre moved by ``TOLERANCE`` or more. Labels index the returned centres."""
    labels = np.zeros(len(points), dtype=np.intp)
    for _ in range(iterations):
        labels = np.asarray(_squared_distances(points, centres).argmin(axis=1), dtype=np.intp)
        used = np.bincount(labels, minlength=len(centres)) > 0
        mass = np.bincount(labels, weights=weights, minlength=len(centres))[used]
        moved = (
            np.stack(
                [
                    np.bincount(labels, weights=weights * points[:, d], minlength=len(centres))[
                        used
                    ]
                    for d in range(points.shape[1])
                ],
                axis=1,
            )
            / mass[:, None]
        )
        labels = np.asarray((np.cumsum(used) - 1)[labels], dtype=np.intp)
        converged = bool(used.all()) and bool(
            (((moved - centres) ** 2).sum(axis=1) < TOLERANCE**2).all()
        )
        centres = moved
        if converged:
            break
    return labels, centres


def base_clusters(points: Floats) -> Base:
    start = first_distinct(points, BASE_CLUSTERS)
    labels, centres = lloyd(points, np.ones(len(points)), start, BASE_ITERATIONS)
    sizes = np.bincount(labels, minlength=len(centres)).astype(np.float64)
    return Base(labels, centres, sizes)


# --- groups of base clusters ----------------------------------------------------------------------


def _farthest_first(centres: Floats, sizes: Floats, first: int, k: int) -> Floats:
    """Deterministic k-means++: from ``first``, each next centre the base cluster of largest
    size × squared distance to the centres chosen (the lowest index on a tie)."""
    chosen = [first]
    while len(chosen) < k:
        nearest = _squared_distances(centres, centres[chosen]).min(axis=1) * sizes
        if not nearest.any():
            break
        chosen.append(int(np.argmax(nearest)))
    return np.asarray(centres[chosen], dtype=np.float64)


def _drawn(centres: Floats, sizes: Floats, k: int, draw: int) -> Floats:
    """k-means++ (weighted by size) from the generator seeded ``draw``: the same every time."""
    rng = np.random.default_rng(draw)
    chosen = [int(rng.choice(len(centres), p=sizes / sizes.sum()))]
    while len(chosen) < k:
        nearest = _squared_distances(centres, centres[chosen]).min(axis=1) * sizes
        if not nearest.any():
            break
        chosen.append(int(rng.choice(len(centres), p=nearest / nearest.sum())))
    return np.asarray(centres[chosen], dtype=np.float64)


def _starts(base: Base, k: int) -> list[Floats]:
    """Pol.is's start, a farthest-first start from each of the heaviest base clusters, and
    k-means++ starts from fixed generators."""
    heaviest = sorted(range(len(base.sizes)), key=lambda i: (-base.sizes[i], i))
    return [
        first_distinct(base.centres, k),
        *(_farthest_first(base.centres, base.sizes, i, k) for i in heaviest[:GROUP_STARTS]),
        *(_drawn(base.centres, base.sizes, k, draw) for draw in range(GROUP_DRAWS)),
    ]


def _inertia(points: Floats, weights: Floats, labels: Ints, centres: Floats) -> float:
    return float((weights * ((points - centres[labels]) ** 2).sum(axis=1)).sum())


def _group(base: Base, k: int) -> Ints:
    """Base cluster -> group: the lowest weighted inertia over the starts, earliest on a tie."""
    best: tuple[Ints, float] | None = None
    for start in _starts(base, k):
        labels, centres = lloyd(base.centres, base.sizes, start, GROUP_ITERATIONS)
        inertia = _inertia(base.centres, base.sizes, labels, centres)
        if best is None or inertia < best[1] - 1e-9 * (1 + best[1]):
            best = (labels, inertia)
    assert best is not None
    return best[0]


def _merge_small(labels: Ints, base: Base, k: int) -> Ints:
    """While a group holds fewer than ``k`` participants, the smallest joins the nearest."""
    labels = labels.copy()
    while True:
        names = np.unique(labels)
        people = np.array([base.sizes[labels == n].sum() for n in names])
        if len(names) < 2 or people.min() >= k:
            return _canonical(labels)
        small = names[int(np.argmin(people))]
        centres = np.array(
            [
                np.average(base.centres[labels == n], axis=0, weights=base.sizes[labels == n])
                for n in names
            ]
        )
        distance = _squared_distances(centres[names == small], centres)[0]
        distance[names == small] = np.inf
        labels[labels == small] = names[int(np.argmin(distance))]


def opinion_partition(points: Floats, k: int) -> tuple[Ints | None, tuple[SilhouetteScore, ...]]:
    """Each point's group (0 the largest), or None when no partition of 2 groups of at least
    ``k`` people exists; and the silhouette of every distinct partition tried."""
    base = base_clusters(points)
    candidates: list[Ints] = []
    for count in range(2, min(max_groups(len(base.sizes)), len(base.sizes)) + 1):
        labels = _merge_small(_group(base, count), base, k)
        if labels.max() >= 1 and not any(np.array_equal(labels, c) for c in candidates):
            candidates.append(labels)
    if not candidates:
        return None, ()
    scores = silhouettes(base.centres, candidates)
    rounded = [round(score, 12) for score in scores]
    best = max(range(len(candidates)), key=lambda i: (rounded[i], int(candidates[i].max())))
    silhouette = tuple(
        SilhouetteScore(groups=int(c.max()) + 1, score=score)
        for c, score in zip(candidates, scores, strict=True)
    )
    return _canonical(candidates[best][base.labels]), silhouette

"""The numerics behind opinion groups: imputation, PCA, k-means, silhouette, adjusted Rand.

Pure numpy on arrays; the only randomness (k-means++ seeding) is drawn from a ``seed``. Pol.is's
own two-level clustering, built on these, is ``clustering``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from .matrix import PASS_CODE, Floats, Ints
from .results import Projection

KMEANS_RESTARTS: Final = 4
KMEANS_MAX_ITERATIONS: Final = 100


def default_min_positions(statements: int) -> int:
    """Pol.is's in-conv rule: 7 positions, or every statement when there are fewer than 7."""
    return min(7, statements)


def _centred(codes: npt.NDArray[np.int8]) -> Floats:
    """Each position's direction as Pol.is votes (+1 for +1/+2, −1 for −1/−2, 0 for neutral or
    a pass), missing cells imputed by the column mean, then every column centred."""
    present = codes >= 0
    values = np.where(present & (codes != PASS_CODE), np.sign(codes.astype(np.float64) - 2.0), 0.0)
    voters = present.sum(axis=0)
    means = values.sum(axis=0) / np.maximum(voters, 1)
    return np.asarray(np.where(present, values - means, 0.0), dtype=np.float64)


def project(centred: Floats, taken: Ints | None = None) -> Projection:
    """PCA to two components; rows scaled by ``sqrt(columns / taken)`` if ``taken`` is given.

    The components are the right singular vectors of the centred matrix X, found by numpy's
    SVD of the small symmetric matrix XᵀX (statements × statements), whose singular values are
    those of X squared: the same result as ``svd(X)`` without computing the participants' side.
    """
    columns = centred.shape[1]
    vectors, power, _ = np.linalg.svd(centred.T @ centred, hermitian=True)
    components = np.zeros((2, columns))
    components[: min(2, columns)] = vectors.T[:2]
    for row in components:  # the first of the largest loadings (to rounding) is made positive
        size = np.abs(row)
        if size.any():
            row *= np.sign(row[np.argmax(size >= size.max() * (1 - 1e-9))])
    coordinates = centred @ components.T
    if taken is not None:
        coordinates *= np.sqrt(columns / np.maximum(taken, 1))[:, None]
    variance = np.zeros(2)
    total = float(power.sum())
    if total > 0:
        variance[: min(2, len(power))] = power[:2] / total
    return Projection(
        coordinates=tuple((float(x), float(y)) for x, y in coordinates),
        components=(_floats(components[0]), _floats(components[1])),
        explained_variance_ratio=(float(variance[0]), float(variance[1])),
    )


def _floats(values: Floats) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def _squared_distances(points: Floats, centres: Floats) -> Floats:
    """(points × centres) squared Euclidean distances, one coordinate at a time."""
    total = np.zeros((len(points), len(centres)))
    for d in range(points.shape[1]):
        total += (points[:, d, None] - centres[None, :, d]) ** 2
    return total


def _seed_centres(points: Floats, k: int, rng: np.random.Generator) -> Floats:
    """k-means++: each next centre drawn with probability ∝ squared distance to the nearest."""
    centres = [points[rng.integers(len(points))]]
    for _ in range(1, k):
        nearest = _squared_distances(points, np.array(centres)).min(axis=1)
        total = nearest.sum()
        index = (
            rng.choice(len(points), p=nearest / total) if total > 0 else rng.integers(len(points))
        )
        centres.append(points[index])
    return np.array(centres)


def _lloyd(points: Floats, centres: Floats) -> tuple[Ints, float]:
    labels = np.full(len(points), -1, dtype=np.intp)
    for _ in range(KMEANS_MAX_ITERATIONS):
        distances = _squared_distances(points, centres)
        new = np.asarray(distances.argmin(axis=1), dtype=np.intp)
        if np.array_equal(new, labels):
            break
        labels = new
        for c in range(len(centres)):
            mine = labels == c
            if mine.any():
                centres[c] = points[mine].mean(axis=0)
            else:  # an empty group takes the point farthest from its centre
                far = int(distances[np.arange(len(points)), labels].argmax())
                centres[c], labels[far] = points[far], c
    inertia = float(_squared_distances(points, centres)[np.arange(len(points)), labels].sum())
    return labels, inertia


def _canonical(labels: Ints) -> Ints:
    """Relabel by decreasing size, ties by first appearance: equal partitions, equal labels."""
    names, first, sizes = np.unique(labels, return_index=True, return_counts=True)
    order = sorted(range(len(names)), key=lambda i: (-sizes[i], first[i]))
    mapping = np.empty(int(names.max()) + 1, dtype=np.intp)
    for new, old in enumerate(order):
        mapping[names[old]] = new
    return np.asarray(mapping[labels], dtype=np.intp)


def kmeans(points: Floats, k: int, *, seed: int = 0, restarts: int = KMEANS_RESTARTS) -> Ints:
    """Labels 0..k−1 (0 the largest group) of the best of ``restarts`` seeded k-means runs."""
    rng = np.random.default_rng(seed)
    best: tuple[Ints, float] | None = None
    for _ in range(restarts):
        labels, inertia = _lloyd(points, _seed_centres(points, k, rng))
        if best is None or inertia < best[1] - 1e-9:
            best = (labels, inertia)
    assert best is not None
    return _canonical(best[0])


def silhouette(points: Floats, labels: Ints) -> float:
    """Mean silhouette (b − a) / max(a, b) over the points; a point alone in its group scores 0.

    a is the mean distance to the other members of its group, b the smallest mean distance to
    another group. One group only, or as many groups as points, scores 0.
    """
    return silhouettes(points, [labels])[0]


@dataclass(frozen=True)
class _Labelling:
    labels: Ints  # 0..groups−1
    onehot: Floats
    sizes: Floats

    @classmethod
    def of(cls, labels: Ints, points: int) -> _Labelling | None:
        names, inverse = np.unique(labels, return_inverse=True)
        if not 2 <= len(names) < points:
            return None
        onehot = np.eye(len(names))[inverse]
        return cls(np.asarray(inverse, dtype=np.intp), onehot, onehot.sum(axis=0))

    def scores(self, distances: Floats, block: slice) -> Floats:
        """Silhouettes of the rows of ``block``, given their distances to every point."""
        sums = distances @ self.onehot
        own = self.labels[block]
        rows = np.arange(len(own))
        a = sums[rows, own] / np.maximum(self.sizes[own] - 1, 1)
        others = sums / self.sizes
        others[rows, own] = np.inf
        b = others.min(axis=1)
        top = np.maximum(a, b)
        s = np.where(top > 0, (b - a) / np.where(top > 0, top, 1), 0.0)
        return np.asarray(np.where(self.sizes[own] > 1, s, 0.0), dtype=np.float64)


def silhouettes(points: Floats, labellings: Sequence[Ints]) -> list[float]:
    """Mean silhouette of several labellings of the same points, each distance computed once.

    Rows go in blocks of 1,024, so memory stays linear in the number of points.
    """
    prepared = [_Labelling.of(labels, len(points)) for labels in labellings]
    totals = np.zeros(len(prepared))
    for start in range(0, len(points), 1024):
        block = slice(start, start + 1024)
        distances = np.sqrt(_squared_distances(points[block], points))
        for i, labelling in enumerate(prepared):
            if labelling is not None:
                totals[i] += labelling.scores(distances, block).sum()
    return [float(total / len(points)) for total in totals]


def adjusted_rand_index(truth: Sequence[int] | Ints, found: Sequence[int] | Ints) -> float:
    """Hubert–Arabie adjusted Rand index of two labellings (1 = same partition)."""
    _, a = np.unique(np.asarray(truth), return_inverse=True)
    _, b = np.unique(np.asarray(found), return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(table, (a, b), 1)

    def pairs(x: Floats) -> float:
        return float((x * (x - 1) / 2).sum())

    index, rows, cols = pairs(table), pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / pairs(np.array([float(len(a))]))
    maximum = (rows + cols) / 2
    return 1.0 if maximum == expected else (index - expected) / (maximum - expected)

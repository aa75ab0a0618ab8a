"""Final collective opinions: what the room thinks, per territory, per role, per opinion group.

A pure projection of a ``SessionState`` (and, for opinion shift, of the log's events): no I/O,
no clock, and the only randomness (k-means++ seeding) is drawn from a ``seed`` argument, so the
same input always gives the same output, live and in replay. Results are frozen ``msgspec``
Structs: ``msgspec.to_builtins(opinions(state))`` is ready for JSON.

What counts
-----------
Only **published** statements are looked at; positions on hidden or merged statements are left
out (as ``summary`` counts them). A position is −2..+2 or a pass (``None``); a participant who
passed *took part* (counts as a voter) but neither agrees nor disagrees. **Agree** means +1 or +2,
**disagree** −1 or −2; shares are taken over every voter, passes included (Pol.is's "seen").

k-anonymity (``k``, 5 by default)
---------------------------------
Any group (territory, role, opinion group, or the whole room) with fewer than ``k`` voters on a
statement is ``hidden``: it shows its number of voters but no counts, shares nor rankings.
Because the whole room's figures are shown, one small hidden territory could be recovered by
subtraction; so within a partition (territories, roles) the hidden groups must together hold
0 or at least ``k`` voters, else the smallest shown groups are hidden too (complementary
suppression, as statistical offices do). The same rule applies to majority-judgment ballots per
territory and to opinion shift per territory.

Opinion groups (as Pol.is computes them)
----------------------------------------
1. The participant × statement matrix holds −2..+2, a pass as 0. A missing cell is filled with
   its statement's mean over those who took a position (Pol.is's imputation), then every column
   is centred: after centring a missing cell is exactly 0.
2. Participants with fewer than ``min_positions`` positions are left out. Pol.is uses 7; the
   default here is ``ceil(statements / 5)`` clamped to 3..7, so 7 for a session of ~40
   statements (each person places on about a sixth of them at least) and 3 for a tiny one.
3. PCA to 2 components by numpy's SVD (signs fixed so that each component's first largest
   loading is positive). As Pol.is does, each participant's coordinates are scaled by
   ``sqrt(statements / positions taken)`` so that someone with few positions is not pulled to
   the centre by the zeros of the imputation.
4. k-means (k-means++ seeding from ``seed``, ``KMEANS_RESTARTS`` restarts, the lowest inertia
   kept) for every k in 2..5; the k with the best mean silhouette wins (a tie goes to the
   smaller k). Groups are named A, B, C… by decreasing size.
5. Representative statements ("repness", Pol.is's formulas): for a group and a statement, with
   ``a`` agreeing of ``s`` voters in the group and ``a'`` of ``s'`` in the rest of the clustered
   room, ``p = (a+1)/(s+2)``, ratio ``r = p / p'``, a one-proportion test of ``p`` against ½
   and a two-proportion test of the group against the rest; a statement represents the group if
   both z exceed 1.2816 (90 %, one-sided) and at least ``k`` of the group voted on it (the
   small-sample guard). The same for disagreement; the better direction is kept, ranked by
   ``r · z₂ · p · z₁``, at most ``REPRESENTATIVE_PER_GROUP`` per group.
6. Group-informed consensus: ``Π_g (a_g + 1)/(s_g + 2)`` over the groups (Pol.is). A statement
   is **consensual across groups** when every group's smoothed agree share ``(a+1)/(s+2)`` is at
   least ``agree_threshold`` (0.6); a group under k members (hidden) has no veto.
   **Divisive**: the standard deviation of the groups' smoothed agree shares is at least
   ``DIVISIVE_MIN_SPREAD`` (0.25: two groups at 75 % and 25 %).

Territories
-----------
A territory *agrees* with a statement when at least ``agree_threshold`` (0.6) of its voters
agree; only territories shown under k-anonymity are *eligible*. A statement is **shared** when it
is agreed in at least ``min(shared_min, eligible)`` territories and at least two (``shared_min``
is 3 by default: a quarter to a half of a six-territory metropolis); **local** when it is agreed
in one or more but fewer; otherwise **not agreed**.

Majority judgment
-----------------
Reuses ``majority.tally_vote`` and ``majority.rank`` (Balinski–Laraki with the iterated gauge),
for the whole room and for the ballots of each territory's participants.

Opinion shift
-------------
From the events in log order: for each participant and statement with at least two positions,
the first and the last value. ``changed`` counts those whose last differs from the first (a pass
included); ``mean_shift`` is the mean of ``last − first`` where neither is a pass.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

import msgspec
import numpy as np
import numpy.typing as npt

from .codec import Envelope
from .events import Event, PositionTaken
from .majority import rank, tally_vote
from .model import GRADE_LABELS, Grade, ParticipantRole
from .state import SessionState, StatementStatus, Vote

__all__ = [
    "AGREE_THRESHOLD",
    "DEFAULT_K",
    "DIVISIVE_MIN_SPREAD",
    "SHARED_MIN",
    "Direction",
    "Distribution",
    "GroupAgreement",
    "OpinionGroup",
    "OpinionGroups",
    "OpinionShift",
    "Opinions",
    "Participation",
    "PositionHistory",
    "PositionMatrix",
    "Projection",
    "ProposalResult",
    "Representative",
    "Scope",
    "Shift",
    "SilhouetteScore",
    "StatementDistributions",
    "StatementScope",
    "StatementShift",
    "TerritoryConsensus",
    "TerritoryShare",
    "VoteRanking",
    "VoteResult",
    "adjusted_rand_index",
    "default_min_positions",
    "distributions",
    "group_consensus",
    "kmeans",
    "opinion_groups",
    "opinion_shift",
    "opinions",
    "position_history",
    "position_matrix",
    "project",
    "silhouette",
    "silhouettes",
    "suppressed",
    "territory_consensus",
    "vote_results",
]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]

DEFAULT_K: Final = 5  # k-anonymity: fewer voters than this and a group shows no figures
AGREE_THRESHOLD: Final = 0.6  # share of agreeing voters for a territory / group to "agree"
SHARED_MIN: Final = 3  # territories that must agree for a statement to be "shared"
DIVISIVE_MIN_SPREAD: Final = 0.25  # std. deviation of the groups' agree shares
GROUP_COUNTS: Final = range(2, 6)  # k-means tries 2..5 groups
MIN_CLUSTERED: Final = 4  # fewer clustered participants than this: no opinion groups
KMEANS_RESTARTS: Final = 4
KMEANS_MAX_ITERATIONS: Final = 100
REPRESENTATIVE_PER_GROUP: Final = 5
Z_90: Final = 1.2816  # one-sided 90 % normal quantile, Pol.is's significance bar

PASS_CODE: Final = 5  # cell codes: 0..4 are the positions −2..+2, 5 a pass, −1 nothing
CODES: Final = 6
ALL: Final = "all"
GROUP_NAMES: Final = "ABCDE"


# --- result types ---------------------------------------------------------------------------------


class Distribution(msgspec.Struct, frozen=True, kw_only=True):
    """Positions of one group on one statement; ``counts`` are for −2, −1, 0, +1, +2."""

    group: str  # "all", a territory id, a role, or an opinion group's name
    voters: int  # participants of the group who took a position, passes included
    hidden: bool  # fewer than k voters (or complementary suppression): no figures
    counts: tuple[int, ...] | None
    passes: int | None

    @property
    def agree_share(self) -> float | None:
        """Share of voters at +1 or +2 (None when hidden or nobody voted)."""
        if self.counts is None or not self.voters:
            return None
        return (self.counts[3] + self.counts[4]) / self.voters


class Participation(msgspec.Struct, frozen=True, kw_only=True):
    territory: str
    participants: int  # who joined from this territory
    voters: int  # how many of them took a position on the statement
    share: float | None  # voters / participants (None with no participant)


class StatementDistributions(msgspec.Struct, frozen=True, kw_only=True):
    statement: str
    overall: Distribution
    territories: tuple[Distribution, ...]
    roles: tuple[Distribution, ...]
    groups: tuple[Distribution, ...]  # per opinion group (empty without groups)
    participation: tuple[Participation, ...]


class Projection(msgspec.Struct, frozen=True, kw_only=True):
    """PCA of a centred matrix: coordinates per row, components per column of the input."""

    coordinates: tuple[tuple[float, float], ...]
    components: tuple[tuple[float, ...], tuple[float, ...]]
    explained_variance_ratio: tuple[float, float]


class Direction(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"


class Representative(msgspec.Struct, frozen=True, kw_only=True):
    """A statement on which a group differs most from the rest of the room."""

    statement: str
    direction: Direction
    group_share: float  # raw share of the group's voters in that direction
    rest_share: float  # the same among the other clustered participants
    ratio: float  # smoothed group share / smoothed rest share
    z: float  # two-proportion test, group against rest
    voters: int  # the group's voters on the statement


class OpinionGroup(msgspec.Struct, frozen=True, kw_only=True):
    name: str  # "A", "B"… by decreasing size
    members: tuple[str, ...]
    hidden: bool  # fewer than k members: no representative statements shown
    centre: tuple[float, float]
    representative: tuple[Representative, ...]


class GroupAgreement(msgspec.Struct, frozen=True, kw_only=True):
    """One statement across the opinion groups."""

    statement: str
    agree: tuple[float | None, ...]  # smoothed agree share per group (None if hidden)
    consensus: float  # Pol.is group-informed consensus: Π (a+1)/(s+2)
    spread: float  # standard deviation of the groups' smoothed agree shares


class SilhouetteScore(msgspec.Struct, frozen=True, kw_only=True):
    groups: int
    score: float


class OpinionGroups(msgspec.Struct, frozen=True, kw_only=True):
    min_positions: int
    participants: tuple[str, ...]  # the clustered ones, sorted by id
    left_out: tuple[str, ...]  # too few positions
    coordinates: tuple[tuple[float, float], ...]  # aligned with ``participants``
    explained_variance_ratio: tuple[float, float]
    silhouettes: tuple[SilhouetteScore, ...]
    groups: tuple[OpinionGroup, ...]  # empty when there is too little to cluster
    statements: tuple[GroupAgreement, ...]
    consensus: tuple[str, ...]  # agreed by every group, best consensus first
    divisive: tuple[str, ...]  # most divisive first

    def group_of(self, participant: str) -> str | None:
        return next((g.name for g in self.groups if participant in g.members), None)


class Scope(StrEnum):
    SHARED = "shared"
    LOCAL = "local"
    NOT_AGREED = "not_agreed"


class TerritoryShare(msgspec.Struct, frozen=True, kw_only=True):
    territory: str
    voters: int
    agree_share: float | None  # None when hidden


class StatementScope(msgspec.Struct, frozen=True, kw_only=True):
    statement: str
    kind: str  # "problem" or "idea"
    territories: tuple[TerritoryShare, ...]
    eligible: int  # territories shown under k-anonymity
    agreed_in: tuple[str, ...]
    scope: Scope


class TerritoryConsensus(msgspec.Struct, frozen=True, kw_only=True):
    threshold: float
    shared_min: int
    statements: tuple[StatementScope, ...]
    shared: tuple[str, ...]
    local: tuple[str, ...]


class ProposalResult(msgspec.Struct, frozen=True, kw_only=True):
    proposal: str
    rank: int  # 1 = best, ties share a rank
    majority_grade: int  # model.Grade value
    majority_grade_label: str
    profile: tuple[int, ...]  # judgments per grade, À rejeter first


class VoteRanking(msgspec.Struct, frozen=True, kw_only=True):
    group: str  # "all" or a territory id
    voters: int
    hidden: bool
    proposals: tuple[ProposalResult, ...]  # best first; empty when hidden


class VoteResult(msgspec.Struct, frozen=True, kw_only=True):
    vote: str
    open: bool
    overall: VoteRanking
    territories: tuple[VoteRanking, ...]


class PositionHistory(msgspec.Struct, frozen=True, kw_only=True):
    first: int | None
    last: int | None
    count: int  # positions taken on the statement, repeats included


class Shift(msgspec.Struct, frozen=True, kw_only=True):
    group: str  # "all" or a territory id
    people: int  # distinct participants with two positions or more
    pairs: int  # (participant, statement) pairs measured
    hidden: bool
    changed: int | None  # pairs whose last position differs from the first
    changed_share: float | None
    mean_shift: float | None  # mean of last − first, passes left out


class StatementShift(msgspec.Struct, frozen=True, kw_only=True):
    statement: str
    overall: Shift
    territories: tuple[Shift, ...]


class OpinionShift(msgspec.Struct, frozen=True, kw_only=True):
    overall: Shift
    territories: tuple[Shift, ...]
    statements: tuple[StatementShift, ...]


class Opinions(msgspec.Struct, frozen=True, kw_only=True):
    k: int
    statements: tuple[StatementDistributions, ...]
    groups: OpinionGroups
    territories: TerritoryConsensus
    votes: tuple[VoteResult, ...]
    shift: OpinionShift | None  # None when no events were given
    consensus: tuple[str, ...]  # agreed overall, by every opinion group and eligible territory


# --- the matrix -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PositionMatrix:
    """Cell codes of participants (sorted by id) × published statements (in log order)."""

    participants: tuple[str, ...]
    statements: tuple[str, ...]
    codes: npt.NDArray[np.int8]  # −1 nothing, 0..4 = position + 2, 5 pass

    @property
    def taken(self) -> Ints:
        """Positions taken per participant, passes included."""
        return np.asarray((self.codes >= 0).sum(axis=1), dtype=np.intp)


def position_matrix(state: SessionState) -> PositionMatrix:
    participants = tuple(sorted(state.participants))
    statements = tuple(
        s.id for s in state.statements.values() if s.status is StatementStatus.PUBLISHED
    )
    row = {p: i for i, p in enumerate(participants)}
    column = {s: j for j, s in enumerate(statements)}
    codes = np.full((len(participants), len(statements)), -1, dtype=np.int8)
    count = len(state.positions)
    keys = state.positions.keys()
    rows = np.fromiter((row.get(p, -1) for p, _ in keys), dtype=np.intp, count=count)
    columns = np.fromiter((column.get(s, -1) for _, s in keys), dtype=np.intp, count=count)
    values = np.fromiter(
        (PASS_CODE if v is None else v + 2 for v in state.positions.values()),
        dtype=np.int8,
        count=count,
    )
    known = (rows >= 0) & (columns >= 0)
    codes[rows[known], columns[known]] = values[known]
    return PositionMatrix(participants, statements, codes)


def _count(codes: npt.NDArray[np.int8], labels: Ints, groups: int) -> Ints:
    """Counts per (group, statement, code); rows labelled −1 are not counted."""
    statements = codes.shape[1]
    mask = (codes >= 0) & (labels >= 0)[:, None]
    cells = (labels[:, None] * statements + np.arange(statements)) * CODES + codes.astype(np.intp)
    flat = np.bincount(cells[mask], minlength=groups * statements * CODES)
    return np.asarray(flat.reshape(groups, statements, CODES), dtype=np.intp)


def _labels(keys: Sequence[str], names: Sequence[str]) -> Ints:
    index = {name: i for i, name in enumerate(names)}
    return np.array([index.get(key, -1) for key in keys], dtype=np.intp)


# --- k-anonymity ----------------------------------------------------------------------------------


def suppressed(voters: Sequence[int], k: int) -> list[bool]:
    """Which groups of one partition are hidden: under k, then complementary suppression.

    The hidden groups together must hold 0 or at least k voters, else the smallest shown group
    is hidden too (so that no hidden group is found by subtracting the shown ones from the total).
    """
    hidden = [n < k for n in voters]
    while 0 < sum(n for n, h in zip(voters, hidden, strict=True) if h) < k:
        shown = [i for i, h in enumerate(hidden) if not h]
        if not shown:
            break
        hidden[min(shown, key=lambda i: voters[i])] = True
    return hidden


def _distribution(group: str, counts: Ints, hidden: bool) -> Distribution:
    voters = int(counts.sum())
    if hidden:
        return Distribution(group=group, voters=voters, hidden=True, counts=None, passes=None)
    figures = tuple(int(c) for c in counts[:PASS_CODE])
    return Distribution(
        group=group, voters=voters, hidden=False, counts=figures, passes=int(counts[PASS_CODE])
    )


def _partition(
    names: Sequence[str], counts: Ints, k: int, complementary: bool
) -> list[list[Distribution]]:
    """Per statement, the distributions of every group of a partition ``counts[g, s, code]``."""
    voters = counts.sum(axis=2)
    result = []
    for s in range(counts.shape[1]):
        column = [int(v) for v in voters[:, s]]
        hidden = suppressed(column, k) if complementary else [n < k for n in column]
        result.append([_distribution(n, counts[g, s], hidden[g]) for g, n in enumerate(names)])
    return result


def _by(
    matrix: PositionMatrix,
    keys: Sequence[str],
    names: Sequence[str],
    k: int,
    complementary: bool = True,
) -> tuple[list[list[Distribution]], Ints]:
    """Distributions per statement of the groups ``names`` (``keys``: each row's group)."""
    counts = _count(matrix.codes, _labels(keys, names), len(names))
    return _partition(names, counts, k, complementary), counts


# --- distributions --------------------------------------------------------------------------------


def _territories(state: SessionState) -> list[str]:
    known = list(state.territories)
    extra = sorted({p.territory for p in state.participants.values()} - set(known))
    return known + extra


def distributions(
    state: SessionState,
    *,
    k: int = DEFAULT_K,
    groups: OpinionGroups | None = None,
    matrix: PositionMatrix | None = None,
) -> tuple[StatementDistributions, ...]:
    """Per published statement: overall, per territory, per role, per opinion group."""
    matrix = matrix or position_matrix(state)
    people = [state.participants[p] for p in matrix.participants]
    territories = _territories(state)
    roles = [role.value for role in ParticipantRole]
    group_names = [g.name for g in groups.groups] if groups else []
    member_of = {m: g.name for g in groups.groups for m in g.members} if groups else {}
    overall, _ = _by(matrix, [ALL] * len(people), [ALL], k, False)
    by_territory, territory_counts = _by(matrix, [p.territory for p in people], territories, k)
    by_role, _ = _by(matrix, [p.role.value for p in people], roles, k)
    # Opinion groups leave out people with few positions: no total to subtract them from.
    by_group, _ = _by(matrix, [member_of.get(p.id, "") for p in people], group_names, k, False)
    members = np.bincount(
        _labels([p.territory for p in people], territories) + 1, minlength=len(territories) + 1
    )[1:]
    return tuple(
        StatementDistributions(
            statement=statement,
            overall=overall[s][0],
            territories=tuple(by_territory[s]),
            roles=tuple(by_role[s]),
            groups=tuple(by_group[s]),
            participation=_participation(territories, members, territory_counts[:, s]),
        )
        for s, statement in enumerate(matrix.statements)
    )


def _participation(
    territories: Sequence[str], members: Ints, counts: Ints
) -> tuple[Participation, ...]:
    voters = counts.sum(axis=1)
    return tuple(
        Participation(
            territory=t,
            participants=int(members[i]),
            voters=int(voters[i]),
            share=float(voters[i] / members[i]) if members[i] else None,
        )
        for i, t in enumerate(territories)
    )


# --- numerics: PCA, k-means, silhouette, adjusted Rand index --------------------------------------


def default_min_positions(statements: int) -> int:
    """Pol.is's 7 for sessions of ~35 statements or more, fewer for small sessions (≥ 3)."""
    return max(3, min(7, math.ceil(statements / 5)))


def _centred(codes: npt.NDArray[np.int8]) -> Floats:
    """Positions with passes as 0, missing cells imputed by the column mean, then centred."""
    present = codes >= 0
    values = np.where(present & (codes != PASS_CODE), codes.astype(np.float64) - 2.0, 0.0)
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


# --- opinion groups -------------------------------------------------------------------------------


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


# --- territories ----------------------------------------------------------------------------------


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


# --- majority judgment per territory --------------------------------------------------------------


def _ranking(
    group: str, vote: Vote, ballots: dict[str, dict[str, Grade]], hidden: bool
) -> VoteRanking:
    if hidden:
        return VoteRanking(group=group, voters=len(ballots), hidden=True, proposals=())
    subset = Vote(id=vote.id, proposals=vote.proposals, open=vote.open, ballots=ballots)
    profiles = tally_vote(subset)
    ranked = rank(profiles)
    return VoteRanking(
        group=group,
        voters=len(ballots),
        hidden=False,
        proposals=tuple(
            ProposalResult(
                proposal=r.proposal,
                rank=r.rank,
                majority_grade=r.majority_grade,
                majority_grade_label=GRADE_LABELS[Grade(r.majority_grade)],
                profile=profiles[r.proposal],
            )
            for r in ranked
        ),
    )


def vote_results(state: SessionState, *, k: int = DEFAULT_K) -> tuple[VoteResult, ...]:
    """Every vote ranked by majority judgment, for the room and per territory (k-anonymous)."""
    territories = _territories(state)
    results = []
    for vote in state.votes.values():
        per_territory = [
            {p: b for p, b in vote.ballots.items() if _territory_of(state, p) == t}
            for t in territories
        ]
        hidden = suppressed([len(b) for b in per_territory], k)
        results.append(
            VoteResult(
                vote=vote.id,
                open=vote.open,
                overall=_ranking(ALL, vote, dict(vote.ballots), len(vote.ballots) < k),
                territories=tuple(
                    _ranking(t, vote, b, h)
                    for t, b, h in zip(territories, per_territory, hidden, strict=True)
                ),
            )
        )
    return tuple(results)


def _territory_of(state: SessionState, participant: str) -> str | None:
    person = state.participants.get(participant)
    return person.territory if person else None


# --- opinion shift --------------------------------------------------------------------------------


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
    for (participant, statement), history in position_history(events, min_count=2).items():
        if statement in by_statement:
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


# --- everything -----------------------------------------------------------------------------------


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

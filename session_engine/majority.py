"""Majority judgment (jugement majoritaire): tallies in, a ranking out. Pure, stdlib only.

Theory of operation
-------------------
Every participant gives each proposal one grade on a common scale (here ``model.Grade``,
0 = À rejeter … 6 = Excellent). A proposal's **merit profile** is its tally: how many judgments
it got at each grade, listed **from the worst grade to the best**.

Balinski and Laraki rank proposals by their **majority grade** α, the grade of the ⌈N/2⌉-th
judgment counted from the worst (the *lower* median when N is even). Proposals with the same α
are told apart by the **majority gauge** (α, p, q): p = judgments strictly above α (adhesion),
q = judgments strictly below (contestation).

* p > q gives "α+", which beats any "α−" (p ≤ q; p = q counts as α−, contestation decides);
* between two α+, the larger p wins; between two α−, the smaller q wins;
* an exact tie goes on: the judgments at α are merged into the nearest grade of the larger
  outer group and the gauge is taken again, once per grade of the scale (MieuxVoter's
  iterated gauge, :func:`score`). Equal scores share a rank (1, 1, 3).

Worked example (the Tennessee capital, shares worst→best Poor, Fair, Good, Excellent)::

    Memphis      58  0 0  42   α = Poor  (cumulative 58 ≥ 50)
    Nashville     0 32 42 26   α = Good, p = 26, q = 32  → Good−
    Chattanooga   0 42 43 15   α = Good, p = 15, q = 42  → Good−
    Knoxville    42 26 15 17   α = Fair, p = 32, q = 42  → Fair−

Nashville and Chattanooga are both Good−; the smaller contestation wins, so Nashville (q = 32)
beats Chattanooga (q = 42), then Knoxville (Fair), then Memphis (Poor).

The ranking key
---------------
:func:`rank` uses the iterated gauge of :func:`score` (rule R1 of the reference README), with each
group size taken as a share of the proposal's own judgments, so the key is exact (``Fraction``)
and does not depend on the electorate's size. For balanced tallies this is exactly MieuxVoter's
order; for unbalanced ones it is the order of MieuxVoter's ``NormalizedTally``. The classic
"majority value" (rule R2, :func:`majority_value`: remove one median judgment at a time) gives the
same order; it is kept for reference and tests because it costs one step per judgment.

Missing judgments are the caller's choice, made explicit by :func:`pad_tallies`;
:func:`tally_vote` counts an ungraded proposal as À rejeter (worst grade), as MieuxVoter's
``StaticDefaultTally`` does by default.

Fabre (2021) proposes other tie-breaks within the same median, each one scalar score
``α + term``: :func:`mj_score`, :func:`typical_score`, :func:`usual_score`, :func:`central_score`.
They are here for comparison; the engine ranks with :func:`rank`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import NamedTuple

from session_engine.model import Grade
from session_engine.state import Vote

__all__ = [
    "Gauge",
    "Group",
    "MeritProfile",
    "MissingJudgments",
    "RankedProposal",
    "ShareGauge",
    "TallyAnalysis",
    "analyse",
    "central_score",
    "check_tally",
    "fabre_scores",
    "majority_gauge",
    "majority_value",
    "median_grade",
    "merit",
    "mj_score",
    "pad_tallies",
    "rank",
    "resolution",
    "score",
    "score_string",
    "share_gauge",
    "tally_vote",
    "typical_score",
    "usual_score",
]

MeritProfile = tuple[int, ...]
"""Judgments per grade, worst grade first."""

ADHESION = 1
CONTESTATION = -1


class Gauge(NamedTuple):
    """One step of the majority gauge: the median grade and the larger outer group."""

    grade: int  # α, the (lower) median grade
    sign: int  # +1 adhesion (p decides), −1 contestation (q decides), 0 no judgment outside α
    size: int  # p if sign is +1, q if sign is −1, else 0


@dataclass(frozen=True)
class TallyAnalysis:
    """Everything MieuxVoter's ``ProposalTallyAnalysis`` reports; empty groups have grade 0."""

    median_grade: int
    median_group_size: int
    contestation_grade: int  # nearest non-empty grade below the median
    contestation_group_size: int  # q
    adhesion_grade: int  # nearest non-empty grade above the median
    adhesion_group_size: int  # p
    second_median_grade: int  # where the median group moves; 0 if p = q = 0
    second_median_group_size: int
    second_median_group_sign: int


class Group(NamedTuple):
    """A block of judgments in the resolution of a tally (see :func:`resolution`)."""

    size: int
    grade: int
    kind: str  # "Median", "Contestation" or "Adhesion"


@dataclass(frozen=True)
class RankedProposal:
    proposal: str
    rank: int  # 1 = best; exact ties share a rank and the next rank skips (1, 1, 3)
    majority_grade: int
    gauge: Gauge


class MissingJudgments(StrEnum):
    """How :func:`pad_tallies` treats participants who did not grade a proposal."""

    NONE = "None"  # tallies must be balanced, else ValueError
    STATIC_DEFAULT = "StaticDefault"  # missing judgments count as ``default_grade``
    MEDIAN_DEFAULT = "MedianDefault"  # … as the proposal's own (lower) median grade
    NORMALIZED = "Normalized"  # scale every tally to the LCM of the totals


def check_tally(tally: Sequence[int]) -> MeritProfile:
    """Return the tally as a tuple; a negative count is a ``ValueError``."""
    if any(count < 0 for count in tally):
        raise ValueError(f"incoherent tally, negative count: {list(tally)}")
    return tuple(tally)


def median_grade(tally: Sequence[int], *, favor_contestation: bool = True) -> int:
    """The lower median grade (upper if not ``favor_contestation``); 0 for an empty tally."""
    total = sum(tally)
    cumulative = 0
    for grade, count in enumerate(tally):
        cumulative += count
        if 2 * cumulative > total or (favor_contestation and 2 * cumulative == total):
            return grade
    return 0


def analyse(
    tally: Sequence[int], *, favor_contestation: bool = True, median: int | None = None
) -> TallyAnalysis:
    """Median and outer groups of one tally (around ``median`` if given)."""
    alpha = median_grade(tally, favor_contestation=favor_contestation) if median is None else median
    below = [grade for grade in range(alpha) if tally[grade] > 0]
    above = [grade for grade in range(alpha + 1, len(tally)) if tally[grade] > 0]
    q = sum(tally[:alpha])
    p = sum(tally[alpha + 1 :])
    contestation_grade = below[-1] if below else 0
    adhesion_grade = above[0] if above else 0
    if p == q == 0:
        second = (0, 0, 0)  # as MieuxVoter: the next step starts from grade 0
    elif q > p or (q == p and favor_contestation):
        second = (contestation_grade, q, CONTESTATION)
    else:
        second = (adhesion_grade, p, ADHESION)
    return TallyAnalysis(
        alpha, tally[alpha] if tally else 0, contestation_grade, q, adhesion_grade, p, *second
    )


def majority_gauge(tally: Sequence[int], *, favor_contestation: bool = True) -> Gauge:
    """(α, sign, p or q): the first step of :func:`score`."""
    analysis = analyse(tally, favor_contestation=favor_contestation)
    return _gauge(analysis)


def _gauge(analysis: TallyAnalysis) -> Gauge:
    return Gauge(
        analysis.median_grade,
        analysis.second_median_group_sign,
        analysis.second_median_group_size,
    )


def _move(tally: list[int], source: int, target: int) -> None:
    count, tally[source] = tally[source], 0
    tally[target] += count


def score(tally: Sequence[int], *, favor_contestation: bool = True) -> tuple[Gauge, ...]:
    """The iterated gauge (R1): G steps, merging the median group into the larger outer group."""
    current = list(check_tally(tally))
    steps = []
    for _ in range(len(current)):
        analysis = analyse(current, favor_contestation=favor_contestation)
        steps.append(_gauge(analysis))
        _move(current, analysis.median_grade, analysis.second_median_grade)
    return tuple(steps)


def score_string(
    tally: Sequence[int], participants: int | None = None, *, favor_contestation: bool = True
) -> str:
    """MieuxVoter's numeric score string: per step α then N + sign·size, zero-padded."""
    judges = sum(tally) if participants is None else participants
    grade_digits, group_digits = len(str(len(tally))), len(str(judges)) + 1
    return "".join(
        f"{step.grade:0{grade_digits}d}{judges + step.sign * step.size:0{group_digits}d}"
        for step in score(tally, favor_contestation=favor_contestation)
    )


def merit(
    tally: Sequence[int], participants: int | None = None, *, favor_contestation: bool = True
) -> int:
    """MieuxVoter's scalar "MJ-Score" (``computeMerit``): an integer isomorphic to the ranking."""
    judges = sum(tally) if participants is None else participants
    current = list(check_tally(tally))
    analysis = analyse(current, favor_contestation=favor_contestation)
    value = lowest = highest = analysis.median_grade
    for _ in range(len(current) - 1):
        value *= judges
        if analysis.second_median_group_size == 0:
            continue
        if analysis.second_median_group_sign > 0:
            highest = cursor = highest + 1
        else:
            lowest = cursor = lowest - 1
        value += analysis.second_median_group_sign * analysis.second_median_group_size
        _move(current, analysis.median_grade, cursor)
        analysis = analyse(current, favor_contestation=favor_contestation)
    return value


def majority_value(tally: Sequence[int]) -> tuple[int, ...]:
    """Balinski–Laraki majority value (R2): remove one lower-median judgment at a time.

    Costs one step per judgment; meant for small electorates and for checking :func:`score`.
    """
    current = list(check_tally(tally))
    sequence = []
    for _ in range(sum(current)):
        grade = median_grade(current)
        sequence.append(grade)
        current[grade] -= 1
    return tuple(sequence)


def resolution(tally: Sequence[int]) -> list[Group]:
    """The median group, then every outer group by decreasing size (contestation first on ties).

    An outer group at grade g holds all judgments from g outwards: the bulk form of R2.
    """
    alpha = median_grade(tally)
    groups = [Group(sum(tally[: g + 1]), g, "Contestation") for g in range(alpha) if tally[g]]
    groups += [
        Group(sum(tally[g:]), g, "Adhesion") for g in range(alpha + 1, len(tally)) if tally[g]
    ]
    groups.sort(key=lambda group: (-group.size, group.kind != "Contestation"))
    return [Group(tally[alpha], alpha, "Median"), *groups]


def _rank_key(tally: Sequence[int], favor_contestation: bool) -> tuple[tuple[int, Fraction], ...]:
    total = sum(tally) or 1
    steps = score(tally, favor_contestation=favor_contestation)
    return tuple((step.grade, Fraction(step.sign * step.size, total)) for step in steps)


def rank(
    tallies: Mapping[str, Sequence[int]], *, favor_contestation: bool = True
) -> list[RankedProposal]:
    """Proposals best first; equal iterated gauges share a rank; ties keep the input order."""
    keys = {name: _rank_key(tally, favor_contestation) for name, tally in tallies.items()}
    order = sorted(keys, key=keys.__getitem__, reverse=True)
    ranked: list[RankedProposal] = []
    for position, name in enumerate(order, start=1):
        tied = ranked and keys[ranked[-1].proposal] == keys[name]
        gauge = majority_gauge(tallies[name], favor_contestation=favor_contestation)
        shared = ranked[-1].rank if tied else position
        ranked.append(RankedProposal(name, shared, gauge.grade, gauge))
    return ranked


def _check_shape(tallies: Mapping[str, Sequence[int]]) -> dict[str, MeritProfile]:
    checked = {name: check_tally(tally) for name, tally in tallies.items()}
    if len({len(tally) for tally in checked.values()}) > 1:
        raise ValueError("proposals have different numbers of grades")
    return checked


def pad_tallies(
    tallies: Mapping[str, Sequence[int]],
    participants: int | None,
    mode: MissingJudgments | str | None,
    default_grade: int = 0,
) -> dict[str, MeritProfile]:
    """Fill in missing judgments so every proposal has the same total (see MissingJudgments).

    ``participants`` None means the largest total. Raises ValueError on a negative count,
    tallies of different lengths, more judgments than participants, or (mode None) unbalance.
    """
    checked = _check_shape(tallies)
    totals = [sum(tally) for tally in checked.values()]
    judges = max(totals, default=0) if participants is None else participants
    if any(total > judges for total in totals):
        raise ValueError(f"more judgments than participants ({judges})")
    mode = MissingJudgments(mode or MissingJudgments.NONE)
    if mode is MissingJudgments.NONE:
        if len(set(totals)) > 1:
            raise ValueError("unbalanced tallies and no missing-judgment mode")
        return checked
    if mode is MissingJudgments.NORMALIZED:
        common = math.lcm(*[total for total in totals if total])
        return {n: tuple(c * (common // (sum(t) or common)) for c in t) for n, t in checked.items()}
    return {name: _fill(tally, judges, mode, default_grade) for name, tally in checked.items()}


def _fill(tally: MeritProfile, judges: int, mode: MissingJudgments, default: int) -> MeritProfile:
    grade = median_grade(tally) if mode is MissingJudgments.MEDIAN_DEFAULT else default
    filled = list(tally)
    filled[grade] += judges - sum(tally)
    return tuple(filled)


def tally_vote(vote: Vote) -> dict[str, MeritProfile]:
    """Merit profiles of a vote's proposals over the 7 grades of ``model.Grade``.

    The judges are the participants who cast a ballot and the paper ballots entered (each a
    judge, as a cast ballot); a proposal missing from someone's ballot counts as À rejeter
    (StaticDefault with grade 0), so every profile has the same total. Grades for proposals not
    on the vote are ignored.
    """
    counts = {proposal: [0] * len(Grade) for proposal in vote.proposals}
    paper = (ballot for stack in vote.paper for ballot in stack.ballots)
    for ballot in (*vote.ballots.values(), *paper):
        for proposal, tally in counts.items():
            tally[ballot.get(proposal, Grade.A_REJETER)] += 1
    return {proposal: tuple(tally) for proposal, tally in counts.items()}


# --- Fabre (2021): one scalar score per proposal, α + a tie-break term in (−1, 1) ---------------


class ShareGauge(NamedTuple):
    """Median index and the shares strictly above (p) and below (q), shares summing to 1."""

    median: int
    p: float
    q: float


def share_gauge(shares: Sequence[float]) -> ShareGauge:
    """Normalise the shares, take the lower median (first cumulative ≥ ½, to 1e-12)."""
    total = sum(shares)
    cumulative = 0.0
    for index, share in enumerate(shares):
        cumulative += share / total
        if cumulative >= 0.5 - 1e-12:
            return ShareGauge(index, sum(shares[index + 1 :]) / total, sum(shares[:index]) / total)
    raise ValueError(f"shares do not reach one half: {list(shares)}")  # pragma: no cover


def mj_score(g: float, p: float, q: float) -> float:
    """Majority judgment's primary score: g + p if p > q, else g − q."""
    return g + p if p > q else g - q


def typical_score(g: float, p: float, q: float) -> float:
    """Typical judgment (difference, Gale): g + (p − q)."""
    return g + p - q


def usual_score(g: float, p: float, q: float) -> float:
    """Usual judgment (normalised difference): g + (p − q) / (2 × share of the median grade)."""
    return g + (p - q) / (2 * (1 - p - q))


def central_score(
    g: float, p: float, q: float, *, lowest: bool = False, highest: bool = False
) -> float:
    """Central judgment (relative share): g + ½(p − q)/(p + q).

    At the lowest grade (q = 0) Fabre's code adds ½(p − ½), at the highest ½(½ − q), so that
    proposals stuck at an end of the scale are still told apart.
    """
    value = g + 0.5 * (p - q) / (p + q) if p + q > 0 else g
    if lowest:
        value += 0.5 * (p - 0.5)
    if highest:
        value += 0.5 * (0.5 - q)
    return value


def fabre_scores(shares: Sequence[float], grade_values: Sequence[float]) -> dict[str, float]:
    """The four scores of a share profile: keys ``mj``, ``d`` (typical), ``n`` (usual), ``s``."""
    median, p, q = share_gauge(shares)
    g = grade_values[median]
    ends = {"lowest": median == 0, "highest": median == len(shares) - 1}
    return {
        "mj": mj_score(g, p, q),
        "d": typical_score(g, p, q),
        "n": usual_score(g, p, q),
        "s": central_score(g, p, q, **ends),
    }

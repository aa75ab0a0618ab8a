"""Pol.is's statistics given the groups (``ALGORITHM.md`` §5–§8), with k-anonymity on top.

``group_statistics(matrix, membership, k=…)`` takes the position matrix and who is in which
group, and computes what Pol.is computes (``math/src/polismath/math/repness.clj`` and
``conversation.clj``), a position at +1 or +2 being Pol.is's agree, −1 or −2 its disagree, and
neutral or a pass its pass:

* §5 group votes: A (agree), D (disagree), S (seen, passes included) per group and statement,
  moderated-out statements included;
* §6 group-informed consensus: Π over the groups of (A + 1)/(S + 2);
* §7 representative statements per group, against the rest of the groups: the smoothed share
  p = (n + 1)/(s + 2), its one-proportion test, the ratio to the rest and the two-proportion
  test; a statement is *sufficient* when both tests pass 1.2816 (agree or disagree). Statements
  are visited in column order; ``best`` (the largest test, kept while nothing is sufficient,
  compared as Pol.is's float32) and ``best-agree`` (Pol.is's ``beats-best-agr?``) are tracked.
  Nothing sufficient: ``[best-agree]``, else ``[best]``. Otherwise the sufficient ones minus
  best-agree, sorted by ratio × test × p × p-test (stable), best-agree first, the first 5,
  agrees before disagrees (stable). Moderated-out statements are never representative;
* §8 consensus lists over every participant: p > ½ and one-proportion z > 1.2816, sorted by
  p·z (stable), 5 at most, for agree and for disagree; moderated-out statements excluded.

k-anonymity, which Pol.is does not have: a group with fewer than ``k`` members is *hidden*: its
members are left out of every group figure, as Pol.is leaves out who is not "in conv", so that
neither the other groups' "rest" nor any product or spread carries them. A cell (group,
statement) with 1 to k − 1 voters, or hidden by complementary suppression against the people no
shown group holds (``breakdown.hidden_cells``), shows no figures; on such a statement the
consensus and the spread are None and no group gets it as representative. The consensus lists
skip statements with fewer than k voters in the whole room. With ``k = 1`` nothing is hidden and
every figure is Pol.is's own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from .breakdown import hidden_cells
from .matrix import Bools, Floats, Ints, PositionMatrix, _labels
from .params import DEFAULT_K
from .results import (
    Direction,
    GroupAgreement,
    GroupStatistics,
    GroupVotes,
    Majority,
    MajorityStatement,
    Representative,
)

Z_90: Final = 1.2816  # one-sided 90 % normal quantile, Pol.is's significance bar
REPRESENTATIVE_PER_GROUP: Final = 5
MAJORITY_SIZE: Final = 5


def prop_test(successes: Floats | Ints, n: Floats | Ints) -> Floats:
    """Pol.is's one-proportion z against ½: 2·√(n+1)·((s+1)/(n+1) − ½)."""
    s, m = np.asarray(successes) + 1.0, np.asarray(n) + 1.0
    return np.asarray(2 * np.sqrt(m) * (s / m - 0.5), dtype=np.float64)


def two_prop_test(
    s_in: Floats | Ints, s_out: Floats | Ints, n_in: Floats | Ints, n_out: Floats | Ints
) -> Floats:
    """Pol.is's two-proportion z (in against out), every count + 1 first; 0 when p̂ = 1.

    Pol.is computes in exact fractions: the difference and the variance are each formed from
    integers here and divided once, so that the rounding is the same.
    """
    s1, s2 = np.asarray(s_in) + 1.0, np.asarray(s_out) + 1.0
    n1, n2 = np.asarray(n_in) + 1.0, np.asarray(n_out) + 1.0
    difference = (s1 * n2 - s2 * n1) / (n1 * n2)
    variance = (s1 + s2) * (n1 + n2 - s1 - s2) / ((n1 + n2) * n1 * n2)
    safe = np.where(variance > 0, variance, 1.0)
    return np.asarray(np.where(variance > 0, difference / np.sqrt(safe), 0.0), dtype=np.float64)


def group_consensus(agree: Floats | Ints, seen: Floats | Ints) -> Floats:
    """Pol.is group-informed consensus per statement: Π over groups of (agree+1)/(seen+2).

    ``agree`` and ``seen`` are (groups, statements).
    """
    return np.asarray(np.prod((agree + 1.0) / (seen + 2.0), axis=0), dtype=np.float64)


@dataclass(frozen=True)
class _Counts:
    """A, D, S per (group, statement)."""

    agree: Ints
    disagree: Ints
    seen: Ints

    @classmethod
    def of(cls, matrix: PositionMatrix, labels: Ints, groups: int) -> _Counts:
        member = labels[:, None] == np.arange(groups)[None, :]  # (rows, groups)
        weights = member.T.astype(np.intp)

        def per_group(cells: Bools) -> Ints:
            return np.asarray(weights @ cells.astype(np.intp), dtype=np.intp)

        return cls(
            per_group(matrix.agree()), per_group(matrix.disagree()), per_group(matrix.seen())
        )


def group_statistics(
    matrix: PositionMatrix, membership: Mapping[str, str], *, k: int = DEFAULT_K
) -> GroupStatistics:
    """Pol.is's group votes, group-informed consensus, representative statements and consensus
    lists, for the groups ``membership`` gives (participant -> group name; groups in name order).
    """
    names = sorted(set(membership.values()))
    everyone = _labels([membership.get(p, "") for p in matrix.participants], names)
    sizes = np.bincount(everyone[everyone >= 0], minlength=len(names))
    shown = [n for n, size in zip(names, sizes, strict=True) if size >= k]
    labels = _labels([membership.get(p, "") for p in matrix.participants], shown)
    counts = _Counts.of(matrix, labels, len(shown))
    hidden = hidden_cells(counts.seen, matrix.seen().sum(axis=0), k) & (counts.seen > 0)
    touched = np.asarray(hidden.any(axis=0), dtype=bool)
    eligible = ~matrix.moderated_out & ~touched
    stats = _Repness.of(counts)
    return GroupStatistics(
        k=k,
        groups=tuple(shown),
        hidden=tuple(n for n in names if n not in shown),
        statements=_agreement(counts, hidden, touched, matrix.statements),
        representative=tuple(
            _select(stats, g, eligible, matrix.statements) for g in range(len(shown))
        ),
        majority=_majority(matrix, k),
    )


# --- §5, §6: group votes and group-informed consensus ---------------------------------------------


def _agreement(
    counts: _Counts, hidden: Bools, touched: Bools, statements: Sequence[str]
) -> tuple[GroupAgreement, ...]:
    smoothed = (counts.agree + 1.0) / (counts.seen + 2.0)
    consensus = group_consensus(counts.agree, counts.seen)
    spread = smoothed.std(axis=0) if len(smoothed) else np.zeros(len(statements))
    some = len(counts.seen) > 0
    return tuple(
        GroupAgreement(
            statement=statement,
            votes=tuple(
                None
                if hidden[g, s]
                else GroupVotes(
                    agree=int(counts.agree[g, s]),
                    disagree=int(counts.disagree[g, s]),
                    seen=int(counts.seen[g, s]),
                )
                for g in range(len(counts.seen))
            ),
            agree=tuple(
                None if hidden[g, s] else float(smoothed[g, s]) for g in range(len(counts.seen))
            ),
            consensus=float(consensus[s]) if some and not touched[s] else None,
            spread=float(spread[s]) if some and not touched[s] else None,
        )
        for s, statement in enumerate(statements)
    )


# --- §7: representative statements ----------------------------------------------------------------


@dataclass(frozen=True)
class _Repness:
    """Pol.is's comment statistics per (group, statement), the group against the others."""

    na: Ints
    nd: Ints
    ns: Ints
    rest_na: Ints
    rest_nd: Ints
    rest_ns: Ints
    pa: Floats
    pd: Floats
    pat: Floats
    pdt: Floats
    ra: Floats
    rd: Floats
    rat: Floats
    rdt: Floats

    @classmethod
    def of(cls, counts: _Counts) -> _Repness:
        na, nd, ns = counts.agree, counts.disagree, counts.seen
        rest_na, rest_nd, rest_ns = (x.sum(axis=0) - x for x in (na, nd, ns))
        return cls(
            na,
            nd,
            ns,
            rest_na,
            rest_nd,
            rest_ns,
            pa=(na + 1) / (ns + 2),
            pd=(nd + 1) / (ns + 2),
            pat=prop_test(na, ns),
            pdt=prop_test(nd, ns),
            # pa / ((rest + 1)/(rest seen + 2)), one division of integers as Pol.is's fractions.
            ra=((na + 1) * (rest_ns + 2)) / ((ns + 2) * (rest_na + 1)),
            rd=((nd + 1) * (rest_ns + 2)) / ((ns + 2) * (rest_nd + 1)),
            rat=two_prop_test(na, rest_na, ns, rest_ns),
            rdt=two_prop_test(nd, rest_nd, ns, rest_ns),
        )

    def sufficient(self, g: int, s: int) -> bool:
        agree = self.rat[g, s] > Z_90 and self.pat[g, s] > Z_90
        return bool(agree or (self.rdt[g, s] > Z_90 and self.pdt[g, s] > Z_90))

    def test(self, g: int, s: int) -> float:
        """Pol.is's repness-test, as the float32 its output holds."""
        return float(np.float32(max(self.rat[g, s], self.rdt[g, s])))

    def beats_best_agree(self, g: int, s: int, best: int | None) -> bool:
        """Pol.is's ``beats-best-agr?``."""
        if self.na[g, s] == 0 and self.nd[g, s] == 0:
            return False
        if best is not None and self.ra[g, best] > 1.0:
            return bool(self._robust(g, s) > self._robust(g, best))
        if best is not None:
            return bool(self.pa[g, s] * self.pat[g, s] > self.pa[g, best] * self.pat[g, best])
        return bool(self.pat[g, s] > Z_90 or (self.ra[g, s] > 1.0 and self.pa[g, s] > 0.5))

    def _robust(self, g: int, s: int) -> float:
        return float(self.ra[g, s] * self.rat[g, s] * self.pa[g, s] * self.pat[g, s])

    def metric(self, g: int, s: int) -> float:
        """Pol.is's repness metric: repness × repness-test (float32) × p-success × p-test."""
        agree = self.rat[g, s] > self.rdt[g, s]
        ratio, p, z = (self.ra, self.pa, self.pat) if agree else (self.rd, self.pd, self.pdt)
        return float(ratio[g, s] * self.test(g, s) * p[g, s] * z[g, s])

    def entry(self, g: int, s: int, statement: str, best_agree: bool) -> Representative:
        """Pol.is's ``finalize-cmt-stats`` (the direction is agree when rat > rdt), and how the
        entry reads: the best-agree entry as agreement, as Pol.is's client shows it."""
        agree = bool(self.rat[g, s] > self.rdt[g, s])
        n, ratio, p, z = (
            (self.na, self.ra, self.pa, self.pat)
            if agree
            else (self.nd, self.rd, self.pd, self.pdt)
        )
        stance = Direction.AGREE if agree or best_agree else Direction.DISAGREE
        mine, rest = (
            (self.na, self.rest_na) if stance is Direction.AGREE else (self.nd, self.rest_nd)
        )
        seen, rest_seen = int(self.ns[g, s]), int(self.rest_ns[g, s])
        return Representative(
            statement=statement,
            direction=Direction.AGREE if agree else Direction.DISAGREE,
            best_agree=best_agree,
            stance=stance,
            group_share=float(mine[g, s] / seen) if seen else 0.0,
            rest_share=float(rest[g, s] / rest_seen) if rest_seen else 0.0,
            ratio=float(ratio[g, s]),
            z=self.test(g, s),
            probability=float(p[g, s]),
            z_probability=float(z[g, s]),
            successes=int(n[g, s]),
            voters=seen,
        )


def _select(
    stats: _Repness, g: int, eligible: Bools, statements: Sequence[str]
) -> tuple[Representative, ...]:
    """Pol.is's ``select-rep-comments`` for group ``g``."""
    sufficient: list[int] = []
    best: int | None = None
    best_agree: int | None = None
    for s in (int(i) for i in np.flatnonzero(eligible)):
        if stats.sufficient(g, s):
            sufficient.append(s)
        if not sufficient and (
            best is None or max(stats.rat[g, s], stats.rdt[g, s]) > stats.test(g, best)
        ):
            best = s
        if stats.beats_best_agree(g, s, best_agree):
            best_agree = s
    head = [] if best_agree is None else [stats.entry(g, best_agree, statements[best_agree], True)]
    if not sufficient:
        if head:
            return tuple(head)
        return () if best is None else (stats.entry(g, best, statements[best], False),)
    ranked = sorted((s for s in sufficient if s != best_agree), key=lambda s: -stats.metric(g, s))
    chosen = [*head, *(stats.entry(g, s, statements[s], False) for s in ranked)]
    chosen = chosen[:REPRESENTATIVE_PER_GROUP]
    return tuple(
        [r for r in chosen if r.direction is Direction.AGREE]
        + [r for r in chosen if r.direction is Direction.DISAGREE]
    )


# --- §8: consensus lists -------------------------------------------------------------------------


def _majority(matrix: PositionMatrix, k: int) -> Majority:
    na = matrix.agree().sum(axis=0)
    nd = matrix.disagree().sum(axis=0)
    ns = matrix.seen().sum(axis=0)
    eligible = ~matrix.moderated_out & (ns >= k)
    return Majority(
        agree=_top(matrix.statements, na, ns, eligible),
        disagree=_top(matrix.statements, nd, ns, eligible),
    )


def _top(
    statements: Sequence[str], successes: Ints, seen: Ints, eligible: Bools
) -> tuple[MajorityStatement, ...]:
    p = (successes + 1) / (seen + 2)
    z = prop_test(successes, seen)
    chosen = [int(s) for s in np.flatnonzero(eligible & (p > 0.5) & (z > Z_90))]
    chosen.sort(key=lambda s: -float(p[s] * z[s]))  # stable: ties keep the column order
    return tuple(
        MajorityStatement(
            statement=statements[s],
            successes=int(successes[s]),
            voters=int(seen[s]),
            probability=float(p[s]),
            z=float(z[s]),
        )
        for s in chosen[:MAJORITY_SIZE]
    )

"""Pol.is's statistics given the groups (``group_statistics``), against ``ALGORITHM.md`` §5–§8.

Every expected figure is worked out by hand from the formulas, written out here:

    p = (n + 1)/(s + 2)                              smoothed share (§7)
    prop(n, s) = 2·√(s + 1)·((n + 1)/(s + 1) − ½)     one-proportion z
    two(n1, n2, s1, s2): p1 = (n1+1)/(s1+1), p2 = (n2+1)/(s2+1), p̂ = (n1+n2+2)/(s1+s2+2),
        z = (p1 − p2)/√(p̂(1 − p̂)(1/(s1+1) + 1/(s2+1)))
    ratio = p / ((n_rest + 1)/(s_rest + 2))

A vote table reads one row per participant: ``A`` agree (+2), ``a`` agree (+1), ``D`` disagree
(−2), ``d`` disagree (−1), ``0`` neutral, ``P`` pass, ``.`` no position.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import msgspec
import numpy as np
import pytest

from session_engine.opinions import (
    Direction,
    GroupVotes,
    PositionMatrix,
    group_statistics,
    prop_test,
    two_prop_test,
)

CODE = {"A": 4, "a": 3, "0": 2, "d": 1, "D": 0, "P": 5, ".": -1}


def matrix(rows: dict[str, str], out: Sequence[int] = ()) -> PositionMatrix:
    """Participants (rows, in the given order) × statements c0, c1…; ``out``: moderated out."""
    width = len(next(iter(rows.values())))
    codes = np.array([[CODE[c] for c in row] for row in rows.values()], dtype=np.int8)
    return PositionMatrix(
        participants=tuple(rows),
        statements=tuple(f"c{j}" for j in range(width)),
        codes=codes,
        moderated_out=np.array([j in out for j in range(width)], dtype=bool),
    )


def prop(n: int, s: int) -> float:
    return 2 * math.sqrt(s + 1) * ((n + 1) / (s + 1) - 0.5)


def two(n1: int, n2: int, s1: int, s2: int) -> float:
    p1, p2 = (n1 + 1) / (s1 + 1), (n2 + 1) / (s2 + 1)
    pooled = (n1 + n2 + 2) / (s1 + s2 + 2)
    return (p1 - p2) / math.sqrt(pooled * (1 - pooled) * (1 / (s1 + 1) + 1 / (s2 + 1)))


def f32(x: float) -> float:
    """Pol.is stores repness-test as a float32."""
    return float(np.float32(x))


def test_the_two_z_tests_are_pol_is_own() -> None:
    assert prop_test(np.array([4]), np.array([4]))[0] == pytest.approx(math.sqrt(5))
    assert prop_test(np.array([6]), np.array([10]))[0] == pytest.approx(prop(6, 10))
    assert two_prop_test(np.array([4]), np.array([0]), np.array([4]), np.array([4]))[0] == (
        pytest.approx(0.8 / math.sqrt(0.6 * 0.4 * 0.4))
    )
    # p̂ = 1: every vote a success on both sides; Pol.is answers 0.
    assert two_prop_test(np.array([3]), np.array([2]), np.array([3]), np.array([2]))[0] == 0.0


# --- §5–§7 on two camps, a moderated-out statement --------------------------------------------

TWO_CAMPS = {  # c0 c1 c2 c3 (c3 moderated out)
    "a1": "AaDA",
    "a2": "AaDa",
    "a3": "aPdA",
    "a4": "Ad.A",
    "b1": "DaAD",
    "b2": "daAD",
    "b3": "DPa.",
    "b4": "Dd..",
}
CAMPS = {p: "G1" if p.startswith("a") else "G2" for p in TWO_CAMPS}


def test_group_votes_count_agree_disagree_and_seen_moderated_out_included() -> None:
    stats = group_statistics(matrix(TWO_CAMPS, out=[3]), CAMPS, k=1)
    assert stats.groups == ("G1", "G2")
    assert [line.votes for line in stats.statements] == [
        (GroupVotes(agree=4, disagree=0, seen=4), GroupVotes(agree=0, disagree=4, seen=4)),
        (GroupVotes(agree=2, disagree=1, seen=4), GroupVotes(agree=2, disagree=1, seen=4)),
        (GroupVotes(agree=0, disagree=3, seen=3), GroupVotes(agree=3, disagree=0, seen=3)),
        (GroupVotes(agree=4, disagree=0, seen=4), GroupVotes(agree=0, disagree=2, seen=2)),
    ]


def test_group_informed_consensus_multiplies_smoothed_agree_shares() -> None:
    stats = group_statistics(matrix(TWO_CAMPS, out=[3]), CAMPS, k=1)
    assert [line.consensus for line in stats.statements] == pytest.approx(
        [(5 / 6) * (1 / 6), (3 / 6) * (3 / 6), (1 / 5) * (4 / 5), (5 / 6) * (1 / 4)]
    )
    assert next(line.agree for line in stats.statements) == pytest.approx((5 / 6, 1 / 6))
    assert stats.statements[0].spread == pytest.approx((5 / 6 - 1 / 6) / 2)


def test_representative_statements_best_agree_first_then_sufficient_agrees_before_disagrees() -> (
    None
):
    stats = group_statistics(matrix(TWO_CAMPS, out=[3]), CAMPS, k=1)
    g1, g2 = stats.representative
    # G1, c0: 4 of 4 agree, 0 of 4 in G2: p = 5/6, prop = √5, ratio (5/6)/(1/6) = 5,
    # two(4, 0, 4, 4) = 0.8/√(0.6·0.4·0.4): sufficient, and best-agree (the first with
    # prop > 1.2816). c2: 3 of 3 disagree, 0 of 3 in G2: sufficient for disagree.
    # c1 (the camps alike) is not; c3 is moderated out, though G1 agrees with it.
    assert [(r.statement, r.direction, r.best_agree) for r in g1] == [
        ("c0", Direction.AGREE, True),
        ("c2", Direction.DISAGREE, False),
    ]
    c0, c2 = g1
    assert (c0.successes, c0.voters, c0.group_share, c0.rest_share) == (4, 4, 1.0, 0.0)
    assert c0.probability == pytest.approx(5 / 6)
    assert c0.z_probability == pytest.approx(math.sqrt(5))
    assert c0.ratio == pytest.approx(5.0)
    assert c0.z == f32(two(4, 0, 4, 4))
    assert (c2.successes, c2.voters) == (3, 3)
    assert c2.ratio == pytest.approx((4 / 5) / (1 / 5))
    assert c2.z_probability == pytest.approx(prop(3, 3))
    assert c2.z == f32(two(3, 0, 3, 3))
    # G2 mirrors it: c0 disagree and c2 agree; its best-agree is c2 (c0 has no agree, c1's
    # ratio is 1, not above 1, and its prop is 2·√5·0.1 < 1.2816), put first.
    assert [(r.statement, r.direction, r.best_agree) for r in g2] == [
        ("c2", Direction.AGREE, True),
        ("c0", Direction.DISAGREE, False),
    ]


def test_a_statement_moderated_out_is_never_representative_though_it_would_be() -> None:
    kept = group_statistics(matrix(TWO_CAMPS), CAMPS, k=1)
    assert "c3" in {r.statement for r in kept.representative[0]}  # G1: 4/4 against 0/2
    moderated = group_statistics(matrix(TWO_CAMPS, out=[3]), CAMPS, k=1)
    assert "c3" not in {r.statement for group in moderated.representative for r in group}


# --- §7: a tie, and groups with nothing significant --------------------------------------------

TIE = {  # c0 and c1 alike: the same statistics, kept in column order
    "a1": "DD0",
    "a2": "DD0",
    "a3": "DDa",
    "a4": "DDd",
    "b1": "aa0",
    "b2": "aa0",
    "b3": "aaa",
    "b4": "aad",
}


def test_a_tie_keeps_the_column_order() -> None:
    g1, _ = group_statistics(matrix(TIE), {p: p[0] for p in TIE}, k=1).representative
    # G1 disagrees with c0 and c1 alike: metric ratio·z·p·prop equal; c2 is no one's.
    # No agree at all in G1 (c2: 1 of 4, prop(1, 4) < 1.2816, ratio 1): no best-agree.
    assert [(r.statement, r.direction, r.best_agree) for r in g1] == [
        ("c0", Direction.DISAGREE, False),
        ("c1", Direction.DISAGREE, False),
    ]
    assert g1[0] == msgspec.structs.replace(g1[1], statement="c0")


ALIKE = {  # both groups vote alike: nothing sets a group apart
    "a1": "AaD",
    "a2": "aaD",
    "a3": "AP0",
    "b1": "Aad",
    "b2": "aAD",
    "b3": "aP0",
}


def test_a_group_with_nothing_significant_gets_its_best_agree_statement() -> None:
    stats = group_statistics(matrix(ALIKE), {p: p[0] for p in ALIKE}, k=1)
    for group in stats.representative:
        (only,) = group
        # c0: 3 of 3 agree in each group: prop(3, 3) = 2 > 1.2816, the first best-agree; the
        # two z are both 0 (no difference), so Pol.is's label, rat > rdt, reads disagree;
        # it reads as agreement all the same (Pol.is's client shows it with n-agree).
        assert (only.statement, only.best_agree) == ("c0", True)
        assert only.direction is Direction.DISAGREE
        assert only.stance is Direction.AGREE
        assert (only.group_share, only.rest_share) == (1.0, 1.0)
        assert (only.successes, only.voters) == (0, 3)  # Pol.is's n-success: the disagrees
        assert only.z == 0.0


NONE_AGREE = {  # nobody agrees with anything; the groups differ a little on c1 only
    "a1": "DD",
    "a2": "DD",
    "a3": "D0",
    "b1": "D0",
    "b2": "D0",
    "b3": "DD",
}


def test_without_best_agree_the_best_test_stands_in() -> None:
    g1, g2 = group_statistics(matrix(NONE_AGREE), {p: p[0] for p in NONE_AGREE}, k=1).representative
    # No agree anywhere: no best-agree. Nothing sufficient: c0 has z 0 both ways; on c1, G1
    # disagrees 2 of 3 against 1 of 3: two(2, 1, 3, 3) = 0.5/√(0.5·0.5·0.5) ≈ 0.707 < 1.2816.
    # best = the largest max(rat, rdt) in column order: c1 for G1 (0.707 > 0).
    (best,) = g1
    assert (best.statement, best.direction, best.best_agree) == ("c1", Direction.DISAGREE, False)
    assert best.z == f32(two(2, 1, 3, 3))
    assert best.ratio == pytest.approx((3 / 5) / (2 / 5))
    # G2 on c1: rdt = −0.707 and rat = two(0, 0, 3, 3) = 0: c0 came first with 0 and c1 does
    # not beat it (0 is not above 0): best is c0, labelled disagree (rat > rdt is false).
    (best2,) = g2
    assert (best2.statement, best2.direction) == ("c0", Direction.DISAGREE)


def test_at_most_five_representatives() -> None:
    rows = {f"a{i}": "A" * 7 for i in range(6)} | {f"b{i}": "D" * 7 for i in range(6)}
    g1, _ = group_statistics(matrix(rows), {p: p[0] for p in rows}, k=1).representative
    assert [r.statement for r in g1] == ["c0", "c1", "c2", "c3", "c4"]
    assert g1[0].best_agree
    assert not any(r.best_agree for r in g1[1:])


# --- §8: the consensus lists -------------------------------------------------------------------


def test_consensus_lists_over_everyone_top_five_stable_on_ties() -> None:
    agree = {0: 8, 1: 10, 2: 9, 3: 10, 4: 7, 5: 8, 6: 10, 7: 0, 8: 6}
    rows = {}
    for i in range(10):
        row = ""
        for c in range(9):
            if c == 7:
                row += "D"  # c7: all ten disagree
            else:
                row += "A" if i < agree[c] else "P"
        rows[f"p{i}"] = row
    stats = group_statistics(matrix(rows, out=[6]), {}, k=1)
    # p·prop for 10 voters: 10 agree: (11/12)·√11; 9: (10/12)·2·√11·(10/11 − ½);
    # 8: (9/12)·2·√11·(9/11 − ½); 7: (8/12)·2·√11·(8/11 − ½) (prop ≈ 1.51 > 1.2816, fifth
    # place taken); 6: prop ≈ 0.90, out. c6 qualifies but is moderated out.
    assert [m.statement for m in stats.majority.agree] == ["c1", "c3", "c2", "c0", "c5"]
    first = stats.majority.agree[0]
    assert (first.successes, first.voters) == (10, 10)
    assert first.probability == pytest.approx(11 / 12)
    assert first.z == pytest.approx(math.sqrt(11))
    assert [m.statement for m in stats.majority.disagree] == ["c7"]


# --- k-anonymity on top ------------------------------------------------------------------------

SMALL = {  # A and B of five, C of two (under k = 5), and five people in no group
    **{f"a{i}": "AAD" for i in range(5)},
    **{f"b{i}": "DAA" for i in range(5)},
    "c0": "ADD",
    "c1": "ADD",
    **{f"u{i}": "aPd" for i in range(5)},
}


def test_a_group_under_k_is_hidden_and_left_out_of_every_group_figure() -> None:
    membership = {p: p[0].upper() for p in SMALL if not p.startswith("u")}
    stats = group_statistics(matrix(SMALL), membership, k=5)
    assert (stats.groups, stats.hidden) == (("A", "B"), ("C",))
    # C's members are no group's, like the five others: A's cells hold A's five only.
    assert stats.statements[0].votes[0] == GroupVotes(agree=5, disagree=0, seen=5)
    # Every group figure is the same whatever C's two members think.
    flipped = {**SMALL, "c0": "DAA", "c1": "DAA"}
    other = group_statistics(matrix(flipped), membership, k=5)
    assert other.statements == stats.statements
    assert other.representative == stats.representative
    # Without the five others, the room minus A and B would be C: a shown cell is hidden too.
    alone = {p: v for p, v in SMALL.items() if not p.startswith("u")}
    assert all(
        None in line.votes for line in group_statistics(matrix(alone), membership).statements
    )


def test_a_cell_under_k_voters_hides_itself_and_what_it_would_enter() -> None:
    rows = {**{f"a{i}": "AA" for i in range(5)}, **{f"b{i}": "D." for i in range(5)}}
    rows |= {"b0": "DD", "b1": "DD"}  # only two of B took c1
    stats = group_statistics(matrix(rows), {p: p[0] for p in rows}, k=5)
    c1 = stats.statements[1]
    # B's two voters are under k; A's five are hidden with them (else the room minus A).
    assert c1.votes == (None, None)
    assert c1.agree == (None, None)
    assert (c1.consensus, c1.spread) == (None, None)
    assert all(r.statement != "c1" for group in stats.representative for r in group)
    assert stats.statements[0].consensus == pytest.approx((6 / 7) * (1 / 7))

"""Final collective opinions, scenario by scenario, every figure checked by hand.

Rooms are stated as events (folded by the harness's ``given``), so the same events also feed the
opinion shift. Positions are −2..+2 or ``None`` (a pass).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path

import msgspec
import numpy as np
import pytest

from session_engine import read_log, replay
from session_engine.codec import Envelope
from session_engine.events import (
    BallotCast,
    Event,
    ParticipantJoined,
    PositionTaken,
    StatementHidden,
    VoteOpened,
)
from session_engine.majority import rank, tally_vote
from session_engine.model import Grade, ParticipantRole, Territory
from session_engine.opinions import (
    Direction,
    Distribution,
    GroupVotes,
    OpinionGroups,
    Scope,
    Shift,
    adjusted_rand_index,
    default_min_positions,
    distributions,
    group_consensus,
    kmeans,
    max_groups,
    opinion_groups,
    opinion_shift,
    opinions,
    position_history,
    project,
    silhouette,
    suppressed,
    territory_consensus,
    vote_results,
)
from session_engine.opinions.clustering import first_distinct
from session_engine.state import SessionState

from .harness import a_session, a_statement, given, joined

HABITANT, ELU = ParticipantRole.HABITANT, ParticipantRole.ELU
DEMO = Path(__file__).resolve().parents[2] / "replays" / "demo-metrokawa-120.mkawa"


# --- a room, stated as events -------------------------------------------------------------------


def territories(n: int) -> tuple[Territory, ...]:
    return tuple(
        Territory(id=f"t{i}", name=f"Territoire {i}", commune=f"Commune {i}", qpv=i <= 2)
        for i in range(1, n + 1)
    )


def a_room(
    people: dict[str, str],
    statements: Sequence[str] = ("s1",),
    *,
    roles: dict[str, ParticipantRole] | None = None,
    territory_count: int = 3,
) -> list[Event]:
    """A session with ``people`` (participant -> territory) and published ``statements``."""
    roles = roles or {}
    events: list[Event] = [*a_session(territories=territories(territory_count))]
    events += [joined(p, territory=t, role=roles.get(p, HABITANT)) for p, t in people.items()]
    for sid in statements:
        events += a_statement(sid)
    return events


def took(statement: str, **values: int | None) -> list[Event]:
    """``took("s1", p1=2, p2=None)``: each participant takes a position, in that order."""
    return [
        PositionTaken(participant=p, statement=statement, value=v, round=1)
        for p, v in values.items()
    ]


def state_of(events: list[Event]) -> SessionState:
    return given(events).state


def partition(groups: OpinionGroups) -> set[frozenset[str]]:
    return {frozenset(group.members) for group in groups.groups}


# --- distributions and k-anonymity --------------------------------------------------------------

FOUR = {"p1": "t1", "p2": "t2", "p3": "t1", "p4": "t2"}


def four_people_on_the_lifts() -> list[Event]:
    """p1 (t1) +2, p2 (t2, élu) −1, p3 (t1) passes, p4 (t2) +1; a hidden statement is ignored."""
    return [
        *a_room(FOUR, ("s1", "s2"), roles={"p2": ELU}),
        *took("s1", p1=2, p2=-1, p3=None, p4=1),
        *took("s2", p1=-2, p2=-2),
        StatementHidden(statement="s2"),
    ]


def test_distribution_counts_each_level_and_passes_overall_and_per_territory() -> None:
    (s1,) = distributions(state_of(four_people_on_the_lifts()), k=2)
    assert s1.statement == "s1"  # s2 was hidden: no distribution for it
    assert s1.overall == Distribution(
        group="all", voters=4, hidden=False, counts=(0, 1, 0, 1, 1), passes=1
    )
    t1, t2, t3 = s1.territories
    assert t1 == Distribution(group="t1", voters=2, hidden=False, counts=(0, 0, 0, 0, 1), passes=1)
    assert t2 == Distribution(group="t2", voters=2, hidden=False, counts=(0, 1, 0, 1, 0), passes=0)
    assert t3 == Distribution(group="t3", voters=0, hidden=True, counts=None, passes=None)
    assert s1.overall.agree_share == pytest.approx(2 / 4)  # a pass is a voter who does not agree


def test_participation_counts_who_took_a_position_in_each_territory() -> None:
    state = state_of([*a_room({**FOUR, "p5": "t2"}), *took("s1", p1=2, p3=None, p4=1)])
    (s1,) = distributions(state, k=2)
    assert [(p.territory, p.participants, p.voters, p.share) for p in s1.participation] == [
        ("t1", 2, 2, 1.0),
        ("t2", 3, 1, pytest.approx(1 / 3)),
        ("t3", 0, 0, None),
    ]


def test_a_lone_small_group_hides_the_next_smallest_so_subtraction_reveals_nothing() -> None:
    # Roles: 3 habitants and 1 élu. With k = 2 the élu is hidden; shown alone, the habitants'
    # counts subtracted from the room's would give the élu's position: they are hidden too.
    (s1,) = distributions(state_of(four_people_on_the_lifts()), k=2)
    assert [(d.group, d.voters, d.hidden) for d in s1.roles] == [
        ("habitant", 3, True),
        ("elu", 1, True),
        ("technicien", 0, True),
        ("autre", 0, True),
    ]
    assert all(d.counts is None and d.passes is None for d in s1.roles)


def test_with_the_default_k_of_5_four_people_show_no_figures_at_all() -> None:
    (s1,) = distributions(state_of(four_people_on_the_lifts()))
    assert s1.overall.hidden
    assert s1.overall.counts is None
    assert s1.overall.voters == 4
    assert all(d.hidden for d in (*s1.territories, *s1.roles))
    assert s1.overall.agree_share is None


def test_suppression_rule_hidden_groups_hold_zero_or_at_least_k_voters() -> None:
    assert suppressed([10, 3, 8], 5) == [False, True, True]  # 3 alone: hide 8 (smallest shown)
    assert suppressed([10, 0, 8], 5) == [False, True, False]  # an empty group reveals nothing
    assert suppressed([2, 3, 10], 5) == [True, True, False]  # 2 + 3 hidden together: enough
    assert suppressed([1, 1, 5, 6], 5) == [True, True, True, False]
    assert suppressed([4], 5) == [True]


# --- numerics checked by hand -------------------------------------------------------------------


def test_silhouette_of_two_groups_of_three_points_on_a_line() -> None:
    points = np.array([[0.0, 0], [1, 0], [2, 0], [10, 0], [11, 0], [12, 0]])
    # Point 0: a = (1 + 2)/2, b = (10 + 11 + 12)/3 = 11 -> 9.5/11; point 1: a = 1, b = 10 ->
    # 9/10; point 2: a = 1.5, b = 9 -> 7.5/9; the other group mirrors them.
    expected = (9.5 / 11 + 9 / 10 + 7.5 / 9) / 3
    assert silhouette(points, np.array([0, 0, 0, 1, 1, 1])) == pytest.approx(expected)


def test_silhouette_gives_a_point_alone_in_its_group_zero() -> None:
    points = np.array([[0.0, 0], [1, 0], [5, 0]])
    # Point 0: a = 1, b = 5 -> 0.8; point 1: a = 1, b = 4 -> 0.75; point 2 alone: 0.
    assert silhouette(points, np.array([0, 0, 1])) == pytest.approx((0.8 + 0.75 + 0) / 3)
    assert silhouette(points, np.array([0, 0, 0])) == 0.0  # one group: undefined, scored 0


def test_pca_of_a_rank_one_matrix_finds_its_one_direction() -> None:
    u = np.array([-3.0, -1, 0, 1, 3])  # mean 0: the matrix is already centred
    v = np.array([1.0, -2, 2])
    projection = project(np.outer(u, v))
    first, second = (np.array(c) for c in projection.components)
    # |v| = 3; of the largest loadings (−2, 2) the first is made positive: the sign is −v.
    assert first == pytest.approx(-v / 3)
    assert float(second @ v) == pytest.approx(0.0, abs=1e-9)  # any unit vector orthogonal to v
    assert projection.explained_variance_ratio == pytest.approx((1.0, 0.0), abs=1e-12)
    xs = [x for x, _ in projection.coordinates]
    assert xs == pytest.approx(list(-u * 3))
    assert [y for _, y in projection.coordinates] == pytest.approx([0.0] * 5, abs=1e-9)


def test_pca_signs_are_fixed_so_flipping_the_data_gives_the_same_components() -> None:
    rng = np.random.default_rng(3)
    data = rng.normal(size=(20, 6))
    data -= data.mean(axis=0)
    flipped = np.array(project(-data).components)
    assert np.array(project(data).components) == pytest.approx(flipped)


def test_kmeans_finds_two_blobs_and_names_the_larger_group_first() -> None:
    rng = np.random.default_rng(1)
    small = rng.normal(loc=(10, 10), scale=0.3, size=(4, 2))
    large = rng.normal(loc=(0, 0), scale=0.3, size=(7, 2))
    points = np.vstack([small, large])
    labels = kmeans(points, 2, seed=9)
    assert list(labels) == [1] * 4 + [0] * 7
    assert np.array_equal(kmeans(points, 2, seed=9), labels)  # seeded: the same every time


def test_adjusted_rand_index_by_hand() -> None:
    assert adjusted_rand_index([0, 0, 1, 1], [5, 5, 7, 7]) == 1.0  # same partition, renamed
    # Table [[2, 0], [1, 1]]: index 1, rows 2, columns 3, pairs 6: expected 1, max 2.5 -> 0.
    assert adjusted_rand_index([0, 0, 1, 1], [0, 0, 0, 1]) == pytest.approx(0.0)
    # [[2, 1], [0, 3]]: index 1 + 3 = 4, rows 3 + 3 = 6, columns 1 + 6 = 7, pairs 15:
    # expected 42/15 = 2.8, max 6.5 -> (4 − 2.8)/(6.5 − 2.8) = 1.2/3.7.
    found = [0, 0, 1, 1, 1, 1]
    assert adjusted_rand_index([0, 0, 0, 1, 1, 1], found) == pytest.approx(1.2 / 3.7)


def test_group_informed_consensus_is_the_product_of_smoothed_agree_shares() -> None:
    # Group A: 3 of 4 agree -> 4/6; group B: 1 of 2 -> 2/4; together 1/3.
    # Second statement: nobody agrees in either group of 3 -> (1/5)².
    agree = np.array([[3, 0], [1, 0]])
    seen = np.array([[4, 3], [2, 3]])
    assert group_consensus(agree, seen) == pytest.approx([1 / 3, 1 / 25])


def test_min_positions_default_is_polis_seven_or_every_statement_when_fewer() -> None:
    assert default_min_positions(40) == 7
    assert default_min_positions(300) == 7
    assert default_min_positions(7) == 7
    assert default_min_positions(4) == 4


# --- opinion groups -----------------------------------------------------------------------------

TEN = {f"p{i}": f"t{(i - 1) % 2 + 1}" for i in range(1, 11)}
CAMP_A = ("p1", "p2", "p3", "p4", "p5")
CAMP_B = ("p6", "p7", "p8", "p9", "p10")


def two_camps() -> list[Event]:
    """Five people for a new tram line (s1 +2, s3 −2), five against; everyone wants benches
    (s2 +1); on s4 only four of camp A voted (all +2) and camp B all −2."""
    events = a_room(TEN, ("s1", "s2", "s3", "s4"), territory_count=2)
    for p in CAMP_A:
        events += took("s1", **{p: 2}) + took("s2", **{p: 1}) + took("s3", **{p: -2})
    for p in CAMP_B:
        events += took("s1", **{p: -2}) + took("s2", **{p: 1}) + took("s3", **{p: 2})
        events += took("s4", **{p: -2})
    events += took("s4", p1=2, p2=2, p3=2, p4=2)
    return events


def test_two_planted_camps_are_found_as_two_groups() -> None:
    groups = opinion_groups(state_of(two_camps()))
    assert partition(groups) == {frozenset(CAMP_A), frozenset(CAMP_B)}
    # Two distinct points of view: 2 base clusters, under 12, so Pol.is tries 2 groups only.
    assert [s.groups for s in groups.silhouettes] == [2]
    assert groups.min_positions == 4  # every statement: there are fewer than 7
    assert groups.left_out == ()  # p5 took 3, but fewer than 15 qualify: topped up


def test_representative_statement_by_hand_with_the_small_sample_guard() -> None:
    groups = opinion_groups(state_of(two_camps()))
    camp_a = next(g for g in groups.groups if "p1" in g.members)
    reps = {(r.statement, r.direction): r for r in camp_a.representative}
    s1 = reps[("s1", Direction.AGREE)]
    # 5 of 5 agree in the group, 0 of 5 in the rest: p = 6/7, p' = 1/7, ratio 6;
    # two-proportion z on (6/6, 1/6) with pooled 7/12: (5/6) / sqrt(7/12 · 5/12 · 2/6).
    assert (s1.group_share, s1.rest_share, s1.voters) == (1.0, 0.0, 5)
    assert s1.ratio == pytest.approx(6.0)
    assert s1.z == pytest.approx((5 / 6) / math.sqrt(7 / 12 * 5 / 12 * 2 / 6))
    assert ("s3", Direction.DISAGREE) in reps
    assert not any(r.statement == "s2" for r in camp_a.representative)  # no difference
    # s4: only 4 of camp A voted, fewer than k = 5: not representative of camp A…
    assert not any(r.statement == "s4" for r in camp_a.representative)
    # …unless k lets 4 voters speak for a group: p = 5/6 against 1/7 for the rest.
    looser = opinion_groups(state_of(two_camps()), k=4)
    camp_a4 = next(g for g in looser.groups if "p1" in g.members)
    s4 = next(r for r in camp_a4.representative if r.statement == "s4")
    assert (s4.direction, s4.voters) == (Direction.AGREE, 4)
    assert s4.ratio == pytest.approx(35 / 6)
    assert s4.z == pytest.approx((5 / 5 - 1 / 6) / math.sqrt(1 / 11))


def test_consensus_and_divisive_statements_across_the_two_camps() -> None:
    groups = opinion_groups(state_of(two_camps()))
    by_statement = {a.statement: a for a in groups.statements}
    assert by_statement["s2"].consensus == pytest.approx((6 / 7) * (6 / 7))  # all agree, 5 + 5
    assert by_statement["s2"].spread == pytest.approx(0.0)
    assert by_statement["s1"].consensus == pytest.approx((6 / 7) * (1 / 7))
    assert by_statement["s1"].spread == pytest.approx((6 / 7 - 1 / 7) / 2)  # std of two values
    assert groups.consensus == ("s2",)
    # s4: only 4 of camp A voted, under k = 5: that cell shows nothing, nor what it would
    # enter (consensus, spread), so s4 can neither unite nor divide the groups.
    s4 = by_statement["s4"]
    assert (s4.consensus, s4.spread) == (None, None)
    # Camp B's five are hidden with it: else the room's counts minus camp B's give camp A's.
    assert s4.agree == (None, None)
    assert s4.votes == (None, None)
    s2 = by_statement["s2"]
    assert s2.votes == (GroupVotes(agree=5, disagree=0, seen=5),) * 2
    assert set(groups.divisive) == {"s1", "s3"}


def test_a_group_smaller_than_k_is_never_formed() -> None:
    events = a_room({**TEN, "p11": "t1", "p12": "t2"}, ("s1", "s2", "s3"), territory_count=2)
    for p in (*CAMP_A, *CAMP_B):
        events += took("s1", **{p: 2}) + took("s2", **{p: 1}) + took("s3", **{p: -2})
    for p in ("p11", "p12"):  # two dissenters
        events += took("s1", **{p: -2}) + took("s2", **{p: -2}) + took("s3", **{p: 2})
    state = state_of(events)
    # Two dissenters cannot be a group of their own (k = 5): they join the others, which
    # leaves one group, and one group is no opinion group at all.
    groups = opinion_groups(state)
    assert groups.groups == ()
    assert all(d.groups == () for d in distributions(state, groups=groups))
    # With k = 2 they are a group, shown like any other.
    looser = opinion_groups(state, k=2)
    assert [g.members for g in looser.groups] == [
        ("p1", "p10", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"),
        ("p11", "p12"),
    ]


FIFTEEN_AND_ONE = {f"p{i}": f"t{(i - 1) % 2 + 1}" for i in range(1, 17)}


def fifteen_in_two_camps_and_p16() -> list[Event]:
    """p1..p8 for the tram (s1..s4 at +2/−2 alternately), p9..p15 against; p16 took 2."""
    events = a_room(FIFTEEN_AND_ONE, ("s1", "s2", "s3", "s4"), territory_count=2)
    for i in range(1, 16):
        sign = 1 if i <= 8 else -1
        for j, sid in enumerate(("s1", "s2", "s3", "s4")):
            events += took(sid, **{f"p{i}": sign * (2 if j % 2 else -2)})
    return events + took("s1", p16=2) + took("s2", p16=-2)


def test_participants_with_too_few_positions_are_left_out_of_the_groups() -> None:
    # Pol.is's rule: at least min(7, statements) = 4 positions; 15 people qualify, enough.
    groups = opinion_groups(state_of(fifteen_in_two_camps_and_p16()))
    assert groups.min_positions == 4
    assert groups.left_out == ("p16",)
    assert "p16" not in groups.participants
    assert len(groups.groups) == 2
    assert opinion_groups(state_of(fifteen_in_two_camps_and_p16()), min_positions=2).left_out == ()


def test_fewer_than_15_qualifying_are_topped_up_with_those_who_took_most() -> None:
    dropped = ("p14", "p15")
    events = [
        e
        for e in fifteen_in_two_camps_and_p16()
        if not (isinstance(e, PositionTaken) and e.participant in dropped and e.statement != "s1")
    ]  # p14 and p15 now took 1 position, p16 took 2: 13 qualify, 2 more are needed
    groups = opinion_groups(state_of(events))
    # p16 (2 positions) first, then p14 before p15 (1 each): rows in id order.
    assert groups.left_out == ("p15",)
    assert {"p14", "p16"} <= set(groups.participants)
    assert len(groups.participants) == 15


def test_positions_on_moderated_out_statements_count_towards_being_clustered() -> None:
    events = fifteen_in_two_camps_and_p16()  # p16 took s1 and s2
    events += [*a_statement("s5"), *took("s5", p16=1), StatementHidden(statement="s5")]
    groups = opinion_groups(state_of(events), min_positions=3)
    assert "p16" in groups.participants  # s1, s2 and s5, hidden since: 3 positions
    assert [line.statement for line in groups.statements] == ["s1", "s2", "s3", "s4"]


def test_a_room_that_agrees_on_everything_has_no_groups_but_a_consensus() -> None:
    events = a_room(TEN, ("s1", "s2", "s3"), territory_count=2)
    for p in TEN:
        events += took("s1", **{p: 1}) + took("s2", **{p: 2}) + took("s3", **{p: None})
    events += took("s1", p10=0)  # p10 changes its mind: s1 is agreed by 9 of 10
    result = opinions(state_of(events), events)
    # p10 alone would be a group of one: it joins the nine, and one group is no group.
    assert result.groups.groups == ()
    assert result.consensus == ("s2", "s1")  # the larger share first; s3 was passed by all
    assert result.territories.shared == ("s1", "s2")  # both territories agree


def test_an_empty_session_has_empty_opinions() -> None:
    result = opinions(SessionState(), [])
    assert result.statements == ()
    assert result.votes == ()
    assert result.consensus == ()
    assert result.shift is not None
    assert result.shift.overall.pairs == 0


def test_too_few_people_make_no_groups() -> None:
    events = [*a_room({"p1": "t1", "p2": "t1", "p3": "t2"}, ("s1", "s2"))]
    events += took("s1", p1=2, p2=-2, p3=1) + took("s2", p1=2, p2=-2, p3=1)
    groups = opinion_groups(state_of(events))
    assert groups.groups == ()
    assert groups.consensus == ()
    assert groups.divisive == ()


# --- the acceptance test: planted groups are recovered ------------------------------------------


def planted_room(
    seed: int,
    *,
    people: int = 120,
    statements: int = 40,
    groups: int = 3,
    noise: float = 0.2,
    fill: float = 1.0,
) -> tuple[list[Event], dict[str, int]]:
    """Each planted group has its own agree / disagree pattern (±1 or ±2 per statement); each
    position is replaced by a uniformly random −2..+2 with probability ``noise``."""
    rng = np.random.default_rng(seed)
    pattern = rng.choice([-1, 1], size=(groups, statements)) * rng.choice(
        [1, 2], size=(groups, statements)
    )
    truth = rng.permutation(np.arange(people) % groups)
    values = pattern[truth]
    noisy = rng.random(values.shape) < noise
    values = np.where(noisy, rng.integers(-2, 3, size=values.shape), values)
    filled = rng.random(values.shape) < fill
    room = {f"p{i}": f"t{i % 6 + 1}" for i in range(people)}
    events = a_room(room, [f"s{j}" for j in range(statements)], territory_count=6)
    for i, j in zip(*np.nonzero(filled), strict=True):
        events += took(f"s{j}", **{f"p{i}": int(values[i, j])})
    return events, {f"p{i}": int(truth[i]) for i in range(people)}


def ari(groups: OpinionGroups, truth: dict[str, int]) -> float:
    found = {member: n for n, group in enumerate(groups.groups) for member in group.members}
    people = sorted(truth)
    return adjusted_rand_index([truth[p] for p in people], [found.get(p, -1) for p in people])


@pytest.mark.parametrize("room", [0, 1, 2, 3, 4])
def test_three_planted_groups_at_20_percent_noise_are_recovered_whatever_the_seed(
    room: int,
) -> None:
    events, truth = planted_room(room)
    state = state_of(events)
    groups = opinion_groups(state)
    assert len(groups.groups) == 3
    assert ari(groups, truth) >= 0.975
    for seed in range(1, 10):  # the seed only draws extra starts: the same groups, same names
        assert opinion_groups(state, seed=seed).groups == groups.groups


def test_even_a_noisy_room_gets_the_same_groups_whatever_the_seed() -> None:
    # Four planted groups, 45 % noise, half the cells empty: a k-means whose starts were drawn
    # from the seed found 4 groups or 5, and other members, from one seed to the next.
    events, _ = planted_room(0, statements=30, groups=4, noise=0.45, fill=0.5)
    state = state_of(events)
    first = opinion_groups(state)
    assert first.groups
    for seed in range(1, 10):
        assert opinion_groups(state, seed=seed).groups == first.groups


@pytest.mark.parametrize("room", [10, 11, 12])
def test_planted_groups_are_recovered_with_a_third_of_the_cells_empty(room: int) -> None:
    events, truth = planted_room(room, fill=0.65)
    groups = opinion_groups(state_of(events))
    assert len(groups.groups) == 3
    assert ari(groups, truth) >= 0.975


def test_the_number_of_groups_tried_grows_with_the_base_clusters_as_pol_is() -> None:
    # max-k = min(5, 2 + ⌊base clusters / 12⌋), written out.
    table = {1: 2, 11: 2, 12: 3, 23: 3, 24: 4, 35: 4, 36: 5, 100: 5}
    assert {base: max_groups(base) for base in table} == table


def test_base_clusters_start_on_the_first_distinct_points_in_row_order() -> None:
    points = np.array([[0.0, 0], [0, 0], [3, 1], [0, 0], [9, 9], [3, 1]])
    assert first_distinct(points, 100).tolist() == [[0, 0], [3, 1], [9, 9]]
    assert first_distinct(points, 2).tolist() == [[0, 0], [3, 1]]


def lopsided_room() -> tuple[list[Event], dict[str, int]]:
    """30 people for, 30 against on s0..s7 (alternately +2 and −2), and 3 who side with the
    first camp there but are alone against s8..s11, which both camps want: a small third
    camp. Each person passes on one statement (``i`` mod 12): enough distinct points for Pol.is
    to try 3 groups (12 base clusters or more)."""
    people = {f"p{i}": f"t{i % 2 + 1}" for i in range(1, 64)}
    events = a_room(people, [f"s{j}" for j in range(12)], territory_count=2)
    truth = {}
    for i in range(1, 64):
        camp = 0 if i <= 30 else 1 if i <= 60 else 2
        truth[f"p{i}"] = camp
        camp_values = [(2, -2, 2)[camp] * (1 if j % 2 else -1) for j in range(8)]
        camp_values += [-2 if camp == 2 else 2] * 4
        for j, value in enumerate(camp_values):
            events += took(f"s{j}", **{f"p{i}": None if j == i % 12 else value})
    return events, truth


def test_no_group_is_ever_smaller_than_k() -> None:
    events, _ = lopsided_room()
    state = state_of(events)
    for k in (5, 3):
        groups = opinion_groups(state, k=k)
        assert groups.groups
        assert min(len(g.members) for g in groups.groups) >= k
    # With k = 3 the three can be a group of their own; with k = 5 they join a camp.
    assert [len(g.members) for g in opinion_groups(state, k=3).groups] == [30, 30, 3]
    assert sorted(len(g.members) for g in opinion_groups(state, k=5).groups) == [30, 33]


# --- determinism --------------------------------------------------------------------------------


def test_same_input_same_output() -> None:
    events, _ = planted_room(7)
    first = msgspec.json.encode(opinions(state_of(events), events))
    again = msgspec.json.encode(opinions(state_of(events), events))
    assert first == again


def test_participants_joining_in_another_order_give_the_same_groups() -> None:
    events, _ = planted_room(8)
    joins = [e for e in events if isinstance(e, ParticipantJoined)]
    positions = [e for e in events if isinstance(e, PositionTaken)]
    others = [e for e in events if not isinstance(e, ParticipantJoined | PositionTaken)]
    shuffled = np.random.default_rng(0).permutation(len(positions))
    reordered = [*others[:1], *reversed(joins), *others[1:], *(positions[i] for i in shuffled)]
    straight = opinion_groups(state_of(events))
    permuted = opinion_groups(state_of(reordered))
    assert partition(permuted) == partition(straight)


# --- territories: shared and local problems -----------------------------------------------------

FIFTEEN = {f"p{i}": f"t{(i - 1) // 5 + 1}" for i in range(1, 16)}  # t1: p1..p5, t2: p6..p10…


def by_territory(
    statement: str, t1: list[int | None], t2: list[int | None], t3: list[int | None]
) -> list[Event]:
    values = [*t1, *t2, *t3]
    return took(statement, **{f"p{i}": v for i, v in enumerate(values, start=1)})


def three_territories() -> list[Event]:
    return [
        *a_room(FIFTEEN, ("s1", "s2", "s3", "s4")),
        *by_territory("s1", [2, 2, 1, 1, 0], [1, 1, 1, 2, -1], [2, 1, 1, None, 2]),  # 4/5, 4/5, 4/5
        *by_territory("s2", [2, 2, 2, 1, 0], [1, 0, 0, -1, -2], [0, 0, 1, -1, -1]),  # t1 only
        *by_territory("s3", [1, 1, 1, 0, 0], [2, 2, 2, -2, None], [1, 0, 0, 0, 0]),  # 3/5 ×2
        *by_territory("s4", [-2, -2, 0, 1, 0], [-1] * 5, [0] * 5),  # nowhere
    ]


def test_shared_local_and_not_agreed_statements_across_three_territories() -> None:
    consensus = territory_consensus(state_of(three_territories()))
    scopes = {s.statement: s for s in consensus.statements}
    assert scopes["s1"].scope is Scope.SHARED
    assert scopes["s1"].agreed_in == ("t1", "t2", "t3")
    assert scopes["s2"].scope is Scope.LOCAL
    assert scopes["s2"].agreed_in == ("t1",)
    # 3/5 = 0.6 reaches the threshold in t1 and t2; two of three territories: local.
    assert scopes["s3"].scope is Scope.LOCAL
    assert scopes["s3"].agreed_in == ("t1", "t2")
    assert scopes["s4"].scope is Scope.NOT_AGREED
    assert scopes["s4"].agreed_in == ()
    assert consensus.shared == ("s1",)
    assert consensus.local == ("s2", "s3")
    assert [t.agree_share for t in scopes["s2"].territories] == pytest.approx([0.8, 0.2, 0.2])
    assert scopes["s1"].eligible == 3
    assert scopes["s1"].kind == "problem"


def test_asking_for_two_territories_makes_a_two_territory_problem_shared() -> None:
    consensus = territory_consensus(state_of(three_territories()), shared_min=2)
    assert consensus.shared == ("s1", "s3")
    assert consensus.local == ("s2",)


def test_a_territory_with_too_few_voters_is_not_eligible() -> None:
    # Only 4 people of t3 vote on s1 (k = 5): t3 is hidden, so is t1 (complementary); the
    # statement agreed in t2 alone, the only eligible territory, stays local.
    events = [*a_room(FIFTEEN, ("s1",)), *by_territory("s1", [2] * 5, [2] * 5, [])]
    events += took("s1", p11=2, p12=2, p13=2, p14=2)
    (scope,) = territory_consensus(state_of(events)).statements
    assert [t.agree_share for t in scope.territories] == [None, 1.0, None]
    assert scope.eligible == 1
    assert scope.scope is Scope.LOCAL


# --- majority judgment per territory ------------------------------------------------------------

EX, BI, AB, PA, IN = (
    Grade.EXCELLENT,
    Grade.BIEN,
    Grade.ASSEZ_BIEN,
    Grade.PASSABLE,
    Grade.INSUFFISANT,
)


def a_vote_in_four_territories() -> list[Event]:
    """t1: 6 voters love pr1 (Excellent), pr2 Passable; t2: 5 voters, pr1 Insuffisant,
    pr2 Bien; t3 (3 voters) and t4 (2 voters): pr1 Bien, pr2 Assez bien."""
    sizes = {"t1": 6, "t2": 5, "t3": 3, "t4": 2}
    people = {f"{t}p{n}": t for t, size in sizes.items() for n in range(size)}
    grades = {"t1": (EX, PA), "t2": (IN, BI), "t3": (BI, AB), "t4": (BI, AB)}
    events = [*a_room(people, (), territory_count=4)]
    events.append(VoteOpened(vote="v1", proposals=("pr1", "pr2")))
    for p, t in people.items():
        pr1, pr2 = grades[t]
        events.append(BallotCast(vote="v1", participant=p, grades={"pr1": pr1, "pr2": pr2}))
    return events


def test_majority_judgment_for_the_room_and_per_territory() -> None:
    state = state_of(a_vote_in_four_territories())
    (result,) = vote_results(state)
    # Room, 16 judgments: pr1 (0,5,0,0,5,0,6) -> 8th from the worst is Bien;
    # pr2 (0,0,6,5,5,0,0) -> 8th is Assez bien.
    room = result.overall
    assert room.voters == 16
    assert not room.hidden
    assert [(p.proposal, p.rank, p.majority_grade_label) for p in room.proposals] == [
        ("pr1", 1, "Bien"),
        ("pr2", 2, "Assez bien"),
    ]
    assert room.proposals[0].profile == (0, 5, 0, 0, 5, 0, 6)
    assert [r.proposal for r in rank(tally_vote(state.votes["v1"]))] == ["pr1", "pr2"]
    t1, t2, t3, t4 = result.territories
    assert [(p.proposal, p.majority_grade) for p in t1.proposals] == [("pr1", 6), ("pr2", 2)]
    assert [(p.proposal, p.majority_grade) for p in t2.proposals] == [("pr2", 4), ("pr1", 1)]
    assert t2.proposals[0].profile == (0, 0, 0, 0, 5, 0, 0)
    # t3 and t4 are under k = 5; together they hold 5 voters, so t1 and t2 can be shown.
    assert (t3.hidden, t3.voters, t3.proposals) == (True, 3, ())
    assert (t4.hidden, t4.voters, t4.proposals) == (True, 2, ())


def test_a_lone_small_territory_hides_the_smallest_other_one_in_the_vote() -> None:
    events = [e for e in a_vote_in_four_territories() if getattr(e, "participant", "")[:2] != "t4"]
    (result,) = vote_results(state_of(events))
    assert [(t.group, t.voters, t.hidden) for t in result.territories] == [
        ("t1", 6, False),
        ("t2", 5, True),  # else t3 = room − t1 − t2
        ("t3", 3, True),
        ("t4", 0, True),
    ]


# --- opinion shift ------------------------------------------------------------------------------


def minds_changing() -> list[Event]:
    """p1 (t1): +2, −1, +1; p2 (t2): 0, 0; p3 (t1): pass then +2; p4 (t2): +1 once."""
    return [
        *a_room(FOUR, ("s1",)),
        *took("s1", p1=2, p2=0, p3=None, p4=1),
        *took("s1", p1=-1, p2=0, p3=2),
        *took("s1", p1=1),
    ]


def test_position_history_keeps_first_and_last_and_counts() -> None:
    history = position_history(minds_changing())
    assert (history[("p1", "s1")].first, history[("p1", "s1")].last) == (2, 1)
    assert history[("p1", "s1")].count == 3
    assert (history[("p3", "s1")].first, history[("p3", "s1")].last) == (None, 2)
    assert history[("p4", "s1")].count == 1
    envelopes = [
        Envelope(seq=n, at=0, actor="system", cmd=None, event=e)
        for n, e in enumerate(minds_changing(), start=1)
    ]
    assert position_history(envelopes) == history
    assert set(position_history(envelopes, min_count=2)) == {
        ("p1", "s1"),
        ("p2", "s1"),
        ("p3", "s1"),
    }


def test_opinion_shift_first_against_last_overall_and_per_territory() -> None:
    events = minds_changing()
    shift = opinion_shift(state_of(events), events, k=1)
    (s1,) = shift.statements
    # Moves: p1 2 -> 1 (−1), p2 0 -> 0, p3 pass -> 2 (changed, no numeric shift); p4 once: out.
    assert s1.overall == Shift(
        group="all",
        people=3,
        pairs=3,
        hidden=False,
        changed=2,
        changed_share=2 / 3,
        mean_shift=-0.5,
    )
    t1, t2, _ = s1.territories
    assert (t1.changed, t1.pairs, t1.mean_shift) == (2, 2, -1.0)
    assert (t2.changed, t2.pairs, t2.mean_shift) == (0, 1, 0.0)
    assert shift.overall.pairs == 3


def test_opinion_shift_is_hidden_for_territories_under_k() -> None:
    events = minds_changing()
    shift = opinion_shift(state_of(events), events, k=2)
    (s1,) = shift.statements
    assert not s1.overall.hidden  # three people moved
    # t2: one person (hidden); t1 alone would give it away by subtraction: hidden too.
    assert [(t.group, t.people, t.hidden) for t in s1.territories] == [
        ("t1", 2, True),
        ("t2", 1, True),
        ("t3", 0, True),
    ]
    assert all(t.mean_shift is None and t.changed is None for t in s1.territories)


# --- everything together ------------------------------------------------------------------------


def test_opinions_bundle_the_room_and_encode_to_json() -> None:
    events = two_camps()
    result = opinions(state_of(events), events, k=5)
    assert [s.statement for s in result.statements] == ["s1", "s2", "s3", "s4"]
    assert partition(result.groups) == {frozenset(CAMP_A), frozenset(CAMP_B)}
    s2 = result.statements[1]
    assert [d.counts for d in s2.groups] == [(0, 0, 0, 5, 0), (0, 0, 0, 5, 0)]
    # Everyone agrees with s2, both camps and both territories: it is the room's consensus.
    assert result.consensus == ("s2",)
    assert result.shift is not None
    assert result.shift.overall.pairs == 0
    plain = msgspec.to_builtins(result)
    assert plain["groups"]["groups"][0]["representative"][0]["direction"] in ("agree", "disagree")
    # Plain data that the standard library's json writes as msgspec would.
    assert json.loads(json.dumps(plain)) == msgspec.json.decode(msgspec.json.encode(result))
    assert opinions(state_of(events)).shift is None


def test_demo_archive_opinions() -> None:
    _, envelopes = read_log(DEMO.read_bytes())
    state = replay(envelopes)
    result = opinions(state, envelopes)
    assert len(result.statements) == sum(
        1 for s in state.statements.values() if s.status == "published"
    )
    assert 2 <= len(result.groups.groups) <= 5
    assert result.groups.left_out == ()  # everyone took at least 7 positions
    assert result.votes[0].overall.voters == 120
    assert all(not t.hidden for t in result.votes[0].territories)  # 20 voters each
    assert set(result.consensus) <= set(result.territories.shared)
    assert msgspec.json.encode(result) == msgspec.json.encode(opinions(state, envelopes))

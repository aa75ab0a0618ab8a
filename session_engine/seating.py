"""Seating: who sits at which Table for the coming round, and who hosts it.

This module owns the seating planner of a Métrokawa. It is pure: people, the plan in force and a
seed go in, a ``SeatingPlan`` comes out, byte for byte the same for the same inputs whatever the
process's hash seed (people are put in natural id order, "p2" before "p10", before any draw).

Strategy. A plan is built on a working board of T tables (``seating_search.Board``), in three
passes:

1. *Pinned* people go back to their table first: in ``rotate``, everyone who ``stays_seated``, and
   under ``HostPolicy.STAY`` every Host, who also keeps the role.
2. Everyone else is dealt QPV residents first, each group round robin over territories, each
   person to the open table where they add the least cost. A table is open while taking one more
   person keeps every table's size within one of the others.
3. A local search swaps people at different tables while that lowers the cost of the plan
   (``seating_search``: repeated pairs first, at every size; then a QPV resident a table, Hosts
   who hosted least, travellers who change tables, then the mix of territories).

Then each table without a kept Host is hosted by its member who has hosted least (``times_hosted``,
ties drawn by the seeded RNG): the cost has already put someone who hosted least at every table
where that seats no pair again, so nobody hosts twice before everyone has hosted once.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from itertools import zip_longest
from typing import TypeAlias

import msgspec

from .model import HostPolicy, TableSeating
from .seating_search import Board, improve, repeat_weight

__all__ = [
    "PairCounts",
    "PlanQuality",
    "Seatable",
    "SeatingPlan",
    "initial_plan",
    "pair_key",
    "pairs_of",
    "place_late_arrival",
    "plan_quality",
    "random_plan",
    "rotate",
    "seated_with",
    "seated_without",
    "successor_host",
    "table_count",
]

PairCounts: TypeAlias = Mapping[tuple[str, str], int]
SeatingPlan: TypeAlias = tuple[TableSeating, ...]

_DIGITS = re.compile(r"(\d+)")


class Seatable(msgspec.Struct, frozen=True, kw_only=True):
    """What the planner needs to know about one participant."""

    participant: str  # id like "p17"
    territory: str  # territory id like "t3"
    qpv_resident: bool  # an habitant·e of a QPV territory
    stays_seated: bool  # accessibility: never moved once seated
    times_hosted: int  # how many plans so far made them Host


class PlanQuality(msgspec.Struct, frozen=True, kw_only=True):
    """Figures that say how well a plan mixes people (for tests, the bench and the console)."""

    tables: int
    repeated_pairs: int  # pairs now together that had already sat together
    min_territories_per_table: int
    mean_territories_per_table: float
    max_territory_share: float  # the largest share of one table taken by one territory
    tables_without_qpv_resident: int  # ...that could have had one (see ``plan_quality``)


# --- small public helpers ---------------------------------------------------------------------


def _natural_key(text: str) -> tuple[tuple[int | str, ...], str]:
    """Sort key putting "p2" before "p10"; the raw text last keeps "p02" and "p2" apart."""
    parts = _DIGITS.split(text)  # digits land at the odd positions
    return tuple(int(part) if i % 2 else part for i, part in enumerate(parts)), text


def table_count(people: int, table_size: int) -> int:
    """How many tables ``people`` need at ``table_size`` a table (at least one)."""
    if table_size < 2:
        raise ValueError(f"table_size must be at least 2, got {table_size}")
    return max(1, -(-people // table_size))


def pair_key(a: str, b: str) -> tuple[str, str]:
    """The key of the pair {a, b} in ``PairCounts``: the two ids in natural order."""
    return (a, b) if _natural_key(a) <= _natural_key(b) else (b, a)


def pairs_of(plan: SeatingPlan) -> list[tuple[str, str]]:
    """Every pair sitting together in ``plan``, table by table, in natural order within one."""
    pairs: list[tuple[str, str]] = []
    for seating in plan:
        members = sorted(seating.members, key=_natural_key)
        pairs.extend((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
    return pairs


# --- the working board ------------------------------------------------------------------------


def _new_board(
    people: Sequence[Seatable], tables: int, pair_counts: PairCounts, current: SeatingPlan
) -> tuple[Board, list[Seatable]]:
    """The empty board, and the people in natural id order (the board's indices)."""
    ordered = sorted(people, key=lambda s: _natural_key(s.participant))
    index = {s.participant: i for i, s in enumerate(ordered)}
    if len(index) != len(ordered):
        raise ValueError("the same participant is listed twice")
    territories = sorted({s.territory for s in ordered}, key=_natural_key)
    territory_index = {name: i for i, name in enumerate(territories)}
    n = len(ordered)
    met = _met_lists(index, pair_counts)
    hosted = [s.times_hosted for s in ordered]
    most_met = max((c for m in met for c in m.values()), default=0)
    board = Board(
        territory=[territory_index[s.territory] for s in ordered],
        qpv=[s.qpv_resident for s in ordered],
        hosted=hosted,
        rank=list(range(n)),
        met=met,
        previous=_previous_tables(index, current),
        table_of=[-1] * n,
        seats=[[] for _ in range(tables)],
        kept_host=[None] * tables,
        qpv_count=[0] * tables,
        base=n // tables,
        extra=n % tables,
        w_repeat=repeat_weight(n, tables, most_met, max(hosted, default=0)),
        least_hosted=min(hosted, default=0),
    )
    return board, ordered


def _met_lists(index: Mapping[str, int], pair_counts: PairCounts) -> list[dict[int, int]]:
    met: list[dict[int, int]] = [{} for _ in index]
    for (a, b), count in pair_counts.items():
        i, j = index.get(a), index.get(b)
        if i is not None and j is not None and count > 0:  # pairs with someone gone don't matter
            met[i][j] = met[j][i] = count
    return met


def _previous_tables(index: Mapping[str, int], current: SeatingPlan) -> list[int]:
    previous = [-1] * len(index)
    for seating in current:
        for member in seating.members:
            if member in index:
                previous[index[member]] = seating.table - 1
    return previous


# --- the passes -------------------------------------------------------------------------------


def _pin(
    board: Board, people: Sequence[Seatable], current: SeatingPlan, host_policy: HostPolicy
) -> None:
    """Pass 1: put back those who keep their table (and, under STAY, the Hosts' role)."""
    index = {s.participant: i for i, s in enumerate(people)}
    for seating in current:
        t = seating.table - 1
        keeps_host = host_policy is HostPolicy.STAY and seating.host in index
        keeps_host = keeps_host and seating.host in seating.members  # a Host sits at their table
        for member in seating.members:
            p = index.get(member)
            if p is not None and (
                people[p].stays_seated or (keeps_host and member == seating.host)
            ):
                board.seat(p, t)
        if keeps_host and seating.host is not None:
            board.kept_host[t] = index[seating.host]


def _dealing_order(board: Board, travellers: Sequence[int], rng: random.Random) -> list[int]:
    """Pass 2 order: QPV residents first, since every table needs one and they are the scarce
    kind; within each kind, territories take turns so that early tables are already mixed."""
    qpv = [p for p in travellers if board.qpv[p]]
    others = [p for p in travellers if not board.qpv[p]]
    return _round_robin(board, qpv, rng) + _round_robin(board, others, rng)


def _round_robin(board: Board, group: Sequence[int], rng: random.Random) -> list[int]:
    lanes: dict[int, list[int]] = {}
    for p in group:
        lanes.setdefault(board.territory[p], []).append(p)
    ordered = [lanes[k] for k in sorted(lanes)]
    for lane in ordered:
        rng.shuffle(lane)
    return [p for turn in zip_longest(*ordered) for p in turn if p is not None]


def _fill(board: Board, people: Sequence[Seatable], rng: random.Random) -> SeatingPlan:
    """Passes 2 and 3 on a board whose pinned people are already seated; then the Hosts."""
    rng.shuffle(board.rank)  # who hosts among members who hosted as often
    travellers = [p for p in range(len(people)) if board.table_of[p] < 0]
    everywhere = list(board.tables)
    for p in _dealing_order(board, travellers, rng):
        board.seat(p, board.best_table(p, everywhere))
    improve(board, rng, travellers)
    return tuple(_seating(board, people, t) for t in board.tables)


def _seating(board: Board, people: Sequence[Seatable], t: int) -> TableSeating:
    host = board.host(t)
    return TableSeating(
        table=t + 1,
        host=None if host is None else people[host].participant,
        members=tuple(people[m].participant for m in sorted(board.seats[t])),
    )


# --- planning -----------------------------------------------------------------------------------


def initial_plan(people: Sequence[Seatable], *, table_size: int, seed: int) -> SeatingPlan:
    """The first plan of a session: mixed tables, Hosts chosen by ``times_hosted`` then seed."""
    tables = table_count(len(people), table_size)
    if not people:
        return ()
    board, ordered = _new_board(people, tables, {}, ())
    return _fill(board, ordered, random.Random(seed))


def rotate(
    people: Sequence[Seatable],
    current: SeatingPlan,
    *,
    pair_counts: PairCounts,
    table_size: int,
    host_policy: HostPolicy,
    seed: int,
) -> SeatingPlan:
    """The next plan: travellers move, people who stay seated don't, repeated pairs are avoided.

    ``people`` is everyone in the session now: those absent from it have left, and those absent
    from ``current`` arrived late and are seated like travellers. Tables are never removed."""
    needed = table_count(len(people), table_size)
    if not people:
        return ()
    highest = max((s.table for s in current), default=0)
    board, ordered = _new_board(people, max(needed, len(current), highest), pair_counts, current)
    _pin(board, ordered, current, host_policy)
    return _fill(board, ordered, random.Random(seed))


def random_plan(people: Sequence[Seatable], *, table_size: int, seed: int) -> SeatingPlan:
    """The baseline the bench compares with: shuffle, deal round the tables, first dealt hosts."""
    tables = table_count(len(people), table_size)
    if not people:
        return ()
    ids = sorted((s.participant for s in people), key=_natural_key)
    random.Random(seed).shuffle(ids)
    dealt = [ids[t::tables] for t in range(tables)]
    return tuple(
        TableSeating(table=t + 1, host=hand[0], members=tuple(sorted(hand, key=_natural_key)))
        for t, hand in enumerate(dealt)
    )


def place_late_arrival(
    person: Seatable,
    current: SeatingPlan,
    people: Mapping[str, Seatable],
    *,
    pair_counts: PairCounts,
) -> tuple[int, bool]:
    """Where someone arriving mid-round sits: the table with the fewest members, then the
    fewest of their territory, then the fewest people they have met, then the lowest number.
    They host it only if it has no Host. With no table at all, they open table 1 as its Host."""
    if not current:
        return 1, True

    def rank(seating: TableSeating) -> tuple[int, int, int, int]:
        others = [people.get(m) for m in seating.members]
        same = sum(1 for o in others if o is not None and o.territory == person.territory)
        met = sum(1 for m in seating.members if pair_counts.get(pair_key(person.participant, m)))
        return len(seating.members), same, met, seating.table

    best = min(current, key=rank)
    return best.table, best.host is None


# --- changes on the night -----------------------------------------------------------------------
# A move, a departure or a handover changes the plan in force in place; the next ``rotate`` starts
# from that plan, the pair counts (a mover has met their new table) and ``times_hosted`` (a new
# host has hosted once more), so it accounts for every change.


def seated_with(members: Sequence[str], participant: str) -> tuple[str, ...]:
    """A table's members with ``participant`` added, in natural id order (as plans list them)."""
    return tuple(sorted((*members, participant), key=_natural_key))


def seated_without(members: Sequence[str], participant: str) -> tuple[str, ...]:
    return tuple(member for member in members if member != participant)


def successor_host(members: Sequence[str], times_hosted: Mapping[str, int]) -> str | None:
    """Who hosts a table its host has left: the member who has hosted least, then the first in
    natural id order; ``None`` for a table nobody sits at any more."""
    if not members:
        return None
    return min(members, key=lambda m: (times_hosted.get(m, 0), _natural_key(m)))


# --- quality ------------------------------------------------------------------------------------


def plan_quality(
    plan: SeatingPlan, people: Mapping[str, Seatable], pair_counts_before: PairCounts
) -> PlanQuality:
    """Mixing figures of ``plan``. Territory figures look at occupied tables only. A table
    without a QPV resident counts only if it could have had one: with Q residents for T tables,
    T - Q such tables are unavoidable and are not counted."""
    occupied = [s for s in plan if s.members]
    mixes = [Counter(people[m].territory for m in s.members) for s in occupied]
    distinct = [len(mix) for mix in mixes]
    shares = [max(mix.values()) / len(s.members) for mix, s in zip(mixes, occupied, strict=True)]
    residents = sum(people[m].qpv_resident for s in occupied for m in s.members)
    lacking = sum(1 for s in occupied if not any(people[m].qpv_resident for m in s.members))
    return PlanQuality(
        tables=len(plan),
        repeated_pairs=sum(1 for pair in pairs_of(plan) if pair_counts_before.get(pair, 0) > 0),
        min_territories_per_table=min(distinct, default=0),
        mean_territories_per_table=sum(distinct) / len(distinct) if distinct else 0.0,
        max_territory_share=max(shares, default=0.0),
        tables_without_qpv_resident=max(0, lacking - max(0, len(occupied) - residents)),
    )

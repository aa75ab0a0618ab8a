"""Seating: who sits at which Table for the coming round, and who hosts it.

This module owns the seating planner of a Métrokawa. It is pure: people, the plan in force and a
seed go in, a ``SeatingPlan`` comes out, byte for byte the same for the same inputs whatever the
process's hash seed (people are put in natural id order, "p2" before "p10", before any draw).

Strategy. A plan is built on a working board of T tables, in four passes:

1. *Pinned* people go back to their table first: in ``rotate``, everyone who ``stays_seated``, and
   under ``HostPolicy.STAY`` every Host, who also keeps the role.
2. *Hosts* are chosen for the tables still without one: lowest ``times_hosted`` first, ties drawn
   by the seeded RNG, so nobody hosts twice before everyone has hosted once. A pinned person may
   only host their own table; the others are placed, one per host-free table, by cost. One bend:
   a table already holding its share of pinned people takes its Host from among them.
3. *Travellers* (everyone else) are dealt QPV residents first, each group round robin over
   territories, each person to the open table where they add the least cost. A table is open while
   taking one more person keeps every table's size within one of the others.
4. A bounded local search draws pairs of movable people (two travellers, or two newly placed
   Hosts) at different tables and swaps them when that lowers the total cost.

The cost of a plan (lower is better) is a sum over tables of:

* ``_W_NO_QPV`` (1000) if the table has no QPV resident: minimising it spreads them one a table;
* ``_W_SAME_TABLE`` (1000) per traveller sent back to the table they have just left;
* ``_W_REPEAT`` (100) per earlier round shared by two people now sitting together;
* ``_W_TERRITORY`` (10) per two people of one territory at the table. A table of 3 + 1 + 1 + 1
  costs 3 such pairs and one of 2 + 2 + 1 + 1 only 2, so dominance costs more than linearly.

While dealing, ``_W_SIZE`` (1) per person already seated breaks ties toward smaller tables.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import TypeAlias

import msgspec

from .model import HostPolicy, TableSeating

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
    "table_count",
]

PairCounts: TypeAlias = Mapping[tuple[str, str], int]
SeatingPlan: TypeAlias = tuple[TableSeating, ...]

_W_NO_QPV = 1000
_W_SAME_TABLE = 1000
_W_REPEAT = 100
_W_TERRITORY = 10
_W_SIZE = 1
# Swap attempts per plan, per movable person and at most: enough to settle 120 people, few
# enough to stay well under 50 ms.
_STEPS_PER_MOVER = 25
_SEARCH_STEPS = 2500

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


@dataclass(slots=True)
class _Board:
    """One plan being built. People are indices into ``people`` (natural id order) and tables
    are indices 0..T-1 (table number minus one), so the inner loops compare ints, not strings."""

    people: list[Seatable]
    territory: list[int]  # territory index of each person
    met: list[dict[int, int]]  # met[i][j]: rounds i and j have already sat together
    previous: list[int]  # table each person has just left, -1 for none
    table_of: list[int]  # table each person sits at now, -1 while unseated
    seats: list[list[int]]
    host: list[int | None]
    qpv_count: list[int]  # per table, QPV residents
    base: int  # every table ends with base or base + 1 people...
    extra: int  # ...and exactly `extra` of them with base + 1
    over: int = 0  # tables that have reached base + 1

    @property
    def tables(self) -> range:
        return range(len(self.seats))

    def seat(self, p: int, t: int) -> None:
        self.seats[t].append(p)
        self.table_of[p] = t
        self.qpv_count[t] += self.people[p].qpv_resident
        if len(self.seats[t]) == self.base + 1:
            self.over += 1

    def has_room(self, t: int) -> bool:
        # Only `extra` tables may grow past `base`, which is what keeps sizes within one.
        size = len(self.seats[t])
        return size < self.base or (size == self.base and self.over < self.extra)

    def open_tables(self, among: Sequence[int]) -> list[int]:
        room = [t for t in among if self.has_room(t)]
        if room:
            return room
        # Reached only when pinned people overfill tables: then the emptiest of `among` will do.
        low = min(len(self.seats[t]) for t in among)
        return [t for t in among if len(self.seats[t]) == low]

    def link_cost(self, p: int, t: int, absent: int = -1) -> int:
        """What p costs at table t, as if ``absent`` had already left it (see the module doc)."""
        met, own = self.met[p], self.territory[p]
        cost = _W_SAME_TABLE if self.previous[p] == t else 0
        for m in self.seats[t]:
            if m != p and m != absent:
                cost += _W_REPEAT * met.get(m, 0)
                cost += _W_TERRITORY if self.territory[m] == own else 0
        return cost

    def placement_cost(self, p: int, t: int) -> int:
        fills_gap = self.people[p].qpv_resident and self.qpv_count[t] == 0
        return self.link_cost(p, t) - _W_NO_QPV * fills_gap + _W_SIZE * len(self.seats[t])

    def best_table(self, p: int, among: Sequence[int]) -> int:
        return min(self.open_tables(among), key=lambda t: (self.placement_cost(p, t), t))

    def swap_gain(self, a: int, b: int) -> int:
        """How much the total cost drops if a and b trade tables (negative: it rises)."""
        ta, tb = self.table_of[a], self.table_of[b]
        shift = self.people[a].qpv_resident - self.people[b].qpv_resident
        before = self.link_cost(a, ta) + self.link_cost(b, tb)
        if before == 0 and shift == 0:
            return 0  # link costs are never negative, so nothing can improve
        after = self.link_cost(a, tb, absent=b) + self.link_cost(b, ta, absent=a)
        return before - after + _W_NO_QPV * self.qpv_gaps_closed(ta, tb, shift)

    def qpv_gaps_closed(self, ta: int, tb: int, shift: int) -> int:
        """Tables without a QPV resident that disappear when ``shift`` of them go from ta to tb."""
        qa, qb = self.qpv_count[ta], self.qpv_count[tb]
        return ((qa == 0) + (qb == 0)) - ((qa - shift == 0) + (qb + shift == 0))

    def swap(self, a: int, b: int) -> None:
        """a and b trade seats; if they are Hosts (they only ever swap with each other then),
        each takes on the table they arrive at."""
        ta, tb = self.table_of[a], self.table_of[b]
        if self.host[ta] == a:
            self.host[ta], self.host[tb] = b, a
        for p, old, new in ((a, ta, tb), (b, tb, ta)):
            self.seats[old].remove(p)
            self.seats[new].append(p)
            self.table_of[p] = new
            self.qpv_count[old] -= self.people[p].qpv_resident
            self.qpv_count[new] += self.people[p].qpv_resident

    def plan(self) -> SeatingPlan:
        return tuple(self.seating(t) for t in self.tables)

    def seating(self, t: int) -> TableSeating:
        host = self.host[t]
        return TableSeating(
            table=t + 1,
            host=None if host is None else self.people[host].participant,
            members=tuple(self.people[m].participant for m in sorted(self.seats[t])),
        )


def _new_board(
    people: Sequence[Seatable], tables: int, pair_counts: PairCounts, current: SeatingPlan
) -> _Board:
    ordered = sorted(people, key=lambda s: _natural_key(s.participant))
    index = {s.participant: i for i, s in enumerate(ordered)}
    if len(index) != len(ordered):
        raise ValueError("the same participant is listed twice")
    territories = sorted({s.territory for s in ordered}, key=_natural_key)
    territory_index = {name: i for i, name in enumerate(territories)}
    n = len(ordered)
    return _Board(
        people=ordered,
        territory=[territory_index[s.territory] for s in ordered],
        met=_met_lists(index, pair_counts),
        previous=_previous_tables(index, current),
        table_of=[-1] * n,
        seats=[[] for _ in range(tables)],
        host=[None] * tables,
        qpv_count=[0] * tables,
        base=n // tables,
        extra=n % tables,
    )


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


def _pin(board: _Board, current: SeatingPlan, host_policy: HostPolicy) -> None:
    """Pass 1: put back those who keep their table (and, under STAY, the Hosts' role)."""
    index = {s.participant: i for i, s in enumerate(board.people)}
    for seating in current:
        t = seating.table - 1
        keeps_host = host_policy is HostPolicy.STAY and seating.host in index
        keeps_host = keeps_host and seating.host in seating.members  # a Host sits at their table
        for member in seating.members:
            p = index.get(member)
            if p is not None and (
                board.people[p].stays_seated or (keeps_host and member == seating.host)
            ):
                board.seat(p, t)
        if keeps_host and seating.host is not None:
            board.host[t] = index[seating.host]


def _host_candidates(board: _Board, rng: random.Random) -> list[int]:
    """Everyone not hosting yet, fewest ``times_hosted`` first, ties in a seeded random order."""
    hosting = {h for h in board.host if h is not None}  # only tested for membership
    candidates = [p for p in range(len(board.people)) if p not in hosting]
    rng.shuffle(candidates)
    candidates.sort(key=lambda p: board.people[p].times_hosted)  # stable: the shuffle breaks ties
    return candidates


def _host_from_within(board: _Board, candidates: Sequence[int]) -> None:
    """A host-free table already holding ``base`` pinned people would grow too big with a Host
    from elsewhere, so the first candidate pinned there hosts it (the one bend to the rule)."""
    for p in candidates:
        t = board.table_of[p]
        if t >= 0 and board.host[t] is None and len(board.seats[t]) >= board.base:
            board.host[t] = p


def _choose_hosts(board: _Board, rng: random.Random) -> list[int]:
    """Pass 2a: Hosts for the host-free tables, in candidate order. A pinned person may only
    host their own table, at once; the others are returned to be seated by ``_seat_hosts``."""
    candidates = _host_candidates(board, rng)
    _host_from_within(board, candidates)
    free = board.host.count(None)
    floating: list[int] = []
    for p in candidates:
        if free == 0:
            break
        t = board.table_of[p]
        if t < 0:
            floating.append(p)
        elif board.host[t] is None:
            board.host[t] = p
        else:
            continue  # their table has its Host already
        free -= 1
    return floating


def _seat_hosts(board: _Board, hosts: Sequence[int]) -> None:
    """Pass 2b: each chosen Host to the cheapest table that still has no Host."""
    for h in hosts:
        t = board.best_table(h, [t for t in board.tables if board.host[t] is None])
        board.seat(h, t)
        board.host[t] = h


def _dealing_order(board: _Board, travellers: Sequence[int], rng: random.Random) -> list[int]:
    """Pass 3 order: QPV residents first, since every table needs one and they are the scarce
    kind; within each kind, territories take turns so that early tables are already mixed."""
    qpv = [p for p in travellers if board.people[p].qpv_resident]
    others = [p for p in travellers if not board.people[p].qpv_resident]
    return _round_robin(board, qpv, rng) + _round_robin(board, others, rng)


def _round_robin(board: _Board, group: Sequence[int], rng: random.Random) -> list[int]:
    lanes: dict[int, list[int]] = {}
    for p in group:
        lanes.setdefault(board.territory[p], []).append(p)
    ordered = [lanes[k] for k in sorted(lanes)]
    for lane in ordered:
        rng.shuffle(lane)
    return [p for turn in zip_longest(*ordered) for p in turn if p is not None]


def _improve(board: _Board, rng: random.Random, groups: Sequence[Sequence[int]]) -> None:
    """Pass 4: bounded hill climbing by swaps within a group (a Host only trades with a Host,
    so every table keeps exactly one)."""
    group_of = {p: group for group in groups if len(group) > 1 for p in group}
    movers = [p for group in groups if len(group) > 1 for p in group]
    if not movers:
        return
    for _ in range(min(_SEARCH_STEPS, _STEPS_PER_MOVER * len(movers))):
        a = rng.choice(movers)
        b = rng.choice(group_of[a])
        if board.table_of[a] != board.table_of[b] and board.swap_gain(a, b) > 0:
            board.swap(a, b)


def _fill(board: _Board, rng: random.Random) -> SeatingPlan:
    """Passes 2 to 4 on a board whose pinned people are already seated."""
    hosts = _choose_hosts(board, rng)
    _seat_hosts(board, hosts)
    travellers = [p for p in range(len(board.people)) if board.table_of[p] < 0]
    everywhere = list(board.tables)
    for p in _dealing_order(board, travellers, rng):
        board.seat(p, board.best_table(p, everywhere))
    _improve(board, rng, [travellers, hosts])
    return board.plan()


# --- planning -----------------------------------------------------------------------------------


def initial_plan(people: Sequence[Seatable], *, table_size: int, seed: int) -> SeatingPlan:
    """The first plan of a session: mixed tables, Hosts chosen by ``times_hosted`` then seed."""
    tables = table_count(len(people), table_size)
    if not people:
        return ()
    return _fill(_new_board(people, tables, {}, ()), random.Random(seed))


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
    board = _new_board(people, max(needed, len(current), highest), pair_counts, current)
    _pin(board, current, host_policy)
    return _fill(board, random.Random(seed))


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

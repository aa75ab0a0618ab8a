"""The seating planner's working board, the cost of a plan, and the local search that lowers it.

Private to ``seating``, which builds a ``Board`` from the people and the plan in force, deals
everyone onto it and reads the plan back. People are indices (natural id order) and tables are
indices 0..T-1 (table number minus one), so the inner loops compare ints, not strings.

The cost of a plan (lower is better) is a sum over tables of:

* ``Board.w_repeat`` per pair now sitting together that had already sat together. It is worth
  more than every other term of any plan together, so a plan with fewer repeated pairs always
  wins, at every size: with two tables of four, the next round mixes the two groups 2 + 2 (4
  repeated pairs) rather than sending each group, whole, to the other table (12);
* ``W_NO_QPV`` (1000) if the table has no QPV resident: minimising it spreads them one a table;
* ``W_HOSTED`` (1000) per time its Host has hosted more than whoever has hosted least, for a
  table whose Host is chosen now (its least-hosted member): so nobody hosts twice before everyone
  has hosted once, unless that would seat a pair again;
* ``W_SAME_TABLE`` (1000) per traveller sent back to the table they have just left;
* ``W_AGAIN`` (100) per earlier round beyond the first shared by a repeated pair, so that pairs
  met once are preferred to pairs met twice;
* ``W_TERRITORY`` (10) per two people of one territory at the table. A table of 3 + 1 + 1 + 1
  costs 3 such pairs and one of 2 + 2 + 1 + 1 only 2, so dominance costs more than linearly.

While dealing, ``W_SIZE`` (1) per person already seated breaks ties toward smaller tables.

The search (``improve``) swaps two movable people at different tables when that lowers the cost:
first random pairs (cheap, settles the mix), then a steepest descent for everyone who sits badly
(``Board.troubled``), with a three-way move that brings a QPV resident to a table lacking one
when no swap can, then kicks (a few random swaps around the troubled, then the descent again),
keeping the best plan seen. All bounded, every draw from the seeded RNG passed in.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["W_SIZE", "Board", "improve", "repeat_weight"]

W_NO_QPV = 1000
W_HOSTED = 1000
W_SAME_TABLE = 1000
W_AGAIN = 100
W_TERRITORY = 10
W_SIZE = 1
# Random swap attempts per plan, per movable person and at most: enough to settle the mix of
# 120 people. Then kicks of a few random swaps, each followed by a full descent, to leave a
# local minimum: enough for the exhaustive optimum at 2 to 4 tables (bench/bench_seating.py).
_STEPS_PER_MOVER = 25
_SEARCH_STEPS = 2500
_KICKS = 60
_KICK_SWAPS = 3


def repeat_weight(people: int, tables: int, most_met: int, most_hosted: int) -> int:
    """One more than the most all other terms can add up to over a whole plan (every table
    without a QPV resident and with a Host who hosted most, everyone back at their table, every
    pair at one table having met ``most_met`` times and sharing a territory, the dealing's size
    term for everyone), so that fewer repeated pairs always wins."""
    pairs = people * (people - 1) // 2
    tables_terms = tables * (W_NO_QPV + W_HOSTED * most_hosted)
    people_terms = people * W_SAME_TABLE + people * people * W_SIZE
    return 1 + tables_terms + people_terms + pairs * (W_AGAIN * most_met + W_TERRITORY)


@dataclass(slots=True)
class Board:
    """One plan being built: who sits where, and what the cost needs to know about people."""

    territory: list[int]  # territory index of each person
    qpv: list[bool]  # each person is a QPV resident
    hosted: list[int]  # times each person has hosted
    rank: list[int]  # each person's draw among equals, for the Host of a table
    met: list[dict[int, int]]  # met[i][j]: rounds i and j have already sat together
    previous: list[int]  # table each person has just left, -1 for none
    table_of: list[int]  # table each person sits at now, -1 while unseated
    seats: list[list[int]]
    kept_host: list[int | None]  # per table, a Host who keeps the role (hosts stay)
    qpv_count: list[int]  # per table, QPV residents
    base: int  # every table ends with base or base + 1 people...
    extra: int  # ...and exactly `extra` of them with base + 1
    w_repeat: int  # the cost of one repeated pair: more than all other terms of any plan
    least_hosted: int  # the fewest times anyone here has hosted
    over: int = 0  # tables that have reached base + 1

    @property
    def tables(self) -> range:
        return range(len(self.seats))

    def seat(self, p: int, t: int) -> None:
        self.seats[t].append(p)
        self.table_of[p] = t
        self.qpv_count[t] += self.qpv[p]
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

    # --- costs ------------------------------------------------------------------------------

    def link_cost(self, p: int, t: int, absent: int = -1) -> int:
        """What p costs at table t, as if ``absent`` had already left it (see the module doc)."""
        met, own = self.met[p], self.territory[p]
        cost = W_SAME_TABLE if self.previous[p] == t else 0
        for m in self.seats[t]:
            if m != p and m != absent:
                times = met.get(m, 0)
                if times:
                    cost += self.w_repeat + W_AGAIN * (times - 1)
                cost += W_TERRITORY if self.territory[m] == own else 0
        return cost

    def host_cost(self, t: int, leaving: int = -1, arriving: int = -1) -> int:
        """The Host term of table t, as if ``leaving`` had left it and ``arriving`` come."""
        if self.kept_host[t] is not None:
            return 0
        hosted = [self.hosted[m] for m in self.seats[t] if m != leaving]
        if arriving >= 0:
            hosted.append(self.hosted[arriving])
        return W_HOSTED * (min(hosted) - self.least_hosted) if hosted else 0

    def placement_cost(self, p: int, t: int) -> int:
        fills_gap = self.qpv[p] and self.qpv_count[t] == 0
        host = self.host_cost(t, arriving=p) - self.host_cost(t)
        return self.link_cost(p, t) + host - W_NO_QPV * fills_gap + W_SIZE * len(self.seats[t])

    def best_table(self, p: int, among: Sequence[int]) -> int:
        return min(self.open_tables(among), key=lambda t: (self.placement_cost(p, t), t))

    def swap_gain(self, a: int, b: int) -> int:
        """How much the total cost drops if a and b trade tables (negative: it rises)."""
        ta, tb = self.table_of[a], self.table_of[b]
        shift = self.qpv[a] - self.qpv[b]
        before = self.link_cost(a, ta) + self.link_cost(b, tb)
        before += self.host_cost(ta) + self.host_cost(tb)
        after = self.link_cost(a, tb, absent=b) + self.link_cost(b, ta, absent=a)
        after += self.host_cost(ta, a, b) + self.host_cost(tb, b, a)
        return before - after + W_NO_QPV * self.qpv_gaps_closed(ta, tb, shift)

    def qpv_gaps_closed(self, ta: int, tb: int, shift: int) -> int:
        """Tables without a QPV resident that disappear when ``shift`` of them go from ta to tb."""
        qa, qb = self.qpv_count[ta], self.qpv_count[tb]
        return ((qa == 0) + (qb == 0)) - ((qa - shift == 0) + (qb + shift == 0))

    def troubled(self, p: int) -> bool:
        """p sits where a swap may lower more than the territory mix: with someone met before,
        back at the table just left, at a table without a QPV resident or whose Host has hosted
        more than someone elsewhere."""
        t = self.table_of[p]
        if self.previous[p] == t or self.qpv_count[t] == 0 or self.host_cost(t) > 0:
            return True
        met = self.met[p]
        return any(m in met for m in self.seats[t] if m != p)

    # --- moves and the result -------------------------------------------------------------

    def swap(self, a: int, b: int) -> None:
        """a and b trade seats."""
        ta, tb = self.table_of[a], self.table_of[b]
        for p, old, new in ((a, ta, tb), (b, tb, ta)):
            self.seats[old].remove(p)
            self.seats[new].append(p)
            self.table_of[p] = new
            self.qpv_count[old] -= self.qpv[p]
            self.qpv_count[new] += self.qpv[p]

    def snapshot(self) -> list[list[int]]:
        return [list(members) for members in self.seats]

    def restore(self, seats: Sequence[Sequence[int]]) -> None:
        """Go back to a plan seen earlier (same people, same tables)."""
        self.seats = [list(members) for members in seats]
        self.qpv_count = [0] * len(self.seats)
        for t, members in enumerate(self.seats):
            for p in members:
                self.table_of[p] = t
                self.qpv_count[t] += self.qpv[p]

    def host(self, t: int) -> int | None:
        """The Host of table t: the one who keeps the role, or else the member who has hosted
        least (ties by the draw in ``rank``); none at an empty table."""
        kept = self.kept_host[t]
        if kept is not None:
            return kept
        return min(self.seats[t], key=lambda m: (self.hosted[m], self.rank[m]), default=None)


# --- the search ---------------------------------------------------------------------------------


def improve(board: Board, rng: random.Random, movers: Sequence[int]) -> None:
    """Lower the plan's cost by moving ``movers`` only (everyone not pinned)."""
    if len(movers) < 2:
        return
    for _ in range(min(_SEARCH_STEPS, _STEPS_PER_MOVER * len(movers))):
        a, b = rng.choice(movers), rng.choice(movers)
        if board.table_of[a] != board.table_of[b] and board.swap_gain(a, b) > 0:
            board.swap(a, b)
    descent = _Descent(board, movers)
    descent.run()
    _kick(descent, rng)


@dataclass(slots=True)
class _Descent:
    """Steepest descent: each troubled mover (``Board.troubled``) takes the best swap with any
    other mover; when no swap helps any more, a three-way move may still bring a QPV resident to
    a table lacking one (``repair``). Until neither lowers the cost."""

    board: Board
    movers: Sequence[int]

    def run(self) -> int:
        """Descend; returns how much the cost dropped."""
        dropped, improved = 0, True
        while improved:
            gain = sum(self.step(a) for a in self.movers if self.board.troubled(a))
            gain = gain or self.repair()
            dropped += gain
            improved = gain > 0
        return dropped

    def step(self, a: int) -> int:
        board = self.board
        others = (b for b in self.movers if board.table_of[b] != board.table_of[a])
        gain, b = max(((board.swap_gain(a, b), b) for b in others), default=(0, a))
        if gain > 0:
            board.swap(a, b)
        return max(gain, 0)

    def repair(self) -> int:
        """The first three-way move that lowers the cost by bringing a QPV resident r from a
        table holding several to a table lacking one: r there, someone y of it to a third table,
        someone z of that one to r's table (two swaps in a row); made, and its gain (0: none)."""
        board = self.board
        movable = set(self.movers)
        lacking = [t for t in board.tables if board.qpv_count[t] == 0 and board.seats[t]]
        spare = [r for r in self.movers if board.qpv[r] and board.qpv_count[board.table_of[r]] > 1]
        for t in lacking:
            for r in spare:
                for y in [y for y in board.seats[t] if y in movable]:
                    gain = self.through_third(r, y)
                    if gain > 0:
                        return gain
        return 0

    def through_third(self, r: int, y: int) -> int:
        board = self.board
        first = board.swap_gain(r, y)
        board.swap(r, y)  # r now at y's old table, y at r's
        here = board.table_of[y]
        for z in self.movers:
            if board.table_of[z] not in (here, board.table_of[r]):
                second = board.swap_gain(y, z)
                if first + second > 0:
                    board.swap(y, z)
                    return first + second
        board.swap(r, y)  # back as before
        return 0


def _kick(descent: _Descent, rng: random.Random) -> None:
    """Iterated local search: a few random swaps around the troubled, a descent, and back to the
    best plan seen when that made it worse. Stops early once nobody is troubled."""
    board, movers = descent.board, descent.movers
    best = board.snapshot()
    cost = best_cost = 0  # relative to the plan on entry
    for _ in range(_KICKS):
        troubled = [p for p in movers if board.troubled(p)]
        if not troubled:
            break
        for _ in range(_KICK_SWAPS):
            a, b = rng.choice(troubled), rng.choice(movers)
            if board.table_of[a] != board.table_of[b]:
                cost -= board.swap_gain(a, b)
                board.swap(a, b)
        cost -= descent.run()
        if cost < best_cost:
            best, best_cost = board.snapshot(), cost
    board.restore(best)

"""Benchmark of the seating planner against a random baseline, round by round, and against the
fewest repeated pairs possible.

Builds a synthetic café-débat (territories t1..tN, the first ones QPV, about 60 % residents, two
people who stay seated), runs ``initial_plan`` and then ``rotate`` for the remaining rounds under
both host policies, and the same number of ``random_plan`` rounds. Pair counts and times hosted
accumulate between rounds exactly as the session does. Prints the mixing figures side by side and
the time each plan took.

Then, for 2, 3 and 4 tables of 4 and 20 tables of 6, the repeated pairs of each rotation against
the fewest any plan could have after the same earlier rounds: found by exhaustive search (branch
and bound over every balanced plan, with the same people pinned: those who stay seated and, when
hosts stay, the hosts) where the size allows. At 20 tables of 6 it does not (about 10^123
plans): there the figure compared with is a lower bound, the pairs that met before among people
pinned to one table (nothing can part them), so a planner at that bound is at the optimum and one
above it may or may not be.

    .venv/bin/python bench/bench_seating.py [--seed 7] [--participants 120] [--rounds 4] ...
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import msgspec

from session_engine.model import HostPolicy
from session_engine.seating import (
    PlanQuality,
    Seatable,
    SeatingPlan,
    initial_plan,
    pairs_of,
    plan_quality,
    random_plan,
    rotate,
)

RESIDENT_SHARE = 0.6  # habitant·e·s among each territory's people
STAYS_SEATED = 2  # people who, for accessibility, never move

Planner = Callable[[Sequence[Seatable], SeatingPlan, Counter[tuple[str, str]], int], SeatingPlan]


@dataclass
class Run:
    """The figures of one planner over the rounds."""

    name: str
    qualities: list[PlanQuality] = field(default_factory=list)
    millis: list[float] = field(default_factory=list)
    max_times_hosted: int = 0


def synthetic_people(participants: int, territories: int, qpv: int, seed: int) -> list[Seatable]:
    """Ids p1..pN dealt over territories in a shuffled order, so ids don't follow territories."""
    rng = random.Random(f"people-{seed}")  # not the planners' seeds: no accidental alignment
    ids = [f"p{i}" for i in range(1, participants + 1)]
    rng.shuffle(ids)
    people = []
    for k, pid in enumerate(ids):
        territory = k % territories + 1
        resident = (k // territories) % 5 < RESIDENT_SHARE * 5  # 3 in every 5 of a territory
        people.append(
            Seatable(
                participant=pid,
                territory=f"t{territory}",
                qpv_resident=resident and territory <= qpv,
                stays_seated=k < STAYS_SEATED,
                times_hosted=0,
            )
        )
    return people


def ours(policy: HostPolicy, table_size: int, seed: int) -> Planner:
    def plan(
        people: Sequence[Seatable], current: SeatingPlan, met: Counter[tuple[str, str]], rnd: int
    ) -> SeatingPlan:
        if not current:
            return initial_plan(people, table_size=table_size, seed=seed + rnd)
        return rotate(
            people,
            current,
            pair_counts=met,
            table_size=table_size,
            host_policy=policy,
            seed=seed + rnd,
        )

    return plan


def baseline(table_size: int, seed: int) -> Planner:
    def plan(
        people: Sequence[Seatable], current: SeatingPlan, met: Counter[tuple[str, str]], rnd: int
    ) -> SeatingPlan:
        return random_plan(people, table_size=table_size, seed=seed + rnd)

    return plan


def run(name: str, planner: Planner, people: list[Seatable], rounds: int) -> Run:
    """Plans every round, then updates pair counts and times hosted as the session would."""
    result = Run(name)
    met: Counter[tuple[str, str]] = Counter()
    current: SeatingPlan = ()
    for rnd in range(rounds):
        start = time.perf_counter()
        current = planner(people, current, met, rnd)
        result.millis.append((time.perf_counter() - start) * 1000)
        by_id = {p.participant: p for p in people}
        result.qualities.append(plan_quality(current, by_id, met))
        met.update(pairs_of(current))
        hosts = {s.host for s in current if s.host is not None}
        people = [
            msgspec.structs.replace(p, times_hosted=p.times_hosted + 1)
            if p.participant in hosts
            else p
            for p in people
        ]
    result.max_times_hosted = max(p.times_hosted for p in people)
    return result


# One line per figure: its label, and how to show it for one plan.
FIGURES: list[tuple[str, Callable[[PlanQuality], str]]] = [
    ("repeated pairs", lambda q: str(q.repeated_pairs)),
    ("territories/table mean", lambda q: f"{q.mean_territories_per_table:.2f}"),
    ("territories/table min", lambda q: str(q.min_territories_per_table)),
    ("max territory share", lambda q: f"{q.max_territory_share:.2f}"),
    ("tables without QPV res.", lambda q: str(q.tables_without_qpv_resident)),
]

# One line per total over the rounds.
TOTALS: list[tuple[str, Callable[[Run], str]]] = [
    ("repeated pairs, sum", lambda r: str(sum(q.repeated_pairs for q in r.qualities))),
    ("territories/table min", lambda r: str(min(q.min_territories_per_table for q in r.qualities))),
    ("max territory share", lambda r: f"{max(q.max_territory_share for q in r.qualities):.2f}"),
    (
        "tables w/o QPV res., sum",
        lambda r: str(sum(q.tables_without_qpv_resident for q in r.qualities)),
    ),
    ("most times hosted", lambda r: str(r.max_times_hosted)),
    ("time per plan p50 (ms)", lambda r: f"{statistics.median(r.millis):.1f}"),
    ("time per plan max (ms)", lambda r: f"{max(r.millis):.1f}"),
]


def line(first: str, label: str, cells: Sequence[str]) -> str:
    return f"{first:<6}{label:<26}| " + " | ".join(f"{cell:>13}" for cell in cells)


def print_table(runs: Sequence[Run]) -> None:
    header = line("round", "figure", [r.name for r in runs])
    print(header)
    print("-" * len(header))
    for rnd in range(len(runs[0].qualities)):
        for i, (label, show) in enumerate(FIGURES):
            cells = [show(r.qualities[rnd]) for r in runs]
            print(line(str(rnd + 1) if i == 0 else "", label, cells))
        print(line("", "time (ms)", [f"{r.millis[rnd]:.1f}" for r in runs]))
        print()
    print(line("all", "totals", [r.name for r in runs]))
    print("-" * len(header))
    for label, total in TOTALS:
        print(line("", label, [total(r) for r in runs]))


# --- the fewest repeated pairs possible -----------------------------------------------------

EXHAUSTIVE_UP_TO = 16  # people: 4 tables of 4 is 2.6 million balanced plans, searched in seconds
SIZES = [(2, 4), (3, 4), (4, 4), (20, 6)]  # tables, people a table


def balanced_plans(people: int, tables: int) -> int:
    """How many ways to split ``people`` into ``tables`` unnumbered tables of equal size."""
    size = people // tables
    ways: int = math.factorial(people) // math.factorial(tables)
    for _ in range(tables):
        ways //= math.factorial(size)
    return ways


def pins(people: Sequence[Seatable], current: SeatingPlan, policy: HostPolicy) -> dict[str, int]:
    """Who must stay at their table (index from 0): those who stay seated; hosts who stay."""
    here = {p.participant: p for p in people}
    pinned = {}
    for s in current:
        for m in s.members:
            if here[m].stays_seated or (policy is HostPolicy.STAY and m == s.host):
                pinned[m] = s.table - 1
    return pinned


def pinned_repeats(met: Counter[tuple[str, str]], pinned: dict[str, int]) -> int:
    """Pairs pinned to one table that have met before: no plan can have fewer repeated pairs."""
    return sum(
        1
        for (a, b), count in met.items()
        if count and a in pinned and b in pinned and pinned[a] == pinned[b]
    )


def fewest_repeated_pairs(
    people: Sequence[str], tables: int, met: Counter[tuple[str, str]], pinned: dict[str, int]
) -> int:
    """Branch and bound over every plan with tables of balanced sizes and the pinned people in
    place: the fewest pairs that had already met. Tables are interchangeable until someone is
    pinned to them, so an unpinned person only opens the first empty one."""
    index = {p: i for i, p in enumerate(people)}
    knows = [0] * len(people)  # bitmask of whom each person has met
    for (a, b), count in met.items():
        if count and a in index and b in index:
            knows[index[a]] |= 1 << index[b]
            knows[index[b]] |= 1 << index[a]
    order = sorted(range(len(people)), key=lambda i: people[i] not in pinned)
    base, extra = divmod(len(people), tables)
    seats, counts = [0] * tables, [0] * tables
    best = [len(people) ** 2]

    def place(k: int, cost: int, over: int) -> None:
        if cost >= best[0]:
            return
        if k == len(order):
            best[0] = cost
            return
        p = order[k]
        if people[p] in pinned:
            choices = [pinned[people[p]]]
        else:
            empty = [t for t in range(tables) if counts[t] == 0]
            choices = [t for t in range(tables) if counts[t] or t == empty[0]]
        for t in choices:
            if counts[t] > base or (counts[t] == base and over == extra):
                continue
            grows = counts[t] == base
            seats[t] |= 1 << p
            counts[t] += 1
            place(k + 1, cost + (knows[p] & (seats[t] ^ 1 << p)).bit_count(), over + grows)
            seats[t] ^= 1 << p
            counts[t] -= 1

    place(0, 0, 0)
    return best[0]


def against_the_optimum(tables: int, size: int, policy: HostPolicy, seed: int, rounds: int) -> str:
    people = synthetic_people(tables * size, 3, 1, seed)
    planner = ours(policy, size, seed)
    met: Counter[tuple[str, str]] = Counter()
    current: SeatingPlan = ()
    cells = []
    for rnd in range(rounds):
        plan = planner(people, current, met, rnd)
        if current:
            repeated = plan_quality(plan, {p.participant: p for p in people}, met).repeated_pairs
            if len(people) <= EXHAUSTIVE_UP_TO:
                ids = [p.participant for p in people]
                best = fewest_repeated_pairs(ids, tables, met, pins(people, current, policy))
                cells.append(f"{repeated} / {best}")
            else:
                floor = pinned_repeats(met, pins(people, current, policy))
                cells.append(f"{repeated} / ≥{floor}")
        met.update(pairs_of(plan))
        hosts = {s.host for s in plan}
        people = [
            msgspec.structs.replace(p, times_hosted=p.times_hosted + (p.participant in hosts))
            for p in people
        ]
        current = plan
    return " | ".join(f"{cell:>9}" for cell in cells)


def print_optimum(seed: int, rounds: int) -> None:
    print(
        "\nRepeated pairs at each rotation: ours / the fewest possible after the same earlier "
        f"rounds\n(exhaustive search up to {EXHAUSTIVE_UP_TO} people; above, a lower bound: "
        "pinned people who met; 2 of each room stay seated)\n"
    )
    rotations = " | ".join(f"{f'round {r}':>9}" for r in range(2, rounds + 1))
    print(f"{'tables':<18}{'plans':>9}  {'hosts':<7}| {rotations}")
    for tables, size in SIZES:
        exponent = f"10^{math.log10(balanced_plans(tables * size, tables)):.0f}"
        for policy in (HostPolicy.ROTATE, HostPolicy.STAY):
            start = time.perf_counter()
            cells = against_the_optimum(tables, size, policy, seed, rounds)
            took = time.perf_counter() - start
            label = f"{tables} of {size} ({tables * size})"
            print(f"{label:<18}{exponent:>9}  {policy.value:<7}| {cells}   ({took:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--participants", type=int, default=120)
    parser.add_argument("--territories", type=int, default=6)
    parser.add_argument("--qpv", type=int, default=4)
    parser.add_argument("--table-size", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    people = synthetic_people(args.participants, args.territories, args.qpv, args.seed)
    residents = sum(p.qpv_resident for p in people)
    print(
        f"{args.participants} people, {args.territories} territories ({args.qpv} QPV, "
        f"{residents} QPV residents), tables of {args.table_size}, {args.rounds} rounds, "
        f"seed {args.seed}\n"
    )
    runs = [
        run(
            "hosts rotate", ours(HostPolicy.ROTATE, args.table_size, args.seed), people, args.rounds
        ),
        run("hosts stay", ours(HostPolicy.STAY, args.table_size, args.seed), people, args.rounds),
        run("random", baseline(args.table_size, args.seed), people, args.rounds),
    ]
    print_table(runs)
    print_optimum(args.seed, args.rounds)


if __name__ == "__main__":
    main()

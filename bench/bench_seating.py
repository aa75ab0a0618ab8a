"""Benchmark of the seating planner against a random baseline, round by round.

Builds a synthetic café-débat (territories t1..tN, the first ones QPV, about 60 % residents, two
people who stay seated), runs ``initial_plan`` and then ``rotate`` for the remaining rounds under
both host policies, and the same number of ``random_plan`` rounds. Pair counts and times hosted
accumulate between rounds exactly as the session does. Prints the mixing figures side by side and
the time each plan took.

    .venv/bin/python bench/bench_seating.py [--seed 7] [--participants 120] [--rounds 4] ...
"""

from __future__ import annotations

import argparse
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


if __name__ == "__main__":
    main()

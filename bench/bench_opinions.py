"""Opinions benchmark: the final collective opinions of a large synthetic session and of the demo.

The synthetic session has 1,000 participants × 300 published statements, about 60 % of the
cells filled (4 planted opinion groups, 20 % noise, 6 territories, 4 roles), one
majority-judgment vote on 10 proposals with every participant's ballot, and a log in which
about one position in ten was taken twice (so opinion shift has work to do). Everything is drawn
from a fixed seed. Goal of issue 5: ≤ 1 s. Also timed: writing each log as Pol.is's openData
files and reading them back (``metrokawa export`` / ``import --format polis``). Figures are
printed; nothing is asserted.

    .venv/bin/python bench/bench_opinions.py [--repeat 3] [--participants 1000] [--statements 300]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

# One BLAS thread, as the single-writer server would run it: on a shared 2-core machine, OpenBLAS
# threads fighting other processes made the SVD 5-20 times slower. Set the variable to compare.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
from bench_replay import best_of  # bench/ is on the path when run as a script

from session_engine import read_log, replay
from session_engine.codec import Envelope
from session_engine.events import (
    BallotCast,
    Event,
    ParticipantJoined,
    PositionTaken,
    ProposalPromoted,
    SessionCreated,
    StatementProposed,
    StatementPublished,
    VoteClosed,
    VoteOpened,
)
from session_engine.evolve import evolve
from session_engine.logfile import LogHeader
from session_engine.model import (
    Grade,
    HostPolicy,
    ParticipantRole,
    RoundKind,
    RoundSpec,
    StatementKind,
    Territory,
)
from session_engine.opendata import export_polis, load_polis
from session_engine.opinions import opinions
from session_engine.state import SessionState

DEMO = Path(__file__).resolve().parent.parent / "replays" / "demo-metrokawa-120.mkawa"
ROLES = (
    ParticipantRole.HABITANT,
    ParticipantRole.HABITANT,
    ParticipantRole.HABITANT,
    ParticipantRole.ELU,
    ParticipantRole.TECHNICIEN,
    ParticipantRole.AUTRE,
)


def synthetic_log(
    participants: int, statements: int, *, fill: float = 0.6, seed: int = 5
) -> list[Event]:
    """The events of a large session with planted opinion groups (seeded, reproducible)."""
    rng = np.random.default_rng(seed)
    territories = tuple(
        Territory(id=f"t{n}", name=f"Territoire {n}", commune=f"Commune {n}", qpv=n <= 4)
        for n in range(1, 7)
    )
    agenda = (RoundSpec(kind=RoundKind.TABLE, prompt="Manche 1", duration_ms=1_800_000),)
    events: list[Event] = [
        SessionCreated(
            title="Banc d'essai",
            territories=territories,
            agenda=agenda,
            table_size=6,
            host_policy=HostPolicy.ROTATE,
        )
    ]
    people = [f"p{i}" for i in range(1, participants + 1)]
    events += [
        ParticipantJoined(
            participant=p,
            pseudonym=f"Personne {i}",
            territory=f"t{i % 6 + 1}",
            role=ROLES[i % len(ROLES)],
            stays_seated=False,
            consent=False,
        )
        for i, p in enumerate(people)
    ]
    ids = [f"s{j}" for j in range(1, statements + 1)]
    for j, sid in enumerate(ids):
        kind = StatementKind.PROBLEM if j % 2 else StatementKind.IDEA
        events.append(
            StatementProposed(
                statement=sid,
                author=people[j % participants],
                text=f"Énoncé {j}",
                kind=kind,
                round=1,
                table=None,
            )
        )
        events.append(StatementPublished(statement=sid))
    events += _positions(rng, people, ids, fill)
    events += _vote(rng, people, ids[:10])
    return events


def _positions(
    rng: np.random.Generator, people: list[str], ids: list[str], fill: float
) -> list[Event]:
    pattern = rng.choice([-2, -1, 1, 2], size=(4, len(ids)))
    truth = rng.integers(0, 4, size=len(people))
    values = pattern[truth]
    noisy = rng.random(values.shape) < 0.2
    values = np.where(noisy, rng.integers(-2, 3, size=values.shape), values)
    filled = rng.random(values.shape) < fill
    again = rng.random(values.shape) < 0.1
    events: list[Event] = []
    for i, j in zip(*np.nonzero(filled), strict=True):
        p, s = people[i], ids[j]
        if again[i, j]:
            first = int(rng.integers(-2, 3))
            events.append(PositionTaken(participant=p, statement=s, value=first, round=1))
        events.append(PositionTaken(participant=p, statement=s, value=int(values[i, j]), round=1))
    return events


def _vote(rng: np.random.Generator, people: list[str], statements: list[str]) -> list[Event]:
    proposals = [f"pr{n}" for n in range(1, len(statements) + 1)]
    events: list[Event] = [
        ProposalPromoted(proposal=pr, statement=s, text=f"Proposition {pr}")
        for pr, s in zip(proposals, statements, strict=True)
    ]
    events.append(VoteOpened(vote="v1", proposals=tuple(proposals)))
    for p in people:
        grades = {
            pr: Grade(int(g))
            for pr, g in zip(proposals, rng.integers(0, 7, len(proposals)), strict=True)
        }
        events.append(BallotCast(vote="v1", participant=p, grades=grades))
    events.append(VoteClosed(vote="v1"))
    return events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--statements", type=int, default=300)
    args = parser.parse_args()
    threads = os.environ["OPENBLAS_NUM_THREADS"]
    print(f"opinions benchmark (best of {args.repeat} runs, {threads} BLAS thread(s); goal <= 1 s)")
    log = synthetic_log(args.participants, args.statements)
    state = replay_events(log)
    cells = len(state.positions)
    result = opinions(state, log)
    print(
        f"synthetic {args.participants:,} p × {args.statements} s, {cells:,} positions"
        f" ({cells / args.participants / args.statements:.0%} filled), {len(log):,} events:"
        f" {len(result.groups.groups)} groups, {len(result.territories.shared)} shared"
    )
    line("opinions(state)", best_of(args.repeat, lambda: opinions(state)))
    line("opinions(state, events)", best_of(args.repeat, lambda: opinions(state, log)))
    header = LogHeader(session="banc", title="Banc d'essai", created_at=0)
    polis(
        args.repeat,
        header,
        [
            Envelope(seq=n, at=n, actor="system", cmd=None, event=e)
            for n, e in enumerate(log, start=1)
        ],
    )
    if not DEMO.exists():
        print(f"(demo archive {DEMO.name} missing: run `metrokawa simulate --offline` first)")
        return
    data = DEMO.read_bytes()
    _, envelopes = read_log(data)
    demo = replay(envelopes)
    print(f"demo archive {DEMO.name}: {len(demo.participants)} p, {len(envelopes):,} events")
    line("read + replay", best_of(args.repeat, lambda: replay(read_log(data)[1])))
    line("opinions(state, events)", best_of(args.repeat, lambda: opinions(demo, envelopes)))
    polis(args.repeat, read_log(data)[0], envelopes)


def polis(repeat: int, header: LogHeader, envelopes: list[Envelope]) -> None:
    """Out to Pol.is's files and back in: the time of each way."""
    files = export_polis(header, envelopes)
    line("export --format polis", best_of(repeat, lambda: export_polis(header, envelopes)))
    line("import --format polis", best_of(repeat, lambda: load_polis(files)))


def line(name: str, seconds: float) -> None:
    print(f"  {name:<26}{seconds * 1000:8.0f} ms")


def replay_events(events: list[Event]) -> SessionState:
    state = SessionState()
    for event in events:
        evolve(state, event)
    return state


if __name__ == "__main__":
    main()

"""Replay benchmark: decode + fold of a ``.mkawa`` log, in events per second on one core.

Two logs: the demo archive (120 participants, 6 territories, 4 rounds, as simulated) and a
100,000-event log of a long session built through the engine itself (so every event is one that
``decide`` really emits). For each: decode alone, fold alone, and decode + fold, best of N runs.
Goal of the foundation issue: ≥ 300,000 events/s for decode + fold.

    .venv/bin/python bench/bench_replay.py [--repeat 5] [--events 100000]
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
from collections.abc import Callable
from pathlib import Path

from session_engine import Context, Rejected, Role, Session, iter_log, read_log, replay, write_log
from session_engine.commands import (
    Command,
    CreateSession,
    EndRound,
    JoinSession,
    NewTerritory,
    ProposeStatement,
    PublishStatement,
    RotateTables,
    SeatTables,
    StartRound,
    TakePosition,
)
from session_engine.logfile import LogHeader
from session_engine.model import ParticipantRole, RoundKind, RoundSpec

DEMO = Path(__file__).resolve().parent.parent / "replays" / "demo-metrokawa-120.mkawa"
T0 = 1_795_000_000_000


def long_session(target_events: int) -> bytes:
    """A 300-person, many-round session whose log has about ``target_events`` events."""
    session = Session()
    facilitator = Context(actor="facilitator", role=Role.FACILITATOR, now=T0, seed=7)
    rounds = tuple(
        RoundSpec(kind=RoundKind.TABLE, prompt=f"Manche {n}", duration_ms=20 * 60_000)
        for n in range(1, 21)
    )
    territories = tuple(
        NewTerritory(name=f"Territoire {n}", commune=f"Commune {n}", qpv=n <= 4)
        for n in range(1, 7)
    )
    _apply(
        session,
        CreateSession(title="Longue session", territories=territories, agenda=rounds),
        facilitator,
    )
    guest = Context(actor="guest", role=Role.GUEST, now=T0)
    for n in range(300):
        join = JoinSession(
            pseudonym=f"Personne {n}", territory=f"t{n % 6 + 1}", role=ParticipantRole.HABITANT
        )
        _apply(session, join, guest)
    _apply(session, SeatTables(), facilitator)
    people = list(session.state.participants)
    now, value = T0, 0
    while session.seq < target_events:
        now += 21 * 60_000
        _apply(session, StartRound(), Context(actor="facilitator", role=Role.FACILITATOR, now=now))
        for author in people[:30]:
            _apply(session, ProposeStatement(text=f"Énoncé de {author}"), _p(author, now))
        for statement in list(session.state.statements)[-30:]:
            _apply(session, PublishStatement(statement=statement), _f(now))
        for statement in list(session.state.statements)[-30:]:
            for person in people:
                value = (value + 1) % 5
                _apply(session, TakePosition(statement=statement, value=value - 2), _p(person, now))
                if session.seq >= target_events:
                    break
            if session.seq >= target_events:
                break
        end = Context(actor="system", role=Role.SYSTEM, now=now + 20 * 60_000)
        _apply(session, EndRound(), end)
        if session.state.current_round == len(rounds):
            break
        _apply(
            session,
            RotateTables(),
            Context(actor="facilitator", role=Role.FACILITATOR, now=now, seed=now),
        )
    if replay(session.log) != session.state:
        raise SystemExit("the long log does not replay to the live state")
    header = LogHeader(session="bench-long", title="Longue session", created_at=T0)
    return write_log(header, session.log)


def _apply(session: Session, command: Command, ctx: Context) -> None:
    if isinstance(session.handle(command, ctx), Rejected):
        raise SystemExit(f"the bench script sent a rejected command: {command!r}")


def _p(participant: str, now: int) -> Context:
    return Context(actor=participant, role=Role.PARTICIPANT, now=now)


def _f(now: int) -> Context:
    return Context(actor="facilitator", role=Role.FACILITATOR, now=now)


def best_of(repeat: int, work: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def measure(name: str, data: bytes, repeat: int) -> None:
    _, envelopes = read_log(data)
    count = len(envelopes)
    decode = best_of(repeat, lambda: read_log(data))
    fold = best_of(repeat, lambda: replay(envelopes))
    both = best_of(repeat, lambda: replay(iter_log(data)[1]))
    print(
        f"{name:<34} {count:>8,} ev {len(data) / 1024:>8,.0f} KiB {len(data) / count:>6.1f} B/ev"
        f" | decode {count / decode:>10,.0f} ev/s | fold {count / fold:>10,.0f} ev/s"
        f" | decode+fold {count / both:>10,.0f} ev/s ({both * 1000:,.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    print("replay benchmark (one core, best of", args.repeat, "runs; goal >= 300,000 ev/s)")
    if DEMO.exists():
        measure("demo archive (120 p, 6 t, 4 rounds)", DEMO.read_bytes(), args.repeat)
    else:
        print(f"(demo archive {DEMO.name} missing: run `metrokawa simulate --offline` first)")
    started = time.perf_counter()
    long_log = long_session(args.events)
    print(f"(built the long log through the engine in {time.perf_counter() - started:.1f} s)")
    measure(f"long session ({args.events:,} events)", long_log, args.repeat)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:,.0f} MiB")


if __name__ == "__main__":
    main()

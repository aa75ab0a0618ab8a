"""Per-commit cost of ``SqlStore.append``: CPU on the store thread (which shares the GIL with the
event loop) and wall time, on a durable SQLite file (WAL, ``synchronous=FULL``).

Each append is what a steady-state batch writes: ``--events`` events of ``--size`` bytes and as
many outcomes (one ``TakePosition`` each), no token. The CPU is the store thread's own
(``time.thread_time`` around the call, inside the thread); the wall time includes the fsync.

    .venv/bin/python bench/bench_store_append.py                 # 2,000 appends of 1 event
    .venv/bin/python bench/bench_store_append.py --events 20 --appends 500
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from server.store import Outcome, SessionRecord, SqlStore


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def measure(url: str, appends: int, events: int, size: int) -> dict[str, float]:
    store = SqlStore(url)
    cpu: list[float] = []
    wall: list[float] = []
    original = store._append

    def timed(*args: Any) -> None:
        started = time.thread_time()
        original(*args)
        cpu.append(time.thread_time() - started)

    setattr(store, "_append", timed)  # noqa: B010 (the instance's, not the method)
    try:
        session = SessionRecord(
            id="bench", code="BENCH0", title="bench", created_at=0, facilitator_hash="0" * 64
        )
        await store.create_session(session)
        seq = 0
        record = b"\x87" + b"x" * (size - 1)
        for n in range(appends):
            outcomes = [
                Outcome(actor=f"p{n % 997}", cmd=f"c{n}-{i}", seq=seq + i + 1)
                for i in range(events)
            ]
            started = time.perf_counter()
            await store.append(session.id, seq, [record] * events, outcomes, [])
            wall.append(time.perf_counter() - started)
            seq += events
    finally:
        await store.close()
    warm = slice(min(100, appends // 10), None)  # the first commits fill caches and the pool
    cpu, wall = cpu[warm], wall[warm]
    return {
        "cpu_mean_ms": statistics.fmean(cpu) * 1000,
        "cpu_p50_ms": _quantile(cpu, 0.5) * 1000,
        "cpu_p99_ms": _quantile(cpu, 0.99) * 1000,
        "wall_p50_ms": _quantile(wall, 0.5) * 1000,
        "wall_p99_ms": _quantile(wall, 0.99) * 1000,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--appends", type=int, default=2000)
    parser.add_argument("--events", type=int, default=1, help="events (and outcomes) per append")
    parser.add_argument("--size", type=int, default=200, help="bytes per event record")
    parser.add_argument("--db", help="SQLAlchemy URL (default: a fresh SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'append.sqlite'}"
        figures = asyncio.run(measure(url, args.appends, args.events, args.size))
    print(f"{args.appends} appends of {args.events} event(s) of {args.size} B")
    for name, value in figures.items():
        print(f"  {name:12} {value:7.3f}")


if __name__ == "__main__":
    main()

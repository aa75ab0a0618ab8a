"""Run ``metrokawa`` with the garbage collector's pauses measured (``bench_vote_burst --gc``).

    .venv/bin/python bench/gc_probe.py serve --port 8000 --db sqlite:///x.sqlite --no-new-session

Same arguments as ``metrokawa``. Every collection is timed through ``gc.callbacks``; pauses over
``GC_PROBE_REPORT_MS`` (default 20) are printed when they happen, and on SIGUSR1 (and at exit)
one ``GCSTATS`` line gives, per generation, the number of collections, their total and their
longest pause. With ``GC_PROBE_TYPES=1`` SIGUSR1 also forces a full collection and prints a
``GCTYPES`` line: how long it took and the most numerous tracked object types (what a full
collection walks). With ``GC_PROBE_FREEZE=1`` SIGUSR1 then calls ``gc.freeze()``: an experiment
on what freezing the long-lived heap (connections, state) would do to the pauses. The server's
code is untouched: this only wraps its entry point.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
import signal
import sys
import time
from collections import Counter, deque
from typing import Any

_SIZED = (list, dict, set, frozenset, tuple, deque)
_REPORT_S = float(os.environ.get("GC_PROBE_REPORT_MS", "20")) / 1000
_started = 0.0
_stats: dict[int, list[float]] = {0: [0, 0.0, 0.0], 1: [0, 0.0, 0.0], 2: [0, 0.0, 0.0]}


def _callback(phase: str, info: dict[str, Any]) -> None:
    global _started
    if phase == "start":
        _started = time.perf_counter()
        return
    pause = time.perf_counter() - _started
    entry = _stats[info["generation"]]
    entry[0] += 1
    entry[1] += pause
    entry[2] = max(entry[2], pause)
    if pause >= _REPORT_S:
        print(
            f"GCPAUSE gen{info['generation']} {pause * 1000:.1f} ms collected={info['collected']}",
            file=sys.stderr,
            flush=True,
        )


def report(*_: Any) -> None:
    figures = {
        f"gen{g}": {"count": int(n), "total_ms": round(t * 1000, 1), "max_ms": round(m * 1000, 1)}
        for g, (n, t, m) in _stats.items()
    }
    print(f"GCSTATS {json.dumps(figures)}", file=sys.stderr, flush=True)
    if os.environ.get("GC_PROBE_TYPES"):  # which objects a full collection has to walk
        started = time.perf_counter()
        gc.collect()
        forced = time.perf_counter() - started
        tracked = gc.get_objects()
        kinds = Counter(type(o).__qualname__ for o in tracked).most_common(25)
        sized = [(len(o), type(o).__qualname__) for o in tracked if isinstance(o, _SIZED)]
        sized.sort(reverse=True)
        refs = sum(n for n, _ in sized)
        print(
            f"GCTYPES tracked={len(tracked)} forced_full_collection={forced * 1000:.1f}ms "
            f"container_items={refs} largest={sized[:8]} {kinds}",
            file=sys.stderr,
            flush=True,
        )
    if os.environ.get("GC_PROBE_FREEZE"):  # the experiment: what if the server froze its heap?
        gc.freeze()
        print(f"GCFROZEN {gc.get_freeze_count()}", file=sys.stderr, flush=True)


def main() -> int:
    gc.callbacks.append(_callback)
    atexit.register(report)
    signal.signal(signal.SIGUSR1, report)
    from server.cli import main as metrokawa

    return metrokawa(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())

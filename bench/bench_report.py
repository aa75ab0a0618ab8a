"""Time the cahier de préconisations of the demo archive, in each format (goal: ≤ 1 s each).

    .venv/bin/python bench/bench_report.py

Each figure is the best of 3 runs of the whole path after reading the file: decode the log,
pseudonymise, replay, compute the opinions, build the report and render it. Printed, not asserted.
"""

from __future__ import annotations

import time
from pathlib import Path

from session_engine import iter_log
from session_engine.report import FORMATS, build_report, render

DEMO = Path(__file__).resolve().parents[1] / "replays" / "demo-metrokawa-120.mkawa"
RUNS = 3


def once(data: bytes, form: str) -> tuple[float, int]:
    start = time.perf_counter()
    header, envelopes = iter_log(data)
    text = render(build_report(header, list(envelopes)), form)
    return time.perf_counter() - start, len(text.encode())


def main() -> None:
    data = DEMO.read_bytes()
    print(f"Cahier de préconisations de {DEMO.name} ({len(data) / 1e6:.2f} Mo), meilleur de {RUNS}")
    for form in FORMATS:
        timings = [once(data, form) for _ in range(RUNS)]
        best = min(seconds for seconds, _ in timings)
        size = timings[0][1]
        verdict = "ok" if best <= 1.0 else "AU-DELÀ de l'objectif"
        print(f"  {form:<4} {best * 1000:7.1f} ms  {size / 1024:7.1f} Ko  ({verdict})")


if __name__ == "__main__":
    main()

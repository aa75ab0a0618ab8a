"""Write the engine's tallies of a log as JSON, for the client's port to be compared with.

The replay viewer reads a whole log and computes what it shows per territory and per role with
``clients/tablet/src/state/tallies.ts``, a port of ``session_engine/tallies.py`` (the same
k-anonymity rule as the cahier). This file is the engine's side of the check that the two agree
(``clients/tablet/test/tallies.test.ts``): the tallies every ``EVERY[k]`` events and after the
last one, at k = 5 (the rule) and at k = 2 (so that small groups show, and their figures are
compared too).

    .venv/bin/python replays/export_tallies.py      # writes golden-v1-voeux.tallies.json here
    .venv/bin/python replays/export_tallies.py LOG.mkawa -o LOG.tallies.json

``tests/session_engine/test_golden_tallies.py`` checks that the committed fixture is up to date.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import msgspec

from session_engine import SessionState, evolve, read_log
from session_engine.tallies import tallies

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden-v1-voeux.mkawa"
EVERY = {5: 16, 2: 32}  # k -> one checkpoint every so many events (the file stays small)

Json = Any


def export(log: bytes) -> dict[str, Json]:
    """Per k, the tallies at its checkpoints: [{seq, tallies}, …]."""
    _, envelopes = read_log(log)
    state = SessionState()
    steps: dict[str, list[Json]] = {str(k): [] for k in EVERY}
    for n, envelope in enumerate(envelopes, start=1):
        evolve(state, envelope.event)
        for k, every in EVERY.items():
            if n % every == 0 or n == len(envelopes):
                current = msgspec.to_builtins(tallies(state, k=k))
                steps[str(k)].append({"seq": envelope.seq, "tallies": current})
    return {"steps": steps}


def render(exported: dict[str, Json]) -> str:
    """The fixture's text: one line per step, so that a diff names the seq."""
    lines = ["{", '  "steps": {']
    for n, (k, steps) in enumerate(exported["steps"].items()):
        lines.append(f'    "{k}": [')
        for i, step in enumerate(steps):
            comma = "," if i < len(steps) - 1 else ""
            lines.append("      " + json.dumps(step, ensure_ascii=False, sort_keys=True) + comma)
        lines.append("    ]" + ("," if n < len(exported["steps"]) - 1 else ""))
    lines += ["  }", "}", ""]
    return "\n".join(lines)


def fixture_text(log_path: Path) -> str:
    return render(export(log_path.read_bytes()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", nargs="?", type=Path, default=GOLDEN)
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    output = args.output or args.log.with_suffix(".tallies.json")
    output.write_text(fixture_text(args.log), encoding="utf-8")
    print(f"{output}")


if __name__ == "__main__":
    main()

"""Write the engine's replay of a log as JSON, for the client's fold to be compared with.

The tablet client folds events with its own reducer (``clients/tablet/src/state``), a port of
``session_engine/evolve.py``. Two folds of one log can drift apart silently; this file is the
engine's side of the check that they do not (``clients/tablet/test/golden-state.test.ts``).

The state is written in the shape the client holds: ``visibility.visible_state(full=True)``, the
snapshot a facilitator's tablet receives on ``welcome`` (and what the replay viewer builds from a
whole log), with JSON's string keys. The end state alone would hide a reducer whose work a later
event overwrites (a pause undone by the resume, results shown then hidden), so the fixture also
holds every step: after each event, the changes it made to the state as ``[path, value]`` (set)
or ``[path]`` (delete), a path being the keys and list indices from the root; a list whose length
changed is set whole. Applying the steps to ``initial`` gives the state after every event.

    .venv/bin/python replays/export_state.py      # writes golden-v1-voeux.state.json here
    .venv/bin/python replays/export_state.py LOG.mkawa -o LOG.state.json

``tests/session_engine/test_golden_state.py`` checks that the committed fixture is up to date.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from session_engine import SessionState, evolve, read_log
from session_engine.visibility import visible_state

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden-v1-voeux.mkawa"

Json = Any
Change = list[Json]  # [path] deletes, [path, value] sets


def client_shape(state: SessionState) -> Json:
    """The whole state as the client holds it: plain JSON data, every map key a string."""
    return json.loads(json.dumps(visible_state(state, full=True, participant=None)))


def changes(before: Json, after: Json, path: tuple[str | int, ...] = ()) -> list[Change]:
    """What turns ``before`` into ``after``, leaves first, map keys in sorted order."""
    if isinstance(before, dict) and isinstance(after, dict):
        found: list[Change] = []
        for key in sorted(before.keys() | after.keys()):
            if key not in after:
                found.append([[*path, key]])
            elif key not in before:
                found.append([[*path, key], after[key]])
            else:
                found += changes(before[key], after[key], (*path, key))
        return found
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        pairs = enumerate(zip(before, after, strict=True))
        return [change for i, (b, a) in pairs for change in changes(b, a, (*path, i))]
    return [] if before == after else [[list(path), after]]


def export(log: bytes) -> dict[str, Json]:
    """The initial state, every step and the final state of the log's replay."""
    _, envelopes = read_log(log)
    state = SessionState()
    initial = previous = client_shape(state)
    steps = []
    for envelope in envelopes:
        evolve(state, envelope.event)
        current = client_shape(state)
        step = {"seq": envelope.seq, "type": envelope.type, "changes": changes(previous, current)}
        steps.append(step)
        previous = current
    return {"initial": initial, "steps": steps, "final": previous}


def render(name: str, exported: dict[str, Json]) -> str:
    """The fixture's text: the states indented, one line per step (so a diff names the event)."""

    def dump(value: Json, indent: int | None = None) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=indent)

    def block(value: Json) -> str:
        return dump(value, 1).replace("\n", "\n ")

    steps = ",\n  ".join(
        f'{{"seq": {s["seq"]}, "type": {dump(s["type"])}, "changes": {dump(s["changes"])}}}'
        for s in exported["steps"]
    )
    return (
        "{\n"
        f' "about": {dump(f"The engine replay of {name}, written by replays/export_state.py")},\n'
        f' "initial": {block(exported["initial"])},\n'
        f' "steps": [\n  {steps}\n ],\n'
        f' "final": {block(exported["final"])}\n'
        "}\n"
    )


def fixture_text(log_path: Path = GOLDEN) -> str:
    return render(log_path.name, export(log_path.read_bytes()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path, nargs="?", default=GOLDEN)
    parser.add_argument("-o", "--output", type=Path, help="default: LOG with .state.json")
    args = parser.parse_args()
    output = args.output or args.log.with_suffix(".state.json")
    text = fixture_text(args.log)
    output.write_text(text, encoding="utf-8")
    print(f"{output}: {len(text.encode())} octets")


if __name__ == "__main__":
    main()

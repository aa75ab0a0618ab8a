"""The engine's replay of ``golden-v1-voeux.mkawa``, exported for the client, is up to date.

``replays/golden-v1-voeux.state.json`` is what ``replays/export_state.py`` writes: the state after
every event of the golden log, in the client's shape. The tablet's vitest
(``clients/tablet/test/golden-state.test.ts``) folds the same log with ``src/state`` and compares,
so the engine's and the client's folds cannot drift apart. When the engine's state changes on
purpose, regenerate the fixture and review the diff:

    METROKAWA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/session_engine/test_golden_state.py
"""

from __future__ import annotations

import json
import os
import runpy
from pathlib import Path
from typing import Any

import pytest

from session_engine import read_log, replay
from session_engine.visibility import visible_state

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "replays" / "golden-v1-voeux.mkawa"
FIXTURE = ROOT / "replays" / "golden-v1-voeux.state.json"
UPDATE = os.environ.get("METROKAWA_UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def exporter() -> dict[str, Any]:
    """The globals of replays/export_state.py (a script, not a package)."""
    return runpy.run_path(str(ROOT / "replays" / "export_state.py"))


def test_the_committed_fixture_is_what_the_exporter_writes_today(exporter: dict[str, Any]) -> None:
    text = exporter["fixture_text"](LOG)
    if UPDATE:
        FIXTURE.write_text(text, encoding="utf-8")
    assert FIXTURE.exists(), f"{FIXTURE.name} is missing: run with METROKAWA_UPDATE_GOLDEN=1"
    assert text == FIXTURE.read_text(encoding="utf-8"), (
        f"the engine's replay differs from {FIXTURE.name}; if the change is meant, regenerate "
        "with METROKAWA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest "
        "tests/session_engine/test_golden_state.py, review the diff, and make the client's "
        "src/state fold the same (clients/tablet/test/golden-state.test.ts)"
    )


def test_the_fixture_holds_every_event_and_ends_on_the_replayed_state() -> None:
    _, envelopes = read_log(LOG.read_bytes())
    fixture = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert [(s["seq"], s["type"]) for s in fixture["steps"]] == [(e.seq, e.type) for e in envelopes]
    state = visible_state(replay(envelopes), full=True, participant=None)
    assert fixture["final"] == json.loads(json.dumps(state))
    assert fixture["final"]["voeux"]["vx1"]["proposal"] == "pr1"


def apply(state: Any, changes: list[list[Any]]) -> Any:
    """The client test's reading of a step: [path] deletes, [path, value] sets."""
    state = json.loads(json.dumps(state))
    for change in changes:
        path, parent = change[0], state
        for key in path[:-1]:
            parent = parent[key]
        if len(change) == 1:
            del parent[path[-1]]
        else:
            parent[path[-1]] = change[1]
    return state


CHANGES = [
    # before, after, changes
    ({"a": 1}, {"a": 1}, []),
    ({"a": 1}, {"a": 2}, [[["a"], 2]]),
    ({"a": 1, "b": 2}, {"b": 2}, [[["a"]]]),
    ({"m": {}}, {"m": {"p1|s1": None}}, [[["m", "p1|s1"], None]]),
    ({"r": [{"s": "running"}]}, {"r": [{"s": "paused"}]}, [[["r", 0, "s"], "paused"]]),
    ({"l": [1]}, {"l": [1, 2]}, [[["l"], [1, 2]]]),  # a list whose length changed is set whole
    ({"x": None}, {"x": {"v": 1}}, [[["x"], {"v": 1}]]),
]


@pytest.mark.parametrize(("before", "after", "expected"), CHANGES)
def test_a_step_names_the_changes_that_turn_one_state_into_the_next(
    exporter: dict[str, Any], before: Any, after: Any, expected: list[list[Any]]
) -> None:
    assert exporter["changes"](before, after) == expected
    assert apply(before, expected) == after

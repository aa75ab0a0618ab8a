"""The engine's tallies of ``golden-v1-voeux.mkawa``, exported for the client, are up to date.

``replays/golden-v1-voeux.tallies.json`` is what ``replays/export_tallies.py`` writes: the
tallies at checkpoints along the log and at its end, at k = 5 and k = 2. The tablet's vitest
(``clients/tablet/test/tallies.test.ts``) folds the same log with ``src/state``, computes the
tallies with its port (``src/state/tallies.ts``) and compares, so the replay viewer hides what
the room's screens and the cahier hide. When the tallies change on purpose, regenerate:

    METROKAWA_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/session_engine/test_golden_tallies.py
"""

from __future__ import annotations

import json
import os
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "replays" / "golden-v1-voeux.mkawa"
FIXTURE = ROOT / "replays" / "golden-v1-voeux.tallies.json"
UPDATE = os.environ.get("METROKAWA_UPDATE_GOLDEN") == "1"


def test_the_committed_fixture_is_what_the_exporter_writes_today() -> None:
    text = runpy.run_path(str(ROOT / "replays" / "export_tallies.py"))["fixture_text"](LOG)
    if UPDATE:
        FIXTURE.write_text(text, encoding="utf-8")
    assert FIXTURE.exists(), f"{FIXTURE.name} is missing: run with METROKAWA_UPDATE_GOLDEN=1"
    assert text == FIXTURE.read_text(encoding="utf-8"), (
        f"the engine's tallies differ from {FIXTURE.name}; if the change is meant, regenerate "
        "with METROKAWA_UPDATE_GOLDEN=1 and make src/state/tallies.ts agree"
    )


def test_the_fixture_shows_groups_and_hides_groups() -> None:
    """The golden log exercises both sides of the rule: at k = 5 some territory shows figures,
    and at k = 2 some group is hidden by complementary suppression or size."""
    steps = json.loads(FIXTURE.read_text(encoding="utf-8"))["steps"]
    groups = [
        (k, group)
        for k, found in steps.items()
        for step in found
        for statement in step["tallies"]["statements"]
        for group in statement["territories"] + statement["roles"]
    ]
    assert any(k == "5" and not g["hidden"] for k, g in groups)
    assert any(k == "5" and g["hidden"] for k, g in groups)
    assert all((g["voters"] is None) == g["hidden"] for _, g in groups)

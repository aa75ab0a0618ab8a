"""``simulate`` and ``replay`` count positions two ways and say which: every position taken,
a change of mind counted once more, and the positions in force at the end on published
statements. Both outputs name both counts, and the same file gives the same figures."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from server.cli import main

TAKEN = "positions prises, changements compris"
IN_FORCE = "positions en cours"


def figure(text: str, pattern: str) -> int:
    found = re.search(pattern, text)
    assert found is not None, f"{pattern!r} not in:\n{text}"
    return int(found.group(1).replace("\u202f", ""))


def test_simulate_and_replay_name_their_position_counts_and_agree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "s.mkawa"
    args = ["--participants", "30", "--rounds", "3", "--seed", "5", "-o", str(log)]
    assert main(["simulate", "--offline", *args]) == 0
    simulated = capsys.readouterr().out
    assert main(["replay", str(log)]) == 0
    replayed = capsys.readouterr().out

    number = r"(\d[\d\u202f]*)"
    taken = figure(simulated, rf"{number} {TAKEN} ")
    in_force = figure(simulated, rf"\({number} {IN_FORCE}\)")
    assert taken > in_force  # people changed their mind: the two counts differ, and say why
    assert figure(replayed, rf"Positions en cours\u00a0: {number} \(sur les énoncés publiés\)") == (
        in_force
    )
    assert figure(replayed, rf"Positions prises, changements compris\u00a0: {number}") == taken


def test_the_json_keys_stay_and_their_help_says_what_they_count(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def unwrapped() -> str:  # argparse wraps at plain spaces only, never at no-break ones
        return re.sub(r"[ \n]+", " ", capsys.readouterr().out)

    assert main(["replay", "--help"]) == 0
    assert "positions\u00a0: les positions en cours" in unwrapped()
    assert main(["simulate", "--help"]) == 0
    help_text = unwrapped()
    assert (
        "positions\u00a0: prises, changements compris\u202f; positions_in_force\u00a0: en cours"
        in (help_text)
    )

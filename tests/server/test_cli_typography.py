"""The command line speaks French typography too: every help page, a refusal, argparse's own
complaints and the replay summary, with no plain space before ? ! ; : or inside « »."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.cli import main

from ..session_engine.test_typography import mistakes

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "replays" / "demo-metrokawa-120.mkawa"


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["simulate", "--help"],
        ["replay", "--help"],
        ["report", "--help"],
        ["serve", "--help"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_every_help_page_is_typeset(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("Utilisation\u00a0: metrokawa")
    assert mistakes(out) == []


def test_refusals_and_argparse_complaints_are_typeset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", str(tmp_path / "absent.mkawa")]) == 2
    assert main(["report", str(DEMO), "--territory", "Montreuil"]) == 2
    assert main(["simulate", "--offline", "--territories", "7"]) == 2
    err = capsys.readouterr().err
    assert "«\u00a0Montreuil\u00a0»" in err
    assert mistakes(err) == []


def test_the_replay_summary_is_typeset(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(DEMO)]) == 0
    out = capsys.readouterr().out
    assert "Positions en cours\u00a0: " in out
    assert mistakes(out) == []

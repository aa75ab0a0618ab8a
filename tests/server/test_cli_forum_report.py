"""``metrokawa report`` on a forum's log (the online phase): the same command, every format, the
forum's cahier (tests/session_engine/test_report_forum.py builds the log and checks its content;
here, that the command line writes it as the engine renders it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.cli import main
from session_engine import write_log
from session_engine.report import build_report, render

from ..session_engine.test_report_forum import HEADER, forum_log


@pytest.fixture
def forum_file(tmp_path: Path) -> Path:
    path = tmp_path / "forum.mkawa"
    path.write_bytes(write_log(HEADER, forum_log()))
    return path


@pytest.mark.parametrize("form", ["md", "html", "json"])
def test_report_writes_a_forum_s_cahier_in_each_format(
    forum_file: Path, tmp_path: Path, form: str
) -> None:
    output = tmp_path / f"cahier.{form}"
    assert main(["report", str(forum_file), "--format", form, "-o", str(output)]) == 0
    text = output.read_text(encoding="utf-8")
    assert text == render(build_report(HEADER, forum_log()), form)
    if form == "json":
        assert json.loads(text)["forum"]["participation"][-1]["joined"] == 9
    else:
        assert "Cahier du forum numérique" in text
        assert "Participation en ligne par territoire" in text


def test_report_focuses_a_forum_s_cahier_on_a_territory(
    forum_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(forum_file), "--territory", "Pleyel"]) == 0
    printed = capsys.readouterr().out
    assert "Cahier du forum numérique — Forum de Saint-Denis et Pantin — Pleyel" in printed
    assert "Les poubelles débordent" not in printed.split("## Problèmes partagés")[0]

"""``metrokawa export --format polis`` and ``metrokawa import --format polis``: real files, in
French, exit codes; the round trip through Pol.is's files gives the same files back."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from server.cli import main
from session_engine import read_log, replay

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "replays" / "demo-metrokawa-120.mkawa"
FIXTURE = ROOT / "tests" / "session_engine" / "data" / "polis-night-bus"
FILES = ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv")


def test_export_import_export_gives_identical_csv_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "premier", tmp_path / "second"
    assert main(["export", "--format", "polis", str(DEMO), str(first)]) == 0
    assert f"écrits dans {first}" in capsys.readouterr().err
    log = tmp_path / "retour.mkawa"
    assert main(["import", "--format", "polis", str(first), "-o", str(log)]) == 0
    assert f"écrits dans {log}" in capsys.readouterr().err
    assert main(["export", "--format", "polis", str(log), str(second)]) == 0
    for name in FILES:
        assert (second / name).read_bytes() == (first / name).read_bytes(), name


def test_an_imported_pol_is_conversation_replays_and_its_cahier_renders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "nuit.mkawa"
    assert main(["import", str(FIXTURE), "-o", str(log)]) == 0  # polis is the default
    capsys.readouterr()
    assert main(["replay", str(log)]) == 0
    assert "Getting around at night" in capsys.readouterr().out
    assert main(["report", str(log), "--format", "md"]) == 0
    cahier = capsys.readouterr().out
    assert "# Cahier de préconisations — Getting around at night" in cahier
    assert "Groupe B\u00a0: 10 personnes" in cahier
    _, envelopes = read_log(log.read_bytes())
    assert len(replay(envelopes).participants) == 31


def test_import_names_the_log_after_the_conversation_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["import", str(FIXTURE)]) == 0
    assert (tmp_path / "polis-4mkwtnqrzb.mkawa").exists()


def test_what_cannot_be_read_is_refused_in_french_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(tmp_path / "absent")]) == 2
    assert "n'est pas un dossier d'export Pol.is" in capsys.readouterr().err
    broken = tmp_path / "casse"
    shutil.copytree(FIXTURE, broken)
    (broken / "votes.csv").write_text("timestamp,comment-id,voter-id,vote\n1,77,1,1\n")
    assert main(["import", str(broken), "-o", str(tmp_path / "x.mkawa")]) == 2
    err = capsys.readouterr().err
    assert "Export Pol.is illisible" in err
    assert "commentaire 77, absent de «\u00a0comments.csv\u00a0»" in err
    assert "Traceback" not in err
    assert not (tmp_path / "x.mkawa").exists()
    notes = tmp_path / "notes.mkawa"
    notes.write_bytes(b"pas un journal")
    assert main(["export", str(notes), str(tmp_path / "sortie")]) == 2
    assert "n'est pas un journal Métrokawa lisible" in capsys.readouterr().err
    assert main(["export", "--format", "excel", str(DEMO), str(tmp_path)]) == 2
    assert "choix 'excel' inconnu" in capsys.readouterr().err


def test_help_of_export_and_import_says_what_the_files_hold(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["export", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Utilisation\u00a0: metrokawa export")
    assert "participants-votes.csv" in out
    assert main(["import", "--help"]) == 0
    assert "Utilisation\u00a0: metrokawa import" in capsys.readouterr().out

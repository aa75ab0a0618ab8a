"""Scenarios of the ``metrokawa`` command line: simulate, replay, serve, in French, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from server.cli import main
from session_engine import read_log, replay, summarize

from .live import free_port

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "replays" / "demo-metrokawa-120.mkawa"
DEMO_SUMMARY = ROOT / "replays" / "demo-metrokawa-120.summary.json"


@pytest.fixture(scope="module")
def small_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("logs") / "petit.mkawa"
    assert main(["simulate", "--offline", "--participants", "24", "--territories", "3",
                 "--rounds", "3", "--seed", "8", "-o", str(path)]) == 0  # fmt: skip
    return path


# --- simulate -----------------------------------------------------------------------------------


def test_simulate_offline_writes_the_log_and_prints_one_line_of_counts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "session.mkawa"
    code = main(["simulate", "--offline", "--participants", "30", "--territories", "4",
                 "--rounds", "3", "--seed", "12", "-o", str(output)])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    _, log = read_log(output.read_bytes())
    assert out.count("\n") == 1
    assert f"{len(log)} événements" in out.replace("\u202f", "")
    assert "30 participant·e·s, 4 territoires, 3 manches" in out
    assert f"{round(output.stat().st_size / 1024)} Ko" in out.replace("\u202f", "")
    assert out.rstrip().endswith(str(output))


def test_simulate_without_offline_says_the_network_simulator_comes_later(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["simulate", "--participants", "30", "-o", str(tmp_path / "x.mkawa")])
    err = capsys.readouterr().err
    assert code == 2
    assert "--url" in err
    assert "serveur temps réel" in err
    assert not (tmp_path / "x.mkawa").exists()


def test_simulate_refuses_more_territories_than_the_programme_has(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["simulate", "--offline", "--territories", "7"]) == 2
    assert (
        "erreur\u00a0: --territories\u00a0: 7\u00a0: la valeur doit être entre 1 et 6"
        in capsys.readouterr().err
    )


def test_simulate_into_a_missing_folder_exits_2_in_french(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "absent" / "x.mkawa"
    assert main(["simulate", "--offline", "--participants", "10", "-o", str(target)]) == 2
    assert "Impossible d'écrire" in capsys.readouterr().err


def test_serve_with_several_workers_on_sqlite_exits_2_in_french(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Processes cannot share a SQLite file and an in-process bus: they need PostgreSQL and
    Redis, and the command says so before starting anything."""
    assert main(["serve", "--workers", "2", "--db", "x.sqlite", "--redis", "redis://h"]) == 2
    assert "--workers demande une base PostgreSQL" in capsys.readouterr().err
    assert main(["serve", "--workers", "2", "--db", "postgresql://h/db"]) == 2


# --- replay -------------------------------------------------------------------------------------


def test_replay_json_of_the_demo_equals_its_committed_summary(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["replay", str(DEMO), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads(DEMO_SUMMARY.read_text(encoding="utf-8"))
    assert printed == summarize(replay(read_log(DEMO.read_bytes())[1]))


def test_the_demo_is_the_programme_s_closed_session(capsys: pytest.CaptureFixture[str]) -> None:
    summary = json.loads(DEMO_SUMMARY.read_text(encoding="utf-8"))
    assert summary["closed"]
    assert summary["participants"] == 120
    assert list(summary["participants_per_territory"].values()) == [20] * 6
    assert [r["status"] for r in summary["rounds"]] == ["ended"] * 4
    assert summary["positions"] > 0
    assert summary["votes"]["v1"]["voters"] == 120


def test_replay_prints_a_readable_french_summary(
    small_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", str(small_log)]) == 0
    text = capsys.readouterr().out
    assert "Session close." in text
    assert "Participant·e·s\u00a0: 24" in text
    assert "La Goutte d'Or\u00a0: 8" in text
    assert "hôte " in text
    assert (
        "1. [tables] Quels problèmes vivez-vous dans votre quartier\u202f?\u00a0: terminée" in text
    )
    assert (
        "3. [vote] Vote\u00a0: quelles préconisations pour le conseil "
        "municipal\u202f?\u00a0: terminée" in text
    )
    assert "Énoncés\u00a0: " in text
    assert "publiés\u00a0: " in text
    assert "v1\u00a0: fermé" in text


def test_replay_until_gives_an_earlier_smaller_state(
    small_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", str(small_log), "--json"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert main(["replay", str(small_log), "--json", "--until", "60"]) == 0
    early = json.loads(capsys.readouterr().out)
    assert not early["closed"]
    assert early["positions"] < whole["positions"]
    assert early["votes"] == {}
    assert main(["replay", str(small_log), "--until", "60"]) == 0
    assert "60 événements rejoués. Session ouverte." in capsys.readouterr().out


def test_replay_of_a_garbage_file_exits_2_with_a_french_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "garbage.mkawa"
    garbage.write_bytes(b"\x93\x01\x02\x03 ceci n'est pas un journal" * 20)
    assert main(["replay", str(garbage)]) == 2
    err = capsys.readouterr().err
    assert "n'est pas un journal Métrokawa lisible" in err
    assert "Traceback" not in err


def test_replay_of_a_truncated_log_exits_2(
    small_log: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cut = tmp_path / "coupé.mkawa"
    cut.write_bytes(small_log.read_bytes()[:-7])
    assert main(["replay", str(cut)]) == 2
    assert "n'est pas un journal Métrokawa lisible" in capsys.readouterr().err


def test_replay_shows_its_progress_through_the_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", str(DEMO), "--progress"]) == 0
    bar = capsys.readouterr().err
    assert bar.count("\r") >= 2  # redrawn as the demo's 4,242 events are read
    assert bar.rstrip().endswith(
        f"100 %  ({DEMO.stat().st_size / 1e6:.1f} / {DEMO.stat().st_size / 1e6:.1f} Mo)"
    )


def test_replay_of_a_missing_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["replay", str(tmp_path / "absent.mkawa")]) == 2
    assert "Impossible de lire" in capsys.readouterr().err


# --- serve, help, errors ------------------------------------------------------------------------


def test_serve_creates_a_session_and_prints_the_facilitator_link_and_join_code(
    tmp_path: Path,
) -> None:
    """What ``make run`` shows: a real server process announcing a new session's links."""
    port = free_port()
    db = tmp_path / "run.sqlite"
    command = [sys.executable, "-m", "server", "serve", "--port", str(port), "--db", str(db)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=tmp_path
    )
    try:
        lines = _read_until(process, "Code pour rejoindre", timeout=20)
    finally:
        process.terminate()
        process.communicate(timeout=10)  # drains and closes the pipe
    text = "".join(lines)
    assert f"http://127.0.0.1:{port}/f/" in text
    link = next(line for line in lines if "Console d'animation" in line)
    assert "#token=" in link  # the token rides in the fragment, never in a request line
    code = next(line for line in lines if "Code pour rejoindre" in line).split(":")[1].split()[0]
    assert len(code) == 6
    assert db.exists()


def _read_until(process: subprocess.Popen[str], marker: str, *, timeout: float) -> list[str]:
    """Lines of the process's output up to the one holding ``marker``; raises after ``timeout``."""
    lines: list[str] = []
    found = threading.Event()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if marker in line:
                found.set()
                return

    threading.Thread(target=pump, daemon=True).start()
    if not found.wait(timeout):
        raise TimeoutError(f"no {marker!r} within {timeout} s:\n{''.join(lines)}")
    return lines


def test_help_is_in_french_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Utilisation\u00a0: metrokawa")
    assert "afficher cette aide et quitter" in out


def test_no_command_or_an_unknown_one_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["danser"]) == 2
    assert "erreur\u00a0: COMMANDE\u00a0: choix 'danser' inconnu" in capsys.readouterr().err


# --- the console script, in a real process ------------------------------------------------------


def test_console_script_simulates_and_replays_in_a_real_process(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("metrokawa")
    output = tmp_path / "vrai.mkawa"
    simulated = subprocess.run(
        [str(script), "simulate", "--offline", "--participants", "20", "--territories", "2",
         "--rounds", "2", "--seed", "4", "-o", str(output)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert simulated.returncode == 0, simulated.stderr
    assert output.read_bytes() == _in_process(tmp_path)
    replayed = subprocess.run(
        [str(script), "replay", str(output), "--json"], capture_output=True, text=True, check=False
    )
    assert replayed.returncode == 0, replayed.stderr
    assert json.loads(replayed.stdout)["participants"] == 20


def _in_process(tmp_path: Path) -> bytes:
    path = tmp_path / "même.mkawa"
    main(["simulate", "--offline", "--participants", "20", "--territories", "2",
          "--rounds", "2", "--seed", "4", "-o", str(path)])  # fmt: skip
    return path.read_bytes()


# --- report -------------------------------------------------------------------------------------

DEMO_REPORT = ROOT / "replays" / "demo-metrokawa-120.report"


def test_report_prints_the_demo_s_golden_cahier_in_markdown_by_default(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["report", str(DEMO)]) == 0
    printed = capsys.readouterr().out
    assert printed == DEMO_REPORT.with_suffix(".report.md").read_text(encoding="utf-8")
    assert printed.startswith("# Cahier de préconisations — ")


@pytest.mark.parametrize("form", ["html", "json"])
def test_report_writes_the_golden_file_of_each_format(
    form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / f"cahier.{form}"
    assert main(["report", str(DEMO), "--format", form, "-o", str(output)]) == 0
    golden = DEMO_REPORT.with_suffix(f".report.{form}")
    assert output.read_bytes() == golden.read_bytes()
    assert f"écrit dans {output}" in capsys.readouterr().err


def test_report_focuses_on_a_territory_by_id_or_name(
    small_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(small_log), "--territory", "t1"]) == 0
    by_id = capsys.readouterr().out
    assert main(["report", str(small_log), "--territory", "la goutte d'or"]) == 0
    assert capsys.readouterr().out == by_id
    assert by_id.splitlines()[0].endswith("— La Goutte d'Or")


def test_report_of_an_unknown_territory_exits_2_and_lists_the_known_ones(
    small_log: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(small_log), "--territory", "Montreuil"]) == 2
    err = capsys.readouterr().err
    assert "Le territoire «\u00a0Montreuil\u00a0» n'est pas dans cette session" in err
    assert "t1 (La Goutte d'Or)" in err


def test_report_of_a_garbage_file_exits_2_with_a_french_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = tmp_path / "garbage.mkawa"
    garbage.write_bytes(b"\x93\x01\x02\x03 ceci n'est pas un journal" * 20)
    assert main(["report", str(garbage), "--format", "html"]) == 2
    err = capsys.readouterr().err
    assert "n'est pas un journal Métrokawa lisible" in err
    assert "Traceback" not in err


def test_report_of_a_missing_file_or_into_a_missing_folder_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(tmp_path / "absent.mkawa")]) == 2
    assert "Impossible de lire" in capsys.readouterr().err
    output = tmp_path / "nulle-part" / "cahier.html"
    assert main(["report", str(DEMO), "--format", "html", "-o", str(output)]) == 2
    assert "Impossible d'écrire" in capsys.readouterr().err


def test_report_that_fails_to_render_exits_2_with_a_french_sentence_and_no_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import session_engine.report

    def broken(report: object, form: str) -> str:
        raise ValueError("rendu impossible")

    monkeypatch.setattr(session_engine.report, "render", broken)
    assert main(["report", str(DEMO), "--format", "html"]) == 2
    captured = capsys.readouterr()
    assert "est un journal incohérent\u00a0: il ne se rejoue pas" in captured.err
    assert "rendu impossible" in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_report_refuses_an_unknown_format_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(DEMO), "--format", "pdf"]) == 2
    assert "choix 'pdf' inconnu" in capsys.readouterr().err


def test_the_report_command_offers_the_report_s_own_formats() -> None:
    from server.cli import REPORT_FORMATS
    from session_engine.report import FORMATS

    assert tuple(REPORT_FORMATS) == tuple(FORMATS)

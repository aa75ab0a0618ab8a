"""The over-the-wire simulator against a real server: ``metrokawa simulate --url``.

Each test runs ``main([...])`` in-process (it runs its own event loop) against the ``live_server``
fixture: a real ``metrokawa serve`` process on a free loopback port. The log the server exports
is the judge of what the simulator's summary claims.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.cli import main
from server.client import ProtocolClient
from session_engine import read_log, replay
from session_engine.events import BallotCast, PositionTaken, RoundEnded
from session_engine.state import RoundStatus, StatementStatus

from .live import LiveServer, free_port


def _run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    code = main(["simulate", *args, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def test_a_small_session_runs_to_its_close_and_its_log_holds_what_the_summary_claims(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    output = tmp_path / "session.mkawa"
    code, summary, err = _run_json(
        capsys,
        "--url", live_server.url, "--participants", "20", "--territories", "3", "--rounds", "2",
        "--speed", "800", "--timeout", "60", "-o", str(output),
    )  # fmt: skip

    assert code == 0, err
    assert (summary["completed"], summary["failure"], summary["closed"]) == (True, None, True)
    assert summary["elapsed_s"] < 60
    # The happy path of a simulated room has no refusal at all: the simulator waits for its
    # writers before pausing or ending a round and paces each socket under the server's limit.
    assert (summary["refused"], summary["refused_by_code"], summary["unanswered"]) == (0, {}, 0)
    assert summary["acked"] == summary["sent"] > 0
    assert 0 < summary["latency_ms"]["p50"] <= summary["latency_ms"]["p99"]
    assert summary["latency_ms"]["p99"] <= summary["latency_ms"]["max"]
    for phase in ("▶ arrivées", "▶ placement", "▶ manche 1/2", "▶ manche 2/2", "▶ clôture"):
        assert phase in err  # progress goes to stderr with --json

    response = httpx.get(
        f"{live_server.url}/api/sessions/{summary['session']}/log",
        headers={"Authorization": f"Bearer {summary['facilitator_token']}"},
        timeout=10,
    )
    assert response.status_code == 200
    assert output.read_bytes() == response.content  # -o wrote the same export
    _, log = read_log(response.content)
    state = replay(log)

    assert state.closed
    assert all(r.status is RoundStatus.ENDED for r in state.rounds)
    assert summary["events"] == len(log)
    assert summary["participants"] == len(state.participants) == 20
    assert (summary["territories"], summary["rounds"]) == (3, 2)
    assert summary["positions"] == sum(isinstance(e.event, PositionTaken) for e in log) > 0
    assert summary["ballots"] == sum(isinstance(e.event, BallotCast) for e in log) == 20
    statuses = [s.status for s in state.statements.values()]
    assert summary["statements"] == len(state.statements) > 0
    assert summary["published"] == statuses.count(StatementStatus.PUBLISHED) > 0
    assert StatementStatus.PROPOSED not in statuses  # everything written was moderated
    assert summary["annotations"] == len(state.annotations)
    assert summary["syntheses"] == len(state.syntheses) == len(state.rounds[0].hosts)
    assert summary["proposals"] == len(state.proposals) > 0
    (vote,) = state.votes.values()
    assert not vote.open
    assert sorted(vote.ballots) == sorted(state.participants)  # everyone voted, once
    assert all(set(grades) == set(vote.proposals) for grades in vote.ballots.values())
    reasons = [e.event.reason for e in log if isinstance(e.event, RoundEnded)]
    assert reasons == ["facilitator", "facilitator"]  # ended by the facilitator, not the clock
    kinds = {type(e.event).__name__ for e in log}
    assert {"RoundPaused", "RoundResumed", "RoundExtended", "TablesRotated"} <= kinds


def test_the_text_summary_is_french_and_gives_the_console_link(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["simulate", "--url", live_server.url, "--participants", "6",
                 "--territories", "2", "--rounds", "2", "--speed", "5000"])  # fmt: skip
    out = capsys.readouterr().out

    assert code == 0
    assert "Simulation par le réseau terminée en" in out
    assert "Participant·e·s\u00a0: 6 (2 territoires, 2 manches, horloge × 5\u202f000)" in out
    assert ", 0 refusées, 0 sans réponse" in out
    assert f"Console d'animation\u00a0: {live_server.url}/f/" in out
    assert "#token=" in out
    assert "La session reste sur le serveur" in out


def test_lost_sockets_are_resumed_and_their_commands_applied_once(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every ninth command (a guest's join, a position, the facilitator's moderation…) loses its
    socket right after being sent, as a flaky Wi-Fi would: the simulator reopens it from its last
    seq and sends the command again with the same id. Twice-applied joins or ballots would be
    refused (pseudonym taken, already voted); none is, and the log has each person once."""
    sent, dropped = 0, set[str]()
    command = ProtocolClient.command

    async def flaky(self: ProtocolClient, type_: str, data: Any = None, **kw: Any) -> Any:
        nonlocal sent
        sent += 1
        if sent % 9 or kw["id"] in dropped:  # each command loses its socket once at most
            return await command(self, type_, data, **kw)
        dropped.add(kw["id"])
        answer = self.send(type_, data, id=kw["id"])
        self.drop()
        return await answer

    monkeypatch.setattr(ProtocolClient, "command", flaky)
    code, summary, err = _run_json(
        capsys, "--url", live_server.url, "--participants", "20", "--territories", "3",
        "--rounds", "2", "--speed", "800", "--timeout", "60",
    )  # fmt: skip

    assert code == 0, err
    assert summary["reconnections"] == len(dropped) > 10
    assert (summary["refused"], summary["unanswered"]) == (0, 0)
    response = httpx.get(
        f"{live_server.url}/api/sessions/{summary['session']}/log",
        headers={"Authorization": f"Bearer {summary['facilitator_token']}"},
        timeout=10,
    )
    _, log = read_log(response.content)
    state = replay(log)
    assert state.closed
    assert len(state.participants) == summary["participants"] == 20
    assert summary["events"] == len(log)
    assert summary["positions"] == sum(isinstance(e.event, PositionTaken) for e in log)
    assert summary["ballots"] == sum(isinstance(e.event, BallotCast) for e in log) == 20


@pytest.mark.parametrize(
    ("url", "words"),
    [
        (f"http://127.0.0.1:{free_port()}", "Impossible de joindre le serveur"),
        ("pas-une-url", "n'est pas l'adresse d'un serveur"),
        ("ftp://127.0.0.1:21", "n'est pas l'adresse d'un serveur"),
        ("http://127.0.0.1:99999", "n'est pas l'adresse d'un serveur"),
    ],
    # Named without the free port, which differs at each collection (a parallel run collects
    # the tests once per worker and requires the same names).
    ids=["nobody-listens", "no-url", "ftp", "no-port"],
)
def test_a_bad_url_exits_2_with_a_french_sentence(
    url: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["simulate", "--url", url, "--participants", "4"])
    captured = capsys.readouterr()

    assert code == 2
    assert captured.err.startswith("metrokawa\u00a0: ")
    assert words in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_a_server_that_is_not_metrokawa_exits_2(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["simulate", "--url", f"{live_server.url}/ailleurs", "--participants", "4"])
    err = capsys.readouterr().err

    assert code == 2
    assert "ne répond pas comme un serveur Métrokawa (HTTP 404)" in err


def test_the_run_stops_at_its_time_limit_and_says_so(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, summary, err = _run_json(
        capsys, "--url", live_server.url, "--participants", "10", "--territories", "2",
        "--rounds", "2", "--speed", "1", "--timeout", "1.5",
    )  # fmt: skip

    assert code == 2
    assert (summary["completed"], summary["closed"]) == (False, False)
    assert "n'a pas fini en 1,5 s" in summary["failure"]
    assert summary["elapsed_s"] < 10  # stopped by itself, its sockets closed
    info = httpx.get(f"{live_server.url}/api/sessions/{summary['session']}", timeout=10).json()
    assert info["closed"] is False  # left as it was, on the server
    assert err.rstrip().endswith(f"metrokawa\u00a0: {summary['failure']}")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--offline", "--url", "http://127.0.0.1:8000"], "pas les deux"),
        (["--url", "http://127.0.0.1:8000", "--real-time", "--speed", "10"], "--real-time"),
        (
            ["--url", "http://127.0.0.1:8000", "--speed", "0"],
            "--speed\u00a0: 0\u00a0: la valeur doit",
        ),
    ],
)
def test_contradictory_or_impossible_options_exit_2(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", *args]) == 2
    assert words in capsys.readouterr().err

"""The online phase played against a real server: ``metrokawa simulate --url URL --forum``.

Each test runs ``main([...])`` in-process against a real ``metrokawa serve`` process on a free
loopback port. The server reads its clock from a file (``METROKAWA_CLOCK_FILE``) that the
simulator turns with the forum's days, so that three days pass in a few seconds and the log's
times span them. The log the server exports is the judge of what the summary claims.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.cli import main
from session_engine import read_log, replay
from session_engine.events import AnnotationAdded, PositionTaken, StatementProposed
from session_engine.model import StatementKind
from session_engine.state import StatementStatus

from .live import LiveServer

DAY_MS = 24 * 3600 * 1000

# Each territory's centre, as the map has it: a point put by a resident lies in its neighbourhood.
CENTRES = {
    "La Goutte d'Or": (48.8867, 2.3538),
    "Vincennes centre": (48.8474, 2.4390),
    "Les Francs-Moisins": (48.9131, 2.3668),
}
NEIGHBOURHOOD_DEGREES = 0.03  # about 3 km: seven times the spread of the points around a centre


@pytest.fixture
def clock_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file both the server and the simulator know as ``METROKAWA_CLOCK_FILE``."""
    path = tmp_path / "clock"
    monkeypatch.setenv("METROKAWA_CLOCK_FILE", str(path))
    return path


@pytest.fixture
def forum_server(tmp_path: Path, clock_file: Path) -> Iterator[LiveServer]:
    server = LiveServer(
        tmp_path / "forum.sqlite", env={"METROKAWA_CLOCK_FILE": str(clock_file)}
    ).start()
    try:
        yield server
    finally:
        server.stop()


def _run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, Any], str]:
    code = main(["simulate", *args, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def _log(server: LiveServer, summary: dict[str, Any]) -> bytes:
    response = httpx.get(
        f"{server.url}/api/sessions/{summary['session']}/log",
        headers={"Authorization": f"Bearer {summary['facilitator_token']}"},
        timeout=10,
    )
    assert response.status_code == 200
    return response.content


def test_thirty_residents_of_three_territories_post_place_rate_and_comment_over_three_days(
    forum_server: LiveServer, clock_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, summary, err = _run_json(
        capsys,
        "--url", forum_server.url, "--forum", "--participants", "30", "--territories", "3",
        "--days", "3", "--speed", "43200", "--timeout", "90",
    )  # fmt: skip

    assert code == 0, err
    assert (summary["completed"], summary["failure"], summary["closed"]) == (True, None, True)
    # A simulated forum has no refusal: each socket is paced under the server's limits.
    assert (summary["refused"], summary["refused_by_code"], summary["unanswered"]) == (0, {}, 0)
    assert summary["acked"] == summary["sent"] > 0
    for line in ("▶ jour 1/3", "▶ jour 2/3", "▶ jour 3/3", "▶ clôture du forum"):
        assert line in err  # progress goes to stderr with --json

    _, log = read_log(_log(forum_server, summary))
    state = replay(log)
    assert (state.forum, state.closed) == (True, True)
    assert (state.rounds, state.tables) == ([], {})  # no tables, no rounds: the online phase
    assert len(state.themes) == summary["themes"] == 12
    assert summary["events"] == len(log)

    # Three days passed on the server's clock: the log's times fall on each of them.
    assert {(e.at - log[0].at) // DAY_MS for e in log} == {0, 1, 2}

    # Residents joined by territory: ten each.
    territory = {t.id: t.name for t in state.territories.values()}
    residents = Counter(territory[p.territory] for p in state.participants.values())
    assert residents == {name: 10 for name in CENTRES}
    assert [(t["name"], t["residents"]) for t in summary["by_territory"]] == [
        (name, 10) for name in CENTRES
    ]

    # Contributions: problems and ideas from every territory, filed under a theme, some placed
    # by an address, some by a point in their territory's neighbourhood; all moderated.
    statements = list(state.statements.values())
    assert summary["contributions"] == len(statements) > 0
    assert {s.kind for s in statements} == {StatementKind.PROBLEM, StatementKind.IDEA}
    assert all(s.round == 0 and s.table is None for s in statements)
    assert {territory[s.territory] for s in statements if s.territory} == set(CENTRES)
    assert all(s.theme in state.themes for s in statements if s.theme is not None)
    addressed = [s for s in statements if s.place and s.place.address]
    pointed = [s for s in statements if s.place and s.place.lat is not None]
    assert summary["with_address"] == len(addressed) > 0
    assert summary["with_point"] == len(pointed) > 0
    for s in pointed:
        assert s.place is not None
        assert s.territory is not None
        lat, lon = CENTRES[territory[s.territory]]
        assert abs((s.place.lat or 0) - lat) < NEIGHBOURHOOD_DEGREES
        assert abs((s.place.lon or 0) - lon) < NEIGHBOURHOOD_DEGREES
    statuses = Counter(s.status for s in statements)
    assert StatementStatus.PROPOSED not in statuses
    assert summary["published"] == statuses[StatementStatus.PUBLISHED] > 0
    assert summary["merged"] == statuses[StatementStatus.MERGED]
    assert summary["hidden"] == statuses[StatementStatus.HIDDEN]
    proposed = [e for e in log if isinstance(e.event, StatementProposed)]
    assert len(proposed) == len(statements)

    # Ratings −2..+2 or a pass, on published contributions; comments on them.
    ratings = [e.event for e in log if isinstance(e.event, PositionTaken)]
    assert summary["ratings"] == len(ratings) > 0
    assert {r.value for r in ratings} <= {-2, -1, 0, 1, 2, None}
    assert summary["passes"] == sum(r.value is None for r in ratings)
    assert all(r.round == 0 for r in ratings)
    published = {s.id for s in statements if s.status is StatementStatus.PUBLISHED}
    assert {r.statement for r in ratings} <= published
    comments = [e.event for e in log if isinstance(e.event, AnnotationAdded)]
    assert summary["comments"] == len(comments)
    assert all(c.statement in published for c in comments)

    # Residents came back on later days: more visits than residents, each visit a new socket.
    assert summary["visits"] > summary["participants"]
    assert summary["missed_visits"] == 0


def test_the_text_summary_is_french(
    forum_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["simulate", "--url", forum_server.url, "--forum", "--participants", "6",
                 "--territories", "2", "--days", "1", "--speed", "86400"])  # fmt: skip
    out = capsys.readouterr().out

    assert code == 0
    assert "Forum simulé par le réseau terminé en" in out
    assert "Habitant·e·s\u00a0: 6 (2 territoires, 12 thèmes, 1 jour, horloge × 86\u202f400)" in out
    assert "Par territoire\u00a0: La Goutte d'Or 3 (" in out
    assert ", 0 refusées, 0 sans réponse" in out
    assert f"Console d'animation\u00a0: {forum_server.url}/f/" in out
    assert "Le forum reste sur le serveur" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--url", "http://127.0.0.1:8000", "--days", "3"], "ajoutez --forum"),
        (["--offline", "--forum"], "sans --offline ni --console"),
        (["--forum"], "--url http://HÔTE:PORT --forum"),
        (["--url", "http://127.0.0.1:8000", "--forum", "--voeux", "2"], "pas de vote"),
        (["--url", "http://127.0.0.1:8000", "--participants", "2000"], "avec --forum"),
        (["--url", "http://127.0.0.1:8000", "--forum", "--days", "0"], "entre 1 et 60"),
    ],
)
def test_contradictory_or_impossible_forum_options_exit_2(
    args: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", *args]) == 2
    err = capsys.readouterr().err
    assert words in err
    assert "Traceback" not in err

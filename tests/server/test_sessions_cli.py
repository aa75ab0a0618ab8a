"""``metrokawa sessions``: on the machine that runs the server, the sessions of its database, and a
console link given back for one of them — a new co-facilitator link, recorded in the log as the
``system`` actor's, since the facilitator's token is kept only as its hash. The server may be
running meanwhile: the link works at its first hello, and the console sees it come in."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from server import cli

from .live import LiveServer
from .scenario import Room, acked, event_of, run

LINK = re.compile(r"Console d'animation\u00a0: (\S+)/f/(\w+)#token=(\S+)")


def sessions(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command run in this process (in a thread when a scenario's loop runs: the command
    runs its own), its exit code and what it printed."""
    code = cli.main(["sessions", *args])
    out, err = capsys.readouterr()
    return code, out, err


def given_back(out: str) -> tuple[str, str, str]:
    """(the links' base, the session id, the token) of the console link printed."""
    found = LINK.search(out)
    assert found is not None, out
    base, session, token = found.groups()
    return base, session, token


def test_the_sessions_of_the_database_are_listed(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = Room.create(live_server), Room.create(live_server, rounds=3)

    async def two_people() -> None:
        await second.join_many(2)

    run(two_people())
    code, out, err = sessions(capsys, "--db", str(live_server.db_path))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"2 sessions dans {live_server.db_path}\u00a0:"
    first_line = next(line for line in lines if first.id in line)
    second_line = next(line for line in lines if second.id in line)
    assert f"code {first.code}" in first_line
    assert "«\u00a0Métrokawa de test\u00a0»" in first_line
    assert "0 participant·e, 1 événement, ouverte" in first_line
    assert "2 participant·e·s, 3 événements, ouverte" in second_line
    assert lines[-1].startswith("Pour retrouver la console d'une session")
    assert "#token=" not in out  # listing gives no link


def test_a_link_given_back_works_on_the_running_server_at_once(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    room = Room.create(live_server)

    async def scenario() -> None:
        console = await room.facilitator()
        await room.join_many(2)
        seq = await room.seq()
        db = str(live_server.db_path)
        code, out, err = await asyncio.to_thread(sessions, capsys, room.code.lower(), "--db", db)
        assert (code, err) == (0, "")
        base, session, token = given_back(out)
        assert (base, session) == ("http://127.0.0.1:8000", room.id)
        assert "(cf1, «\u00a0Machine du serveur\u00a0»)" in out

        steering = await room.connect(None, token=token)  # the server reads the store again
        assert (steering.welcome["you"], steering.welcome["role"]) == ("cf1", "facilitator")
        given = await event_of(console, seq + 1)  # the console sees it, in order, no gap
        assert (given["type"], given["actor"]) == ("CoFacilitatorAdded", "system")
        assert given["data"] == {"cofacilitator": "cf1", "label": "Machine du serveur"}
        seated = acked(await steering.command("SeatTables"))
        assert seated == seq + 2
        assert (await event_of(console, seated))["actor"] == "cf1"

    run(scenario())


def test_a_link_given_back_reaches_the_console_at_the_server_s_next_commit(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nobody uses the link yet: the server's next commit finds the log moved on, reads it again,
    shows the console the new link, and decides the command on the log as it now is."""
    room = Room.create(live_server)

    async def scenario() -> None:
        console = await room.facilitator()
        await room.join_many(2)
        seq = await room.seq()
        db = str(live_server.db_path)
        code, _, _ = await asyncio.to_thread(sessions, capsys, room.id, "--db", db)
        assert code == 0
        seated = acked(await console.command("SeatTables"))  # not « unavailable »
        assert seated == seq + 2
        events = [await event_of(console, n) for n in (seq + 1, seq + 2)]
        assert [e["type"] for e in events] == ["CoFacilitatorAdded", "TablesSeated"]

    run(scenario())


def test_the_links_given_back_are_made_from_the_public_address(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    room = Room.create(live_server)
    db = str(live_server.db_path)
    code, out, _ = sessions(capsys, room.id, "--db", db, "--public-url", "https://mk.example.org/")
    assert code == 0
    assert given_back(out)[0] == "https://mk.example.org"
    assert f"(https://mk.example.org/j/{room.code})" in out
    code, out, _ = sessions(capsys, room.id, "--db", db, "--port", "8123")
    assert given_back(out)[0] == "http://127.0.0.1:8123"
    assert "(cf2," in out  # each call gives a new link


def test_no_link_for_a_closed_session_an_unknown_one_or_a_missing_database(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    room = Room.create(live_server)

    async def close() -> None:
        console = await room.facilitator()
        acked(await console.command("CloseSession"))

    run(close())
    db = str(live_server.db_path)
    code, out, err = sessions(capsys, room.id, "--db", db)
    assert (code, out) == (2, "")
    assert err.startswith("metrokawa\u00a0: Pas de nouveau lien pour «\u00a0Métrokawa de test")
    assert "La session est terminée." in err
    code, out, err = sessions(capsys, "ZZZZZZ", "--db", db)
    assert (code, out) == (2, "")
    assert "Aucune session «\u00a0ZZZZZZ\u00a0»" in err
    missing = tmp_path / "ailleurs.sqlite"
    code, out, err = sessions(capsys, "--db", str(missing))
    assert (code, out) == (2, "")
    assert "Pas de base Métrokawa" in err
    assert not missing.exists()  # nothing created where there was no database

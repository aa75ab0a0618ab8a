"""``metrokawa serve`` (and so ``make run``) binds its port before it creates anything: a port it
cannot have is one French sentence, a non-zero exit, and no session in the database."""

from __future__ import annotations

import errno
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from server import listen

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port that another program holds and listens on."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


def serve(port: int, db: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "server", "serve", "--port", str(port), "--db", str(db)]
    return subprocess.run(
        [*command, *extra], capture_output=True, text=True, timeout=60, cwd=db.parent
    )


def test_a_taken_port_is_one_french_sentence_and_nothing_is_created(
    taken_port: int, tmp_path: Path
) -> None:
    db = tmp_path / "run.sqlite"
    done = serve(taken_port, db)
    assert done.returncode != 0
    assert done.stdout == ""  # no links printed, no uvicorn line
    assert done.stderr == (
        f"metrokawa\u00a0: Le port {taken_port} est déjà pris sur 127.0.0.1 (un autre serveur "
        "Métrokawa tourne-t-il déjà\u202f?)\u00a0: choisissez-en un autre, par exemple make run "
        f"PORT={taken_port + 1} ou metrokawa serve --port {taken_port + 1}.\n"
    )
    assert not db.exists()  # the store was never opened: no session written


def test_a_taken_port_leaves_an_existing_database_without_a_new_session(
    taken_port: int, tmp_path: Path
) -> None:
    db = tmp_path / "run.sqlite"
    sqlite3.connect(db).close()  # an empty file, as left by an earlier run
    assert serve(taken_port, db).returncode != 0
    with sqlite3.connect(db) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == []


def test_the_port_listens_before_the_session_is_printed(tmp_path: Path) -> None:
    """The printed links work at once: the socket listens before the session is created (it
    used to be bound only after, so a connection right after the links was refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = tmp_path / "run.sqlite"
    process = subprocess.Popen(
        [sys.executable, "-m", "server", "serve", "--port", str(port), "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "Code pour rejoindre" in line:
                break
        with socket.create_connection(("127.0.0.1", port), timeout=10):
            pass  # it listens
    finally:
        process.terminate()
        process.communicate(timeout=10)
    assert any(f"http://127.0.0.1:{port}/f/" in line for line in lines)


# errno -> what the sentence must say
SENTENCES = {
    errno.EADDRINUSE: "Le port 8000 est déjà pris sur 127.0.0.1",
    errno.EACCES: "Le port 8000 est réservé à l'administrateur de cette machine",
    errno.EADDRNOTAVAIL: "L'adresse 127.0.0.1 n'est pas une adresse de cette machine",
}


@pytest.mark.parametrize(("code", "begins"), SENTENCES.items())
def test_each_reason_gets_its_sentence_and_a_way_out(code: int, begins: str) -> None:
    sentence = listen._why(OSError(code, "…"), "127.0.0.1", 8000)
    assert sentence.startswith(begins)
    assert "make run " in sentence
    assert sentence.endswith(".")
    assert " :" not in sentence  # a no-break space before the colon
    assert " ?" not in sentence


def test_an_address_of_another_machine_is_refused_in_french() -> None:
    with pytest.raises(listen.Unavailable, match="n'est pas une adresse de cette machine"):
        listen.bind("192.0.2.1", 0)  # TEST-NET-1: never an address of this machine


def top_level_make() -> dict[str, str]:
    """The environment of a make run by hand, not as a sub-make of ``make test``."""
    return {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}


def test_make_run_passes_host_port_and_the_public_address(tmp_path: Path) -> None:
    """``make -n`` prints the command ``make run`` would run (set-up assumed done)."""
    done = subprocess.run(
        ["make", "-n", "-o", "setup", "run", "HOST=0.0.0.0", "PORT=8123",
         "METROKAWA_PUBLIC_URL=http://192.168.1.20:8123"],
        cwd=ROOT, env=top_level_make(), capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert done.stdout.splitlines() == [
        "METROKAWA_PUBLIC_URL='http://192.168.1.20:8123' "
        ".venv/bin/metrokawa serve --host '0.0.0.0' --port '8123'"
    ]

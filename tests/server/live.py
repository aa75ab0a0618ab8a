"""A real server for the tests: ``metrokawa serve`` in its own process on a free loopback port.

Real uvicorn, real sockets, a real SQLite file; the process can be killed with SIGKILL and started
again on the same database, which is what the fault tests do.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from session_engine import Envelope, decode_envelope

__all__ = ["LiveServer", "free_port", "new_session_body"]

# The suite creates hundreds of sessions from 127.0.0.1 against one server: the limit on
# sessions created per address is not what those tests are about (test_resources.py tests it).
SUITE_LIMITS = {"session_burst": 100_000}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LiveServer:
    """One server process; ``start`` waits until ``/healthz`` answers (or raises)."""

    def __init__(
        self,
        db_path: Path,
        *,
        port: int | None = None,
        env: dict[str, str] | None = None,
        ui_dir: Path | None = None,
        db: str | None = None,
        args: Sequence[str] = (),
    ) -> None:
        """``db_path`` is the SQLite file, unless ``db`` gives another URL (PostgreSQL; the
        path then only names the log file); ``args`` go to ``serve`` as they are."""
        self.ui_dir = ui_dir
        self.db_path = db_path
        self.db = db or f"sqlite:///{db_path}"
        self.args = list(args)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **(env or {})}
        limits = {**SUITE_LIMITS, **json.loads(self.env.get("METROKAWA_LIMITS") or "{}")}
        self.env["METROKAWA_LIMITS"] = json.dumps(limits)
        self.log_path = db_path.with_suffix(".log")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20.0) -> LiveServer:
        command = [
            sys.executable,
            "-m",
            "server",
            "serve",
            "--port",
            str(self.port),
            "--db",
            self.db,
            "--no-new-session",
            *(["--ui", str(self.ui_dir)] if self.ui_dir else []),
            *self.args,
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, env=self.env
            )
        self._wait_ready(timeout)
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited ({self.process.returncode}):\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)  # polling a condition, bounded by the deadline above
        raise TimeoutError(f"server not ready after {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, no goodbye."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stored_log(self, session_id: str) -> list[Envelope]:
        """The session's log as the server stored it, command ids included (an export has
        none): read from the SQLite file itself, as an operator holding the database would."""
        with contextlib.closing(sqlite3.connect(self.db_path)) as db:
            rows = db.execute(
                "SELECT record FROM events WHERE session_id = ? ORDER BY seq", (session_id,)
            ).fetchall()
        return [decode_envelope(bytes(row[0])) for row in rows]

    def create_session(self, **overrides: Any) -> dict[str, Any]:
        response = httpx.post(
            f"{self.url}/api/sessions", json=new_session_body(**overrides), timeout=10
        )
        response.raise_for_status()
        created: dict[str, Any] = response.json()
        return created


def new_session_body(
    *, rounds: int = 2, minutes: float = 15, table_size: int = 6, host_policy: str = "rotate"
) -> dict[str, Any]:
    return {
        "title": "Métrokawa de test",
        "territories": [
            {"name": "La Goutte d'Or", "commune": "Paris 18e", "qpv": True},
            {"name": "Vincennes centre", "commune": "Vincennes", "qpv": False},
            {"name": "Les Francs-Moisins", "commune": "Saint-Denis", "qpv": True},
        ],
        "agenda": [
            {"kind": "table", "prompt": f"Manche {n}", "duration_ms": int(minutes * 60_000)}
            for n in range(1, rounds + 1)
        ],
        "table_size": table_size,
        "host_policy": host_policy,
    }

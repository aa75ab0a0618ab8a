"""Nothing is published before its commit (DESIGN §3), seen from a connected socket.

A real uvicorn serves the real app in this test's event loop, on an SQLite file whose store fails
one ``append`` when told to (the test's own subclass: a full disk, a lost database). A facilitator
console listens on a raw WebSocket and files every event it is sent. A guest's join whose commit
fails must reach it as nothing at all; the same join sent again must reach it once, and the
stream must go on with one event per seq, none twice. Publishing before appending would show the
failed batch's events, then the retry's with the same seq.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
import uvicorn
import websockets
from websockets.typing import Subprotocol

import server.app as app_module
from server.app import Settings, create_app
from server.client import ProtocolClient
from server.frames import MSGPACK
from server.store import Outcome, SqlStore

from .live import free_port, new_session_body

JOIN_ID = "f00dfacef00dface-join"
WAIT_S = 10  # any single step of this test; a loaded 2-core machine needs well under a second


class FailingOnceStore(SqlStore):
    """An SQLite store whose next ``append`` raises once ``fail_next`` is set."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.fail_next = False
        self.failed = 0

    async def append(
        self,
        session_id: str,
        expected_seq: int,
        records: Sequence[bytes],
        outcomes: Sequence[Outcome],
        tokens: Sequence[tuple[str, str]],
        fence: int | None = None,
    ) -> None:
        if self.fail_next:
            self.fail_next = False
            self.failed += 1
            raise OSError("disk full")
        await super().append(session_id, expected_seq, records, outcomes, tokens, fence)


class Listener:
    """A facilitator console reduced to its stream: every event's seq, in arrival order."""

    def __init__(self) -> None:
        self.seqs: list[int] = []
        self.events: list[dict[str, Any]] = []
        self.pongs: list[int] = []
        self._arrived = asyncio.Condition()
        self._socket: websockets.ClientConnection | None = None

    async def listen(self, url: str, token: str) -> None:
        async with websockets.connect(url, subprotocols=[Subprotocol(MSGPACK)]) as socket:
            self._socket = socket
            await socket.send(msgspec.msgpack.encode({"k": "hello", "token": token, "after": 0}))
            async for message in socket:
                assert isinstance(message, bytes)  # the msgpack subprotocol: binary frames
                frame = msgspec.msgpack.decode(message)
                async with self._arrived:
                    self._file(frame)
                    self._arrived.notify_all()

    def _file(self, frame: dict[str, Any]) -> None:
        if frame["k"] == "pong":
            self.pongs.append(frame["t"])
        for envelope in {"event": [frame], "events": frame.get("list", [])}.get(frame["k"], []):
            self.seqs.append(envelope["seq"])
            self.events.append(envelope)

    async def until_seq(self, seq: int) -> None:
        await self._until(lambda: bool(self.seqs) and max(self.seqs) >= seq)

    async def round_trip(self, t: int) -> None:
        """A ping and its pong: whatever the server had sent this socket before has arrived."""
        assert self._socket is not None
        await self._socket.send(msgspec.msgpack.encode({"k": "ping", "t": t}))
        await self._until(lambda: t in self.pongs)

    async def _until(self, condition: Callable[[], bool]) -> None:
        async with self._arrived:
            await asyncio.wait_for(self._arrived.wait_for(condition), WAIT_S)


@contextlib.asynccontextmanager
async def serving(store: FailingOnceStore) -> AsyncIterator[str]:
    """The app on a free loopback port, in this loop, with ``store`` as its event store."""
    port = free_port()
    config = uvicorn.Config(
        create_app(Settings(db="sqlite:///unused")), host="127.0.0.1", port=port, log_level="error"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(WAIT_S):
            while not server.started:  # uvicorn says when it listens
                await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, WAIT_S)


def test_a_failed_commit_reaches_no_listener_and_its_retry_reaches_it_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FailingOnceStore(f"sqlite:///{tmp_path / 'metrokawa.sqlite'}")
    monkeypatch.setattr(app_module, "open_store", lambda url: store)

    async def scenario() -> None:
        async with serving(store) as base, httpx.AsyncClient(base_url=base) as http:
            created = (await http.post("/api/sessions", json=new_session_body())).json()
            session, code = created["id"], created["code"]
            listener = Listener()
            ws_url = f"{base.replace('http', 'ws', 1)}/ws/{session}"
            listening = asyncio.create_task(listener.listen(ws_url, created["facilitator_token"]))
            await listener.until_seq(1)
            before = max(listener.seqs)

            guest = ProtocolClient(base, session)
            await guest.connect(code=code)
            join = {"pseudonym": "Fatou", "territory": "t1", "role": "habitant"}
            store.fail_next = True
            refused = await guest.command("JoinSession", join, id=JOIN_ID, timeout=WAIT_S)
            assert (refused["k"], refused["code"]) == ("error", "unavailable")
            assert store.failed == 1
            await listener.round_trip(1)
            assert listener.seqs == list(range(1, before + 1))  # the failed join: nothing

            joined = await guest.command("JoinSession", join, id=JOIN_ID, timeout=WAIT_S)
            assert joined["k"] == "ack"
            assert joined["seq"] == before + 1
            second = ProtocolClient(base, session)
            await second.connect(code=code)
            other = {"pseudonym": "Karim", "territory": "t2", "role": "elu"}
            marker = await second.command("JoinSession", other, timeout=WAIT_S)
            await listener.until_seq(marker["seq"])

            assert listener.seqs == list(range(1, marker["seq"] + 1))  # each once, in order
            pseudonyms = [
                e["data"]["pseudonym"] for e in listener.events if e["type"] == "ParticipantJoined"
            ]
            assert pseudonyms == ["Fatou", "Karim"]
            for client in (guest, second):
                await client.close()
            listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listening

    asyncio.run(scenario())

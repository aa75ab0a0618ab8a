"""One person's socket (``_Link``: counted, timed, resumed when lost) and the facilitator's
console, which folds its event stream through the engine's ``evolve`` (everything but positions
and ballots, which are their owners' only) and reads the room's positions from the tallies.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from typing import Any, Final

import msgspec
import websockets

from session_engine import SessionState, decode_envelope, evolve
from session_engine.commands import Command

from ...client import ProtocolClient
from .network import _reason
from .pacing import _Bucket, _Tally
from .summary import WireSimulationError

_ANSWER_TIMEOUT_S: Final = 30.0  # a command with no answer by then is counted as unanswered
_ATTEMPTS: Final = 3  # sockets opened for one command before giving up on the server
# Each socket stays under the server's default per-connection limit (20 commands/s, burst 60).
_RATE_PER_S: Final = 15.0
_BURST: Final = 40


class _Refused(WireSimulationError):
    """The server refused the hello (a wrong token, a revoked link, a wrong code): ``code``."""

    def __init__(self, code: str, base: str, message: str) -> None:
        super().__init__(f"Le serveur {base} refuse la connexion ({code}) : {message}")
        self.code = code


class _Link:
    """One person's WebSocket. ``command`` sends, waits for the answer, counts and times it; a
    lost socket is reopened (by token, or by code for a guest) from its last ``seq`` and the
    command sent again with the same id, which the server applies once."""

    def __init__(
        self,
        base: str,
        session: str,
        tally: _Tally,
        *,
        code: str,
        keeps_events: bool,
        client: type[ProtocolClient] = ProtocolClient,  # a socket that reads fewer frames
    ) -> None:
        self.base, self.session, self.tally, self.code = base, session, tally, code
        self.keeps_events = keeps_events  # the console folds them; participants let them go
        self.token: str | None = None
        self.client_class = client
        self.client = client(base, session)
        self.bucket = _Bucket(_RATE_PER_S, _BURST)

    async def open(self, **hello: Any) -> dict[str, Any]:
        try:
            return await self.client.connect(**hello)
        except (OSError, websockets.WebSocketException) as error:  # refused, timed out, closed
            answer = self.client.welcome  # the server's refusal, when it said why
            if answer.get("k") == "error" and isinstance(answer.get("code"), str):
                raise _Refused(answer["code"], self.base, str(answer.get("message", ""))) from None
            raise WireSimulationError(
                f"Impossible d'ouvrir une connexion WebSocket vers {self.base} : {_reason(error)}."
            ) from None

    def renew(self) -> None:
        """A new socket for a new visit (the forum's residents hang up between visits); its
        welcome is a snapshot, as a phone's coming back days later."""
        self.client = self.client_class(self.base, self.session)

    async def resume(self) -> None:
        lost = self.client
        await lost.close()
        self.client = self.client_class(self.base, self.session)
        self.client.seq = lost.seq  # the stream goes on from there, gapless
        if self.keeps_events:
            self.client.events.extend(lost.events)  # received, not folded yet
        self.tally.reconnections += 1
        if self.token is not None:
            welcome = await self.open(token=self.token, after=lost.seq)
        else:
            welcome = await self.open(code=self.code, after=lost.seq)
        if self.keeps_events and "state" in welcome:
            raise WireSimulationError(
                "La console d'animation a perdu le fil des événements (trop en retard)."
            )

    def lost(self) -> bool:
        return self.client.closed is not None and self.client.closed.done()

    async def command(self, command: Command) -> dict[str, Any] | None:
        """The ``ack`` or ``error`` frame, or None if no answer came in time."""
        await self.bucket.take()
        name, data = type(command).__name__, msgspec.to_builtins(command)
        cmd_id = uuid.uuid4().hex  # unguessable, as a guest's join id must be
        loop = asyncio.get_running_loop()
        self.tally.sent += 1
        sent = loop.time()
        for attempt in range(_ATTEMPTS):
            if attempt or self.lost():
                await self.resume()
            try:
                answer = await self.client.command(name, data, id=cmd_id, timeout=_ANSWER_TIMEOUT_S)
            except ConnectionError:
                continue  # the socket dropped: reopen it and send the same command again
            except TimeoutError:
                self.tally.unanswered += 1
                return None
            self.tally.answer(answer, loop.time() - sent)
            if _acked(answer):
                self.tally.applied[name] += 1
            if not self.keeps_events:
                self.client.events.clear()
                self.client.received.clear()
            return answer
        raise WireSimulationError(f"Le serveur {self.base} ne garde plus les connexions ouvertes.")

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.client.close(), 5)


def _acked(answer: dict[str, Any] | None) -> bool:
    return answer is not None and answer.get("k") == "ack"


class _Console:
    """The session as the facilitator's console sees it: its events, folded through ``evolve``,
    and the latest tallies (positions and ballots reach their owners only)."""

    def __init__(self, link: _Link) -> None:
        self.link = link
        self._state = SessionState()

    @property
    def tallies(self) -> dict[str, Any] | None:
        """The latest ``tallies`` frame, if one came."""
        frames = self.link.client.tallies
        return frames[-1] if frames else None

    @property
    def state(self) -> SessionState:
        """The state up to the last event received (folding whatever came in meanwhile)."""
        client = self.link.client
        for frame in client.events:
            envelope = decode_envelope(msgspec.msgpack.encode(frame))
            evolve(self._state, envelope.event)
        client.events.clear()
        client.received.clear()
        return self._state

    @property
    def seq(self) -> int:
        return self.link.client.seq

    async def caught_up(self, seq: int) -> None:
        """Wait until the console has received event ``seq`` (its sockets are fast, not instant)."""
        await self.until(lambda _: self.seq >= seq)

    async def tallied(self, ready: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """Wait for a ``tallies`` frame that is ``ready``; a lost socket is resumed meanwhile."""
        while True:
            latest = self.tallies
            if latest is not None and ready(latest):
                return latest
            if self.link.lost():
                await self.link.resume()
            client = self.link.client
            with contextlib.suppress(TimeoutError):
                await client.wait_for_tallies(len(client.tallies) + 1, timeout=1)

    async def until(self, ready: Callable[[SessionState], bool]) -> None:
        """Wait for events until ``ready(state)``; a lost socket is resumed meanwhile."""
        while not ready(self.state):
            if self.link.lost():
                await self.link.resume()
            with contextlib.suppress(TimeoutError):
                await self.link.client.wait_for_seq(self.seq + 1, timeout=1)

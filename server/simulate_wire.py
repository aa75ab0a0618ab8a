"""The over-the-wire simulator: a whole Métrokawa played against a live server by real clients.

``run_wire(options)`` creates a session over HTTP (``POST /api/sessions``, the programme's usual
agenda), then drives the facilitator and every participant as real WebSocket clients of the
protocol (``server.client.ProtocolClient``), all in one asyncio loop: people arrive by the join
code, the facilitator seats them, runs each round of the agenda (moderating what people write,
pausing once, extending once), the hosts send their table's synthesis, the tables rotate, and the
last round is the majority-judgment vote; then the session is closed and stays on the server to be
looked at. It is the demo (``metrokawa simulate --url …``) and the load generator.

Time. The agenda's rounds last 20-25 minutes, so the session's clock runs ``speed`` times faster
than the wall clock (150: a 25-minute round plays in 10 s) and the facilitator ends each round
itself once everyone is done, as a facilitator may. With ``real_time`` the session runs on the
wall clock and the server's own timer ends each round at its deadline.

Who knows what. The people, what they write and what they think come from ``server.population``,
the room of the offline simulator. The facilitator's console folds its full event stream through
the engine's ``evolve``, as the real console does, and the simulator reads the room from it: the
tables and their hosts, what waits for moderation, who supports what. Participants' sockets get
everything a tablet gets; the simulator reads their answers and lets their events go.

Every command is counted (sent, acknowledged, refused by code, unanswered) and timed from its
sending to its answer. A refusal is reported, never fatal: a real room has some. A lost socket is
resumed from its last ``seq`` and the command sent again with the same id (applied once).
Everything is bounded: the whole run stops at ``timeout_s`` whatever happens.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import asdict, dataclass, field
from functools import partial
from http.client import HTTPException
from typing import Any, Final

import msgspec
import websockets

from session_engine import SessionState, decode_envelope, evolve
from session_engine.commands import (
    Annotate,
    CastBallot,
    CloseSession,
    CloseVote,
    Command,
    EndRound,
    ExtendRound,
    HideStatement,
    JoinSession,
    MergeStatements,
    OpenVote,
    PauseRound,
    PromoteProposal,
    ProposeStatement,
    PublishStatement,
    ResumeRound,
    RotateTables,
    SeatTables,
    StartRound,
    SubmitSynthesis,
    TakePosition,
)
from session_engine.events import BallotCast, PositionTaken
from session_engine.model import Grade, RoundKind, StatementKind
from session_engine.state import RoundStatus, StatementStatus

from . import population
from .client import GapError, ProtocolClient
from .population import AgendaItem, BankStatement, Person
from .simulate import PROPOSALS, TITLE, demo_session_command

__all__ = [
    "DEFAULT_SPEED",
    "DEFAULT_TIMEOUT_S",
    "WireOptions",
    "WireSimulationError",
    "WireSummary",
    "fetch_log",
    "run_wire",
    "simulate_wire",
]

DEFAULT_SPEED: Final = 150.0
DEFAULT_TIMEOUT_S: Final = 300.0

_SECOND: Final = 1000
_MINUTE: Final = 60 * _SECOND
_ARRIVALS_MS: Final = 5 * _MINUTE  # on-time people come in over five minutes
_PAUSE_MS: Final = 3 * _MINUTE
_EXTENSION_MINUTES: Final = 5
_MODERATION_EVERY_MS: Final = 45 * _SECOND
_POSITIONS_PER_ROUND: Final = 14
_REVISION_SHARE: Final = 0.1
_SEEN_ELSEWHERE_SHARE: Final = 0.8  # a statement already on screen is rarely written again
_HTTP_TIMEOUT_S: Final = 15.0
_ANSWER_TIMEOUT_S: Final = 30.0  # a command with no answer by then is counted as unanswered
_ATTEMPTS: Final = 3  # sockets opened for one command before giving up on the server
_OPENING_AT_ONCE: Final = 32  # sockets being opened at the same time during the arrivals
# Each socket stays under the server's default per-connection limit (20 commands/s, burst 60).
_RATE_PER_S: Final = 15.0
_BURST: Final = 40


class WireSimulationError(RuntimeError):
    """Why the simulation cannot run or go on, in a French sentence."""


@dataclass(frozen=True, slots=True)
class WireOptions:
    url: str
    participants: int = 120
    territories: int = 6
    rounds: int = 4
    seed: int = 2026
    speed: float = DEFAULT_SPEED
    real_time: bool = False  # the wall clock and the server's timer, instead of ``speed``
    timeout_s: float | None = None  # None: see ``time_limit_s``
    progress_every_s: float | None = None  # None: every 5 s, or every 30 s in real time

    @property
    def clock_speed(self) -> float:
        return 1.0 if self.real_time else self.speed

    @property
    def time_limit_s(self) -> float:
        """``timeout_s``, or DEFAULT_TIMEOUT_S unless one and a half times the session's expected
        length (by its clock, at its speed) is longer."""
        if self.timeout_s is not None:
            return self.timeout_s
        items = population.agenda(self.rounds)
        minutes = sum(item.minutes + 4 for item in items) + 10  # breaks, pause, extension
        expected_s = minutes * 60 / self.clock_speed
        return max(DEFAULT_TIMEOUT_S, 1.5 * expected_s + 60)

    @property
    def progress_interval_s(self) -> float:
        if self.progress_every_s is not None:
            return self.progress_every_s
        return 30.0 if self.real_time else 5.0


@dataclass(frozen=True, slots=True)
class WireSummary:
    """What happened, for people (``lines``) and for tools (``as_dict``, the ``--json``)."""

    url: str
    session: str
    code: str
    facilitator_token: str
    console: str  # the facilitator's link (its fragment holds the token)
    join: str
    projector: str
    completed: bool
    failure: str | None
    closed: bool
    participants: int
    territories: int
    rounds: int
    speed: float
    real_time: bool
    events: int
    sent: int
    acked: int
    refused: int
    refused_by_code: dict[str, int]
    unanswered: int
    reconnections: int
    latency_ms: dict[str, float]
    elapsed_s: float
    statements: int
    published: int
    merged: int
    hidden: int
    positions: int
    annotations: int
    syntheses: int
    proposals: int
    ballots: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        refusals = ", ".join(
            f"{code} : {_n(n)}" for code, n in sorted(self.refused_by_code.items())
        )
        latency = self.latency_ms
        head = (
            f"Simulation par le réseau terminée en {_decimal(self.elapsed_s)} s."
            if self.completed
            else f"Simulation par le réseau interrompue après {_decimal(self.elapsed_s)} s."
        )
        pace = "temps réel" if self.real_time else f"horloge × {_decimal(self.speed, 0)}"
        return [
            head,
            f"  Session {self.session} (code {self.code}) : "
            + ("close." if self.closed else "encore ouverte."),
            f"  Participant·e·s : {_n(self.participants)} ({self.territories} territoires, "
            f"{self.rounds} manches, {pace})",
            f"  Événements : {_n(self.events)}",
            f"  Commandes : {_n(self.sent)} envoyées, {_n(self.acked)} acquittées, "
            f"{_n(self.refused)} refusées"
            + (f" ({refusals})" if refusals else "")
            + f", {_n(self.unanswered)} sans réponse ; {_n(self.reconnections)} reconnexions",
            f"  Latence commande → réponse : médiane {_decimal(latency['p50'])} ms, "
            f"p99 {_decimal(latency['p99'])} ms, max {_decimal(latency['max'])} ms",
            f"  Énoncés : {_n(self.statements)} (publiés {_n(self.published)}, "
            f"fusionnés {_n(self.merged)}, masqués {_n(self.hidden)}) ; "
            f"positions {_n(self.positions)} ; annotations {_n(self.annotations)} ; "
            f"synthèses {_n(self.syntheses)} ; propositions {_n(self.proposals)} ; "
            f"bulletins {_n(self.ballots)}",
            *_links_lines(self.console, self.code, self.join, self.projector),
            "  La session reste sur le serveur : ouvrez la console d'animation pour la regarder.",
        ]


def simulate_wire(
    options: WireOptions, progress: Callable[[str], None] | None = None
) -> WireSummary:
    """Run the simulation in a fresh event loop (see ``run_wire``)."""
    return asyncio.run(run_wire(options, progress))


async def run_wire(
    options: WireOptions, progress: Callable[[str], None] | None = None
) -> WireSummary:
    """Create a session on ``options.url`` and play it to its end (or to the time limit).

    ``WireSimulationError`` if the session cannot be created (bad address, no server, not a
    Métrokawa server); once it exists, a failure or the time limit ends the run early and the
    summary says so (``completed`` false, ``failure`` why).
    """
    if not 2 <= options.participants <= 1000:
        raise WireSimulationError("Le nombre de participant·e·s doit être compris entre 2 et 1000.")
    if options.speed <= 0:
        raise WireSimulationError("Le facteur de vitesse doit être positif.")
    try:
        places = population.territories(options.territories)
        items = population.agenda(options.rounds)
    except ValueError as error:
        raise WireSimulationError(str(error)) from None
    base = _base_url(options.url)
    say = progress or (lambda line: None)
    started = time.perf_counter()
    created = await asyncio.to_thread(_create_session, base, options.territories, options.rounds)
    rng = random.Random(options.seed)
    people = population.people(rng, options.participants, places)
    room = _Room(base, created, options, items, people, rng, say)
    say(f"Session créée : « {TITLE} » ({created['id']}), code {created['code']}")
    for line in _links_lines(room.console_link, room.code, room.join_link, room.projector_link):
        say(line)
    failure = None
    ticker = asyncio.create_task(room.tick(started, options.progress_interval_s))
    try:
        async with asyncio.timeout(options.time_limit_s) as limit:
            await room.play()
    except TimeoutError:
        if not limit.expired():
            raise
        failure = (
            f"La simulation n'a pas fini en {_decimal(options.time_limit_s)} s "
            "(augmentez --timeout ou --speed, ou réduisez --participants)."
        )
    except Exception as error:
        failure = _why(error)
        if failure is None:
            raise
    finally:
        ticker.cancel()
        await room.hang_up()
    summary = room.summary(completed=failure is None, failure=failure, started=started)
    say("Fin de la simulation." if failure is None else f"Simulation arrêtée. {failure}")
    return summary


def fetch_log(url: str, session: str, token: str) -> bytes:
    """The session's ``.mkawa`` log, as the facilitator exports it."""
    request = urllib.request.Request(
        f"{_base_url(url)}/api/sessions/{urllib.parse.quote(session)}/log",
        headers={"Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=_HTTP_TIMEOUT_S) as response:
            data: bytes = response.read()
            return data
    except (OSError, HTTPException) as error:
        raise WireSimulationError(
            f"Impossible de télécharger le journal de la session : {_reason(error)}."
        ) from None


# --- HTTP: the address and the new session ------------------------------------------------------


def _base_url(url: str) -> str:
    try:
        parts = urllib.parse.urlsplit(url.strip())
        _ = parts.port  # a port out of range raises ValueError
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise WireSimulationError(
            f"« {url} » n'est pas l'adresse d'un serveur : il faut par exemple "
            "--url http://127.0.0.1:8000."
        )
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def _create_session(base: str, territories: int, rounds: int) -> dict[str, Any]:
    body = msgspec.json.encode(demo_session_command(territories, rounds))
    request = urllib.request.Request(
        f"{base}/api/sessions",
        data=body,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=_HTTP_TIMEOUT_S) as response:
            created = json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise WireSimulationError(_http_refusal(base, error)) from None
    except (OSError, HTTPException) as error:
        raise WireSimulationError(
            f"Impossible de joindre le serveur {base} : {_reason(error)}. "
            "Est-il lancé (metrokawa serve) ?"
        ) from None
    except ValueError:
        created = None
    keys = ("id", "code", "facilitator_token")
    if not isinstance(created, dict) or not all(isinstance(created.get(k), str) for k in keys):
        raise WireSimulationError(f"{base} ne répond pas comme un serveur Métrokawa.")
    return created


def _http_refusal(base: str, error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read())
        message = body["message"] if isinstance(body, dict) else None
    except (ValueError, KeyError, OSError):
        message = None
    if error.code == 404 or not isinstance(message, str):
        return f"{base} ne répond pas comme un serveur Métrokawa (HTTP {error.code})."
    return f"Le serveur {base} a refusé de créer la session (HTTP {error.code}) : {message}"


_REASONS: Final = (
    (ConnectionRefusedError, "connexion refusée"),
    (ConnectionResetError, "connexion coupée"),
    (TimeoutError, "pas de réponse à temps"),
)


def _reason(error: BaseException) -> str:
    cause = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(cause, BaseException):
        for kind, words in _REASONS:
            if isinstance(cause, kind):
                return words
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    return str(cause) or type(cause).__name__


def _why(error: BaseException) -> str | None:
    """The French sentence for a failure of the network or the server; None for a bug of ours."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    if isinstance(error, WireSimulationError):
        return str(error)
    if isinstance(error, GapError):
        return f"Le serveur a envoyé des événements dans le désordre ({error})."
    if isinstance(error, OSError | websockets.WebSocketException):
        return f"La connexion au serveur a été perdue ({_reason(error)})."
    return None


# --- counting and pacing ------------------------------------------------------------------------


@dataclass(slots=True)
class _Tally:
    """Every command of every socket: sent, answered how, and how fast."""

    sent: int = 0
    acked: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    unanswered: int = 0
    reconnections: int = 0
    latencies_s: list[float] = field(default_factory=list)

    def answer(self, frame: dict[str, Any], latency_s: float) -> None:
        self.latencies_s.append(latency_s)
        if frame.get("k") == "ack":
            self.acked += 1
        else:
            self.refused[str(frame.get("code"))] += 1

    def latency_ms(self) -> dict[str, float]:
        values = sorted(self.latencies_s)
        if not values:
            return {"p50": 0.0, "p99": 0.0, "max": 0.0}

        def rank(q: float) -> float:  # nearest rank
            return round(values[max(0, math.ceil(q * len(values)) - 1)] * 1000, 2)

        return {"p50": rank(0.5), "p99": rank(0.99), "max": round(values[-1] * 1000, 2)}


class _Bucket:
    """A token bucket on the sending side: a socket never sends faster than the server allows.
    A caller takes a token at once and, if it went into debt, waits for the bucket to refill."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, float(burst)
        self.tokens, self.updated = float(burst), time.monotonic()

    async def take(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate) - 1
        self.updated = now
        if self.tokens < 0:
            await asyncio.sleep(-self.tokens / self.rate)


@dataclass(frozen=True, slots=True)
class _Clock:
    """The session's clock for one phase: offsets (ms of the phase's active time) to loop time,
    ``speed`` times faster than real time, around an optional pause at ``pause_at``."""

    start: float
    speed: float
    pause_at: int | None = None

    def wall(self, offset: int) -> float:
        paused = self.pause_at is not None and offset > self.pause_at
        return self.start + (offset + (_PAUSE_MS if paused else 0)) / 1000 / self.speed

    async def until(self, offset: int) -> None:
        """Sleep until the phase's clock reads ``offset`` (pacing, not waiting for anything)."""
        await asyncio.sleep(max(0.0, self.wall(offset) - asyncio.get_running_loop().time()))


def _clock(speed: float, pause_at: int | None = None) -> _Clock:
    return _Clock(asyncio.get_running_loop().time(), speed, pause_at)


class _Gate:
    """Lets participants act while it is open; ``close`` waits for those already acting. The
    facilitator closes it around a pause, so that nobody writes into a paused round."""

    def __init__(self) -> None:
        self._open = asyncio.Event()
        self._open.set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._inside = 0

    @contextlib.asynccontextmanager
    async def passage(self) -> AsyncIterator[None]:
        await self._open.wait()
        self._inside += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._inside -= 1
            if not self._inside:
                self._idle.set()

    async def close(self) -> None:
        self._open.clear()
        await self._idle.wait()

    def open(self) -> None:
        self._open.set()


# --- one socket ---------------------------------------------------------------------------------


class _Link:
    """One person's WebSocket. ``command`` sends, waits for the answer, counts and times it; a
    lost socket is reopened (by token, or by code for a guest) from its last ``seq`` and the
    command sent again with the same id, which the server applies once."""

    def __init__(
        self, base: str, session: str, tally: _Tally, *, code: str, keeps_events: bool
    ) -> None:
        self.base, self.session, self.tally, self.code = base, session, tally, code
        self.keeps_events = keeps_events  # the console folds them; participants let them go
        self.token: str | None = None
        self.client = ProtocolClient(base, session)
        self.bucket = _Bucket(_RATE_PER_S, _BURST)

    async def open(self, **hello: Any) -> dict[str, Any]:
        try:
            return await self.client.connect(**hello)
        except (OSError, websockets.WebSocketException) as error:  # refused, timed out, closed
            raise WireSimulationError(
                f"Impossible d'ouvrir une connexion WebSocket vers {self.base} : {_reason(error)}."
            ) from None

    async def resume(self) -> None:
        lost = self.client
        await lost.close()
        self.client = ProtocolClient(self.base, self.session)
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


# --- the facilitator's console ------------------------------------------------------------------


class _Console:
    """The session as the facilitator's console sees it: every event, folded through ``evolve``."""

    def __init__(self, link: _Link) -> None:
        self.link = link
        self._state = SessionState()
        self.positions = 0  # PositionTaken events, changes of mind included
        self.ballots = 0  # BallotCast events

    @property
    def state(self) -> SessionState:
        """The state up to the last event received (folding whatever came in meanwhile)."""
        client = self.link.client
        for frame in client.events:
            envelope = decode_envelope(msgspec.msgpack.encode(frame))
            evolve(self._state, envelope.event)
            self.positions += isinstance(envelope.event, PositionTaken)
            self.ballots += isinstance(envelope.event, BallotCast)
        client.events.clear()
        client.received.clear()
        return self._state

    @property
    def seq(self) -> int:
        return self.link.client.seq

    async def caught_up(self, seq: int) -> None:
        """Wait until the console has received event ``seq`` (its sockets are fast, not instant)."""
        await self.until(lambda _: self.seq >= seq)

    async def until(self, ready: Callable[[SessionState], bool]) -> None:
        """Wait for events until ``ready(state)``; a lost socket is resumed meanwhile."""
        while not ready(self.state):
            if self.link.lost():
                await self.link.resume()
            with contextlib.suppress(TimeoutError):
                await self.link.client.wait_for_seq(self.seq + 1, timeout=1)


# --- the people ---------------------------------------------------------------------------------

_BANK_BY_TEXT: Final[dict[str, BankStatement]] = {
    text: s for s in population.BANK for text in (s.text, s.variant) if text is not None
}


def _bank(text: str) -> BankStatement | None:
    return _BANK_BY_TEXT.get(text)


_Action = Callable[[], Awaitable[None]]


class _Participant:
    def __init__(self, room: _Room, person: Person, rng: random.Random) -> None:
        self.room, self.person, self.rng = room, person, rng
        self.link = _Link(room.base, room.session, room.tally, code=room.code, keeps_events=False)
        self.pid: str | None = None
        self.positions: dict[str, int | None] = {}  # statement -> my last position
        self.this_round: list[str] = []

    async def send(self, command: Command) -> dict[str, Any] | None:
        return await self.link.command(command)

    async def join(self) -> bool:
        """Open a socket with the join code, join the session, keep the token."""
        await self.link.open(code=self.room.code)
        person = self.person
        answer = await self.send(
            JoinSession(
                pseudonym=person.pseudonym,
                territory=self.room.territory_id[person.territory.name],
                role=person.role,
                stays_seated=person.stays_seated,
                consent=person.consent,
            )
        )
        if answer is None or not _acked(answer):
            return False
        self.pid, self.link.token = answer["you"], answer["token"]
        self.room.by_pid[answer["you"]] = self
        await self.room.console.caught_up(answer["seq"])  # seated, for whoever reads the room
        return True

    # a table round

    def plan(self, item: AgendaItem, active_ms: int, earliest: int) -> list[tuple[int, _Action]]:
        """What this person will do this round, from ``earliest`` on: write, react, annotate."""
        rng, person, end = self.rng, self.person, active_ms - 30 * _SECOND
        actions: list[tuple[int, _Action]] = []
        kind = item.writes
        if kind is not None:
            writes = sum(rng.random() < item.write_rate * person.activity / 0.7 for _ in range(2))
            for offset in _offsets(rng, writes, max(earliest, _MINUTE), end * 3 // 5):
                actions.append((offset, partial(self.write, kind)))
        reactions = round(person.activity * _POSITIONS_PER_ROUND)
        for offset in _offsets(rng, reactions, max(earliest, 3 * _MINUTE), end):
            actions.append((offset, self.react))
        notes = (rng.random() < 0.5 * person.activity) + (rng.random() < 0.15)
        for offset in _offsets(rng, notes, max(earliest, 4 * _MINUTE), end):
            actions.append((offset, partial(self.annotate, item.compares)))
        return sorted(actions, key=lambda action: action[0])

    async def play_round(
        self, item: AgendaItem, clock: _Clock, active_ms: int, earliest: int = 0
    ) -> None:
        for offset, action in self.plan(item, active_ms, earliest):
            await clock.until(offset)
            async with self.room.gate.passage():
                await action()

    async def arrive_late(self, item: AgendaItem, clock: _Clock, active_ms: int) -> None:
        """Come in during the first round (the server seats late arrivals), then join in."""
        offset = self.rng.randrange(_MINUTE, max(2 * _MINUTE, min(12 * _MINUTE, active_ms // 2)))
        await clock.until(offset)
        async with self.room.gate.passage():
            joined = await self.join()
        if joined:
            self.room.present.append(self)
            await self.play_round(item, clock, active_ms, earliest=offset + _MINUTE)

    async def write(self, kind: StatementKind) -> None:
        bank = population.choose_statement(self.rng, self.person, kind)
        shown = self.room.kept.get(bank.key)
        if shown is not None and self.rng.random() < _SEEN_ELSEWHERE_SHARE:
            if shown not in self.positions:
                await self.take_position(shown)
            return
        text = bank.variant if shown is not None and bank.variant else bank.text
        await self.send(ProposeStatement(text=text, kind=bank.kind))

    async def react(self) -> None:
        """Take a position on a statement not seen yet, or now and then change one's mind."""
        if self.this_round and self.rng.random() < _REVISION_SHARE:
            sid = self.rng.choice(self.this_round)
            bank = self.room.bank_of(sid)
            value = population.revised_position(self.rng, self.person, bank, self.positions[sid])
            if _acked(await self.send(TakePosition(statement=sid, value=value))):
                self.positions[sid] = value
            return
        unseen = [sid for sid in self.room.visible if sid not in self.positions]
        if unseen:
            await self.take_position(self.rng.choice(unseen))

    async def take_position(self, sid: str) -> None:
        value = population.position(self.rng, self.person, self.room.bank_of(sid))
        if _acked(await self.send(TakePosition(statement=sid, value=value))):
            self.positions[sid] = value
            self.this_round.append(sid)

    async def annotate(self, compares: bool) -> None:
        """A note on a published statement (naming a place of another territory in the rounds
        that compare neighbourhoods) or on one's own table."""
        room, rng, person = self.room, self.rng, self.person
        elsewhere = [p for p in room.places if p is not person.territory]
        compare = compares and bool(elsewhere) and rng.random() < 0.6
        place_from = rng.choice(elsewhere) if compare else person.territory
        command: Annotate
        if room.visible and rng.random() < 0.65:
            sid = rng.choice(room.visible)
            theme = room.bank_of(sid).theme
            note = population.annotation_for(rng, place_from, theme, elsewhere=compare)
            command = Annotate(text=note.text, statement=sid, tags=note.tags, place=note.place)
        else:
            assert self.pid is not None
            table = room.console.state.participants[self.pid].table
            if table is None:
                return
            note = population.annotation_for(rng, place_from, None, elsewhere=compare)
            command = Annotate(text=note.text, table=table, tags=note.tags, place=note.place)
        await self.send(command)

    # after a round, and the vote

    async def synthesise(self, clock: _Clock, number: int, table: int) -> None:
        """As the table's host: the harvest, around the table's best-supported statement."""
        await clock.until(self.rng.randrange(20 * _SECOND, 2 * _MINUTE))
        state = self.room.console.state
        members = state.tables[table].members
        territories = len({state.participants[m].territory for m in members})
        text = population.synthesis_text(
            self.rng, table, territories, self.room.retained(number, table)
        )
        await self.send(SubmitSynthesis(text=text))

    async def vote(
        self, clock: _Clock, duration: int, vote: str, statements: dict[str, str]
    ) -> None:
        """Grade every proposal as my position on its statement says (made up now if none)."""
        await clock.until(self.rng.randrange(duration * 3 // 20, duration * 7 // 10))
        grades: dict[str, Grade] = {}
        for proposal, sid in statements.items():
            if sid in self.positions:
                value = self.positions[sid]
            else:
                value = population.position(self.rng, self.person, self.room.bank_of(sid))
            grades[proposal] = population.ballot_grade(self.rng, value)
        await self.send(CastBallot(vote=vote, grades=grades))


def _offsets(rng: random.Random, count: int, low: int, high: int) -> list[int]:
    return [rng.randrange(low, high) for _ in range(count)] if low < high else []


# --- the room: the facilitator, the people, the agenda ------------------------------------------


class _Room:
    def __init__(
        self,
        base: str,
        created: dict[str, Any],
        options: WireOptions,
        items: tuple[AgendaItem, ...],
        people: tuple[Person, ...],
        rng: random.Random,
        say: Callable[[str], None],
    ) -> None:
        self.base, self.options, self.items, self.rng, self.say = base, options, items, rng, say
        self.session: str = created["id"]
        self.code: str = created["code"]
        self.token: str = created["facilitator_token"]
        links = created.get("links")
        links = links if isinstance(links, dict) else {}
        self.console_link = str(links.get("facilitator", f"{base}/f/{self.session}#token=…"))
        self.join_link = str(links.get("join", f"{base}/j/{self.code}"))
        self.projector_link = str(links.get("projector", f"{base}/p/{self.session}"))
        self.speed = options.clock_speed
        self.places = population.territories(options.territories)
        self.tally = _Tally()
        self.gate = _Gate()
        facilitator = _Link(base, self.session, self.tally, code=self.code, keeps_events=True)
        facilitator.token = self.token
        self.console = _Console(facilitator)
        self.territory_id: dict[str, str] = {}
        self.people = [
            _Participant(self, person, random.Random(options.seed * 100_003 + i))
            for i, person in enumerate(people)
        ]
        self.present: list[_Participant] = []  # joined, in the order they came in
        self.by_pid: dict[str, _Participant] = {}
        self.moderated: set[str] = set()
        self.kept: dict[str, str] = {}  # bank key -> the published statement saying it
        self.visible: list[str] = []  # published, in publication order
        self.phase = "connexion"

    async def facilitate(self, command: Command) -> dict[str, Any] | None:
        return await self.console.link.command(command)

    def bank_of(self, sid: str) -> BankStatement:
        bank = _bank(self.console.state.statements[sid].text)
        assert bank is not None  # only what was written from the bank is ever published
        return bank

    def announce(self, phase: str, detail: str = "") -> None:
        self.phase = phase
        self.say(f"▶ {phase}{detail}")

    async def tick(self, started: float, every_s: float) -> None:
        while True:
            await asyncio.sleep(every_s)
            t = self.tally
            self.say(
                f"  {_decimal(time.perf_counter() - started)} s, {self.phase} : "
                f"{_n(self.console.seq)} événements, {_n(t.sent)} commandes, "
                f"{_n(t.acked)} acquittées, {_n(sum(t.refused.values()))} refusées"
            )

    # the whole session

    async def play(self) -> None:
        welcome = await self.console.link.open(token=self.token, after=0)  # every event
        await self.console.caught_up(welcome["seq"])
        self.territory_id = {t.name: t.id for t in self.console.state.territories.values()}
        await self.arrivals()
        await self.seat()
        table_rounds = sum(item.kind is not RoundKind.VOTE for item in self.items)
        for number, item in enumerate(self.items, start=1):
            if number > 1:
                await self.rotate()
            if item.kind is RoundKind.VOTE:
                await self.vote_round(number, item)
            else:
                pause, extend = number == min(2, table_rounds), number == table_rounds
                await self.table_round(number, item, pause=pause, extend=extend)
        await _clock(self.speed).until(_MINUTE)
        self.announce("clôture", " de la session")
        await self.facilitate(CloseSession())
        await self.console.until(lambda state: state.closed)

    async def arrivals(self) -> None:
        on_time = [p for p in self.people if not p.person.late]
        self.announce(
            "arrivées", f" : {len(on_time)} personnes rejoignent avec le code {self.code}"
        )
        clock = _clock(self.speed)
        offsets = sorted(self.rng.randrange(_ARRIVALS_MS) for _ in on_time)
        opening = asyncio.Semaphore(_OPENING_AT_ONCE)

        async def arrive(participant: _Participant, offset: int) -> None:
            await clock.until(offset)
            async with opening:
                if await participant.join():
                    self.present.append(participant)

        async with asyncio.TaskGroup() as group:
            for participant, offset in zip(on_time, offsets, strict=True):
                group.create_task(arrive(participant, offset))
        await clock.until(_ARRIVALS_MS + _MINUTE)

    async def seat(self) -> None:
        await self.facilitate(SeatTables())
        tables = self.console.state.tables
        self.announce("placement", f" : {len(self.present)} personnes à {len(tables)} tables")

    async def rotate(self) -> None:
        """Syntheses are in; a short break; travellers move; another short break."""
        clock = _clock(self.speed)
        await clock.until(_MINUTE)
        await self.facilitate(RotateTables())
        await clock.until(2 * _MINUTE)

    # a table round

    async def table_round(
        self, number: int, item: AgendaItem, *, pause: bool, extend: bool
    ) -> None:
        await self.facilitate(StartRound())
        self.announce(f"manche {number}/{len(self.items)}", f" : « {item.prompt} »")
        duration = item.minutes * _MINUTE
        active = duration + (_EXTENSION_MINUTES * _MINUTE if extend else 0)
        clock = _clock(self.speed, pause_at=duration * 2 // 5 if pause else None)
        for participant in self.present:
            participant.this_round = []
        late = [p for p in self.people if p.person.late] if number == 1 else []
        async with asyncio.TaskGroup() as group:
            group.create_task(self.steer(clock, duration, active, extend))
            for participant in list(self.present):
                group.create_task(participant.play_round(item, clock, active))
            for participant in late:
                group.create_task(participant.arrive_late(item, clock, active))
        await self.moderate()  # what came in last
        await clock.until(active)
        await self.end_round(number)
        await self.harvest(number)

    async def steer(self, clock: _Clock, duration: int, active: int, extend: bool) -> None:
        """The facilitator during a round: moderate now and then, pause once, extend once."""
        actions: list[tuple[int, _Action]] = [
            (offset, self.moderate) for offset in range(90 * _SECOND, active, _MODERATION_EVERY_MS)
        ]
        if clock.pause_at is not None:
            actions.append((clock.pause_at, partial(self.pause, clock)))
        if extend:
            actions.append((duration * 4 // 5, self.extend))
        for offset, action in sorted(actions, key=lambda action: action[0]):
            await clock.until(offset)
            await action()

    async def pause(self, clock: _Clock) -> None:
        """A word in plenary: nobody writes meanwhile (whoever was writing finishes first)."""
        assert clock.pause_at is not None
        await self.gate.close()
        await self.facilitate(PauseRound())
        self.say("  pause : un mot en plénière")
        await clock.until(clock.pause_at + 1)  # the first instant after the pause
        await self.facilitate(ResumeRound())
        self.gate.open()

    async def extend(self) -> None:
        await self.facilitate(ExtendRound(minutes=_EXTENSION_MINUTES))
        self.say(f"  prolongation de {_EXTENSION_MINUTES} minutes")

    async def moderate(self) -> None:
        """Publish what is new, fold duplicates into the statement already published, hide what
        is off topic."""
        pending = [
            s
            for s in self.console.state.statements.values()
            if s.status is StatementStatus.PROPOSED and s.id not in self.moderated
        ]
        for statement in pending:
            self.moderated.add(statement.id)
            bank = _bank(statement.text)
            if bank is None or bank.off_topic:
                await self.facilitate(HideStatement(statement=statement.id))
            elif bank.key in self.kept:
                await self.facilitate(
                    MergeStatements(statement=statement.id, into=self.kept[bank.key])
                )
            elif _acked(await self.facilitate(PublishStatement(statement=statement.id))):
                self.kept[bank.key] = statement.id
                self.visible.append(statement.id)

    async def end_round(self, number: int) -> None:
        """The facilitator ends the round; in real time, the server's timer does at the deadline."""
        if not self.options.real_time:
            await self.facilitate(EndRound())
        await self.console.until(lambda state: state.rounds[number - 1].status is RoundStatus.ENDED)

    async def harvest(self, number: int) -> None:
        """Each host sends the table's synthesis in the minutes after the round."""
        current = self.console.state.round
        assert current is not None
        clock = _clock(self.speed)
        async with asyncio.TaskGroup() as group:
            for table, host in sorted(current.hosts.items()):
                if host in self.by_pid:
                    group.create_task(self.by_pid[host].synthesise(clock, number, table))

    def support(self) -> dict[str, float]:
        """Mean position per statement (passes left out)."""
        totals: dict[str, list[int]] = {}
        for (_, sid), value in self.console.state.positions.items():
            if value is not None:
                totals.setdefault(sid, []).append(value)
        return {sid: sum(values) / len(values) for sid, values in totals.items()}

    def retained(self, number: int, table: int) -> BankStatement | None:
        """The table's best-supported published statement of round ``number``, if it wrote any."""
        written = [
            s.id
            for s in self.console.state.statements.values()
            if s.round == number and s.table == table and s.status is StatementStatus.PUBLISHED
        ]
        if not written:
            return None
        support = self.support()
        best = max(written, key=lambda sid: (support.get(sid, 0.0), -written.index(sid)))
        return self.bank_of(best)

    # the vote

    async def vote_round(self, number: int, item: AgendaItem) -> None:
        """Promote the best-supported statements, let everyone grade them, close the vote."""
        await self.facilitate(StartRound())
        self.announce(f"manche {number}/{len(self.items)}", f" : « {item.prompt} »")
        clock, duration = _clock(self.speed), item.minutes * _MINUTE
        await clock.until(duration // 20)
        await self.promote()
        proposals = {p.id: p.statement for p in self.console.state.proposals.values()}
        await clock.until(duration // 10)
        if proposals and _acked(await self.facilitate(OpenVote(proposals=tuple(proposals)))):
            vote = self.console.state.open_vote
            assert vote is not None
            self.say(f"  vote ouvert sur {len(proposals)} propositions")
            async with asyncio.TaskGroup() as group:
                for participant in self.present:
                    group.create_task(participant.vote(clock, duration, vote.id, proposals))
            await clock.until(duration * 4 // 5)
            await self.facilitate(CloseVote(vote=vote.id))
        await self.end_round(number)

    async def promote(self) -> None:
        """Up to ``PROPOSALS`` statements, ideas first, by mean support."""
        support = self.support()
        ranked = sorted(
            self.visible,
            key=lambda sid: (
                self.bank_of(sid).kind is not StatementKind.IDEA,
                -support.get(sid, -3.0),
            ),
        )
        for sid in ranked[:PROPOSALS]:
            await self.facilitate(PromoteProposal(statement=sid))

    # the end

    async def hang_up(self) -> None:
        links = [self.console.link, *(p.link for p in self.people)]
        await asyncio.gather(*(link.close() for link in links))

    def summary(self, *, completed: bool, failure: str | None, started: float) -> WireSummary:
        state = self.console.state
        status = Counter(s.status for s in state.statements.values())
        tally = self.tally
        return WireSummary(
            url=self.base,
            session=self.session,
            code=self.code,
            facilitator_token=self.token,
            console=self.console_link,
            join=self.join_link,
            projector=self.projector_link,
            completed=completed,
            failure=failure,
            closed=state.closed,
            participants=len(state.participants),
            territories=len(state.territories),
            rounds=len(state.rounds),
            speed=self.speed,
            real_time=self.options.real_time,
            events=self.console.seq,
            sent=tally.sent,
            acked=tally.acked,
            refused=sum(tally.refused.values()),
            refused_by_code=dict(sorted(tally.refused.items())),
            unanswered=tally.unanswered,
            reconnections=tally.reconnections,
            latency_ms=tally.latency_ms(),
            elapsed_s=round(time.perf_counter() - started, 2),
            statements=len(state.statements),
            published=status[StatementStatus.PUBLISHED],
            merged=status[StatementStatus.MERGED],
            hidden=status[StatementStatus.HIDDEN],
            positions=self.console.positions,
            annotations=len(state.annotations),
            syntheses=len(state.syntheses),
            proposals=len(state.proposals),
            ballots=self.console.ballots,
        )


# --- French figures ------------------------------------------------------------------------------


def _links_lines(console: str, code: str, join: str, projector: str) -> list[str]:
    return [
        f"  Console d'animation : {console}",
        f"  Code pour rejoindre : {code}   ({join})",
        f"  Vue projecteur      : {projector}",
    ]


def _n(number: int) -> str:
    """A count the French way: 4 267 (narrow no-break space between thousands)."""
    return f"{number:,}".replace(",", "\u202f")


def _decimal(value: float, digits: int = 1) -> str:
    return f"{value:,.{digits}f}".replace(",", "\u202f").replace(".", ",")

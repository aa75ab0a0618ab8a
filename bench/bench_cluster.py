"""Cluster benchmark (issue 6): one session, N clients over 1 and 2 workers, then a reconnect storm.

For each worker count (``--workers 1,2``) the bench creates a new, empty PostgreSQL schema,
starts that many ``metrokawa serve`` processes over it and over the local Redis (``--db
postgresql://…?options=-csearch_path%3D<schema> --redis …``), each on its own port, creates one
session with ``POST /api/sessions`` on worker 0 and connects N clients (2,000 by default) from
this process, round robin over the workers. The clients are the load generator's (``loadgen.py``):
the Métrokawa driver joins them, seats the tables, starts the round and publishes ten statements
exactly as in ``bench_vote_burst.py``; only its sockets are spread over the workers. Then:

* **steady**: ``bench_vote_burst``'s steady phase, unchanged — positions at a fixed total rate
  (200 commands/s up to 500 clients, 20/s above), round robin over the clients, open loop, for
  ``--seconds``, each one changing the tallies; latency from just before a command is written to
  the moment each client's view reflects it, every client, every command, as
  ``bench_vote_burst`` measures it (``loadgen.py``'s ``_MkConn``): a participant's position
  reaches only its own sockets, so the view is the author's own event or, for everyone else,
  the first coalesced ``tallies`` frame whose ``seq`` (the last event it reflects) reaches the
  command's acknowledged ``seq`` (docs/protocol.md, *What each audience sees* and *Tallies*).
  Reported: p50/p99/max of that command→tally-visible latency over all deliveries, command→ack
  p99 at the sender, deliveries/s, the workers' CPU (user+system, summed over the worker
  processes: 200 % is both cores) and per command, and the machine's load average at the end.
* **reconnect storm**: every client's socket is cut at once (``transport.abort()``, what
  ``ProtocolClient.drop()`` does: no close handshake). Each client comes back after a random
  0–``--jitter`` s (500 ms), as real clients back off, through the *next* worker of the round
  robin (a load balancer does not remember where a socket was), with its token and ``after`` =
  the last seq it received (the last event, as the tablet's client does); a failed attempt is
  retried with exponential backoff. Meanwhile the room keeps talking: four extra connections
  (second devices of four participants, not dropped, spread over the workers) take positions at
  ``--storm-rate`` (20/s), each another value than that participant's last on the statement (the
  tallies change, so frames keep coming), so that the resuming clients have a backlog to catch
  up on (their own events: those four participants' first sockets) and live tallies arriving
  behind it. A client has *resumed* when it holds its ``welcome`` and its view reaches the
  welcome's ``seq`` (the session's last seq as its worker published it): a ``tallies`` frame
  whose ``seq`` is at least that, or its own events up to it (the server sends the backlog, then
  the tallies as of the welcome's ``seq``); the storm's time is from the cut to the last client
  resumed. The talk then stops and every client's view (the four extra connections' too) must
  reach the session's final seq (the last one acknowledged). Every event every client receives
  is checked, during the whole run, as ``ProtocolClient`` checks it (``GapError``: ``seq``
  strictly increases; a jump is events that were not for this client, no loss, and one at or
  below the last is a duplicate), and so is that every event of the client's participant that
  was acknowledged (to any of their devices) reached this socket, live or in its resume's
  backlog or snapshot. The storm's "lost" are its own events missing plus its duplicates, and
  must be zero.

The clients are the load generator's bare sockets rather than ``ProtocolClient`` (the websockets
library) for the reason ``loadgen.py`` gives: 2,000 clients each receive up to four ``tallies``
frames a second, every statement's counts per group in each, besides their own events, which one
Python process must take in on a fraction of a core to be measuring the workers and not itself;
the same sockets are cut and resumed, with the same stream rules.

Nothing is pinned: the workers, the load generator, PostgreSQL and Redis share the machine's CPUs
as they would in a deployment on one host (pinning two workers and the load generator on two
cores would only decide which of them the database and Redis slow down). The load generator's
own CPU is reported beside the workers'. Each worker count runs on a fresh schema, dropped at
the end (and the session's Redis keys deleted), failure or not.

Also counted, because they are promises of ``docs/protocol.md``: an ``ack`` reaching its sender
before the event it acknowledges ("acks before their event"), and a resume answered with a
snapshot instead of a backlog (``state`` in the welcome), with how many of those went back in
time (a welcome ``seq`` below the client's ``after``: a follower lagging behind the owner).

    .venv/bin/python bench/bench_cluster.py                    # 2,000 clients, 1 then 2 workers
    .venv/bin/python bench/bench_cluster.py --clients 100 --seconds 3
    .venv/bin/python bench/bench_cluster.py --workers 2 --lease-ms 1500 --json cluster.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import math
import os
import platform
import random
import signal
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

import msgspec
import psutil  # type: ignore[import-untyped,unused-ignore]
import redis
from bench_vote_burst import (
    HOST,
    PhaseResult,
    ServerProcess,
    Usage,
    _counts,
    _ms,
    _percentile,
    cpu_model,
    raise_open_files_limit,
    steady_phase,
    steady_rate,
    versions,
)
from loadgen import STATEMENTS, MetrokawaDriver, WsClient, _MkConn, _MkFrame, _Phase, connect
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.limits import Limits
from server.store import database_url

DEFAULT_POSTGRES: Final = os.environ.get(
    "METROKAWA_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"
)
DEFAULT_REDIS: Final = os.environ.get("METROKAWA_TEST_REDIS", "redis://127.0.0.1:6379")
PACERS: Final = 4  # connections that keep the session talking during the storm
BACKOFF_S: Final = (0.25, 0.5, 1.0, 2.0, 4.0)  # between a client's failed reconnection attempts


# --- the database and Redis ---------------------------------------------------------------------


@contextlib.contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A URL whose connections work in a new, empty schema (``search_path``), dropped with all
    it holds afterwards (as ``tests/server/services.fresh_schema``, without pytest)."""
    schema = f"mk_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url(url))
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        query = {"options": f"-csearch_path={schema}"}
        yield make_url(url).update_query_dict(query).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def forget_session(redis_url: str, session_id: str) -> int:
    """Delete the session's keys (lease, event stream, presence): the stream never expires."""
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"mk:*:{session_id}*", count=1000))
        return int(client.delete(*keys)) if keys else 0
    finally:
        client.close()


def service_versions(postgres_url: str, redis_url: str) -> str:
    with contextlib.suppress(Exception):
        engine = create_engine(database_url(postgres_url))
        try:
            with engine.connect() as connection:
                pg = connection.execute(text("SHOW server_version")).scalar()
        finally:
            engine.dispose()
        client = redis.Redis.from_url(redis_url)
        try:
            info: dict[str, Any] = client.info("server")
        finally:
            client.close()
        return f"PostgreSQL {str(pg).split()[0]}, Redis {info.get('redis_version', '?')}"
    return "PostgreSQL ?, Redis ?"


# --- the workers --------------------------------------------------------------------------------


class WorkerProcess(ServerProcess):
    """One ``metrokawa serve`` worker of the cluster, on its own port, not pinned."""

    def __init__(
        self, workdir: Path, index: int, db: str, redis_url: str, lease_ms: int | None
    ) -> None:
        super().__init__("metrokawa", workdir, cpu=None)
        self.index, self.db, self.redis_url, self.lease_ms = index, db, redis_url, lease_ms
        self.log_path = workdir / f"worker{index}-{self.port}.log"

    def argv(self) -> list[str]:
        lease = ["--lease-ms", str(self.lease_ms)] if self.lease_ms else []
        return [
            sys.executable,
            "-m",
            "server",
            "serve",
            "--port",
            str(self.port),
            "--db",
            self.db,
            "--redis",
            self.redis_url,
            "--no-new-session",
            *lease,
        ]

    def complaints(self) -> Counter[str]:
        """The log's lines other than uvicorn's INFO ones (warnings, errors, tracebacks)."""
        if not self.log_path.exists():
            return Counter()
        lines = self.log_path.read_text(errors="replace").splitlines()
        return Counter(
            line.strip() for line in lines if line.strip() and not line.startswith("INFO:")
        )


class ClusterUsage(Usage):
    """``Usage`` over several worker processes: their CPU summed (100 % = one core), their RSS
    summed."""

    def __init__(self, pids: Sequence[int]) -> None:
        super().__init__(pids[0])
        self.workers = [psutil.Process(pid) for pid in pids]

    def _now(self) -> tuple[float, float, float]:
        wall, _one, own = super()._now()
        times = [worker.cpu_times() for worker in self.workers]
        return wall, sum(t.user + t.system for t in times), own

    def begin(self) -> None:
        super().begin()
        self.rss_max = self._rss()

    def _rss(self) -> int:
        return sum(worker.memory_info().rss for worker in self.workers)

    async def _sample(self) -> None:
        while True:
            await asyncio.sleep(0.25)
            with contextlib.suppress(psutil.Error):
                self.rss_max = max(self.rss_max, self._rss())


# --- clients that check their stream -------------------------------------------------------------


class TrackedConn(_MkConn):
    """The load generator's connection, whose view (``_MkConn``: its own events, and ``tallies``
    frames, each reflecting every event up to its ``seq``) times tally-visibility, and which also
    checks its stream against docs/protocol.md: ``seq`` strictly increases, a jump being events
    that were not for this client and one at or below the last a duplicate (``ProtocolClient``'s
    ``GapError`` rule); every event of its participant's acknowledged commands, from any of their
    devices, reaches it (``missing`` those that did not); an ack never comes before its event. It
    counts snapshots and, during the storm, notes when its view caught up with its welcome."""

    __slots__ = (
        "acked",
        "caught_up",
        "covered",
        "duplicates",
        "early_acks",
        "port",
        "received",
        "seq",
        "snapshots",
        "target",
        "token",
        "went_back",
    )

    def __init__(self, ws: WsClient, phase: _Phase, port: int, token: str | None) -> None:
        self.port, self.token = port, token
        self.seq = self.target = 0  # the last event received; the welcome's seq
        self.acked: set[int] = set()  # the seqs of the participant's acks (shared by its devices)
        self.received: set[int] = set()  # the seqs of the events received
        self.covered = 0  # the events up to this seq came in a snapshot
        self.duplicates = self.early_acks = self.snapshots = self.went_back = 0
        self.caught_up: asyncio.Future[float] | None = None
        super().__init__(ws, phase)

    def share(self, participant: TrackedConn) -> None:
        """This socket is another device of ``participant``'s: one person's acks and positions."""
        self.acked, self.positions = participant.acked, participant.positions

    def reset_counts(self) -> None:
        self.acked.clear()
        self.received.clear()
        self.duplicates = self.early_acks = self.snapshots = self.went_back = 0

    @property
    def missing(self) -> int:
        """The participant's acknowledged events that did not reach this socket."""
        return sum(s > self.covered and s not in self.received for s in self.acked)

    def rebind(self, ws: WsClient, port: int) -> None:
        """The same client on a new socket."""
        self.ws, self.port = ws, port
        self.waiting.clear()
        self.welcome = asyncio.get_running_loop().create_future()
        ws.set_handler(self.on_message)

    async def hello(self, timeout: float, **hello: Any) -> None:
        """Say hello; return once welcomed, raise ``ConnectionError`` if the socket closes first.
        ``after`` is what the client holds: its last event, and its view up to there at least."""
        self.seq = hello.get("after") or 0
        self.upto = max(self.upto, self.seq)
        self.beyond = {s for s in self.beyond if s > self.upto}
        self.ws.send(msgspec.msgpack.encode({"k": "hello", **hello}))
        either: list[asyncio.Future[Any]] = [self.welcome, self.ws.closed]
        done, _ = await asyncio.wait(either, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        if self.welcome not in done:
            code = self.ws.closed.result() if self.ws.closed in done else "timeout"
            raise ConnectionError(f"no welcome ({code})")

    def on_frame(self, message: _MkFrame, now: float) -> None:
        kind = message.k
        if kind == "event":  # the common case first
            if message.seq is not None:
                self._check(message.seq)
        elif kind == "events":
            for event in message.events or ():
                self._check(event.seq)
        elif kind == "ack" and message.seq is not None:
            self.acked.add(message.seq)
            self.early_acks += message.seq > self.seq
        elif kind == "welcome":
            # Not ``_MkConn``'s: the view is not the welcome's seq until the backlog and the
            # ``tallies`` frame that follow it have come.
            if not self.welcome.done():
                self._welcomed(message, now)
            return
        super().on_frame(message, now)  # the view, the recorder, answers
        if self.caught_up is not None:
            self._check_caught_up(now)

    def _check(self, seq: int) -> None:
        if seq <= self.seq:
            self.duplicates += 1
        else:
            self.seq = seq
            self.received.add(seq)

    def _welcomed(self, message: _MkFrame, now: float) -> None:
        welcomed = message.seq or 0
        if len(message.state):  # a snapshot at ``welcomed``: the stream goes on after it
            self.snapshots += 1
            self.went_back += welcomed < self.seq
            self.seq = self.covered = welcomed
        self.target = welcomed
        self.welcome.set_result(message)
        self._check_caught_up(now)

    def _check_caught_up(self, now: float) -> None:
        """During the storm: resolve ``caught_up`` once the view reaches the welcome's seq
        (nothing reaches a cut socket, and nothing comes before the new one's welcome)."""
        caught_up = self.caught_up
        if caught_up is not None and not caught_up.done() and self.upto >= self.target:
            caught_up.set_result(now)


class ClusterDriver(MetrokawaDriver):
    """The Métrokawa driver with its sockets spread round robin over the workers' ports."""

    def __init__(self, ports: Sequence[int]) -> None:
        super().__init__()
        self.ports = list(ports)
        self.turn = 0
        self.session = ""

    async def _open(self, host: str, port: int, session: str, **hello: Any) -> TrackedConn:
        port = self.ports[self.turn % len(self.ports)]
        self.turn += 1
        return await self.open_on(port, session, self.phase, **hello)

    async def open_on(self, port: int, session: str, phase: _Phase, **hello: Any) -> TrackedConn:
        self.session = session
        ws = await connect(HOST, port, f"/ws/{session}", self.subprotocol)
        conn = TrackedConn(ws, phase, port, hello.get("token"))
        await conn.hello(60, **hello)
        self.seq = max(self.seq, conn.target)
        return conn

    def next_port(self, port: int) -> int:
        return self.ports[(self.ports.index(port) + 1) % len(self.ports)]


# --- results ------------------------------------------------------------------------------------


@dataclass
class StreamCounts:
    own: int = 0  # acknowledged events of each client's participant, each to reach that client
    missing: int = 0  # of those, the ones that did not reach it
    duplicates: int = 0
    early_acks: int = 0
    snapshots: int = 0
    went_back: int = 0

    @classmethod
    def of(cls, conns: Sequence[TrackedConn]) -> StreamCounts:
        return cls(
            own=sum(len(c.acked) for c in conns),
            missing=sum(c.missing for c in conns),
            duplicates=sum(c.duplicates for c in conns),
            early_acks=sum(c.early_acks for c in conns),
            snapshots=sum(c.snapshots for c in conns),
            went_back=sum(c.went_back for c in conns),
        )


@dataclass
class StormResult:
    clients: int
    jitter_s: float
    all_resumed_s: float = float("nan")  # the cut → the last client resumed
    p50_resumed_s: float = float("nan")
    resumed: int = 0
    attempts_failed: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    counts: StreamCounts = field(default_factory=StreamCounts)
    talk_commands: int = 0
    talk_errors: dict[str, int] = field(default_factory=dict)
    final_seq: int = 0
    short_of_final: int = 0  # clients whose view never reached the final seq
    server_cpu_pct: float = 0.0
    loadgen_cpu_pct: float = 0.0
    load_avg: tuple[float, float, float] = (0.0, 0.0, 0.0)  # at the end of the storm

    @property
    def lost(self) -> int:
        """What the protocol forbids: own events missing, and duplicates."""
        return self.counts.missing + self.counts.duplicates


@dataclass
class RunResult:
    workers: int
    clients: int
    setup_s: float = 0.0
    steady: PhaseResult | None = None
    steady_counts: StreamCounts = field(default_factory=StreamCounts)
    storm: StormResult | None = None
    failed: str = ""
    complaints: dict[str, int] = field(default_factory=dict)  # worker log lines, not INFO


# --- the storm ----------------------------------------------------------------------------------


async def talk(
    pacers: Sequence[TrackedConn], rate: float, stop: asyncio.Event
) -> tuple[list[int], Counter[str]]:
    """Positions from ``pacers`` at ``rate`` until ``stop``; the acks' seqs and the refusals.
    Each is another value than its participant's last on that statement: tallies that did not
    change are not sent, and the clients' views would stop short of the last seq."""
    pending: list[asyncio.Future[Any]] = []
    started = time.perf_counter()
    i = 0
    while not stop.is_set():
        pacer, statement = pacers[i % len(pacers)], STATEMENTS[i % len(STATEMENTS)]
        data = {"statement": statement, "value": pacer.next_value(statement, i)}
        pending.append(asyncio.ensure_future(pacer.command("TakePosition", data)))
        i += 1
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
    seqs: list[int] = []
    errors: Counter[str] = Counter()
    for outcome in await asyncio.gather(*pending, return_exceptions=True):
        if isinstance(outcome, BaseException):
            errors[f"{type(outcome).__name__}: {outcome}"[:60]] += 1
        elif outcome.seq is not None:
            seqs.append(outcome.seq)
    return seqs, errors


async def storm(
    driver: ClusterDriver,
    conns: Sequence[TrackedConn],
    args: argparse.Namespace,
    usage: ClusterUsage,
    rng: random.Random,
) -> StormResult:
    loop = asyncio.get_running_loop()
    result = StormResult(len(conns), args.jitter)
    pacers: list[TrackedConn] = []
    for k in range(PACERS):  # second devices of the first participants, one worker after another
        port, participant = driver.ports[k % len(driver.ports)], conns[k % len(conns)]
        after = max(c.seq for c in conns)
        pacers.append(
            await driver.open_on(
                port, driver.session, _Phase(), token=participant.token, after=after
            )
        )
        pacers[-1].share(participant)
        driver.conns.append(pacers[-1])  # cut by ``teardown`` if the storm fails
    for conn in [*conns, *pacers]:
        conn.reset_counts()
    for conn in conns:
        conn.caught_up = loop.create_future()
    failures: Counter[str] = Counter()
    usage.begin()
    cut = time.perf_counter()
    for conn in conns:
        conn.ws.abort()
    stop = asyncio.Event()
    talking = asyncio.create_task(talk(pacers, args.storm_rate, stop))

    async def come_back(conn: TrackedConn) -> float:
        await asyncio.sleep(rng.uniform(0, args.jitter))
        port = driver.next_port(conn.port)
        attempt = 0
        while True:
            try:
                ws = await connect(HOST, port, f"/ws/{driver.session}", driver.subprotocol, 10)
                conn.rebind(ws, port)
                await conn.hello(10, token=conn.token, after=conn.seq)
                break
            except (OSError, TimeoutError, ConnectionError) as error:
                failures[f"{type(error).__name__}: {error}"[:60]] += 1
                conn.ws.abort()
                pause = BACKOFF_S[min(attempt, len(BACKOFF_S) - 1)]
                await asyncio.sleep(pause * rng.uniform(0.5, 1.5))
                attempt += 1
        assert conn.caught_up is not None
        return await conn.caught_up

    returns = [asyncio.ensure_future(come_back(conn)) for conn in conns]
    done, not_done = await asyncio.wait(returns, timeout=args.storm_timeout)
    for task in not_done:
        task.cancel()
    resumed = sorted(task.result() - cut for task in done if task.exception() is None)
    result.resumed = len(resumed)
    if resumed:
        result.p50_resumed_s = _percentile(resumed, 0.5)
    if len(resumed) == len(conns):
        result.all_resumed_s = resumed[-1]
    stop.set()
    try:
        seqs, talk_errors = await asyncio.wait_for(talking, 60)
    except TimeoutError:
        seqs, talk_errors = [], Counter({"unanswered after 60 s": 1})
    result.talk_commands = len(seqs) + sum(talk_errors.values())
    result.talk_errors = dict(talk_errors)
    result.final_seq = max([*seqs, *(c.upto for c in conns), *(p.upto for p in pacers)])
    everyone = [*conns, *pacers]
    deadline = time.perf_counter() + args.drain
    while time.perf_counter() < deadline and any(c.upto < result.final_seq for c in everyone):
        await asyncio.sleep(0.05)
    result.server_cpu_pct, result.loadgen_cpu_pct = usage.end()
    result.load_avg = os.getloadavg()
    result.short_of_final = sum(c.upto < result.final_seq for c in everyone)
    result.attempts_failed = sum(failures.values())
    result.failures = dict(failures)
    result.counts = StreamCounts.of([*conns, *pacers])
    for pacer in pacers:
        pacer.ws.abort()
    return result


# --- one worker count ---------------------------------------------------------------------------


async def run_cluster(
    workers: int, args: argparse.Namespace, workdir: Path, cleanup: contextlib.ExitStack
) -> RunResult:
    run = RunResult(workers, args.clients)
    rng = random.Random(args.seed)
    with contextlib.ExitStack() as stack:
        cleanup.enter_context(stack)  # also closed if the bench itself is stopped
        db = stack.enter_context(fresh_schema(args.postgres))
        session = [""]  # known once the driver has opened a socket
        stack.callback(lambda: session[0] and forget_session(args.redis, session[0]))
        processes: list[WorkerProcess] = []

        def stop_workers() -> None:
            for process in processes:
                process.stop()
            for process in processes:
                for line, count in process.complaints().items():
                    key = f"worker {process.index}: {line}"
                    run.complaints[key] = run.complaints.get(key, 0) + count

        stack.callback(stop_workers)
        driver: ClusterDriver | None = None
        try:
            for index in range(workers):  # one after the other: each makes the tables if missing
                processes.append(WorkerProcess(workdir, index, db, args.redis, args.lease_ms))
                processes[-1].start()
            driver = ClusterDriver([p.port for p in processes])
            began = time.perf_counter()
            conns = await driver.setup(HOST, processes[0].port, args.clients)
            tracked = [c for c in conns if isinstance(c, TrackedConn)]
            assert len(tracked) == len(conns)
            await asyncio.sleep(1.0)  # let the workers settle after the connection storm
            run.setup_s = time.perf_counter() - began
            gc.collect()
            gc.freeze()  # the clients live until the end: keep them out of the collector's way
            usage = ClusterUsage([p.pid for p in processes])
            for conn in tracked:
                conn.reset_counts()
            print(f"… {workers} worker(s): steady", file=sys.stderr, flush=True)
            rate = steady_rate(args.clients, args.rate)
            run.steady, _ = await steady_phase(
                driver, tracked, rate, args.seconds, args.drain, usage, first=0
            )
            run.steady_counts = StreamCounts.of(tracked)
            print(f"… {workers} worker(s): storm", file=sys.stderr, flush=True)
            run.storm = await storm(driver, tracked, args, usage, rng)
        except Exception as error:  # one worker count failing must not hide the other
            run.failed = f"{type(error).__name__}: {error}"
            print(f"{workers} worker(s) failed: {error!r}", file=sys.stderr)
        finally:
            if driver is not None:
                session[0] = driver.session
                await driver.teardown()
            gc.unfreeze()
    return run


# --- the table ----------------------------------------------------------------------------------

Column = tuple[str, int, Callable[[RunResult], str]]


def _storm_time(run: RunResult) -> str:
    storm = run.storm
    if storm is None:
        return "—"
    if storm.resumed < storm.clients:
        return f"{storm.resumed:,}/{storm.clients:,} only"
    return f"{storm.all_resumed_s:.2f}"


def _storm_lost(storm: StormResult | None) -> str:
    if storm is None:
        return "—"
    short = f" ({storm.short_of_final} short)" if storm.short_of_final else ""
    return f"{storm.lost}{short}"


def _steady(cell: Callable[[PhaseResult], str]) -> Callable[[RunResult], str]:
    return lambda run: cell(run.steady) if run.steady is not None else "—"


COLUMNS: Final[list[Column]] = [
    ("workers", 7, lambda r: str(r.workers)),
    ("visible p50 ms", 16, _steady(lambda s: _ms(s.p50_ms))),
    ("visible p99 ms", 16, _steady(lambda s: _ms(s.p99_ms))),
    ("visible max ms", 16, _steady(lambda s: _ms(s.max_ms))),
    ("ack p99 ms", 12, _steady(lambda s: _ms(s.ack_p99_ms))),
    ("deliveries/s", 14, _steady(lambda s: f"{s.deliveries_per_s:,.0f}")),
    ("server CPU %", 14, _steady(lambda s: f"{s.server_cpu_pct:.0f}")),
    ("storm: all resumed s", 22, _storm_time),
    ("storm lost", 12, lambda r: _storm_lost(r.storm)),
]


def _load(load_avg: tuple[float, float, float]) -> str:
    return "/".join(f"{x:.1f}" for x in load_avg) + " (1/5/15 min)"


def _errors(errors: dict[str, int]) -> str:
    return ", ".join(f"{k} ×{v}" for k, v in sorted(errors.items())) or "none"


def notes(run: RunResult) -> list[str]:
    head = f"  {run.workers} worker{'s' if run.workers > 1 else ''}:"
    if run.failed:
        return [f"{head} FAILED — {run.failed}"]
    lines = [f"{head} setup {run.setup_s:.1f} s"]
    steady, counts = run.steady, run.steady_counts
    if steady is not None:
        lines.append(
            f"    steady: {steady.target}, {steady.commands:,} commands, "
            f"{steady.deliveries:,}/{steady.expected:,} deliveries"
            f"{'' if steady.drained else ' (NOT DRAINED)'}, refused: {_errors(steady.errors)}; "
            f"first delivery p99 {_ms(steady.first_p99_ms)} ms, fan-out spread p99 "
            f"{_ms(steady.spread_p99_ms)} ms; view by {steady.view} ({steady.tallies_frames:,} "
            f"tallies frames); workers' max RSS {steady.server_rss_mb:.0f} MB, workers' CPU "
            f"{steady.cpu_ms_per_command:,.1f} ms per command; load generator CPU "
            f"{steady.loadgen_cpu_pct:.0f} %; load average {_load(steady.load_avg)}"
        )
        lines.append(
            f"    steady streams: {counts.missing} of {counts.own:,} own events missing, "
            f"{counts.duplicates} "
            f"duplicates, {counts.early_acks} acks before their event"
        )
    storm = run.storm
    if storm is not None:
        c = storm.counts
        lines.append(
            f"    storm: {storm.resumed:,}/{storm.clients:,} resumed, p50 "
            f"{storm.p50_resumed_s:.2f} s after the cut (jitter 0–{storm.jitter_s * 1000:.0f} ms); "
            f"{storm.attempts_failed} failed attempts ({_errors(storm.failures)})"
        )
        lines.append(
            f"    storm streams: {c.missing} of {c.own:,} own events missing, "
            f"{c.duplicates} duplicates, "
            f"{c.snapshots} "
            f"snapshots ({c.went_back} back in time), {c.early_acks} acks before their event; "
            f"{storm.talk_commands} positions during it (refused: {_errors(storm.talk_errors)}); "
            f"final seq {storm.final_seq:,}, not reached by {storm.short_of_final} views; "
            f"workers' CPU {storm.server_cpu_pct:.0f} %, "
            f"load generator {storm.loadgen_cpu_pct:.0f} %; load average {_load(storm.load_avg)}"
        )
    for line, count in sorted(run.complaints.items(), key=lambda item: -item[1])[:8]:
        lines.append(f"    log ×{count}: {line[:150]}")
    if len(run.complaints) > 8:
        lines.append(f"    … and {len(run.complaints) - 8} other log lines (see --workdir)")
    return lines


def table(runs: Sequence[RunResult], args: argparse.Namespace) -> str:
    rate = steady_rate(args.clients, args.rate)
    lines = [
        f"\n== {args.clients:,} clients, steady {rate:g} cmd/s for {args.seconds:g} s, "
        f"storm of {args.clients:,} (jitter 0–{args.jitter * 1000:.0f} ms, "
        f"{args.storm_rate:g} cmd/s meanwhile) ==",
        "".join(f"{label:>{width}}" for label, width, _ in COLUMNS),
    ]
    for run in runs:
        lines.append("".join(f"{cell(run):>{width}}" for _, width, cell in COLUMNS))
    lines.append(
        "  (visible: command → each client's view reflecting it; ack: command → its ack at the "
        "sender; server CPU: user+system summed over the workers, 100 % = one core)"
    )
    for run in runs:
        lines.extend(notes(run))
    return "\n".join(lines)


def header(args: argparse.Namespace, files: int, loop: str) -> str:
    model = cpu_model()
    libs = versions(("uvicorn", "websockets", "redis", "psycopg"))
    lease = f"lease {args.lease_ms} ms" if args.lease_ms else "default lease"
    return (
        f"cluster bench — {model}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{libs}; {service_versions(args.postgres, args.redis)}\n"
        f"nothing pinned (workers, load generator, PostgreSQL, Redis share the CPUs), "
        f"{loop} loop, open files {files}, {lease}"
    )


# --- main ---------------------------------------------------------------------------------------


async def main_async(
    args: argparse.Namespace, loop_name: str, cleanup: contextlib.ExitStack
) -> int:
    main_task = asyncio.current_task()
    assert main_task is not None
    # SIGTERM unwinds like Ctrl-C: the workers are stopped and the schema dropped on the way out.
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    files = raise_open_files_limit()
    if args.clients + PACERS + 64 > files:
        print(f"{args.clients} clients need more open files than {files}", file=sys.stderr)
        return 1
    print(header(args, files, loop_name), flush=True)
    if args.workdir:
        Path(args.workdir).mkdir(parents=True, exist_ok=True)
        workdir = Path(args.workdir)
    else:
        workdir = Path(cleanup.enter_context(tempfile.TemporaryDirectory(prefix="cluster-")))
    runs: list[RunResult] = []
    for workers in args.workers:
        print(f"… {workers} worker(s), {args.clients} clients: setup", file=sys.stderr, flush=True)
        runs.append(await run_cluster(workers, args, workdir, cleanup))
    print(table(runs, args), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in runs], indent=2))
    return 1 if any(r.failed for r in runs) else 0


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0 or math.isinf(value):
        raise argparse.ArgumentTypeError("a positive number")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--clients", type=int, default=2000, help="clients of the one session")
    parser.add_argument(
        "--seconds", type=_positive, default=10.0, help="length of the steady phase"
    )
    parser.add_argument(
        "--workers", type=_counts, default=[1, 2], metavar="N,N,…", help="worker counts (1,2)"
    )
    parser.add_argument(
        "--rate", type=_positive, help="steady total commands/s (default 200 up to 500 clients, 20)"
    )
    parser.add_argument(
        "--storm-rate", type=_positive, default=20.0, help="commands/s during the storm (20)"
    )
    parser.add_argument(
        "--jitter", type=float, default=0.5, help="storm: each client waits 0 to this, s (0.5)"
    )
    parser.add_argument(
        "--storm-timeout", type=_positive, default=90.0, help="storm: give up after, s (90)"
    )
    parser.add_argument(
        "--drain", type=_positive, default=30.0, help="seconds to wait after a phase"
    )
    parser.add_argument("--lease-ms", type=int, help="the workers' --lease-ms (server default)")
    parser.add_argument(
        "--postgres", default=DEFAULT_POSTGRES, help="PostgreSQL URL (a schema is made)"
    )
    parser.add_argument("--redis", default=DEFAULT_REDIS, help="Redis URL")
    parser.add_argument("--seed", type=int, default=6, help="of the storm's jitter")
    parser.add_argument("--json", metavar="FILE", help="also write every figure as JSON")
    parser.add_argument("--workdir", metavar="DIR", help="keep the workers' logs here")
    parser.add_argument("--no-uvloop", action="store_true", help="plain asyncio loop")
    args = parser.parse_args(argv)
    most = 0.9 * PACERS * Limits().commands_per_second
    if args.storm_rate > most:
        parser.error(f"--storm-rate: at most {most:g} ({PACERS} connections under their limit)")
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None
    loop_name = "asyncio"
    if not args.no_uvloop:
        try:
            import uvloop

            loop_factory, loop_name = uvloop.new_event_loop, "uvloop"
        except ImportError:
            pass
    with contextlib.ExitStack() as cleanup, asyncio.Runner(loop_factory=loop_factory) as runner:
        try:
            return runner.run(main_async(args, loop_name, cleanup))
        except (KeyboardInterrupt, asyncio.CancelledError):
            print("stopped: workers stopped, schema dropped", file=sys.stderr)
            return 130


if __name__ == "__main__":
    raise SystemExit(main())

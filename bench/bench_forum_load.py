"""Forum load benchmark (issue 16): 2,000 residents rating a forum at once, beside a live round.

The online phase's promise is that a forum noted by a whole territory at once costs the server
what an evening's round does. So the bench runs the same load against two sessions of the same
server, one after the other (``--repeat`` interleaves them), and prints their figures side by
side:

* **live**: an evening, tables seated and a round running (``loadgen.MetrokawaDriver``, as
  ``bench_vote_burst.py`` sets it up);
* **forum**: a forum (``forum: true``, no agenda, two themes): no tables, no round; the same
  ten statements are contributions with a theme and a point on the map
  (``MetrokawaDriver(forum=True)``).

Everything else is the same: N clients (``--clients``, 2,000) join by the code a few at a time,
ten statements are proposed and published, six clients take a position on each (so that the
room's tallies show figures: k = 5), then every client reconnects with its token and stays
connected. The sockets are the load generator's bare ones (``loadgen.WsClient``, one asyncio
process, uvloop): the websockets library would be the bottleneck at 2,000 sockets receiving
``tallies`` frames four times a second. Two phases, each a ``TakePosition`` per command whose
value differs from the client's last on that statement (every command changes the tallies):

* **steady**: ``--rate`` commands/s in total (200), round robin over the clients, open loop,
  for ``--seconds`` (10): the latency a resident sees on a busy evening;
* **rush**: every client rates every one of the ten published contributions, starting all at
  once, each client sending its next rating as soon as its previous one is answered (one command
  in flight per client, 2,000 at the start): 20,000 ratings as fast as the server takes them.

Measured per phase: **command→ack** p50/p95/p99/max (from just before the command's frame is
written to the arrival of its ``ack`` at its sender, one clock: this process's
``perf_counter``), **commands/s** (acknowledged ÷ time from the first send to the last ack),
**server CPU per command** (``psutil``: the server processes' user+system CPU over the phase,
drain included, ÷ commands acknowledged; with several workers, summed over them), the server's
and the load generator's CPU %, refusals by code, the ``tallies`` frames the clients received,
and the machine's load average at the end of the phase (its cores are shared: a figure taken
under load says so). Server CPU per command is the figure that other work on the machine
disturbs least.

Backends (``--backends``): ``sqlite``, one worker on a durable SQLite file pinned to one CPU,
the load generator on the other (as ``bench_vote_burst.py``); ``cluster``, two workers on their
own ports over a fresh PostgreSQL schema and the local Redis (``bench_cluster.py``'s processes),
sockets round robin over them, nothing pinned.

    .venv/bin/python bench/bench_forum_load.py                          # 2,000 clients, SQLite
    .venv/bin/python bench/bench_forum_load.py --backends sqlite,cluster --repeat 3
    .venv/bin/python bench/bench_forum_load.py --clients 200 --seconds 3 --json forum.json

Measured on 2026-12-03, AMD EPYC, 2 cores shared with other helpers' builds and browser tests
(each run's load average below: the latencies are the shared machine's as much as the server's;
CPU per command is the figure other work disturbs least), Python 3.11.7, uvloop, PostgreSQL
15.20, Redis 7.0.15; ``--repeat 3``, each cell the median of the three runs.

At 08:28 UTC, a2dcae7939, a quiet moment (load average 1.2 to 2.5), SQLite, one worker:

    2,000 clients                 steady, 200 cmd/s        rush, 2,000 × 10 ratings
                                  live round    forum      live round    forum
    commands/s                         200        200         4,987      5,738
    cmd→ack p50 ms                     2.7        2.7         385.2      333.2
    cmd→ack p95 ms                    57.0       48.2         488.6      440.9
    cmd→ack p99 ms                    75.3       63.4         496.3      470.8
    server CPU ms/command            2.175      1.985         0.151      0.127
      p99 of each run (ms)      75/208/75   63/63/73    428/812/496  556/452/471
      CPU/command of each run  2.18/1.96/2.74 1.99/1.85/2.49 .128/.190/.151 .136/.127/.116
    tallies frames / MB received 82,000 / 387 for both   26,000 / 137   28,000 / 147
    setup (2,000 joins by code, 10 statements, 2,000 reconnections by token), server CPU per
    resident: 2.4/2.6/3.6 ms live, 2.2/2.0/3.0 ms forum

At 08:18–08:30 UTC, f3ea7449e2 (the same server), the machine busy (load average 2.6 to 8.2):

    SQLite, one worker            live round    forum      live round    forum
    commands/s                         200        200         2,706      2,441
    cmd→ack p50 ms                     8.8       12.5         623.6      779.3
    cmd→ack p99 ms                   101.5      424.9       1,543.7    1,371.9
    server CPU ms/command            2.660      2.410         0.213      0.202
      p99 of each run (ms)    80/102/361 425/242/438  1544/1346/1695 1507/1203/1372
    PostgreSQL + Redis, two workers
    commands/s                         197        200         1,688      1,857
    cmd→ack p50 ms                    27.4       47.1         994.0      896.7
    cmd→ack p99 ms                   489.5      690.6       2,422.9    1,604.0
    server CPU ms/command            2.910      2.890         0.391      0.396
      load average (1 min)         6.1–7.4    6.0–8.0       6.5–7.7    5.9–7.7

What it says: a forum costs the server what a running round does, or a little less: CPU per
command within 10 % of the live round's, or lower, in each phase and backend, and the same
frames (82,000 ``tallies`` frames, 387 MB to the clients in the steady phase, for both). The
steady phase's CPU per command (2–3 ms) is mostly a fixed cost shared among 200 commands a
second, the ``tallies`` (2,000 sockets, four frames a second each): in the rush, where commits
batch and the same frames are shared among thousands of ratings a second, a rating costs
0.13–0.2 ms on SQLite and 0.4 ms on two workers. On the quiet machine every latency figure of
the forum is at or below the live round's; on the busy one the SQLite steady p99 came out higher
for the forum (its CPU per command was not), the rush and the cluster both ways: the machine's
load, not the forum. Every one of the 2,000 × 10 ratings was acknowledged, none refused.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

import msgspec
from bench_cluster import (
    DEFAULT_POSTGRES,
    DEFAULT_REDIS,
    ClusterUsage,
    WorkerProcess,
    forget_session,
    fresh_schema,
    service_versions,
)
from bench_vote_burst import (
    HOST,
    ServerProcess,
    Usage,
    _percentile,
    cpu_model,
    describe,
    pick_cpus,
    raise_open_files_limit,
)
from loadgen import STATEMENTS, MetrokawaDriver, _MkConn, _Phase

REPO: Final = Path(__file__).resolve().parent.parent
KINDS: Final = ("live", "forum")
BACKENDS: Final = ("sqlite", "cluster")
_encode = msgspec.msgpack.encode


# --- the clients --------------------------------------------------------------------------------


class AckConn(_MkConn):
    """A load-generator socket that times answers only: a ``tallies`` frame is counted, not
    walked seq by seq (2,000 clients × every seq would be the load generator's whole CPU)."""

    __slots__ = ()

    def on_message(self, opcode: int, payload: bytes, now: float) -> None:
        recorder = self.phase.recorder
        if recorder is not None:
            recorder.received += len(payload)  # type: ignore[attr-defined]  # ``Ratings``
        super().on_message(opcode, payload, now)

    def _event(self, seq: int, now: float, recorder: Any) -> None:
        self.upto = max(self.upto, seq)

    def _tallies(self, seq: int, now: float, recorder: Any) -> None:
        self.upto = max(self.upto, seq)
        if recorder is not None:
            recorder.tallies += 1


class RatingDriver(MetrokawaDriver):
    """``MetrokawaDriver`` with ``AckConn`` sockets, spread round robin over ``ports`` (several
    workers) or all on the one server."""

    connection = AckConn

    def __init__(self, forum: bool, ports: Sequence[int] = ()) -> None:
        super().__init__(forum=forum)
        self.ports = list(ports)
        self.turn = 0
        self.session = ""

    async def _open(self, host: str, port: int, session: str, **hello: Any) -> _MkConn:
        self.session = session
        if self.ports:
            port = self.ports[self.turn % len(self.ports)]
            self.turn += 1
        return await super()._open(host, port, session, **hello)


class Ratings:
    """One phase's commands: who sent each, when, and when its answer came. Commands are numbered
    from ``first`` (their wire id, so that ``_MkConn`` files their answers here)."""

    def __init__(self, first: int) -> None:
        self.first = first
        self.sent = array("d")
        self.sender = array("l")
        self.answered: dict[int, float] = {}  # local index -> arrival of its ack
        self.last_seq = 0  # the highest seq acknowledged
        self.errors: Counter[str] = Counter()
        self.tallies = 0
        self.received = 0  # bytes of every frame the clients received
        self.on_answer: Callable[[int], None] | None = None  # the sender's index
        self.idle = asyncio.Event()
        self.idle.set()
        self.outstanding = 0

    def send(self, conns: Sequence[_MkConn], client: int, statement: str) -> None:
        number = self.first + len(self.sent)
        conn = conns[client]
        data = {"statement": statement, "value": conn.next_value(statement, number)}
        frame = {"k": "cmd", "id": str(number), "type": "TakePosition", "data": data}
        self.sender.append(client)
        self.outstanding += 1
        self.idle.clear()
        self.sent.append(time.perf_counter())
        conn.ws.send(_encode(frame))

    # what ``_MkConn.on_frame`` calls
    def deliver(self, key: int, now: float) -> None:
        pass

    def link(self, key: int, command: int, now: float | None = None) -> None:
        local = command - self.first
        if 0 <= local < len(self.sent) and local not in self.answered:
            self.answered[local] = time.perf_counter() if now is None else now
            self.last_seq = max(self.last_seq, key)
            self._done(local)

    def refused(self, command: int, code: str) -> None:
        local = command - self.first
        if 0 <= local < len(self.sent):
            self.errors[code] += 1
            self._done(local)

    def _done(self, local: int) -> None:
        self.outstanding -= 1
        if self.outstanding <= 0:
            self.idle.set()
        if self.on_answer is not None:
            self.on_answer(self.sender[local])

    def latencies(self) -> list[float]:
        return sorted(at - self.sent[local] for local, at in self.answered.items())


# --- phases -------------------------------------------------------------------------------------


@dataclass
class Figures:
    backend: str
    kind: str
    phase: str
    clients: int
    load: str = ""
    commands: int = 0
    acked: int = 0
    seconds: float = 0.0
    commands_per_s: float = 0.0
    p50_ms: float = float("nan")
    p95_ms: float = float("nan")
    p99_ms: float = float("nan")
    max_ms: float = float("nan")
    server_cpu_s: float = 0.0
    cpu_ms_per_command: float = float("nan")
    server_cpu_pct: float = 0.0
    loadgen_cpu_pct: float = 0.0
    server_rss_mb: float = 0.0
    errors: dict[str, int] = field(default_factory=dict)
    tallies_frames: int = 0
    received_mb: float = 0.0  # every frame every client received, in MB
    drained: bool = True
    load_avg: tuple[float, float, float] = (0.0, 0.0, 0.0)


async def _seen_by_all(conns: Sequence[_MkConn], seq: int) -> None:
    """Until every client's view reaches ``seq`` (the coalesced tallies sent after the last ack
    are part of what the commands cost)."""
    while any(conn.upto < seq for conn in conns):
        await asyncio.sleep(0.01)


async def _finish(
    figures: Figures,
    ratings: Ratings,
    conns: Sequence[_MkConn],
    usage: Usage,
    started: float,
    drain: float,
) -> Figures:
    try:
        await asyncio.wait_for(ratings.idle.wait(), drain)
        await asyncio.wait_for(_seen_by_all(conns, ratings.last_seq), drain)
    except TimeoutError:
        figures.drained = False
    server_pct, own_pct = usage.end()
    figures.load_avg = os.getloadavg()
    latencies = ratings.latencies()
    last = max(ratings.answered.values(), default=time.perf_counter())
    figures.commands, figures.acked = len(ratings.sent), len(ratings.answered)
    figures.seconds = max(last - started, 1e-9)
    figures.commands_per_s = figures.acked / figures.seconds
    for name, q in (("p50_ms", 0.50), ("p95_ms", 0.95), ("p99_ms", 0.99)):
        setattr(figures, name, 1000 * _percentile(latencies, q))
    figures.max_ms = 1000 * latencies[-1] if latencies else float("nan")
    figures.server_cpu_s = usage.server_seconds
    if figures.acked:
        figures.cpu_ms_per_command = 1000 * usage.server_seconds / figures.acked
    figures.server_cpu_pct, figures.loadgen_cpu_pct = server_pct, own_pct
    figures.server_rss_mb = usage.rss_max / 2**20
    figures.errors = dict(ratings.errors)
    figures.tallies_frames = ratings.tallies
    figures.received_mb = ratings.received / 1e6
    return figures


async def steady(
    phase: _Phase,
    conns: Sequence[_MkConn],
    figures: Figures,
    rate: float,
    seconds: float,
    drain: float,
    usage: Usage,
) -> tuple[Figures, int]:
    """``rate`` ratings/s in total, round robin over the clients, for ``seconds``."""
    ratings = Ratings(first=0)
    phase.recorder = ratings  # type: ignore[assignment]  # the recorder's duck: link, refused…
    figures.load = f"{rate:g} cmd/s"
    usage.begin()
    started = time.perf_counter()
    for i in range(int(rate * seconds)):
        delay = started + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        ratings.send(conns, i % len(conns), STATEMENTS[i % len(STATEMENTS)])
    figures = await _finish(figures, ratings, conns, usage, started, drain)
    phase.recorder = None
    return figures, len(ratings.sent)


async def rush(
    phase: _Phase,
    conns: Sequence[_MkConn],
    figures: Figures,
    first: int,
    drain: float,
    usage: Usage,
) -> Figures:
    """Every client rates every statement (its own order), one command in flight per client,
    all starting at once."""
    ratings = Ratings(first=first)
    phase.recorder = ratings  # type: ignore[assignment]
    figures.load = f"{len(conns):,} × {len(STATEMENTS)} ratings"
    done = [0] * len(conns)

    def next_rating(client: int) -> None:
        k = done[client]
        if k < len(STATEMENTS):
            done[client] = k + 1
            ratings.send(conns, client, STATEMENTS[(client + k) % len(STATEMENTS)])

    ratings.on_answer = next_rating
    usage.begin()
    started = time.perf_counter()
    for client in range(len(conns)):
        next_rating(client)
    total = len(conns) * len(STATEMENTS)
    deadline = time.perf_counter() + drain + total / 100  # 100 ratings/s would be very slow
    while len(ratings.answered) + sum(ratings.errors.values()) < total:
        if time.perf_counter() > deadline:
            break
        await asyncio.sleep(0.05)
    ratings.on_answer = None
    figures = await _finish(figures, ratings, conns, usage, started, drain)
    phase.recorder = None
    return figures


async def measure(
    driver: RatingDriver,
    port: int,
    usage_of: Callable[[], Usage],
    backend: str,
    args: argparse.Namespace,
) -> list[Figures]:
    kind = "forum" if driver.forum else "live"
    joining = Figures(backend, kind, "setup", args.clients, load="joins, reconnections")
    usage = usage_of()
    usage.begin()
    began = time.perf_counter()
    conns = await driver.setup(HOST, port, args.clients)
    joining.seconds = time.perf_counter() - began
    joining.server_cpu_pct, joining.loadgen_cpu_pct = usage.end()
    joining.server_cpu_s = usage.server_seconds
    joining.acked = len(conns)
    joining.cpu_ms_per_command = 1000 * usage.server_seconds / max(1, len(conns))
    joining.load_avg = os.getloadavg()
    await asyncio.sleep(1.0)  # let the server settle after the connection storm
    gc.collect()
    gc.freeze()  # the clients live until the end: keep them out of the collector's way
    try:
        print(f"… {backend} {kind}: steady, load {_load(os.getloadavg())}", file=sys.stderr)
        first = Figures(backend, kind, "steady", args.clients)
        still, sent = await steady(
            driver.phase, conns, first, args.rate, args.seconds, args.drain, usage_of()
        )
        await asyncio.sleep(1.0)  # the per-connection buckets refill: the rush is not throttled
        print(f"… {backend} {kind}: rush, load {_load(os.getloadavg())}", file=sys.stderr)
        second = Figures(backend, kind, "rush", args.clients)
        hurried = await rush(driver.phase, conns, second, sent, args.drain, usage_of())
        return [joining, still, hurried]
    finally:
        gc.unfreeze()


async def run_sqlite(kind: str, args: argparse.Namespace, workdir: Path) -> list[Figures]:
    server_cpu, _ = pick_cpus()
    server = ServerProcess("metrokawa", workdir, server_cpu).start()
    driver = RatingDriver(forum=kind == "forum")
    try:
        return await measure(driver, server.port, lambda: Usage(server.pid), "sqlite", args)
    finally:
        await driver.teardown()
        server.stop()


def _stop_all(workers: list[WorkerProcess]) -> None:
    for worker in workers:
        worker.stop()


async def run_cluster(kind: str, args: argparse.Namespace, workdir: Path) -> list[Figures]:
    with contextlib.ExitStack() as stack:
        db = stack.enter_context(fresh_schema(args.postgres))
        workers: list[WorkerProcess] = []
        stack.callback(_stop_all, workers)
        for index in range(2):  # one after the other: each makes the tables if missing
            workers.append(WorkerProcess(workdir, index, db, args.redis, None))
            workers[-1].start()
        driver = RatingDriver(forum=kind == "forum", ports=[w.port for w in workers])
        stack.callback(lambda: driver.session and forget_session(args.redis, driver.session))
        pids = [w.pid for w in workers]
        try:
            return await measure(
                driver, workers[0].port, lambda: ClusterUsage(pids), "cluster", args
            )
        finally:
            await driver.teardown()
    return []


# --- the table ----------------------------------------------------------------------------------

Row = tuple[str, Callable[[Figures], float | str], str]


def _errors(f: Figures) -> str:
    return ",".join(f"{k}:{v}" for k, v in sorted(f.errors.items())) or "0"


ROWS: Final[list[Row]] = [
    ("load", lambda f: f.load, "s"),
    ("commands acknowledged", lambda f: f.acked, ",.0f"),
    ("commands/s", lambda f: f.commands_per_s, ",.0f"),
    ("cmd→ack p50 ms", lambda f: f.p50_ms, ",.1f"),
    ("cmd→ack p95 ms", lambda f: f.p95_ms, ",.1f"),
    ("cmd→ack p99 ms", lambda f: f.p99_ms, ",.1f"),
    ("cmd→ack max ms", lambda f: f.max_ms, ",.1f"),
    ("server CPU ms/command", lambda f: f.cpu_ms_per_command, ",.3f"),
    ("server CPU %", lambda f: f.server_cpu_pct, ".0f"),
    ("server max RSS MB", lambda f: f.server_rss_mb, ".0f"),
    ("load generator CPU %", lambda f: f.loadgen_cpu_pct, ".0f"),
    ("tallies frames", lambda f: f.tallies_frames, ",.0f"),
    ("received by clients MB", lambda f: f.received_mb, ",.1f"),
    ("refused", _errors, "s"),
    ("load avg 1 min", lambda f: f.load_avg[0], ".2f"),
]


def _cell(value: float | str, spec: str) -> str:
    if isinstance(value, str):
        return value
    return "—" if value != value else format(value, spec)


def _median(runs: list[Figures]) -> Figures:
    """A figure whose every number is the median of the runs' (the lower middle one)."""
    if len(runs) == 1:
        return runs[0]
    out = Figures(**{k: v for k, v in asdict(runs[0]).items() if k != "load_avg"})
    for name in (
        "commands_per_s", "p50_ms", "p95_ms", "p99_ms", "max_ms", "cpu_ms_per_command",
        "server_cpu_pct", "loadgen_cpu_pct", "server_rss_mb",
    ):  # fmt: skip
        setattr(out, name, statistics.median_low(getattr(r, name) for r in runs))
    out.load_avg = (statistics.median_low(r.load_avg[0] for r in runs), 0.0, 0.0)
    out.drained = all(r.drained for r in runs)
    return out


def table(backend: str, figures: list[Figures], repeat: int) -> str:
    lines: list[str] = []
    for phase in ("steady", "rush"):
        by_kind = {
            kind: _median([f for f in figures if (f.kind, f.phase) == (kind, phase)])
            for kind in KINDS
            if any((f.kind, f.phase) == (kind, phase) for f in figures)
        }
        if not by_kind:
            continue
        title = "steady (fixed rate)" if phase == "steady" else "rush (everyone rates everything)"
        median = f", median of {repeat} runs" if repeat > 1 else ""
        clients = next(iter(by_kind.values())).clients
        lines.append(f"\n== {backend}, {clients:,} clients, {title}{median} ==")
        lines.append(f"{'':24}" + "".join(f"{_label(k):>20}" for k in by_kind))
        for label, get, spec in ROWS:
            cells = "".join(f"{_cell(get(f), spec):>20}" for f in by_kind.values())
            lines.append(f"{label:24}{cells}")
        live, forum = by_kind.get("live"), by_kind.get("forum")
        if live and forum and live.p99_ms > 0 and live.cpu_ms_per_command > 0:
            lines.append(
                f"  forum ÷ live: cmd→ack p99 ×{forum.p99_ms / live.p99_ms:.2f}, "
                f"CPU/command ×{forum.cpu_ms_per_command / live.cpu_ms_per_command:.2f}, "
                f"commands/s ×{forum.commands_per_s / max(live.commands_per_s, 1e-9):.2f}"
            )
        undrained = [k for k, f in by_kind.items() if not f.drained]
        if undrained:
            lines.append(f"  NOT DRAINED: {', '.join(undrained)}")
        if repeat > 1:
            for kind in by_kind:
                runs = [f for f in figures if (f.kind, f.phase) == (kind, phase)]
                lines.append(
                    f"  {kind}, each run: p99 "
                    + " ".join(_cell(r.p99_ms, ",.1f") for r in runs)
                    + " ms; CPU/command "
                    + " ".join(_cell(r.cpu_ms_per_command, ",.3f") for r in runs)
                    + " ms; load avg "
                    + " ".join(f"{r.load_avg[0]:.1f}" for r in runs)
                )
    return "\n".join(lines)


def setup_table(backend: str, figures: list[Figures]) -> str:
    """What getting everyone in cost: each client joins by the code on a socket of its own (64
    at a time), ten statements are proposed and published, everyone reconnects by token."""
    lines = [f"\n== {backend}, setup: every client joins, then reconnects by token =="]
    lines.append(f"{'':24}" + "".join(f"{_label(k):>20}" for k in KINDS))
    rows: list[Row] = [
        ("seconds", lambda f: f.seconds, ",.1f"),
        ("server CPU s", lambda f: f.server_cpu_s, ",.1f"),
        ("server CPU ms/resident", lambda f: f.cpu_ms_per_command, ",.2f"),
        ("load avg 1 min", lambda f: f.load_avg[0], ".2f"),
    ]
    runs = {k: [f for f in figures if (f.kind, f.phase) == (k, "setup")] for k in KINDS}
    for label, get, spec in rows:
        cells = "".join(
            f"{' '.join(_cell(get(f), spec) for f in runs[k]) or '—':>20}" for k in KINDS
        )
        lines.append(f"{label:24}{cells}")
    return "\n".join(lines)


def _label(kind: str) -> str:
    return "live round" if kind == "live" else "forum"


def _load(load_avg: tuple[float, float, float]) -> str:
    return "/".join(f"{x:.2f}" for x in load_avg)


def header(args: argparse.Namespace, files: int, loop: str) -> str:
    server_cpu, loadgen_cpu = pick_cpus()
    lines = [
        f"forum-load bench — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
        f"{cpu_model()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        f"Métrokawa at {describe(REPO)}; {args.clients:,} clients, {len(STATEMENTS)} published "
        f"statements; load generator: {loop} loop, open files {files}; "
        f"load average {_load(os.getloadavg())}",
    ]
    if "sqlite" in args.backends:
        lines.append(
            f"sqlite: one worker on a durable SQLite file (WAL), on CPU {server_cpu}; "
            f"load generator on CPU {loadgen_cpu}"
        )
    if "cluster" in args.backends:
        lines.append(
            f"cluster: two workers, PostgreSQL + Redis "
            f"({service_versions(args.postgres, args.redis)}), sockets round robin, nothing pinned"
        )
    return "\n".join(lines)


@contextlib.contextmanager
def _workdir(path: str | None) -> Iterator[Path]:
    if path:
        Path(path).mkdir(parents=True, exist_ok=True)
        yield Path(path)
    else:
        with tempfile.TemporaryDirectory(prefix="forum-load-") as tmp:
            yield Path(tmp)


async def main_async(args: argparse.Namespace, loop: str) -> int:
    _, loadgen_cpu = pick_cpus()
    files = raise_open_files_limit()
    if args.clients + 64 > files:
        print(f"{args.clients} clients need more open files than {files}", file=sys.stderr)
        return 1
    print(header(args, files, loop), flush=True)
    everything: list[Figures] = []
    failed = False
    with _workdir(args.workdir) as workdir:
        for backend in args.backends:
            if backend == "sqlite" and loadgen_cpu is not None:
                os.sched_setaffinity(0, {loadgen_cpu})
            else:  # the cluster's workers, PostgreSQL and Redis share every CPU
                os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
            runner = run_sqlite if backend == "sqlite" else run_cluster
            figures: list[Figures] = []
            for round_ in range(args.repeat):
                # Each round starts with the other kind: neither always runs first.
                order = KINDS if round_ % 2 == 0 else KINDS[::-1]
                for kind in order:
                    try:
                        figures.extend(await runner(kind, args, workdir))
                    except Exception as error:  # one run failing must not hide the others
                        failed = True
                        print(f"{backend} {kind} failed: {error!r}", file=sys.stderr)
            print(table(backend, figures, args.repeat), flush=True)
            print(setup_table(backend, figures), flush=True)
            everything.extend(figures)
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(f) for f in everything], indent=2))
    return 1 if failed else 0


def _counts_of(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names or any(n not in BACKENDS for n in names):
        raise argparse.ArgumentTypeError(f"backends are {', '.join(BACKENDS)}")
    return names


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--clients", type=int, default=2000, help="residents connected (2,000)")
    parser.add_argument("--rate", type=float, default=200.0, help="steady: commands/s (200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="steady: length (10 s)")
    parser.add_argument("--drain", type=float, default=60.0, help="seconds to wait for answers")
    parser.add_argument(
        "--backends", type=_counts_of, default=["sqlite"], metavar="NAME,…", help="sqlite,cluster"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of each kind, interleaved")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="cluster: PostgreSQL URL")
    parser.add_argument("--redis", default=DEFAULT_REDIS, help="cluster: Redis URL")
    parser.add_argument("--json", metavar="FILE", help="also write every figure as JSON")
    parser.add_argument("--workdir", metavar="DIR", help="keep the servers' logs here")
    parser.add_argument("--no-uvloop", action="store_true", help="plain asyncio loop")
    args = parser.parse_args(argv)
    loop_factory: Callable[[], asyncio.AbstractEventLoop] | None = None
    loop = "asyncio"
    if not args.no_uvloop:
        try:
            import uvloop

            loop_factory, loop = uvloop.new_event_loop, "uvloop"
        except ImportError:
            pass
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        return runner.run(main_async(args, loop))


if __name__ == "__main__":
    raise SystemExit(main())

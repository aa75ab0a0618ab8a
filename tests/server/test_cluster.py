"""Several workers (``server/cluster.py``): worker processes on their own ports, one PostgreSQL
schema and one Redis, real WebSocket clients spread across them.

* 150 clients of one session over three workers receive the log in seq order, each without
  what is not theirs (others' positions, ballots, joins), and a command sent again with the same
  id through another worker applies once;
* the owner gets SIGKILL in the middle of a burst of positions: another worker takes the session
  over within the lease, every acknowledged command is in the log exactly once, and the clients,
  resuming on the survivors and sending again what went unanswered, miss nothing;
* Redis restarts empty, five times, under three workers: the owner keeps the session (the same
  lease holder, no new fence, no socket asked to come back), the workers flush what they kept,
  the followers catch up from the store, and every client ends on the sequence it is owed;
* a stale owner (SIGSTOP past its lease, then SIGCONT) cannot append: the session has been
  claimed with a newer fence meanwhile, and its clients are asked to come back;
* ``serve --workers 3`` runs three processes on one port that serve one session together;
* the facilitator's presence counts whoever is connected, through whichever worker;
* what the workers leave in Redis is signed: a command, a token entry, a stream entry, a
  presence entry or an answer forged straight into Redis without their secret is refused, and
  each worker logs one warning per kind; a genuine command replayed applies once, an old one
  never; ``serve --redis`` does not start without the secret outside development;
* a round whose owner dies while nobody is connected still ends at its deadline.

The Redis of the CI machine serves them all but the restart test, which runs its own
``redis-server`` on a free port, so that restarting it disturbs nobody else.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import msgspec
import psutil  # type: ignore[import-untyped,unused-ignore]
import pytest
from redis import asyncio as aioredis
from sqlalchemy import create_engine, text

from server.cli import main
from server.client import ProtocolClient
from server.store import database_url
from server.trust import Kind, Signer
from session_engine import Envelope, decode_envelope, encode_envelope
from session_engine.audiences import audience
from session_engine.events import RoundEnded, RoundStarted

from . import services
from .live import LiveServer, free_port
from .scenario import ROLES, TERRITORIES, acked, eventually

LEASE_MS: Final = 1_500
COME_BACK: Final = 4008
# A survivor claims a session when its lease lapses: at most a lease after its owner's last
# renewal; the second is for the claim itself on a machine busy with 90 clients (measured here:
# 1.0-1.2 s after the SIGKILL with a 1.5 s lease).
TAKEOVER_S: Final = LEASE_MS / 1000 + 1.0
# The workers' shared secret: what they sign their Redis entries with.
SECRET_ENV: Final = {"METROKAWA_CLUSTER_SECRET": "the workers' secret for these tests, 0123456789"}


# --- the cluster --------------------------------------------------------------------------------


def start_workers(tmp_path: Path, db: str, redis: str, count: int) -> list[LiveServer]:
    args = ["--redis", redis, "--lease-ms", str(LEASE_MS)]
    workers: list[LiveServer] = []
    for n in range(count):
        worker = LiveServer(tmp_path / f"worker-{n}.db", db=db, args=args, env=SECRET_ENV)
        workers.append(worker.start())
    return workers


@pytest.fixture
def workers(tmp_path: Path, postgres_schema: str, redis_url: str) -> Iterator[list[LiveServer]]:
    started = start_workers(tmp_path, postgres_schema, redis_url, 3)
    try:
        yield started
    finally:
        for worker in started:
            with contextlib.suppress(ProcessLookupError):
                worker.process.send_signal(signal.SIGCONT)  # type: ignore[union-attr]
            worker.stop()


def stored(db: str, session_id: str) -> list[Envelope]:
    """The session's log as PostgreSQL holds it (command ids included)."""
    engine = create_engine(database_url(db))
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT record FROM events WHERE session_id = :s ORDER BY seq"),
                {"s": session_id},
            ).fetchall()
    finally:
        engine.dispose()
    return [decode_envelope(bytes(row[0])) for row in rows]


def fence(db: str, session_id: str) -> int:
    engine = create_engine(database_url(db))
    try:
        with engine.connect() as connection:
            row = connection.execute(
                text("SELECT fence FROM leases WHERE session_id = :s"), {"s": session_id}
            ).first()
    finally:
        engine.dispose()
    return int(row[0]) if row else 0


class Client:
    """A participant (or the facilitator): a ProtocolClient that can come back through another
    worker, as a tablet does when its socket is closed."""

    def __init__(self, url: str, session_id: str, token: str = "") -> None:
        self.session_id = session_id
        self.protocol = ProtocolClient(url, session_id)
        self.token = token
        self.id = ""
        self.answers: dict[str, dict[str, Any]] = {}  # command id -> its ack or error

    async def join(self, code: str, n: int) -> None:
        await self.protocol.connect(code=code, after=0)
        data = {
            "pseudonym": f"Personne {n}",
            "territory": TERRITORIES[n % len(TERRITORIES)],
            "role": ROLES[n % len(ROLES)],
        }
        answer = await self.protocol.command("JoinSession", data, id=uuid.uuid4().hex)
        acked(answer)
        self.token, self.id = answer["token"], answer["you"]

    async def resume(self, url: str) -> None:
        """A new socket to ``url``, going on from the last seq held."""
        old = self.protocol
        fresh = ProtocolClient(url, self.session_id)
        fresh.seq, fresh.events = old.seq, old.events
        await fresh.connect(token=self.token, after=old.seq)
        self.protocol = fresh

    @property
    def alive(self) -> bool:
        closed = self.protocol.closed
        return closed is not None and not closed.done()


def positions(envelopes: list[Envelope]) -> Counter[str]:
    """How many events each command id produced."""
    return Counter(e.cmd for e in envelopes if e.cmd and type(e.event).__name__ == "PositionTaken")


async def open_round(facilitator: ProtocolClient, author: ProtocolClient, count: int) -> list[str]:
    """Seat the room, start a round, publish ``count`` statements; their ids."""
    acked(await facilitator.command("SeatTables"))
    acked(await facilitator.command("StartRound"))
    statements: list[str] = []
    for n in range(count):
        text_ = {"text": f"Proposition numéro {n + 1} pour le quartier, à discuter ensemble."}
        seq = acked(await author.command("ProposeStatement", text_))
        await facilitator.wait_for_seq(seq)
        event = next(e for e in facilitator.events if e["seq"] == seq)
        statement = event["data"]["statement"]
        acked(await facilitator.command("PublishStatement", {"statement": statement}))
        statements.append(statement)
    return statements


async def facilitator_on(url: str, created: dict[str, Any]) -> Client:
    facilitator = Client(url, created["id"], created["facilitator_token"])
    await facilitator.protocol.connect(token=facilitator.token, after=0)
    return facilitator


def owed(client: Client, log: list[Envelope]) -> list[int]:
    """The seqs of ``log`` this client receives (``session_engine.audiences``): the facilitator
    everything but positions and ballots, a participant everything but others' positions,
    ballots and joins (everyone here joins before the tables are seated: no table mate yet)."""
    facilitator = not client.id
    seqs = []
    for envelope in log:
        rule = audience(envelope.event)
        theirs = rule.room or client.id in rule.participants
        if rule.facilitators if facilitator else theirs:
            seqs.append(envelope.seq)
    return seqs


async def everyone_at(
    clients: list[Client], log: list[Envelope], workers: list[LiveServer], timeout: float = 30
) -> None:
    """Every client holds what it is owed of ``log``; those whose socket was closed (asked to
    come back) resume through the workers in turn."""
    deadline = time.monotonic() + timeout
    last = {id(c): (owed(c, log) or [0])[-1] for c in clients}
    while True:
        for n, client in enumerate(clients):
            if not client.alive:
                await client.resume(workers[n % len(workers)].url)
        if all(c.protocol.seq >= last[id(c)] for c in clients):
            return
        if time.monotonic() > deadline:
            behind = [c.protocol.seq for c in clients if c.protocol.seq < last[id(c)]]
            raise TimeoutError(f"not at the end of the log within {timeout} s: {behind}")
        await asyncio.sleep(0.02)  # polling, bounded by the deadline above


def gapless(client: Client) -> list[int]:
    """The seqs this client received, checked in order by ProtocolClient (no duplicate)."""
    return [e["seq"] for e in client.protocol.events]


# --- 150 clients over three workers -------------------------------------------------------------


def test_150_clients_over_three_workers_share_one_sequence_each_its_own_part(
    workers: list[LiveServer], postgres_schema: str
) -> None:
    created = workers[0].create_session(rounds=2, table_size=6)
    session_id, code = created["id"], created["code"]

    async def scenario() -> None:
        facilitator = await facilitator_on(workers[1].url, created)
        clients = [Client(workers[n % 3].url, session_id) for n in range(150)]
        await asyncio.gather(*(c.join(code, n) for n, c in enumerate(clients)))
        (statement,) = await open_round(facilitator.protocol, clients[0].protocol, 1)
        sent: dict[str, Client] = {}
        answers = []
        for n, client in enumerate(clients):
            cmd = uuid.uuid4().hex
            sent[cmd] = client
            value = (n % 5) - 2
            answers.append(
                client.protocol.send(
                    "TakePosition", {"statement": statement, "value": value}, id=cmd
                )
            )
        first = {cmd: acked(a) for cmd, a in zip(sent, await asyncio.gather(*answers), strict=True)}
        # Every fifth participant sends the same command again, from a second device on another
        # worker: the same answer, nothing applied twice.
        again = []
        for n, (cmd, client) in enumerate(sent.items()):
            if n % 5:
                continue
            other = ProtocolClient(workers[(n + 1) % 3].url, session_id)
            await other.connect(token=client.token, after=None)
            value = (n % 5) - 2
            again.append(
                (
                    cmd,
                    other.command("TakePosition", {"statement": statement, "value": value}, id=cmd),
                    other,
                )
            )
        for cmd, answer, other in again:
            assert acked(await answer) == first[cmd]
            await other.close()
        log = stored(postgres_schema, session_id)
        everybody = [facilitator, *clients]
        await everyone_at(everybody, log, workers)
        # Every worker, the followers too, sends its sockets the tallies of the whole log.
        await eventually(
            lambda: all(
                bool(c.protocol.tallies) and c.protocol.tallies[-1]["seq"] == len(log)
                for c in everybody
            ),
            timeout=10,
            what="the tallies of the last position on every worker",
        )
        for client in everybody:
            (tally,) = client.protocol.tallies[-1]["statements"]
            assert tally["overall"]["voters"] == 150
            assert gapless(client) == owed(client, log)
            kinds = [(e["seq"], e["type"]) for e in client.protocol.events]
            mine = set(owed(client, log))
            assert kinds == [(e.seq, type(e.event).__name__) for e in log if e.seq in mine]
        assert sorted(positions(log).values()) == [1] * 150
        assert [c.protocol.early_acks for c in everybody] == [0] * len(everybody)
        for client in everybody:
            await client.protocol.close()

    asyncio.run(scenario())


# --- the owner killed during a burst ------------------------------------------------------------


BURST: Final = 16  # positions per participant, pipelined
KILL_AFTER_ACKS: Final = 400


def test_the_owner_killed_in_a_burst_is_replaced_and_nothing_acknowledged_is_lost(
    workers: list[LiveServer], postgres_schema: str
) -> None:
    owner = workers[0]  # it created the session: it holds the lease
    created = owner.create_session(rounds=2, table_size=6)
    session_id, code = created["id"], created["code"]

    async def scenario() -> None:
        facilitator = await facilitator_on(workers[1].url, created)
        clients = [Client(workers[n % 3].url, session_id) for n in range(90)]
        await asyncio.gather(*(c.join(code, n) for n, c in enumerate(clients)))
        statements = await open_round(facilitator.protocol, clients[1].protocol, 4)
        commands: dict[str, tuple[Client, dict[str, Any]]] = {}
        acks: dict[str, int] = {}
        killed = asyncio.Event()

        async def burst(n: int, client: Client) -> None:
            for k in range(BURST):
                data = {"statement": statements[k % 4], "value": ((n + k) % 5) - 2}
                cmd = uuid.uuid4().hex
                commands[cmd] = (client, data)
                with contextlib.suppress(ConnectionError, TimeoutError):
                    answer = await asyncio.wait_for(
                        client.protocol.send("TakePosition", data, id=cmd), 5
                    )
                    acks[cmd] = acked(answer)
                    if len(acks) >= KILL_AFTER_ACKS and not killed.is_set():
                        killed.set()

        bursts = asyncio.gather(*(burst(n, c) for n, c in enumerate(clients)))
        await asyncio.wait_for(killed.wait(), 60)
        claimed = await asyncio.to_thread(fence, postgres_schema, session_id)
        owner.kill()
        killed_at = time.monotonic()
        acked_before_kill = dict(acks)
        while await asyncio.to_thread(fence, postgres_schema, session_id) == claimed:
            assert time.monotonic() - killed_at < TAKEOVER_S, "no survivor took the session"
            await asyncio.sleep(0.02)  # polling the database, bounded by the assertion above
        await bursts
        # Those of the dead worker come back through the survivors; everyone sends again what
        # went unanswered, with the same ids, until it is answered.
        survivors = workers[1:]
        for n, client in enumerate(clients):
            if not client.alive:
                await client.resume(survivors[n % 2].url)
        for _attempt in range(10):
            missing = [cmd for cmd in commands if cmd not in acks]
            if not missing:
                break
            for cmd in missing:
                client, data = commands[cmd]
                if not client.alive:
                    await client.resume(survivors[hash(cmd) % 2].url)
                with contextlib.suppress(ConnectionError, TimeoutError):
                    answer = await asyncio.wait_for(
                        client.protocol.send("TakePosition", data, id=cmd), LEASE_MS / 1000 * 4
                    )
                    acks[cmd] = acked(answer)
        assert set(acks) == set(commands)
        log = stored(postgres_schema, session_id)
        applied = positions(log)
        assert set(applied) == set(commands)  # nothing acknowledged lost…
        assert set(applied.values()) == {1}  # …nor doubled
        for cmd, seq in acked_before_kill.items():
            assert log[seq - 1].cmd == cmd  # acknowledged before the kill: kept at its seq
        everybody = [facilitator, *clients]
        await everyone_at(everybody, log, survivors)
        for client in everybody:
            assert gapless(client) == owed(client, log)
            await client.protocol.close()

    asyncio.run(scenario())


# --- Redis restarted ----------------------------------------------------------------------------


class RedisServer:
    """A redis-server of our own on a free port, keeping nothing on disk, that can restart."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            services.unavailable("redis-server is not installed (apt-get install -y redis-server)")
        command = [
            binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.directory),
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return self
            time.sleep(0.05)  # polling for the port, bounded by the deadline
        raise TimeoutError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


RESTARTS: Final = 5


def test_redis_restarts_leave_the_owner_in_place_and_no_gap(
    tmp_path: Path, postgres_schema: str
) -> None:
    """Redis restarts empty, five times, under three workers. While it is away the owner's
    clients go on and the followers' wait; once it is back, the followers' commands are answered,
    the owner takes its lease back before any follower may take the session (the same holder,
    no new fence), no socket is asked to come back (4008), and every client ends on the same
    gapless sequence."""
    redis = RedisServer(tmp_path).start()
    workers = start_workers(tmp_path, postgres_schema, redis.url, 3)
    try:
        created = workers[0].create_session(rounds=2, table_size=6)
        session_id, code = created["id"], created["code"]

        async def scenario() -> None:
            facilitator = await facilitator_on(workers[1].url, created)
            clients = [Client(workers[n % 3].url, session_id) for n in range(21)]
            await asyncio.gather(*(c.join(code, n) for n, c in enumerate(clients)))
            (statement,) = await open_round(facilitator.protocol, clients[0].protocol, 1)
            everybody = [facilitator, *clients]
            owner = await _lease_back(redis.url, session_id)
            claimed = await asyncio.to_thread(fence, postgres_schema, session_id)

            def take(client: Client, value: int) -> asyncio.Future[dict[str, Any]]:
                data = {"statement": statement, "value": value}
                return client.protocol.send("TakePosition", data, id=uuid.uuid4().hex)

            for answer in await asyncio.gather(*(take(c, 1) for c in clients)):
                acked(answer)
            for restart in range(RESTARTS):
                value = -1 if restart % 2 == 0 else 1
                redis.stop()
                # Redis is gone: the owner's own clients go on, the followers' wait for it.
                on_owner = [take(c, value) for c in clients[0::3]]
                on_followers = [take(c, 2 * value) for n, c in enumerate(clients) if n % 3]
                for answer in await asyncio.gather(*on_owner):
                    acked(answer)
                redis.start()
                for answer in await asyncio.wait_for(asyncio.gather(*on_followers), 30):
                    acked(answer)
                # The lease is back in the new Redis: its owner's, and nobody claimed the
                # session meanwhile (a follower that took it would have claimed a new fence).
                holder = await _lease_back(redis.url, session_id)
                assert (restart, holder) == (restart, owner)
                assert await asyncio.to_thread(fence, postgres_schema, session_id) == claimed
                assert (restart, asked_back(everybody)) == (restart, 0)
            log = stored(postgres_schema, session_id)
            assert asked_back(everybody) == 0
            await everyone_at(everybody, log, workers)
            for client in everybody:
                assert gapless(client) == owed(client, log)
            assert sum(positions(log).values()) == (1 + RESTARTS) * len(clients)
            for client in everybody:
                await client.protocol.close()

        asyncio.run(scenario())
    finally:
        for worker in workers:
            worker.stop()
        redis.stop()


async def _lease_back(redis_url: str, session_id: str) -> bytes:
    """The session's lease holder, once some worker has written it into a restarted Redis."""
    deadline = time.monotonic() + TAKEOVER_S * 2
    async with aioredis.from_url(redis_url) as redis:
        while (holder := await redis.get(f"mk:lease:{session_id}")) is None:
            assert time.monotonic() < deadline, "nobody took the lease back"
            await asyncio.sleep(0.02)  # polling Redis, bounded by the assertion above
    assert isinstance(holder, bytes)
    return holder


def asked_back(clients: list[Client]) -> int:
    """How many of these clients' sockets were closed with 4008 (come back)."""
    closed = [c.protocol.closed for c in clients if c.protocol.closed is not None]
    return sum(1 for f in closed if f.done() and f.result() == COME_BACK)


# --- a stale owner ------------------------------------------------------------------------------


def test_an_owner_paused_past_its_lease_cannot_append_when_it_wakes(
    workers: list[LiveServer], postgres_schema: str
) -> None:
    owner, follower = workers[0], workers[1]
    created = owner.create_session(rounds=2, table_size=6)
    session_id, code = created["id"], created["code"]

    async def scenario() -> None:
        on_owner = Client(owner.url, session_id)
        on_follower = Client(follower.url, session_id)
        facilitator = await facilitator_on(follower.url, created)
        await on_owner.join(code, 1)
        await on_follower.join(code, 2)
        (statement,) = await open_round(facilitator.protocol, on_follower.protocol, 1)
        await on_owner.protocol.wait_for_seq(len(stored(postgres_schema, session_id)))
        claimed = fence(postgres_schema, session_id)
        before = len(stored(postgres_schema, session_id))
        assert owner.process is not None
        owner.process.send_signal(signal.SIGSTOP)
        # The follower takes the session over once the lease has lapsed: a newer fence.
        await eventually(
            lambda: fence(postgres_schema, session_id) > claimed,
            timeout=TAKEOVER_S,
            what="the follower claiming the session",
        )
        # A command reaches the paused owner; then it wakes up.
        data = {"statement": statement, "value": 2}
        cmd = uuid.uuid4().hex
        late = on_owner.protocol.send("TakePosition", data, id=cmd)
        owner.process.send_signal(signal.SIGCONT)
        with pytest.raises(ConnectionError):
            await asyncio.wait_for(late, 20)
        assert await asyncio.wait_for(on_owner.protocol.closed, 10) == COME_BACK  # type: ignore[arg-type]
        assert len(stored(postgres_schema, session_id)) == before  # nothing appended
        # Sent again through the new owner, it applies once.
        await on_owner.resume(follower.url)
        acked(await on_owner.protocol.command("TakePosition", data, id=cmd))
        log = stored(postgres_schema, session_id)
        assert [e.cmd for e in log].count(cmd) == 1
        everybody = [facilitator, on_owner, on_follower]
        await everyone_at(everybody, log, [follower])
        for client in everybody:
            assert gapless(client) == owed(client, log)
            await client.protocol.close()

    asyncio.run(scenario())


# --- serve --workers N --------------------------------------------------------------------------


def test_serve_workers_runs_processes_that_share_one_port_and_one_session(
    tmp_path: Path, postgres_schema: str, redis_url: str
) -> None:
    """``serve --workers 3``: uvicorn's supervisor, three processes accepting on one port, any of
    them any client: the same session through all, one gapless sequence."""
    args = ["--redis", redis_url, "--lease-ms", str(LEASE_MS), "--workers", "3"]
    server = LiveServer(tmp_path / "workers.db", db=postgres_schema, args=args, env=SECRET_ENV)
    server.start(60)
    try:
        assert server.process is not None
        children = psutil.Process(server.process.pid).children()
        workers = [c for c in children if "spawn_main" in " ".join(c.cmdline())]
        assert len(workers) == 3  # (beside them, multiprocessing's resource tracker)
        created = server.create_session(rounds=2, table_size=6)

        async def scenario() -> None:
            facilitator = await facilitator_on(server.url, created)
            clients = [Client(server.url, created["id"]) for _ in range(30)]
            await asyncio.gather(*(c.join(created["code"], n) for n, c in enumerate(clients)))
            (statement,) = await open_round(facilitator.protocol, clients[0].protocol, 1)
            takes = [
                c.protocol.send("TakePosition", {"statement": statement, "value": 1})
                for c in clients
            ]
            for answer in await asyncio.gather(*takes):
                acked(answer)
            log = stored(postgres_schema, created["id"])
            everybody = [facilitator, *clients]
            await everyone_at(everybody, log, [server])
            for client in everybody:
                assert gapless(client) == owed(client, log)
                await client.protocol.close()

        asyncio.run(scenario())
    finally:
        server.stop()


# --- presence across workers --------------------------------------------------------------------


def test_the_facilitator_sees_who_is_connected_through_every_worker(
    workers: list[LiveServer],
) -> None:
    created = workers[0].create_session(rounds=2, table_size=6)

    async def scenario() -> None:
        facilitator = await facilitator_on(workers[0].url, created)
        clients = [Client(workers[n % 3].url, created["id"]) for n in range(6)]
        await asyncio.gather(*(c.join(created["code"], n) for n, c in enumerate(clients)))
        everyone = {c.id for c in clients}

        def connected() -> set[str]:
            presence = facilitator.protocol.presence or {}
            return set(presence.get("participants", []))

        await eventually(lambda: connected() == everyone, timeout=10, what="all six present")
        leaving = clients[2]  # joined through the third worker
        await leaving.protocol.close()
        await eventually(
            lambda: connected() == everyone - {leaving.id}, timeout=10, what="one gone"
        )
        for client in [facilitator, *clients]:
            await client.protocol.close()

    asyncio.run(scenario())


# --- trust: what workers leave in Redis is signed -----------------------------------------------


FORGED_COPIES: Final = 20  # of each entry: half unsigned, half signed with another secret
# Someone who read this code, and can write to Redis, but does not hold the workers' secret.
FORGER: Final = Signer("not the workers' secret, but as long as theirs is")


def forged(kind: Kind, session_id: str, n: int, *parts: bytes) -> bytes:
    """The MAC that the n-th forged copy carries: none (even n), or another secret's (odd n)."""
    return b"" if n % 2 == 0 else FORGER.sign(kind, session_id, *parts)


def test_entries_forged_in_redis_are_refused_and_each_kind_is_logged_once(
    workers: list[LiveServer], postgres_schema: str, redis_url: str
) -> None:
    """Straight into Redis, without the workers' secret: a facilitator's ``CloseSession``
    forwarded to the owner, token entries naming a participant, a copy of an event in the
    session's stream with the next seq, and a presence entry. Every copy is refused — the
    session stays open, the tokens open no socket, every client receives the real events, the
    presence shows nobody who is away — and each worker logs one warning per kind of entry,
    however many copies it refused."""
    owner, follower, other = workers
    created = owner.create_session(rounds=2, table_size=6)
    session_id, code = created["id"], created["code"]
    redis = aioredis.from_url(redis_url)

    async def publish_forged_commands(owner_name: bytes) -> None:
        for n in range(FORGED_COPIES):
            command = {
                "k": "cmd",
                "session": session_id,
                "reply_to": "mk:worker:forger",
                "id": f"forged-{n}",
                "type": "CloseSession",
                "data": {},
                "role": "facilitator",
                "actor": "facilitator",
                "cmd": f"forged-{n}",
            }
            if n % 2:  # as signed messages are: dated
                command["sent_at"] = int(time.time() * 1000)
            body = msgspec.msgpack.encode(command)
            await redis.publish(
                b"mk:worker:" + owner_name, forged("cmd", session_id, n, body) + body
            )

    async def forge_token_entries(participant: str) -> list[str]:
        tokens = []
        for n in range(FORGED_COPIES):
            token = f"a token the forger made up, number {n}"
            token_hash = hashlib.sha256(token.encode()).hexdigest()
            mac = forged("token", session_id, n, token_hash.encode(), participant.encode())
            await redis.hset(f"mk:tokens:{session_id}", token_hash, mac + participant.encode())
            tokens.append(token)
        return tokens

    async def forge_stream_entries(record: bytes) -> None:
        for n in range(FORGED_COPIES):
            entry = forged("event", session_id, n, record) + record
            await redis.xadd(f"mk:events:{session_id}", {"e": entry})

    async def scenario() -> None:
        facilitator = await facilitator_on(follower.url, created)
        people = [Client(w.url, session_id) for w in (follower, other, owner)]
        await asyncio.gather(*(p.join(code, n) for n, p in enumerate(people)))
        (statement,) = await open_round(facilitator.protocol, people[0].protocol, 1)
        away = people[2]
        await away.protocol.close()
        owner_name = await redis.get(f"mk:lease:{session_id}")
        assert isinstance(owner_name, bytes)

        # A forwarded CloseSession, then a real command along the same path: once that one is
        # answered, the owner has read the forged ones (one channel, in order).
        await publish_forged_commands(owner_name)
        take = {"statement": statement, "value": 2}
        acked(await people[0].protocol.command("TakePosition", take))

        # Token entries naming a participant: no socket opens with those tokens.
        for token in await forge_token_entries(people[1].id):
            with pytest.raises(ConnectionError, match="bad_token"):
                await ProtocolClient(other.url, session_id).connect(token=token, after=None)

        # A copy of the last event under the next seq, then the real next event: the followers'
        # clients receive the real one at that seq.
        log = stored(postgres_schema, session_id)
        copy = msgspec.structs.replace(log[-1], seq=len(log) + 1)
        await forge_stream_entries(encode_envelope(copy))
        seq = acked(await people[1].protocol.command("TakePosition", take))
        assert seq == len(log) + 1

        # Someone away, said to be connected through a worker that does not exist.
        here = msgspec.msgpack.encode([away.id])
        presence = f"mk:presence:{session_id}"
        await redis.sadd(f"{presence}:workers", "forger")
        mac = forged("presence", session_id, 1, b"forger", here)
        await redis.set(f"{presence}:forger", mac + here, px=60_000)
        await eventually(
            lambda: all("refused a presence entry" in w.log() for w in workers),
            timeout=TAKEOVER_S * 4,
            what="every worker refusing the forged presence",
        )

        log = stored(postgres_schema, session_id)
        assert not [e for e in log if (e.cmd or "").startswith("forged")]
        assert "SessionClosed" not in [type(e.event).__name__ for e in log]
        everybody = [facilitator, *people[:2]]
        await everyone_at(everybody, log, [follower])
        for client in everybody:
            mine = set(owed(client, log))
            assert [(e["seq"], e["type"]) for e in client.protocol.events] == [
                (e.seq, type(e.event).__name__) for e in log if e.seq in mine
            ]
        presence_now = facilitator.protocol.presence or {}
        assert away.id not in presence_now.get("participants", [])
        for client in everybody:
            await client.protocol.close()
        await redis.aclose()

    asyncio.run(scenario())
    refused = {
        name: refusals(w.log())
        for name, w in zip(("owner", "follower", "other"), workers, strict=True)
    }
    assert refused == {
        "owner": {
            "an unreadable message": 1,  # the unsigned copies
            "a forwarded command": 1,  # the copies signed with another secret
            "a presence entry": 1,
        },
        "follower": {"a stream entry": 1, "a presence entry": 1},
        "other": {"a token entry": 1, "a stream entry": 1, "a presence entry": 1},
    }
    assert not [w for w in workers if "Traceback" in w.log()]


def test_commands_replayed_from_redis_apply_once_and_forged_answers_are_refused(
    workers: list[LiveServer], postgres_schema: str, redis_url: str
) -> None:
    """An eavesdropper on Redis copies a genuine forwarded command and publishes it ten times
    more: the owner answers it from the outcomes table, and it applies once. The same command
    under a new id, dated two minutes back (as if kept that long), is refused. While the owner is
    paused, answers forged for a command on its way say it was refused: the follower ignores them,
    and its client gets the owner's real answer when the owner wakes."""
    owner, follower, _ = workers
    created = owner.create_session(rounds=2, table_size=6)
    session_id, code = created["id"], created["code"]
    redis = aioredis.from_url(redis_url)
    eavesdropper = redis.pubsub(ignore_subscribe_messages=True)

    async def overheard(cmd: str) -> dict[str, Any]:
        """The next forwarded command ``cmd`` on the owner's channel, as the owner reads it."""
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            item = await eavesdropper.get_message(timeout=1)
            if item is not None:
                message: dict[str, Any] = msgspec.msgpack.decode(item["data"][32:])
                if message.get("cmd") == cmd:
                    return message
        raise TimeoutError(f"command {cmd} not overheard")

    async def scenario() -> None:
        facilitator = await facilitator_on(follower.url, created)
        person, other = Client(follower.url, session_id), Client(owner.url, session_id)
        await asyncio.gather(person.join(code, 1), other.join(code, 2))
        (statement,) = await open_round(facilitator.protocol, person.protocol, 1)
        owner_name = await redis.get(f"mk:lease:{session_id}")
        assert isinstance(owner_name, bytes)
        channel = b"mk:worker:" + owner_name
        await eavesdropper.subscribe(channel)

        def take(value: int, cmd: str) -> asyncio.Future[dict[str, Any]]:
            data = {"statement": statement, "value": value}
            return person.protocol.send("TakePosition", data, id=cmd)

        # A genuine command, overheard, then published again and again.
        first = uuid.uuid4().hex
        acked(await take(2, first))
        genuine = await overheard(first)
        signed = msgspec.msgpack.encode(genuine)
        mac = Signer(SECRET_ENV["METROKAWA_CLUSTER_SECRET"]).sign("cmd", session_id, signed)
        for _ in range(10):
            await redis.publish(channel, mac + signed)
        # Under a new id, dated two minutes back: signed by a worker, but too old.
        old = genuine | {
            "id": "old",
            "cmd": uuid.uuid4().hex,
            "sent_at": genuine["sent_at"] - 120_000,
        }
        body = msgspec.msgpack.encode(old)
        mac = Signer(SECRET_ENV["METROKAWA_CLUSTER_SECRET"]).sign("cmd", session_id, body)
        await redis.publish(channel, mac + body)
        acked(await take(-2, uuid.uuid4().hex))  # the same path: the owner has read them all

        # The owner paused: answers forged for a command on its way.
        assert owner.process is not None
        owner.process.send_signal(signal.SIGSTOP)
        try:
            cmd = uuid.uuid4().hex
            answer = take(1, cmd)
            waiting = await overheard(cmd)
            refused = {"seq": None, "code": "round_closed", "participant": None, "token": None}
            unsigned = {"k": "answer", "id": waiting["id"], "answer": refused}
            await redis.publish(waiting["reply_to"], msgspec.msgpack.encode(unsigned))
            signed_otherwise = unsigned | {"session": session_id}
            body = msgspec.msgpack.encode(signed_otherwise)
            await redis.publish(waiting["reply_to"], FORGER.sign("answer", session_id, body) + body)
            await eventually(
                lambda: "refused an answer" in follower.log(), what="the forged answer refused"
            )
        finally:
            owner.process.send_signal(signal.SIGCONT)
        acked(await asyncio.wait_for(answer, 30))

        log = stored(postgres_schema, session_id)
        assert [e.cmd for e in log].count(first) == 1
        assert [e.cmd for e in log].count(cmd) == 1
        assert old["cmd"] not in [e.cmd for e in log]
        for client in (facilitator, person, other):
            await client.protocol.close()
        await eavesdropper.aclose()  # type: ignore[no-untyped-call]
        await redis.aclose()

    asyncio.run(scenario())
    assert refusals(owner.log()) == {"an old forwarded command": 1}
    assert refusals(follower.log()) == {"an unreadable message": 1, "an answer": 1}


def refusals(log: str) -> Counter[str]:
    """The refusals a worker logged, by kind of entry."""
    found = re.findall(r"cluster: refused (an? [a-z ]+?)(?: for session '\w+')?: ", log)
    return Counter(found)


def test_serve_with_redis_does_not_start_without_the_secret_outside_development(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Listening on every address with no METROKAWA_CLUSTER_SECRET, or too short a one, ``serve
    --redis`` says why in French and exits 2 before starting anything."""
    args = ["serve", "--host", "0.0.0.0", "--port", str(free_port()), "--no-new-session"]
    args += ["--db", str(tmp_path / "x.sqlite"), "--redis", "redis://127.0.0.1:1/0"]
    monkeypatch.delenv("METROKAWA_CLUSTER_SECRET", raising=False)
    assert main(args) == 2
    said = capsys.readouterr().err
    assert "--redis demande un secret commun aux processus dans METROKAWA_CLUSTER_SECRET" in said
    monkeypatch.setenv("METROKAWA_CLUSTER_SECRET", "trop court")
    assert main(args) == 2
    assert "METROKAWA_CLUSTER_SECRET est trop court (10 caractères)" in capsys.readouterr().err


def test_serve_with_a_local_redis_and_no_secret_starts_in_development(
    tmp_path: Path, postgres_schema: str, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the loopback interface with a local Redis, a worker starts without a secret, and
    says that it runs in development, signing with a public secret."""
    monkeypatch.delenv("METROKAWA_CLUSTER_SECRET", raising=False)
    args = ["--redis", redis_url, "--lease-ms", str(LEASE_MS)]
    server = LiveServer(tmp_path / "dev.db", db=postgres_schema, args=args).start()
    try:
        created = server.create_session(rounds=1, table_size=6)

        async def scenario() -> None:
            person = Client(server.url, created["id"])
            await person.join(created["code"], 1)
            await person.protocol.close()

        asyncio.run(scenario())
    finally:
        server.stop()
    assert "mode développement" in server.log()


# --- a round clock with nobody left to hear it --------------------------------------------------


def test_a_round_ends_at_its_deadline_after_its_owner_dies_with_nobody_connected(
    workers: list[LiveServer], postgres_schema: str, redis_url: str
) -> None:
    """The other workers never served this session (nobody connected through them), yet one of
    them takes it over from ``mk:running`` and ends its round at the deadline. (A round lasts
    a minute at least: this test waits for it.)"""
    owner = workers[0]
    created = owner.create_session(rounds=1, minutes=1, table_size=6)
    session_id = created["id"]

    async def scenario() -> None:
        facilitator = await facilitator_on(owner.url, created)
        people = [Client(owner.url, session_id) for _ in range(2)]
        await asyncio.gather(*(p.join(created["code"], n) for n, p in enumerate(people)))
        await open_round(facilitator.protocol, people[0].protocol, 0)
        for client in [facilitator, *people]:
            await client.protocol.close()
        # The owner says that its round runs at its next renewal (a third of the lease).
        deadline = time.monotonic() + TAKEOVER_S
        async with aioredis.from_url(redis_url) as redis:
            while not await redis.sismember("mk:running", session_id):
                assert time.monotonic() < deadline, "the owner never listed its running round"
                await asyncio.sleep(0.02)  # polling Redis, bounded by the assertion above

    asyncio.run(scenario())
    owner.kill()
    log = stored(postgres_schema, session_id)
    (started,) = [e.event for e in log if isinstance(e.event, RoundStarted)]
    limit = time.monotonic() + (started.deadline - time.time() * 1000) / 1000 + TAKEOVER_S
    while not (ended := [e for e in stored(postgres_schema, session_id) if _ended(e)]):
        assert time.monotonic() < limit, "no worker ended the round"
        time.sleep(0.1)  # polling the database, bounded by the assertion above
    (envelope,) = ended
    assert envelope.actor == "system"
    assert isinstance(envelope.event, RoundEnded)
    assert envelope.event.reason == "deadline"
    assert envelope.at >= started.deadline


def _ended(envelope: Envelope) -> bool:
    return isinstance(envelope.event, RoundEnded)

"""Faults (DESIGN §8, layer 4): SIGKILL the server in the middle of a burst of votes, restart it.

The room: 120 participants on a real server process (SQLite file in WAL mode, synchronous=FULL),
a 1-minute round, four published statements and a majority-judgment vote on three of them. Every
participant pipelines a burst of positions and ballots, each with its own command id. Once enough
acknowledgements have come back, the server gets SIGKILL with the burst still in flight. It is
started again on the same database and port; every participant comes back with its token and
``after`` = the last seq it holds, and sends again, with the same ids, every command it never
heard back about, as a tablet on a flaky Wi-Fi would.

Then the exported log must show that nothing acknowledged was lost or doubled, every stream must
have gone on without loss or duplicate, and the round clock, re-armed from the log by the new
process, must still have ended the round at its deadline. A second, bystander session on the same
server has its round running across the kill too, but nobody comes back to it: its clock must
restart with the server all the same, not when someone happens to reconnect.
"""

from __future__ import annotations

import asyncio
import functools
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import httpx

from server.client import ProtocolClient
from session_engine import Envelope, SessionState, read_log, replay
from session_engine.audiences import audience
from session_engine.events import BallotCast, PositionTaken, RoundEnded, RoundStarted

from .live import LiveServer

CLIENTS: Final = 120
TERRITORIES: Final = ("t1", "t2", "t3")
ROLES: Final = ("habitant", "elu", "technicien", "autre")
STATEMENTS: Final = 4
PROPOSALS: Final = 3
BURST: Final = 48  # commands per participant: under one connection's burst allowance (60)
WINDOW: Final = 16  # commands a participant has in flight at once
VALUES: Final[tuple[int | None, ...]] = (-2, -1, 0, 1, 2, None)
KILL_AFTER_ACKS: Final = 1_500  # of CLIENTS * BURST = 5 760; at most + CLIENTS * WINDOW committed
DEADLINE_SLACK_MS: Final = 1_500
ROUND_END_TIMEOUT_S: Final = 90.0
ANSWER_TIMEOUT_S: Final = 60.0
RESUME_ATTEMPTS: Final = 3


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True)
class Sent:
    id: str
    type: str
    data: dict[str, Any]


@dataclass
class Stream:
    """One person's connections, oldest first: together they must make one gapless stream."""

    token: str
    clients: list[ProtocolClient]

    @property
    def client(self) -> ProtocolClient:
        return self.clients[-1]

    async def reconnect(self, url: str, session: str) -> ProtocolClient:
        """A new connection resuming from the last seq held (the old one is dead)."""
        client = ProtocolClient(url, session)
        client.seq = self.client.seq  # ``connect`` sends it as ``after``
        self.clients.append(client)
        await client.connect(token=self.token)
        return client


@dataclass
class Voter(Stream):
    participant: str = ""
    burst: list[Sent] = field(default_factory=list)
    acks: dict[str, int] = field(default_factory=dict)  # command id -> acknowledged seq
    errors: dict[str, str] = field(default_factory=dict)  # command id -> error code
    sent_first: set[str] = field(default_factory=set)  # sent to the server that was killed
    acked_first: set[str] = field(default_factory=set)  # …and acknowledged by it
    echo: tuple[str, int] | None = None  # an acked command sent again, and its first seq

    def unanswered(self) -> list[Sent]:
        return [s for s in self.burst if s.id not in self.acks and s.id not in self.errors]

    def record(self, sent: Sent, future: asyncio.Future[dict[str, Any]]) -> bool:
        """File an answer; True for an ack. A closed connection leaves the command unanswered."""
        if future.cancelled() or future.exception() is not None:
            return False
        frame = future.result()
        if frame["k"] != "ack":
            self.errors[sent.id] = frame["code"]
            return False
        self.acks[sent.id] = frame["seq"]
        return True


class Killer:
    """SIGKILLs the server from inside the ack callback that reaches the threshold: no delay."""

    def __init__(self, server: LiveServer, after_acks: int) -> None:
        self.server, self.after_acks = server, after_acks
        self.acks = 0
        self.acks_at_kill = 0
        self.started = time.perf_counter()
        self.killed_at_ms = 0
        self.burst_seconds = 0.0
        self.done = asyncio.Event()

    def on_answer(self, voter: Voter, sent: Sent, future: asyncio.Future[dict[str, Any]]) -> None:
        if not voter.record(sent, future):
            return
        voter.acked_first.add(sent.id)  # sent before the server died, even if read after
        self.acks += 1
        if self.acks >= self.after_acks and not self.done.is_set():
            self.server.kill()
            self.killed_at_ms = wall_ms()
            self.acks_at_kill = self.acks
            self.burst_seconds = time.perf_counter() - self.started
            self.done.set()


# --- setting the room up ------------------------------------------------------------------------


async def join(url: str, session: str, code: str, index: int) -> Voter:
    client = ProtocolClient(url, session)
    await client.connect(code=code)
    data = {
        "pseudonym": f"Voix {index:03d}",
        "territory": TERRITORIES[index % len(TERRITORIES)],
        "role": ROLES[index % len(ROLES)],
    }
    ack = await client.command("JoinSession", data, id=f"join-{index:03d}-{uuid.uuid4().hex}")
    assert ack["k"] == "ack", ack
    return Voter(token=ack["token"], clients=[client], participant=ack["you"])


async def event_at(client: ProtocolClient, seq: int) -> dict[str, Any]:
    await client.wait_for_seq(seq)
    found = next(e for e in client.events if e["seq"] == seq)
    return found


async def acked(client: ProtocolClient, type_: str, data: dict[str, Any] | None = None) -> int:
    answer = await client.command(type_, data)
    assert answer["k"] == "ack", (type_, answer)
    seq: int = answer["seq"]
    return seq


async def open_the_round(facilitator: ProtocolClient, voters: list[Voter]) -> tuple[str, list[str]]:
    """Seat, start round 1, publish statements, promote some, open a vote: (vote, statements)."""
    await acked(facilitator, "SeatTables")
    await acked(facilitator, "StartRound")
    statements = []
    for n, voter in enumerate(voters[:STATEMENTS]):
        seq = await acked(voter.client, "ProposeStatement", {"text": f"Énoncé {n}: le bus 170."})
        statements.append((await event_at(facilitator, seq))["data"]["statement"])
    for statement in statements:
        await acked(facilitator, "PublishStatement", {"statement": statement})
    proposals = []
    for statement in statements[:PROPOSALS]:
        seq = await acked(facilitator, "PromoteProposal", {"statement": statement})
        proposals.append((await event_at(facilitator, seq))["data"]["proposal"])
    seq = await acked(facilitator, "OpenVote", {"proposals": proposals})
    vote: str = (await event_at(facilitator, seq))["data"]["vote"]
    return vote, statements


def burst_of(index: int, voter: Voter, vote: str, statements: list[str]) -> list[Sent]:
    """Positions, changed again and again, with one ballot per proposal spread among them."""
    ballots = {BURST * (k + 1) // (PROPOSALS + 1): k for k in range(PROPOSALS)}
    burst = []
    for n in range(BURST):
        data: dict[str, Any]
        if n in ballots:
            grades = {f"pr{ballots[n] + 1}": (index + n) % 7}
            type_, data = "CastBallot", {"vote": vote, "grades": grades}
        else:
            statement = statements[(index + n) % len(statements)]
            value = VALUES[(index * 7 + n) % len(VALUES)]
            type_, data = "TakePosition", {"statement": statement, "value": value}
        burst.append(Sent(f"{voter.participant}-{n:02d}-{uuid.uuid4().hex}", type_, data))
    return burst


# --- the fault and the comeback -----------------------------------------------------------------


async def pipeline(voter: Voter, killer: Killer) -> None:
    """Send the burst with up to ``WINDOW`` commands awaiting their answer, until the socket dies.

    The window keeps the server at most ``CLIENTS * WINDOW`` commands ahead of the acks read
    here, however loaded the machine: the kill lands with most of the burst still unsent.
    """
    client, window = voter.client, asyncio.Semaphore(WINDOW)
    assert client.closed is not None
    for sent in voter.burst:
        await window.acquire()
        if killer.done.is_set() or client.closed.done():
            return  # the server is gone: what is left waits for the next connection
        voter.sent_first.add(sent.id)
        future = client.send(sent.type, sent.data, id=sent.id)
        future.add_done_callback(functools.partial(killer.on_answer, voter, sent))
        future.add_done_callback(lambda _: window.release())


async def all_closed(streams: Sequence[Stream]) -> None:
    closed = [s.client.closed for s in streams if s.client.closed is not None]
    await asyncio.wait_for(asyncio.gather(*closed), 15)


async def resume(voter: Voter, url: str, session: str) -> None:
    """Reconnect with the token and ``after``; send every unanswered command again, same id.

    The last command the killed server acknowledged goes again too, as from a tablet that
    reloaded its outbox: the outcome stored with it must answer it, with its first seq. A
    connection told to come back (4008, its outbox overflowed) is resumed the same way.
    """
    last_acked = max(voter.acked_first, key=voter.acks.__getitem__, default=None)
    if last_acked is not None:
        voter.echo = (last_acked, voter.acks.pop(last_acked))
    for _ in range(RESUME_ATTEMPTS):
        client = await voter.reconnect(url, session)
        assert "state" not in client.welcome, "a resuming client got a snapshot, not the backlog"
        missing = voter.unanswered()
        futures = [client.send(s.type, s.data, id=s.id) for s in missing]
        await asyncio.wait_for(asyncio.gather(*futures, return_exceptions=True), ANSWER_TIMEOUT_S)
        for sent, future in zip(missing, futures, strict=True):
            voter.record(sent, future)
        if not voter.unanswered():
            return


async def first_event_of(client: ProtocolClient, type_: str, timeout: float) -> dict[str, Any]:
    async def scan() -> dict[str, Any]:
        checked = 0
        while True:
            for envelope in client.events[checked:]:
                if envelope["type"] == type_:
                    return envelope
            checked = len(client.events)
            await client.wait_for_seq(client.seq + 1, timeout)

    return await asyncio.wait_for(scan(), timeout)


async def download_log(url: str, session: str, token: str) -> list[Envelope]:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        response = await http.get(
            f"/api/sessions/{session}/log", headers={"Authorization": f"Bearer {token}"}
        )
    response.raise_for_status()
    _, log = read_log(response.content)
    return log


# --- what must hold -----------------------------------------------------------------------------


def assert_each_command_once_at_its_acked_seq(log: list[Envelope], voters: list[Voter]) -> None:
    at_seq = {e.seq: e for e in log}
    times = Counter((e.actor, e.cmd) for e in log)
    wrong = []
    for voter in voters:
        assert not voter.errors, (voter.participant, voter.errors)
        assert voter.acks.keys() == {s.id for s in voter.burst}, "a command was never answered"
        for sent in voter.burst:
            envelope = at_seq.get(voter.acks[sent.id])
            where = None if envelope is None else (envelope.actor, envelope.cmd)
            if where != (voter.participant, sent.id) or times[(voter.participant, sent.id)] != 1:
                wrong.append((sent.id, voter.acks[sent.id], where))
    assert not wrong, f"{len(wrong)} commands not exactly once at their acked seq: {wrong[:5]}"


def assert_repeats_answered_as_before(voters: list[Voter]) -> None:
    echoes = [(v.echo[0], v.echo[1], v.acks[v.echo[0]]) for v in voters if v.echo is not None]
    assert echoes, "no acknowledged command was sent again"
    changed = [(cmd, first, again) for cmd, first, again in echoes if first != again]
    assert not changed, f"a repeated command id got another answer: {changed[:5]}"


def owed(log: list[Envelope], participant: str | None) -> list[int]:
    """The seqs one person's connections receive (``session_engine.audiences``): the
    facilitator's everything but positions and ballots; a participant's everything but others'
    positions, ballots and joins (here everyone joins before the tables are seated)."""
    seqs = []
    for envelope in log:
        rule = audience(envelope.event)
        mine = rule.room or participant in rule.participants
        if rule.facilitators if participant is None else mine:
            seqs.append(envelope.seq)
    return seqs


def assert_one_stream(stream: Stream, log: list[Envelope], participant: str | None) -> None:
    """One person's connections together receive what they are owed of the log, in seq order,
    each once: no loss across the kill and the resume (a jump is an event not for them)."""
    due = owed(log, participant)
    position = stream.clients[0].welcome["seq"]
    for client in stream.clients:
        if "state" in client.welcome:
            position = client.welcome["seq"]
        seqs = [e["seq"] for e in client.events]
        assert seqs == [s for s in due if s > position][: len(seqs)], "a loss or a duplicate"
        if seqs:
            position = seqs[-1]
    assert position == due[-1], f"the stream ends at {position}, what is owed at {due[-1]}"


def assert_state_is_what_the_acks_promise(state: SessionState, voters: list[Voter]) -> None:
    positions: dict[tuple[str, str], tuple[int, int | None]] = {}
    ballots: dict[str, dict[str, int]] = {}
    for voter in voters:
        for sent in voter.burst:
            seq = voter.acks[sent.id]
            if sent.type == "TakePosition":
                key = (voter.participant, sent.data["statement"])
                if key not in positions or positions[key][0] < seq:
                    positions[key] = (seq, sent.data["value"])
            else:
                ballots.setdefault(voter.participant, {}).update(sent.data["grades"])
    assert state.positions == {key: value for key, (_, value) in positions.items()}
    (vote,) = state.votes.values()
    assert vote.ballots == ballots


def assert_deadline_fired_on_time(log: list[Envelope], restarted_at_ms: int, what: str) -> int:
    """The lateness of the round's end after its deadline, in ms."""
    (started,) = [e.event for e in log if isinstance(e.event, RoundStarted)]
    deadline = started.deadline
    assert restarted_at_ms < deadline, f"{what}: restarted after the deadline, nothing tested"
    ended = [e for e in log if isinstance(e.event, RoundEnded)]
    late = wall_ms() - deadline
    assert ended, f"{what}: no RoundEnded {late} ms after the deadline of a round that ran"
    assert len(ended) == 1, f"{what}: the round ended {len(ended)} times"
    (envelope,) = ended
    assert isinstance(envelope.event, RoundEnded)
    assert (envelope.actor, envelope.event.reason) == ("system", "deadline"), what
    lateness = envelope.at - deadline
    assert 0 <= lateness <= DEADLINE_SLACK_MS, f"{what}: RoundEnded {lateness} ms late"
    return lateness


# --- the scenario -------------------------------------------------------------------------------


async def kill_mid_burst_and_come_back(
    server: LiveServer, room: dict[str, Any], bystander: dict[str, Any]
) -> None:
    url, session, token = server.url, room["id"], room["facilitator_token"]
    facilitator = Stream(token=token, clients=[ProtocolClient(url, session)])
    voters: list[Voter] = []
    left_alone = await start_bystander_round(url, bystander)
    try:
        await facilitator.client.connect(token=token)
        voters.extend(
            await asyncio.gather(*(join(url, session, room["code"], i) for i in range(CLIENTS)))
        )
        vote, statements = await open_the_round(facilitator.client, voters)
        for index, voter in enumerate(voters):
            voter.burst = burst_of(index, voter, vote, statements)

        killer = Killer(server, KILL_AFTER_ACKS)
        senders = asyncio.gather(*(pipeline(voter, killer) for voter in voters))
        await asyncio.wait_for(killer.done.wait(), ANSWER_TIMEOUT_S)
        await all_closed([facilitator, *voters])
        await asyncio.wait_for(senders, ANSWER_TIMEOUT_S)

        await asyncio.to_thread(server.start)
        restarted_at_ms = wall_ms()
        await facilitator.reconnect(url, session)
        await asyncio.gather(*(resume(voter, url, session) for voter in voters))

        await first_event_of(facilitator.client, "RoundEnded", ROUND_END_TIMEOUT_S)
        # The stored log, command ids included: the export has none (they work like tokens).
        log = await asyncio.to_thread(server.stored_log, session)
        exported = await download_log(url, session, token)
        assert [e.seq for e in exported] == [e.seq for e in log]
        assert all(e.cmd is None for e in exported)
        last = log[-1].seq
        assert [e.seq for e in log] == list(range(1, last + 1))
        await asyncio.gather(*(s.client.wait_for_seq(last) for s in [facilitator, *voters]))

        assert_each_command_once_at_its_acked_seq(log, voters)
        assert_repeats_answered_as_before(voters)
        assert_one_stream(facilitator, log, None)
        for voter in voters:
            assert_one_stream(voter, log, voter.participant)
        assert_state_is_what_the_acks_promise(replay(log), voters)
        lateness = assert_deadline_fired_on_time(log, restarted_at_ms, "the room")
        committed_before_kill = max(e.seq for e in log if e.at <= killer.killed_at_ms)
        assert any(seq > committed_before_kill for v in voters for seq in v.acks.values()), (
            "the kill came after the whole burst was committed: nothing was in flight"
        )
        assert "Traceback" not in server.log(), server.log()[-4000:]
        report(log, voters, killer, lateness)

        # Nobody came back to the bystander session: its clock must have restarted anyway.
        bystander_log = await log_once_the_round_ended(url, bystander)
        assert_deadline_fired_on_time(bystander_log, restarted_at_ms, "a session nobody rejoined")
    finally:
        clients = [c for s in [facilitator, *voters] for c in s.clients]
        for client in [*clients, *left_alone]:
            await client.close()


async def start_bystander_round(url: str, created: dict[str, Any]) -> list[ProtocolClient]:
    """A second session, two people, its round started first (so its deadline comes first)."""
    session = created["id"]
    facilitator = ProtocolClient(url, session)
    await facilitator.connect(token=created["facilitator_token"])
    guests = [await join(url, session, created["code"], i) for i in range(2)]
    await acked(facilitator, "SeatTables")
    await acked(facilitator, "StartRound")
    return [facilitator, *(guest.client for guest in guests)]


async def log_once_the_round_ended(url: str, created: dict[str, Any]) -> list[Envelope]:
    """The log once it holds a RoundEnded, or once the deadline and its slack have passed.

    Polled over HTTP: the export reads the store and does not wake the session up, as a
    WebSocket connection would.
    """
    session, token = created["id"], created["facilitator_token"]
    while True:
        log = await download_log(url, session, token)
        (started,) = [e.event for e in log if isinstance(e.event, RoundStarted)]
        ended = any(isinstance(e.event, RoundEnded) for e in log)
        if ended or wall_ms() > started.deadline + DEADLINE_SLACK_MS:
            return log
        await asyncio.sleep(0.2)  # polling a condition, bounded by the deadline above


def report(log: list[Envelope], voters: list[Voter], killer: Killer, late: int) -> None:
    """The figures of the run, printed for ``pytest -s`` and for the record."""
    before = [e for e in log if e.at <= killer.killed_at_ms]
    last_before = max(e.seq for e in before)
    votes = [e for e in before if isinstance(e.event, PositionTaken | BallotCast)]
    span_s = max((votes[-1].at - votes[0].at) / 1000, 1e-3)
    resent = [v.acks[i] for v in voters for i in v.sent_first - v.acked_first]
    already = sum(1 for seq in resent if seq <= last_before)
    unsent = sum(len(v.burst) - len(v.sent_first) for v in voters)
    reconnections = sum(len(v.clients) - 2 for v in voters)
    print(
        f"\nfaults: {CLIENTS * BURST} burst commands; "
        f"{sum(len(v.acked_first) for v in voters)} acked by the killed server "
        f"({killer.acks_at_kill} read when it was killed, {killer.burst_seconds:.2f} s into "
        f"the burst: {killer.acks_at_kill / killer.burst_seconds:.0f} acks/s seen); "
        f"{len(votes)} votes committed before the kill "
        f"({len(votes) / span_s:.0f} events/s in the log); "
        f"{len(resent)} sent, unacknowledged and re-sent ({already} had been committed, "
        f"{len(resent) - already} had not); {unsent} not yet sent; "
        f"RoundEnded {late} ms after its deadline; {reconnections} extra reconnections"
    )


def test_sigkill_mid_burst_loses_nothing_acknowledged_and_the_deadline_still_fires(
    tmp_path: Path,
) -> None:
    server = LiveServer(tmp_path / "metrokawa.sqlite").start()
    try:
        bystander = server.create_session(minutes=1, rounds=1)
        room = server.create_session(minutes=1, rounds=2)
        asyncio.run(kill_mid_burst_and_come_back(server, room, bystander))
    finally:
        server.stop()

"""The wire protocol over real sockets: positions are private, the room sees tallies (issue 14 §1).

* A whole simulated session of 120 people (``server.simulation.wire``), every frame on every
  socket recorded — each participant's, the facilitator's console, and a projector's: no socket
  ever receives another participant's position or ballot (live, in a backlog, in a snapshot);
  every ``tallies`` frame equals the tallies of the log replayed up to its ``seq``; no group under
  k shows a figure anywhere (the live frames, and the cahier's JSON).
* Joins reach the room as counts: N people join, and nobody receives the name of someone else
  but a table mate's.
* Tallies are coalesced: a burst of 200 positions gives each socket at most one frame per
  ``1 / TALLIES_PER_SECOND`` (and one more), and the last one is the final state.
"""

from __future__ import annotations

import asyncio
import json
import math
import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Final

import msgspec
import pytest

from server.cli import main
from server.client import ProtocolClient
from server.simulation.wire import WireOptions, fetch_log, run_wire
from server.tallies import TALLIES_PER_SECOND
from session_engine import Envelope, SessionState, evolve, read_log
from session_engine.events import BallotCast, ParticipantJoined, ParticipantSeated, PositionTaken
from session_engine.tallies import tallies

from .live import LiveServer
from .scenario import Room, acked, event_of, eventually, run, statement_of

pytestmark = pytest.mark.usefixtures("one_minute_round", "silent_socket")  # see conftest

K: Final = 5
PEOPLE: Final = 120


# --- recording every frame of every socket --------------------------------------------------


class Recorder:
    """Every frame each ProtocolClient of the run receives, in order, and who it speaks for."""

    def __init__(self) -> None:
        self.frames: dict[int, list[dict[str, Any]]] = defaultdict(list)
        self.who: dict[int, str] = {}  # client -> "facilitator", "projector", "p12"; else a guest

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        file, connect = ProtocolClient._file, ProtocolClient.connect
        recorder = self

        def filed(client: ProtocolClient, frame: dict[str, Any]) -> None:
            recorder.frames[id(client)].append(frame)
            if frame.get("k") == "ack" and "you" in frame:
                recorder.who[id(client)] = frame["you"]
            file(client, frame)

        async def connected(client: ProtocolClient, **hello: Any) -> dict[str, Any]:
            welcome = await connect(client, **hello)
            recorder.frames[id(client)].append(welcome)
            if welcome["role"] in ("facilitator", "participant", "projector"):
                recorder.who[id(client)] = welcome["you"]
            return welcome

        monkeypatch.setattr(ProtocolClient, "_file", filed)
        monkeypatch.setattr(ProtocolClient, "connect", connected)

    def sockets(self) -> list[tuple[str, list[dict[str, Any]]]]:
        return [(self.who.get(c, "guest"), frames) for c, frames in self.frames.items()]


def envelopes_of(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for frame in frames:
        if frame.get("k") == "event":
            found.append(frame)
        elif frame.get("k") == "events":
            found.extend(frame["list"])
    return found


def tallies_of(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in frames if f.get("k") == "tallies"]


def body(frame: dict[str, Any]) -> dict[str, Any]:
    """A tallies frame without its frame fields: the engine's ``Tallies`` as plain data."""
    return {key: value for key, value in frame.items() if key not in ("k", "type", "seq")}


def plain_tallies(state: SessionState) -> dict[str, Any]:
    """The engine's tallies of ``state`` as the wire carries them (lists, not tuples)."""
    decoded: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(tallies(state, k=K)))
    return decoded


def shown_groups(tally: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        group
        for statement in tally["statements"]
        for group in (statement["overall"], *statement["territories"], *statement["roles"])
    ]


@pytest.fixture(scope="module")
def simulated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Recorder, list[Envelope], Path]:
    """A whole 120-person session over the wire, with a projector watching from the start."""
    folder = tmp_path_factory.mktemp("tallies")
    server = LiveServer(folder / "metrokawa.sqlite").start()
    recorder = Recorder()
    patch = pytest.MonkeyPatch()
    recorder.install(patch)
    try:

        async def play() -> tuple[list[Envelope], bytes]:
            projectors: list[ProtocolClient] = []
            tasks: list[asyncio.Task[Any]] = []

            def progress(line: str) -> None:
                found = re.search(r"\(([0-9a-f]+)\), code ([A-Z0-9]+)", line)
                if found and not projectors:
                    projector = ProtocolClient(server.url, found[1])
                    projectors.append(projector)
                    hello = projector.connect(code=found[2], view="projector", after=None)
                    tasks.append(asyncio.ensure_future(hello))

            options = WireOptions(
                url=server.url, participants=PEOPLE, territories=6, rounds=3, speed=1500,
                timeout_s=240,
            )  # fmt: skip
            summary = await run_wire(options, progress)
            assert (summary.completed, summary.failure) == (True, None)
            await asyncio.gather(*tasks)
            (projector,) = projectors
            log = await asyncio.to_thread(
                fetch_log, server.url, summary.session, summary.facilitator_token
            )
            _, envelopes = read_log(log)
            await eventually(
                lambda: projector.seq == envelopes[-1].seq, what="the projector at the end"
            )
            await asyncio.sleep(2 / TALLIES_PER_SECOND)  # the last coalesced tallies are sent
            await projector.close()
            return envelopes, log

        envelopes, log = run(play())
    finally:
        patch.undo()
        server.stop()
    path = folder / "session.mkawa"
    path.write_bytes(log)
    return recorder, envelopes, path


def test_nobody_receives_another_participant_s_position_or_ballot(
    simulated: tuple[Recorder, list[Envelope], Path],
) -> None:
    recorder, log, _ = simulated
    owners = {
        e.seq: e.event.participant for e in log if isinstance(e.event, PositionTaken | BallotCast)
    }
    assert len(owners) > 1000
    sockets = recorder.sockets()
    kinds = {
        who if who in ("facilitator", "projector", "guest") else "participant" for who, _ in sockets
    }
    assert kinds >= {"facilitator", "projector", "participant"}
    assert sum(who.startswith("p") and who != "projector" for who, _ in sockets) >= PEOPLE
    for who, frames in sockets:
        for envelope in envelopes_of(frames):
            owner = owners.get(envelope["seq"])
            if owner is not None:
                assert who == owner, (who, envelope)
            if envelope["type"] == "BallotCast":
                assert envelope["data"] == {"vote": envelope["data"]["vote"]}
        for welcome in (f for f in frames if f.get("k") == "welcome" and "state" in f):
            state = welcome["state"]
            assert all(key.startswith(f"{who}|") for key in state["positions"]), who
            for vote in state["votes"].values():
                assert set(vote["ballots"]) <= {who}, who


def test_a_participant_learns_no_name_but_their_own_and_their_table_mates(
    simulated: tuple[Recorder, list[Envelope], Path],
) -> None:
    recorder, log, _ = simulated
    table_of = table_mates_when_joined(log)
    for who, frames in recorder.sockets():
        if who in ("facilitator", "projector", "guest"):
            continue
        for envelope in envelopes_of(frames):
            if envelope["type"] == "ParticipantJoined":
                joiner = envelope["data"]["participant"]
                assert joiner == who or who in table_of[joiner], (who, joiner)


def table_mates_when_joined(log: list[Envelope]) -> dict[str, set[str]]:
    """Who sat at the joiner's table right after the command that made them join."""
    state = SessionState()
    mates: dict[str, set[str]] = {}
    for n, envelope in enumerate(log):
        evolve(state, envelope.event)
        event = envelope.event
        joiner = None
        if isinstance(event, ParticipantJoined):
            following = log[n + 1].event if n + 1 < len(log) else None
            if not (
                isinstance(following, ParticipantSeated)
                and following.participant == event.participant
            ):
                joiner = event.participant
        elif isinstance(event, ParticipantSeated) and isinstance(
            log[n - 1].event, ParticipantJoined
        ):
            joiner = event.participant
        if joiner is not None:
            table = state.participants[joiner].table
            mates[joiner] = {
                p.id for p in state.participants.values() if table and p.table == table
            }
    return mates


def test_every_tallies_frame_is_the_replay_of_the_log_up_to_its_seq(
    simulated: tuple[Recorder, list[Envelope], Path],
) -> None:
    recorder, log, _ = simulated
    frames = [f for _, socket in recorder.sockets() for f in tallies_of(socket)]
    wanted = {f["seq"] for f in frames}
    assert len(wanted) > 20
    expected: dict[int, dict[str, Any]] = {}
    state = SessionState()
    for envelope in log:
        evolve(state, envelope.event)
        if envelope.seq in wanted:
            expected[envelope.seq] = plain_tallies(state)
    for frame in frames:
        assert frame["type"] == "tallies"
        assert body(frame) == expected[frame["seq"]], frame["seq"]
    final = plain_tallies(state)
    assert final["statements"]
    assert any(not g["hidden"] for g in shown_groups(final))
    assert any(g["hidden"] for g in shown_groups(final))  # k does hide something here
    # the projector watched to the end (the simulator hangs its own sockets up at once)
    (projector,) = [socket for who, socket in recorder.sockets() if who == "projector"]
    assert body(tallies_of(projector)[-1]) == final


def test_no_group_under_k_shows_a_figure_anywhere(
    simulated: tuple[Recorder, list[Envelope], Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    recorder, _, path = simulated
    for _, socket in recorder.sockets():
        for frame in tallies_of(socket):
            for group in shown_groups(frame):
                if group["hidden"]:
                    assert group["voters"] is group["counts"] is group["passes"] is None
                else:
                    assert group["voters"] >= K
    report = tmp_path / "cahier.json"
    assert main(["report", str(path), "--format", "json", "-o", str(report)]) == 0
    capsys.readouterr()
    found = list(groups_in(json.loads(report.read_text(encoding="utf-8"))))
    assert len(found) > 50
    for group in found:
        figures = [group.get(f) for f in FIGURES if group.get(f) is not None]
        assert group.get("hidden") or group["voters"] >= K or not figures, group


FIGURES: Final = ("agree", "counts", "profile", "share", "passes", "changed", "changed_share",
                  "mean_shift", "group_share")  # fmt: skip


def groups_in(data: Any) -> Any:
    """Every group of the cahier's JSON: a map that counts its ``voters`` (or ``people``), with
    whatever figures it shows (shares, counts, profiles, shifts)."""
    if isinstance(data, dict):
        voters = data.get("voters", data.get("people"))
        if isinstance(voters, int):
            yield {**data, "voters": voters}
        for value in data.values():
            yield from groups_in(value)
    elif isinstance(data, list):
        for value in data:
            yield from groups_in(value)


# --- joins are counts ---------------------------------------------------------------------------


JOINERS: Final = 12
LATE: Final = 4


def test_joins_reach_the_room_as_counts_and_names_only_the_table(server: LiveServer) -> None:
    """Twelve people join before the tables are seated, four after (each seated at once at a
    table): a name reaches its joiner and, for a late arrival, the people at their table —
    nobody else, not the projector; once seated, each table gets its roster; the room counts
    everyone in the tallies."""
    room = Room.create(server, table_size=4)

    async def scenario() -> None:
        facilitator = await room.facilitator()
        projector = await room.projector(after=None)
        early = await room.join_many(JOINERS)
        seated = await event_of(facilitator, acked(await facilitator.command("SeatTables")))
        late = [await room.join(f"Arrivée {n}") for n in range(LATE)]
        everyone = [*early, *late]
        last = await room.seq()
        for member in everyone:
            await member.client.wait_for_seq(last)
        await eventually(
            lambda: (
                bool(projector.tallies)
                and projector.tallies[-1]["joined"]["total"] == JOINERS + LATE
            ),
            what="the count of everyone in the projector's tallies",
        )
        tables = {p: t["table"] for t in seated["data"]["tables"] for p in t["members"]}
        for event in (e.event for e in room.stored()):
            if isinstance(event, ParticipantSeated):
                tables[event.participant] = event.table
        assert not [e for e in projector.events if e["type"] == "ParticipantJoined"]
        received = {
            m.id: {
                e["data"]["participant"]
                for e in m.client.events
                if e["type"] == "ParticipantJoined"
            }
            for m in everyone
        }
        for member in early:  # joined before any table: their own join only, and late mates'
            late_mates = {m.id for m in late if tables[m.id] == tables[member.id]}
            assert member.id in received[member.id]
            assert received[member.id] - {member.id} == late_mates, member.id
        for n, joiner in enumerate(late):
            receivers = {who for who, names in received.items() if joiner.id in names}
            table = {m.id for m in everyone if tables[m.id] == tables[joiner.id]}
            already = {m.id for m in [*early, *late[:n]] if m.id in table}
            assert {joiner.id} | already == receivers, joiner.id
        # Seated, everyone learns who sits at their table (and nobody else) from a table frame.
        for member in everyone:
            mates = {m.id for m in everyone if tables[m.id] == tables[member.id]}
            roster = member.client.tables[-1]
            assert roster["table"] == tables[member.id]
            assert set(roster["participants"]) == mates, member.id
            pseudonyms = {p["pseudonym"] for p in roster["participants"].values()}
            assert {m.pseudonym for m in everyone if m.id in mates} == pseudonyms
        assert not projector.tables
        assert not facilitator.tables  # the console knows everyone already

    run(scenario())


# --- coalescing ---------------------------------------------------------------------------------


BURST: Final = 200
TOLERANCE: Final = 1  # a frame already due when the burst began


def test_a_burst_of_positions_gives_at_most_the_rate_of_tallies_and_ends_on_the_final_state(
    server: LiveServer,
) -> None:
    room = Room.create(server, table_size=5)

    async def scenario() -> None:
        facilitator = await room.facilitator()
        members = await room.join_many(20)
        acked(await facilitator.command("SeatTables"))
        acked(await facilitator.command("StartRound"))
        statements = []
        for n in range(10):
            text = {"text": f"Énoncé numéro {n + 1} sur les trajets du soir."}
            statement = await statement_of(
                facilitator, await members[n].client.command("ProposeStatement", text)
            )
            acked(await facilitator.command("PublishStatement", {"statement": statement}))
            statements.append(statement)
        projector = await room.projector(after=None)
        watcher = members[0].client
        await eventually(lambda: bool(projector.tallies), what="the tallies after the welcome")
        before = {id(c): len(c.tallies) for c in (projector, watcher, facilitator)}
        started = time.monotonic()
        burst = [
            m.client.send("TakePosition", {"statement": s, "value": (n + i) % 5 - 2})
            for n, m in enumerate(members)
            for i, s in enumerate(statements)
        ]
        assert len(burst) == BURST
        for answer in await asyncio.gather(*burst):
            acked(answer)
        last = await room.seq()
        clients = (projector, watcher, facilitator)
        await eventually(
            lambda: all(bool(c.tallies) and c.tallies[-1]["seq"] == last for c in clients),
            what="the tallies of the last position on every socket",
        )
        elapsed = time.monotonic() - started
        bound = math.ceil(elapsed * TALLIES_PER_SECOND) + 1 + TOLERANCE
        state = SessionState()
        for envelope in room.stored():
            evolve(state, envelope.event)
        final = plain_tallies(state)
        for client in clients:
            during = client.tallies[before[id(client)] :]
            assert 1 <= len(during) <= bound, (len(during), bound, elapsed)
            assert body(during[-1]) == final
            assert [f["seq"] for f in during] == sorted(f["seq"] for f in during)
        assert sum(final["statements"][0]["overall"]["counts"] or [0]) > 0

    run(scenario())

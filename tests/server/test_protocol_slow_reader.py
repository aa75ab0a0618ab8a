"""The wire protocol over real sockets, 6: a reader that stops reading.

One reader stops reading while thousands of 4 KB events go by: it is told to come back (4008)
and catches up with ``after``; the others keep receiving promptly meanwhile.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final

import pytest

from .live import LiveServer
from .scenario import Person, RawSocket, Room, acked, person, run, seqs_of, statement_of

pytestmark = pytest.mark.usefixtures("one_minute_round", "silent_socket")  # see conftest


FLOOD_LANES: Final = 4
FLOOD_SOCKETS: Final = 20  # per lane, one after the other
FLOOD_BURST: Final = 60  # commands per socket: the rate limiter's burst
BIG_TEXT: Final = "😀" * 1000  # 4 KB on the wire, the longest annotation
PROMPT_S: Final = 5.0


@dataclass(frozen=True)
class Flooded:
    room: Room
    reader: Person  # the one that stopped reading
    talker: Person
    statement: str
    reader_from: int  # the seq of its welcome
    reader_seqs: list[int]  # what it had received when the server closed it
    reader_close: int | None
    last: int
    lags: list[float]  # per acknowledged burst: its last event at an observer, after its ack


class Flood:
    """Thousands of 4 KB annotations, sent by short-lived sockets while one reader is stalled."""

    def __init__(self, room: Room) -> None:
        self.room = room
        self.acks: list[tuple[int, float]] = []  # (last seq of a burst, loop time of its ack)

    async def run(self) -> Flooded:
        room = self.room
        self.facilitator = await room.facilitator()
        members = await room.join_many(3)
        self.watcher = members[0].client
        acked(await self.facilitator.command("SeatTables"))
        acked(await self.facilitator.command("StartRound"))
        proposal = {"text": "Les poubelles débordent le lundi."}
        self.statement = await statement_of(
            self.facilitator, await self.watcher.command("ProposeStatement", proposal)
        )
        acked(await self.facilitator.command("PublishStatement", {"statement": self.statement}))
        stalled = await RawSocket.open(room.ws_url, receive_buffer=4096)
        await stalled.send({"k": "hello", "token": members[1].token, "after": self.facilitator.seq})
        welcome = await stalled.receive()
        assert welcome is not None
        assert welcome["k"] == "welcome", welcome
        stalled.stop_reading()
        await asyncio.gather(*(self.lane(members[2].token) for _ in range(FLOOD_LANES)))
        await self.last_word()
        stalled.read_again()
        seqs = seqs_of(await stalled.until_closed())
        lags = [o.received[s] - t for o in (self.facilitator, self.watcher) for s, t in self.acks]
        return Flooded(
            room=room,
            reader=person(members[1]),
            talker=person(members[2]),
            statement=self.statement,
            reader_from=welcome["seq"],
            reader_seqs=seqs,
            reader_close=stalled.close_code,
            last=self.acks[-1][0],
            lags=lags,
        )

    async def lane(self, token: str) -> None:
        note = {"statement": self.statement, "text": BIG_TEXT}
        for _ in range(FLOOD_SOCKETS):
            client = await self.room.participant(token, after=self.facilitator.seq)
            answers = await asyncio.gather(
                *(client.send("Annotate", note) for _ in range(FLOOD_BURST))
            )
            self.acks.append((max(acked(a) for a in answers), asyncio.get_running_loop().time()))
            await client.close()

    async def last_word(self) -> None:
        """One more command once the flood is over; every observer must have all of it."""
        note = {"statement": self.statement, "text": "Fin du flot."}
        last = acked(await self.watcher.command("Annotate", note))
        self.acks.append((last, asyncio.get_running_loop().time()))
        for observer in (self.facilitator, self.watcher):
            await observer.wait_for_seq(last, 60)


@pytest.fixture(scope="module")
def flooded(server: LiveServer) -> Flooded:
    return run(Flood(Room.create(server)).run())


def test_a_reader_that_stops_reading_is_told_to_come_back_with_4008(flooded: Flooded) -> None:
    seqs = flooded.reader_seqs
    assert flooded.reader_close == 4008
    assert seqs == list(range(flooded.reader_from + 1, flooded.reader_from + 1 + len(seqs)))
    assert flooded.last - (seqs[-1] if seqs else flooded.reader_from) > 2048


def test_the_others_keep_receiving_promptly_while_a_reader_is_stalled(flooded: Flooded) -> None:
    assert len(flooded.lags) == 2 * (FLOOD_LANES * FLOOD_SOCKETS + 1)
    assert max(flooded.lags) < PROMPT_S


def test_the_reader_told_to_come_back_resumes_with_after_and_catches_up(
    flooded: Flooded,
) -> None:
    held = flooded.reader_seqs[-1] if flooded.reader_seqs else flooded.reader_from

    async def scenario() -> None:
        back = await flooded.room.participant(flooded.reader.token, after=held)
        assert "state" not in back.welcome
        await back.wait_for_seq(flooded.last, 60)
        assert [e["seq"] for e in back.events] == list(range(held + 1, flooded.last + 1))

    run(scenario())


def test_a_client_resuming_thousands_of_events_behind_is_not_sent_away_by_live_events(
    flooded: Flooded,
) -> None:
    """The backlog owed to a resuming client is not a slow reader's pile-up.

    A tablet comes back 4,500 events behind (under the 5,000 beyond which it would get a
    snapshot), on a link with a small window, and is busy for a moment with the first part of
    its backlog while 20 live events are committed. 20 live events waiting is far from the
    2,048 of the outbox limit: it must get its backlog and them, without being told to come
    back. (Reading at full speed on loopback it usually gets through before the live events
    land; pausing makes the outcome certain.)
    """
    room = flooded.room
    behind = 4500

    async def scenario() -> None:
        last = await room.seq()
        reader = await RawSocket.open(room.ws_url, receive_buffer=4096)
        await reader.send({"k": "hello", "token": flooded.reader.token, "after": last - behind})
        welcome = await reader.receive()
        assert welcome is not None
        assert "state" not in welcome, welcome
        reader.stop_reading()
        talker = await room.participant(flooded.talker.token, after=last)
        note = {"statement": flooded.statement, "text": "Et le mardi aussi."}  # for everyone
        answers = await asyncio.gather(*(talker.send("Annotate", note) for _ in range(20)))
        end = max(acked(a) for a in answers)
        reader.read_again()
        seqs: list[int] = []
        while not seqs or seqs[-1] < end:
            frame = await reader.receive()
            assert frame is not None, f"closed with {reader.close_code} after seq {seqs[-1:]}"
            seqs.extend(seqs_of([frame]))
        assert seqs == list(range(last - behind + 1, end + 1))

    run(scenario())

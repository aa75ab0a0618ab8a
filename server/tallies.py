"""The ``tallies`` frame of one live session: when it is computed, and to whom it is sent.

What the tallies are is the engine's (``session_engine.tallies``: counts per statement under
k-anonymity, people present, ballots received): this module owns only their delivery
(docs/protocol.md, *Tallies*):

* after a commit is published, the session's tallies are sent to every socket of the session
  (participants, guests, the projector, the consoles) — **coalesced**: at most
  ``TALLIES_PER_SECOND`` frames per second per session; whatever was published in between, the
  frame carries the latest state (its ``seq`` is the last event it reflects), and none is sent
  when the tallies did not change;
* the frame is encoded **once per tick** for the room and once for the consoles (``actor.Prebuilt``:
  one message, and one WebSocket frame, per subprotocol), the same bytes written to every socket
  of each; the consoles' differs only by the merit profiles of closed votes under k ballots,
  which the room does not see (``session_engine.tallies``);
* a socket that joins gets the tallies right after its ``welcome`` (and its backlog).

Tallies are computed only from the published state: the state between a batch's decision and
its commit is never read (a tick that falls during a commit waits for its publication). On a
follower (several workers) the same happens when it applies the owner's records: it holds the
state, so it sends the tallies to its own sockets.
"""

from __future__ import annotations

import asyncio
import time
from typing import Final

import msgspec

from session_engine.tallies import Tallies, for_the_room, tallies

from .actor import EncodedEvent, Prebuilt, SessionActor, Subscriber

__all__ = ["TALLIES_PER_SECOND", "TallyFeed"]

TALLIES_PER_SECOND: Final = 4
INTERVAL_S: Final = 1 / TALLIES_PER_SECOND


class TallyFeed:
    """The tallies of one session's actor: hooked on its publications and its joins."""

    __slots__ = ("_actor", "_cache", "_dirty", "_last_tick", "_sent", "_timer")

    def __init__(self, actor: SessionActor) -> None:
        self._actor = actor
        # at seq: the room's and the consoles' tallies, each with its frame
        self._cache: tuple[int, _Feed, _Feed] | None = None
        self._sent: tuple[Tallies, Tallies] | None = None  # the last ones sent (room, consoles)
        self._dirty = False  # published since the last tick
        self._last_tick = -INTERVAL_S  # time.monotonic() of the last tick
        self._timer: asyncio.TimerHandle | None = None

    @classmethod
    def attach(cls, actor: SessionActor) -> TallyFeed:
        feed = cls(actor)
        actor.on_published.append(feed._published)
        actor.on_joined.append(feed._joined)
        actor.on_stopped.append(feed.stop)
        return feed

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _published(self, actor: SessionActor, events: list[EncodedEvent]) -> None:
        self._dirty = True
        if self._timer is not None:
            return
        delay = self._last_tick + INTERVAL_S - time.monotonic()
        if delay <= 0:
            self._tick()  # the state is the published one: right now
        else:
            self._timer = asyncio.get_running_loop().call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self._timer = None
        if self._actor.seq != self._actor.published_seq:
            return  # a batch is being committed: its publication ticks (the interval is over)
        self._tick()

    def _tick(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        self._last_tick = time.monotonic()
        room, consoles = self._current()
        current = (room.tallies, consoles.tallies)
        if current == self._sent:
            return
        self._sent = current
        for subscriber in self._actor.subscribers:
            subscriber.offer_prebuilt(consoles.frame if subscriber.full else room.frame)

    def _joined(self, actor: SessionActor, subscriber: Subscriber) -> None:
        """Right after the welcome (and the backlog): the tallies as of the joined ``seq``."""
        room, consoles = self._current()
        subscriber.offer_prebuilt(consoles.frame if subscriber.full else room.frame)

    def _current(self) -> tuple[_Feed, _Feed]:
        """The room's and the consoles' tallies of the published state, computed once per seq
        (the consoles' differ only when a closed vote has fewer than k ballots)."""
        seq = self._actor.published_seq
        if self._cache is None or self._cache[0] != seq:
            seen = tallies(self._actor.state, console=True)  # computed once, the room's derived
            shown = for_the_room(seen)
            consoles = _Feed.of(seen, seq)
            room = consoles if shown is seen else _Feed.of(shown, seq)
            self._cache = (seq, room, consoles)
        return self._cache[1], self._cache[2]


class _Feed(msgspec.Struct, frozen=True):
    """Tallies and their frame, encoded once."""

    tallies: Tallies
    frame: Prebuilt

    @classmethod
    def of(cls, computed: Tallies, seq: int) -> _Feed:
        frame = {"k": "tallies", "type": "tallies", "seq": seq}
        frame.update(msgspec.to_builtins(computed))
        return cls(computed, Prebuilt(frame))

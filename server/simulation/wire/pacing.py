"""Counting and pacing: the tally of every command, the sending-side token bucket, the
session's accelerated clock and the gate the facilitator closes around a pause.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Final

_SECOND: Final = 1000
_MINUTE: Final = 60 * _SECOND
_PAUSE_MS: Final = 3 * _MINUTE


@dataclass(slots=True)
class _Tally:
    """Every command of every socket: sent, answered how, and how fast."""

    sent: int = 0
    acked: int = 0
    refused: Counter[str] = field(default_factory=Counter)
    unanswered: int = 0
    reconnections: int = 0
    latencies_s: list[float] = field(default_factory=list)
    applied: Counter[str] = field(default_factory=Counter)  # command type -> acknowledged

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

"""Keeping the garbage collector out of the fan-out's way.

Each live connection holds a few hundred objects the cyclic collector tracks (its tasks,
coroutines, Starlette's layers). With 1,000-2,000 connections a full collection walks 250-400k
of them and stops the event loop for 100-300 ms, which is most of the tail latency measured in
``bench/bench_vote_burst.py``. Those objects live as long as their connection, so once a wave of
arrivals has settled we move everything alive into the permanent generation (``gc.freeze``):
collections then only walk what is new. Every ``RECLAIM_EVERY_S`` we unfreeze, collect once and
freeze again, so that cycles left by closed connections are not kept for ever.
"""

from __future__ import annotations

import asyncio
import gc
from typing import Final

__all__ = ["Settler"]

SETTLE_AFTER_S: Final = 2.0  # quiet time after arrivals before freezing
FREEZE_FROM: Final = 300  # live connections; below that, full collections stay short (< 20 ms)
RECLAIM_EVERY_S: Final = 600.0


class Settler:
    def __init__(self) -> None:
        self.live = 0
        self._freeze: asyncio.TimerHandle | None = None
        self._reclaim: asyncio.TimerHandle | None = None

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._reclaim = loop.call_later(RECLAIM_EVERY_S, self._reclaim_cycles)

    def arrived(self) -> None:
        """A connection was set up: freeze once the wave of arrivals has passed."""
        self.live += 1
        if self.live < FREEZE_FROM:
            return
        if self._freeze is not None:
            self._freeze.cancel()
        self._freeze = asyncio.get_running_loop().call_later(SETTLE_AFTER_S, self._settle)

    def left(self) -> None:
        self.live -= 1

    def _settle(self) -> None:
        self._freeze = None
        gc.freeze()

    def _reclaim_cycles(self) -> None:
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self.start()

    def stop(self) -> None:
        for timer in (self._freeze, self._reclaim):
            if timer is not None:
                timer.cancel()
        gc.unfreeze()

"""Limits on what one connection may send, and when a sender has crossed the line.

Each breach gets a stable error code and changes nothing (``too_large``, ``too_fast``,
``bad_request``); repeated breaches are abuse and close the connection with 1008 (policy).
"""

from __future__ import annotations

import msgspec

__all__ = ["Limits", "RateLimiter", "Strikes"]


class Limits(msgspec.Struct, frozen=True, kw_only=True):
    max_frame_bytes: int = 16 * 1024  # a frame larger than this is refused (too_large)
    commands_per_second: float = 20.0  # sustained command rate per connection…
    command_burst: int = 60  # …and the burst above it (a quick series of positions)
    max_strikes: int = 20  # breaches within ``strike_window_s`` before the connection is closed
    strike_window_s: float = 10.0
    hello_timeout_s: float = 10.0
    outbox_limit: int = 2048  # items waiting for a slow connection before it is told to come back
    backlog_limit: int = 5000  # missed events beyond which a resuming client gets a snapshot


class RateLimiter:
    """A token bucket: ``rate`` tokens a second, at most ``burst`` saved up."""

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate, self.burst = rate, float(burst)
        self.tokens, self.updated = float(burst), now

    def allow(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


class Strikes:
    """Counts breaches in a sliding window; ``add`` says whether the sender is now abusive."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit, self.window_s = limit, window_s
        self.times: list[float] = []

    def add(self, now: float) -> bool:
        self.times = [t for t in self.times if now - t < self.window_s]
        self.times.append(now)
        return len(self.times) > self.limit

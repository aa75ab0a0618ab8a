"""Limits on what one connection may send, and when a sender has crossed the line.

Each breach gets a stable error code and changes nothing (``too_large``, ``too_fast``,
``bad_request``); repeated breaches are abuse and close the connection with 1008 (policy).

Join codes are short (27**6 ≈ 387 million), so wrong guesses are limited per client address
(``Guesses``), across connections and across the HTTP look-up and the WebSocket hello: past the
limit every look-up from that address is ``too_fast`` (HTTP 429), a right code included, so
that the answer tells a guesser nothing.
"""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = ["Guesses", "Limits", "RateLimiter", "Strikes", "client_address"]


class Limits(msgspec.Struct, frozen=True, kw_only=True):
    max_frame_bytes: int = 16 * 1024  # a frame larger than this is refused (too_large)
    commands_per_second: float = 20.0  # sustained command rate per connection…
    command_burst: int = 60  # …and the burst above it (a quick series of positions)
    max_strikes: int = 20  # breaches within ``strike_window_s`` before the connection is closed
    strike_window_s: float = 10.0
    hello_timeout_s: float = 10.0
    outbox_limit: int = 2048  # items waiting for a slow connection before it is told to come back
    backlog_limit: int = 5000  # missed events beyond which a resuming client gets a snapshot
    # Wrong join codes per client address (HTTP look-up and WebSocket hello together): a burst
    # for a room of people behind one school or town-hall router mistyping, then one every 2 s.
    code_guess_burst: int = 30
    code_guesses_per_second: float = 0.5


class RateLimiter:
    """A token bucket: ``rate`` tokens a second, at most ``burst`` saved up."""

    def __init__(self, rate: float, burst: int, now: float) -> None:
        self.rate, self.burst = rate, float(burst)
        self.tokens, self.updated = float(burst), now

    def allow(self, now: float) -> bool:
        if not self.available(now):
            return False
        self.tokens -= 1.0
        return True

    def available(self, now: float) -> bool:
        """Whether a token is there, without taking it."""
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return self.tokens >= 1.0


class Strikes:
    """Counts breaches in a sliding window; ``add`` says whether the sender is now abusive."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit, self.window_s = limit, window_s
        self.times: list[float] = []

    def add(self, now: float) -> bool:
        self.times = [t for t in self.times if now - t < self.window_s]
        self.times.append(now)
        return len(self.times) > self.limit


class Guesses:
    """Wrong join codes per client address: one ``RateLimiter`` each, spent only by failures.

    ``blocked`` before a look-up (nothing spent), ``failed`` after a wrong code. Addresses whose
    bucket is full again are forgotten when more than ``max_clients`` are remembered, so the
    table stays small whatever the number of addresses seen."""

    def __init__(self, rate: float, burst: int, max_clients: int = 10_000) -> None:
        self.rate, self.burst, self.max_clients = rate, burst, max_clients
        self.clients: dict[str, RateLimiter] = {}

    def blocked(self, client: str, now: float) -> bool:
        bucket = self.clients.get(client)
        return bucket is not None and not bucket.available(now)

    def failed(self, client: str, now: float) -> None:
        bucket = self.clients.get(client)
        if bucket is None:
            if len(self.clients) >= self.max_clients:
                self._forget(now)
            bucket = self.clients[client] = RateLimiter(self.rate, self.burst, now)
        bucket.allow(now)

    def _forget(self, now: float) -> None:
        for client, bucket in list(self.clients.items()):
            bucket.available(now)
            if bucket.tokens >= bucket.burst:
                del self.clients[client]
        while len(self.clients) >= self.max_clients:  # all busy: drop the oldest
            del self.clients[next(iter(self.clients))]


def client_address(connection: Any) -> str:
    """The peer's address of a Starlette request or WebSocket, as the ASGI server reports it
    (behind a reverse proxy, run uvicorn with ``--proxy-headers`` and ``--forwarded-allow-ips``
    so that it is the client's, not the proxy's)."""
    client = connection.client
    return str(client.host) if client is not None else "unknown"

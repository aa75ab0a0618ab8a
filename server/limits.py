"""Limits on what one client may send or hold, and when a sender has crossed the line.

Each breach on a socket gets a stable error code and changes nothing (``too_large``,
``too_fast``, ``bad_request``); repeated breaches are abuse and close the connection with 1008
(policy). Per client address, the server bounds the sockets it holds (``Sockets``), the sessions
it creates (``Buckets``) and the wrong join codes it answers (``Guesses``).

Join codes are short (27**6 ≈ 387 million), so wrong guesses are limited per client address,
across connections and across the HTTP look-up and the WebSocket hello: past the limit every
look-up from that address is ``too_fast`` (HTTP 429), a right code included, so that the answer
tells a guesser nothing — except for a code that address has already been answered for (the
pair (address, code) is *admitted*): the people of a room behind one router who have already
found their session keep finding it, whatever one guesser among them does.
"""

from __future__ import annotations

import math
import os
from collections import Counter, OrderedDict
from typing import Any, Final

import msgspec

__all__ = [
    "LIMITS_VARIABLE",
    "Buckets",
    "Guesses",
    "Limits",
    "RateLimiter",
    "Sockets",
    "Strikes",
    "client_address",
    "limits_from_environment",
]

# ``METROKAWA_LIMITS='{"sockets_per_address": 4000}'``: fields of ``Limits`` to change.
LIMITS_VARIABLE: Final = "METROKAWA_LIMITS"


class Limits(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    max_frame_bytes: int = 16 * 1024  # a WebSocket message larger than this closes with 1009
    max_command_id: int = 64  # characters of a command id (bad_request beyond)
    commands_per_second: float = 20.0  # sustained command rate per connection…
    command_burst: int = 60  # …and the burst above it (a quick series of positions)
    pings_per_second: float = 2.0  # clock-sync pings per connection (too_fast beyond)…
    ping_burst: int = 10  # …and their burst (a tablet pings every 15 s, and when it wakes)
    max_strikes: int = 20  # breaches within ``strike_window_s`` before the connection is closed
    strike_window_s: float = 10.0
    hello_timeout_s: float = 10.0
    close_drain_s: float = 5.0  # before a policy close: time to send the answers still owed
    outbox_limit: int = 2048  # items waiting for a slow connection before it is told to come back
    backlog_limit: int = 5000  # missed events beyond which a resuming client gets a snapshot
    # Sockets per client address: two rooms behind one router, each tablet with a second
    # socket while a dropped one is not yet noticed, and a few projectors and consoles…
    sockets_per_address: int = 1024
    # …of which so many may still be waiting for their hello (10 s at most each): a room of
    # 120 reconnecting at once after a Wi-Fi cut, twice over.
    unwelcomed_per_address: int = 256
    # Wrong join codes per client address (HTTP look-up and WebSocket hello together): a burst
    # for a room of people behind one school or town-hall router mistyping, then one every 2 s.
    code_guess_burst: int = 30
    code_guesses_per_second: float = 0.5
    # Sessions created per client address (POST /api/sessions): a facilitator preparing a few
    # evenings at once, then one a minute.
    session_burst: int = 20
    sessions_per_second: float = 1 / 60
    max_body_bytes: int = 256 * 1024  # an HTTP request body larger than this is refused (413)


def limits_from_environment() -> Limits:
    """``Limits`` with the fields that ``METROKAWA_LIMITS`` (a JSON object) changes, if set."""
    changed = os.environ.get(LIMITS_VARIABLE)
    if not changed:
        return Limits()
    return msgspec.convert(
        {**msgspec.to_builtins(Limits()), **msgspec.json.decode(changed)}, Limits
    )


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

    def refund(self) -> None:
        """Give back a token taken by ``allow`` (what it paid for turned out to be free)."""
        self.tokens = min(self.burst, self.tokens + 1.0)


class Buckets:
    """One ``RateLimiter`` per key (a client address), made on first use. Keys whose bucket is
    full again are forgotten when more than ``max_keys`` are remembered, so the table stays small
    whatever the number of addresses seen."""

    def __init__(self, rate: float, burst: int, max_keys: int = 10_000) -> None:
        self.rate, self.burst, self.max_keys = rate, burst, max_keys
        self.buckets: dict[str, RateLimiter] = {}

    def allow(self, key: str, now: float) -> bool:
        """Take a token for ``key`` if there is one."""
        return self._bucket(key, now).allow(now)

    def available(self, key: str, now: float) -> bool:
        bucket = self.buckets.get(key)
        return bucket is None or bucket.available(now)

    def refund(self, key: str) -> None:
        bucket = self.buckets.get(key)
        if bucket is not None:
            bucket.refund()

    def retry_after(self) -> int:
        """Whole seconds until an empty bucket has a token again (``Retry-After``)."""
        return max(1, math.ceil(1 / self.rate)) if self.rate > 0 else 3600

    def _bucket(self, key: str, now: float) -> RateLimiter:
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= self.max_keys:
                self._forget(now)
            bucket = self.buckets[key] = RateLimiter(self.rate, self.burst, now)
        return bucket

    def _forget(self, now: float) -> None:
        for key, bucket in list(self.buckets.items()):
            bucket.available(now)
            if bucket.tokens >= bucket.burst:
                del self.buckets[key]
        while len(self.buckets) >= self.max_keys:  # all busy: drop the oldest
            del self.buckets[next(iter(self.buckets))]


class Guesses:
    """Wrong join codes per client address, and the (address, code) pairs already admitted.

    A look-up first ``spend``s a token of its address (none left: ``too_fast``), before anything
    that could wait, so that concurrent look-ups cannot all pass one last token; a right code
    then ``admit``s the pair and gives its token back. A pair admitted earlier is answered
    without a token (``admitted``): a guesser who empties its address's bucket does not lock out
    the people behind the same address who have already found their session. The tables are
    bounded (the oldest admitted pairs are forgotten first)."""

    def __init__(
        self, rate: float, burst: int, max_clients: int = 10_000, max_admitted: int = 10_000
    ) -> None:
        self.buckets = Buckets(rate, burst, max_clients)
        self.max_admitted = max_admitted
        self._admitted: OrderedDict[tuple[str, str], None] = OrderedDict()

    def admitted(self, client: str, code: str) -> bool:
        return (client, code) in self._admitted

    def spend(self, client: str, now: float) -> bool:
        """Take a token before looking ``client``'s code up; False: too many wrong codes."""
        return self.buckets.allow(client, now)

    def admit(self, client: str, code: str) -> None:
        """The code was right: its token comes back, and the pair is remembered."""
        self.buckets.refund(client)
        self._admitted[(client, code)] = None
        self._admitted.move_to_end((client, code))
        while len(self._admitted) > self.max_admitted:
            self._admitted.popitem(last=False)

    def retry_after(self) -> int:
        return self.buckets.retry_after()


class Sockets:
    """The sockets open per client address, and how many of them have not said hello yet.

    ``enter`` when a socket is accepted (False: the address is at its limit, the socket is
    refused), ``greeted`` once its hello is accepted, ``leave`` when it closes."""

    def __init__(self, per_address: int, unwelcomed_per_address: int) -> None:
        self.per_address, self.unwelcomed_per_address = per_address, unwelcomed_per_address
        self.open: Counter[str] = Counter()
        self.unwelcomed: Counter[str] = Counter()

    def enter(self, client: str) -> bool:
        if self.open[client] >= self.per_address:
            return False
        if self.unwelcomed[client] >= self.unwelcomed_per_address:
            return False
        self.open[client] += 1
        self.unwelcomed[client] += 1
        return True

    def greeted(self, client: str) -> None:
        _decrement(self.unwelcomed, client)

    def leave(self, client: str, *, greeted: bool) -> None:
        _decrement(self.open, client)
        if not greeted:
            _decrement(self.unwelcomed, client)


def _decrement(counter: Counter[str], key: str) -> None:
    counter[key] -= 1
    if counter[key] <= 0:
        del counter[key]  # the table holds only the addresses with a socket open


class Strikes:
    """Counts breaches in a sliding window; ``add`` says whether the sender is now abusive."""

    def __init__(self, limit: int, window_s: float) -> None:
        self.limit, self.window_s = limit, window_s
        self.times: list[float] = []

    def add(self, now: float) -> bool:
        self.times = [t for t in self.times if now - t < self.window_s]
        self.times.append(now)
        return len(self.times) > self.limit


def client_address(connection: Any) -> str:
    """The peer's address of a Starlette request or WebSocket, as the ASGI server reports it:
    behind a reverse proxy, the client's only if the proxy is trusted (``serve
    --forwarded-allow-ips``), else the proxy's."""
    client = connection.client
    return str(client.host) if client is not None else "unknown"

"""Trust between workers: what one worker leaves for another in Redis is signed, and checked.

Several workers (``cluster``) exchange through Redis the commands they forward to a session's
owner and its answers (pub/sub), the events the owner committed (streams), the hashes of
participant tokens, and who is connected where. Redis is a blackboard that someone else may
write on, so a worker takes from it only what a worker of the same cluster signed: an HMAC-SHA256
under the cluster's shared secret (``METROKAWA_CLUSTER_SECRET``) over the entry's kind, its session
and its parts, each prefixed with its length. An entry can then be neither forged nor moved to
another session or to another kind (a stream entry offered as a token entry, say).

One thing an entry carries is itself secret: the participant token in the answer to a join
forwarded by another worker. It is encrypted before it enters Redis (HMAC-SHA256 as a pseudo-random
function in counter mode, under a key of its own and a random nonce per answer; the answer's MAC
covers the ciphertext), so that reading Redis gives nobody a participant's token.

A refused entry is logged as a WARNING once per kind, then counted and summed up at most every
``REPORT_EVERY_S``: whoever floods Redis with forgeries cannot flood the log.

Without a secret a worker starts only in development (``development``): it listens on a loopback
address and its Redis is local too, so that nobody but the machine's own users reach either; it
then signs with ``DEVELOPMENT_SECRET``, which is public and protects nothing.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import secrets
import time
from collections.abc import Callable
from typing import Final, Literal
from urllib.parse import urlsplit

__all__ = [
    "DEVELOPMENT_SECRET",
    "FORGED",
    "MAC_SIZE",
    "SECRET_MIN_LENGTH",
    "SECRET_VARIABLE",
    "UNREADABLE",
    "Kind",
    "Refusals",
    "Signer",
    "development",
]

log = logging.getLogger("metrokawa.cluster")

SECRET_VARIABLE: Final = "METROKAWA_CLUSTER_SECRET"
SECRET_MIN_LENGTH: Final = 32  # characters: 32 hex digits are 128 bits
DEVELOPMENT_SECRET: Final = "metrokawa: development only, this secret is public"
MAC_SIZE: Final = 32  # bytes of an HMAC-SHA256
NONCE_SIZE: Final = 16
REPORT_EVERY_S: Final = 600.0

# Why an entry is refused, as the log says it.
FORGED: Final = (
    "its signature is not this cluster's: someone else writes to Redis, or a worker runs with "
    f"another {SECRET_VARIABLE}"
)
UNREADABLE: Final = (
    "not a message that a worker of this cluster writes: someone else writes to Redis, or a "
    "worker runs another version"
)

# What an entry is: each kind is signed apart, so that no entry passes for another kind.
Kind = Literal["cmd", "answer", "event", "token", "presence"]

_VERSION: Final = b"metrokawa.cluster.v1"


class Signer:
    """Signs and checks entries, seals and opens tokens, under one cluster secret."""

    def __init__(self, secret: str) -> None:
        if len(secret) < SECRET_MIN_LENGTH:
            raise ValueError(f"a cluster secret has at least {SECRET_MIN_LENGTH} characters")
        root = secret.encode()
        # Two keys from one secret: one signs, the other encrypts tokens.
        self._mac_key = hmac.digest(root, _VERSION + b" mac", "sha256")
        self._token_key = hmac.digest(root, _VERSION + b" token", "sha256")

    def sign(self, kind: Kind, session: str, *parts: bytes) -> bytes:
        """The MAC of an entry: its kind, its session and its parts, none movable to another."""
        message = b"".join(_framed(p) for p in (_VERSION, kind.encode(), session.encode(), *parts))
        return hmac.digest(self._mac_key, message, "sha256")

    def valid(self, mac: bytes, kind: Kind, session: str, *parts: bytes) -> bool:
        return hmac.compare_digest(mac, self.sign(kind, session, *parts))

    def seal(self, kind: Kind, session: str, content: bytes, *context: bytes) -> bytes:
        """An entry as it goes into Redis: its MAC, then ``content``. The MAC also covers
        ``context``: what the entry's key names (a token's hash, a worker), not repeated."""
        return self.sign(kind, session, *context, content) + content

    def open(self, kind: Kind, session: str, entry: bytes, *context: bytes) -> bytes | None:
        """The content of a sealed entry; None if no worker of this cluster sealed it so."""
        mac, content = entry[:MAC_SIZE], entry[MAC_SIZE:]
        return content if self.valid(mac, kind, session, *context, content) else None

    def seal_token(self, token: str) -> bytes:
        """The token encrypted under a fresh nonce: ``nonce + ciphertext``."""
        nonce = secrets.token_bytes(NONCE_SIZE)
        plain = token.encode()
        return nonce + _xor(plain, self._keystream(nonce, len(plain)))

    def open_token(self, sealed: bytes) -> str | None:
        nonce, cipher = sealed[:NONCE_SIZE], sealed[NONCE_SIZE:]
        if len(nonce) < NONCE_SIZE:
            return None
        try:
            return _xor(cipher, self._keystream(nonce, len(cipher))).decode()
        except UnicodeDecodeError:
            return None

    def _keystream(self, nonce: bytes, size: int) -> bytes:
        blocks = (size + MAC_SIZE - 1) // MAC_SIZE
        stream = b"".join(
            hmac.digest(self._token_key, nonce + n.to_bytes(4, "big"), "sha256")
            for n in range(blocks)
        )
        return stream[:size]


class Refusals:
    """Entries refused because their MAC is wrong (or, for a forwarded command, because it is
    too old): a WARNING the first time for each kind of entry, then a count, reported with the
    next refusal once ``REPORT_EVERY_S`` have passed."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._reported: dict[str, float] = {}  # what → when last logged
        self._unreported: dict[str, int] = {}  # what → refused since

    def refuse(self, what: str, why: str, *, session: str | None = None) -> None:
        """``what`` was refused, for ``why``; ``session`` as the entry names it."""
        now = self._clock()
        last = self._reported.get(what)
        if last is None:
            # The session id comes from Redis as it is: bounded, and quoted by %r.
            where = "" if session is None else f" for session {session[:40]!r}"
            log.warning(
                "cluster: refused %s%s: %s; further ones are counted, and reported every %d s "
                "at most",
                what,
                where,
                why,
                REPORT_EVERY_S,
            )
        elif now - last >= REPORT_EVERY_S:
            count = self._unreported.pop(what, 0) + 1
            log.warning("cluster: refused %d more of %s in %d s", count, what, now - last)
        else:
            self._unreported[what] = self._unreported.get(what, 0) + 1
            return
        self._reported[what] = now


def development(host: str, redis_url: str) -> bool:
    """Development: this server listens on a loopback address and its Redis is on this machine
    (a loopback address, ``localhost``, or a Unix socket). Only then may workers go without a
    secret: nobody but the machine's own users can reach the server or write to Redis."""
    parts = urlsplit(redis_url)
    local_redis = parts.scheme == "unix" or _loopback(parts.hostname or "localhost")
    return local_redis and _loopback(host)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _framed(part: bytes) -> bytes:
    return len(part).to_bytes(4, "big") + part


def _xor(data: bytes, stream: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, stream, strict=True))

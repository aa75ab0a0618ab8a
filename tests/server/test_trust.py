"""Trust between workers (``server/trust.py``): signatures that bind an entry to its kind, its
session and its content; tokens sealed in answers; refusals logged once per kind; and when
workers may go without a secret (development)."""

from __future__ import annotations

import logging
from typing import Final

import pytest

from server.trust import Kind, Refusals, Signer, development

SECRET: Final = "a secret of the workers, 32 characters at least"


# --- signatures ---------------------------------------------------------------------------------


# What a signature over ("event", "s1", b"record") must not pass for: each row changes one thing.
NOT_THE_SAME: Final[list[tuple[Kind, str, tuple[bytes, ...]]]] = [
    ("token", "s1", (b"record",)),  # another kind
    ("cmd", "s1", (b"record",)),
    ("event", "s2", (b"record",)),  # another session
    ("event", "s1", (b"recorD",)),  # another content
    ("event", "s1", (b"record", b"")),  # one part more
    ("event", "s1", (b"rec", b"ord")),  # the same bytes, split otherwise
    ("event", "s1r", (b"ecord",)),  # a byte moved from the content into the session
    ("event", "", (b"s1", b"record")),  # the session moved into the content
]


def test_a_signature_holds_for_its_entry_only() -> None:
    signer = Signer(SECRET)
    mac = signer.sign("event", "s1", b"record")
    assert len(mac) == 32  # HMAC-SHA256
    assert signer.valid(mac, "event", "s1", b"record")
    for kind, session, parts in NOT_THE_SAME:
        assert not signer.valid(mac, kind, session, *parts), (kind, session, parts)


def test_another_secret_signs_otherwise_and_a_short_secret_is_refused() -> None:
    mac = Signer(SECRET).sign("token", "s1", b"hash", b"p1")
    assert not Signer(SECRET.upper()).valid(mac, "token", "s1", b"hash", b"p1")
    assert not Signer(SECRET).valid(b"", "token", "s1", b"hash", b"p1")  # an unsigned entry
    with pytest.raises(ValueError, match="32 characters"):
        Signer("x" * 31)
    assert Signer("x" * 32).valid(Signer("x" * 32).sign("cmd", "s", b""), "cmd", "s", b"")


def test_a_sealed_entry_opens_under_its_own_context_only() -> None:
    signer = Signer(SECRET)
    entry = signer.seal("token", "s1", b"p1", b"hash-of-the-token")
    assert entry.endswith(b"p1")  # the MAC, then the content
    assert signer.open("token", "s1", entry, b"hash-of-the-token") == b"p1"
    assert signer.open("token", "s1", entry, b"hash-of-another-token") is None
    assert signer.open("token", "s2", entry, b"hash-of-the-token") is None
    assert signer.open("presence", "s1", entry, b"hash-of-the-token") is None
    assert signer.open("token", "s1", b"p1", b"hash-of-the-token") is None  # not sealed


def test_a_sealed_token_is_unreadable_without_the_secret_and_never_sealed_twice_alike() -> None:
    signer = Signer(SECRET)
    token = "Vq1nX3J0c2VjcmV0LXRva2VuLWZvci1hLXBhcnRpY2lwYW50"
    sealed = signer.seal_token(token)
    assert token.encode() not in sealed
    assert signer.open_token(sealed) == token
    assert signer.seal_token(token) != sealed  # a fresh nonce each time
    assert Signer(SECRET.upper()).open_token(sealed) != token
    assert signer.open_token(b"short") is None


# --- refusals: one warning per kind -------------------------------------------------------------


def test_a_kind_of_refusal_is_logged_once_then_counted_every_ten_minutes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    refusals = Refusals(clock=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="metrokawa.cluster"):
        for _ in range(100):
            refusals.refuse("a token entry", "not signed", session="s1")
        refusals.refuse("a stream entry", "not signed", session="s1\nforged log line")
        now[0] = 599.0
        refusals.refuse("a token entry", "not signed", session="s1")
        now[0] = 600.0
        refusals.refuse("a token entry", "not signed", session="s1")
    logged = [(r.levelname, r.getMessage().split(";")[0]) for r in caplog.records]
    assert logged == [
        ("WARNING", "cluster: refused a token entry for session 's1': not signed"),
        (
            "WARNING",
            "cluster: refused a stream entry for session 's1\\nforged log line': not signed",
        ),
        ("WARNING", "cluster: refused 101 more of a token entry in 600 s"),
    ]


# --- development: when workers may go without a secret ------------------------------------------


# Only when nobody outside this machine can reach the server, nor write to its Redis.
DEVELOPMENT: Final = [
    ("127.0.0.1", "redis://127.0.0.1:6379/0", True),
    ("localhost", "redis://localhost", True),
    ("::1", "redis://[::1]:6379", True),
    ("127.0.0.2", "redis://127.0.0.1", True),  # all of 127/8 is loopback
    ("127.0.0.1", "redis://", True),  # no host: redis-py connects to localhost
    ("127.0.0.1", "unix:///run/redis/redis.sock", True),
    ("0.0.0.0", "redis://127.0.0.1:6379", False),  # the server listens on the network
    ("::", "redis://127.0.0.1:6379", False),
    ("192.168.1.10", "redis://127.0.0.1:6379", False),
    ("127.0.0.1", "redis://10.0.0.5:6379", False),  # Redis is elsewhere
    ("127.0.0.1", "rediss://redis.example.org:6380", False),
    ("127.0.0.1", "redis://localhost.example.org", False),
]


@pytest.mark.parametrize(("host", "redis", "expected"), DEVELOPMENT)
def test_development_is_a_server_and_a_redis_on_loopback(
    host: str, redis: str, expected: bool
) -> None:
    assert development(host, redis) is expected

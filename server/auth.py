"""Secrets: facilitator and participant tokens, join codes, session ids.

A token is 256 bits from the OS's CSPRNG, shown once to its holder and stored only as its SHA-256
(a token is already high-entropy, so a fast hash is enough: nothing to brute-force). Tokens never
enter the engine, a log, a replay or a server log line. Comparisons of hashes are constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

__all__ = ["hash_token", "new_join_code", "new_session_id", "new_token", "same_hash"]

# No 0/O, 1/I/L, 5/S, 2/Z: a code read aloud in a noisy room or typed on a phone must survive.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRTUVWXY346789"
_CODE_LENGTH = 6


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


def new_join_code() -> str:
    """Six characters: 27**6 ≈ 387 million codes. Guessing is slowed by ``limits.Guesses``:
    wrong codes per client address, on ``GET /api/codes/{code}`` and the WebSocket hello alike
    (a burst of 30, then one every 2 s: years per address for a real chance)."""
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(_CODE_LENGTH))


def new_session_id() -> str:
    return secrets.token_hex(8)

"""What every command handler of ``decide`` shares: who sends (``Role``), what is known besides the
state (``Context``), the longest accepted texts (``LIMITS``), and the checks that refuse a command
(``require``, ``clean_text``) or find its target statement (``statement_of``, ``published_of``).

``session_engine.decide`` re-exports ``Role``, ``Context`` and ``LIMITS``; import them from there.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

import msgspec

from .errors import CommandRejected
from .state import SessionState, Statement, StatementStatus

__all__ = [
    "LIMITS",
    "Context",
    "Role",
    "clean_text",
    "published_of",
    "require",
    "statement_of",
]


class Role(StrEnum):
    """Who is sending. A host is a participant; a guest holds only the join code."""

    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"
    PROJECTOR = "projector"
    VIEWER = "viewer"
    SYSTEM = "system"
    GUEST = "guest"


class Context(msgspec.Struct, frozen=True, kw_only=True):
    """What ``decide`` knows besides the state: who sends, the time (ms), a seed for seating."""

    actor: str  # a participant id, "facilitator", "system", …
    role: Role
    now: int
    seed: int = 0


# Longest accepted texts, in characters. A statement is one sentence.
LIMITS: Final[dict[str, int]] = {
    "title": 200,
    "territory": 80,
    "prompt": 500,
    "pseudonym": 40,
    "statement": 280,
    "annotation": 1000,
    "tag": 40,
    "tags": 10,
    "place": 120,
    "synthesis": 4000,
    "proposal": 400,  # also an amended wording under consent
    "objection": 1000,
    "outcome": 4000,  # the facilitator's outcome statement of a vœu
}


def require(condition: bool, code: str) -> None:
    if not condition:
        raise CommandRejected(code)


def clean_text(value: str, limit: str) -> str:
    """A cleaned text field: surrounding blanks removed, not empty, not longer than its limit."""
    cleaned = value.strip()
    require(bool(cleaned), "bad_request")
    require(len(cleaned) <= LIMITS[limit], "text_too_long")
    return cleaned


def statement_of(state: SessionState, statement_id: str) -> Statement:
    statement = state.statements.get(statement_id)
    if statement is None:
        raise CommandRejected("unknown_statement")
    require(statement.status is not StatementStatus.MERGED, "already_merged")
    return statement


def published_of(state: SessionState, statement_id: str) -> Statement:
    statement = statement_of(state, statement_id)
    require(statement.status is StatementStatus.PUBLISHED, "not_published")
    return statement

"""What every command handler of ``decide`` shares: who sends (``Role``), what is known besides the
state (``Context``), the longest accepted texts (``LIMITS``, and which field is held to which:
``TEXT_FIELDS``), and the checks that refuse a command (``require``, ``check_texts``,
``clean_text``) or find its target statement (``statement_of``, ``published_of``).

``session_engine.decide`` re-exports ``Role``, ``Context`` and ``LIMITS``; import them from there.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Final

import msgspec

from .errors import CommandRejected
from .model import RoundSpec
from .state import SessionState, Statement, StatementStatus

__all__ = [
    "LIMITS",
    "MAX_ROUNDS",
    "MAX_TERRITORIES",
    "TABLE_SIZES",
    "TEXT_FIELDS",
    "Context",
    "Role",
    "check_round_spec",
    "check_texts",
    "clean_text",
    "published_of",
    "require",
    "statement_of",
]


class Role(StrEnum):
    """Who is sending. A host is a participant; a guest holds only the join code; a table
    tablet holds a table's shared link (``decide_tablet``)."""

    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"
    TABLET = "tablet"
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
    "commune": 120,
    "prompt": 500,
    "pseudonym": 40,
    "person": 64,  # a participant's personal key across the programme (``JoinSession.person``)
    "statement": 280,
    "annotation": 1000,
    "tag": 40,
    "tags": 10,
    "place": 120,
    "address": 200,  # a forum contribution's address, as typed
    "theme": 60,  # a forum's theme: « Propreté et déchets »
    "themes": 20,  # themes in one forum (a count)
    "synthesis": 4000,
    "proposal": 400,  # also an amended wording under consent
    "objection": 1000,
    "outcome": 4000,  # the facilitator's outcome statement of a vœu
    "paper_note": 200,  # where a stack of paper ballots comes from
    "paper_ballots": 500,  # ballots in one stack (a count, not characters)
    "provenance_key": 40,  # the programme's key of an imported statement: "e3"
    "source": 200,  # where an imported statement comes from, in words
    "id": 32,  # a reference to something the session named: t3, s12, pr2, v1, c1, o4
}

# How big a session may be: its agenda, its territories, its tables (people a table).
MAX_ROUNDS: Final = 20
MAX_TERRITORIES: Final = 12
TABLE_SIZES: Final = range(2, 13)
_MINUTE = 60_000
_ROUND_MS: Final = range(_MINUTE, 4 * 60 * _MINUTE + 1)  # a round lasts 1 minute to 4 hours

# Every text field of every command, and its limit (a key of ``LIMITS``): ``check_texts`` holds
# each command to it before its handler runs, so nothing longer is ever decided on, stored or
# sent to anyone. A dotted path goes into each item of a tuple (``territories.name``); a path
# ending on a tuple of texts checks each one (``tags``), on a mapping its keys (``grades``).
TEXT_FIELDS: Final[dict[str, dict[str, str]]] = {
    "CreateSession": {
        "title": "title",
        "territories.name": "territory",
        "territories.commune": "commune",
        "agenda.prompt": "prompt",
        "themes": "theme",
    },
    "JoinSession": {"pseudonym": "pseudonym", "territory": "id", "person": "person"},
    "ProposeStatement": {"text": "statement", "place.address": "address", "theme": "theme"},
    "PublishStatement": {"statement": "id"},
    "HideStatement": {"statement": "id"},
    "MergeStatements": {"statement": "id", "into": "id"},
    "Annotate": {"text": "annotation", "statement": "id", "tags": "tag", "place": "place"},
    "TakePosition": {"statement": "id"},
    "SubmitSynthesis": {"text": "synthesis"},
    "PromoteProposal": {"statement": "id", "text": "proposal"},
    "OpenVote": {"proposals": "id"},
    "CastBallot": {"vote": "id", "grades": "id"},
    "CloseVote": {"vote": "id"},
    "ShowResults": {"statement": "id", "vote": "id"},
    "OpenConsent": {"proposal": "id"},
    "RaiseObjection": {"consent": "id", "text": "objection"},
    "ResolveObjection": {"objection": "id", "wording": "proposal"},
    "AdoptVoeu": {"consent": "id", "outcome": "outcome"},
    "AbandonConsent": {"consent": "id"},
    "AddCoFacilitator": {"label": "pseudonym"},
    "RevokeCoFacilitator": {"cofacilitator": "id"},
    "HandOverHost": {"to": "id"},
    "MoveParticipant": {"participant": "id"},
    "RemoveParticipant": {"participant": "id"},
    "MergeParticipants": {"participant": "id", "into": "id"},
    "AddRound": {"prompt": "prompt"},
    "EditRound": {"prompt": "prompt"},
    "AddTerritory": {"name": "territory", "commune": "commune"},
    "RenameTerritory": {"territory": "id", "name": "territory", "commune": "commune"},
    "AddParticipant": {"pseudonym": "pseudonym", "territory": "id"},
    "RevokeTableTablet": {"tablet": "id"},
    "RecordPosition": {"participant": "id", "statement": "id"},
    "RecordBallot": {"participant": "id", "vote": "id", "grades": "id"},
    "EnterPaperBallots": {"vote": "id", "ballots": "id", "note": "paper_note"},
    "ImportStatement": {
        "text": "statement",
        "provenance.key": "provenance_key",
        "provenance.source": "source",
        "provenance.territories": "territory",
        "provenance.statement": "id",
    },
}


def require(condition: bool, code: str) -> None:
    if not condition:
        raise CommandRejected(code)


def check_texts(command: msgspec.Struct) -> None:
    """``text_too_long`` if any text field of ``command`` is over its limit (``TEXT_FIELDS``),
    counted as ``clean_text`` counts: without the blanks around it."""
    for path, limit in TEXT_FIELDS.get(type(command).__name__, {}).items():
        for text in _texts(command, path.split(".")):
            require(len(text.strip()) <= LIMITS[limit], "text_too_long")


def _texts(value: object, path: list[str]) -> Iterator[str]:
    if value is None:
        return  # an optional part left out (a contribution without a place)
    if isinstance(value, tuple):
        for item in value:
            yield from _texts(item, path)
    elif path:
        yield from _texts(getattr(value, path[0]), path[1:])
    elif isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        yield from (key for key in value if isinstance(key, str))


def clean_text(value: str, limit: str) -> str:
    """A cleaned text field: surrounding blanks removed, not empty, not longer than its limit."""
    cleaned = value.strip()
    require(bool(cleaned), "bad_request")
    require(len(cleaned) <= LIMITS[limit], "text_too_long")
    return cleaned


def check_round_spec(spec: RoundSpec) -> RoundSpec:
    """The agenda line with its prompt cleaned; ``bad_request`` for an empty prompt or a
    duration outside 1 minute to 4 hours."""
    prompt = clean_text(spec.prompt, "prompt")
    require(type(spec.duration_ms) is int and spec.duration_ms in _ROUND_MS, "bad_request")
    return RoundSpec(kind=spec.kind, prompt=prompt, duration_ms=spec.duration_ms)


def statement_of(state: SessionState, statement_id: str) -> Statement:
    statement = state.statements.get(statement_id)
    if statement is None or statement.status is StatementStatus.ERASED:
        raise CommandRejected("unknown_statement")  # an erased statement is gone for good
    require(statement.status is not StatementStatus.MERGED, "already_merged")
    return statement


def published_of(state: SessionState, statement_id: str) -> Statement:
    statement = statement_of(state, statement_id)
    require(statement.status is StatementStatus.PUBLISHED, "not_published")
    return statement

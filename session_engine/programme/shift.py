"""The opinion shift across a programme: how the same people's positions on the same statement
moved from one session to another.

A statement keeps one provenance key along the programme (``steps``): the key it was imported
with, or, in the session where it was first written, ``{session}-{statement}`` (the key the
next step gives it when it imports it). People are linked across sessions by the personal key
their device sent with their consent (``ParticipantJoined.person``), never by their name.

For each key published in at least two sessions, a person is *linked* when they took a position
on it (−2 to +2; a pass is no position) in at least two of those sessions; their change is the
position in the latest of them minus the one in the earliest (−4 to +4), in the order the
sessions are given (the programme's). Under ``k`` linked people nothing is shown but that they
are fewer than ``k`` — not their number, not a mean, not a count — as in the cahier's
k-anonymity rule. In one session, a person counts as the people ``SessionState.people`` counts
(not a second entry merged into another, nor someone erased); if two entries of one session sent
the same key (a device that joined twice) and took different positions, that person's position
there is unknown and left out.

Pure: session states in, plain data out; no key of any person is in the result.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from ..opinions.params import DEFAULT_K
from ..state import SessionState, Statement, StatementStatus

__all__ = ["LinkedShift", "programme_shift", "statement_key"]


class LinkedShift(msgspec.Struct, frozen=True, kw_only=True):
    """One statement debated in several sessions, and how the linked people's positions moved.

    ``hidden``: fewer than ``k`` people linked; then every figure is ``None``."""

    key: str  # its provenance key
    text: str  # as the earliest session that debated it published it
    sessions: tuple[str, ...]  # the programme's sessions that published it, in order
    hidden: bool
    people: int | None  # people linked (a position in two of those sessions at least)
    mean_change: float | None  # mean of (latest − earliest), −4..+4
    toward: int | None  # moved toward agreement (latest > earliest)
    away: int | None  # moved away from it (latest < earliest)
    stayed: int | None  # the same position


def statement_key(session: str, statement: Statement) -> str:
    """The programme's key of ``statement`` of programme session ``session``: its provenance's
    when it was imported, else the one an import from ``session`` would give it."""
    if statement.provenance is not None:
        return statement.provenance.key
    return f"{session}-{statement.id}"


def programme_shift(
    sessions: Sequence[tuple[str, SessionState]], *, k: int = DEFAULT_K
) -> tuple[LinkedShift, ...]:
    """The shift of every statement published in at least two of ``sessions`` (programme
    session id and state, in the programme's order), in the order each key first appears."""
    texts: dict[str, str] = {}
    debated: dict[str, list[str]] = {}  # key -> the sessions that published it
    # key -> person -> positions in session order (one per session where it is known)
    positions: dict[str, dict[str, list[int]]] = {}
    for session, state in sessions:
        found = _published(session, state)
        known = _known_positions(state, found)
        for key, statement in found.items():
            texts.setdefault(key, statement.text)
            debated.setdefault(key, []).append(session)
            for person, value in known.get(key, {}).items():
                positions.setdefault(key, {}).setdefault(person, []).append(value)
    return tuple(
        _shift(key, texts[key], tuple(where), positions.get(key, {}), k)
        for key, where in debated.items()
        if len(where) >= 2
    )


def _published(session: str, state: SessionState) -> dict[str, Statement]:
    """The session's published statements by key (the first, should a key come twice)."""
    found: dict[str, Statement] = {}
    for statement in state.statements.values():
        if statement.status is StatementStatus.PUBLISHED:
            found.setdefault(statement_key(session, statement), statement)
    return found


def _known_positions(state: SessionState, found: dict[str, Statement]) -> dict[str, dict[str, int]]:
    """key -> person -> their position in this session, for people who gave a key."""
    entries: dict[str, list[str]] = {}  # person -> their counted entries
    for participant in state.people():
        if participant.person is not None:
            entries.setdefault(participant.person, []).append(participant.id)
    known: dict[str, dict[str, int]] = {}
    for key, statement in found.items():
        for person, ids in entries.items():
            values = {state.positions.get((pid, statement.id)) for pid in ids} - {None}
            if len(values) == 1:  # several different ones: which is theirs is unknown
                (value,) = values
                if value is not None:
                    known.setdefault(key, {})[person] = value
    return known


def _shift(
    key: str, text: str, sessions: tuple[str, ...], people: dict[str, list[int]], k: int
) -> LinkedShift:
    changes = [values[-1] - values[0] for values in people.values() if len(values) >= 2]
    if len(changes) < k:
        return LinkedShift(
            key=key,
            text=text,
            sessions=sessions,
            hidden=True,
            people=None,
            mean_change=None,
            toward=None,
            away=None,
            stayed=None,
        )
    return LinkedShift(
        key=key,
        text=text,
        sessions=sessions,
        hidden=False,
        people=len(changes),
        mean_change=sum(changes) / len(changes),
        toward=sum(1 for c in changes if c > 0),
        away=sum(1 for c in changes if c < 0),
        stayed=sum(1 for c in changes if c == 0),
    )

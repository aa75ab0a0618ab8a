"""Value types of a Métrokawa: territories, the agenda, participants' roles, the two scales.

These are the domain's words. Every command, event and state record is built from them, and the
UI string keys use the same names (``role.habitant``, ``grade.tres_bien``…).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum

import msgspec

__all__ = [
    "GRADE_LABELS",
    "POSITION_LABELS",
    "Grade",
    "HostPolicy",
    "ParticipantRole",
    "Place",
    "Provenance",
    "RoundKind",
    "RoundSpec",
    "StatementKind",
    "TableSeating",
    "Territory",
    "anonymous_pseudonym",
    "is_reserved_pseudonym",
]


class ParticipantRole(StrEnum):
    """Why someone is in the room: the programme mixes residents, elected officials and staff."""

    HABITANT = "habitant"
    ELU = "elu"
    TECHNICIEN = "technicien"
    AUTRE = "autre"


class HostPolicy(StrEnum):
    """Between rounds, hosts either keep their table or hand it on (chosen per session)."""

    STAY = "stay"
    ROTATE = "rotate"


class RoundKind(StrEnum):
    """A round is table talk, a plenary moment, or the time of a vote."""

    TABLE = "table"
    PLENARY = "plenary"
    VOTE = "vote"


class StatementKind(StrEnum):
    """An énoncé names either a problem or an idea."""

    PROBLEM = "problem"
    IDEA = "idea"


class Grade(IntEnum):
    """Majority-judgment grades, worst (0) to best (6), as tallies are indexed."""

    A_REJETER = 0
    INSUFFISANT = 1
    PASSABLE = 2
    ASSEZ_BIEN = 3
    BIEN = 4
    TRES_BIEN = 5
    EXCELLENT = 6


GRADE_LABELS: dict[Grade, str] = {
    Grade.A_REJETER: "À rejeter",
    Grade.INSUFFISANT: "Insuffisant",
    Grade.PASSABLE: "Passable",
    Grade.ASSEZ_BIEN: "Assez bien",
    Grade.BIEN: "Bien",
    Grade.TRES_BIEN: "Très bien",
    Grade.EXCELLENT: "Excellent",
}

# A position is an int in -2..+2; ``None`` means the participant passed.
POSITION_LABELS: dict[int | None, str] = {
    -2: "Tout à fait contre",
    -1: "Plutôt contre",
    0: "Ni pour ni contre",
    1: "Plutôt pour",
    2: "Tout à fait pour",
    None: "Je passe",
}


def anonymous_pseudonym(participant: str) -> str:
    """The name an exported log gives someone who did not consent to show their pseudonym."""
    return f"Participant·e {participant.removeprefix('p')}"


def is_reserved_pseudonym(pseudonym: str) -> bool:
    """Names of the ``anonymous_pseudonym`` form are kept for exports: no two people share one."""
    words = pseudonym.casefold().split()  # any run of blanks, non-breaking spaces included
    return (
        len(words) == 2
        and words[0] in ("participant·e", "participante", "participant")
        and words[1].isdigit()
    )


class Territory(msgspec.Struct, frozen=True, kw_only=True):
    """One of the session's territories; ``qpv`` marks a quartier prioritaire."""

    id: str
    name: str
    commune: str
    qpv: bool


class Place(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, omit_defaults=True
):
    """Where a contribution of the online phase is about: an address as its author typed it, a
    point put on the map (WGS 84 degrees, both or neither), or both. Nothing is geocoded: the
    server never looks an address up, so the map shows only the points people put."""

    address: str | None = None
    lat: float | None = None
    lon: float | None = None


class RoundSpec(msgspec.Struct, frozen=True, kw_only=True):
    """One line of the agenda: what kind of round, its prompt, how long it lasts."""

    kind: RoundKind
    prompt: str
    duration_ms: int


class TableSeating(msgspec.Struct, frozen=True, kw_only=True):
    """Who sits at one table for the coming round, and who hosts it (``None`` if nobody can)."""

    table: int
    host: str | None
    members: tuple[str, ...]


class Provenance(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Where an imported statement comes from: another step of the programme (the online phase,
    the metropolitan Métrokawa, another session). ``key`` is the programme's own name for the
    statement, the same in every session that imports it, so that its positions can be compared
    across sessions and territories; ``statement`` is its id in the source session, if any."""

    key: str  # "e3": at most 40 characters of [a-z0-9-]
    source: str  # in words: « Forum numérique », « Métrokawa métropolitain »
    territories: tuple[str, ...] = ()  # the names of the territories it came from
    statement: str | None = None  # its id in the source session ("s7")
    # How the online phase rated it, when it comes from there: positions at −2, −1, 0, +1, +2,
    # then passes, summed over the statements its comparison grouped whose tallies are shown
    # (k voters at least: one person counts once per statement); () when none is.
    ratings: tuple[int, ...] = ()

"""French for the cahier: dates in Paris time, numbers, percentages, and the labels of codes.

Every figure and code the wording prints goes through here, so the cahier writes ``1 234`` (with a
narrow no-break space), ``60 %``, ``1er``, ``Assez bien``, ``table 3`` and ``2 habitant·e·s`` the
same way everywhere. Counts with their noun go through ``plural`` (``typography``: 0 and 1 take
the singular); an id is said as its number (``spoken``: « vote 1 », never « v1 »).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Final

from ..model import GRADE_LABELS, Grade
from ..typography import count as number
from ..typography import plural
from .model import StatementRef

__all__ = [
    "END_REASONS",
    "KINDS",
    "RESOLUTIONS",
    "ROLES",
    "ROUND_KINDS",
    "end_reason",
    "french_date",
    "french_day",
    "from_source",
    "grade_label",
    "joined",
    "number",
    "ordinal",
    "paris_day",
    "percent",
    "plural",
    "profile_words",
    "provenance",
    "signed",
    "spoken",
]

_MONTHS: Final = (
    *("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"),
    *("septembre", "octobre", "novembre", "décembre"),
)
_DAYS: Final = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def _last_sunday(year: int, month: int) -> datetime:
    """1 a.m. UTC on the last Sunday of ``month``: when European summer time starts or ends."""
    day = datetime(year, month + 1, 1, 1, tzinfo=UTC) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() + 1) % 7)


def _paris(ms: int) -> datetime:
    """``ms`` since the epoch on Paris's clocks (EU summer time rule, no tz database needed)."""
    moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=ms)
    summer = _last_sunday(moment.year, 3) <= moment < _last_sunday(moment.year, 10)
    return moment + timedelta(hours=2 if summer else 1)


def paris_day(ms: int) -> str:
    """The calendar day (``2027-03-01``) it was in Paris at ``ms`` since the epoch."""
    return _paris(ms).date().isoformat()


def french_date(ms: int) -> str:
    """``ms`` since the epoch as Paris reads it (EU summer time rule, no tz database needed)."""
    local = _paris(ms)
    day = "1er" if local.day == 1 else str(local.day)
    return (
        f"{_DAYS[local.weekday()]} {day} {_MONTHS[local.month - 1]} {local.year}, "
        f"{local.hour} h {local.minute:02d} (heure de Paris)"
    )


def french_day(iso: str) -> str:
    """A calendar day (``2027-03-01``) as a French sentence writes it: « 1er mars 2027 »."""
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{'1er' if day == 1 else day} {_MONTHS[month - 1]} {year}"


def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(100 * share)}\u202f%"


def signed(value: float | None) -> str:
    if value is None:
        return "—"
    text = f"{abs(value):.2f}".replace(".", ",")
    return ("+" if value > 0 else "\u2212" if value < 0 else "") + text


KINDS: Final = {"problem": "problème", "idea": "idée"}
ROUND_KINDS: Final = {"table": "tables", "plenary": "plénière", "vote": "vote"}
ROLES: Final = {  # role -> (one, many)
    "habitant": ("habitant·e", "habitant·e·s"),
    "elu": ("élu·e", "élu·e·s"),
    "technicien": ("technicien·ne", "technicien·ne·s"),
    "autre": ("autre", "autres"),
}
RESOLUTIONS: Final = {
    "amended": "levée par un amendement",
    "withdrawn": "retirée par son auteur·rice",
}
END_REASONS: Final = {
    "facilitator": "abandonné par l'animation",
    "session_closed": "abandonné à la clôture de la session",
}


def ordinal(rank: int | None) -> str:
    return "—" if rank is None else ("1er" if rank == 1 else f"{rank}e")


def grade_label(value: int | None) -> str:
    return "—" if value is None else GRADE_LABELS[Grade(value)]


def spoken(ident: str) -> str:
    """An id as people say it: its number (``v1`` → ``1``, ``vx12`` → ``12``). Ids are the
    state's counters, a prefix and a number; anything else is shown as it is."""
    digits = ident.lstrip("abcdefghijklmnopqrstuvwxyz")
    return digits if digits.isdigit() else ident


def provenance(s: StatementRef) -> str:
    """Where a statement comes from: its round and table, or, imported from another step of the
    programme, that step and its territories (« issu du Forum numérique — Clichy-sous-Bois »),
    or, written in the online phase, that and its theme."""
    said = f"énoncé {spoken(s.id)}, {KINDS.get(s.kind, s.kind)}"
    if s.provenance is not None:
        where = s.provenance.territories
        return f"{said}, issu {from_source(s.provenance.source)}" + (
            f" — {joined(where)}" if where else ""
        )
    if s.round == 0:  # a forum's contribution: no round, no table (the online phase)
        return f"{said}, écrit en ligne" + (f", thème « {s.theme} »" if s.theme else "")
    table = "en plénière" if s.table is None else f"table {s.table}"
    return f"{said}, manche {s.round}, {table}"


# A source named with its article is contracted with « de » as French has it.
_ARTICLES: Final = (("le ", "du "), ("les ", "des "), ("la ", "de la "), ("l'", "de l'"))


def from_source(source: str) -> str:
    """« de » and a source in words: « du Forum numérique » for « le Forum numérique », « de la
    phase en ligne » for « la phase en ligne »; a source written without its article (the
    gender of a name cannot be guessed) is quoted: « de « Forum numérique » »."""
    folded = source.replace("’", "'")
    for article, contracted in _ARTICLES:
        if folded[: len(article)].casefold() == article:
            return contracted + source[len(article) :]
    return f"de « {source} »"


def joined(names: Sequence[str]) -> str:
    """Names in a French list: « A », « A et B », « A, B et C »."""
    if len(names) < 2:
        return "".join(names)
    return f"{', '.join(names[:-1])} et {names[-1]}"


def end_reason(reason: str | None) -> str:
    """Why a consent round was abandoned, as the cahier says it."""
    return END_REASONS.get(reason or "", "abandonné")


def profile_words(
    profile: Sequence[int], figure: Callable[[int], str], *, skip_empty: bool = False
) -> str:
    """A merit profile read aloud, best grade first: ``Excellent 3, Très bien 5, …``."""
    return ", ".join(
        f"{grade_label(g)} {figure(n)}"
        for g, n in reversed(list(enumerate(profile)))
        if n or not skip_empty
    )

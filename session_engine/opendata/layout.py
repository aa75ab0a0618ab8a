"""The openData files' names and columns, CSV text in and out, Java's date, and the numbers
that stand for participants and statements."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Final

COMMENTS: Final = "comments.csv"
VOTES: Final = "votes.csv"
PARTICIPANTS_VOTES: Final = "participants-votes.csv"
SUMMARY: Final = "summary.csv"
FILES: Final = (COMMENTS, VOTES, PARTICIPANTS_VOTES, SUMMARY)

COMMENT_COLUMNS: Final = (
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
)
VOTE_COLUMNS: Final = ("timestamp", "datetime", "comment-id", "voter-id", "vote")
PARTICIPANT_COLUMNS: Final = (
    "participant",
    "xid",
    "group-id",
    "n-comments",
    "n-votes",
    "n-agree",
    "n-disagree",
)
SUMMARY_KEYS: Final = (
    "topic",
    "url",
    "views",
    "voters",
    "voters-in-conv",
    "commenters",
    "comments",
    "groups",
    "conversation-description",
)

# Pol.is's own caps ("customs"), and a bound on any one text.
MAX_PARTICIPANTS: Final = 100_000
MAX_STATEMENTS: Final = 10_000
MAX_TEXT: Final = 4_000


class OpenDataError(ValueError):
    """Files that are not a Pol.is export we can read; the message is a French sentence."""


def write_csv(rows: Iterable[Sequence[object]]) -> str:
    """CSV as Pol.is's clojure-csv writes it: quotes only where needed, lines ending in LF."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue()


def read_csv(text: str, name: str) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of one file (a byte-order mark and CRLF are accepted)."""
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    rows = [row for row in rows if row]
    if not rows:
        raise OpenDataError(f"« {name} » est vide.")
    return rows[0], rows[1:]


def columns(header: Sequence[str], name: str, needed: Sequence[str]) -> dict[str, int]:
    """Where each needed column is (by name: Pol.is's files do not all have the same ones)."""
    where = {column: i for i, column in enumerate(header)}
    missing = [c for c in needed if c not in where]
    if missing:
        raise OpenDataError(f"« {name} » n'a pas la colonne « {missing[0]} ».")
    return where


def number(text: str, name: str, what: str, *, low: int = 0, high: int = 10**15) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise OpenDataError(f"« {name} » : « {text} » n'est pas un nombre ({what}).") from None
    if not low <= value <= high:
        raise OpenDataError(f"« {name} » : {value} est hors des bornes ({what}).")
    return value


_DAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS: Final = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)


def java_date(ms: int) -> str:
    """Java's ``Date.toString`` in UTC, as Pol.is's ``datetime`` column (English names)."""
    t = datetime.fromtimestamp(ms / 1000, tz=UTC)
    return (
        f"{_DAYS[t.weekday()]} {_MONTHS[t.month - 1]} {t.day:02d} "
        f"{t.hour:02d}:{t.minute:02d}:{t.second:02d} UTC {t.year}"
    )


def numbering(ids: Sequence[str], prefix: str) -> dict[str, int]:
    """Each id's number: ``p12`` is 11 when every id is the prefix and a number from 1, else
    the ids' order (the engine makes the first kind; a hand-made log may not)."""
    pattern = re.compile(rf"{re.escape(prefix)}([1-9][0-9]*)")
    found = [pattern.fullmatch(i) for i in ids]
    if all(found):
        return {i: int(m.group(1)) - 1 for i, m in zip(ids, found, strict=True) if m}
    return {i: n for n, i in enumerate(ids)}

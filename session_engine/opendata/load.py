"""A Pol.is conversation in from its openData CSV files: a replayable log (see the package)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Final

from ..codec import Envelope
from ..events import (
    Event,
    ParticipantJoined,
    PositionTaken,
    RoundEnded,
    RoundStarted,
    SessionClosed,
    SessionCreated,
    StatementHidden,
    StatementProposed,
    StatementPublished,
)
from ..logfile import LogHeader
from ..model import (
    HostPolicy,
    ParticipantRole,
    RoundKind,
    RoundSpec,
    StatementKind,
    Territory,
    anonymous_pseudonym,
)
from .layout import (
    COMMENTS,
    MAX_PARTICIPANTS,
    MAX_STATEMENTS,
    MAX_TEXT,
    PARTICIPANT_COLUMNS,
    PARTICIPANTS_VOTES,
    SUMMARY,
    VOTES,
    OpenDataError,
    columns,
    number,
    read_csv,
)

TERRITORY: Final = Territory(id="t1", name="Pol.is", commune="conversation importée", qpv=False)
FACILITATOR: Final = "facilitator"
_VALUES: Final[dict[int, int | None]] = {1: 1, -1: -1, 0: None}  # Pol.is vote -> position
_MINUTE: Final = 60_000


@dataclass(frozen=True)
class _Comment:
    tid: int
    author: int | None  # None: a moderator's comment (an empty ``author-id``)
    at: int
    moderated: int  # 1 accepted, -1 moderated out, 0 never moderated
    text: str


@dataclass(frozen=True)
class _Vote:
    at: int
    tid: int
    pid: int
    vote: int
    row: int  # the file's order: equal times keep it


def load_polis(files: Mapping[str, str]) -> tuple[LogHeader, list[Envelope]]:
    """The header and the envelopes of a log holding the conversation ``files`` describe
    (file name -> text: ``comments.csv``, and ``votes.csv`` or ``participants-votes.csv``;
    ``summary.csv`` if there is one). Raises ``OpenDataError`` on files it cannot read."""
    if COMMENTS not in files:
        raise OpenDataError(f"Il manque « {COMMENTS} ».")
    comments = _comments(files[COMMENTS])
    if VOTES in files:
        votes = _votes(files[VOTES], comments)
    elif PARTICIPANTS_VOTES in files:
        votes = _matrix(files[PARTICIPANTS_VOTES], comments)
    else:
        raise OpenDataError(f"Il manque « {VOTES} » (ou « {PARTICIPANTS_VOTES} »).")
    summary = _summary(files.get(SUMMARY, ""))
    people = _participants(comments, votes, summary.get("views", ""))
    times = [c.at for c in comments.values()] + [v.at for v in votes]
    start, end = (min(times), max(times)) if times else (0, 0)
    title = summary.get("topic", "").strip() or "Conversation Pol.is"
    prompt = summary.get("conversation-description", "").strip() or title
    timeline = sorted(
        _timeline(comments, votes, people, title, prompt, start, end), key=lambda e: e[0]
    )
    envelopes = [
        Envelope(seq=n, at=at, actor=actor, cmd=None, event=event)
        for n, (_, at, actor, event) in enumerate(timeline, start=1)
    ]
    header = LogHeader(session=_session_id(summary, files), title=title, created_at=start)
    return header, envelopes


# --- reading the files ---------------------------------------------------------------------------


def _comments(text: str) -> dict[int, _Comment]:
    header, rows = read_csv(text, COMMENTS)
    at = columns(header, COMMENTS, ("comment-id", "author-id", "comment-body"))
    found: dict[int, _Comment] = {}
    for row in rows:
        cell = _Cell(row, at)
        tid = number(cell("comment-id"), COMMENTS, "comment-id", high=10**9)
        if tid in found:
            raise OpenDataError(f"« {COMMENTS} » : le commentaire {tid} apparaît deux fois.")
        body = cell("comment-body")
        if len(body) > MAX_TEXT:
            raise OpenDataError(f"« {COMMENTS} » : le commentaire {tid} est trop long.")
        found[tid] = _Comment(
            tid=tid,
            author=(
                number(author, COMMENTS, "author-id", high=10**9)
                if (author := cell("author-id")).strip()
                else None
            ),
            at=number(cell("timestamp") or "0", COMMENTS, "timestamp"),
            moderated=number(cell("moderated") or "1", COMMENTS, "moderated", low=-1, high=1),
            text=body,
        )
    if len(found) > MAX_STATEMENTS:
        raise OpenDataError(f"« {COMMENTS} » : plus de {MAX_STATEMENTS} commentaires.")
    return found


@dataclass(frozen=True)
class _Cell:
    """``cell("vote")``: a row's value in a named column, empty when the row is short."""

    row: list[str]
    at: Mapping[str, int]

    def __call__(self, column: str) -> str:
        i = self.at.get(column)
        return self.row[i] if i is not None and i < len(self.row) else ""


def _votes(text: str, comments: Mapping[int, _Comment]) -> list[_Vote]:
    header, rows = read_csv(text, VOTES)
    at = columns(header, VOTES, ("comment-id", "voter-id", "vote"))
    votes = []
    for n, row in enumerate(rows):
        cell = _Cell(row, at)
        tid = _known(number(cell("comment-id"), VOTES, "comment-id", high=10**9), comments)
        votes.append(
            _Vote(
                at=number(cell("timestamp") or str(comments[tid].at), VOTES, "timestamp"),
                tid=tid,
                pid=number(cell("voter-id"), VOTES, "voter-id", high=10**9),
                vote=number(cell("vote"), VOTES, "vote", low=-1, high=1),
                row=n,
            )
        )
    return votes


def _matrix(text: str, comments: Mapping[int, _Comment]) -> list[_Vote]:
    """The latest votes of ``participants-votes.csv``, at their statement's time."""
    header, rows = read_csv(text, PARTICIPANTS_VOTES)
    at = columns(header, PARTICIPANTS_VOTES, ("participant",))
    statements = [
        (i, _known(number(c, PARTICIPANTS_VOTES, "comment-id", high=10**9), comments))
        for i, c in enumerate(header)
        if c not in PARTICIPANT_COLUMNS
    ]
    votes: list[_Vote] = []
    for row in rows:
        pid = number(row[at["participant"]], PARTICIPANTS_VOTES, "participant", high=10**9)
        for i, tid in statements:
            if i < len(row) and row[i].strip():
                vote = number(row[i], PARTICIPANTS_VOTES, "vote", low=-1, high=1)
                votes.append(_Vote(comments[tid].at, tid, pid, vote, len(votes)))
    return votes


def _known(tid: int, comments: Mapping[int, _Comment]) -> int:
    if tid not in comments:
        raise OpenDataError(f"Un vote porte sur le commentaire {tid}, absent de « {COMMENTS} ».")
    return tid


def _summary(text: str) -> dict[str, str]:
    if not text.strip():
        return {}
    header, rows = read_csv(text, SUMMARY)
    return {row[0]: row[1] if len(row) > 1 else "" for row in [header, *rows]}


def _participants(comments: Mapping[int, _Comment], votes: list[_Vote], views: str) -> list[int]:
    """Voters and authors, then the lowest free numbers until there are ``views`` people."""
    seen = {v.pid for v in votes} | {c.author for c in comments.values() if c.author is not None}
    wanted = number(views, SUMMARY, "views", high=MAX_PARTICIPANTS) if views.strip() else 0
    if max(len(seen), wanted) > MAX_PARTICIPANTS:
        raise OpenDataError(f"Plus de {MAX_PARTICIPANTS} participant·e·s : trop pour un journal.")
    free = (n for n in range(MAX_PARTICIPANTS + len(seen)) if n not in seen)
    extra = [next(free) for _ in range(max(0, wanted - len(seen)))]
    return sorted(seen | set(extra))


def _session_id(summary: Mapping[str, str], files: Mapping[str, str]) -> str:
    """``polis-`` and the conversation's code from its URL, else a digest of the files."""
    code = summary.get("url", "").rstrip("/").rsplit("/", 1)[-1]
    if re.fullmatch(r"[A-Za-z0-9_-]{1,40}", code) and "pol.is" in summary.get("url", ""):
        return f"polis-{code}"
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name].encode() + b"\0")
    return f"polis-{digest.hexdigest()[:12]}"


# --- the log -------------------------------------------------------------------------------------

_Entry = tuple[tuple[int, int, int], int, str, Event]  # (sort key), at, actor, event


def _timeline(
    comments: Mapping[int, _Comment],
    votes: list[_Vote],
    people: list[int],
    title: str,
    prompt: str,
    start: int,
    end: int,
) -> Iterator[_Entry]:
    """Every event with its sort key (time, then kind, then a tie-break), time and actor."""
    yield from _opening(people, title, prompt, start, end)
    yield from _statements(comments, {v.tid for v in votes}, end)
    yield from _positions(votes, comments)
    yield (end, 6, 0), end, FACILITATOR, RoundEnded(round=1, reason="facilitator")
    yield (end, 7, 0), end, FACILITATOR, SessionClosed()


def _opening(people: list[int], title: str, prompt: str, start: int, end: int) -> Iterator[_Entry]:
    """The session, everyone joined, and one round that lasts the whole conversation."""
    duration = max(_MINUTE, end - start + 1)
    spec = RoundSpec(kind=RoundKind.TABLE, prompt=prompt, duration_ms=duration)
    created = SessionCreated(
        title=title,
        territories=(TERRITORY,),
        agenda=(spec,),
        table_size=6,
        host_policy=HostPolicy.STAY,
    )
    yield (start, 0, 0), start, FACILITATOR, created
    for n, pid in enumerate(people, start=1):
        p = _participant(pid)
        joined = ParticipantJoined(
            participant=p,
            pseudonym=anonymous_pseudonym(p),
            territory=TERRITORY.id,
            role=ParticipantRole.AUTRE,
            stays_seated=False,
            consent=False,
        )
        yield (start, 0, n), start, p, joined
    yield (start, 1, 0), start, FACILITATOR, RoundStarted(round=1, deadline=start + duration)


def _statements(comments: Mapping[int, _Comment], voted: set[int], end: int) -> Iterator[_Entry]:
    """Each comment proposed by its author, published when accepted or voted on, hidden at the
    end when moderated out (Pol.is does not say when it was)."""
    for c in comments.values():
        s = _statement(c.tid)
        author = FACILITATOR if c.author is None else _participant(c.author)
        proposed = StatementProposed(
            statement=s, author=author, text=c.text, kind=StatementKind.IDEA, round=1, table=None
        )
        yield (c.at, 2, c.tid), c.at, author, proposed
        if c.moderated == 1 or c.tid in voted:
            yield (c.at, 3, c.tid), c.at, FACILITATOR, StatementPublished(statement=s)
        if c.moderated == -1:
            yield (end, 5, c.tid), end, FACILITATOR, StatementHidden(statement=s)


def _positions(votes: list[_Vote], comments: Mapping[int, _Comment]) -> Iterator[_Entry]:
    for v in votes:
        p = _participant(v.pid)
        taken = PositionTaken(
            participant=p, statement=_statement(v.tid), value=_VALUES[v.vote], round=1
        )
        # Never before its statement is published, whatever a clock said; equal times keep
        # the file's order, so that the latest of two votes stays the latest.
        yield (max(v.at, comments[v.tid].at), 4, v.row), v.at, p, taken


def _participant(pid: int) -> str:
    return f"p{pid + 1}"


def _statement(tid: int) -> str:
    return f"s{tid + 1}"

"""The public archive: published sessions and programmes, their pages and their downloads.

Publishing (``publish_session``, ``publish_programme``: called by the programme pages once an
organiser decides) reads a session's log from the hub's store, makes its published log
(``session_engine.archive.anonymise``) and every artefact from that log only — the ``.mkawa``
file and the Pol.is CSV files from it once ``unlink``ed (nobody's position or ballot as theirs),
``resultats.json`` and the cahier's HTML (the PDF is printed from it at the first request, then
kept) from it as it is, their per-territory figures under the k rule; that log itself kept
unserved (``LINKED_LOG``) for the programme's cahier — and stores them under a new archive id:
``a`` and 72 random bits, never the session's id nor its join code, so that nothing published
leads back to the live session, its links or its tokens.

Archives live in the store's own database (``archives`` and ``archive_files``, created here,
next to the event store's tables; ``SqlStore``), or in memory beside a ``MemoryStore``. Each row
carries what the list filters on (territories, communes, themes as normalised facets, the date)
and what ``q`` searches: the archive's title and its published statements' texts, lower-cased
and without accents, so that « ecole » finds « École ».

Routes (public, no account needed): ``/archives`` (the list: filters ``territoire``,
``commune``, ``theme``, ``du``, ``au``, ``q``, 50 a page; ``?format=json``
for the same as JSON), ``/archives/{id}`` (its page), its artefacts, and
``/archives/{id}/comparer`` (each imported statement's positions, session by session and
territory by territory, across the archives of its programme). Pages are server-rendered French
HTML, without script.
"""

from __future__ import annotations

import asyncio
import datetime
import json
import logging
import re
import secrets
import time
import unicodedata
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal, Protocol
from urllib.parse import quote

import msgspec
from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    and_,
    func,
    insert,
    select,
)
from sqlalchemy.sql import ColumnElement
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from session_engine import LogHeader, decode_envelope, write_log
from session_engine.archive import anonymise, results, unlink
from session_engine.codec import Envelope
from session_engine.opendata import export_polis
from session_engine.report import build_report, french_day, render_html
from session_engine.typography import plural

from .store import EventStore, SqlStore
from .web import esc, fr

__all__ = [
    "PAGE_SIZE",
    "ArchiveMeta",
    "ArchiveRecord",
    "Archives",
    "MemoryArchives",
    "SqlArchives",
    "archive_routes",
    "open_archives",
    "publish_programme",
    "publish_session",
    "publish_session_from",
]

log = logging.getLogger("metrokawa.archives")

PAGE_SIZE: Final = 50
MAX_TEXT: Final = 200  # a title, a territory, a commune, a theme, a filter
MAX_ITEMS: Final = 60  # territories, communes, themes, members of one archive
MAX_PAGE: Final = 10_000
CHOICES_TTL_S: Final = 30.0  # how long the form's suggestions are kept (``Choices``)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

# What each artefact is called in the store, and its media type.
MKAWA: Final = "journal.mkawa"
RESULTS: Final = "resultats.json"
CAHIER_HTML: Final = "cahier.html"
CAHIER_PDF: Final = "cahier.pdf"
POLIS_PREFIX: Final = "polis/"
# The published log before ``unlink`` (positions linked to pseudonymised participants): kept for
# the programme's cahier, whose per-territory figures need it; no route serves it.
LINKED_LOG: Final = "interne/journal-lie.mkawa"
MEDIA: Final = {
    MKAWA: "application/vnd.metrokawa.log+msgpack",
    RESULTS: "application/json",
    CAHIER_HTML: "text/html; charset=utf-8",
    CAHIER_PDF: "application/pdf",
}


def is_day(text: str) -> bool:
    """``YYYY-MM-DD``, a day of the calendar (not « 2026-13-45 »)."""
    if not _DATE.fullmatch(text):
        return False
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


class ArchiveError(ValueError):
    """A publication refused: ``code`` is stable (``not_found``, ``bad_request``)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code


_STEP: Final = re.compile(r"ps[0-9]{1,6}")


class ArchiveMeta(msgspec.Struct, frozen=True, kw_only=True):
    """What the organiser says of an archive (contract C)."""

    title: str
    kind: Literal["session", "programme"] = "session"
    programme: str | None = None  # the programme's title
    territories: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    date: str  # YYYY-MM-DD
    themes: tuple[str, ...] = ()
    # A session published from a programme: its id there (``ps1``), which the provenance keys of
    # the statements other sessions imported from it start with, so « comparer » finds it too.
    step: str | None = None

    def checked(self) -> ArchiveMeta:
        """The same, with blanks trimmed; ``ArchiveError`` when a field is out of bounds."""

        def text(value: str, name: str) -> str:
            value = " ".join(value.split())
            if not value or len(value) > MAX_TEXT:
                raise ArchiveError("bad_request", f"{name}: 1 to {MAX_TEXT} characters")
            return value

        def texts(values: tuple[str, ...], name: str) -> tuple[str, ...]:
            if len(values) > MAX_ITEMS:
                raise ArchiveError("bad_request", f"{name}: at most {MAX_ITEMS}")
            return tuple(dict.fromkeys(text(v, name) for v in values))

        if not is_day(self.date):
            raise ArchiveError("bad_request", "date: YYYY-MM-DD")
        if self.step is not None and not _STEP.fullmatch(self.step):
            raise ArchiveError("bad_request", "step: ps and a number")
        return ArchiveMeta(
            title=text(self.title, "title"),
            kind=self.kind,
            programme=None if self.programme is None else text(self.programme, "programme"),
            territories=texts(self.territories, "territories"),
            communes=texts(self.communes, "communes"),
            date=self.date,
            themes=texts(self.themes, "themes"),
            step=self.step,
        )


class ArchiveRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One archive as the list shows it (its artefacts are kept apart)."""

    id: str
    kind: str
    title: str
    programme: str | None
    territories: tuple[str, ...]
    communes: tuple[str, ...]
    date: str
    themes: tuple[str, ...]
    created_at: int  # ms since the epoch: when it was published
    members: tuple[str, ...] = ()  # a programme's session archives


@dataclass(frozen=True)
class Filters:
    """The list's filters, each already bounded and normalised (``None``: no filter)."""

    territoire: str | None = None
    commune: str | None = None
    theme: str | None = None
    du: str | None = None
    au: str | None = None
    q: str | None = None


@dataclass(frozen=True)
class Choices:
    """The values the list's filters may take (the form suggests them): every territory,
    commune and theme of the archives, sorted as French readers expect (accents ignored)."""

    territoires: tuple[str, ...] = ()
    communes: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()

    @classmethod
    def of(cls, records: Iterable[ArchiveRecord]) -> Choices:
        territories: set[str] = set()
        communes: set[str] = set()
        themes: set[str] = set()
        for record in records:
            territories.update(record.territories)
            communes.update(record.communes)
            themes.update(record.themes)

        def ordered(values: set[str]) -> tuple[str, ...]:
            return tuple(sorted(values, key=lambda v: (normalise(v), v)))

        return cls(ordered(territories), ordered(communes), ordered(themes))


def normalise(text: str) -> str:
    """Lower case, no accents, one space between words, typographic apostrophes made plain:
    what a filter and the search compare."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().split())


def _facets(meta: ArchiveMeta) -> str:
    """``|t:name|c:commune|h:theme|``: each value whole between bars, so that a filter matches
    one value exactly (``LIKE '%|t:value|%'``)."""
    parts = [f"t:{normalise(t)}" for t in meta.territories]
    parts += [f"c:{normalise(c)}" for c in meta.communes]
    parts += [f"h:{normalise(h)}" for h in meta.themes]
    return "|" + "|".join(p.replace("|", " ") for p in parts) + "|"


# --- storage ------------------------------------------------------------------------------------


class Archives(Protocol):
    async def add(
        self, record: ArchiveRecord, facets: str, search: str, files: dict[str, bytes]
    ) -> None: ...
    async def replace(
        self, record: ArchiveRecord, facets: str, search: str, files: dict[str, bytes]
    ) -> None: ...
    async def get(self, archive_id: str) -> ArchiveRecord | None: ...
    async def file(self, archive_id: str, name: str) -> bytes | None: ...
    async def put_file(self, archive_id: str, name: str, data: bytes) -> None: ...
    async def search_text(self, archive_id: str) -> str: ...
    async def find(self, filters: Filters, page: int) -> tuple[list[ArchiveRecord], int]: ...
    async def programmes_of(self, archive_id: str) -> list[ArchiveRecord]: ...
    async def choices(self) -> Choices: ...


def _like(value: str) -> str:
    """``value`` for a LIKE pattern, its wildcards escaped (ESCAPE '\\')."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class MemoryArchives:
    """Beside a ``MemoryStore`` (tests, ``--db memory://``): the same behaviour, in dicts."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[ArchiveRecord, str, str]] = {}
        self._files: dict[tuple[str, str], bytes] = {}

    async def add(
        self, record: ArchiveRecord, facets: str, search: str, files: dict[str, bytes]
    ) -> None:
        if record.id in self._rows:
            raise ArchiveError("conflict", record.id)
        self._rows[record.id] = (record, facets, search)
        for name, data in files.items():
            self._files[record.id, name] = data

    async def replace(
        self, record: ArchiveRecord, facets: str, search: str, files: dict[str, bytes]
    ) -> None:
        self._rows.pop(record.id, None)
        for key in [k for k in self._files if k[0] == record.id]:
            del self._files[key]
        await self.add(record, facets, search, files)

    async def get(self, archive_id: str) -> ArchiveRecord | None:
        row = self._rows.get(archive_id)
        return None if row is None else row[0]

    async def file(self, archive_id: str, name: str) -> bytes | None:
        return self._files.get((archive_id, name))

    async def put_file(self, archive_id: str, name: str, data: bytes) -> None:
        self._files[archive_id, name] = data

    async def search_text(self, archive_id: str) -> str:
        row = self._rows.get(archive_id)
        return "" if row is None else row[2]

    async def find(self, filters: Filters, page: int) -> tuple[list[ArchiveRecord], int]:
        def keep(record: ArchiveRecord, facets: str, search: str) -> bool:
            wanted = [
                f"|{tag}:{value}|"
                for tag, value in (
                    ("t", filters.territoire),
                    ("c", filters.commune),
                    ("h", filters.theme),
                )
                if value is not None
            ]
            return (
                all(w in facets for w in wanted)
                and (filters.du is None or record.date >= filters.du)
                and (filters.au is None or record.date <= filters.au)
                and (filters.q is None or filters.q in search)
            )

        found = [r for r, facets, search in self._rows.values() if keep(r, facets, search)]
        found.sort(key=lambda r: (r.date, r.created_at, r.id), reverse=True)
        start = (page - 1) * PAGE_SIZE
        return found[start : start + PAGE_SIZE], len(found)

    async def programmes_of(self, archive_id: str) -> list[ArchiveRecord]:
        return [r for r, _, _ in self._rows.values() if archive_id in r.members]

    async def choices(self) -> Choices:
        return Choices.of(r for r, _, _ in self._rows.values())


_METADATA = MetaData()
ARCHIVES = Table(
    "archives",
    _METADATA,
    Column("id", String(40), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("title", Text, nullable=False),
    Column("programme", Text, nullable=True),
    Column("territories", Text, nullable=False),  # JSON list
    Column("communes", Text, nullable=False),  # JSON list
    Column("themes", Text, nullable=False),  # JSON list
    Column("members", Text, nullable=False),  # JSON list of archive ids
    Column("facets", Text, nullable=False),  # ``_facets``
    Column("date", String(10), nullable=False, index=True),
    Column("search", Text, nullable=False),  # normalised title and published statements
    Column("created_at", BigInteger, nullable=False),
)
ARCHIVE_FILES = Table(
    "archive_files",
    _METADATA,
    Column("archive_id", String(40), primary_key=True),
    Column("name", String(80), primary_key=True),
    Column("data", LargeBinary, nullable=False),
)
_LISTED = [c for c in ARCHIVES.columns if c.name not in ("facets", "search")]


def _record(row: Any) -> ArchiveRecord:
    return ArchiveRecord(
        id=row.id,
        kind=row.kind,
        title=row.title,
        programme=row.programme,
        territories=tuple(json.loads(row.territories)),
        communes=tuple(json.loads(row.communes)),
        date=row.date,
        themes=tuple(json.loads(row.themes)),
        created_at=int(row.created_at),
        members=tuple(json.loads(row.members)),
    )


class SqlArchives:
    """In the event store's database (SQLite or PostgreSQL), through its engine; the queries
    run on threads, off the event loop (never on the store's own append thread)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        _METADATA.create_all(engine)
        # The form's suggestions, read again at most every CHOICES_TTL_S seconds: another
        # worker may publish, and no list request should read every row.
        self._choices: tuple[float, Choices] | None = None

    async def add(
        self,
        record: ArchiveRecord,
        facets: str,
        search: str,
        files: dict[str, bytes],
        *,
        replacing: bool = False,
    ) -> None:
        row = {
            "id": record.id,
            "kind": record.kind,
            "title": record.title,
            "programme": record.programme,
            "territories": json.dumps(record.territories, ensure_ascii=False),
            "communes": json.dumps(record.communes, ensure_ascii=False),
            "themes": json.dumps(record.themes, ensure_ascii=False),
            "members": json.dumps(record.members),
            "facets": facets,
            "date": record.date,
            "search": search,
            "created_at": record.created_at,
        }
        blobs = [{"archive_id": record.id, "name": n, "data": d} for n, d in files.items()]

        def work() -> None:
            with self._engine.begin() as db:  # the row and its files, or nothing
                if replacing:
                    db.execute(
                        ARCHIVE_FILES.delete().where(ARCHIVE_FILES.c.archive_id == record.id)
                    )
                    db.execute(ARCHIVES.delete().where(ARCHIVES.c.id == record.id))
                db.execute(insert(ARCHIVES), [row])
                if blobs:
                    db.execute(insert(ARCHIVE_FILES), blobs)

        await asyncio.to_thread(work)

    async def replace(
        self, record: ArchiveRecord, facets: str, search: str, files: dict[str, bytes]
    ) -> None:
        """An archive made again under its id (a programme's, as its vœux go on): its row and
        every file, the printed PDF included, replaced in one transaction."""
        await self.add(record, facets, search, files, replacing=True)

    async def get(self, archive_id: str) -> ArchiveRecord | None:
        def work() -> ArchiveRecord | None:
            with self._engine.connect() as db:
                row = db.execute(select(*_LISTED).where(ARCHIVES.c.id == archive_id)).first()
            return None if row is None else _record(row)

        return await asyncio.to_thread(work)

    async def file(self, archive_id: str, name: str) -> bytes | None:
        def work() -> bytes | None:
            query = select(ARCHIVE_FILES.c.data).where(
                ARCHIVE_FILES.c.archive_id == archive_id, ARCHIVE_FILES.c.name == name
            )
            with self._engine.connect() as db:
                data = db.execute(query).scalar()
            return None if data is None else bytes(data)

        return await asyncio.to_thread(work)

    async def put_file(self, archive_id: str, name: str, data: bytes) -> None:
        def work() -> None:
            where = and_(ARCHIVE_FILES.c.archive_id == archive_id, ARCHIVE_FILES.c.name == name)
            with self._engine.begin() as db:
                db.execute(ARCHIVE_FILES.delete().where(where))
                db.execute(
                    insert(ARCHIVE_FILES), [{"archive_id": archive_id, "name": name, "data": data}]
                )

        await asyncio.to_thread(work)

    async def search_text(self, archive_id: str) -> str:
        def work() -> str:
            query = select(ARCHIVES.c.search).where(ARCHIVES.c.id == archive_id)
            with self._engine.connect() as db:
                return str(db.execute(query).scalar() or "")

        return await asyncio.to_thread(work)

    async def find(self, filters: Filters, page: int) -> tuple[list[ArchiveRecord], int]:
        where: list[ColumnElement[bool]] = []
        for tag, value in (("t", filters.territoire), ("c", filters.commune), ("h", filters.theme)):
            if value is not None:
                pattern = f"%|{_like(tag + ':' + value)}|%"
                where.append(ARCHIVES.c.facets.like(pattern, escape="\\"))
        if filters.du is not None:
            where.append(ARCHIVES.c.date >= filters.du)
        if filters.au is not None:
            where.append(ARCHIVES.c.date <= filters.au)
        if filters.q is not None:
            where.append(ARCHIVES.c.search.like(f"%{_like(filters.q)}%", escape="\\"))
        order = (ARCHIVES.c.date.desc(), ARCHIVES.c.created_at.desc(), ARCHIVES.c.id.desc())
        listed = select(*_LISTED).where(*where).order_by(*order)
        listed = listed.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
        counted = select(func.count()).select_from(ARCHIVES).where(*where)

        def work() -> tuple[list[ArchiveRecord], int]:
            with self._engine.connect() as db:
                rows = [_record(row) for row in db.execute(listed)]
                total = int(db.execute(counted).scalar() or 0)
            return rows, total

        return await asyncio.to_thread(work)

    async def choices(self) -> Choices:
        now = time.monotonic()
        if self._choices is not None and now - self._choices[0] < CHOICES_TTL_S:
            return self._choices[1]
        query = select(ARCHIVES.c.territories, ARCHIVES.c.communes, ARCHIVES.c.themes)

        def work() -> Choices:
            with self._engine.connect() as db:
                rows = db.execute(query).all()
            records = (
                ArchiveRecord(
                    id="",
                    kind="",
                    title="",
                    programme=None,
                    territories=tuple(json.loads(row.territories)),
                    communes=tuple(json.loads(row.communes)),
                    date="",
                    themes=tuple(json.loads(row.themes)),
                    created_at=0,
                )
                for row in rows
            )
            return Choices.of(records)

        found = await asyncio.to_thread(work)
        self._choices = (now, found)
        return found

    async def programmes_of(self, archive_id: str) -> list[ArchiveRecord]:
        # Members are a JSON list of ids: an id is "a" and URL-safe base64, never a quote.
        pattern = f'%"{_like(archive_id)}"%'
        query = select(*_LISTED).where(
            ARCHIVES.c.kind == "programme", ARCHIVES.c.members.like(pattern, escape="\\")
        )

        def work() -> list[ArchiveRecord]:
            with self._engine.connect() as db:
                return [_record(row) for row in db.execute(query)]

        return await asyncio.to_thread(work)


def open_archives(store: EventStore) -> Archives:
    """The archives beside ``store``: in its database for a ``SqlStore``, else in memory."""
    if isinstance(store, SqlStore):
        # The store's engine: its database, its pool and its SQLite pragmas (WAL, busy wait).
        return SqlArchives(store.engine)
    return MemoryArchives()


# --- publishing ---------------------------------------------------------------------------------


def new_archive_id() -> str:
    """``a`` and 72 random bits, URL-safe: unguessable, and nothing of the session's id."""
    return "a" + secrets.token_urlsafe(9)


@dataclass(frozen=True)
class _Made:
    files: dict[str, bytes]
    search: str


def _session_artefacts(
    header: LogHeader, envelopes: list[Envelope], archive_id: str, meta: ArchiveMeta
) -> _Made:
    """Every artefact of a session archive, made from its published log only. CPU-bound: run
    off the event loop. The log and the Pol.is files are the unlinked log (nobody's position or
    ballot as theirs); the cahier and ``resultats.json``, whose per-territory figures need each
    position's territory (under the k rule), come from the log before ``unlink``."""
    published_header, linked = anonymise(header, envelopes, archive=archive_id)
    published = unlink(linked)
    found = results(published_header, linked)
    if meta.step is not None:
        found["step"] = meta.step
    files = {
        MKAWA: write_log(published_header, published),
        RESULTS: json.dumps(found, ensure_ascii=False, indent=1).encode(),
        CAHIER_HTML: render_html(build_report(published_header, linked)).encode(),
        LINKED_LOG: write_log(published_header, linked),
    }
    for name, text in export_polis(published_header, published).items():
        files[POLIS_PREFIX + name] = text.encode()
    statements = " ".join(s["text"] for s in found["statements"])
    return _Made(files, normalise(f"{meta.title} {statements}"))


async def publish_session_from(
    store: EventStore, archives: Archives, session_id: str, meta: ArchiveMeta
) -> str:
    """Publish session ``session_id`` of ``store`` in ``archives``: its new archive id.
    ``ArchiveError`` (``not_found``, ``bad_request``) and nothing stored otherwise."""
    meta = msgspec.structs.replace(meta.checked(), kind="session")
    record = await store.session(session_id)
    if record is None:
        raise ArchiveError("not_found", "no such session")
    envelopes = [decode_envelope(r) for r in await store.read(session_id)]
    header = LogHeader(session=record.id, title=record.title, created_at=record.created_at)
    archive_id = new_archive_id()
    made = await run_in_threadpool(_session_artefacts, header, envelopes, archive_id, meta)
    archive = _archive_record(archive_id, meta, ())
    await archives.add(archive, _facets(meta), made.search, made.files)
    return archive_id


async def publish_session(app: Any, session_id: str, meta: ArchiveMeta) -> str:
    """Publish a session of the app's store (``app`` or its ``state``): its archive id."""
    state = getattr(app, "state", app)
    return await publish_session_from(state.hub.store, state.archives, session_id, meta)


async def publish_programme(
    app: Any,
    meta: ArchiveMeta,
    members: list[str],
    cahier_html: str,
    *,
    replaces: str | None = None,
) -> str:
    """Publish a programme: its cahier (HTML, made by the programme pages from published logs)
    and the session archives it gathers (``members``: archive ids, published first). Its
    search text is theirs."""
    state = getattr(app, "state", app)
    archives: Archives = state.archives
    meta = msgspec.structs.replace(meta.checked(), kind="programme")
    if len(members) > MAX_ITEMS:
        raise ArchiveError("bad_request", f"members: at most {MAX_ITEMS}")
    searches = []
    for member in dict.fromkeys(members):
        found = await archives.get(member)
        if found is None or found.kind != "session":
            raise ArchiveError("not_found", f"no session archive {member!r}")
        searches.append(await archives.search_text(member))
    archive_id = replaces or new_archive_id()
    archive = _archive_record(archive_id, meta, tuple(dict.fromkeys(members)))
    search = normalise(meta.title) + " " + " ".join(searches)
    store = archives.replace if replaces else archives.add
    await store(archive, _facets(meta), search, {CAHIER_HTML: cahier_html.encode()})
    return archive_id


def _archive_record(archive_id: str, meta: ArchiveMeta, members: tuple[str, ...]) -> ArchiveRecord:
    return ArchiveRecord(
        id=archive_id,
        kind=meta.kind,
        title=meta.title,
        programme=meta.programme,
        territories=meta.territories,
        communes=meta.communes,
        date=meta.date,
        themes=meta.themes,
        created_at=int(time.time() * 1000),
        members=members,
    )


# --- pages --------------------------------------------------------------------------------------


# Server-rendered pages without script; their styles inline, no image but data: URLs.
PAGE_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "Referrer-Policy": "no-referrer",
}

_STYLE = """
body{font:17px/1.5 system-ui,sans-serif;color:#1c1c1c;background:#f6f5f1;margin:0}
.skip{position:absolute;left:-999px}.skip:focus{left:8px;top:8px;background:#fff;padding:8px}
header,main,footer{max-width:60rem;margin:0 auto;padding:12px 16px}
header{border-bottom:1px solid #c9c5ba}header p{margin:0;font-weight:700}
a{color:#1f4fa3}a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #b3261e;
outline-offset:2px}
form.filters{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:8px 16px;
background:#fff;padding:12px;border:1px solid #c9c5ba;border-radius:6px}
label{display:block;font-weight:600}input{font:inherit;width:100%;box-sizing:border-box;
min-height:44px;padding:6px;border:1px solid #6b6b6b;border-radius:4px}
button{font:inherit;min-height:44px;padding:6px 16px;background:#1f4fa3;color:#fff;border:0;
border-radius:4px;cursor:pointer}.actions{display:flex;gap:12px;align-items:center}
ol.archives{list-style:none;padding:0}ol.archives li{background:#fff;border:1px solid #c9c5ba;
border-radius:6px;padding:8px 12px;margin:8px 0}ol.archives h2{font-size:1.1rem;margin:0}
.meta{color:#4a4a4a;margin:4px 0 0}nav.pages{display:flex;gap:16px;flex-wrap:wrap}
nav.pages a,ul.links a{display:inline-block;padding:10px 0;min-height:24px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}dt{font-weight:700}dd{margin:0}
table{border-collapse:collapse;background:#fff;margin:8px 0;font-size:.95rem;display:block;
overflow-x:auto}th,td{border:1px solid #c9c5ba;padding:4px 8px;text-align:left}
td.n{text-align:right}caption{text-align:left;font-weight:700;padding:4px 0}
"""


_FOOTER: Final = (
    "Archives anonymisées : aucun pseudonyme sans consentement, aucun chiffre pour un groupe "
    "de moins de 5 personnes."
)


def shell(title: str, body: str, *, status: int = 200) -> HTMLResponse:
    """The page around ``body``: language, skip link, header, main landmark, footer."""
    page = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)} — Métrokawa</title><style>{_STYLE}</style></head><body>"
        f'<a class="skip" href="#contenu">{fr("Aller au contenu")}</a>'
        '<header><p><a href="/archives">Métrokawa — archives publiques</a></p></header>'
        f'<main id="contenu" tabindex="-1">{body}</main>'
        f"<footer><p>{fr(_FOOTER)}</p></footer>"
        "</body></html>"
    )
    return HTMLResponse(page, status_code=status, headers=PAGE_HEADERS)


def _listing(record: ArchiveRecord) -> dict[str, Any]:
    listed: dict[str, Any] = msgspec.to_builtins(record)
    listed["url"] = f"/archives/{record.id}"
    return listed


class BadFilter(ValueError):
    """A filter out of bounds: the list says which (code ``bad_request``)."""


def read_filters(request: Request) -> tuple[Filters, int]:
    """The list's query, bounded: each text ≤ 200 characters, dates ``YYYY-MM-DD``, a page
    number from 1 to 10,000. ``BadFilter`` names the first field that is not."""
    query = request.query_params

    def text(name: str) -> str | None:
        value = query.get(name, "").strip()
        if len(value) > MAX_TEXT:
            raise BadFilter(name)
        return normalise(value) or None

    def date(name: str) -> str | None:
        value = query.get(name, "").strip()
        if value and not is_day(value):
            raise BadFilter(name)
        return value or None

    page_text = query.get("page", "1").strip() or "1"
    if not page_text.isdigit() or not 1 <= int(page_text) <= MAX_PAGE:
        raise BadFilter("page")
    filters = Filters(
        territoire=text("territoire"),
        commune=text("commune"),
        theme=text("theme"),
        du=date("du"),
        au=date("au"),
        q=text("q"),
    )
    return filters, int(page_text)


_FIELDS = (
    ("territoire", "Territoire", "text"),
    ("commune", "Commune", "text"),
    ("theme", "Thème", "text"),
    ("du", "Du", "date"),
    ("au", "Au", "date"),
    ("q", "Rechercher dans les énoncés", "search"),
)


def _archives(request: Request) -> Archives:
    archives: Archives = request.app.state.archives
    return archives


async def archive_list(request: Request) -> Response:
    """GET /archives: HTML, or JSON with ``?format=json``."""
    as_json = request.query_params.get("format") == "json"
    try:
        filters, page = read_filters(request)
    except BadFilter as bad:
        if as_json:
            message = "Filtre invalide."
            refusal = {"code": "bad_request", "message": message, "detail": str(bad)}
            return JSONResponse(refusal, status_code=400)
        choices = await _archives(request).choices()
        return _list_page(request, [], 0, 1, choices, error=str(bad), status=400)
    found, total = await _archives(request).find(filters, page)
    if as_json:
        pages = max(1, -(-total // PAGE_SIZE))
        body: dict[str, Any] = {
            "archives": [_listing(r) for r in found],
            "total": total,
            "page": page,
            "pages": pages,
            "page_size": PAGE_SIZE,
        }
        return JSONResponse(body)
    return _list_page(request, found, total, page, await _archives(request).choices())


_FIELD_NAMES = {name: label for name, label, _ in _FIELDS} | {"page": "Page"}


def _list_page(
    request: Request,
    found: Sequence[ArchiveRecord],
    total: int,
    page: int,
    choices: Choices,
    *,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    query = request.query_params
    suggested = {
        "territoire": choices.territoires,
        "commune": choices.communes,
        "theme": choices.themes,
    }
    inputs = []
    for name, label, kind in _FIELDS:
        value = query.get(name, "")[:MAX_TEXT]
        invalid = ' aria-invalid="true"' if error == name else ""
        values = suggested.get(name, ())
        listed = f' list="l-{name}"' if values else ""
        options = "".join(f'<option value="{esc(v)}">' for v in values)
        inputs.append(
            f'<p><label for="f-{name}">{fr(label)}</label>'
            f'<input id="f-{name}" name="{name}" type="{kind}" value="{esc(value)}"'
            f' maxlength="{MAX_TEXT}"{listed}{invalid}>'
            + (f'<datalist id="l-{name}">{options}</datalist>' if values else "")
            + "</p>"
        )
    parts = [
        f"<h1>{fr('Archives publiques')}</h1>",
        "<p>"
        + fr(
            "Les séances et les programmes que leurs organisateurs ont publiés, anonymisés : "
            "rejouez une séance, lisez son cahier de préconisations, téléchargez ses données."
        )
        + "</p>",
        '<form class="filters" method="get" action="/archives" role="search"'
        ' aria-label="Filtrer les archives">',
        *inputs,
        '<p class="actions"><button type="submit">Filtrer</button>'
        ' <a href="/archives">Effacer les filtres</a></p></form>',
    ]
    if error is not None:
        wrong = _FIELD_NAMES.get(error, error)
        parts.append(
            '<p role="alert">'
            + fr(
                f"Le champ « {wrong} » est invalide (date attendue : AAAA-MM-JJ, texte de "
                f"{MAX_TEXT} caractères au plus)."
            )
            + "</p>"
        )
    else:
        parts.append(
            f'<p role="status">{fr(plural(total, "archive trouvée", "archives trouvées"))}</p>'
        )
    items = []
    for record in found:
        facts = [french_day(record.date)]
        if record.territories:
            facts.append(", ".join(record.territories))
        if record.communes:
            facts.append(", ".join(record.communes))
        kind = "Programme" if record.kind == "programme" else "Séance"
        programme = (
            f'<p class="meta">{fr("Programme : " + record.programme)}</p>'
            if record.programme and record.kind == "session"
            else ""
        )
        items.append(
            f'<li><h2><a href="/archives/{esc(record.id)}">{esc(record.title)}</a></h2>'
            f'<p class="meta">{kind} — {esc(" · ".join(facts))}</p>{programme}</li>'
        )
    if items:
        parts.append('<ol class="archives">' + "".join(items) + "</ol>")
    pages = max(1, -(-total // PAGE_SIZE))
    if pages > 1:
        links = []
        kept = {k: v for k, v in query.items() if k in _FIELD_NAMES and k != "page" and v}

        def href(n: int) -> str:
            params = "&".join(f"{k}={_quote(v)}" for k, v in {**kept, "page": str(n)}.items())
            return f"/archives?{esc(params)}"

        if page > 1:
            links.append(f'<a href="{href(page - 1)}" rel="prev">{fr("Page précédente")}</a>')
        links.append(f'<span aria-current="page">{fr(f"Page {page} sur {pages}")}</span>')
        if page < pages:
            links.append(f'<a href="{href(page + 1)}" rel="next">{fr("Page suivante")}</a>')
        parts.append('<nav class="pages" aria-label="Pagination">' + "".join(links) + "</nav>")
    return shell("Archives publiques", "\n".join(parts), status=status)


def _quote(value: str) -> str:
    return quote(value, safe="")


async def _found(request: Request) -> ArchiveRecord | None:
    archive_id = str(request.path_params["archive_id"])
    if len(archive_id) > 40:
        return None
    return await _archives(request).get(archive_id)


def _missing() -> HTMLResponse:
    body = (
        f"<h1>{fr('Archive introuvable')}</h1><p>"
        + fr("Aucune archive publique ne porte cette adresse.")
        + ' <a href="/archives">Toutes les archives</a></p>'
    )
    return shell("Archive introuvable", body, status=404)


async def archive_page(request: Request) -> Response:
    """GET /archives/{id}: what it is, how to replay it, read its cahier, download its data."""
    record = await _found(request)
    if record is None:
        return _missing()
    base = f"/archives/{esc(record.id)}"
    facts = [("Type", "Programme" if record.kind == "programme" else "Séance")]
    if record.programme:
        facts.append(("Programme", record.programme))
    facts.append(("Date", french_day(record.date)))
    if record.territories:
        facts.append(("Territoires", ", ".join(record.territories)))
    if record.communes:
        facts.append(("Communes", ", ".join(record.communes)))
    if record.themes:
        facts.append(("Thèmes", ", ".join(record.themes)))
    rows = "".join(f"<dt>{fr(k)}</dt><dd>{esc(v)}</dd>" for k, v in facts)
    read = []
    if record.kind == "session":
        read.append(f'<li><a href="/r/a/{esc(record.id)}">{fr("Rejouer la séance")}</a></li>')
    read.append(
        f'<li><a href="{base}/cahier.html">{fr("Cahier de préconisations (page web)")}</a></li>'
        f'<li><a href="{base}/cahier.pdf">{fr("Cahier de préconisations (PDF)")}</a></li>'
        f'<li><a href="{base}/comparer">'
        f"{fr('Comparer les énoncés importés d’une séance à l’autre')}</a></li>"
    )
    parts = [
        f"<h1>{esc(record.title)}</h1>",
        f"<dl>{rows}</dl>",
        f'<section aria-labelledby="lire"><h2 id="lire">{fr("Consulter")}</h2>'
        f'<ul class="links">{"".join(read)}</ul></section>',
    ]
    if record.kind == "session":
        polis = "".join(
            f'<li><a href="{base}/polis/{esc(name)}" download>{fr(f"Pol.is : {name}")}</a></li>'
            for name in POLIS_FILES
        )
        parts.append(
            f'<section aria-labelledby="telecharger"><h2 id="telecharger">{fr("Télécharger")}</h2>'
            '<ul class="links">'
            f'<li><a href="{base}/journal.mkawa" download>'
            f"{fr('Journal anonymisé de la séance (.mkawa)')}</a></li>"
            f'<li><a href="{base}/resultats.json" download>{fr("Résultats (JSON)")}</a></li>'
            f"{polis}</ul></section>"
        )
    else:
        members = []
        for member_id in record.members:
            member = await _archives(request).get(member_id)
            if member is not None:
                members.append(
                    f'<li><a href="/archives/{esc(member.id)}">{esc(member.title)}</a>'
                    f" — {esc(french_day(member.date))}</li>"
                )
        parts.append(
            '<section aria-labelledby="seances">'
            f'<h2 id="seances">{fr("Les séances du programme")}</h2>'
            f'<ul class="links">{"".join(members)}</ul></section>'
        )
    parts.append(
        '<section aria-labelledby="anonymat">'
        f'<h2 id="anonymat">{fr("Ce que cette archive montre")}</h2><p>'
        + fr(
            "Chaque personne y figure sous un alias (« Participant·e 3 »), sauf si elle a accepté "
            "que son pseudonyme soit montré. Les énoncés masqués n’ont plus de texte, les notes "
            "ne sont gardées qu’avec l’accord de leur auteur, et un groupe de moins de 5 personnes "
            "n’a aucun chiffre. Une personne seule de son rôle dans son territoire (la seule élue, "
            "par exemple) y figure avec le rôle « autre »."
        )
        + "</p></section>"
    )
    return shell(record.title, "\n".join(parts))


POLIS_FILES: Final = ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv")

# The cahier is a standalone page of participants' texts: as ``http.REPORT_HEADERS``.
CAHIER_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
}


def _download(name: str, archive_id: str) -> dict[str, str]:
    filename = f"metrokawa-{archive_id}-{name.replace('/', '-')}"
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def archive_file(name: str) -> Callable[[Request], Awaitable[Response]]:
    """GET /archives/{id}/journal.mkawa, /resultats.json, /cahier.html: as stored."""

    async def endpoint(request: Request) -> Response:
        record = await _found(request)
        if record is None:
            return _missing()
        data = await _archives(request).file(record.id, name)
        if data is None:
            return _missing()
        if name == CAHIER_HTML:
            return Response(data, media_type=MEDIA[name], headers=CAHIER_HEADERS)
        return Response(data, media_type=MEDIA[name], headers=_download(name, record.id))

    return endpoint


_PDF_LOCKS: dict[str, asyncio.Lock] = {}


def _unprintable() -> HTMLResponse:
    body = (
        f"<h1>{fr('PDF indisponible')}</h1><p>"
        + fr("Le cahier n’a pas pu être mis en PDF. Sa version web reste lisible et imprimable.")
        + "</p>"
    )
    return shell("PDF indisponible", body, status=503)


async def archive_pdf(request: Request) -> Response:
    """GET /archives/{id}/cahier.pdf: printed from the cahier's HTML at the first request (a few
    seconds, in a process of its own: ``pdf.print_apart``; one printing at a time per archive),
    then kept."""
    record = await _found(request)
    if record is None:
        return _missing()
    archives = _archives(request)
    headers = {"Content-Disposition": f'inline; filename="metrokawa-{record.id}-cahier.pdf"'}
    data = await archives.file(record.id, CAHIER_PDF)
    if data is None:
        lock = _PDF_LOCKS.setdefault(record.id, asyncio.Lock())
        async with lock:
            data = await archives.file(record.id, CAHIER_PDF)
            if data is None:
                source = await archives.file(record.id, CAHIER_HTML)
                if source is None:
                    return _missing()
                # WeasyPrint (and pango) load only when a PDF is first asked for.
                from .pdf import PdfError, print_apart

                try:
                    data = await print_apart(source.decode())
                except PdfError:
                    log.exception("the PDF cahier of archive %s could not be printed", record.id)
                    return _unprintable()
                await archives.put_file(record.id, CAHIER_PDF, data)
    return Response(data, media_type=MEDIA[CAHIER_PDF], headers=headers)


async def archive_polis(request: Request) -> Response:
    """GET /archives/{id}/polis/{file}.csv: one of the four Pol.is files."""
    record = await _found(request)
    name = str(request.path_params["file"]) + ".csv"
    if record is None or name not in POLIS_FILES:
        return _missing()
    data = await _archives(request).file(record.id, POLIS_PREFIX + name)
    if data is None:
        return _missing()
    return Response(data, media_type="text/csv; charset=utf-8", headers=_download(name, record.id))


# --- comparer -----------------------------------------------------------------------------------


async def _compared(request: Request, record: ArchiveRecord) -> list[ArchiveRecord]:
    """The session archives compared with ``record``: a programme's members; for a session,
    the members of the programmes that gather it (itself alone when there is none)."""
    archives = _archives(request)
    if record.kind == "programme":
        ids: Iterable[str] = record.members
    else:
        programmes = await archives.programmes_of(record.id)
        ids = [m for p in programmes for m in p.members] or [record.id]
    found = []
    for archive_id in dict.fromkeys(ids):
        member = await archives.get(archive_id)
        if member is not None and member.kind == "session":
            found.append(member)
    return found


# The scale as the tablets say it (clients/tablet/src/i18n/common.ts, ``position.*``).
_HEADS = (
    "Pas du tout d’accord",
    "Plutôt pas d’accord",
    "Partagé",
    "Plutôt d’accord",
    "Tout à fait d’accord",
    "Je passe",
)


async def archive_compare(request: Request) -> Response:
    """GET /archives/{id}/comparer: each imported statement (one provenance key), its positions
    per session and per territory, as each session's results give them (hidden under k)."""
    record = await _found(request)
    if record is None:
        return _missing()
    members = []
    for member in await _compared(request, record):
        raw = await _archives(request).file(member.id, RESULTS)
        if raw is not None:
            members.append((member, json.loads(raw)))
    by_key: dict[str, dict[str, Any]] = {}
    for _, found in members:
        for statement in found.get("statements", []):
            provenance = statement.get("provenance")
            if provenance:
                by_key.setdefault(
                    provenance["key"],
                    {"provenance": provenance, "text": statement["text"], "rows": []},
                )
    # The session each one was first written in comes first: its key is its step and its id
    # there (``ps1-s7``); then every session that imported it.
    for origin in (True, False):
        for member, found in members:
            names = {t["id"]: t["name"] for t in found.get("territories", [])}
            for statement in found.get("statements", []):
                provenance = statement.get("provenance")
                if origin and not provenance and found.get("step"):
                    key = f"{found['step']}-{statement['id']}"
                elif not origin and provenance:
                    key = provenance["key"]
                else:
                    continue
                entry = by_key.get(key)
                if entry is None:
                    continue
                entry["rows"].append((member, "Toute la séance", statement["overall"]))
                for group in statement["territories"]:
                    entry["rows"].append((member, names.get(group["group"], group["group"]), group))
    parts = [
        f"<h1>{fr('Comparer les énoncés importés')}</h1>",
        f'<p><a href="/archives/{esc(record.id)}">'
        f"{fr('Retour à l’archive « ' + record.title + ' »')}</a></p>",
        "<p>"
        + fr(
            "Un énoncé importé d’une étape à l’autre du programme garde sa provenance : voici "
            "les avis qu’il a reçus dans chaque séance, au total et par territoire. Un groupe de "
            "moins de 5 personnes n’a aucun chiffre."
        )
        + "</p>",
    ]
    if not by_key:
        parts.append(f"<p>{fr('Aucun énoncé importé dans les séances de cette archive.')}</p>")
    heads = "".join(f'<th scope="col">{fr(h)}</th>' for h in ("Séance", "Groupe", "Avis", *_HEADS))
    for key, entry in sorted(by_key.items()):
        provenance = entry["provenance"]
        source = provenance.get("source") or ""
        rows = []
        for member, group_name, group in entry["rows"]:
            cells = [
                f'<th scope="row"><a href="/archives/{esc(member.id)}">'
                f"{esc(member.title)}</a></th>",
                f"<td>{esc(group_name)}</td>",
            ]
            if group.get("hidden"):
                cells.append(f'<td colspan="7">{fr("Moins de 5 avis : masqué")}</td>')
            else:
                figures = [group["voters"], *group["counts"], group["passes"]]
                cells += [f'<td class="n">{n}</td>' for n in figures]
            rows.append("<tr>" + "".join(cells) + "</tr>")
        parts.append(
            f'<section aria-labelledby="e-{esc(key)}"><h2 id="e-{esc(key)}">'
            f"{fr(entry['text'])}</h2>"
            f'<p class="meta">{fr(f"Provenance : {source} (clé {key})")}</p>'
            f"<table><caption>{fr('Avis par séance et par territoire')}</caption>"
            f"<thead><tr>{heads}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>"
        )
    return shell("Comparer les énoncés importés", "\n".join(parts))


def archive_routes() -> list[Route]:
    """The archive's routes, for ``app.create_app`` (before the pages' catch-all)."""
    return [
        Route("/archives", archive_list, methods=["GET"]),
        Route("/archives/{archive_id}", archive_page, methods=["GET"]),
        Route("/archives/{archive_id}/cahier.pdf", archive_pdf, methods=["GET"]),
        Route("/archives/{archive_id}/comparer", archive_compare, methods=["GET"]),
        Route("/archives/{archive_id}/polis/{file}.csv", archive_polis, methods=["GET"]),
        *(
            Route(f"/archives/{{archive_id}}/{name}", archive_file(name), methods=["GET"])
            for name in (CAHIER_HTML, MKAWA, RESULTS)
        ),
    ]

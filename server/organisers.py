"""Organisers' accounts: who they are, their passwords, their one-time links and their logins.

An organiser is an e-mail address (normalised to lower case, 254 characters at most) and an
Argon2id hash of a password of 12 to 256 characters (``argon2.PasswordHasher``, its default
parameters; a hash made with older parameters is made again at the next login). Nobody chooses a
password without a one-time link: ``metrokawa organiser add EMAIL`` (or a colleague's invitation
from the web) creates the account with a « set password » link, and a colleague gives a « reset »
link to an organiser who forgot theirs. A link is ``/mot-de-passe/{token}``: the token is
``secrets.token_urlsafe(32)``, kept only as its SHA-256, valid 72 hours and used once (the update
that uses it is conditional on its still being unused, so two tabs cannot both use it).

A login is a row of ``organiser_sessions`` (the SHA-256 of its random id, 12 hours at most): the
signed cookie (``web_auth``) names it, and logging out deletes it, so a stolen cookie dies at
logout; a new password deletes every login of that organiser.

Everything lives in the event store's database (``SqlStore.engine``: SQLite or PostgreSQL), in
the tables ``organisers``, ``organiser_links``, ``organiser_sessions`` and ``web_secrets`` (the
server's cookie secret when ``METROKAWA_SECRET_KEY`` is not set, generated at the first start so
that a restart keeps people logged in). With the in-memory store, the same tables live in an
in-memory SQLite database. The work runs in threads (Argon2 takes tens of milliseconds of CPU on
purpose): the event loop never waits on it.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from enum import StrEnum
from typing import Any, Final, TypeVar

import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import BigInteger, Column, delete, func, update
from sqlalchemy import select as select_core
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool
from sqlmodel import Field, SQLModel, create_engine, select
from sqlmodel import Session as DbSession

from .store import EventStore, SqlStore

__all__ = [
    "LINK_LIFETIME_MS",
    "MAX_EMAIL",
    "MAX_PASSWORD",
    "MIN_PASSWORD",
    "SESSION_LIFETIME_MS",
    "AccountError",
    "Issued",
    "LinkKind",
    "Organiser",
    "Organisers",
    "normalise_email",
]

MAX_EMAIL: Final = 254  # RFC 5321's longest usable address
MIN_PASSWORD: Final = 12
MAX_PASSWORD: Final = 256  # characters; Argon2 takes any length, the bound keeps the work bounded
LINK_LIFETIME_MS: Final = 72 * 3600 * 1000
SESSION_LIFETIME_MS: Final = 12 * 3600 * 1000
SECRET_NAME: Final = "cookies"
_T = TypeVar("_T")

# One @, something on each side, a dot in the domain, no space: a typo is caught here, the rest
# is the mail server's business.
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")


class LinkKind(StrEnum):
    SET = "set"  # a new account (the CLI, an invitation): the first password
    RESET = "reset"  # a forgotten password, on a colleague's word


class Organiser(msgspec.Struct, frozen=True):
    id: str
    email: str


class Issued(msgspec.Struct, frozen=True, kw_only=True):
    """A one-time link just made: its token is shown once (page, terminal, mail), never stored."""

    organiser: Organiser
    kind: LinkKind
    token: str
    created: bool  # a new account (else the account existed and this is a reset link)


class AccountError(Exception):
    """Bad input, with its stable code: ``email_invalid``, ``password_too_short``,
    ``password_too_long``, ``passwords_differ``, ``unknown_organiser``, ``already_organiser``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def normalise_email(text: str) -> str:
    """The address as stored: without surrounding spaces, in lower case; AccountError if it is
    not one (or is longer than an address can be)."""
    email = text.strip().lower()
    if len(email) > MAX_EMAIL or not _EMAIL.fullmatch(email):
        raise AccountError("email_invalid")
    return email


def check_password(password: str, again: str | None = None) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("password_too_short")
    if len(password) > MAX_PASSWORD:
        raise AccountError("password_too_long")
    if again is not None and again != password:
        raise AccountError("passwords_differ")


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- tables -------------------------------------------------------------------------------------


class OrganiserRow(SQLModel, table=True):
    __tablename__ = "organisers"
    id: str = Field(primary_key=True)
    email: str = Field(unique=True, index=True, max_length=MAX_EMAIL)
    password_hash: str | None = None  # None until the first link is used
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    invited_by: str | None = None  # the organiser who invited them; None: the command line


class OrganiserLinkRow(SQLModel, table=True):
    __tablename__ = "organiser_links"
    token_hash: str = Field(primary_key=True)  # sha256 of the token; the token is never stored
    organiser_id: str = Field(index=True)
    kind: str
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    expires_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    used_at: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    issued_by: str | None = None  # the organiser who gave it; None: the command line


class OrganiserSessionRow(SQLModel, table=True):
    __tablename__ = "organiser_sessions"
    id_hash: str = Field(primary_key=True)  # sha256 of the login's id carried by the cookie
    organiser_id: str = Field(index=True)
    created_at: int = Field(sa_column=Column(BigInteger, nullable=False))
    expires_at: int = Field(sa_column=Column(BigInteger, nullable=False))


class WebSecretRow(SQLModel, table=True):
    __tablename__ = "web_secrets"
    name: str = Field(primary_key=True)
    value: str


_TABLES = [
    OrganiserRow.__table__,  # type: ignore[attr-defined]
    OrganiserLinkRow.__table__,  # type: ignore[attr-defined]
    OrganiserSessionRow.__table__,  # type: ignore[attr-defined]
    WebSecretRow.__table__,  # type: ignore[attr-defined]
]
# Held while creating the tables on PostgreSQL, as the store does for its own: two workers
# starting at once on an empty database would both issue CREATE TABLE. (ASCII "mkorgdb".)
_SCHEMA_LOCK: Final = 0x6D6B6F7267646200


class Organisers:
    """The accounts of one database. Every method that touches it is a coroutine run in a thread."""

    def __init__(self, engine: Engine, hasher: PasswordHasher | None = None) -> None:
        self._engine = engine
        # One thread for the database, as the store has: the in-memory database is one
        # connection, which two threads must not use at once. Argon2 runs on the default pool.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="organisers")
        self._hasher = hasher or PasswordHasher()
        # Verified when the e-mail is unknown, so that a wrong address costs the same time as a
        # wrong password: the answer's delay tells nothing about who has an account.
        self._decoy = self._hasher.hash(secrets.token_urlsafe(16))
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(select_core(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
            SQLModel.metadata.create_all(connection, tables=_TABLES)

    @classmethod
    def for_store(cls, store: EventStore, hasher: PasswordHasher | None = None) -> Organisers:
        """Beside the store's events: its database, or an in-memory one for ``MemoryStore``."""
        if isinstance(store, SqlStore):
            return cls(store.engine, hasher)
        memory = create_engine(
            "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
        return cls(memory, hasher)

    async def _run(self, work: Callable[..., _T], *args: Any) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self._thread, work, *args)

    # --- accounts and links ---------------------------------------------------------------------

    async def add(self, email: str, now: int, *, by: str | None = None) -> Issued:
        """A new account with its « set password » link; an existing one gets a reset link."""
        email = normalise_email(email)
        return await self._run(self._add, email, now, by, True)

    async def invite(self, email: str, now: int, *, by: str) -> Issued:
        """A colleague's new account (AccountError ``already_organiser`` if there is one)."""
        email = normalise_email(email)
        return await self._run(self._add, email, now, by, False)

    async def reset(self, email: str, now: int, *, by: str) -> Issued:
        """A reset link for a colleague (AccountError ``unknown_organiser`` if there is none)."""
        email = normalise_email(email)
        return await self._run(self._reset, email, now, by)

    def _add(self, email: str, now: int, by: str | None, existing_ok: bool) -> Issued:
        with DbSession(self._engine) as db:
            row = db.exec(select(OrganiserRow).where(OrganiserRow.email == email)).first()
            if row is not None:
                if not existing_ok:
                    raise AccountError("already_organiser")
                return self._link(db, row, LinkKind.RESET, now, by, created=False)
            row = OrganiserRow(
                id=f"o-{secrets.token_hex(6)}", email=email, created_at=now, invited_by=by
            )
            db.add(row)
            try:
                db.flush()
            except IntegrityError as error:  # someone added the same address meanwhile
                raise AccountError("already_organiser") from error
            return self._link(db, row, LinkKind.SET, now, by, created=True)

    def _reset(self, email: str, now: int, by: str) -> Issued:
        with DbSession(self._engine) as db:
            row = db.exec(select(OrganiserRow).where(OrganiserRow.email == email)).first()
            if row is None:
                raise AccountError("unknown_organiser")
            return self._link(db, row, LinkKind.RESET, now, by, created=False)

    @staticmethod
    def _link(
        db: DbSession,
        row: OrganiserRow,
        kind: LinkKind,
        now: int,
        by: str | None,
        *,
        created: bool,
    ) -> Issued:
        token = secrets.token_urlsafe(32)
        db.add(
            OrganiserLinkRow(
                token_hash=digest(token),
                organiser_id=row.id,
                kind=kind.value,
                created_at=now,
                expires_at=now + LINK_LIFETIME_MS,
                issued_by=by,
            )
        )
        organiser = Organiser(row.id, row.email)
        db.commit()
        return Issued(organiser=organiser, kind=kind, token=token, created=created)

    async def link(self, token: str, now: int) -> tuple[Organiser, LinkKind] | None:
        """Whom a link is for, while it is unused and not expired; None otherwise."""
        if not 0 < len(token) <= 64:
            return None
        return await self._run(self._find_link, digest(token), now)

    def _find_link(self, token_hash: str, now: int) -> tuple[Organiser, LinkKind] | None:
        with DbSession(self._engine) as db:
            link = db.get(OrganiserLinkRow, token_hash)
            if link is None or link.used_at is not None or link.expires_at <= now:
                return None
            row = db.get(OrganiserRow, link.organiser_id)
            return None if row is None else (Organiser(row.id, row.email), LinkKind(link.kind))

    async def set_password(
        self, token: str, password: str, now: int, *, again: str | None = None
    ) -> Organiser | None:
        """Use a link: the new password, every login of that organiser ended. None: the link is
        unknown, used or expired (nothing changed); AccountError: the password is refused."""
        check_password(password, again)
        if not 0 < len(token) <= 64:
            return None
        # Argon2 costs a fraction of a second of CPU on purpose: spent only for a link that
        # exists and is still usable, never for anyone who posts made-up tokens.
        if await self.link(token, now) is None:
            return None
        hashed = await asyncio.to_thread(self._hasher.hash, password)
        return await self._run(self._use_link, digest(token), hashed, now)

    def _use_link(self, token_hash: str, hashed: str, now: int) -> Organiser | None:
        with DbSession(self._engine) as db:
            link = db.get(OrganiserLinkRow, token_hash)
            if link is None:
                return None
            # Conditional: of two requests racing with one link, only one sees it unused.
            used = db.exec(
                update(OrganiserLinkRow)
                .where(OrganiserLinkRow.token_hash == token_hash)  # type: ignore[arg-type]
                .where(OrganiserLinkRow.used_at.is_(None))  # type: ignore[union-attr]
                .where(OrganiserLinkRow.expires_at > now)  # type: ignore[arg-type]
                .values(used_at=now)
            )
            row = db.get(OrganiserRow, link.organiser_id)
            if used.rowcount != 1 or row is None:
                db.rollback()
                return None
            row.password_hash = hashed
            db.add(row)
            db.exec(
                delete(OrganiserSessionRow).where(
                    OrganiserSessionRow.organiser_id == row.id  # type: ignore[arg-type]
                )
            )
            organiser = Organiser(row.id, row.email)
            db.commit()
            return organiser

    async def authenticate(self, email: str, password: str) -> Organiser | None:
        """The organiser whose address and password these are; None for a wrong password and an
        unknown address alike, after the same Argon2 work."""
        try:
            email = normalise_email(email)
        except AccountError:
            email = ""
        if len(password) > MAX_PASSWORD:
            password = ""
        hashed = await self._run(self._hash_of, email)
        try:
            await asyncio.to_thread(self._hasher.verify, hashed[1] or self._decoy, password)
        except (VerificationError, InvalidHashError):
            return None
        organiser, stored = hashed
        if organiser is None or stored is None:
            return None
        if self._hasher.check_needs_rehash(stored):
            rehashed = await asyncio.to_thread(self._hasher.hash, password)
            await self._run(self._rehash, organiser.id, stored, rehashed)
        return organiser

    def _hash_of(self, email: str) -> tuple[Organiser | None, str | None]:
        with DbSession(self._engine) as db:
            row = db.exec(select(OrganiserRow).where(OrganiserRow.email == email)).first()
            if row is None:
                return None, None
            return Organiser(row.id, row.email), row.password_hash

    def _rehash(self, organiser_id: str, old: str, new: str) -> None:
        with DbSession(self._engine) as db:
            row = db.get(OrganiserRow, organiser_id)
            if row is not None and row.password_hash == old:  # not changed by a link meanwhile
                row.password_hash = new
                db.add(row)
                db.commit()

    async def by_email(self, email: str) -> Organiser | None:
        """The organiser with this address (typed as people type it); None for no account, and
        for what is not an address at all."""
        try:
            email = normalise_email(email)
        except AccountError:
            return None
        return await self._run(self._by_email, email)

    def _by_email(self, email: str) -> Organiser | None:
        with DbSession(self._engine) as db:
            row = db.exec(select(OrganiserRow).where(OrganiserRow.email == email)).first()
            return None if row is None else Organiser(row.id, row.email)

    # --- logins ---------------------------------------------------------------------------------

    async def open_session(self, organiser: Organiser, now: int) -> str:
        """A new login; its id (for the cookie, never stored as such)."""
        session_id = secrets.token_urlsafe(32)
        row = OrganiserSessionRow(
            id_hash=digest(session_id),
            organiser_id=organiser.id,
            created_at=now,
            expires_at=now + SESSION_LIFETIME_MS,
        )
        await self._run(self._save, row)
        return session_id

    def _save(self, row: SQLModel) -> None:
        with DbSession(self._engine) as db:
            db.add(row)
            db.commit()

    async def session(self, session_id: str, organiser_id: str, now: int) -> Organiser | None:
        """The organiser logged in by this login, if it is theirs and still open."""
        return await self._run(self._session, digest(session_id), organiser_id, now)

    def _session(self, id_hash: str, organiser_id: str, now: int) -> Organiser | None:
        with DbSession(self._engine) as db:
            login = db.get(OrganiserSessionRow, id_hash)
            if login is None or login.organiser_id != organiser_id or login.expires_at <= now:
                return None
            row = db.get(OrganiserRow, organiser_id)
            return None if row is None else Organiser(row.id, row.email)

    async def close_session(self, session_id: str, now: int) -> None:
        """Log out: this login is deleted, and with it any expired one."""
        await self._run(self._close_session, digest(session_id), now)

    def _close_session(self, id_hash: str, now: int) -> None:
        with DbSession(self._engine) as db:
            db.exec(
                delete(OrganiserSessionRow).where(
                    (OrganiserSessionRow.id_hash == id_hash)  # type: ignore[arg-type]
                    | (OrganiserSessionRow.expires_at <= now)
                )
            )
            db.commit()

    # --- the cookie secret ----------------------------------------------------------------------

    async def secret(self) -> str:
        """The secret kept in the database, made at the first call (the first start)."""
        return await self._run(self._secret)

    def _secret(self) -> str:
        with DbSession(self._engine) as db:
            row = db.get(WebSecretRow, SECRET_NAME)
            if row is not None:
                return row.value
            db.add(WebSecretRow(name=SECRET_NAME, value=secrets.token_urlsafe(48)))
            try:
                db.commit()
            except IntegrityError:  # another worker made it first: theirs is the one
                db.rollback()
        with DbSession(self._engine) as db:
            row = db.get(WebSecretRow, SECRET_NAME)
            assert row is not None
            return row.value

"""Organisers' accounts (server/organisers.py), their command line and their mail.

``metrokawa organiser add`` prints a one-time link kept only as its SHA-256; a link sets a
password once and only within 72 hours; passwords and addresses are bounded by written tables;
hashes are Argon2id; the login rate limit's window slides; links are mailed when SMTP is set
(to a tiny SMTP server written here); the cookies are
Secure when the public URL is https.
"""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.policy
import hashlib
import re
import sqlite3
import threading
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Final

import httpx
import pytest
from argon2 import PasswordHasher

from server.cli import main
from server.organisers import (
    LINK_LIFETIME_MS,
    SESSION_LIFETIME_MS,
    AccountError,
    LinkKind,
    Organisers,
    normalise_email,
)
from server.store import MemoryStore, SqlStore
from server.web_session import Failures

from .live import LiveServer

LINK: Final = re.compile(r"(https?://[^\s\"<>]+/mot-de-passe/([A-Za-z0-9_-]{43}))")
CSRF: Final = re.compile(r'name="csrf" value="([^"]+)"')
T0: Final = 1_767_225_600_000  # 2026-01-01, in ms
# Cheap parameters for the tests of rules (the pages' tests use the real defaults).
FAST: Final = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# --- the command line ---------------------------------------------------------------------------


def test_organiser_help_says_how_to_add_one(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "organiser", "--help")
    assert code == 0
    assert "metrokawa organiser add ADRESSE" in out
    assert "add" in out
    code, out, _ = run_cli(capsys, "--help")
    assert "organiser" in out


def test_organiser_add_creates_the_account_and_prints_its_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "metrokawa.sqlite"
    code, out, err = run_cli(
        capsys, "organiser", "add", " Awa@Asso.Example ", "--db", str(db),
        "--public-url", "https://mk.example.org/",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert f"Compte d'organisateur·rice créé pour awa@asso.example dans {db}." in out
    assert "valable 72 heures, une seule fois" in out
    found = LINK.search(out)
    assert found is not None, out
    assert found.group(1).startswith("https://mk.example.org/mot-de-passe/")
    token = found.group(2)
    with contextlib.closing(sqlite3.connect(db)) as connection:
        rows = connection.execute(
            "SELECT l.token_hash, l.kind, o.email, o.password_hash FROM organiser_links l "
            "JOIN organisers o ON o.id = l.organiser_id"
        ).fetchall()
    assert rows == [(hashlib.sha256(token.encode()).hexdigest(), "set", "awa@asso.example", None)]
    assert token.encode() not in db.read_bytes() + _wal(db)
    # The same address again: the account stays, a reset link is printed.
    code, out, _ = run_cli(capsys, "organiser", "add", "awa@asso.example", "--db", str(db))
    assert code == 0
    assert f"awa@asso.example a déjà un compte d'organisateur·rice dans {db}." in out
    again = LINK.search(out)
    assert again is not None
    assert again.group(1).startswith("http://127.0.0.1:8000/mot-de-passe/")
    assert again.group(2) != token


def _wal(db: Path) -> bytes:
    wal = Path(f"{db}-wal")
    return wal.read_bytes() if wal.exists() else b""


@pytest.mark.parametrize("email", ["pas-une-adresse", "a@b", "x" * 250 + "@a.fr", "a b@c.fr"])
def test_organiser_add_refuses_what_is_not_an_address(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], email: str
) -> None:
    db = tmp_path / "metrokawa.sqlite"
    code, out, err = run_cli(capsys, "organiser", "add", email, "--db", str(db))
    assert code == 2
    assert out == ""
    assert "n'est pas une adresse électronique valable" in err
    assert not db.exists()


# --- the rules, as tables -----------------------------------------------------------------------

EMAILS = [  # (typed, stored or the refusal's code)
    ("awa@asso.example", "awa@asso.example"),
    ("  Awa@ASSO.example\n", "awa@asso.example"),
    ("prenom.nom+metrokawa@mairie-18.paris.fr", "prenom.nom+metrokawa@mairie-18.paris.fr"),
    ("a" * 64 + "@" + "b" * 186 + ".fr", "a" * 64 + "@" + "b" * 186 + ".fr"),  # 254 characters
    ("a" * 64 + "@" + "b" * 187 + ".fr", "email_invalid"),  # 255
    ("awa@asso", "email_invalid"),
    ("awa@@asso.example", "email_invalid"),
    ("awa asso@asso.example", "email_invalid"),
    ("", "email_invalid"),
]


@pytest.mark.parametrize(("typed", "expected"), EMAILS)
def test_addresses_are_normalised_and_bounded(typed: str, expected: str) -> None:
    if expected == "email_invalid":
        with pytest.raises(AccountError, match="email_invalid"):
            normalise_email(typed)
    else:
        assert normalise_email(typed) == expected


def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        url: str = request.getfixturevalue("postgres_schema")
        return url
    return f"sqlite:///{tmp_path / 'metrokawa.sqlite'}"


@pytest.fixture(params=["sqlite", "postgresql", "memory"])
def organisers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Organisers]:
    if request.param == "memory":
        yield Organisers.for_store(MemoryStore(), FAST)
        return
    store = SqlStore(store_url(request, tmp_path))
    try:
        yield Organisers.for_store(store, FAST)
    finally:
        asyncio.run(store.close())


@pytest.fixture(params=["sqlite", "postgresql"])
def sql_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    store = SqlStore(store_url(request, tmp_path))
    try:
        yield store
    finally:
        asyncio.run(store.close())


PASSWORDS = [  # (password, again, refusal code or None)
    ("x" * 11, "x" * 11, "password_too_short"),
    ("x" * 12, "x" * 12, None),
    ("é" * 12, "é" * 12, None),  # characters, not bytes
    ("x" * 256, "x" * 256, None),
    ("x" * 257, "x" * 257, "password_too_long"),
    ("douze signes", "douze signez", "passwords_differ"),
]


@pytest.mark.parametrize(("password", "again", "code"), PASSWORDS)
def test_passwords_are_bounded_and_a_refusal_leaves_the_link_usable(
    organisers: Organisers, password: str, again: str, code: str | None
) -> None:
    async def scenario() -> None:
        issued = await organisers.add("bornes@asso.example", T0)
        if code is not None:
            with pytest.raises(AccountError, match=code):
                await organisers.set_password(issued.token, password, T0, again=again)
            assert await organisers.link(issued.token, T0) is not None
            assert await organisers.authenticate("bornes@asso.example", password) is None
            return
        done = await organisers.set_password(issued.token, password, T0, again=again)
        assert done == issued.organiser
        assert await organisers.authenticate("bornes@asso.example", password) == done

    asyncio.run(scenario())


def test_a_link_sets_a_password_once_and_only_within_72_hours(organisers: Organisers) -> None:
    async def scenario() -> None:
        first = await organisers.add("une@asso.example", T0)
        late = await organisers.add("deux@asso.example", T0)
        assert first.kind is LinkKind.SET
        assert first.created
        last_moment = T0 + LINK_LIFETIME_MS - 1
        assert await organisers.link(first.token, last_moment) == (first.organiser, LinkKind.SET)
        assert await organisers.link(late.token, T0 + LINK_LIFETIME_MS) is None
        assert (
            await organisers.set_password(
                late.token, "trop tard pour ce lien", T0 + LINK_LIFETIME_MS
            )
            is None
        )
        assert await organisers.authenticate("deux@asso.example", "trop tard pour ce lien") is None
        assert await organisers.by_email(" UNE@asso.example") == first.organiser
        assert await organisers.by_email("trois@asso.example") is None
        assert await organisers.by_email("pas une adresse") is None
        assert await organisers.set_password(first.token, "premier mot de passe", last_moment)
        assert (
            await organisers.set_password(first.token, "second mot de passe", last_moment) is None
        )
        assert await organisers.authenticate("une@asso.example", "premier mot de passe")
        assert await organisers.authenticate("une@asso.example", "second mot de passe") is None
        for token in ("", "x" * 65, first.token[:-1], "a"):
            assert await organisers.link(token, T0) is None

    asyncio.run(scenario())


def test_two_requests_racing_with_one_link_set_one_password(sql_store: SqlStore) -> None:
    # Four instances, each with its own database thread, as four worker processes would be.
    instances = [Organisers.for_store(sql_store, FAST) for _ in range(4)]

    async def scenario() -> list[bool]:
        issued = await instances[0].add("course@asso.example", T0)
        results = await asyncio.gather(
            *(
                instances[n % 4].set_password(issued.token, f"mot de passe {n:02}", T0)
                for n in range(8)
            )
        )
        return [r is not None for r in results]

    assert sum(asyncio.run(scenario())) == 1


def test_hashes_are_argon2id_and_old_parameters_are_rehashed_at_login(tmp_path: Path) -> None:
    db = tmp_path / "metrokawa.sqlite"
    store = SqlStore(f"sqlite:///{db}")

    def stored() -> str:
        with contextlib.closing(sqlite3.connect(db)) as connection:
            (value,) = connection.execute("SELECT password_hash FROM organisers").fetchone()
        return str(value)

    async def scenario() -> None:
        issued = await Organisers.for_store(store, FAST).add("hache@asso.example", T0)
        assert await Organisers.for_store(store, FAST).set_password(
            issued.token, "argon deux i d", T0
        )
        weak = stored()
        assert weak.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
        # The server's default parameters: the next login makes the hash again with them.
        assert await Organisers.for_store(store).authenticate(
            "hache@asso.example", "argon deux i d"
        )
        assert stored().startswith("$argon2id$v=19$m=65536,t=3,p=4$")

    try:
        asyncio.run(scenario())
    finally:
        asyncio.run(store.close())


def test_logins_last_12_hours_and_end_at_logout_or_at_a_new_password(
    organisers: Organisers,
) -> None:
    async def scenario() -> None:
        issued = await organisers.add("ses@asso.example", T0)
        me = await organisers.set_password(issued.token, "douze signes", T0)
        assert me is not None
        kept, closed = await organisers.open_session(me, T0), await organisers.open_session(me, T0)
        assert await organisers.session(kept, me.id, T0 + SESSION_LIFETIME_MS - 1) == me
        assert await organisers.session(kept, me.id, T0 + SESSION_LIFETIME_MS) is None
        assert await organisers.session(kept, "o-autre", T0) is None  # someone else's id
        await organisers.close_session(closed, T0)
        assert await organisers.session(closed, me.id, T0) is None
        assert await organisers.session(kept, me.id, T0) == me
        reset = await organisers.reset("ses@asso.example", T0, by=me.id)
        assert reset.kind is LinkKind.RESET
        await organisers.set_password(reset.token, "treize signes", T0)
        assert await organisers.session(kept, me.id, T0) is None

    asyncio.run(scenario())


def test_the_cookie_secret_is_made_once_and_kept(sql_store: SqlStore) -> None:
    # Two starts on one database, or two workers: the same secret.
    made = [asyncio.run(Organisers.for_store(sql_store, FAST).secret()) for _ in range(2)]
    assert made[0] == made[1]
    assert len(made[0]) >= 64


FAILURES = [  # (seconds of each attempt, the limit, the window, the wait after the last one)
    ([0, 1, 2, 3], 5, 900, 0.0),  # four: not blocked
    ([0, 1, 2, 3, 4], 5, 900, 896.0),  # the fifth blocks until the first leaves the window
    ([0, 1, 2, 3, 4, 900], 5, 900, 1.0),  # the first left: until the second leaves, 1 s
    ([0, 100, 200], 3, 300, 100.0),
]


@pytest.mark.parametrize(("times", "limit", "window", "wait"), FAILURES)
def test_failures_slide_out_of_their_window(
    times: list[float], limit: int, window: float, wait: float
) -> None:
    failures = Failures(limit, window)
    for at in times:
        failures.add("awa@asso.example", at)
    assert failures.wait("awa@asso.example", times[-1]) == pytest.approx(wait)
    assert failures.wait("autre@asso.example", times[-1]) == 0.0


def test_failures_keep_a_bounded_table() -> None:
    failures = Failures(5, 900, max_keys=100)
    for n in range(1000):
        failures.add(f"k{n}", float(n))
    assert len(failures.times) <= 100
    assert failures.wait("k999", 999.0) == 0.0


# --- mail ---------------------------------------------------------------------------------------


class SmtpSink:
    """The smallest SMTP server that lets ``smtplib`` deliver: it keeps every message's text."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def __exit__(self, *_: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._talk, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()
        server.close()
        self._loop.run_until_complete(server.wait_closed())
        self._loop.close()

    async def _talk(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 sink ESMTP\r\n")
        while line := (await reader.readline()).decode().strip():
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                writer.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif verb == "DATA":
                writer.write(b"354 go on\r\n")
                await writer.drain()
                data = await reader.readuntil(b"\r\n.\r\n")
                body = data.removesuffix(b"\r\n.\r\n").replace(b"\r\n..", b"\r\n.")
                self.messages.append(body.decode())
                writer.write(b"250 kept\r\n")
            elif verb == "QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:  # HELO, MAIL, RCPT, RSET, NOOP
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()


def parsed(text: str) -> EmailMessage:
    message = email.message_from_string(text, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_organiser_add_mails_the_link_when_smtp_is_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpSink() as sink:
        monkeypatch.setenv("METROKAWA_SMTP_URL", f"smtp://127.0.0.1:{sink.port}")
        monkeypatch.setenv("METROKAWA_MAIL_FROM", "metrokawa@asso.example")
        code, out, _ = run_cli(
            capsys, "organiser", "add", "courrier@asso.example", "--db", str(tmp_path / "m.sqlite")
        )
    assert code == 0
    found = LINK.search(out)
    assert found is not None
    assert "Le lien lui a aussi été envoyé par courriel (courrier@asso.example)." in out
    (message,) = [parsed(m) for m in sink.messages]
    assert message["To"] == "courrier@asso.example"
    assert message["From"] == "metrokawa@asso.example"
    assert found.group(1) in message.get_content()


@pytest.mark.parametrize("url", ["http://127.0.0.1:25", "smtp://", "smtp://127.0.0.1:port"])
def test_a_mistyped_smtp_url_is_one_sentence_and_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("METROKAWA_SMTP_URL", url)
    monkeypatch.setenv("METROKAWA_MAIL_FROM", "metrokawa@asso.example")
    db = tmp_path / "m.sqlite"
    code, out, err = run_cli(capsys, "organiser", "add", "a@asso.example", "--db", str(db))
    assert (code, out) == (2, "")
    assert "METROKAWA_SMTP_URL" in err
    assert not db.exists()


def test_a_failed_mail_is_said_and_the_link_still_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpSink() as sink:
        port = sink.port  # closed once the block ends: nobody listens there any more
    monkeypatch.setenv("METROKAWA_SMTP_URL", f"smtp://127.0.0.1:{port}")
    monkeypatch.setenv("METROKAWA_MAIL_FROM", "metrokawa@asso.example")
    code, out, err = run_cli(
        capsys, "organiser", "add", "perdu@asso.example", "--db", str(tmp_path / "m.sqlite")
    )
    assert code == 0
    assert LINK.search(out) is not None
    assert "L'envoi par courriel a échoué" in err


# --- behind https, with mail -------------------------------------------------------------------


def test_pages_behind_an_https_public_url_send_secure_cookies_and_mail_invitations(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with SmtpSink() as sink:
        env = {
            "METROKAWA_SMTP_URL": f"smtp://127.0.0.1:{sink.port}",
            "METROKAWA_MAIL_FROM": "metrokawa@asso.example",
        }
        args = ["--public-url", "https://mk.example.org"]
        server = LiveServer(tmp_path / "metrokawa.sqlite", env=env, args=args).start()
        try:
            invited = _invite_over_https(server, capsys)
        finally:
            server.stop()
    message, reset = [parsed(m) for m in sink.messages]
    assert message["To"] == "invitee@asso.example"
    assert invited in message.get_content()
    assert "hote@asso.example vous a ouvert un compte" in message.get_content()  # who invited
    # A reset link, with a mail server, goes to the account's address only (never on the page)
    assert reset["To"] == "invitee@asso.example"
    assert "/mot-de-passe/" in reset.get_content()


def _invite_over_https(server: LiveServer, capsys: pytest.CaptureFixture[str]) -> str:
    """Set a password, log in and invite someone; the link shown. The cookies are Secure, so
    this client over plain http carries them by hand, as a browser would over https."""
    code, out, _ = run_cli(
        capsys, "organiser", "add", "hote@asso.example", "--db", str(server.db_path)
    )
    found = LINK.search(out)
    assert code == 0
    assert found is not None
    link = f"/mot-de-passe/{found.group(2)}"
    with httpx.Client(base_url=server.url, timeout=30) as client:
        page = client.get(link)
        pre = page.headers["set-cookie"]
        assert "Secure" in pre  # mk_pre, what the form's CSRF token is tied to
        jar = {"Cookie": pre.split(";", 1)[0]}
        csrf = CSRF.search(page.text)
        assert csrf is not None
        form = {"csrf": csrf.group(1), "password": "sur le web sûr", "password2": "sur le web sûr"}
        answer = client.post(link, data=form, headers=jar)
        assert answer.status_code == 303
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith("mk_org=")
        assert "Secure" in cookie
        jar = {"Cookie": cookie.split(";", 1)[0]}
        invite = client.get("/organisateurs/inviter", headers=jar)
        assert invite.status_code == 200
        csrf = CSRF.search(invite.text)
        assert csrf is not None
        data = {"csrf": csrf.group(1), "email": "invitee@asso.example"}
        done = client.post("/organisateurs/inviter", data=data, headers=jar)
        assert done.status_code == 200
        assert "Il lui a aussi été envoyé par courriel." in done.text
        forgot = client.get("/organisateurs/oubli", headers=jar)
        csrf = CSRF.search(forgot.text)
        assert csrf is not None
        data = {"csrf": csrf.group(1), "email": "invitee@asso.example"}
        reset = client.post("/organisateurs/oubli", data=data, headers=jar)
        assert reset.status_code == 200
        assert "/mot-de-passe/" not in reset.text
        assert "a été envoyé à invitee@asso.example" in reset.text
    shown = LINK.search(done.text)
    assert shown is not None
    assert shown.group(1).startswith("https://mk.example.org/mot-de-passe/")
    return shown.group(1)


class CountingHasher(PasswordHasher):
    """Argon2 as FAST, counting its hashes: a made-up link must cost none."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=1024, parallelism=1)
        self.hashes = 0

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.hashes += 1
        return super().hash(password, salt=salt)


def test_a_made_up_link_costs_no_argon2_work() -> None:
    hasher = CountingHasher()
    accounts = Organisers.for_store(MemoryStore(), hasher)

    async def scenario() -> None:
        issued = await accounts.add("nouvelle@asso.example", T0)
        before = hasher.hashes
        assert await accounts.set_password("A" * 43, "une phrase assez longue", T0) is None
        assert hasher.hashes == before  # refused before any hashing
        assert await accounts.set_password(issued.token, "une phrase assez longue", T0)
        assert hasher.hashes == before + 1

    asyncio.run(scenario())

"""Who is logged in on the organisers' pages, and the CSRF token of their forms.

The cookie ``mk_org`` is ``{organiser}.{login}.{issued_at}.{mac}``: the organiser's id, the id of a
login row (deleted at logout, so a stolen cookie dies then), when it was issued (ms), and an
HMAC-SHA256 of the three under the server's secret. Every form carries ``csrf``, an HMAC of the
login's id (logged in) or of a random ``mk_pre`` cookie (not logged in), masked afresh on every
page. Login attempts are counted here too (``Failures``), per e-mail and per client address.

The pages themselves (login, password, colleagues) are ``web_auth``; the page shell is ``web``.
Both import this module and it imports neither.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import time
from collections import deque
from typing import Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .mail import Mailer
from .organisers import SESSION_LIFETIME_MS, Organiser, Organisers
from .store import EventStore

__all__ = [
    "ADDRESS_FAILURES",
    "COOKIE",
    "EMAIL_FAILURES",
    "FAILURE_WINDOW_S",
    "SECRET_KEY_VARIABLE",
    "Failures",
    "WebAuth",
    "auth_of",
    "check_csrf",
    "csrf_field",
    "current_organiser",
    "now_ms",
    "require_organiser",
    "set_login_cookie",
    "set_pending_cookies",
]

SECRET_KEY_VARIABLE: Final = "METROKAWA_SECRET_KEY"
COOKIE: Final = "mk_org"
PRE_COOKIE: Final = "mk_pre"  # not logged in: what the CSRF token of the first forms is tied to
EMAIL_FAILURES: Final = 5
ADDRESS_FAILURES: Final = 20
FAILURE_WINDOW_S: Final = 15 * 60.0
AFTER_LOGIN: Final = "/programmes"
MAX_COOKIE: Final = 256
CLOCK_SKEW_MS: Final = 60_000  # several workers: a cookie issued by one whose clock runs ahead

PRE: Final = re.compile(r"[A-Za-z0-9_-]{20,64}")
TOKEN: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")


class Failures:
    """Failed attempts per key (an e-mail, an address) within a sliding window of ``window_s``.

    ``wait`` says how long a key is still blocked (0: not blocked), ``add`` counts one attempt
    and returns its time, ``forgive`` takes that one back, ``clear`` forgets the key. At most
    ``max_keys`` keys are remembered: past that, keys whose attempts all left the window go
    first, then the oldest."""

    def __init__(self, limit: int, window_s: float, max_keys: int = 10_000) -> None:
        self.limit, self.window_s, self.max_keys = limit, window_s, max_keys
        self.times: dict[str, deque[float]] = {}

    def wait(self, key: str, now: float) -> float:
        times = self._pruned(key, now)
        if times is None or len(times) < self.limit:
            return 0.0
        return times[-self.limit] + self.window_s - now

    def add(self, key: str, now: float) -> float:
        times = self._pruned(key, now)
        if times is None:
            if len(self.times) >= self.max_keys:
                self._forget(now)
            times = self.times[key] = deque()
        times.append(now)
        return now

    def forgive(self, key: str, stamp: float) -> None:
        times = self.times.get(key)
        if times is not None and stamp in times:
            times.remove(stamp)

    def clear(self, key: str) -> None:
        self.times.pop(key, None)

    def _pruned(self, key: str, now: float) -> deque[float] | None:
        times = self.times.get(key)
        while times and times[0] <= now - self.window_s:
            times.popleft()
        return times

    def _forget(self, now: float) -> None:
        for key in list(self.times):
            if not self._pruned(key, now):
                del self.times[key]
        while len(self.times) >= self.max_keys:
            del self.times[next(iter(self.times))]


class WebAuth:
    """What the organisers' pages share, built once at start-up (``app.state.web_auth``)."""

    def __init__(
        self,
        organisers: Organisers,
        secret: str,
        *,
        public_url: str | None = None,
        mailer: Mailer | None = None,
    ) -> None:
        self.organisers = organisers
        self.key = hashlib.sha256(b"metrokawa organisers\0" + secret.encode()).digest()
        self.public_url = public_url
        self.mailer = mailer
        self.by_email = Failures(EMAIL_FAILURES, FAILURE_WINDOW_S)
        self.by_address = Failures(ADDRESS_FAILURES, FAILURE_WINDOW_S)

    @classmethod
    async def open(cls, store: EventStore, *, public_url: str | None = None) -> WebAuth:
        organisers = Organisers.for_store(store)
        secret = os.environ.get(SECRET_KEY_VARIABLE) or await organisers.secret()
        return cls(organisers, secret, public_url=public_url, mailer=Mailer.from_environment())

    def mac(self, *parts: str) -> str:
        # Each part prefixed with its length: no two lists of parts sign the same bytes.
        message = b"".join(len(p.encode()).to_bytes(4, "big") + p.encode() for p in parts)
        digest = hmac.new(self.key, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()

    def cookie_value(self, organiser: Organiser, login: str, issued_at: int) -> str:
        issued = str(issued_at)
        return f"{organiser.id}.{login}.{issued}.{self.mac('login', organiser.id, login, issued)}"

    def login_of(self, value: str | None, now: int) -> tuple[str, str] | None:
        """(organiser id, login id) of a cookie whose MAC holds and whose 12 hours are not over."""
        if not value or len(value) > MAX_COOKIE:
            return None
        parts = value.split(".")
        if len(parts) != 4 or not parts[2].isdigit():
            return None
        organiser_id, login, issued, mac = parts
        if not hmac.compare_digest(mac, self.mac("login", organiser_id, login, issued)):
            return None
        age = now - int(issued)
        if not -CLOCK_SKEW_MS <= age < SESSION_LIFETIME_MS:
            return None
        return organiser_id, login

    def csrf_token(self, basis: str) -> bytes:
        return self.mac("csrf", basis).encode()

    def base_url(self, request: Request) -> str:
        return (self.public_url or str(request.base_url)).rstrip("/")

    def secure(self, request: Request) -> bool:
        public = self.public_url or ""
        return public.startswith("https:") or request.url.scheme == "https"


def auth_of(request: Request) -> WebAuth:
    auth: WebAuth = request.app.state.web_auth
    return auth


def now_ms() -> int:
    return time.time_ns() // 1_000_000


# --- who is logged in ---------------------------------------------------------------------------


async def current_organiser(request: Request) -> Organiser | None:
    """The organiser this request's cookie logs in, if any (checked once per request)."""
    if hasattr(request.state, "organiser"):  # already checked for this request
        known: Organiser | None = request.state.organiser
        return known
    auth, now = auth_of(request), now_ms()
    login = auth.login_of(request.cookies.get(COOKIE), now)
    organiser = None
    if login is not None:
        organiser = await auth.organisers.session(login[1], login[0], now)
    request.state.organiser = organiser
    return organiser


async def require_organiser(request: Request) -> Organiser | RedirectResponse:
    """The organiser logged in, or the way to /connexion (back here afterwards)."""
    organiser = await current_organiser(request)
    if organiser is not None:
        return organiser
    target = request.url.path
    return RedirectResponse(f"/connexion?next={_quote(target)}", status_code=303)


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")


# --- CSRF ---------------------------------------------------------------------------------------


def _csrf_basis(request: Request, *, create: bool) -> str | None:
    login = auth_of(request).login_of(request.cookies.get(COOKIE), now_ms())
    if login is not None:
        return login[1]
    pending: str | None = getattr(request.state, "pending_pre", None)
    if pending is not None:
        return pending
    pre = request.cookies.get(PRE_COOKIE, "")
    if PRE.fullmatch(pre):
        return pre
    if not create:
        return None
    request.state.pending_pre = pre = secrets.token_urlsafe(32)
    return pre


def csrf_field(request: Request) -> str:
    """The hidden input every form of these pages carries (``check_csrf`` checks it).

    The token is masked afresh on every page (a random pad, then the token XOR that pad), so
    that no two compressed pages carry the same bytes: a page that also reflects something sent
    to it (the ``next`` path) never lets its compressed size tell the token (BREACH)."""
    token = auth_of(request).csrf_token(str(_csrf_basis(request, create=True)))
    pad = secrets.token_bytes(len(token))
    masked = base64.urlsafe_b64encode(pad + _xor(pad, token)).decode()
    return f'<input type="hidden" name="csrf" value="{masked}">'  # base64url: nothing to escape


def check_csrf(request: Request, form: dict[str, str]) -> bool:
    basis = _csrf_basis(request, create=False)
    if basis is None:
        return False
    expected = auth_of(request).csrf_token(basis)
    try:
        masked = base64.urlsafe_b64decode(form.get("csrf", "")[:128].encode())
    except ValueError:  # not base64
        return False
    pad, sent = masked[: len(expected)], masked[len(expected) :]
    if len(masked) != 2 * len(expected):
        return False
    return hmac.compare_digest(_xor(pad, sent), expected)


def _xor(pad: bytes, data: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(pad, data, strict=True))


def set_pending_cookies(request: Request, response: Response) -> None:
    """The ``mk_pre`` cookie a form of this response was tied to, when it is new."""
    pending: str | None = getattr(request.state, "pending_pre", None)
    if pending is not None:
        response.set_cookie(
            PRE_COOKIE,
            pending,
            httponly=True,
            samesite="lax",
            secure=auth_of(request).secure(request),
            path="/",
        )


def set_login_cookie(request: Request, response: Response, value: str) -> None:
    response.set_cookie(
        COOKIE,
        value,
        max_age=SESSION_LIFETIME_MS // 1000,
        httponly=True,
        samesite="lax",
        secure=auth_of(request).secure(request),
        path="/",
    )

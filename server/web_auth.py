"""Organisers on the web: the login cookie, CSRF, the login rate limit, and the account pages.

The cookie ``mk_org`` is ``{organiser}.{login}.{issued_at}.{mac}``: the organiser's id, the id of a
login row (``organisers``: deleted at logout, so a stolen cookie dies then), when it was issued
(ms), and an HMAC-SHA256 of the three under the server's secret (``METROKAWA_SECRET_KEY``, else
one made at the first start and kept in the database). It is HttpOnly, SameSite=Lax, Secure when
the public URL (or the request) is https, and lives 12 hours; a cookie altered in any part, older
than that, or whose login was closed, logs nobody in.

CSRF: every form of these pages carries ``csrf``, an HMAC of the login's id (logged in) or of a
random ``mk_pre`` cookie set with the first form (not logged in: the login form and the one-time
link's form), masked afresh on every page; a POST without it or with another one is refused with
403 « Formulaire expiré », code ``csrf``, before anything is read or changed.

Login attempts are counted per e-mail and per client address in a sliding window: the
``EMAIL_FAILURES``-th failure for an address within ``FAILURE_WINDOW_S`` blocks it (429, « Trop de
tentatives », ``Retry-After``) until the oldest one leaves the window; the client address allows
more (``ADDRESS_FAILURES``), for colleagues behind one office router. An attempt is counted
*before* the password is checked, so that parallel attempts cannot pass the limit together, and
forgiven when it succeeds. A wrong password and an unknown address get the same answer after the
same Argon2 work: the page tells nobody who has an account.

Routes (``routes()``): GET/POST /connexion, POST /deconnexion, GET/POST /mot-de-passe/{token},
GET/POST /organisateurs/inviter, GET/POST /organisateurs/oubli, GET /static-web.css.
"""

from __future__ import annotations

import math
import time
from typing import Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .limits import client_address
from .organisers import (
    MAX_EMAIL,
    MAX_PASSWORD,
    MIN_PASSWORD,
    AccountError,
    Issued,
    LinkKind,
    Organiser,
)
from .programmes import Programmes
from .web import STYLESHEET_PATH, esc, fr, page, read_form, stylesheet
from .web_session import (
    AFTER_LOGIN,
    COOKIE,
    TOKEN,
    auth_of,
    check_csrf,
    csrf_field,
    current_organiser,
    now_ms,
    require_organiser,
    set_login_cookie,
)

__all__ = ["csrf_refused", "routes"]


MESSAGES: Final = {
    "email_invalid": "Cette adresse électronique n’est pas valable.",
    "password_too_short": f"Le mot de passe doit compter au moins {MIN_PASSWORD} caractères.",
    "password_too_long": f"Le mot de passe doit compter au plus {MAX_PASSWORD} caractères.",
    "passwords_differ": "Les deux mots de passe ne sont pas identiques.",
    "unknown_organiser": "Aucun compte d’organisateur·rice n’a cette adresse.",
    "already_organiser": (
        "Cette adresse a déjà un compte : pour lui donner un nouveau mot de passe, passez par "
        "« Mot de passe oublié d’un·e collègue »."
    ),
    "login_failed": "Adresse électronique ou mot de passe incorrect.",
    "not_a_colleague": (
        "Vous ne partagez aucun programme avec ce compte : la personne qui gère le serveur peut "
        "lui donner un lien (metrokawa organiser add ADRESSE)."
    ),
}


def csrf_refused(request: Request, organiser: Organiser | None = None) -> Response:
    body = _p(
        "Ce formulaire a expiré ou ne vient pas de cette page : rien n’a été changé. "
        "Rechargez la page et recommencez.",
        code="csrf",
        cls="refusal",
    )
    return page("Formulaire expiré", body, request=request, organiser=organiser, status=403)


async def _log_in(request: Request, organiser: Organiser, target: str) -> Response:
    auth, now = auth_of(request), now_ms()
    login = await auth.organisers.open_session(organiser, now)
    response = RedirectResponse(target, status_code=303)
    set_login_cookie(request, response, auth.cookie_value(organiser, login, now))
    return response


# --- small HTML helpers -------------------------------------------------------------------------


def _p(text: str, *, code: str | None = None, cls: str = "notice", id_: str | None = None) -> str:
    attributes = f' class="{cls}"'
    if id_:
        attributes += f' id="{id_}"'
    if code:
        attributes += f' data-code="{esc(code)}"'
    role = ' role="alert"' if cls in ("error", "refusal") else ""
    return f"<p{attributes}{role}>{fr(text)}</p>"


def _field(
    name: str,
    label: str,
    *,
    kind: str,
    autocomplete: str,
    error_id: str | None,
    value: str = "",
    maxlength: int,
    hint: str | None = None,
    extra: str = "",
) -> str:
    hint_id = f"{name}-aide" if hint else None
    described = " ".join(i for i in (error_id, hint_id) if i)
    described_attr = f' aria-describedby="{described}"' if described else ""
    invalid = ' aria-invalid="true"' if error_id else ""
    hint_html = f'<p class="hint" id="{hint_id}">{fr(hint)}</p>' if hint else ""
    value_attr = f' value="{esc(value)}"' if value else ""
    return (
        f'<label for="{name}">{esc(label)}</label>{hint_html}'
        f'<input id="{name}" name="{name}" type="{kind}" autocomplete="{autocomplete}" required '
        f'maxlength="{maxlength}"{value_attr}{described_attr}{invalid}{extra}>'
    )


def _error(code: str | None, form: str) -> tuple[str, str | None]:
    """The error paragraph of a form (linked from its fields by id) and that id."""
    if code is None:
        return "", None
    error_id = f"{form}-erreur"
    return _p(MESSAGES[code], code=code, cls="error", id_=error_id), error_id


def _local_path(target: str | None) -> str:
    """Where to go after logging in: a path of this site, else the programmes."""
    if (
        target
        and len(target) <= 512
        and target.startswith("/")
        and not target.startswith(("//", "/\\"))
        and target.isprintable()
        and "\\" not in target
    ):
        return target
    return AFTER_LOGIN


# --- /connexion, /deconnexion -------------------------------------------------------------------


def _login_page(
    request: Request, *, target: str, email: str = "", code: str | None = None, status: int = 200
) -> Response:
    error, error_id = _error(code, "connexion")
    body = (
        f'<form class="stack" method="post" action="/connexion">{csrf_field(request)}'
        f'<input type="hidden" name="next" value="{esc(target)}">{error}'
        + _field(
            "email",
            "Adresse électronique",
            kind="email",
            autocomplete="username",
            error_id=error_id,
            value=email,
            maxlength=MAX_EMAIL,
        )
        + _field(
            "password",
            "Mot de passe",
            kind="password",
            autocomplete="current-password",
            error_id=error_id,
            maxlength=MAX_PASSWORD,
        )
        + "<button>Se connecter</button></form>"
        + _p(
            "Mot de passe oublié ? Un·e autre organisateur·rice peut vous donner un lien pour en "
            "choisir un nouveau (ou, sur la machine du serveur : metrokawa organiser add "
            "VOTRE-ADRESSE).",
            cls="hint",
        )
    )
    return page("Connexion des organisateurs", body, request=request, status=status)


async def login_form(request: Request) -> Response:
    target = _local_path(request.query_params.get("next"))
    if await current_organiser(request) is not None:
        return RedirectResponse(target, status_code=303)
    return _login_page(request, target=target)


async def login(request: Request) -> Response:
    form = await read_form(request)
    if not check_csrf(request, form):
        return csrf_refused(request)
    auth, now = auth_of(request), time.monotonic()
    target = _local_path(form.get("next"))
    typed = form.get("email", "")[: MAX_EMAIL + 1]
    email_key, address_key = typed.strip().lower(), client_address(request)
    wait = max(auth.by_email.wait(email_key, now), auth.by_address.wait(address_key, now))
    if wait > 0:
        minutes = max(1, math.ceil(wait / 60))
        body = _p(
            f"Trop de tentatives de connexion : réessayez dans {minutes} min.",
            code="too_many_attempts",
            cls="refusal",
        )
        headers = {"Retry-After": str(math.ceil(wait))}
        return page("Trop de tentatives", body, request=request, status=429, headers=headers)
    # Counted before the (slow) check, so that parallel attempts cannot all pass the limit.
    auth.by_email.add(email_key, now)
    by_address = auth.by_address.add(address_key, now)
    organiser = await auth.organisers.authenticate(typed, form.get("password", ""))
    if organiser is None:
        return _login_page(request, target=target, email=typed, code="login_failed", status=401)
    auth.by_email.clear(email_key)  # they know the password: their typos are forgiven
    auth.by_address.forgive(address_key, by_address)
    return await _log_in(request, organiser, target)


async def logout(request: Request) -> Response:
    form = await read_form(request)
    if not check_csrf(request, form):
        return csrf_refused(request, await current_organiser(request))
    auth, now = auth_of(request), now_ms()
    login = auth.login_of(request.cookies.get(COOKIE), now)
    if login is not None:
        await auth.organisers.close_session(login[1], now)
    response = RedirectResponse("/connexion", status_code=303)
    secure = auth.secure(request)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax", secure=secure)
    return response


# --- /mot-de-passe/{token} ----------------------------------------------------------------------


def _link_gone(request: Request) -> Response:
    body = _p(
        "Ce lien est inconnu, a déjà servi ou a expiré (un lien sert une fois, pendant 72 "
        "heures). Demandez-en un nouveau à un·e organisateur·rice.",
        code="link_invalid",
        cls="refusal",
    )
    return page("Lien hors d’usage", body, request=request, status=404)


def _password_page(
    request: Request,
    token: str,
    organiser: Organiser,
    kind: LinkKind,
    *,
    code: str | None = None,
    status: int = 200,
) -> Response:
    error, error_id = _error(code, "mot-de-passe")
    title = "Choisir votre mot de passe" if kind is LinkKind.SET else "Changer votre mot de passe"
    body = (
        _p(f"Compte : {organiser.email}", cls="hint")
        + f'<form class="stack" method="post" action="/mot-de-passe/{esc(token)}">'
        + csrf_field(request)
        + error
        # For password managers: the account the new password belongs to.
        + f'<input type="hidden" name="username" autocomplete="username" '
        f'value="{esc(organiser.email)}">'
        + _field(
            "password",
            "Nouveau mot de passe",
            kind="password",
            autocomplete="new-password",
            error_id=error_id,
            maxlength=MAX_PASSWORD,
            hint=f"Au moins {MIN_PASSWORD} caractères ; une phrase facile à retenir convient.",
            extra=f' minlength="{MIN_PASSWORD}"',
        )
        + _field(
            "password2",
            "Le même, une seconde fois",
            kind="password",
            autocomplete="new-password",
            error_id=error_id,
            maxlength=MAX_PASSWORD,
            extra=f' minlength="{MIN_PASSWORD}"',
        )
        + "<button>Enregistrer et se connecter</button></form>"
    )
    return page(title, body, request=request, status=status)


def _token(request: Request) -> str | None:
    token = str(request.path_params["token"])
    return token if TOKEN.fullmatch(token) else None


async def password_form(request: Request) -> Response:
    token = _token(request)
    found = None if token is None else await auth_of(request).organisers.link(token, now_ms())
    if token is None or found is None:
        return _link_gone(request)
    return _password_page(request, token, *found)


async def set_password(request: Request) -> Response:
    form = await read_form(request)
    if not check_csrf(request, form):
        return csrf_refused(request)
    token, auth = _token(request), auth_of(request)
    if token is None:
        return _link_gone(request)
    now = now_ms()
    try:
        organiser = await auth.organisers.set_password(
            token, form.get("password", ""), now, again=form.get("password2", "")
        )
    except AccountError as error:
        found = await auth.organisers.link(token, now)
        if found is None:
            return _link_gone(request)
        return _password_page(request, token, *found, code=error.code, status=400)
    if organiser is None:
        return _link_gone(request)
    return await _log_in(request, organiser, AFTER_LOGIN)


# --- /organisateurs/inviter, /organisateurs/oubli -----------------------------------------------

_COLLEAGUE: Final = {
    # the page (its path) → its title, what it does, its button
    "inviter": (
        "Inviter un·e collègue",
        "Son compte est créé avec un lien à usage unique, valable 72 heures, pour choisir son "
        "mot de passe : transmettez-le-lui.",
        "Créer le compte et le lien",
    ),
    "oubli": (
        "Mot de passe oublié d’un·e collègue",
        "Un lien à usage unique, valable 72 heures, lui permet de choisir un nouveau mot de "
        "passe ; l’ancien reste valable jusque-là. Transmettez-le-lui vous-même : ne le donnez "
        "qu’à la personne dont c’est le compte.",
        "Créer le lien",
    ),
}


def _colleague_page(
    request: Request,
    which: str,
    organiser: Organiser,
    *,
    email: str = "",
    code: str | None = None,
    status: int = 200,
    done: str = "",
) -> Response:
    title, intro, button = _COLLEAGUE[which]
    error, error_id = _error(code, which)
    body = (
        done
        + _p(intro, cls="hint")
        + f'<form class="stack" method="post" action="/organisateurs/{which}">'
        + csrf_field(request)
        + error
        + _field(
            "email",
            "Son adresse électronique",
            kind="email",
            autocomplete="off",
            error_id=error_id,
            value=email,
            maxlength=MAX_EMAIL,
        )
        + f"<button>{esc(button)}</button></form>"
    )
    return page(title, body, request=request, organiser=organiser, status=status)


async def _colleague_form(request: Request, which: str) -> Response:
    organiser = await require_organiser(request)
    if isinstance(organiser, Response):
        return organiser
    return _colleague_page(request, which, organiser)


async def _colleague_post(request: Request, which: str) -> Response:
    organiser = await require_organiser(request)
    if isinstance(organiser, Response):
        return organiser
    form = await read_form(request)
    if not check_csrf(request, form):
        return csrf_refused(request, organiser)
    auth, typed = auth_of(request), form.get("email", "")[: MAX_EMAIL + 1]
    if (
        which == "oubli"
        and auth.mailer is None
        and not await _colleagues(request, organiser, typed)
    ):
        # A reset link shown to someone else is their key to that account: without a mail
        # server, only to a colleague who already shares one of its programmes.
        return _colleague_page(
            request, which, organiser, email=typed, code="not_a_colleague", status=403
        )
    try:
        if which == "inviter":
            issued = await auth.organisers.invite(typed, now_ms(), by=organiser.id)
        else:
            issued = await auth.organisers.reset(typed, now_ms(), by=organiser.id)
    except AccountError as error:
        return _colleague_page(request, which, organiser, email=typed, code=error.code, status=400)
    done = await _issued_notice(request, issued, by=organiser)
    return _colleague_page(request, which, organiser, done=done)


async def _colleagues(request: Request, organiser: Organiser, email: str) -> bool:
    """Whether the account of ``email`` shares a programme with ``organiser``."""
    other = await auth_of(request).organisers.by_email(email)
    if other is None:
        return True  # the same answer as for a colleague: the page then says « unknown »
    programmes: Programmes = request.app.state.programmes
    mine = {p.id for p in await programmes.of_organiser(organiser.id)}
    return any(p.id in mine for p in await programmes.of_organiser(other.id))


async def _issued_notice(request: Request, issued: Issued, *, by: Organiser) -> str:
    auth = auth_of(request)
    link = f"{auth.base_url(request)}/mot-de-passe/{issued.token}"
    email = issued.organiser.email
    sent = None
    if auth.mailer is not None:
        sent = await auth.mailer.send_link(email, issued.kind, link, by=by.email)
    if issued.kind is not LinkKind.SET and sent is not None:
        # With a mail server, a reset link goes to its owner's address only: shown here, it
        # would let whoever asked log in as them.
        said = (
            f"Un lien pour changer son mot de passe a été envoyé à {email}."
            if sent
            else "L’envoi par courriel a échoué : la personne qui gère le serveur peut lui "
            f"donner un lien (metrokawa organiser add {email})."
        )
        return f'<section class="notice" role="status"><p>{fr(said)}</p></section>'
    what = (
        f"Compte créé pour {email}."
        if issued.kind is LinkKind.SET
        else f"Lien pour changer le mot de passe de {email}."
    )
    mailed = {
        None: "",
        True: "Il lui a aussi été envoyé par courriel.",
        False: "L’envoi par courriel a échoué : transmettez-le-lui vous-même.",
    }[sent]
    mailed_html = f"<p>{fr(mailed)}</p>" if mailed else ""
    return (
        '<section class="notice" aria-labelledby="lien-titre" role="status">'
        f'<h2 id="lien-titre">{fr(what)}</h2>'
        f"<p>{fr('Son lien (une seule fois, 72 heures) :')}</p>"
        f'<p class="link"><a href="{esc(link)}">{esc(link)}</a></p>{mailed_html}</section>'
    )


async def invite_form(request: Request) -> Response:
    return await _colleague_form(request, "inviter")


async def invite(request: Request) -> Response:
    return await _colleague_post(request, "inviter")


async def reset_form(request: Request) -> Response:
    return await _colleague_form(request, "oubli")


async def reset(request: Request) -> Response:
    return await _colleague_post(request, "oubli")


def routes() -> list[Route]:
    return [
        Route("/connexion", login_form, methods=["GET"]),
        Route("/connexion", login, methods=["POST"]),
        Route("/deconnexion", logout, methods=["POST"]),
        Route("/mot-de-passe/{token}", password_form, methods=["GET"]),
        Route("/mot-de-passe/{token}", set_password, methods=["POST"]),
        Route("/organisateurs/inviter", invite_form, methods=["GET"]),
        Route("/organisateurs/inviter", invite, methods=["POST"]),
        Route("/organisateurs/oubli", reset_form, methods=["GET"]),
        Route("/organisateurs/oubli", reset, methods=["POST"]),
        Route(STYLESHEET_PATH, stylesheet, methods=["GET"]),
    ]

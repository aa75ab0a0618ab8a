"""The shell of the server-rendered HTML pages (organisers' pages, programmes), and their forms.

``page(title, body, request=…, organiser=…)`` wraps a page's body: ``lang="fr"``, a skip link, a
header with the organiser's address, their links and a logout form, the ``main`` landmark that
starts with the title as ``h1``, and the shared stylesheet (``/static-web.css``, served by
``stylesheet``). Every such page is sent with a strict Content-Security-Policy (no script at all,
forms to this origin only), ``Referrer-Policy: no-referrer`` (a one-time link's URL must never leave
in a ``Referer``) and ``Cache-Control: no-store`` (links and addresses are not kept by caches).

``esc`` escapes text for HTML (attributes included); ``read_form`` reads an
``application/x-www-form-urlencoded`` body of at most 64 KiB: anything else (multipart, a larger
body, bytes that are not UTF-8) reads as an empty form, which every POST then refuses.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from session_engine.typography import typeset

from .web_session import csrf_field, set_pending_cookies

if TYPE_CHECKING:
    from .organisers import Organiser

__all__ = ["MAX_FORM_BYTES", "STYLESHEET_PATH", "esc", "fr", "page", "read_form", "stylesheet"]

MAX_FORM_BYTES: Final = 64 * 1024
MAX_FORM_FIELDS: Final = 64
STYLESHEET_PATH: Final = "/static-web.css"
FORM_TYPE: Final = "application/x-www-form-urlencoded"

HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

# Readable at 360 px (one column, inputs full width, 16 px text so phones do not zoom), AA
# contrast (#1a1a1a on white, links #0b4f9c, errors #a4161a), a focus ring always visible.
CSS: Final = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;
background:#fff}
a{color:#0b4f9c}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem}
.skip:focus{left:.5rem}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.75rem 1rem;
border-bottom:1px solid #767676}
header p{margin:0}
.brand{font-weight:700;margin-right:auto}
header nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0;padding:0;list-style:none}
main{max-width:40rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;line-height:1.25}
form.stack{display:grid;gap:.25rem}
label{font-weight:600;margin-top:.75rem}
input[type=email],input[type=password],input[type=text],input[type=url],input[type=date],select,
textarea{width:100%;font:inherit;padding:.5rem;min-height:44px;border:1px solid #595959;
border-radius:4px;background:#fff;color:inherit}
fieldset{border:1px solid #767676;border-radius:4px;margin:.75rem 0 0;padding:.25rem .75rem .75rem}
legend{font-weight:700;padding:0 .25rem}
label:has(input[type=checkbox]){display:flex;gap:.5rem;align-items:center;min-height:44px}
input[type=checkbox]{width:1.5rem;height:1.5rem}
table{border-collapse:collapse;width:100%;display:block;overflow-x:auto}
th,td{border:1px solid #767676;padding:.25rem .5rem;text-align:left;vertical-align:top}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0 1rem}
.actions form,.actions a{display:inline-flex;align-items:center}
.actions button{margin-top:0}
section{margin-top:2rem}
li{margin:.25rem 0}
button{font:inherit;padding:.5rem 1rem;margin-top:1rem;border:2px solid #0b4f9c;border-radius:4px;
background:#0b4f9c;color:#fff;cursor:pointer;justify-self:start}
header button{margin:0;padding:.25rem .75rem;background:#fff;color:#0b4f9c}
:focus-visible{outline:3px solid #c25100;outline-offset:2px}
.hint{color:#4a4a4a;margin:0;font-size:.9375rem}
.error{color:#a4161a;font-weight:600;margin:0}
.notice{border-left:4px solid #0b4f9c;padding:.5rem 1rem;background:#eef4fb;margin:0 0 1rem}
.notice h2{font-size:1.125rem;margin:.25rem 0}
.refusal{border-left:4px solid #a4161a;padding:.5rem 1rem;background:#fbeeee}
.link{word-break:break-all;font-family:ui-monospace,monospace}
"""


def esc(text: str) -> str:
    """Text made safe inside HTML content and quoted attributes."""
    return html.escape(text, quote=True)


def fr(text: str) -> str:
    """A French text typeset (U+202F before ? ! ;, U+00A0 before : and inside « »), then
    escaped for HTML: how every server-rendered page writes its sentences and people's texts."""
    return esc(typeset(text))


def stylesheet(request: Request) -> Response:
    return Response(CSS, media_type="text/css", headers={"Cache-Control": "max-age=3600"})


async def read_form(request: Request, *, max_fields: int = MAX_FORM_FIELDS) -> dict[str, str]:
    """The fields of a urlencoded form (the first value of each name); {} for anything else.
    ``max_fields``: a form that has a field per item of a list (a forum's problems) says so."""
    content_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        return {}
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return {}
    try:
        pairs = parse_qsl(
            body.decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            errors="strict",
            max_num_fields=max_fields,
        )
    except (UnicodeDecodeError, ValueError):  # not UTF-8, or too many fields
        return {}
    form: dict[str, str] = {}
    for name, value in pairs:
        form.setdefault(name, value)
    return form


def page(
    title: str,
    body: str,
    *,
    request: Request,
    organiser: Organiser | None = None,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A whole page: ``title`` (plain text, typeset and escaped here) and ``body`` (HTML, made
    with ``esc``). With an organiser, the header shows who is logged in and a logout form."""
    title = typeset(title)
    account = ""
    if organiser is not None:
        account = (
            f"<p>Connecté·e : <strong>{esc(organiser.email)}</strong></p>"
            '<nav aria-label="Organisateurs"><ul>'
            '<li><a href="/programmes">Programmes</a></li>'
            '<li><a href="/organisateurs/inviter">Inviter un·e collègue</a></li>'
            '<li><a href="/organisateurs/oubli">Mot de passe oublié d’un·e collègue</a></li>'
            "</ul></nav>"
            f'<form method="post" action="/deconnexion">{csrf_field(request)}'
            "<button>Se déconnecter</button></form>"
        )
    document = f"""<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)} — Métrokawa</title>
<link rel="stylesheet" href="{STYLESHEET_PATH}">
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
</head>
<body>
<a class="skip" href="#contenu">Aller au contenu</a>
<header><p class="brand">Métrokawa</p>{account}</header>
<main id="contenu" tabindex="-1">
<h1>{esc(title)}</h1>
{body}
</main>
</body>
</html>
"""
    response = HTMLResponse(document, status_code=status, headers={**HEADERS, **(headers or {})})
    set_pending_cookies(request, response)
    return response

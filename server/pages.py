"""The tablet client's pages: which built HTML file answers which URL, its static assets, its
icons and web manifest, and the French page for an address that leads nowhere.

The client (``clients/tablet/``) is built by Vite into ``dist/``: one HTML file per view, hashed
assets under ``dist/assets/``, and the files of ``public/`` (icons, manifest) at its root. The
server only hands them out; the pages then speak the WebSocket protocol like any other client.
When the build is missing (a checkout where ``make setup`` has not run), every page says so in a
sentence instead of a bare 404.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

__all__ = ["DEFAULT_UI_DIR", "ROOT_FILES", "page_routes"]

DEFAULT_UI_DIR = Path(__file__).resolve().parent.parent / "clients" / "tablet" / "dist"

# URL → built page. The console's token travels in the fragment, never in a request.
PAGES: dict[str, str] = {
    "/": "index.html",
    "/j": "participant.html",  # no code yet: the page asks for one
    "/j/{code}": "participant.html",
    "/t/{code}/{table}": "participant.html",  # a table's shared tablet; its token in the fragment
    "/f/{session_id}": "console.html",
    "/p/{session_id}": "projector.html",
    "/r": "replay.html",  # a .mkawa file chosen on this device
    "/r/{session_id}": "replay.html",  # a session's log, with the facilitator's token
    "/r/a/{archive_id}": "replay.html",  # an archive's published log (/archives), no token
}

# Files at the build's root (``clients/tablet/public/``) → their media type. Every page links
# the icon and the manifest; a browser asks for /favicon.ico by itself on pages that do not.
ROOT_FILES: dict[str, str] = {
    "/favicon.svg": "image/svg+xml",
    "/favicon.ico": "image/x-icon",
    "/icon-192.png": "image/png",
    "/icon-512.png": "image/png",
    "/manifest.webmanifest": "application/manifest+json",
}

# What a page fetches first, announced in a ``Link: rel=preload`` header so that the browser
# asks for it while the scripts are still arriving: on a slow 3G link (2 s per round trip) this
# saves one round trip before a participant sees the join form.
PRELOADS: dict[str, str] = {
    "/j/{code}": "/api/codes/{code}",
    "/f/{session_id}": "/api/sessions/{session_id}",
    "/p/{session_id}": "/api/sessions/{session_id}",
}

# The pages load only their own scripts and styles; the WebSocket and the API are same-origin:
# CSP Level 3 lets ``'self'`` match ws: and wss: URLs of the page's own host and port, so no
# other host may be reached by a socket either.
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}

_ICON_LINKS = """<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="manifest" href="/manifest.webmanifest">"""

_NOT_BUILT = """<!doctype html><html lang="fr"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Métrokawa</title>
<main><h1>Métrokawa</h1><p>L’interface n’est pas encore construite sur ce serveur.
Lancez <code>make setup</code> (ou <code>npm ci &amp;&amp; npm run build</code> dans
<code>clients/tablet/</code>), puis rechargez la page.</p></main></html>"""

# Plain HTML with its own few styles (the build's CSS files have hashed names): readable on a
# phone, the links large enough to touch.
_NOT_FOUND = f"""<!doctype html><html lang="fr"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{_ICON_LINKS}
<title>Page introuvable — Métrokawa</title>
<style>body{{font:18px/1.45 system-ui,sans-serif;color:#1c1c1c;background:#f6f5f1;margin:0}}
main{{max-width:40rem;margin:0 auto;padding:24px 16px}}a{{color:#1f4fa3;display:inline-block;
padding:10px 0;min-height:44px;font-weight:700}}</style>
<main><h1>Page introuvable</h1>
<p>Il n’y a rien à cette adresse. Vérifiez-la, ou continuez ici&nbsp;:</p>
<ul><li><a href="/j">Rejoindre une session avec son code</a></li>
<li><a href="/">Accueil de Métrokawa</a></li></ul>
<p lang="en">Page not found. <a href="/">Métrokawa’s home page</a>.</p></main></html>"""

_API_NOT_FOUND = {"code": "not_found", "message": "Cette adresse n’existe pas."}


def page_routes(ui_dir: Path, *, tiles: str | None = None) -> list[BaseRoute]:
    """The page routes, the ``/assets`` mount, the root files for a build in ``ui_dir``, and
    last the answer for everything else (it must stay the last route of the application).
    ``tiles``: the map tiles' origin (``tiles.image_source``), which the participant page (the
    forum's map) may load images from — that page only, and that origin only."""
    routes: list[BaseRoute] = [
        Route(url, _page(ui_dir / name, PRELOADS.get(url), _headers(name, tiles)))
        for url, name in PAGES.items()
    ]
    routes += [Route(url, _root_file(ui_dir / url[1:], kind)) for url, kind in ROOT_FILES.items()]
    assets = ui_dir / "assets"
    routes.append(Mount("/assets", app=StaticFiles(directory=assets, check_dir=False)))
    routes.append(NotFound())
    return routes


def _headers(page: str, tiles: str | None) -> dict[str, str]:
    if tiles is None or page != "participant.html":
        return _HEADERS
    policy = _HEADERS["Content-Security-Policy"].replace("blob:;", f"blob: {tiles};", 1)
    return {**_HEADERS, "Content-Security-Policy": policy}


def _page(
    path: Path, preload: str | None, base: dict[str, str]
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        if not path.is_file():
            return HTMLResponse(_NOT_BUILT, status_code=503, headers=base)
        headers = dict(base)
        if preload is not None:
            params = {k: quote(str(v), safe="") for k, v in request.path_params.items()}
            headers["Link"] = f"<{preload.format(**params)}>; rel=preload; as=fetch; crossorigin"
        return FileResponse(path, media_type="text/html; charset=utf-8", headers=headers)

    return endpoint


def _root_file(path: Path, media_type: str) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        if not path.is_file():
            return _not_found(request.scope)
        return FileResponse(path, media_type=media_type, headers={"Cache-Control": "no-cache"})

    return endpoint


class NotFound(BaseRoute):
    """Whatever no other route answers: a French page, or the API's JSON error under ``/api/``
    (never Starlette's bare English « Not Found »).

    It matches every HTTP request, but only partially. Starlette's router takes a full match
    first, then the first partial one (a known path asked with another method: 405), so placed
    last this route answers only when nothing else would. It first does what the router does
    next: a path that exists with or without its trailing slash is redirected there."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        return (Match.PARTIAL, {}) if scope["type"] == "http" else (Match.NONE, {})

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = _slash_redirect(scope) or _not_found(scope)
        await response(scope, receive, send)


def _slash_redirect(scope: Scope) -> Response | None:
    path = str(scope["path"])
    if path == "/":
        return None
    other = dict(scope, path=path[:-1] if path.endswith("/") else f"{path}/")
    for route in scope["router"].routes:
        if not isinstance(route, NotFound) and route.matches(other)[0] is not Match.NONE:
            return RedirectResponse(URL(scope=other))
    return None


def _not_found(scope: Scope) -> Response:
    if str(scope["path"]).startswith("/api/"):
        return JSONResponse(_API_NOT_FOUND, status_code=404)
    return HTMLResponse(_NOT_FOUND, status_code=404, headers=_HEADERS)

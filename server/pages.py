"""The tablet client's pages: which built HTML file answers which URL, and its static assets.

The client (``clients/tablet/``) is built by Vite into ``dist/``: one HTML file per view, hashed
assets under ``dist/assets/``. The server only hands them out; the pages then speak the
WebSocket protocol like any other client. When the build is missing (a checkout where
``make setup`` has not run), every page says so in a sentence instead of a bare 404.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

__all__ = ["DEFAULT_UI_DIR", "page_routes"]

DEFAULT_UI_DIR = Path(__file__).resolve().parent.parent / "clients" / "tablet" / "dist"

# URL → built page. The console's token travels in the fragment, never in a request.
PAGES: dict[str, str] = {
    "/": "index.html",
    "/j/{code}": "participant.html",
    "/f/{session_id}": "console.html",
    "/p/{session_id}": "projector.html",
    "/r": "replay.html",  # a .mkawa file chosen on this device
    "/r/{session_id}": "replay.html",  # a session's log, with the facilitator's token
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

_NOT_BUILT = """<!doctype html><html lang="fr"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Métrokawa</title>
<main><h1>Métrokawa</h1><p>L’interface n’est pas encore construite sur ce serveur.
Lancez <code>make setup</code> (ou <code>npm ci &amp;&amp; npm run build</code> dans
<code>clients/tablet/</code>), puis rechargez la page.</p></main></html>"""


def page_routes(ui_dir: Path) -> list[BaseRoute]:
    """The page routes and the ``/assets`` mount for a build in ``ui_dir``."""
    routes: list[BaseRoute] = [
        Route(url, _page(ui_dir / name, PRELOADS.get(url))) for url, name in PAGES.items()
    ]
    assets = ui_dir / "assets"
    routes.append(Mount("/assets", app=StaticFiles(directory=assets, check_dir=False)))
    return routes


def _page(path: Path, preload: str | None) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        if not path.is_file():
            return HTMLResponse(_NOT_BUILT, status_code=503, headers=_HEADERS)
        headers = dict(_HEADERS)
        if preload is not None:
            params = {k: quote(str(v), safe="") for k, v in request.path_params.items()}
            headers["Link"] = f"<{preload.format(**params)}>; rel=preload; as=fetch; crossorigin"
        return FileResponse(path, media_type="text/html; charset=utf-8", headers=headers)

    return endpoint

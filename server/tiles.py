"""The forum's map tiles: which tile server the participant page draws the map from, what it says
about it, and the one origin the page's Content-Security-Policy lets images come from for it.

The tile server is the operator's choice (``METROKAWA_TILES_URL``, a Leaflet URL template such as
``https://tile.openstreetmap.org/{z}/{x}/{y}.png``; OpenStreetMap's by default); an empty value
means no tiles at all: the map then shows its markers on a blank background, and the list stays
the way to do everything (the tests run so, with no network). ``GET /api/carte`` hands the choice
to the page, which asks for no tile before it knows it.
"""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import urlsplit

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

__all__ = [
    "OSM_ATTRIBUTION",
    "OSM_COPYRIGHT",
    "OSM_TILES",
    "Tiles",
    "carte",
    "image_source",
    "tiles_from_environment",
]

OSM_TILES: Final = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION: Final = "© les contributeurs d’OpenStreetMap"
OSM_COPYRIGHT: Final = "https://www.openstreetmap.org/copyright"


class Tiles(msgspec.Struct, frozen=True, kw_only=True):
    """``url`` None: no tiles. ``attribution`` is plain text (the page never reads it as HTML);
    it links to ``attribution_url`` when there is one (OpenStreetMap's copyright page)."""

    url: str | None = OSM_TILES
    attribution: str = OSM_ATTRIBUTION
    attribution_url: str | None = OSM_COPYRIGHT


def tiles_from_environment(environ: dict[str, str]) -> Tiles:
    """``METROKAWA_TILES_URL`` (unset: OpenStreetMap; empty: none) and
    ``METROKAWA_TILES_ATTRIBUTION``. Raises ValueError, in a French sentence, for a URL that is
    neither ``http(s)://…`` nor a path of this server."""
    url = environ.get("METROKAWA_TILES_URL", OSM_TILES).strip() or None
    if url is not None and not _acceptable(url):
        raise ValueError(
            "METROKAWA_TILES_URL doit commencer par https://, http:// ou / et nommer un hôte "
            "(lettres, chiffres, points, tirets, un port ; {s} pour les sous-domaines) : "
            f"{url!r}."
        )
    attribution = environ.get("METROKAWA_TILES_ATTRIBUTION", "").strip()
    if url is not None and _is_openstreetmap(url):
        return Tiles(url=url, attribution=attribution or OSM_ATTRIBUTION)
    return Tiles(url=url, attribution=attribution, attribution_url=None)


# What a tile server's host may be, as it goes into the page's Content-Security-Policy: nothing
# there may end the directive (« ; »), add a source (a blank) or carry credentials (« @ »).
_HOST: Final = re.compile(r"(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:\d{1,5})?")


def _acceptable(url: str) -> bool:
    if url.startswith("/"):
        return not url.startswith("//") and not any(c.isspace() for c in url)
    if not url.startswith(("https://", "http://")) or any(c.isspace() for c in url):
        return False
    try:
        netloc = urlsplit(url.replace("{s}", "*")).netloc
    except ValueError:  # « https://[::1/ »: no address at all
        return False
    return _HOST.fullmatch(netloc) is not None


def _is_openstreetmap(url: str) -> bool:
    host = urlsplit(url.replace("{s}", "a")).hostname or ""
    return host == "tile.openstreetmap.org" or host.endswith(".tile.openstreetmap.org")


def image_source(tiles: Tiles) -> str | None:
    """The CSP source for the tiles' origin (``https://tile.openstreetmap.org``; a ``{s}``
    subdomain becomes ``*``), or None when there are none or they come from this server."""
    if tiles.url is None or tiles.url.startswith("/"):
        return None
    parts = urlsplit(tiles.url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}"


async def carte(request: Request) -> Response:
    """GET /api/carte: ``{"tiles": url | null, "attribution": text, "attribution_url": url | null}``
    (the URL a Leaflet template; no tiles: null)."""
    tiles: Tiles = request.app.state.tiles
    body = {
        "tiles": tiles.url,
        "attribution": tiles.attribution,
        "attribution_url": tiles.attribution_url,
    }
    return JSONResponse(body, headers={"Cache-Control": "no-cache"})

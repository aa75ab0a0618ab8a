"""The forum map's tiles (server/tiles.py): which tile server the environment names, what
``GET /api/carte`` tells the page, the one image origin the participant page's CSP adds for it,
in this process, with no network: no tile is ever fetched here, only named.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest

from server.app import Settings, create_app
from server.cli import main
from server.tiles import Tiles, image_source, tiles_from_environment

from .live import free_port

OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@pytest.mark.parametrize(
    ("environ", "url", "attribution", "attribution_url"),
    [
        ({}, OSM, "© les contributeurs d’OpenStreetMap", "https://www.openstreetmap.org/copyright"),
        ({"METROKAWA_TILES_URL": ""}, None, "", None),
        ({"METROKAWA_TILES_URL": "  "}, None, "", None),
        (
            {"METROKAWA_TILES_URL": "https://{s}.tuiles.example/{z}/{x}/{y}.png"},
            "https://{s}.tuiles.example/{z}/{x}/{y}.png",
            "",
            None,
        ),
        (
            {
                "METROKAWA_TILES_URL": "/tuiles/{z}/{x}/{y}.png",
                "METROKAWA_TILES_ATTRIBUTION": "IGN",
            },
            "/tuiles/{z}/{x}/{y}.png",
            "IGN",
            None,
        ),
    ],
)
def test_the_environment_names_the_tile_server_or_none(
    environ: dict[str, str], url: str | None, attribution: str, attribution_url: str | None
) -> None:
    tiles = tiles_from_environment(environ)
    assert (tiles.url, tiles.attribution, tiles.attribution_url) == (
        url,
        attribution,
        attribution_url,
    )


# What would go into the page's Content-Security-Policy from the tile URL, and must not.
REFUSED_URLS = [
    "javascript:alert(1)",
    "https://a.example;script-src *;x/{z}/{x}/{y}.png",  # a directive of its own
    "https://t.example:8080 https://evil.example/{z}/{x}/{y}.png",  # a second source
    "https://user:secret@t.example/{z}/{x}/{y}.png",  # credentials in a header
    "//t.example/{z}/{x}/{y}.png",  # another host, not this server's path
    "https://[::1/{z}/{x}/{y}.png",  # no address at all
    "https:///{z}/{x}/{y}.png",  # no host
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_a_tile_url_that_is_no_address_is_refused_in_a_french_sentence(url: str) -> None:
    with pytest.raises(ValueError, match="METROKAWA_TILES_URL doit commencer par https://"):
        tiles_from_environment({"METROKAWA_TILES_URL": url})


def test_openstreetmap_s_tiles_are_credited_whatever_their_subdomain() -> None:
    tiles = tiles_from_environment(
        {"METROKAWA_TILES_URL": "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"}
    )
    assert tiles.attribution == "© les contributeurs d’OpenStreetMap"


@pytest.mark.parametrize(
    ("url", "source"),
    [
        (OSM, "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.fr:8443/{z}/{x}/{y}.png", "https://*.tile.example.fr:8443"),
        ("http://127.0.0.1:9/{z}/{x}/{y}.png", "http://127.0.0.1:9"),
        ("/tuiles/{z}/{x}/{y}.png", None),  # this server's own: 'self' already
        (None, None),
    ],
)
def test_the_csp_image_source_is_the_tiles_origin_only(url: str | None, source: str | None) -> None:
    assert image_source(Tiles(url=url)) == source


def in_process(settings: Settings, scenario: Any) -> None:
    """Run ``scenario(client)`` against the app in this process, its lifespan started."""

    async def main() -> None:
        app = create_app(settings)
        transport = httpx.ASGITransport(app=app)
        async with (
            app.app.router.lifespan_context(app.app),
            httpx.AsyncClient(transport=transport, base_url="http://metrokawa.test") as client,
        ):
            await scenario(client)

    asyncio.run(main())


def fake_build(tmp_path: Path) -> str:
    """A build of two pages that are nothing but a title: the headers are what is tested."""
    for page in ("participant.html", "console.html"):
        (tmp_path / page).write_text("<!doctype html><title>page</title>", encoding="utf-8")
    return str(tmp_path)


def test_api_carte_gives_the_page_the_tiles_and_the_participant_page_may_load_them(
    tmp_path: Path,
) -> None:
    tiles = Tiles(
        url="https://tuiles.example/{z}/{x}/{y}.png",
        attribution="Tuiles : exemple",
        attribution_url=None,
    )

    async def scenario(client: httpx.AsyncClient) -> None:
        carte = (await client.get("/api/carte")).json()
        assert carte == {
            "tiles": "https://tuiles.example/{z}/{x}/{y}.png",
            "attribution": "Tuiles : exemple",
            "attribution_url": None,
        }
        participant = (await client.get("/j/ABCDEF")).headers["content-security-policy"]
        assert "img-src 'self' data: blob: https://tuiles.example;" in participant
        console = (await client.get("/f/s1")).headers["content-security-policy"]
        assert "tuiles.example" not in console

    in_process(Settings(db="memory://", ui_dir=fake_build(tmp_path), tiles=tiles), scenario)


def test_no_tiles_means_a_null_url_and_the_csp_unchanged(tmp_path: Path) -> None:
    async def scenario(client: httpx.AsyncClient) -> None:
        carte = (await client.get("/api/carte")).json()
        assert carte["tiles"] is None
        policy = (await client.get("/j/ABCDEF")).headers["content-security-policy"]
        assert "img-src 'self' data: blob:;" in policy

    in_process(
        Settings(db="memory://", ui_dir=fake_build(tmp_path), tiles=Tiles(url=None)), scenario
    )


def test_serve_refuses_a_tile_url_that_is_no_address_in_one_sentence_before_listening(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("METROKAWA_TILES_URL", "tuiles.example/{z}/{x}/{y}.png")
    db = tmp_path / "m.sqlite"
    code = main(["serve", "--db", str(db), "--port", str(free_port()), "--no-new-session"])
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("metrokawa\u00a0: METROKAWA_TILES_URL doit commencer par https://")
    assert not db.exists()

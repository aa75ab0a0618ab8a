"""Every page has its icon and its web manifest, and loads without one missing file.

Before, each page asked for /favicon.ico, got a 404 and logged it in the console. Now each page
links an SVG icon and a French web manifest (icons in PNG beside it), the server hands them out
with their media types, and a page's load makes no request that fails and logs no error.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import expect

from ..server.live import LiveServer
from ..server.scenario import Room, closing_every_socket
from .conftest import DESKTOP, run_beside
from .tablet import open_tablet

TYPES = {
    "/favicon.svg": "image/svg+xml",
    "/favicon.ico": "image/x-icon",
    "/icon-192.png": "image/png",
    "/icon-512.png": "image/png",
    "/manifest.webmanifest": "application/manifest+json",
}


def watch(page: Any) -> list[str]:
    """What went wrong while the page loads: failed requests, errors in its console."""
    problems: list[str] = []
    page.on(
        "response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None
    )
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
    page.on(
        "console",
        lambda m: (
            problems.append(f"console: {m.text} at {m.location.get('url')}")
            if m.type == "error"
            else None
        ),
    )
    return problems


def test_every_page_links_its_icon_and_manifest_and_misses_no_file(
    server: LiveServer, open_context: Any
) -> None:
    room = Room.create(server)
    member = run_beside(closing_every_socket(room.join("Dounia")))
    pages = {
        "home": "/",
        "code": "/j",
        "join": f"/j/{room.code}",
        "console": f"/f/{room.id}#token={room.token}",
        "projector": f"/p/{room.id}",
        "replay": "/r",
    }
    found: dict[str, list[str]] = {}
    for name, url in pages.items():
        page = open_context(DESKTOP).new_page()
        problems = watch(page)
        page.goto(f"{server.url}{url}")
        page.wait_for_load_state("networkidle")
        expect(page.locator("h1")).to_have_count(1)
        found[name] = problems + links(page)
    tablet = open_tablet(open_context(DESKTOP), room, member)
    found["tablet"] = links(tablet)
    assert found == {name: [] for name in found}


def links(page: Any) -> list[str]:
    """What is wrong with the page's icon and manifest links (each fetched, its type checked)."""
    hrefs = page.evaluate(
        "() => Object.fromEntries(['icon', 'manifest'].map(rel =>"
        " [rel, document.querySelector(`link[rel=${rel}]`)?.href]))"
    )
    wrong = [f"no <link rel={rel}>" for rel, href in hrefs.items() if not href]
    for href in filter(None, hrefs.values()):
        response = page.request.get(href)
        media = response.headers.get("content-type", "").split(";")[0]
        if response.status != 200 or media != TYPES.get(urlsplit(href).path):
            wrong.append(f"{href}: {response.status} {media}")
    return wrong


def test_the_icons_and_the_manifest_are_served_with_their_types(
    server: LiveServer, open_context: Any
) -> None:
    page = open_context(DESKTOP).new_page()
    for url, media in TYPES.items():
        response = page.request.get(f"{server.url}{url}")
        assert response.status == 200, url
        assert response.headers["content-type"].split(";")[0] == media, url
    manifest = json.loads(page.request.get(f"{server.url}/manifest.webmanifest").text())
    assert manifest["lang"] == "fr"
    assert manifest["short_name"] == "Métrokawa"
    assert manifest["start_url"] == "/"
    for icon in manifest["icons"]:
        assert page.request.get(f"{server.url}{icon['src']}").status == 200, icon


def test_the_page_not_found_has_its_icon_too(server: LiveServer, open_context: Any) -> None:
    page = open_context(DESKTOP).new_page()
    problems = watch(page)
    page.goto(f"{server.url}/nulle-part")
    page.wait_for_load_state("networkidle")
    # The page itself is the one 404 expected (the browser logs it too); nothing else fails.
    assert [p for p in problems if not p.endswith(f"{server.url}/nulle-part")] == []
    assert links(page) == []

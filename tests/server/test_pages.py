"""The tablet client's pages (``server/pages.py``): which built file answers which URL.

A fake build in a temporary folder (``serve --ui``) stands in for ``clients/tablet/dist``, so
these tests say what the server does whatever the state of the real build; the browser tests
(``tests/browser``) use the real one.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.pages import PAGES, ROOT_FILES

from .live import LiveServer


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    ui = tmp_path_factory.mktemp("dist")
    for name in set(PAGES.values()):
        (ui / name).write_text(f"<!doctype html><title>{name}</title>", encoding="utf-8")
    for url in ROOT_FILES:
        (ui / url[1:]).write_bytes(f"the file {url}".encode())
    (ui / "assets").mkdir()
    (ui / "assets" / "participant-abc123.js").write_text("export {};", encoding="utf-8")
    return ui


def serve(ui_dir: Path) -> Iterator[httpx.Client]:
    live = LiveServer(ui_dir.parent / f"{ui_dir.name}.sqlite", ui_dir=ui_dir).start()
    try:
        with httpx.Client(base_url=live.url, timeout=10) as client:
            yield client
    finally:
        live.stop()


@pytest.fixture(scope="module")
def http(built: Path) -> Iterator[httpx.Client]:
    yield from serve(built)


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("/", "index.html"),
        ("/j", "participant.html"),  # no code: the page asks for one
        ("/j/A9AYH4", "participant.html"),
        ("/t/A9AYH4/3", "participant.html"),  # a table's shared tablet, a mode of that page
        ("/f/ff9abfb5dd0be6a4", "console.html"),
        ("/p/ff9abfb5dd0be6a4", "projector.html"),
        ("/r", "replay.html"),
        ("/r/ff9abfb5dd0be6a4", "replay.html"),
    ],
)
def test_each_view_has_its_own_page(http: httpx.Client, url: str, page: str) -> None:
    response = http.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert f"<title>{page}</title>" in response.text


def test_pages_load_only_their_own_scripts_and_send_no_referrer(http: httpx.Client) -> None:
    headers = http.get("/j/A9AYH4").headers
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy
    directives = dict(d.strip().partition(" ")[::2] for d in policy.split(";"))
    assert directives["connect-src"] == "'self'"  # same-origin sockets only: no ws:, no wss:
    assert "frame-ancestors 'none'" in policy
    assert headers["referrer-policy"] == "no-referrer"


def test_assets_are_served_from_the_build(http: httpx.Client) -> None:
    response = http.get("/assets/participant-abc123.js")
    assert response.status_code == 200
    assert response.text == "export {};"
    assert http.get("/assets/missing.js").status_code == 404


def test_without_a_build_a_page_says_how_to_build_it(tmp_path: Path) -> None:
    for http in serve(tmp_path / "absent"):
        response = http.get("/j/A9AYH4")
        assert response.status_code == 503
        assert "make setup" in response.text
        assert 'lang="fr"' in response.text
        assert http.get("/healthz").status_code == 200  # the API works all the same


def test_a_page_announces_what_it_fetches_first(http: httpx.Client) -> None:
    # The join page asks for the session by its code at once: preloading it saves a round trip.
    link = http.get("/j/a9ayh4").headers["link"]
    assert link == "</api/codes/a9ayh4>; rel=preload; as=fetch; crossorigin"
    assert "link" not in http.get("/").headers


def test_pages_and_assets_are_compressed_for_weak_networks(http: httpx.Client, built: Path) -> None:
    (built / "assets" / "big.js").write_text("export const x = 1;\n" * 500, encoding="utf-8")
    response = http.get("/assets/big.js", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.text == "export const x = 1;\n" * 500


@pytest.mark.parametrize(
    ("url", "media_type"),
    [
        ("/favicon.svg", "image/svg+xml"),
        ("/favicon.ico", "image/x-icon"),
        ("/icon-192.png", "image/png"),
        ("/icon-512.png", "image/png"),
        ("/manifest.webmanifest", "application/manifest+json"),
    ],
)
def test_the_icons_and_the_manifest_are_served_with_their_types(
    http: httpx.Client, url: str, media_type: str
) -> None:
    response = http.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.text == f"the file {url}"


@pytest.mark.parametrize("url", ["/nowhere", "/j/A9AYH4/more", "/f", "/api"])
def test_an_unknown_page_answers_in_french_with_a_way_out(http: httpx.Client, url: str) -> None:
    response = http.get(url)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in response.text
    assert "<title>Page introuvable — Métrokawa</title>" in response.text
    assert '<a href="/j">Rejoindre une session avec son code</a>' in response.text
    assert '<link rel="icon" href="/favicon.svg"' in response.text
    assert "Not Found" not in response.text


def test_an_unknown_api_address_answers_the_api_s_json_error(http: httpx.Client) -> None:
    response = http.get("/api/nowhere")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Cette adresse n’existe pas."}


def test_a_known_address_asked_with_another_method_is_still_405(http: httpx.Client) -> None:
    # The French 404 answers only when no route knows the path at all.
    assert http.get("/api/sessions").status_code == 405
    assert http.delete("/j/A9AYH4").status_code == 405


@pytest.mark.parametrize(
    ("url", "target"), [("/j/", "/j"), ("/f/ff9abfb5dd0be6a4/", "/f/ff9abfb5dd0be6a4")]
)
def test_a_trailing_slash_still_leads_to_the_page(
    http: httpx.Client, url: str, target: str
) -> None:
    response = http.get(url)
    assert response.status_code == 307
    assert response.headers["location"].endswith(target)

"""A browser for the organisers' server-rendered pages, without a browser: its own cookies, its own
client address, the CSRF token read from the page it posts from; and an organiser made by
``metrokawa organiser add`` on a live server's database."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Final

import httpx
import pytest

from server.cli import main

from .live import LiveServer

CSRF: Final = re.compile(r'name="csrf" value="([^"]+)"')
LINK: Final = re.compile(r"(http://[^\s<\"]+/mot-de-passe/([A-Za-z0-9_-]+))")
# Every token and password these tests used: none may appear in the server's log.
SECRETS: list[str] = []


class Visitor:
    """A browser: its own cookies, and its own client address (the server trusts the
    ``X-Forwarded-For`` of a loopback proxy), so that each test has its own login counters."""

    def __init__(self, server: LiveServer, address: str) -> None:
        self.client = httpx.Client(
            base_url=server.url, headers={"X-Forwarded-For": address}, timeout=120
        )

    def close(self) -> None:
        self.client.close()

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path)

    def csrf(self, path: str) -> str:
        page = self.get(path)
        assert page.status_code == 200, page.text
        found = CSRF.search(page.text)
        assert found is not None, page.text
        return found.group(1)

    def post(
        self, path: str, data: dict[str, str], *, csrf_from: str | None = None
    ) -> httpx.Response:
        token = self.csrf(csrf_from or path)
        return self.client.post(path, data={"csrf": token, **data})

    def login(self, email: str, password: str, *, next_: str = "") -> httpx.Response:
        SECRETS.append(password)
        data = {"email": email, "password": password}
        if next_:
            data["next"] = next_
        return self.post("/connexion", data)

    def set_password(self, link_path: str, password: str) -> httpx.Response:
        SECRETS.append(password)
        return self.post(link_path, {"password": password, "password2": password})


@contextlib.contextmanager
def visitor(server: LiveServer, address: str) -> Iterator[Visitor]:
    browser = Visitor(server, address)
    try:
        yield browser
    finally:
        browser.close()


def add_organiser(server: LiveServer, email: str, capsys: pytest.CaptureFixture[str]) -> str:
    """``metrokawa organiser add`` on the server's database; the link's path."""
    code = main(
        ["organiser", "add", email, "--db", str(server.db_path), "--public-url", server.url]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    found = LINK.search(out)
    assert found is not None, out
    SECRETS.append(found.group(2))
    return found.group(1).removeprefix(server.url)

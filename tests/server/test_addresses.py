"""Where links point and who a client is, on real servers: the public URL, allowed hosts,
trusted proxies, and the join-code limit per (address, code).

Before: links and the QR code followed the ``Host`` header (``Host: evil.example`` made them
point there) whatever ``METROKAWA_PUBLIC_URL`` said; ``X-Forwarded-For`` was trusted from
127.0.0.1 only, so behind a PaaS proxy every participant shared one address, and one guesser
emptying its bucket locked the whole room out of joining.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import httpx
import pytest
import segno

from .live import LiveServer, new_session_body
from .scenario import RawSocket, closing_every_socket

PUBLIC: Final = "https://metrokawa.example.org"
FORGED: Final = {"Host": "evil.example"}


def serve(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> LiveServer:
    return LiveServer(tmp_path / "metrokawa.sqlite", args=args, env=env).start()


@pytest.fixture
def public(tmp_path: Path) -> Iterator[LiveServer]:
    live = serve(tmp_path, env={"METROKAWA_PUBLIC_URL": PUBLIC})
    try:
        yield live
    finally:
        live.stop()


def qr_of(url: str, code: str) -> bytes:
    buffer = io.BytesIO()
    qr = segno.make(url, error="m")
    qr.save(buffer, kind="svg", scale=8, border=2, title=f"Rejoindre : code {code}")
    return buffer.getvalue()


def test_with_a_public_url_links_and_the_qr_code_ignore_the_host_header(
    public: LiveServer,
) -> None:
    with httpx.Client(base_url=public.url, timeout=10, headers=FORGED) as http:
        created = http.post("/api/sessions", json=new_session_body()).json()
        session, code = created["id"], created["code"]
        assert created["links"] == {
            "join": f"{PUBLIC}/j/{code}",
            "projector": f"{PUBLIC}/p/{session}",
            "qr": f"{PUBLIC}/api/sessions/{session}/qr.svg",
            "ws": f"wss://metrokawa.example.org/ws/{session}",
            "facilitator": f"{PUBLIC}/f/{session}#token={created['facilitator_token']}",
        }
        for path in (f"/api/sessions/{session}", f"/api/codes/{code}"):
            assert http.get(path).json()["links"]["join"] == f"{PUBLIC}/j/{code}"
        qr = http.get(f"/api/sessions/{session}/qr.svg").content
    assert qr == qr_of(f"{PUBLIC}/j/{code}", code)


def test_without_a_public_url_links_follow_the_address_the_request_named(
    tmp_path: Path,
) -> None:
    """A laptop in the room: tablets reach it by its address on the Wi-Fi."""
    live = serve(tmp_path)
    try:
        headers = {"Host": "192.168.1.20:8000"}
        created = httpx.post(
            f"{live.url}/api/sessions", json=new_session_body(), headers=headers, timeout=10
        ).json()
        assert created["links"]["join"] == f"http://192.168.1.20:8000/j/{created['code']}"
    finally:
        live.stop()


def test_a_host_that_is_not_allowed_gets_400_socket_included(tmp_path: Path) -> None:
    live = serve(tmp_path, "--allowed-hosts", "metrokawa.example.org,127.0.0.1")
    try:
        ok = httpx.get(f"{live.url}/healthz", timeout=10)
        assert ok.status_code == 200
        refused = httpx.get(f"{live.url}/healthz", headers=FORGED, timeout=10)
        assert refused.status_code == 400
        assert refused.headers["x-content-type-options"] == "nosniff"
        allowed = {"Host": "metrokawa.example.org"}
        assert httpx.get(f"{live.url}/healthz", headers=allowed, timeout=10).status_code == 200
        session = httpx.post(f"{live.url}/api/sessions", json=new_session_body()).json()["id"]

        async def handshake(host: str) -> str:
            """A WebSocket handshake by hand, naming ``host``: the status line."""
            reader, writer = await asyncio.open_connection("127.0.0.1", live.port)
            writer.write(
                (
                    f"GET /ws/{session} HTTP/1.1\r\nHost: {host}\r\n"
                    "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    "Sec-WebSocket-Version: 13\r\n"
                    "Sec-WebSocket-Protocol: metrokawa.v1.msgpack\r\n\r\n"
                ).encode()
            )
            status = (await asyncio.wait_for(reader.readline(), 10)).decode()
            writer.close()
            return status

        assert asyncio.run(handshake("evil.example")).startswith("HTTP/1.1 400")
        assert asyncio.run(handshake("metrokawa.example.org")).startswith("HTTP/1.1 101")
    finally:
        live.stop()


# --- client addresses behind a proxy, and the join-code limit ------------------------------------


def guess_until_blocked(http: httpx.Client, address: str) -> None:
    """Wrong codes from ``address`` until its bucket is empty (30, then 429)."""
    headers = {"X-Forwarded-For": address}
    for n in range(40):
        if http.get(f"/api/codes/QQQ{n:03d}", headers=headers).status_code == 429:
            return
    raise AssertionError("never limited")


def look_up(http: httpx.Client, address: str, code: str) -> int:
    status: int = http.get(f"/api/codes/{code}", headers={"X-Forwarded-For": address}).status_code
    return status


def test_behind_a_trusted_proxy_one_guesser_blocks_only_its_own_address(tmp_path: Path) -> None:
    live = serve(tmp_path, "--forwarded-allow-ips", "*")
    try:
        with httpx.Client(base_url=live.url, timeout=10) as http:
            code = http.post("/api/sessions", json=new_session_body()).json()["code"]
            guess_until_blocked(http, "203.0.113.7")
            assert look_up(http, "203.0.113.7", code) == 429  # a right code included
            assert look_up(http, "203.0.113.8", code) == 200  # another participant
    finally:
        live.stop()


def test_behind_an_untrusted_proxy_everyone_shares_the_proxy_s_address(tmp_path: Path) -> None:
    """What the setting is for: without it, X-Forwarded-For is ignored."""
    live = serve(tmp_path, "--forwarded-allow-ips", "192.0.2.99")
    try:
        with httpx.Client(base_url=live.url, timeout=10) as http:
            code = http.post("/api/sessions", json=new_session_body()).json()["code"]
            guess_until_blocked(http, "203.0.113.7")
            assert look_up(http, "203.0.113.8", code) == 429  # one bucket for all
    finally:
        live.stop()


def test_those_who_found_their_session_keep_finding_it_whatever_a_guesser_does(
    tmp_path: Path,
) -> None:
    """(address, code) pairs already answered are not blocked: the room behind one router."""
    live = serve(tmp_path)
    try:
        with httpx.Client(base_url=live.url, timeout=10) as http:
            room = http.post("/api/sessions", json=new_session_body()).json()
            other = http.post("/api/sessions", json=new_session_body()).json()
            router = "198.51.100.1"
            assert look_up(http, router, room["code"]) == 200  # the room arrives
            guess_until_blocked(http, router)  # someone behind the same router guesses
            assert look_up(http, router, room["code"]) == 200
            assert look_up(http, router, room["code"].lower()) == 200  # any case
            assert look_up(http, router, other["code"]) == 429  # never answered here: blocked
            ws_url = f"ws://127.0.0.1:{live.port}/ws/{room['id']}"

        async def hello() -> dict[str, Any] | None:
            raw = await RawSocket.open(ws_url)  # from 127.0.0.1: not behind that router
            await raw.send({"k": "hello", "code": room["code"]})
            return await raw.receive()

        welcome = asyncio.run(closing_every_socket(hello()))
        assert welcome is not None
        assert welcome["k"] == "welcome"
    finally:
        live.stop()

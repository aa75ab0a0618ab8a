"""The HTTP face of the server (docs/protocol.md § HTTP), on a real server process.

Creating a session and what it refuses; the public information; the log export, which only the
facilitator may take and which holds no token and no pseudonym its owner kept private; the QR
code; health, Prometheus metrics and the OpenAPI description.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import httpx
import pytest
from starlette.routing import Route

from server.app import Settings, create_app
from server.limits import Limits
from server.logs import without_query_values
from session_engine import read_log
from session_engine.events import ParticipantJoined
from session_engine.model import anonymous_pseudonym

from .live import LiveServer, new_session_body
from .scenario import RawSocket, Room, acked, closing_every_socket

LOG_TYPE: Final = "application/vnd.metrokawa.log+msgpack"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("http") / "metrokawa.sqlite").start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture(scope="module")
def http(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


@dataclass(frozen=True)
class Exported:
    """A session played over the wire, and the tokens that were handed out on the way."""

    room: Room
    participant_tokens: tuple[str, ...]
    private_pseudonym: str  # of a participant who did not consent to show it
    public_pseudonym: str  # of one who did


@pytest.fixture(scope="module")
def exported(server: LiveServer) -> Exported:
    room = Room.create(server)

    async def play() -> Exported:
        facilitator = await room.facilitator()
        private = await room.join("Zoé Discrète", consent=False)
        public = await room.join("Yanis Affiché", territory="t2", consent=True)
        acked(await facilitator.command("SeatTables"))
        acked(await facilitator.command("StartRound"))
        acked(await private.client.command("ProposeStatement", {"text": "Le parc ferme tôt."}))
        refusal = await private.client.command("PublishStatement", {"statement": "s1"})
        assert refusal["code"] == "not_allowed"  # a rejection, for the metrics
        return Exported(room, (private.token, public.token), private.pseudonym, public.pseudonym)

    return asyncio.run(closing_every_socket(play()))


def error_of(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert body["message"], body
    return body


# --- creating a session --------------------------------------------------------------------------


def test_creating_a_session_gives_its_id_code_links_and_the_token_once(
    http: httpx.Client,
) -> None:
    response = http.post("/api/sessions", json=new_session_body())
    assert response.status_code == 201
    assert response.headers["cache-control"] == "no-store"
    created = response.json()
    assert re.fullmatch(r"[A-Z0-9]{6}", created["code"])
    assert len(created["facilitator_token"]) >= 32
    links = created["links"]
    assert links["facilitator"].endswith(f"/f/{created['id']}#token={created['facilitator_token']}")
    assert links["ws"].endswith(f"/ws/{created['id']}")
    assert links["join"].endswith(f"/j/{created['code']}")
    info = http.get(f"/api/sessions/{created['id']}")
    assert created["facilitator_token"] not in info.text


def test_a_body_that_is_not_json_is_a_bad_request(http: httpx.Client) -> None:
    response = http.post(
        "/api/sessions", content=b"{title: oops", headers={"content-type": "application/json"}
    )
    assert error_of(response, 400, "bad_request")["detail"]


@pytest.mark.parametrize(
    "change",
    [
        {"territories": "Saint-Denis"},
        {"agenda": None},
        {"title": 42},
        {"admin": True},
        {"host_policy": "sometimes"},
    ],
    ids=["territories-not-a-list", "agenda-null", "title-not-text", "unknown-field", "bad-enum"],
)
def test_a_body_of_the_wrong_shape_is_a_bad_request(
    http: httpx.Client, change: dict[str, Any]
) -> None:
    error_of(http.post("/api/sessions", json={**new_session_body(), **change}), 400, "bad_request")


def test_a_body_without_its_agenda_is_a_bad_request(http: httpx.Client) -> None:
    body = new_session_body()
    del body["agenda"]
    error_of(http.post("/api/sessions", json=body), 400, "bad_request")


def round_of(duration_ms: int = 15 * 60_000, prompt: str = "Quels problèmes ?") -> dict[str, Any]:
    return {"kind": "table", "prompt": prompt, "duration_ms": duration_ms}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"agenda": [round_of(duration_ms=30_000)]}, "bad_request"),
        ({"agenda": [round_of(duration_ms=5 * 60 * 60_000)]}, "bad_request"),
        ({"agenda": []}, "bad_request"),
        ({"agenda": [round_of(prompt="   ")]}, "bad_request"),
        ({"agenda": [round_of(prompt="?" * 501)]}, "text_too_long"),
        ({"title": "T" * 201}, "text_too_long"),
        ({"table_size": 1}, "bad_request"),
        ({"territories": []}, "bad_request"),
    ],
    ids=[
        "round-too-short",
        "round-too-long",
        "no-round",
        "blank-prompt",
        "prompt-too-long",
        "title-too-long",
        "tables-of-one",
        "no-territory",
    ],
)
def test_an_invalid_description_gets_the_engine_s_code(
    http: httpx.Client, change: dict[str, Any], code: str
) -> None:
    error_of(http.post("/api/sessions", json={**new_session_body(), **change}), 400, code)


# --- reading a session ---------------------------------------------------------------------------


def test_session_info_is_public_and_says_where_the_session_stands(
    http: httpx.Client, exported: Exported
) -> None:
    room = exported.room
    info = http.get(f"/api/sessions/{room.id}").json()
    assert (info["id"], info["code"], info["title"]) == (room.id, room.code, "Métrokawa de test")
    assert info["participants"] == 2
    assert info["closed"] is False
    assert info["seq"] >= 6
    assert [t["id"] for t in info["territories"]] == ["t1", "t2", "t3"]
    assert [(r["number"], r["status"]) for r in info["rounds"]] == [(1, "running"), (2, "pending")]
    assert info["links"]["qr"].endswith(f"/api/sessions/{room.id}/qr.svg")
    assert room.token not in str(info)


def test_an_unknown_session_is_not_found(http: httpx.Client) -> None:
    for path in ("", "/log", "/qr.svg", "/report"):
        error_of(http.get(f"/api/sessions/0000000000000000{path}"), 404, "not_found")


def test_a_participant_finds_the_session_by_its_join_code_in_any_case(
    http: httpx.Client, exported: Exported
) -> None:
    room = exported.room
    by_id = http.get(f"/api/sessions/{room.id}").json()
    assert http.get(f"/api/codes/{room.code.lower()}").json() == by_id


def test_an_unknown_join_code_is_not_found(http: httpx.Client) -> None:
    error_of(http.get("/api/codes/ZZZZZZ"), 404, "not_found")


def _in_process(settings: Settings, scenario: Any) -> None:
    """Run ``scenario(app, at)`` against the app in this process, its lifespan started; ``at``
    gives an HTTP client whose requests come from a given address."""

    async def main() -> None:
        app = create_app(settings)

        def at(address: str) -> httpx.AsyncClient:
            transport = httpx.ASGITransport(app=app, client=(address, 50000))
            return httpx.AsyncClient(transport=transport, base_url="http://metrokawa.test")

        async with app.app.router.lifespan_context(app.app):
            await scenario(app, at)

    asyncio.run(main())


def test_wrong_join_codes_are_limited_per_client_address(tmp_path: Any) -> None:
    """Join codes can be guessed over HTTP: past a burst of wrong codes, one address gets 429
    ``too_fast`` for every look-up, a right code included; another address is not slowed."""
    limits = Limits(code_guess_burst=5, code_guesses_per_second=0.01)

    async def scenario(app: Any, at: Any) -> None:
        async with at("192.0.2.1") as guesser, at("192.0.2.2") as neighbour:
            code = (await neighbour.post("/api/sessions", json=new_session_body())).json()["code"]
            wrong = ["Q3Q3Q" + c for c in "ABCDE"]
            assert code not in wrong
            for guess in wrong:
                error_of(await guesser.get(f"/api/codes/{guess}"), 404, "not_found")
            refused = await guesser.get("/api/codes/Q3Q3Q3")
            assert error_of(refused, 429, "too_fast")["detail"]
            assert int(refused.headers["retry-after"]) >= 1
            error_of(await guesser.get(f"/api/codes/{code}"), 429, "too_fast")
            assert (await neighbour.get(f"/api/codes/{code}")).json()["code"] == code
            error_of(await neighbour.get("/api/codes/Q3Q3Q3"), 404, "not_found")

    _in_process(Settings(db="memory://", limits=limits, ui_dir=str(tmp_path)), scenario)


def test_a_wrong_join_code_loads_no_session(tmp_path: Any) -> None:
    """A miss reads the store's index only: no session actor is woken up (a guesser cannot make
    the server replay cold sessions)."""

    async def scenario(app: Any, at: Any) -> None:
        async with at("192.0.2.3") as client:
            await client.post("/api/sessions", json=new_session_body())
            hub = app.state.hub
            for actor in list(hub.actors.values()):
                await actor.stop()
            hub.actors.clear()  # as after a restart: every session is cold
            error_of(await client.get("/api/codes/Q3Q3Q3"), 404, "not_found")
            assert hub.actors == {}

    _in_process(Settings(db="memory://", ui_dir=str(tmp_path)), scenario)


# --- the log export ------------------------------------------------------------------------------


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    "authorization",
    [
        "",
        "Bearer",
        "Bearer pas-le-bon-jeton",
        "Basic {facilitator}",
        "{facilitator}",
        "Bearer {participant}",
    ],
    ids=["none", "empty-bearer", "wrong-token", "basic-scheme", "no-scheme", "participant-token"],
)
def test_the_log_export_needs_the_facilitator_token(
    http: httpx.Client, exported: Exported, authorization: str
) -> None:
    value = authorization.format(
        facilitator=exported.room.token, participant=exported.participant_tokens[0]
    )
    headers = {"Authorization": value} if value else {}
    error_of(
        http.get(f"/api/sessions/{exported.room.id}/log", headers=headers), 401, "unauthorized"
    )


def test_the_log_export_is_the_whole_replay_file(http: httpx.Client, exported: Exported) -> None:
    room = exported.room
    response = http.get(f"/api/sessions/{room.id}/log", headers=bearer(room.token))
    assert response.status_code == 200
    assert response.headers["content-type"] == LOG_TYPE
    assert f'filename="metrokawa-{room.id}.mkawa"' in response.headers["content-disposition"]
    header, envelopes = read_log(response.content)
    assert (header.session, header.title) == (room.id, "Métrokawa de test")
    assert [e.seq for e in envelopes] == list(range(1, http_seq(http, room) + 1))
    assert envelopes[0].type == "SessionCreated"


def http_seq(http: httpx.Client, room: Room) -> int:
    seq: int = http.get(f"/api/sessions/{room.id}").json()["seq"]
    return seq


def test_the_log_export_holds_no_token(http: httpx.Client, exported: Exported) -> None:
    room = exported.room
    data = http.get(f"/api/sessions/{room.id}/log", headers=bearer(room.token)).content
    for token in (room.token, *exported.participant_tokens):
        assert token.encode() not in data
        assert hashlib.sha256(token.encode()).hexdigest().encode() not in data


def test_the_log_export_hides_the_pseudonyms_of_those_who_did_not_consent(
    http: httpx.Client, exported: Exported
) -> None:
    room = exported.room
    data = http.get(f"/api/sessions/{room.id}/log", headers=bearer(room.token)).content
    assert exported.private_pseudonym.encode() not in data
    assert exported.public_pseudonym.encode() in data
    _, envelopes = read_log(data)
    joined = [e.event for e in envelopes if isinstance(e.event, ParticipantJoined)]
    names = {e.participant: (e.pseudonym, e.consent) for e in joined}
    assert names == {
        "p1": (anonymous_pseudonym("p1"), False),
        "p2": (exported.public_pseudonym, True),
    }


# --- the cahier de préconisations ---------------------------------------------------------------


@pytest.mark.parametrize("authorization", ["", "Bearer pas-le-bon-jeton", "Bearer {participant}"])
def test_the_report_needs_the_facilitator_token(
    http: httpx.Client, exported: Exported, authorization: str
) -> None:
    value = authorization.format(participant=exported.participant_tokens[0])
    headers = {"Authorization": value} if value else {}
    path = f"/api/sessions/{exported.room.id}/report"
    error_of(http.get(path, headers=headers), 401, "unauthorized")


@pytest.mark.parametrize(
    ("form", "media_type"),
    [
        ("html", "text/html; charset=utf-8"),
        ("md", "text/markdown; charset=utf-8"),
        ("json", "application/json"),
    ],
)
def test_the_report_comes_in_each_format_without_private_pseudonyms(
    http: httpx.Client, exported: Exported, form: str, media_type: str
) -> None:
    room = exported.room
    response = http.get(
        f"/api/sessions/{room.id}/report", params={"format": form}, headers=bearer(room.token)
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == media_type
    assert "Cahier de préconisations" in response.text or form == "json"
    assert "Métrokawa de test" in response.text
    assert exported.private_pseudonym not in response.text
    if form == "json":
        assert response.json()["session"] == room.id
    assert response.headers["x-content-type-options"] == "nosniff"
    if form == "html":  # participants' texts in a page: nothing may run or be fetched
        policy = (
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
        )
        assert response.headers["content-security-policy"] == policy


def test_the_report_is_html_by_default_and_refuses_an_unknown_format_or_territory(
    http: httpx.Client, exported: Exported
) -> None:
    room = exported.room
    path = f"/api/sessions/{room.id}/report"
    default = http.get(path, headers=bearer(room.token))
    assert default.headers["content-type"].startswith("text/html")
    assert default.text.startswith("<!DOCTYPE html>")
    error_of(
        http.get(path, params={"format": "pdf"}, headers=bearer(room.token)), 400, "bad_request"
    )
    error_of(
        http.get(path, params={"territory": "Atlantide"}, headers=bearer(room.token)),
        400,
        "bad_request",
    )


# --- QR code, health, metrics, OpenAPI -----------------------------------------------------------


def test_every_answer_says_nosniff(http: httpx.Client, exported: Exported) -> None:
    """API JSON, the log, the report, the QR code, pages, assets, and every kind of refusal:
    a browser never guesses a type (``X-Content-Type-Options: nosniff``)."""
    room = exported.room
    asset = re.search(r'src="(/assets/[^"]+)"', http.get("/").text)
    assert asset is not None
    requests = [
        ("GET", f"/api/sessions/{room.id}", {}),
        ("GET", f"/api/codes/{room.code}", {}),
        ("GET", f"/api/sessions/{room.id}/log", bearer(room.token)),
        ("GET", f"/api/sessions/{room.id}/report?format=md", bearer(room.token)),
        ("GET", f"/api/sessions/{room.id}/qr.svg", {}),
        ("GET", f"/api/sessions/{room.id}/paysage?code={room.code}", {}),
        ("GET", "/healthz", {}),
        ("GET", "/metrics", {}),
        ("GET", "/openapi.json", {}),
        ("GET", "/", {}),
        ("GET", f"/j/{room.code}", {}),
        ("GET", asset.group(1), {}),
        ("GET", "/no/such/page", {}),  # 404 from the router
        ("GET", "/api/sessions/0000000000000000", {}),  # 404 from the API
        ("GET", f"/api/sessions/{room.id}/log", {}),  # 401
        ("DELETE", "/healthz", {}),  # 405
    ]
    for method, path, headers in requests:
        response = http.request(method, path, headers=headers)
        assert response.headers.get("x-content-type-options") == "nosniff", (path, response)
    too_large = http.post("/api/sessions", content=b"x" * (300 * 1024))
    assert too_large.status_code == 413
    assert too_large.headers.get("x-content-type-options") == "nosniff"


def test_the_qr_code_is_an_svg_image(http: httpx.Client, exported: Exported) -> None:
    response = http.get(f"/api/sessions/{exported.room.id}/qr.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    assert root.tag.endswith("svg")
    assert exported.room.code in response.text  # in its title, for screen readers


def test_health_answers_ok(http: httpx.Client) -> None:
    response = http.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert isinstance(response.json()["live_sessions"], int)


def metric(text: str, name: str) -> float:
    """The value of the sample ``name`` (with its labels, if any) in a Prometheus text page."""
    match = re.search(rf"^{re.escape(name)} (\S+)$", text, re.MULTILINE)
    assert match is not None, f"no sample {name}"
    return float(match.group(1))


def test_metrics_count_connections_events_fanout_and_rejections(
    http: httpx.Client, exported: Exported
) -> None:
    async def read_while_connected() -> str:
        await exported.room.facilitator(after=None)
        async with httpx.AsyncClient(base_url=exported.room.url, timeout=10) as client:
            return (await client.get("/metrics")).text

    page = asyncio.run(closing_every_socket(read_while_connected()))
    assert http.get("/metrics").headers["content-type"].startswith("text/plain")
    for family, kind in (
        ("metrokawa_connections", "gauge"),
        ("metrokawa_events_appended_total", "counter"),
        ("metrokawa_fanout_seconds", "histogram"),
        ("metrokawa_rejections_total", "counter"),
    ):
        assert f"# TYPE {family} {kind}\n" in page, family
    assert metric(page, "metrokawa_connections") >= 1
    assert metric(page, "metrokawa_events_appended_total") >= http_seq(http, exported.room)
    assert metric(page, "metrokawa_fanout_seconds_count") > 0
    assert metric(page, 'metrokawa_rejections_total{code="not_allowed"}') >= 1
    assert metric(page, 'metrokawa_queue_depth{queue="commands"}') >= 0
    assert metric(page, 'metrokawa_queue_depth{queue="outboxes"}') >= 0


def test_openapi_describes_every_http_route_of_the_app(http: httpx.Client) -> None:
    described = http.get("/openapi.json").json()
    assert described["openapi"].startswith("3.")
    paths = described["paths"]
    routes = [r for r in create_app().app.routes if isinstance(r, Route)]
    api = [r for r in routes if r.path.startswith("/api/") or r.path in ("/healthz", "/metrics")]
    assert len(api) == 11
    for route in api:
        assert route.path in paths, route.path
        assert {m.lower() for m in route.methods or ()} - {"head"} <= set(paths[route.path])


# --- the access log ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "logged"),
    [
        ("/healthz", "/healthz"),
        ("/api/x?format=md", "/api/x?format=…"),
        ("/api/x?format=md&territory=t1", "/api/x?format=…&territory=…"),
        ("/api/x?token", "/api/x?token=…"),
        ("/api/x?" + "s" * 40 + "=1&b=2", "/api/x?…&b=…"),  # a name that could be a secret
        ("/api/x?a%20b=1", "/api/x?…"),
    ],
)
def test_a_query_string_s_values_are_hidden(target: str, logged: str) -> None:
    assert without_query_values(target) == logged


def test_the_access_log_never_shows_a_query_string_s_values(
    server: LiveServer, http: httpx.Client, exported: Exported
) -> None:
    room = exported.room
    secret = "valeur-secrete-0123456789"
    http.get(f"/api/sessions/{room.id}/report", params={"format": "md", "territory": secret})
    http.get("/healthz", params={"token": secret})

    async def socket_with_a_query() -> None:
        with contextlib.suppress(Exception):
            raw = await RawSocket.open(f"{room.ws_url}?token={secret}")
            await raw.close()

    asyncio.run(closing_every_socket(socket_with_a_query()))
    log = server.log()
    assert f'"GET /api/sessions/{room.id}/report?format=…&territory=… HTTP/1.1"' in log
    assert '"GET /healthz?token=… HTTP/1.1" 200' in log
    assert secret not in log

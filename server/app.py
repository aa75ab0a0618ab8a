"""The Starlette application: its routes, and the objects built once at start-up.

``create_app(settings)`` is the composition root: it opens the store, builds the hub (the live
sessions' actors), the limits and the metrics, and wires the HTTP routes (``http``) and the
WebSocket endpoint (``ws``). Nothing is global; everything hangs off ``app.state``.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Final

import msgspec
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from session_engine import Rejected
from session_engine.typography import typeset

from . import http
from .actor import EncodedEvent, SessionActor
from .archives import archive_routes, open_archives
from .cluster import LEASE_MS, Cluster
from .hub import EVICT_AFTER_S, Hub, file_clock, wall_clock_ms
from .landscape import Landscapes, session_landscape
from .limits import Buckets, Guesses, Limits, Sockets
from .metrics import Metrics
from .middleware import BodyLimit, NoSniff
from .pages import DEFAULT_UI_DIR, page_routes
from .programme_compare import routes as compare_routes
from .programme_landscape import routes as landscape_page_routes
from .programme_pages import routes as programme_routes
from .programmes import Programmes
from .room import colours, terminal_qr
from .settle import Settler
from .simulation.offline import demo_session_command
from .store import open_store
from .tiles import Tiles, carte, image_source
from .trust import Signer
from .web_auth import routes as organiser_routes
from .web_session import WebAuth
from .ws import session_socket

__all__ = ["SETTINGS_VARIABLE", "Settings", "app_from_environment", "create_app"]


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    db: str = "sqlite:///metrokawa.sqlite"
    limits: Limits = Limits()
    announce: bool = False  # create a session at start-up and print its links (``make run``)
    # How people reach this server (``METROKAWA_PUBLIC_URL``): every link and QR code the
    # server gives is made from it. None: from the address each request was sent to (its
    # ``Host``), as on a laptop that tablets reach by its address on the Wi-Fi.
    public_url: str | None = None
    listen_url: str = "http://127.0.0.1:8000"  # printed at start-up when there is no public URL
    room: bool = False  # ``serve --room``: the announcement adds the join link's QR code
    # The ``Host`` values served (Starlette's TrustedHostMiddleware; ``*.example.org`` allowed);
    # any other gets 400, a WebSocket handshake included. ("*",): every one.
    allowed_hosts: tuple[str, ...] = ("*",)
    ui_dir: str = str(DEFAULT_UI_DIR)  # the built tablet client (``clients/tablet/dist``)
    redis: str | None = None  # several workers: their Redis (``cluster``); the store is shared
    lease_ms: int = LEASE_MS  # several workers: how long a dead owner keeps its sessions
    cluster_secret: str = ""  # several workers: what they sign their Redis entries with (``trust``)
    evict_after_s: float = EVICT_AFTER_S  # an idle session leaves memory after this long
    # The forum map's tile server (``METROKAWA_TILES_URL``, ``…_ATTRIBUTION``; ``tiles``)
    tiles: Tiles = Tiles()
    clock_file: str | None = None  # tests only (``METROKAWA_CLOCK_FILE``): ``hub.file_clock``


# ``serve --workers N``: uvicorn's worker processes build the app from the settings found here.
SETTINGS_VARIABLE: Final = "METROKAWA_SETTINGS"


def app_from_environment() -> SocketsFirst:
    return create_app(msgspec.json.decode(os.environ[SETTINGS_VARIABLE], type=Settings))


def create_app(settings: Settings | None = None) -> SocketsFirst:
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = open_store(settings.db)
        metrics = Metrics()
        cluster = None
        if settings.redis is not None:
            signer = Signer(settings.cluster_secret)
            cluster = Cluster(settings.redis, store, signer=signer, lease_ms=settings.lease_ms)
            await cluster.start()
        hub = Hub(
            store,
            backlog_limit=settings.limits.backlog_limit,
            cluster=cluster,
            evict_after_s=settings.evict_after_s,
            clock=wall_clock_ms if settings.clock_file is None else file_clock(settings.clock_file),
        )
        hub.on_published.append(_count_commits(metrics))
        app.state.hub, app.state.metrics, app.state.limits = hub, metrics, settings.limits
        app.state.public_url = settings.public_url
        app.state.landscapes = Landscapes()  # the opinion landscapes computed, per seq
        app.state.archives = open_archives(store)  # the public archive, in the store's database
        limits = settings.limits
        app.state.guesses = Guesses(limits.code_guesses_per_second, limits.code_guess_burst)
        app.state.sockets = Sockets(limits.sockets_per_address, limits.unwelcomed_per_address)
        app.state.creations = Buckets(limits.sessions_per_second, limits.session_burst)
        app.state.web_auth = await WebAuth.open(store, public_url=settings.public_url)
        app.state.programmes = Programmes(store)
        app.state.settler = settler = Settler()
        settler.start()
        await hub.resume_running_rounds()
        hub.start_evicting()
        if settings.announce:
            await _announce_new_session(
                hub, settings.public_url or settings.listen_url, room=settings.room
            )
        try:
            yield
        finally:
            settler.stop()
            await hub.stop()
            if cluster is not None:
                await cluster.stop()
            await store.close()

    routes = [
        Route("/api/sessions", http.create_session, methods=["POST"]),
        Route("/api/sessions/{session_id}", http.session_info, methods=["GET"]),
        Route("/api/sessions/{session_id}/log", http.session_log, methods=["GET"]),
        Route("/api/sessions/{session_id}/report", http.session_report, methods=["GET"]),
        Route("/api/sessions/{session_id}/qr.svg", http.session_qr, methods=["GET"]),
        # The same code, by the name the programme's pages link a forum's flyers with.
        Route("/api/sessions/{session_id}/qr", http.session_qr, methods=["GET"]),
        Route("/api/sessions/{session_id}/paysage", session_landscape, methods=["GET"]),
        Route("/api/codes/{code}", http.session_by_code, methods=["GET"]),
        Route("/api/carte", carte, methods=["GET"]),
        Route("/healthz", http.healthz, methods=["GET"]),
        Route("/metrics", http.metrics, methods=["GET"]),
        Route("/openapi.json", http.openapi, methods=["GET"]),
        *archive_routes(),
        *organiser_routes(),  # /connexion, /mot-de-passe/…, /organisateurs/… (web_auth)
        *programme_routes(),  # /programmes… (programme_pages)
        *compare_routes(),  # /programmes/…/comparer, …/importer (programme_compare)
        *landscape_page_routes(),  # /programmes/…/paysage (programme_landscape)
        *page_routes(Path(settings.ui_dir), tiles=image_source(settings.tiles)),
    ]
    # Bodies are bounded before anything reads them; compressed HTTP for phones on a weak
    # network (the client bundle shrinks about 3x). The WebSocket path never reaches these
    # (``SocketsFirst``).
    middleware = [
        Middleware(BodyLimit, limit=settings.limits.max_body_bytes),
        Middleware(GZipMiddleware, minimum_size=1024),
    ]
    starlette = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    starlette.state.tiles = settings.tiles
    return SocketsFirst(starlette, allowed_hosts=settings.allowed_hosts)


class SocketsFirst:
    """``/ws/{session_id}`` goes straight to the socket endpoint, everything else to Starlette.

    The endpoint then holds the server's own ASGI ``send``, with no middleware wrapper around it,
    which is what lets a batch's prebuilt frame be written to every ready socket at once
    (``ws._direct_writer``). The endpoint handles its own errors (``ws.Connection.serve``).
    """

    def __init__(self, app: Starlette, allowed_hosts: tuple[str, ...] = ("*",)) -> None:
        self.app = app
        self.state = app.state
        hosts = list(allowed_hosts)
        # Outside Starlette's own error handling, so that even a 500 says nosniff. The Host
        # check passes ``send`` on untouched: the socket endpoint still holds uvicorn's own.
        self.http = NoSniff(TrustedHostMiddleware(app, allowed_hosts=hosts))
        self.sockets = TrustedHostMiddleware(self._socket, allowed_hosts=hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        session_id = _socket_session(scope)
        if session_id is None:
            await self.http(scope, receive, send)
            return
        scope["app"] = self.app
        scope["path_params"] = {"session_id": session_id}
        await self.sockets(scope, receive, send)

    async def _socket(self, scope: Scope, receive: Receive, send: Send) -> None:
        await session_socket(WebSocket(scope, receive, send))


def _socket_session(scope: Scope) -> str | None:
    if scope["type"] != "websocket":
        return None
    prefix, _, session_id = str(scope["path"]).partition("/ws/")
    return session_id if not prefix and session_id and "/" not in session_id else None


def _count_commits(metrics: Metrics) -> Callable[[SessionActor, list[EncodedEvent]], None]:
    def listener(actor: SessionActor, events: list[EncodedEvent]) -> None:
        # Called right after the batch was handed to every socket: this is the direct fan-out.
        metrics.fanout_seconds.observe(time.perf_counter() - events[0].published)
        metrics.commits.inc()
        metrics.events_appended.inc(len(events))

    return listener


async def _announce_new_session(hub: Hub, public_url: str, *, room: bool = False) -> None:
    """Create the programme's usual session and print where to steer it and how to join; in the
    room (``serve --room``), the join link's QR code too, drawn in the terminal."""
    created = await hub.create(demo_session_command())
    assert not isinstance(created, Rejected)  # the demo description is valid by construction
    record = created.record
    base = public_url.rstrip("/")
    announcement = (
        f"\nMétrokawa — nouvelle session « {record.title} »\n"
        f"  Console d'animation : {base}/f/{record.id}#token={created.token}\n"
        f"  Code pour rejoindre : {record.code}   ({base}/j/{record.code})\n"
        f"  Vue projecteur      : {base}/p/{record.id}\n"
        "  Gardez le lien d'animation pour vous : il contient votre jeton.\n"
    )
    print(typeset(announcement), flush=True)
    if room:
        join = f"{base}/j/{record.code}"
        print(typeset(f"Les tablettes de la salle rejoignent {join}, ou scannent ce code :"))
        print(terminal_qr(join, colours=colours()), flush=True)

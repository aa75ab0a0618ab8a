"""The Starlette application: its routes, and the objects built once at start-up.

``create_app(settings)`` is the composition root: it opens the store, builds the hub (the live
sessions' actors), the limits and the metrics, and wires the HTTP routes (``http``) and the
WebSocket endpoint (``ws``). Nothing is global; everything hangs off ``app.state``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable

import msgspec
from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute

from session_engine import Rejected

from . import http
from .actor import EncodedEvent, SessionActor
from .hub import Hub
from .limits import Limits
from .metrics import Metrics
from .settle import Settler
from .simulate import demo_session_command
from .store import open_store
from .ws import session_socket

__all__ = ["Settings", "create_app"]


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    db: str = "sqlite:///metrokawa.sqlite"
    limits: Limits = Limits()
    announce: bool = False  # create a session at start-up and print its links (``make run``)
    public_url: str = "http://127.0.0.1:8000"  # how people reach this server, for printed links


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        store = open_store(settings.db)
        metrics = Metrics()
        hub = Hub(store, backlog_limit=settings.limits.backlog_limit)
        hub.on_published.append(_count_commits(metrics))
        app.state.hub, app.state.metrics, app.state.limits = hub, metrics, settings.limits
        app.state.settler = settler = Settler()
        settler.start()
        await hub.resume_running_rounds()
        if settings.announce:
            await _announce_new_session(hub, settings.public_url)
        try:
            yield
        finally:
            settler.stop()
            await hub.stop()
            await store.close()

    routes = [
        Route("/api/sessions", http.create_session, methods=["POST"]),
        Route("/api/sessions/{session_id}", http.session_info, methods=["GET"]),
        Route("/api/sessions/{session_id}/log", http.session_log, methods=["GET"]),
        Route("/api/sessions/{session_id}/qr.svg", http.session_qr, methods=["GET"]),
        Route("/healthz", http.healthz, methods=["GET"]),
        Route("/metrics", http.metrics, methods=["GET"]),
        Route("/openapi.json", http.openapi, methods=["GET"]),
        Route("/f/{session_id}", http.console_placeholder, methods=["GET"]),
        WebSocketRoute("/ws/{session_id}", session_socket),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


def _count_commits(metrics: Metrics) -> Callable[[SessionActor, list[EncodedEvent]], None]:
    def listener(actor: SessionActor, events: list[EncodedEvent]) -> None:
        metrics.commits.inc()
        metrics.events_appended.inc(len(events))
        metrics.queue_depth.labels("commands").set(actor.queue_depth)

    return listener


async def _announce_new_session(hub: Hub, public_url: str) -> None:
    """Create the programme's usual session and print where to steer it and how to join."""
    created = await hub.create(demo_session_command())
    assert not isinstance(created, Rejected)  # the demo description is valid by construction
    record = created.record
    base = public_url.rstrip("/")
    print(
        f"\nMétrokawa — nouvelle session « {record.title} »\n"
        f"  Console d'animation : {base}/f/{record.id}#token={created.token}\n"
        f"  Code pour rejoindre : {record.code}   ({base}/j/{record.code})\n"
        f"  Vue projecteur      : {base}/p/{record.id}\n"
        "  Gardez le lien d'animation pour vous : il contient votre jeton.\n",
        flush=True,
    )

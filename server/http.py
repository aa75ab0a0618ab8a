"""HTTP endpoints: create a session, read its public face, export its log, its QR code, health.

Every handler is a thin translation: request → hub/store call → response. Errors are JSON
``{code, message}`` with the same stable codes as the WebSocket protocol.
"""

from __future__ import annotations

import io
import time
from typing import Any
from urllib.parse import quote

import msgspec
import segno
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from session_engine import Rejected, Role, decode_envelope, pseudonymise, write_log
from session_engine.commands import CreateSession
from session_engine.logfile import LogHeader, without_command_ids
from session_engine.report import FORMATS, UnknownTerritory, build_report, render

from .frames import message_for
from .hub import Hub
from .limits import Buckets, Guesses, client_address
from .openapi import OPENAPI
from .store import SessionRecord

__all__ = [
    "create_session",
    "healthz",
    "metrics",
    "openapi",
    "session_by_code",
    "session_info",
    "session_log",
    "session_qr",
    "session_report",
]


def _error(
    status: int, code: str, detail: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message_for(code)}
    if detail:
        body["detail"] = detail
    return JSONResponse(body, status_code=status, headers=headers)


def _hub(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


async def _record(request: Request) -> SessionRecord | None:
    return await _hub(request).session(request.path_params["session_id"])


def _base(request: Request) -> str:
    """Where people reach this server: the configured public URL, else as this request says
    (never the raw ``Host`` when a public URL is configured: a forged one would point the
    links and the QR code elsewhere)."""
    public: str | None = request.app.state.public_url
    return (public or str(request.base_url)).rstrip("/")


def _links(request: Request, record: SessionRecord) -> dict[str, str]:
    base = _base(request)
    return {
        "join": f"{base}/j/{record.code}",
        "projector": f"{base}/p/{record.id}",
        "qr": f"{base}/api/sessions/{record.id}/qr.svg",
        "ws": f"{base.replace('http', 'ws', 1)}/ws/{record.id}",
    }


async def create_session(request: Request) -> Response:
    """POST /api/sessions: title, territories, agenda → id, join code, facilitator token (once).

    Sessions created per client address are limited (``Limits.session_burst``, then
    ``sessions_per_second``): every attempt spends, before the body is even read."""
    creations: Buckets = request.app.state.creations
    if not creations.allow(client_address(request), time.monotonic()):
        wait = {"Retry-After": str(creations.retry_after())}
        return _error(429, "too_fast", "too many sessions created from this address", wait)
    try:
        command = msgspec.json.decode(await request.body(), type=CreateSession)
    except msgspec.DecodeError as error:
        return _error(400, "bad_request", str(error))
    created = await _hub(request).create(command)
    if isinstance(created, Rejected):
        return _error(400, created.code)
    record, token = created.record, created.token
    links = _links(request, record)
    # The token travels in the fragment: browsers never send it to the server in a request line.
    links["facilitator"] = f"{_base(request)}/f/{record.id}#token={token}"
    body = {"id": record.id, "code": record.code, "facilitator_token": token, "links": links}
    return JSONResponse(body, status_code=201, headers={"Cache-Control": "no-store"})


async def session_info(request: Request) -> Response:
    """GET /api/sessions/{id}: what anyone holding the link may know."""
    return await _public_face(request, await _record(request))


async def session_by_code(request: Request) -> Response:
    """GET /api/codes/{code}: the same, found by the join code a participant typed (any case).

    Public, so wrong codes are limited per client address (``limits.Guesses``, shared with the
    WebSocket hello): past the limit every look-up is 429 ``too_fast``, a right code included.
    A wrong code reads one indexed row and loads nothing. A right one wakes the session's actor:
    the public face counts participants and gives each round's status, which only the replayed
    state knows, and the participant page asks for it just before it opens the socket that
    would load the actor anyway."""
    guesses: Guesses = request.app.state.guesses
    client = client_address(request)
    code = str(request.path_params["code"]).strip().upper()
    if not guesses.admitted(client, code):
        # Spent before the look-up waits for the store: concurrent look-ups from one address
        # cannot all pass its last token. A right code gives it back.
        if not guesses.spend(client, time.monotonic()):
            wait = {"Retry-After": str(guesses.retry_after())}
            return _error(429, "too_fast", "too many wrong join codes", wait)
        record = await _hub(request).store.session_by_code(code)
        if record is None:
            return _error(404, "not_found")
        guesses.admit(client, code)
    else:
        record = await _hub(request).store.session_by_code(code)
    return await _public_face(request, record)


async def _public_face(request: Request, record: SessionRecord | None) -> Response:
    if record is None:
        return _error(404, "not_found")
    actor = await _hub(request).actor(record.id)
    state = actor.state
    body = {
        "id": record.id,
        "title": record.title,
        "code": record.code,
        "created_at": record.created_at,
        "seq": actor.seq,
        "closed": state.closed,
        "forum": state.forum,  # the join form leaves out what a forum has no use for
        "themes": list(state.themes),
        "participants": sum(1 for p in state.participants.values() if p.present),
        "territories": [msgspec.to_builtins(t) for t in state.territories.values()],
        "rounds": [
            {
                "number": r.number,
                "kind": r.spec.kind.value,
                "prompt": r.spec.prompt,
                "duration_ms": r.spec.duration_ms,
                "status": r.status.value,
            }
            for r in state.rounds
        ],
        "links": _links(request, record),
    }
    return JSONResponse(body)


async def _is_facilitator(request: Request, record: SessionRecord) -> bool:
    """The bearer token is the facilitator's, or a co-facilitator's link in service."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        return False
    access = await _hub(request).access(record, token)
    return not isinstance(access, str) and access.role is Role.FACILITATOR


async def session_log(request: Request) -> Response:
    """GET /api/sessions/{id}/log: the .mkawa replay file (facilitator only). No token inside,
    and no command id: a guest's join id would get its holder a token (``_repeat`` in actor)."""
    record = await _record(request)
    if record is None:
        return _error(404, "not_found")
    if not await _is_facilitator(request, record):
        return _error(401, "unauthorized")
    records = await _hub(request).store.read(record.id)
    header = LogHeader(session=record.id, title=record.title, created_at=record.created_at)
    data = write_log(header, without_command_ids(pseudonymise(decode_envelope(r) for r in records)))
    filename = f"metrokawa-{record.id}.mkawa"
    return Response(
        data,
        media_type="application/vnd.metrokawa.log+msgpack",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


REPORT_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "json": "application/json",
}


# The HTML cahier is a standalone page of participants' texts: no script, no fetch, no frame,
# and no page may frame it; its styles are inline and its images (if any) data: URLs.
# (``nosniff`` is on every answer: ``middleware.NoSniff``.)
REPORT_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"
    ),
}


async def session_report(request: Request) -> Response:
    """GET /api/sessions/{id}/report?format=html|md|json[&territory=T]: the cahier de
    préconisations of the session so far (facilitator only), computed from its pseudonymised log.
    """
    record = await _record(request)
    if record is None:
        return _error(404, "not_found")
    if not await _is_facilitator(request, record):
        return _error(401, "unauthorized")
    form = request.query_params.get("format", "html")
    if form not in FORMATS:
        return _error(400, "bad_request", f"format: one of {', '.join(FORMATS)}")
    territory = request.query_params.get("territory") or None
    records = await _hub(request).store.read(record.id)
    header = LogHeader(session=record.id, title=record.title, created_at=record.created_at)

    def cahier() -> str:  # a few hundred ms for a whole session: off the event loop
        envelopes = [decode_envelope(r) for r in records]
        return render(build_report(header, envelopes, territory=territory), form)

    try:
        text = await run_in_threadpool(cahier)
    except UnknownTerritory as unknown:
        return _error(400, "bad_request", f"unknown territory {unknown.wanted!r}")
    headers = REPORT_HEADERS if form == "html" else None
    return Response(text, media_type=REPORT_TYPES[form], headers=headers)


async def session_qr(request: Request) -> Response:
    """GET /api/sessions/{id}/qr.svg[?territoire=t2]: the join link as a QR code; with a
    territory of the session, the link preselects it in the join form (a forum's flyers: one
    code per territory)."""
    record = await _record(request)
    if record is None:
        return _error(404, "not_found")
    link = _links(request, record)["join"]
    territory = request.query_params.get("territoire")
    if territory is not None:
        state = (await _hub(request).actor(record.id)).state
        if territory not in state.territories:
            return _error(400, "unknown_territory", f"territoire: {territory!r}")
        link = f"{link}?territoire={quote(territory, safe='')}"
    buffer = io.BytesIO()
    qr = segno.make(link, error="m")
    qr.save(buffer, kind="svg", scale=8, border=2, title=f"Rejoindre : code {record.code}")
    return Response(buffer.getvalue(), media_type="image/svg+xml")


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok", "live_sessions": len(_hub(request).actors)})


async def metrics(request: Request) -> Response:
    """Prometheus text; queue depths are read now, at scrape time, not kept on the hot path."""
    actors = list(_hub(request).actors.values())
    depth = request.app.state.metrics.queue_depth
    depth.labels("commands").set(sum(actor.queue_depth for actor in actors))
    outboxes = (len(s.outbox) for actor in actors for s in actor.subscribers)
    depth.labels("outboxes").set(sum(outboxes))
    body = request.app.state.metrics.render()
    return Response(body, media_type="text/plain; version=0.0.4; charset=utf-8")


async def openapi(request: Request) -> Response:
    return JSONResponse(OPENAPI)

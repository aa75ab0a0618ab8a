"""Pure ASGI middleware around every HTTP answer: the body limit and ``nosniff``.

Both are plain ASGI callables (Starlette's style: check ``scope["type"]``, wrap ``receive`` or
``send``, nothing else), so they cost nothing on the WebSocket path, which ``app.SocketsFirst``
routes around them anyway.

* ``BodyLimit`` refuses a request body over ``limit`` bytes with 413 ``too_large`` without
  reading the rest: at once when ``Content-Length`` says so; for a body without a length
  (chunked), after reading ``limit`` bytes. A body within the limit is read here, at most
  ``limit`` bytes, and handed on whole.
* ``NoSniff`` adds ``X-Content-Type-Options: nosniff`` to every response (JSON, the log export,
  the QR code, pages, assets, 404s and every error): a browser never guesses a type.
"""

from __future__ import annotations

from typing import Final

import msgspec
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .frames import message_for

__all__ = ["BodyLimit", "NoSniff"]

_TOO_LARGE: Final = msgspec.json.encode({"code": "too_large", "message": message_for("too_large")})


class BodyLimit:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.limit:
            await _refuse(send)
            return
        if declared is not None:  # the server delivers no more than the declared length
            await self.app(scope, receive, send)
            return
        body = await _read_at_most(receive, self.limit)
        if body is None:
            await _refuse(send)
            return
        await self.app(scope, _replay(body, receive), send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None


async def _read_at_most(receive: Receive, limit: int) -> bytes | None:
    """The whole body if it is at most ``limit`` bytes; None as soon as it is more."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b""  # the client left: the app will find out on its own
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # the disconnection, when it comes

    return replay


async def _refuse(send: Send) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(_TOO_LARGE)).encode()),
        (b"connection", b"close"),  # the rest of the body is never read
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": _TOO_LARGE})


class NoSniff:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_nosniff(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Content-Type-Options"] = "nosniff"
            await send(message)

        await self.app(scope, receive, send_nosniff)

"""Reference peer of the vote-burst bench: a minimal python-socketio room broadcast.

The server a Python team would write instead of Métrokawa: an ASGI ``socketio.AsyncServer``
under uvicorn; every client joins one room on connect; each ``position`` event a client emits is
emitted again to the whole room (the sender included). No log, no engine. python-socketio encodes
the packet once per emit and sends it to each member in its own task.

    .venv/bin/python bench/peers/socketio_room.py --port 8766
"""

from __future__ import annotations

import argparse
import contextlib
import resource
from typing import Any

import socketio  # type: ignore[import-untyped,import-not-found,unused-ignore]
import uvicorn

ROOM = "session"

sio = socketio.AsyncServer(async_mode="asgi")
app = socketio.ASGIApp(sio)


async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
    await sio.enter_room(sid, ROOM)


async def position(sid: str, data: Any) -> None:
    await sio.emit("position", data, room=ROOM)


sio.on("connect", connect)
sio.on("position", position)


def raise_open_files_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()
    raise_open_files_limit()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()

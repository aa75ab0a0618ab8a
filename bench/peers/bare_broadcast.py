"""Reference peer of the vote-burst bench: a bare Starlette broadcast under uvicorn.

No log, no engine, no envelope: each binary message received on ``/ws`` is relayed to every
connected client (the sender included) with one ``send_bytes`` per client, in the receiving task.
It is the floor a real-time server pays for one delivery through Starlette/uvicorn.

    .venv/bin/python bench/peers/bare_broadcast.py --port 8765
"""

from __future__ import annotations

import argparse
import contextlib
import resource

import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

clients: set[WebSocket] = set()


async def relay(websocket: WebSocket) -> None:
    await websocket.accept()
    clients.add(websocket)
    try:
        while True:
            message = await websocket.receive_bytes()
            for client in tuple(clients):
                try:
                    await client.send_bytes(message)
                except Exception:  # that client went away: forget it, serve the others
                    clients.discard(client)
    except WebSocketDisconnect:
        pass
    finally:
        clients.discard(websocket)


app = Starlette(routes=[WebSocketRoute("/ws", relay)])


def raise_open_files_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    raise_open_files_limit()
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()

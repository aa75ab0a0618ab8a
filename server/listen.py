"""The listening socket of ``metrokawa serve``: bound before anything else is made.

Left to itself, uvicorn runs the app's start-up (the store opened, a new session created and its
links printed) and binds the port only then: on a taken port the links it has just printed point
at whatever holds that port, and the session stays in the database. So ``serve`` binds the socket
here first. A port it cannot have is one French sentence (``Unavailable``), said before any
session exists; then uvicorn serves on the socket it is handed: ``Server.run(sockets=[…])``, or,
with several workers, its ``Multiprocess`` supervisor sharing the socket with each process, as
``uvicorn.run`` does with the socket it binds itself.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import socket
from typing import Any

__all__ = ["BACKLOG", "Unavailable", "bind", "serve", "serve_workers"]


class Unavailable(Exception):
    """The address cannot be listened on; the message is the French sentence to print."""


BACKLOG = 2048  # uvicorn's default


def bind(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` and listening (uvicorn's own options), or
    ``Unavailable``. Listening at once, a browser that follows the printed links while the app
    still starts waits in the backlog instead of being refused."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError as error:
        sock.close()
        raise Unavailable(_why(error, host, port)) from None
    sock.set_inheritable(True)  # the workers' processes serve it too
    return sock


def _why(error: OSError, host: str, port: int) -> str:
    other = port + 1 if port < 65535 else port - 1
    if error.errno == errno.EADDRINUSE:
        return (
            f"Le port {port} est déjà pris sur {host} (un autre serveur Métrokawa tourne-t-il "
            f"déjà\u202f?)\u00a0: choisissez-en un autre, par exemple make run PORT={other} "
            f"ou metrokawa serve --port {other}."
        )
    if error.errno == errno.EACCES:
        return (
            f"Le port {port} est réservé à l'administrateur de cette machine\u00a0: choisissez-en "
            f"un au-dessus de 1023, par exemple make run PORT={other} ou metrokawa serve "
            f"--port {other}."
        )
    if error.errno == errno.EADDRNOTAVAIL:
        return (
            f"L'adresse {host} n'est pas une adresse de cette machine\u00a0: écoutez sur toutes "
            "ses adresses avec make run HOST=0.0.0.0 ou metrokawa serve --host 0.0.0.0."
        )
    return f"Impossible d'écouter sur {host}:{port} ({error.strerror or error})."


def serve(app: Any, sock: socket.socket, **options: Any) -> None:
    """One process: uvicorn serves ``app`` on ``sock`` until it is stopped."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                _say_where(sock)

    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends it, as uvicorn.run lets it
        Server(uvicorn.Config(app, **options)).run(sockets=[sock])


def serve_workers(factory: str, sock: socket.socket, workers: int, **options: Any) -> None:
    """``workers`` processes, each building the app from ``factory``, all on ``sock``."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(factory, factory=True, workers=workers, **options)
    _say_where(sock)
    with contextlib.suppress(KeyboardInterrupt):
        Multiprocess(config, sockets=[sock]).run()


def _say_where(sock: socket.socket) -> None:
    """The line uvicorn logs when it binds the socket itself (it says nothing of one given)."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    logging.getLogger("uvicorn.error").info(
        "Uvicorn running on http://%s:%d (Press CTRL+C to quit)", shown, port
    )

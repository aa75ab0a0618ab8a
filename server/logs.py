"""How the server logs: uvicorn's own configuration, the ``metrokawa.*`` loggers beside it, and
an access log that never shows a query string's values.

uvicorn logs every request line (``uvicorn.access``) and every WebSocket handshake
(``uvicorn.error``) with its path *and query string*. Nothing secret travels there today (tokens
go in the fragment or a header), but a query string is where a future link or a careless client
would put one: ``QueryValuesHidden`` keeps each parameter's name and replaces its value with
``…`` before any handler formats the line. A path whose last part is a secret (an organiser's
one-time link, ``/mot-de-passe/{token}``) is logged without it. The ``metrokawa.*`` loggers
(``ws``, ``actor``, ``cluster``, ``store``) go to the same stream as uvicorn's, with their level in
front.
"""

from __future__ import annotations

import copy
import logging
import re
from typing import Any, Final

from uvicorn.config import LOGGING_CONFIG

__all__ = ["LOG_CONFIG", "QueryValuesHidden", "without_query_values"]

# A parameter name worth keeping: short and plain. Anything else could itself be a secret.
_NAME: Final = re.compile(r"[A-Za-z0-9_.-]{1,32}")
HIDDEN: Final = "…"


def without_query_values(target: str) -> str:
    """``/api/x?format=html&territory=t1`` → ``/api/x?format=…&territory=…``."""
    path, mark, query = target.partition("?")
    if not mark:
        return target
    names = (part.partition("=")[0] for part in query.split("&") if part)
    return f"{path}?" + "&".join(f"{n}={HIDDEN}" if _NAME.fullmatch(n) else HIDDEN for n in names)


class QueryValuesHidden(logging.Filter):
    """Rewrites, in a record's arguments, every request target that carries a query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_hidden(argument) for argument in record.args)
        return True


def _hidden(argument: Any) -> Any:
    """A request target (``/path?query``) without its query's values, and without the token of a
    path that carries one (``SECRET_PATHS``); anything else as it is."""
    if isinstance(argument, str) and argument.startswith(SECRET_PATHS):
        prefix = next(p for p in SECRET_PATHS if argument.startswith(p))
        return prefix + HIDDEN
    if isinstance(argument, str) and argument.startswith("/") and "?" in argument:
        return without_query_values(argument)
    return argument


# Paths whose last part is a secret: an organiser's one-time link (``web_auth``).
SECRET_PATHS: Final = ("/mot-de-passe/",)


def _log_config() -> dict[str, Any]:
    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"query_values_hidden": {"()": QueryValuesHidden}}
    for handler in config["handlers"].values():
        handler.setdefault("filters", []).append("query_values_hidden")
    config["loggers"]["metrokawa"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


# What ``metrokawa serve`` gives uvicorn as ``log_config`` (in every worker process).
LOG_CONFIG: Final = _log_config()

"""The real services some tests talk to: PostgreSQL and Redis, as the CI machine runs them.

When one cannot be reached, the test that needs it fails under CI (``CI=true`` or ``CI=1``, see
``tests.ci``; ``.ci/run`` starts both, so an unreachable service there is a broken CI) and is
skipped elsewhere, each time with a sentence naming the service and the command that starts it.
``METROKAWA_TEST_POSTGRES`` and ``METROKAWA_TEST_REDIS`` point the tests at other servers.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from server.store import database_url

from ..ci import cannot_run

POSTGRES_URL = os.environ.get("METROKAWA_TEST_POSTGRES", "postgresql://127.0.0.1:5432/test")
REDIS_URL = os.environ.get("METROKAWA_TEST_REDIS", "redis://127.0.0.1:6379/0")

START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
START_REDIS = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" '
    "--appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log"
)
TIMEOUT_S = 3


def unavailable(reason: str) -> NoReturn:
    """Fail under CI (a service CI should have started is missing), skip elsewhere."""
    cannot_run(reason, because="these tests must run; .ci/run starts it")


def _where(url: str) -> str:
    parsed = make_url(url)
    return f"{parsed.host or 'localhost'}:{parsed.port or ''}".rstrip(":")


def postgres_url(url: str = POSTGRES_URL) -> str:
    """``url`` once a connection to it answered ``SELECT 1``; else fail or skip (see above)."""
    engine = create_engine(database_url(url), connect_args={"connect_timeout": TIMEOUT_S})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        first = str(error.orig or error).strip().splitlines()[0]
        unavailable(
            f"PostgreSQL is not reachable at {_where(url)} ({first}); "
            f"start it with: {START_POSTGRES}"
        )
    finally:
        engine.dispose()
    return url


def redis_url(url: str = REDIS_URL) -> str:
    """``url`` once its server answered ``PING`` with ``PONG``; else fail or skip (see above)."""
    parsed = make_url(url)
    host, port = parsed.host or "127.0.0.1", parsed.port or 6379
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT_S) as connection:
            connection.sendall(b"PING\r\n")
            answer = connection.recv(64)
        if not answer.startswith(b"+PONG"):
            raise OSError(f"PING answered {answer!r}")
    except OSError as error:
        unavailable(
            f"Redis is not reachable at {host}:{port} ({error}); start it with: {START_REDIS}"
        )
    return url


@contextmanager
def fresh_schema(url: str) -> Iterator[str]:
    """A URL whose connections work in a new, empty schema (through ``search_path``), dropped
    with everything in it afterwards: each test starts from an empty database."""
    schema = f"metrokawa_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(database_url(url))
    try:
        with admin.begin() as connection:
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        query = {"options": f"-csearch_path={schema}"}
        yield make_url(url).update_query_dict(query).render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()

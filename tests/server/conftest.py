from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from . import services
from .live import LiveServer


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(tmp_path / "metrokawa.sqlite").start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The CI machine's PostgreSQL (see ``services``): fails under CI, skips elsewhere, if down."""
    return services.postgres_url()


@pytest.fixture
def postgres_schema(postgres_url: str) -> Iterator[str]:
    """A URL on a new, empty schema of that PostgreSQL, dropped after the test."""
    with services.fresh_schema(postgres_url) as url:
        yield url


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The CI machine's Redis (see ``services``): fails under CI, skips elsewhere, if down."""
    return services.redis_url()

"""Fixtures with real processes: Redis servers, Celery workers, gunicorn."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import services


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[services.RedisServer]:
    server = services.RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()

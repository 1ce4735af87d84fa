"""What a database backend gives the ledger: pooled connections, write transactions, and its own time format.

A backend hands each thread a connection of its own from a small pool (created on demand, reused, dropped
when it failed), so one ``Ledger`` serves a threaded WSGI server or an ASGI app's worker threads. A
connection's failure becomes ``LedgerUnavailableError`` (try again later) or ``LedgerError``, with any
password in the driver's message replaced by ``***``. A connection made before ``os.fork`` is never used by
the child: the pool starts afresh in a new process.
"""

from __future__ import annotations

import contextlib
import os
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from codat_connections.ledger._sql import Dialect
from codat_connections.ledger._types import LedgerError, LedgerUnavailableError

__all__ = ["Backend", "Cursor"]

Conn = TypeVar("Conn")
T = TypeVar("T")
Cursor = Any
"""A DB-API cursor of the backend's driver (``sqlite3`` or ``psycopg``)."""

_RETRIES = 3
"""Write transactions tried again after a deadlock or serialization failure (all-or-nothing, so safe)."""


class Backend(ABC, Generic[Conn]):
    """One database: its dialect, a pool of connections and the transactions the ledger runs in them."""

    dialect: Dialect

    def __init__(self, where: str, secrets: Sequence[str]) -> None:
        self._secrets = [secret for secret in secrets if secret]
        self.where = self.redact(where)
        """The database, as messages name it (no password)."""
        self._idle: list[Conn] = []
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self._closed = False
        self._pinned = threading.local()

    # -- what each backend provides ---------------------------------------------------------------------
    @abstractmethod
    def _connect(self) -> Conn: ...

    @abstractmethod
    def _close_connection(self, conn: Conn) -> None: ...

    @abstractmethod
    @contextmanager
    def _transaction(self, conn: Conn, write: bool) -> Iterator[Cursor]: ...

    @abstractmethod
    def _failure(self, error: BaseException) -> tuple[bool, bool] | None:
        """``(unavailable, retryable)`` for a driver error, or None for anything else (not the database's)."""

    @abstractmethod
    def stage(self, cursor: Cursor, rows: list[tuple[Any, ...]]) -> None:
        """Fill the staging table with ``rows`` (in ``_sql.STAGED_COLUMNS`` order)."""

    @abstractmethod
    def to_db(self, moment: datetime) -> Any: ...

    @abstractmethod
    def from_db(self, value: Any) -> datetime: ...

    @abstractmethod
    def span(self, length: timedelta) -> Any:
        """A length of time as the database adds it to a time."""

    @abstractmethod
    def lock_schema(self, cursor: Cursor) -> None:
        """Within a write transaction: keep any other process from migrating at the same time."""

    def missing(self) -> str | None:
        """Why there is surely no ledger to open here (None: there may be one). Asked before connecting, which
        would make an empty database."""
        return None

    # -- shared ---------------------------------------------------------------------------------------
    def run(self, work: Callable[[Cursor], T], *, write: bool = True) -> T:
        """``work`` in one transaction (committed when it returns); retried after a deadlock, typed on failure."""
        for attempt in range(_RETRIES):
            conn = self._acquire()
            broken = True
            try:
                with self._transaction(conn, write) as cursor:
                    result = work(cursor)
                broken = False
                return result
            except Exception as error:
                failure = self._failure(error)
                if failure is None:
                    broken = False
                    raise
                unavailable, retryable = failure
                broken = unavailable and not retryable
                if retryable and attempt + 1 < _RETRIES:
                    continue
                message = f"the ledger's database ({self.where}) {'is unavailable' if unavailable else 'failed'}: "
                message += self.redact(f"{type(error).__name__}: {error}".strip())
                raise (LedgerUnavailableError if unavailable else LedgerError)(message) from None
            finally:
                self._release(conn, broken)
        raise AssertionError("unreachable")  # pragma: no cover

    def redact(self, text: str) -> str:
        """``text`` with every secret of the database URL (and its percent-encoded form) replaced by ``***``."""
        from urllib.parse import quote

        for secret in self._secrets:
            for form in {secret, quote(secret, safe=""), quote(secret)}:
                text = text.replace(form, "***")
        return text

    @contextmanager
    def pinned(self) -> Iterator[None]:
        """Within this block, every transaction of this thread runs on one connection (its temporary tables stay)."""
        conn = self._acquire()
        self._pinned.conn, self._pinned.failed = conn, False
        try:
            yield
        finally:
            failed = self._pinned.failed
            self._pinned.conn = None
            self._release(conn, failed)

    def _acquire(self) -> Conn:
        pinned: Conn | None = getattr(self._pinned, "conn", None)
        if pinned is not None:
            if self._pinned.failed:  # never another connection: the block's temporary tables are on this one
                raise LedgerUnavailableError(f"the ledger's database ({self.where}) connection failed mid-way")
            return pinned
        with self._lock:
            if self._closed:
                raise LedgerError("the ledger is closed")
            if self._pid != os.getpid():  # forked: the parent's connections are the parent's
                self._idle, self._pid = [], os.getpid()
            if self._idle:
                return self._idle.pop()
        try:
            return self._connect()
        except Exception as error:
            failure = self._failure(error)
            if failure is None:
                raise
            message = f"the ledger's database ({self.where}) is unavailable: "
            raise LedgerUnavailableError(message + self.redact(f"{type(error).__name__}: {error}".strip())) from None

    def _release(self, conn: Conn, broken: bool) -> None:
        if getattr(self._pinned, "conn", None) is conn:
            self._pinned.failed = self._pinned.failed or broken  # released (and closed) when the block ends
            return
        with self._lock:
            if not broken and not self._closed and self._pid == os.getpid():
                self._idle.append(conn)
                return
        self._quietly_close(conn)

    def _quietly_close(self, conn: Conn) -> None:
        with contextlib.suppress(Exception):  # a broken connection may fail to close: it is dropped all the same
            self._close_connection(conn)

    def close(self) -> None:
        """Close every idle connection; one in use is closed when its transaction ends."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for conn in idle:
            self._quietly_close(conn)

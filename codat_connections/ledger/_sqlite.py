"""The default backend: one SQLite file through the standard library's ``sqlite3``, safe for several processes.

The file is in WAL mode (readers never wait for the writer), every write transaction starts with
``BEGIN IMMEDIATE`` (it takes the write lock first, so two writers queue instead of failing half way), and a
writer waits up to ``timeout`` seconds for the lock before the ledger reports the database unavailable.
``synchronous=FULL``: a committed record survives a power cut, so a 2xx is only answered for what is on disk.
Times are whole microseconds since the Unix epoch (SQLite has no time type).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from codat_connections.ledger._backend import Backend, Cursor
from codat_connections.ledger._sql import CLEAR_STAGING, LISTED_TABLE, SQLITE, STAGE, STAGING_TABLE
from codat_connections.ledger._types import LedgerError

__all__ = ["SQLiteBackend"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class SQLiteBackend(Backend[sqlite3.Connection]):
    """A ledger in one SQLite file."""

    dialect = SQLITE

    def __init__(self, path: Path, timeout: float) -> None:
        super().__init__(f"sqlite file {path}", ())
        self.path = path
        self.timeout = timeout
        self._writing = threading.Lock()
        self._stage = SQLITE.sql(STAGE)
        self._clear = SQLITE.sql(CLEAR_STAGING)

    def missing(self) -> str | None:
        if not self.path.parent.is_dir():
            return self._no_folder()
        if not self.path.exists():
            return f"there is no file {self.path} (`codat-connections sync --ledger URL` or Ledger.open(url) makes it)"
        return None

    def _no_folder(self) -> str:
        return (
            f"the folder {self.path.parent} does not exist (sqlite:///relative/path.db is relative to the current "
            "folder, sqlite:////absolute/path.db is absolute)"
        )

    def _connect(self) -> sqlite3.Connection:
        if not self.path.parent.is_dir():  # sqlite3 would say only "unable to open database file"
            raise LedgerError(f"the ledger's database ({self.where}) cannot be made: {self._no_folder()}")
        # isolation_level=None: no implicit transactions; each write opens its own BEGIN IMMEDIATE.
        conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute(SQLITE.sql(STAGING_TABLE))
            conn.execute(SQLITE.sql(LISTED_TABLE))
        except BaseException:
            conn.close()
            raise
        return conn

    def _close_connection(self, conn: sqlite3.Connection) -> None:
        conn.close()

    @contextmanager
    def _transaction(self, conn: sqlite3.Connection, write: bool) -> Iterator[Cursor]:
        # This process's writers queue on a lock (woken the moment it is free) rather than in SQLite's busy
        # handler, which polls with sleeps of up to 100 ms; other processes still meet the busy timeout.
        if write and not self._writing.acquire(timeout=self.timeout):
            raise sqlite3.OperationalError("database is locked (by another thread of this process)")
        try:
            cursor = conn.cursor()
            cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield cursor
            except BaseException:
                if conn.in_transaction:
                    conn.rollback()
                raise
            else:
                cursor.execute("COMMIT")
            finally:
                cursor.close()
        finally:
            if write:
                self._writing.release()

    def _failure(self, error: BaseException) -> tuple[bool, bool] | None:
        if isinstance(error, sqlite3.OperationalError):
            return True, False  # locked past the timeout, unreadable, no disk: the busy timeout already waited
        if isinstance(error, sqlite3.DatabaseError):
            return False, False
        return None

    def stage(self, cursor: Cursor, rows: list[tuple[Any, ...]]) -> None:
        cursor.execute(self._clear)
        cursor.executemany(self._stage, rows)

    def to_db(self, moment: datetime) -> int:
        return (moment - _EPOCH) // timedelta(microseconds=1)  # exact: no float on the way

    def from_db(self, value: Any) -> datetime:
        return _EPOCH + timedelta(microseconds=int(value))

    def span(self, length: timedelta) -> int:
        return length // timedelta(microseconds=1)

    def lock_schema(self, cursor: Cursor) -> None:
        """``BEGIN IMMEDIATE`` already holds the database's one write lock."""

"""The backend for many hosts: PostgreSQL through psycopg 3 (``pip install "codat-connections[postgres]"``).

Deliveries are deduplicated by their primary key (a second receiver's insert waits for the first one's
transaction, then finds the row), states are ordered by the upsert's WHERE clause on the row it locks, a
sweep's page is copied into a temporary table and applied in connection-id order (so two sweeps lock rows
in one order and never deadlock), and ``claim`` takes episodes with ``FOR UPDATE SKIP LOCKED`` under
leases measured by the server's clock (``clock_timestamp()``), one clock for every host. Transactions run at
READ COMMITTED; a deadlock or serialization failure is retried.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from codat_connections.ledger._backend import Backend, Cursor
from codat_connections.ledger._sql import CLEAR_STAGING, LISTED_TABLE, POSTGRES, STAGED_COLUMNS, STAGING_TABLE

if TYPE_CHECKING:
    import psycopg

__all__ = ["PostgresBackend"]

_SCHEMA_LOCK = 0x636F646174  # "codat": the advisory lock that serializes migrations across processes
_COPY = f"COPY codat_staging ({', '.join(STAGED_COLUMNS)}) FROM STDIN"


def _driver() -> Any:
    try:
        import psycopg
    except ImportError:
        raise ImportError('a PostgreSQL ledger needs psycopg 3: pip install "codat-connections[postgres]"') from None
    return psycopg


class PostgresBackend(Backend["psycopg.Connection[Any]"]):
    """A ledger in a PostgreSQL database (its tables beside yours, named ``codat_...``)."""

    dialect = POSTGRES

    def __init__(self, conninfo: str, where: str, secrets: Sequence[str], timeout: float) -> None:
        super().__init__(where, secrets)
        self._psycopg = _driver()
        self._conninfo = conninfo
        self.timeout = timeout
        self._clear = POSTGRES.sql(CLEAR_STAGING)

    def __reduce__(self) -> Any:
        raise TypeError("a ledger's backend holds database connections: open the ledger in each process")

    def _connect(self) -> psycopg.Connection[Any]:
        conn: psycopg.Connection[Any] = self._psycopg.connect(
            self._conninfo,
            autocommit=True,
            connect_timeout=max(1, round(self.timeout)),
            application_name="codat-ledger",
        )
        try:
            # Before the first use of a temporary table: room for a page's staged rows in memory, and for joining
            # them with the ledger's rows (PostgreSQL's defaults, 8 and 4 MB, spill a 15,000-connection page to disk).
            conn.execute("SET temp_buffers = '64MB'")
            conn.execute("SET work_mem = '32MB'")
            conn.execute(POSTGRES.sql(STAGING_TABLE))
            conn.execute(POSTGRES.sql(LISTED_TABLE))
            # A row lock held longer than the timeout (a stuck writer) fails the write rather than hang a receiver.
            conn.execute(f"SET lock_timeout = {int(self.timeout * 1000)}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _close_connection(self, conn: psycopg.Connection[Any]) -> None:
        conn.close()

    @contextmanager
    def _transaction(self, conn: psycopg.Connection[Any], write: bool) -> Iterator[Cursor]:
        with conn.transaction(), conn.cursor() as cursor:
            yield cursor

    def _failure(self, error: BaseException) -> tuple[bool, bool] | None:
        errors = self._psycopg.errors
        if isinstance(error, errors.DeadlockDetected | errors.SerializationFailure):
            return True, True
        if isinstance(error, self._psycopg.OperationalError | self._psycopg.InterfaceError):
            return True, False
        if isinstance(error, self._psycopg.Error):
            return False, False
        return None

    def stage(self, cursor: Cursor, rows: list[tuple[Any, ...]]) -> None:
        cursor.execute(self._clear)
        with cursor.copy(_COPY) as copy:
            for row in rows:
                copy.write_row(row)

    def to_db(self, moment: datetime) -> datetime:
        return moment

    def from_db(self, value: Any) -> datetime:
        moment: datetime = value
        return moment.astimezone(UTC)

    def span(self, length: timedelta) -> timedelta:
        return length

    def lock_schema(self, cursor: Cursor) -> None:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))

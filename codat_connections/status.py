"""Connection statuses and the questions users ask of them.

A connection starts ``PendingAuth`` with a link URL, becomes ``Linked`` once the end user
authorizes, ``Unlinked`` when you unlink it (data kept) and ``Deauthorized`` when the platform
withdraws access; re-link a ``Deauthorized`` connection through its own ``link_url``.
A status the library does not know yet stays readable: it equals its raw string.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codat_connections_api.models.connection import Connection
    from codat_connections_api.models.connection_status import ConnectionStatus

__all__ = [
    "ConnectionStatus",
    "created_at",
    "filter_by_status",
    "is_linked",
    "last_sync_at",
    "needs_attention",
    "needs_reauthorization",
    "parse_datetime",
]


def is_linked(connection: Connection) -> bool:
    """The end user has authorized the connection and data can be pulled."""
    return connection.status == "Linked"


def needs_reauthorization(connection: Connection) -> bool:
    """The platform withdrew access: send the user to ``connection.link_url`` to re-link."""
    return connection.status == "Deauthorized"


def needs_attention(connection: Connection) -> bool:
    """The end user must act: the connection is ``Deauthorized`` or carries an active data connection error.

    This is the morning sweep's question; send the user to ``connection.link_url``.
    """
    if connection.status == "Deauthorized":
        return True
    errors = connection.data_connection_errors
    return isinstance(errors, list) and any(error.status == "Active" for error in errors)


def filter_by_status(connections: Iterable[Connection], *statuses: ConnectionStatus | str) -> list[Connection]:
    """The connections whose status is one of ``statuses`` (enum members or raw strings)."""
    if not statuses:
        raise ValueError("filter_by_status needs at least one status")
    wanted = {str(status) for status in statuses}
    return [connection for connection in connections if connection.status.value in wanted]


def parse_datetime(value: str) -> datetime:
    """A Codat date-time in any documented form: ``Z``, an offset, naive local time, or a date only.

    Naive values stay naive (Codat sends the business's local time when the platform gives no zone).
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"not a Codat date-time: {value!r}")
    from dateutil.parser import isoparse  # ~10 ms to import: paid by callers of this helper only

    try:
        return isoparse(value.strip())
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"not a Codat date-time: {value!r}") from exc


def created_at(connection: Connection) -> datetime:
    """When the connection was created, as a ``datetime``."""
    return parse_datetime(connection.created)


def last_sync_at(connection: Connection) -> datetime | None:
    """When data was last pulled, or None if never (or not reported)."""
    value = connection.last_sync
    return parse_datetime(value) if isinstance(value, str) else None


def __getattr__(name: str) -> Any:
    # ConnectionStatus is the generated enum, loaded on first use (see codat_connections/__init__.py).
    if name == "ConnectionStatus":
        from codat_connections_api.models.connection_status import ConnectionStatus

        return ConnectionStatus
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

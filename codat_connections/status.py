"""Connection statuses and the questions users ask of them.

A connection starts ``PendingAuth`` with a link URL, becomes ``Linked`` once the end user
authorizes, ``Unlinked`` when you unlink it (data kept) and ``Deauthorized`` when the platform
withdraws access; re-link a ``Deauthorized`` connection through its own ``link_url``.
A status the library does not know yet stays readable: it equals its raw string.

Date-times: every one this library exposes is a stamp Codat makes itself (a connection's ``created`` and
``lastSync``, a connection error's ``erroredOnUtc``/``resolvedOnUtc``, a company's ``created`` and
``lastSync``, a webhook's ``generatedDate``/``expiryDate``, the rate limit's reset), which Codat records in
UTC. One rule reads them all (``parse_datetime``, and the models' ``..._at`` properties): an aware value
keeps its offset; a naive one is UTC; a date alone is midnight UTC; anything else is a ``ValueError``
naming the value.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from codat_connections_api import runtime

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
    """The end user must act: the connection is ``Deauthorized``, or it carries an active data connection
    error and is not ``Unlinked`` (an unlinked connection was let go on purpose).

    So a failed link attempt (``connection.failed``: still ``PendingAuth``, with an active error) is flagged,
    as is a ``Linked`` connection whose syncs fail. This is the one rule: the sweeps
    (``needing_attention``) and webhook events (``ConnectionEvent.needs_attention``) ask it. Whatever it
    flags, send the end user to ``connection.link_url``.
    """
    if connection.status == "Deauthorized":
        return True
    if connection.status == "Unlinked":
        return False
    errors = connection.data_connection_errors
    return isinstance(errors, list) and any(error.status == "Active" for error in errors)


def filter_by_status(connections: Iterable[Connection], *statuses: ConnectionStatus | str) -> list[Connection]:
    """The connections whose status is one of ``statuses`` (enum members or raw strings)."""
    if not statuses:
        raise ValueError("filter_by_status needs at least one status")
    wanted = {str(status) for status in statuses}
    return [connection for connection in connections if connection.status.value in wanted]


def parse_datetime(value: str) -> datetime:
    """A date-time Codat stamps, always aware: an offset is kept, naive is UTC, a date alone midnight UTC.

    ``ValueError`` (naming the value) when it is not ISO 8601; ``TypeError`` when it is not a string.
    """
    return runtime.parse_datetime(value)


def created_at(connection: Connection) -> datetime:
    """When the connection was created, as an aware ``datetime`` (``connection.created_at``)."""
    return connection.created_at


def last_sync_at(connection: Connection) -> datetime | None:
    """When data was last pulled, as an aware ``datetime``; None if never (``connection.last_sync_at``)."""
    return connection.last_sync_at


def __getattr__(name: str) -> Any:
    # ConnectionStatus is the generated enum, loaded on first use (see codat_connections/__init__.py).
    if name == "ConnectionStatus":
        from codat_connections_api.models.connection_status import ConnectionStatus

        return ConnectionStatus
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

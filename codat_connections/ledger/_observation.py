"""What the ledger knows of a connection at one moment, from a webhook or a sweep, and which of two wins.

Every write to the ledger is an ``Observation``: a connection's state as Codat reported it, stamped with
Codat's time (an event's ``generatedDate``; a sweep page's ``Date`` header, read conservatively). Per
connection the newest observation wins, compared by its time, then its precedence (a flagged
state over an unflagged one, then the later status of the lifecycle), then its tiebreak text, so two
observations never tie unless they say the same thing, and the outcome never depends on arrival order.
A deletion Codat reported (``connection.deleted``) is final: it wins whatever its time, and only another
report of the deletion (a later or higher one) replaces it, which keeps the connection deleted. A removal a sync
inferred (the connection missing from a complete listing) is not: it is Codat's listing at one time, so a newer
report of the connection (the next listing, a webhook) brings it back. The comparison is written once: in
the upsert's WHERE clause (``_sql``), which every write goes through.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from codat_connections.status import needs_attention

if TYPE_CHECKING:
    from codat_connections_api.models import Connection

    from codat_connections.webhooks._events import ConnectionEvent

__all__ = [
    "DELETED_PRECEDENCE",
    "Observation",
    "Source",
    "from_event",
    "listing_row",
    "precedence",
    "tiebreak",
]

Source = Literal["webhook", "sweep"]

_LIFECYCLE = {"PendingAuth": 0, "Linked": 1, "Unlinked": 2, "Deauthorized": 3}
"""At one time, the later status of a connection's life wins (created, then linked, then let go or lost)."""
_UNKNOWN_STATUS = len(_LIFECYCLE)
_FLAGGED = 10
DELETED_PRECEDENCE = 100
"""A deletion's precedence: above every state (and final, whatever its time)."""


@dataclass(frozen=True, slots=True)
class Observation:
    """One connection's state as Codat reported it at ``as_of`` (Codat's clock)."""

    connection_id: str
    company_id: str
    company_name: str
    platform_key: str | None
    status: str
    link_url: str | None
    deleted: bool
    flagged: bool
    """``status.needs_attention`` of the connection as reported (never true of a deletion)."""
    as_of: datetime
    source: Source
    event_id: str = ""
    """The webhook event's id (empty for a sweep): the last tiebreak between two different reports."""

    @property
    def precedence(self) -> int:
        """Deleted above flagged above unflagged; within each, the later status of the lifecycle."""
        return precedence(self.status, flagged=self.flagged, deleted=self.deleted)

    @property
    def tiebreak(self) -> str:
        """Decides between two reports of one time and precedence: by status text, then event id."""
        return tiebreak(self.status, self.event_id)


def precedence(status: str, *, flagged: bool, deleted: bool) -> int:
    if deleted:
        return DELETED_PRECEDENCE
    rank = _LIFECYCLE.get(status, _UNKNOWN_STATUS)
    return _FLAGGED + rank if flagged else rank


def tiebreak(status: str, event_id: str) -> str:
    return f"{status}\x1f{event_id}"


def listing_row(connection: Connection, company_id: str, company_name: str, as_of: object) -> tuple[object, ...]:
    """A sweep's report of one connection as a staging row (``_sql.STAGED_COLUMNS``), ``as_of`` in the database's
    form: what an ``Observation`` and ``Store`` would make of it, without the objects in between (a sync makes
    hundreds of thousands)."""
    status = str.__str__(connection.status)  # the raw string (the enum's .value is slow at this count)
    flagged = needs_attention(connection)
    key = connection.integration_key
    link = connection.link_url
    return (
        connection.id,
        company_id,
        company_name,
        key if isinstance(key, str) else None,
        status,
        link if isinstance(link, str) else None,
        False,
        flagged,
        as_of,
        precedence(status, flagged=flagged, deleted=False),
        tiebreak(status, ""),
        "sweep",
    )


def from_event(event: ConnectionEvent[str] | ConnectionEvent[None]) -> Observation:
    """A connection event's report: the connection as it was at the event's ``generated_date``."""
    from codat_connections.webhooks._events import ConnectionEventType

    deleted = event.event_type == ConnectionEventType.DELETED
    return _observe(
        event.connection,
        company_id=event.company.id,
        company_name=event.company.name,
        as_of=event.generated_date.astimezone(UTC),
        deleted=deleted,
        source="webhook",
        event_id=event.id,
    )


def _observe(
    connection: Connection,
    *,
    company_id: str,
    company_name: str,
    as_of: datetime,
    deleted: bool,
    source: Source,
    event_id: str,
) -> Observation:
    key = connection.integration_key
    link = connection.link_url
    return Observation(
        connection_id=connection.id,
        company_id=company_id,
        company_name=company_name,
        platform_key=key if isinstance(key, str) else None,
        status=str(connection.status.value),
        link_url=link if isinstance(link, str) else None,
        deleted=deleted,
        flagged=not deleted and needs_attention(connection),
        as_of=as_of,
        source=source,
        event_id=event_id,
    )

"""What the ledger answers with: outcomes, connection states, attention episodes, sync reports, its errors."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from codat_connections.errors import CodatError

__all__ = [
    "ConnectionState",
    "Episode",
    "LedgerError",
    "LedgerUnavailableError",
    "Outcome",
    "SyncReport",
]


class Outcome(enum.StrEnum):
    """What ``Ledger.record`` did with a delivery."""

    APPLIED = "applied"
    """First time this delivery was seen, and it was taken: the connection's state is now what it says (or, for
    an event that carries no connection, the delivery is noted so that a retry of it is a duplicate)."""
    DUPLICATE = "duplicate"
    """The delivery's ``webhook-id`` was recorded before: a retry or a duplicate; nothing changed."""
    STALE = "stale"
    """First time seen, but older than (or the same as) what the ledger knows of the connection, or the connection
    is deleted: nothing changed. Acting on it would undo news."""


@dataclass(frozen=True, slots=True)
class ConnectionState:
    """The newest thing the ledger knows about one connection."""

    connection_id: str
    company_id: str
    company_name: str
    platform_key: str | None
    """The platform's key (``gbol`` for Xero); None when Codat sent none."""
    status: str
    """Codat's status string (``Linked``, ``Deauthorized``, ...); for a deleted connection, its last status."""
    deleted: bool
    """The connection was deleted (a ``connection.deleted`` event, or missing from a complete sync): final."""
    link_url: str | None
    """Where the end user (re-)authorizes the connection."""
    as_of: datetime
    """When Codat reported this state, on Codat's clock (an event's ``generated_date``, a sweep page's ``Date``)."""
    source: Literal["webhook", "sweep"]
    """What reported it: a webhook delivery or a sweep (``Ledger.sync``)."""
    needs_attention: bool
    """``codat_connections.status.needs_attention`` of the connection as reported (never true once deleted)."""


@dataclass(frozen=True, slots=True)
class Episode:
    """A stretch of time during which a connection needs its end user: the unit of "please re-link" hand-offs.

    It opens when the connection enters a state ``needs_attention`` flags and ends when the connection leaves it
    (Linked again, unlinked, deleted) or when ``Ledger.done`` is called. The company and link are the
    connection's latest known ones.
    """

    id: int
    connection_id: str
    company_id: str
    company_name: str
    platform_key: str | None
    link_url: str | None
    opened_at: datetime
    """When the connection entered the flagged state, on Codat's clock."""
    claims: int
    """How many times ``claim`` handed it out (more than 1: a claimer's lease ran out before ``done``)."""
    leased_until: datetime | None
    """Until when its current claimer holds it; None if never claimed."""


@dataclass(frozen=True, slots=True)
class SyncReport:
    """What one ``Ledger.sync`` read and changed."""

    companies: int
    """Companies the sweep listed."""
    connections: int
    """Connections the sweep listed."""
    changed: int
    """Connections whose state the sweep changed (new ones included): their listing was newer news."""
    removed: int
    """Connections recorded deleted because a complete, unfiltered sync no longer lists them."""
    requests: int
    """HTTP requests the sweep made, re-reads included."""
    as_of: datetime | None
    """When the sync's first page is taken as observed, on Codat's clock (its ``Date``, less the time the page took to
    arrive): what the sync's removals are measured from. None when the listing gave no page."""


class LedgerError(CodatError):
    """Something about the ledger's database: its schema, or reaching it. Never carries a password."""


class LedgerUnavailableError(LedgerError):
    """The database could not be reached or did not answer in time (locked, down, refused): try again later.

    The webhook receivers answer 503 to it, so that Codat delivers the message again.
    """

"""The fake's state: companies, their connections, and the rules for moving a connection between statuses.

Every lifecycle rule a user's test relies on lives here, once: a new connection is ``PendingAuth``;
only a ``Linked`` connection can be unlinked or deauthorized; completing a link resolves the
connection's active errors. Each change is reported to ``notify`` (the webhook publisher) with the
connection as the API would return it at that moment. Connections are kept as wire-shaped dicts, so
answering a request is one ``json.dumps``. Not thread-safe on its own: ``FakeCodat`` holds its lock.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

__all__ = [
    "PLATFORMS",
    "Company",
    "ConnectionNotFound",
    "InvalidTransition",
    "Notify",
    "Platform",
    "STATUSES",
    "Store",
    "check_count",
    "check_status",
    "iso_utc",
    "platform_for",
]

LINK_URL = "https://link-api.codat.io/companies/{company_id}/connections/{connection_id}/start"
PORTAL_URL = "https://app.codat.io/companies/{company_id}/summary"
STATUSES = ("PendingAuth", "Linked", "Unlinked", "Deauthorized")


@dataclass(frozen=True)
class Platform:
    """A platform the fake knows: its four-letter key, its name and its source type."""

    key: str
    name: str
    source_type: str

    @cached_property
    def integration_id(self) -> str:
        """A stable UUID per platform, as Codat's ``integrationId`` is."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"codat-integration:{self.key}"))

    @cached_property
    def source_id(self) -> str:
        """A stable UUID per platform for ``sourceId``."""
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"codat-source:{self.key}"))


PLATFORMS: dict[str, Platform] = {
    p.key: p
    for p in (
        Platform("qhyg", "QuickBooks Online", "Accounting"),
        Platform("gbol", "Xero", "Accounting"),
        Platform("knfz", "Sage Intacct", "Accounting"),
        Platform("akxx", "Oracle NetSuite", "Accounting"),
        Platform("mqjo", "Codat Sandbox", "Accounting"),
        Platform("suuo", "Plaid", "Banking"),
        Platform("upvr", "TrueLayer", "Banking"),
        Platform("fztf", "Shopify", "Commerce"),
        Platform("zsth", "Square", "Commerce"),
        Platform("exgd", "Stripe", "Commerce"),
    )
}


@dataclass
class Company:
    id: str
    name: str
    description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    connections: dict[str, dict[str, Any]] = field(default_factory=dict)
    authorizations: dict[str, dict[str, str]] = field(default_factory=dict)

    def reference(self) -> dict[str, Any]:
        """The company as a webhook names it (Codat's ``companyReference``)."""
        reference: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.description is not None:
            reference["description"] = self.description
        reference["links"] = {"portal": PORTAL_URL.format(company_id=self.id)}
        reference["tags"] = dict(self.tags)
        return reference


class ConnectionNotFound(ValueError):
    """No such company or connection; the message is Codat's 404 text (a ValueError for test-side controls)."""


class InvalidTransition(ValueError):
    """The connection's status does not allow this change; the message says why."""


Notify = Callable[[str, Company, dict[str, Any]], None]
"""``(event type, company, connection as the API returns it)``, called after each lifecycle change."""


def iso_utc(moment: datetime, *, fraction: bool = False) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if fraction else "%Y-%m-%dT%H:%M:%SZ")


class Store:
    """Companies and connections, and the lifecycle transitions between connection statuses."""

    def __init__(self, clock: Callable[[], datetime], notify: Notify) -> None:
        self._clock = clock
        self._notify = notify
        self._companies: dict[str, Company] = {}
        self._created_tick = 0

    def __len__(self) -> int:
        return len(self._companies)

    # -- set-up (no events: nothing happened on Codat's side that a webhook would report) --------
    def add_company(
        self, name: str, company_id: str | None, description: str | None, tags: Mapping[str, str] | None
    ) -> str:
        cid = company_id or str(uuid.uuid4())
        self._companies[cid] = Company(cid, name, description, dict(tags or {}))
        return cid

    def seed(self, company_id: str, count: int, platform: Platform, status: str) -> list[str]:
        connections = self.company(company_id).connections
        ids = []
        for _ in range(count):
            record = self._new_connection(company_id, platform)
            record["status"] = status
            if status == "Linked":
                record["lastSync"] = record["created"]
            connections[record["id"]] = record
            ids.append(record["id"])
        return ids

    # -- lookups ---------------------------------------------------------------------------------
    def company(self, company_id: str) -> Company:
        company = self._companies.get(company_id)
        if company is None:
            raise ConnectionNotFound(f"No company was found with ID {company_id}")
        return company

    def connection(self, company_id: str, connection_id: str) -> dict[str, Any]:
        record = self.company(company_id).connections.get(connection_id)
        if record is None:
            raise ConnectionNotFound(f"Data connection {connection_id} not found")
        return record

    # -- transitions -----------------------------------------------------------------------------
    def create(self, company_id: str, platform: Platform) -> dict[str, Any]:
        """A new connection starts ``PendingAuth`` with the link URL the end user follows."""
        company = self.company(company_id)
        record = self._new_connection(company_id, platform)
        company.connections[record["id"]] = record
        self._notify("connection.created", company, record)
        return record

    def complete_link(self, company_id: str, connection_id: str) -> None:
        """PendingAuth → Linked is ``connected``; Deauthorized or Unlinked → Linked is ``reconnected``."""
        record = self.connection(company_id, connection_id)
        previous = record["status"]
        if previous == "Linked":
            raise InvalidTransition("connection is already Linked")
        now = self._now()
        record["status"] = "Linked"
        record["lastSync"] = now
        for error in record.get("dataConnectionErrors") or ():
            if error.get("status") == "Active":
                error["status"] = "Resolved"
                error["resolvedOnUtc"] = now
        event = "connection.reconnected" if previous in ("Deauthorized", "Unlinked") else "connection.connected"
        self._notify(event, self.company(company_id), record)

    def fail_link(self, company_id: str, connection_id: str, message: str) -> None:
        """A link attempt failed: the status stays, an active error is added."""
        record = self.connection(company_id, connection_id)
        if record["status"] == "Linked":
            raise InvalidTransition("a Linked connection has no link attempt to fail")
        self._add_error(record, "403", "Linking failed", message)
        self._notify("connection.failed", self.company(company_id), record)

    def deauthorize(self, company_id: str, connection_id: str, message: str) -> None:
        """The platform withdrew access: only Linked → Deauthorized, with an active error."""
        record = self.connection(company_id, connection_id)
        if record["status"] != "Linked":
            raise InvalidTransition(f"only a Linked connection can be deauthorized, this one is {record['status']}")
        record["status"] = "Deauthorized"
        self._add_error(record, "401", "Unauthorized", message)
        self._notify("connection.disconnected", self.company(company_id), record)

    def unlink(self, company_id: str, connection_id: str) -> dict[str, Any]:
        """Only a Linked connection can be unlinked (Codat's rule); its data is kept."""
        record = self.connection(company_id, connection_id)
        if record["status"] != "Linked":
            raise InvalidTransition(f"Only Linked connections can be unlinked; this one is {record['status']}.")
        record["status"] = "Unlinked"
        self._notify("connection.disconnected", self.company(company_id), record)
        return record

    def delete(self, company_id: str, connection_id: str) -> None:
        record = self.connection(company_id, connection_id)
        company = self.company(company_id)
        del company.connections[connection_id]
        company.authorizations.pop(connection_id, None)
        self._notify("connection.deleted", company, record)

    def set_authorization(self, company_id: str, connection_id: str, values: dict[str, str]) -> dict[str, Any]:
        record = self.connection(company_id, connection_id)
        self.company(company_id).authorizations[connection_id] = values
        return record

    # -- helpers ---------------------------------------------------------------------------------
    def _new_connection(self, company_id: str, platform: Platform) -> dict[str, Any]:
        connection_id = str(uuid.uuid4())
        return {
            "id": connection_id,
            "integrationId": platform.integration_id,
            "integrationKey": platform.key,
            "sourceId": platform.source_id,
            "platformName": platform.name,
            "linkUrl": LINK_URL.format(company_id=company_id, connection_id=connection_id),
            "status": "PendingAuth",
            "created": self._created(),
            "sourceType": platform.source_type,
        }

    def _add_error(self, record: dict[str, Any], code: str, text: str, message: str) -> None:
        record.setdefault("dataConnectionErrors", []).append(
            {
                "statusCode": code,
                "statusText": text,
                "errorMessage": message,
                "erroredOnUtc": self._now(),
                "status": "Active",
                "resolvedOnUtc": None,
            }
        )

    def _now(self) -> str:
        return iso_utc(self._clock())

    def _created(self) -> str:
        """Creation times that strictly increase, so ordering by ``created`` is stable."""
        self._created_tick += 1
        return iso_utc(self._clock() + timedelta(milliseconds=self._created_tick), fraction=True)


# -- argument checks for the test-side controls ----------------------------------------------------
def check_count(name: str, value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{name} must be a whole number, 0 or more, got {value!r}")


def platform_for(key: str) -> Platform:
    platform = PLATFORMS.get(key)
    if platform is None:
        raise ValueError(f"unknown platform key {key!r}; the fake knows {sorted(PLATFORMS)}")
    return platform


def check_status(status: str) -> None:
    if status not in STATUSES:
        raise ValueError(f"status must be one of {list(STATUSES)}, got {status!r}")

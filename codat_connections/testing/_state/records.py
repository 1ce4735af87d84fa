"""What the store keeps, shaped as Codat's API returns it: a company (its details, and its reference in webhooks),
a connection's record and its errors, and the UTC timestamps they carry.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from codat_connections.testing._state.platforms import Platform

__all__ = [
    "ACCESS_TOKEN_SECONDS",
    "COMPANY_LINK_PAGE_PATH",
    "LINK_PAGE_PATH",
    "Company",
    "add_error",
    "in_path",
    "iso_utc",
    "new_connection",
    "stamp",
    "utc_clock",
]

LINK_URL = "https://link-api.codat.io/companies/{company_id}/connections/{connection_id}/start"
LINK_PAGE_PATH = "/_fake/link/companies/{company_id}/connections/{connection_id}/start"
"""Where a served fake's Link page is, under its base URL."""
COMPANY_LINK_PAGE_PATH = "/_fake/link/companies/{company_id}/start"
"""Where a served fake's company Link page is (a company's ``redirect``: the end user picks a platform there)."""
PORTAL_URL = "https://app.codat.io/companies/{company_id}/summary"
COMPANY_REDIRECT_URL = "https://link.codat.io/company/{company_id}"
ACCESS_TOKEN_SECONDS = 86400


@dataclass
class Company:
    id: str
    name: str
    created: str
    description: str | None = None
    tags: dict[str, str] = field(default_factory=dict)
    connections: dict[str, dict[str, Any]] = field(default_factory=dict)
    authorizations: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    access_tokens: list[str] = field(default_factory=list, repr=False)
    """Tokens minted for this company: credentials, never shown."""

    def reference(self) -> dict[str, Any]:
        """The company as a webhook names it (Codat's ``companyReference``)."""
        reference: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.description is not None:
            reference["description"] = self.description
        reference["links"] = {"portal": PORTAL_URL.format(company_id=in_path(self.id))}
        reference["tags"] = dict(self.tags)
        return reference

    def details(self) -> dict[str, Any]:
        """The company without its connections (Codat's ``companyDetails``)."""
        details: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.description is not None:
            details["description"] = self.description
        details["redirect"] = COMPANY_REDIRECT_URL.format(company_id=in_path(self.id))
        synced = [record["lastSync"] for record in self.connections.values() if record.get("lastSync")]
        if synced:
            details["lastSync"] = max(synced)
        details["created"] = self.created
        details["products"] = []
        details["tags"] = dict(self.tags)
        details["referenceSubsidiaryCompanies"] = []
        return details


def iso_utc(moment: datetime, *, fraction: bool = False) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if fraction else "%Y-%m-%dT%H:%M:%SZ")


def stamp(moment: datetime) -> str:
    """A record's timestamp: ISO 8601 in UTC, to the microsecond."""
    return iso_utc(moment, fraction=True)


def utc_clock(clock: Callable[[], datetime]) -> Callable[[], datetime]:
    """``clock`` with its answers in UTC (a naive time taken as UTC), so every stamp's ``Z`` is true."""

    def now() -> datetime:
        moment = clock()
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

    return now


_UNRESERVED = re.compile(r"[A-Za-z0-9._~-]*")
"""Characters a URL's path carries as they are: a UUID needs no encoding (the fast path of a fleet's build)."""


def in_path(company_id: str) -> str:
    """A company id as one segment of a URL's path: percent-encoded, so any id the fake accepts (``acme%2Fltd``,
    ``50%``, ``café``) comes back whole from the URL it is in."""
    return company_id if _UNRESERVED.fullmatch(company_id) else quote(company_id, safe="")


def new_connection(company_id: str, platform: Platform, moment: datetime) -> dict[str, Any]:
    """A connection as Codat creates one: ``PendingAuth``, with the link URL the end user follows."""
    connection_id = str(uuid.uuid4())
    return {
        "id": connection_id,
        "integrationId": platform.integration_id,
        "integrationKey": platform.key,
        "sourceId": platform.source_id,
        "platformName": platform.name,
        "linkUrl": LINK_URL.format(company_id=in_path(company_id), connection_id=connection_id),
        "status": "PendingAuth",
        "created": stamp(moment),
        "sourceType": platform.source_type,
    }


def add_error(record: dict[str, Any], code: str, text: str, message: str, moment: datetime) -> None:
    """An active ``dataConnectionErrors`` entry on the connection."""
    record.setdefault("dataConnectionErrors", []).append(
        {
            "statusCode": code,
            "statusText": text,
            "errorMessage": message,
            "erroredOnUtc": stamp(moment),
            "status": "Active",
            "resolvedOnUtc": None,
        }
    )

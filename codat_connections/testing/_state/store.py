"""The fake's state: companies, their connections, and the rules for moving a connection between statuses.

Every lifecycle rule a user's test relies on lives here, once: a new connection is ``PendingAuth``;
only a ``Linked`` connection can be unlinked or deauthorized; completing a link resolves the
connection's active errors. Each change is stamped with a moment that never goes back (so no event
is dated before the state it reports) and reported to ``notify`` (the webhook publisher) with a
function that builds its payload, the connection as the API would return it at that moment.
Connections are kept as wire-shaped dicts, so answering a request is one ``json.dumps``. Not
thread-safe on its own: ``FakeCodat`` holds its lock.
"""

from __future__ import annotations

import copy
import secrets
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from codat_connections.testing._state.platforms import Platform
from codat_connections.testing._state.records import (
    COMPANY_LINK_PAGE_PATH,
    LINK_PAGE_PATH,
    Company,
    add_error,
    in_path,
    new_connection,
    stamp,
)

__all__ = ["InvalidTransition", "NotFound", "Notify", "Store"]


class NotFound(ValueError):
    """The fake has no such company, connection or webhook endpoint; the message says which (Codat's 404 text
    for a company or connection). A ValueError for the controls, a 404 over HTTP.

    ``codat_connections.testing.ConnectionNotFound`` is this class under its earlier name (from when it was
    raised for connections only), so ``except ConnectionNotFound`` keeps working.
    """


class InvalidTransition(ValueError):
    """The connection's status does not allow this change; the message says why."""


Notify = Callable[[str, datetime, Callable[[], dict[str, Any]]], None]
"""``(event type, moment of the change, payload builder)``, called after each change a webhook reports."""


class Store:
    """Companies and connections, and the lifecycle transitions between connection statuses.

    ``link_base`` (a served fake's base URL) makes link URLs point at the fake's own Link page;
    None keeps Codat's ``link-api.codat.io``. ``clock`` answers in UTC (``FakeControls`` wraps it).
    """

    def __init__(self, clock: Callable[[], datetime], notify: Notify) -> None:
        self._clock = clock
        self._notify = notify
        self._companies: dict[str, Company] = {}
        self._last = datetime.min.replace(tzinfo=UTC)
        self.link_base: str | None = None

    def __len__(self) -> int:
        return len(self._companies)

    def snapshot(self) -> dict[str, Company]:
        """A deep copy of every company, for ``restore``."""
        return copy.deepcopy(self._companies)

    def restore(self, companies: dict[str, Company]) -> None:
        self._companies = copy.deepcopy(companies)

    # -- set-up (no events: nothing happened on Codat's side that a webhook would report) --------
    def add_company(
        self, name: str, company_id: str | None, description: str | None, tags: Mapping[str, str] | None
    ) -> str:
        cid = company_id or str(uuid.uuid4())
        if cid in self._companies:
            raise ValueError(f"a company with id {cid!r} already exists")
        self._companies[cid] = Company(cid, name, stamp(self._moment()), description, dict(tags or {}))
        return cid

    def reserve(self, count: int) -> datetime:
        """The first of ``count`` moments a microsecond apart, each later than every moment before and earlier
        than every moment after: stamps for a build made outside the lock (``fleet.py``)."""
        first = self._moment()
        self._last = first + timedelta(microseconds=max(0, count - 1))
        return first

    def add_built(self, companies: Mapping[str, Company]) -> list[str]:
        """Companies built outside the lock (``fleet.build_fleet``), added at once; their ids, in order."""
        if taken := next((cid for cid in companies if cid in self._companies), None):
            raise ValueError(f"a company with id {taken!r} already exists")
        self._companies.update(companies)
        return list(companies)

    def add_connections(self, company_id: str, records: Mapping[str, dict[str, Any]]) -> list[str]:
        """Connections built outside the lock (``fleet.build_connections``) for a company that must still exist."""
        self.company(company_id).connections.update(records)
        return list(records)

    # -- lookups ---------------------------------------------------------------------------------
    def company(self, company_id: str) -> Company:
        company = self._companies.get(company_id)
        if company is None:
            raise NotFound(f"No company was found with ID {company_id}")
        return company

    def companies(self) -> Iterable[Company]:
        return self._companies.values()

    def connection(self, company_id: str, connection_id: str) -> dict[str, Any]:
        record = self.company(company_id).connections.get(connection_id)
        if record is None:
            raise NotFound(f"Data connection {connection_id} not found")
        return record

    def copy_of(self, company_id: str, record: dict[str, Any]) -> dict[str, Any]:
        """A connection as the API returns it, copied: what the caller changes, the store does not see."""
        rendered = dict(self.render(company_id, record))
        if errors := rendered.get("dataConnectionErrors"):
            rendered["dataConnectionErrors"] = [dict(error) for error in errors]
        return rendered

    def company_copy(self, company_id: str) -> dict[str, Any]:
        """A company as the API returns it, copied (its connections too)."""
        company = self.company(company_id)
        return self._served(
            {
                **company.details(),
                "dataConnections": [self.copy_of(company_id, r) for r in company.connections.values()],
            }
        )

    def render(self, company_id: str, record: dict[str, Any]) -> dict[str, Any]:
        """A connection as the API returns it: its link URL on the fake's own Link page when served."""
        if self.link_base is None:
            return record
        path = LINK_PAGE_PATH.format(company_id=in_path(company_id), connection_id=record["id"])
        return {**record, "linkUrl": self.link_base + path}

    def company_body(self, company: Company, details: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """A company as the API returns it, its connections exactly as the connections endpoints do
        (``details``: its ``details()`` when the caller has them already)."""
        return self._served(
            {
                **(company.details() if details is None else details),
                "dataConnections": [self.render(company.id, r) for r in company.connections.values()],
            }
        )

    def _served(self, body: dict[str, Any]) -> dict[str, Any]:
        """A company's body with its ``redirect`` on the fake's own company Link page when served (else Codat's)."""
        if self.link_base is not None:
            body["redirect"] = self.link_base + COMPANY_LINK_PAGE_PATH.format(company_id=in_path(body["id"]))
        return body

    # -- companies through the API ---------------------------------------------------------------
    def create_company(self, name: str, description: str | None, tags: Mapping[str, str] | None) -> Company:
        moment = self._moment()
        company = Company(str(uuid.uuid4()), name, stamp(moment), description, dict(tags or {}))
        self._companies[company.id] = company
        self._notify("company.created", moment, company.details)
        return company

    def update_company(
        self, company_id: str, name: str | None, description: str | None, tags: Mapping[str, str] | None
    ) -> Company:
        """Only the fields given change (None leaves a field as it is, as Codat's PATCH does)."""
        company = self.company(company_id)
        if name is not None:
            company.name = name
        if description is not None:
            company.description = description
        if tags is not None:
            company.tags = dict(tags)
        return company

    def replace_company(
        self, company_id: str, name: str, description: str | None, tags: Mapping[str, str] | None
    ) -> Company:
        """Every field as given: a description or tags left out are cleared (Codat's PUT)."""
        company = self.company(company_id)
        company.name, company.description, company.tags = name, description, dict(tags or {})
        return company

    def delete_company(self, company_id: str) -> None:
        """The company and its connections go; one ``company.deleted`` (Codat documents no per-connection event)."""
        company = self.company(company_id)
        del self._companies[company_id]
        self._notify("company.deleted", self._moment(), company.details)

    def mint_token(self, company_id: str) -> str:
        token = secrets.token_urlsafe(32)
        self.company(company_id).access_tokens.append(token)
        return token

    # -- transitions -----------------------------------------------------------------------------
    def create(self, company_id: str, platform: Platform) -> dict[str, Any]:
        """A new connection starts ``PendingAuth`` with the link URL the end user follows."""
        company = self.company(company_id)
        moment = self._moment()
        record = new_connection(company_id, platform, moment)
        company.connections[record["id"]] = record
        self._report("connection.created", moment, company, record)
        return record

    def complete_link(self, company_id: str, connection_id: str) -> dict[str, Any]:
        """PendingAuth → Linked is ``connected``; Deauthorized or Unlinked → Linked is ``reconnected``."""
        record = self.connection(company_id, connection_id)
        previous = record["status"]
        if previous == "Linked":
            raise InvalidTransition("connection is already Linked")
        moment = self._moment()
        now = stamp(moment)
        record["status"] = "Linked"
        record["lastSync"] = now
        for error in record.get("dataConnectionErrors") or ():
            if error.get("status") == "Active":
                error["status"] = "Resolved"
                error["resolvedOnUtc"] = now
        event = "connection.reconnected" if previous in ("Deauthorized", "Unlinked") else "connection.connected"
        self._report(event, moment, self.company(company_id), record)
        return record

    def fail_link(self, company_id: str, connection_id: str, message: str) -> dict[str, Any]:
        """A link attempt failed: the status stays, an active error is added."""
        record = self.connection(company_id, connection_id)
        if record["status"] == "Linked":
            raise InvalidTransition("a Linked connection has no link attempt to fail")
        moment = self._moment()
        add_error(record, "403", "Linking failed", message, moment)
        self._report("connection.failed", moment, self.company(company_id), record)
        return record

    def deauthorize(self, company_id: str, connection_id: str, message: str) -> dict[str, Any]:
        """The platform withdrew access: only Linked → Deauthorized, with an active error."""
        record = self.connection(company_id, connection_id)
        if record["status"] != "Linked":
            raise InvalidTransition(f"only a Linked connection can be deauthorized, this one is {record['status']}")
        moment = self._moment()
        record["status"] = "Deauthorized"
        add_error(record, "401", "Unauthorized", message, moment)
        self._report("connection.disconnected", moment, self.company(company_id), record)
        return record

    def unlink(self, company_id: str, connection_id: str) -> dict[str, Any]:
        """Only a Linked connection can be unlinked (Codat's rule); its data is kept."""
        record = self.connection(company_id, connection_id)
        if record["status"] != "Linked":
            raise InvalidTransition(f"Only Linked connections can be unlinked; this one is {record['status']}.")
        record["status"] = "Unlinked"
        self._report("connection.disconnected", self._moment(), self.company(company_id), record)
        return record

    def delete(self, company_id: str, connection_id: str) -> None:
        record = self.connection(company_id, connection_id)
        company = self.company(company_id)
        del company.connections[connection_id]
        company.authorizations.pop(connection_id, None)
        self._report("connection.deleted", self._moment(), company, record)

    def set_authorization(self, company_id: str, connection_id: str, values: dict[str, str]) -> dict[str, Any]:
        record = self.connection(company_id, connection_id)
        self.company(company_id).authorizations[connection_id] = values
        return record

    # -- helpers ---------------------------------------------------------------------------------
    def _report(self, event_type: str, moment: datetime, company: Company, record: dict[str, Any]) -> None:
        def payload() -> dict[str, Any]:
            return {"referenceCompany": company.reference(), "connection": self.render(company.id, record)}

        self._notify(event_type, moment, payload)

    def _moment(self) -> datetime:
        """The fake's clock, but strictly later than every moment before: stamps order as changes did."""
        now = self._clock()
        if now <= self._last:
            now = self._last + timedelta(microseconds=1)
        self._last = now
        return now

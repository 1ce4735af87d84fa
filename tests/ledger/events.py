"""Connection events as Codat sends them, built for the ledger's tests (decoded by ``parse_event``)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from codat_connections.webhooks import ConnectionEvent, WebhookEvent, parse_event

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
"""The tests' first moment; ``at(seconds)`` is that many seconds later."""
COMPANY = "7a4c2f0e-93b1-4d5e-8c6a-1f2e3d4c5b6a"

_EVENT_TYPES = {
    "PendingAuth": "connection.created",
    "Linked": "connection.connected",
    "Deauthorized": "connection.disconnected",
    "Unlinked": "connection.disconnected",
}


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def stamp(moment: datetime) -> str:
    """Codat's generatedDate: milliseconds, Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def connection_body(
    connection_id: str,
    status: str,
    generated: datetime,
    *,
    event_type: str | None = None,
    company_id: str = COMPANY,
    company_name: str = "Acme Ltd",
    active_error: bool = False,
    event_id: str | None = None,
) -> bytes:
    connection: dict[str, Any] = {
        "id": connection_id,
        "integrationId": "bf083d72-62c7-493e-aec9-81b4dbba7e2c",
        "integrationKey": "gbol",
        "sourceId": "8a156a5a-39cb-4f9d-856e-76ef9b9a9607",
        "platformName": "Xero",
        "sourceType": "Accounting",
        "linkUrl": f"https://link-api.codat.io/companies/{company_id}/connections/{connection_id}/start",
        "status": status,
        "created": "2026-01-01T09:00:00Z",
    }
    if active_error:
        connection["dataConnectionErrors"] = [
            {"statusCode": "401", "errorMessage": "token expired", "status": "Active", "erroredOnUtc": stamp(generated)}
        ]
    body = {
        "id": event_id or str(uuid.uuid4()),
        "eventType": event_type or _EVENT_TYPES[status],
        "generatedDate": stamp(generated),
        "payload": {
            "referenceCompany": {"id": company_id, "name": company_name, "description": None, "tags": {}},
            "connection": connection,
        },
    }
    return json.dumps(body).encode()


def connection_event(
    connection_id: str, status: str, generated: datetime, *, message_id: str | None = None, **options: Any
) -> ConnectionEvent:
    """The event ``unwrap`` would return for such a delivery (``message_id`` fresh unless given)."""
    event = parse_event(
        connection_body(connection_id, status, generated, **options), message_id=message_id or f"msg_{uuid.uuid4()}"
    )
    assert isinstance(event, ConnectionEvent)
    return event


def deleted_event(
    connection_id: str, generated: datetime, *, status: str = "Linked", **options: Any
) -> ConnectionEvent:
    return connection_event(connection_id, status, generated, event_type="connection.deleted", **options)


def quota_event(message_id: str) -> WebhookEvent:
    body = {
        "id": str(uuid.uuid4()),
        "eventType": "client.rateLimit.reached",
        "generatedDate": stamp(T0),
        "payload": {"dailyQuota": 12000, "quotaRemaining": 0, "expiryDate": "2026-03-03T00:00:00Z"},
    }
    return parse_event(json.dumps(body), message_id=message_id)

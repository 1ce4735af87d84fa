"""Test-side signing, written from the Standard Webhooks scheme with hmac/hashlib only.

Nothing here calls the code under test (nor ``standardwebhooks``), so a test that verifies what these
helpers sign checks the library against an independent computation of the scheme.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

KEY = bytes(range(1, 33))
"""The raw signing key the tests use; ``SECRET`` is its ``whsec_`` form, as the Codat portal shows it."""
SECRET = "whsec_" + base64.b64encode(KEY).decode()
OTHER_KEY = bytes(range(101, 133))
OTHER_SECRET = "whsec_" + base64.b64encode(OTHER_KEY).decode()
NOW = 1_764_000_000
"""The clock the tests pin ``time.time`` to (2025-11-24)."""
MESSAGE_ID = "msg_2pQyT7bZk9LhA3sVw0cXeFmN4uD"


def signature(key: bytes, message_id: str, timestamp: int | str, body: bytes) -> str:
    """One ``v1,<base64>`` entry: HMAC-SHA256 over ``{id}.{timestamp}.{body}`` with the raw key bytes."""
    signed = message_id.encode() + b"." + str(timestamp).encode() + b"." + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signed_headers(
    body: bytes,
    *,
    key: bytes = KEY,
    message_id: str = MESSAGE_ID,
    timestamp: int | str = NOW,
    family: str = "webhook",
) -> dict[str, str]:
    """The three headers a sender puts on a delivery, in the ``webhook-*`` or ``svix-*`` family."""
    return {
        f"{family}-id": message_id,
        f"{family}-timestamp": str(timestamp),
        f"{family}-signature": signature(key, message_id, timestamp, body),
    }


COMPANY_ID = "7a4c2f0e-93b1-4d5e-8c6a-1f2e3d4c5b6a"
CONNECTION_ID = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"
LINK_URL = f"https://link-api.codat.io/companies/{COMPANY_ID}/connections/{CONNECTION_ID}/start"


def connection_event(event_type: str = "connection.connected", status: str = "Linked", **extra: Any) -> dict[str, Any]:
    """A connection event body shaped like Codat's ``ConnectionWebhook``, with realistic values."""
    connection: dict[str, Any] = {
        "id": CONNECTION_ID,
        "integrationId": "bf083d72-62c7-493e-aec9-81b4dbba7e2c",
        "integrationKey": "gbol",
        "sourceId": "8a156a5a-39cb-4f9d-856e-76ef9b9a9607",
        "platformName": "Xero",
        "linkUrl": LINK_URL,
        "status": status,
        "lastSync": "2025-11-23T10:22:43.6464237Z",
        "created": "2025-11-01T09:53:29Z",
        "sourceType": "Accounting",
    }
    if status == "Deauthorized":
        connection["dataConnectionErrors"] = [
            {
                "statusCode": "401",
                "statusText": "Access withdrawn",
                "errorMessage": "The platform withdrew access to the connection.",
                "erroredOnUtc": "2025-11-24T15:59:00Z",
                "status": "Active",
            }
        ]
    body: dict[str, Any] = {
        "id": "ba29118f-5406-4e59-b05c-ba307ca38d01",
        "eventType": event_type,
        "generatedDate": "2025-11-24T16:00:00.015Z",
        "payload": {
            "referenceCompany": {
                "id": COMPANY_ID,
                "name": "Acme Ltd",
                "description": "customer 4411",
                "links": {"portal": f"https://app.codat.io/companies/{COMPANY_ID}/summary"},
                "tags": {"region": "uk", "uid": "4411"},
            },
            "connection": connection,
        },
    }
    body.update(extra)
    return body


def rate_limit_event(event_type: str = "client.rateLimit.reached", remaining: int = 0) -> dict[str, Any]:
    """A body shaped like Codat's ``ClientRateLimitWebhook``."""
    return {
        "id": "743ec94a-8aa4-44bb-8bd4-e1855ee0e74b",
        "eventType": event_type,
        "generatedDate": "2025-11-24T12:14:14Z",
        "payload": {"dailyQuota": 12000, "quotaRemaining": remaining, "expiryDate": "2025-11-25T00:00:00Z"},
    }


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()

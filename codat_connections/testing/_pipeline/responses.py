"""What the fake answers, and Codat's error body: the values every other part of the fake builds.

Kept apart from the router so that the fault engine, the rate limiter and the loopback server can
answer in Codat's shape without depending on how requests are routed.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

__all__ = ["FakeResponse", "codat_error", "json_response"]


@dataclass
class FakeResponse:
    """What the fake answers: status, headers, body bytes; ``drop`` means close without answering."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0
    """Seconds the answer waits before it is sent (injected ``delay`` plus ``latency``)."""
    drop: bool = False
    truncate: bool = False
    """Send the headers and half the body, then close (a connection reset mid-response)."""


def json_response(payload: Any, status: int = 200) -> FakeResponse:
    """A JSON answer, as Codat sends one."""
    return FakeResponse(status, {"content-type": "application/json"}, json.dumps(payload).encode())


def codat_error(status: int, message: str, headers: dict[str, str] | None = None) -> FakeResponse:
    """Codat's error body (``ErrorMessage`` in openapi/connections.yaml) with a fresh correlation id."""
    body = {
        "statusCode": status,
        "service": "PublicApi",
        "error": message,
        "correlationId": uuid.uuid4().hex,
        "canBeRetried": "Unknown",
        "detailedErrorCode": 0,
    }
    response = json_response(body, status)
    if headers:
        response.headers.update(headers)
    return response

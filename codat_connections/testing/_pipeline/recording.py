"""The fake's log of the requests it saw: what a test asserts on, bounded for long runs.

The Authorization value is never recorded. ``max_length`` keeps only the most recent requests (0
records nothing), so a benchmark or a soak run holds constant memory however many requests it makes.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from typing import Any

from codat_connections.testing._state.platforms import check_whole

__all__ = ["IncomingRequest", "RecordedRequest", "RequestLog"]


@dataclass(frozen=True)
class IncomingRequest:
    """A request as it reaches the fake: method upper-case, path percent-decoded, header names lower-case."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake saw it (the Authorization value is never recorded)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    """The body as JSON when it is JSON, else as text; None when empty."""
    status: int | None
    """The status answered; None when the connection was dropped or the body cut short."""


class RequestLog:
    """Recorded requests, oldest first; at most ``max_length`` of them (None: unbounded)."""

    def __init__(self, max_length: int | None) -> None:
        if max_length is not None:
            check_whole("max_recorded_requests", max_length)
        self._max_length = max_length
        self._entries: deque[RecordedRequest] = deque(maxlen=max_length)

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, request: IncomingRequest, status: int | None) -> None:
        if self._max_length == 0:
            return
        kept = {name: value for name, value in request.headers.items() if name != "authorization"}
        body = _json_or_text(request.body)
        self._entries.append(RecordedRequest(request.method, request.path, request.query, kept, body, status))

    def clear(self) -> None:
        self._entries.clear()

    def snapshot(self) -> list[RecordedRequest]:
        return list(self._entries)

    def matching(self, method: str | None, path: str | None) -> list[RecordedRequest]:
        """The requests with this method (any case) and this path, each when given."""
        method = None if method is None else method.upper()
        return [r for r in self._entries if method in (None, r.method) and path in (None, r.path)]


def _json_or_text(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return body.decode("utf-8", "replace")

"""Codat's Idempotency-Key rule for POST and PATCH, as the fake keeps it.

The same key with the same request within the window replays the first answer (marked with an
``idempotent-replayed: true`` header); the same key with a different request is a 422. Every answer
the API gave is cached, a 5xx included. A 429 never reaches the cache: the rate limiter answers in
front of it, because a request refused for its rate was never processed and retrying it with the
same key must run it (``pipeline.py`` keeps that order). Expired entries are dropped as new ones
arrive, so a long run's memory stays bounded by the window, not by the number of requests.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from codat_connections._constants import IDEMPOTENCY_WINDOW_SECONDS
from codat_connections.testing._pipeline.responses import FakeResponse, codat_error

__all__ = ["IdempotencyCache"]


@dataclass(frozen=True)
class _Entry:
    fingerprint: str
    response: FakeResponse
    stored_at: float


class IdempotencyCache:
    """Answers keyed writes once; ``now`` is the fake's clock in Unix seconds."""

    def __init__(self, window_seconds: float = IDEMPOTENCY_WINDOW_SECONDS) -> None:
        self._window = window_seconds
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def answer(
        self, key: str, method: str, path: str, body: bytes, *, now: float, run: Callable[[], FakeResponse]
    ) -> FakeResponse:
        """The cached answer for ``key`` (422 if the request differs), or ``run()``'s answer, cached."""
        self._expire(now)
        fingerprint = hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()
        cached = self._entries.get(key)
        if cached is not None:
            if cached.fingerprint != fingerprint:
                return codat_error(422, "The Idempotency-Key was already used with a different request.")
            replay = cached.response
            return FakeResponse(replay.status, {**replay.headers, "idempotent-replayed": "true"}, replay.body)
        response = run()
        stored = FakeResponse(response.status, dict(response.headers), response.body)
        self._entries[key] = _Entry(fingerprint, stored, now)
        return response

    def _expire(self, now: float) -> None:
        """Entries are in insertion order, so the expired ones are at the front."""
        while self._entries:
            key, oldest = next(iter(self._entries.items()))
            if now - oldest.stored_at < self._window:
                return
            del self._entries[key]

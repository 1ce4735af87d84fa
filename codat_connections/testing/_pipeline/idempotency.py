"""Codat's Idempotency-Key rule for POST and PATCH, as the fake keeps it.

While the first request with a key is still being answered (from its arrival until its answer is sent,
injected delays and latency included), any other request with that key is a 409, whatever its body.
Once it has been answered, the same request within the window replays the first answer (marked with an
``idempotent-replayed: true`` header) and a different request is a 422. Every answer the API gave is
cached, a 5xx included; a 409 for a key in flight never is (it is no answer to the key's request), nor is
a 429: the rate limiter answers in front of the cache, because a request refused for its rate was never
processed and retrying it with the same key must run it (``pipeline.py`` keeps that order). A client that
gave up waiting leaves its request in flight until the server would have sent the answer, as on a real
server. Expired entries are dropped as new ones arrive, so a long run's memory stays bounded by the
window, not by the number of requests.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from codat_connections._constants import IDEMPOTENCY_WINDOW_SECONDS
from codat_connections.testing._pipeline.responses import FakeResponse, codat_error

__all__ = ["IN_FLIGHT", "IdempotencyCache", "Sent"]

IN_FLIGHT = "A request with this Idempotency-Key is still being answered; retry once it has been, to get its answer."
"""The 409's message."""

Sent = Callable[[float], None]
"""Called (under the fake's lock) with the ``time.monotonic()`` moment the first answer to a key is sent."""


@dataclass
class _Entry:
    fingerprint: str
    response: FakeResponse
    stored_at: float
    """The fake's clock, Unix seconds: the window runs from here."""
    sent_at: float | None = None
    """When the answer is (or, for a client that gave up, would have been) sent; None while it is being held."""

    def in_flight(self) -> bool:
        return self.sent_at is None or time.monotonic() < self.sent_at

    def sent(self, moment: float) -> None:
        self.sent_at = moment


class IdempotencyCache:
    """Answers keyed writes once; ``now`` is the fake's clock in Unix seconds. Not thread-safe on its own."""

    def __init__(self, window_seconds: float = IDEMPOTENCY_WINDOW_SECONDS) -> None:
        self._window = window_seconds
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def answer(
        self, key: str, method: str, path: str, body: bytes, *, now: float, run: Callable[[], FakeResponse]
    ) -> tuple[FakeResponse, Sent | None]:
        """The answer for ``key``: a 409 while its first request is in flight, the cached answer (422 if the
        request differs), or ``run()``'s answer, cached; with it, what to call when a fresh answer is sent."""
        self._expire(now)
        fingerprint = hashlib.sha256(f"{method} {path}\n".encode() + body).hexdigest()
        cached = self._entries.get(key)
        if cached is not None:
            if cached.in_flight():
                return codat_error(409, IN_FLIGHT), None
            if cached.fingerprint != fingerprint:
                return codat_error(422, "The Idempotency-Key was already used with a different request."), None
            replay = cached.response
            return FakeResponse(replay.status, {**replay.headers, "idempotent-replayed": "true"}, replay.body), None
        response = run()
        entry = _Entry(fingerprint, FakeResponse(response.status, dict(response.headers), response.body), now)
        self._entries[key] = entry
        return response, entry.sent

    def _expire(self, now: float) -> None:
        """Entries are in insertion order, so the expired ones are at the front (one in flight stays)."""
        while self._entries:
            key, oldest = next(iter(self._entries.items()))
            if now - oldest.stored_at < self._window or oldest.in_flight():
                return
            del self._entries[key]

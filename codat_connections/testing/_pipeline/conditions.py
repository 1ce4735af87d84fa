"""What a test sets for every request of Codat's API, and what the pipeline keeps from one request to the next.

Faults queued, the rate limits in force, the latency, the Idempotency-Key cache and the request log: the
controls change them (under the fake's lock) and the pipeline reads them. ``reset`` puts back the limits
and latency of the start state and forgets the rest.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from codat_connections.testing._pipeline.faults import FaultQueue
from codat_connections.testing._pipeline.idempotency import IdempotencyCache
from codat_connections.testing._pipeline.rate_limits import RateLimiter, RateLimits
from codat_connections.testing._pipeline.recording import RequestLog
from codat_connections.testing._state.platforms import check_seconds

__all__ = ["Conditions", "Latency"]


@dataclass(frozen=True)
class Latency:
    """How long every answer of Codat's API is held: ``seconds``, plus a random 0 to ``jitter`` more (each at most
    a day)."""

    seconds: float = 0.0
    jitter: float = 0.0

    def __post_init__(self) -> None:
        for name in ("seconds", "jitter"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"{name} must be a number of seconds, got {type(value).__name__}")
            object.__setattr__(self, name, check_seconds(name, value))


class Conditions:
    """The fake's faults, limits, latency, Idempotency-Key cache and request log. Not thread-safe on its own."""

    def __init__(self, max_recorded_requests: int | None) -> None:
        self.faults = FaultQueue()
        self.log = RequestLog(max_recorded_requests)
        self.idempotency = IdempotencyCache()
        self.limiter: RateLimiter | None = None
        self.latency = Latency()
        self._random = random.Random()

    @property
    def limits(self) -> RateLimits | None:
        """The rate limits in force, or None."""
        return None if self.limiter is None else self.limiter.limits

    def enforce(self, limits: RateLimits | None) -> None:
        """Enforce ``limits`` from now on, with fresh counts (None: no limits)."""
        self.limiter = None if limits is None else RateLimiter(limits)

    def hold(self) -> float:
        """Seconds to hold the next answer: the latency, plus its jitter drawn at random."""
        latency = self.latency
        return latency.seconds + (self._random.uniform(0.0, latency.jitter) if latency.jitter else 0.0)

    def reset(self, limits: RateLimits | None, latency: Latency) -> None:
        """Back to these limits and this latency; no faults, no recorded requests, no Idempotency-Keys."""
        self.enforce(limits)
        self.latency = latency
        self.faults.clear()
        self.log.clear()
        self.idempotency = IdempotencyCache()

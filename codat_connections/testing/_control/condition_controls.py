"""The controls that make Codat's API misbehave on purpose: faults, rate limits and latency (``FakeControls``
inherits them). Each checks its arguments (the ``Fault``, ``RateLimits`` and ``Latency`` values check themselves),
sets the pipeline's ``Conditions`` under the fake's lock, and returns what it applied.
"""

from __future__ import annotations

import threading

from codat_connections.testing._pipeline.conditions import Conditions, Latency
from codat_connections.testing._pipeline.faults import Fault
from codat_connections.testing._pipeline.rate_limits import RateLimits

__all__ = ["ConditionControls"]


class ConditionControls:
    """Faults, rate limits and latency, over the pipeline's ``Conditions``."""

    _lock: threading.RLock
    _conditions: Conditions

    # -- faults (each for the next ``times`` requests matching ``method`` and ``path``) ----------------
    def inject(self, fault: Fault) -> Fault:
        """Queue a fault; faults apply in the order injected, each to its next ``times`` matches. Returns ``fault``,
        which keeps saying what was injected (the fake counts the uses itself)."""
        with self._lock:
            return self._conditions.faults.add(fault)

    def fail_with_status(
        self,
        status: int,
        *,
        times: int = 1,
        method: str | None = None,
        path: str | None = None,
        after_processing: bool = False,
        retry_after: str | None = None,
    ) -> Fault:
        """Answer ``status`` with Codat's error body (after applying the request, with ``after_processing``).

        ``retry_after`` adds that ``Retry-After`` header: ``"0"`` makes a client's retries immediate,
        which keeps fault tests fast.
        """
        return self.inject(Fault("status", times, method, path, status, retry_after, after_processing=after_processing))

    def rate_limit(
        self, *, times: int = 1, retry_after: str | None = "1", method: str | None = None, path: str | None = None
    ) -> Fault:
        """Answer 429 with this ``Retry-After`` value (None: no header), whatever the enforced limits."""
        return self.inject(Fault("rate_limit", times, method, path, status=429, retry_after=retry_after))

    def delay(self, seconds: float, *, times: int = 1, method: str | None = None, path: str | None = None) -> Fault:
        """Hold the answer ``seconds`` (on top of ``latency``); a client whose timeout is shorter times out."""
        return self.inject(Fault("delay", times, method, path, seconds=seconds))

    def non_json(
        self, status: int = 502, *, times: int = 1, method: str | None = None, path: str | None = None
    ) -> Fault:
        """Answer ``status`` with an HTML page, as a proxy in front of Codat would."""
        return self.inject(Fault("non_json", times, method, path, status=status))

    def drop_connection(
        self, *, times: int = 1, method: str | None = None, path: str | None = None, after_processing: bool = False
    ) -> Fault:
        """Close the connection without answering (after applying the request, with ``after_processing``)."""
        return self.inject(Fault("drop", times, method, path, after_processing=after_processing))

    def truncate_body(self, *, times: int = 1, method: str | None = None, path: str | None = None) -> Fault:
        """Apply the request, then cut the connection halfway through the response body."""
        return self.inject(Fault("truncate", times, method, path))

    def clear_faults(self) -> None:
        """Forget every fault not yet used up."""
        with self._lock:
            self._conditions.faults.clear()

    # -- limits and latency --------------------------------------------------------------------------
    def enforce_rate_limits(
        self,
        requests: int = 1000,
        per_seconds: float = 60,
        per_company_concurrency: int | None = 10,
        daily_quota: int | None = None,
    ) -> RateLimits:
        """Enforce Codat's limits from now on (off until called; calling again starts fresh counts); returned.

        ``requests`` per ``per_seconds`` in fixed windows, ``per_company_concurrency`` requests in
        flight per company (None: no limit), and optionally a daily quota (resetting at 00:00 UTC,
        with ``client.rateLimit.reached`` / ``.reset`` webhooks). Every answer then carries
        ``X-Rate-Limit-Limit``, ``-Remaining`` and ``-Reset`` (a Unix time); a refused request is a
        429 with ``Retry-After`` in whole seconds until the limit lifts.
        """
        limits = RateLimits(requests, per_seconds, per_company_concurrency, daily_quota)
        with self._lock:
            self._conditions.enforce(limits)
        return limits

    def latency(self, seconds: float, jitter: float = 0.0) -> Latency:
        """Hold every answer ``seconds`` plus a random 0..``jitter`` more, on all transports (0 turns it off).

        Returns the latency applied."""
        latency = Latency(seconds, jitter)
        with self._lock:
            self._conditions.latency = latency
        return latency

"""Codat's rate limits, enforced by the fake when a test asks for them (``FakeCodat.enforce_rate_limits``).

Three limits, checked in this order for each authenticated request:

- a daily quota (optional), counted per UTC day of the fake's clock, reset at 00:00 UTC;
- ``requests`` per ``per_seconds`` in fixed windows aligned to the clock (Codat's 1,000 a minute;
  tests and benchmarks scale the window down to seconds);
- ``per_company_concurrency`` requests in flight for one company, from arrival until the answer is
  sent (latency and injected delays included). A request whose client gave up early (a timeout,
  a cancelled task) stays in flight until the server side would have finished it, as on a real server.

A refused request is not counted. ``headers`` describes the daily quota when there is one, else the
current window: ``X-Rate-Limit-Reset`` is a Unix time in seconds, as Codat sends it.
"""

from __future__ import annotations

import heapq
import math
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from codat_connections.testing._state.platforms import check_seconds, check_whole
from codat_connections.testing._state.records import iso_utc

__all__ = ["SHORTEST_WINDOW", "QuotaEvent", "RateLimiter", "RateLimits", "Refusal"]

SHORTEST_WINDOW = 0.001
"""The shortest rate-limit window, a millisecond: a window of 1e-300 seconds numbered the clock's windows past
any integer; one shorter than a millisecond limits nothing a test can observe."""


@dataclass(frozen=True)
class RateLimits:
    """Codat's rate limits as the fake enforces them (``FakeCodat.enforce_rate_limits`` returns the ones applied).

    ``requests`` per ``per_seconds`` (a millisecond to a day) in fixed windows, at most ``per_company_concurrency``
    requests in flight for one company (None: no limit), and a daily quota reset at 00:00 UTC (None: none).
    """

    requests: int
    per_seconds: float
    per_company_concurrency: int | None
    daily_quota: int | None

    def __post_init__(self) -> None:
        check_whole("requests", self.requests, least=1)
        object.__setattr__(self, "per_seconds", check_seconds("per_seconds", self.per_seconds, least=SHORTEST_WINDOW))
        for name in ("per_company_concurrency", "daily_quota"):
            if getattr(self, name) is not None:
                check_whole(name, getattr(self, name), least=1)


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused with a 429, and how many whole seconds until the limit lifts."""

    message: str
    retry_after: int


@dataclass(frozen=True)
class QuotaEvent:
    """``client.rateLimit.reached`` or ``client.rateLimit.reset``, with what its payload reports."""

    event_type: str
    daily_quota: int
    quota_remaining: int
    expiry: datetime

    def payload(self) -> dict[str, Any]:
        """The webhook's payload, as Codat's ``ClientRateLimitWebhook`` has it."""
        return {
            "dailyQuota": self.daily_quota,
            "quotaRemaining": self.quota_remaining,
            "expiryDate": iso_utc(self.expiry),
        }


class RateLimiter:
    """Counts and refuses requests; not thread-safe on its own (``FakeCodat`` holds its lock)."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._window = -1
        self._window_count = 0
        self._day: date | None = None
        self._day_count = 0
        self._reached_on: date | None = None
        self._in_flight: dict[str, int] = {}
        self._lingering: dict[str, list[float]] = {}
        """Per company, monotonic times at which requests their clients abandoned will have finished."""

    def admit(self, company_id: str | None, now: datetime) -> tuple[Refusal | None, list[QuotaEvent]]:
        """Count the request in, or say why not; plus any quota webhook events this moment causes."""
        events: list[QuotaEvent] = []
        seconds = now.timestamp()
        self._roll(now, seconds, events)
        limits = self.limits
        if limits.daily_quota is not None and self._day_count >= limits.daily_quota:
            reset = _next_midnight(now)
            if self._reached_on != self._day:
                self._reached_on = self._day
                events.append(QuotaEvent("client.rateLimit.reached", limits.daily_quota, 0, reset))
            message = f"The daily quota of {limits.daily_quota} requests is used up; it resets at 00:00 UTC."
            return Refusal(message, _whole_seconds(reset.timestamp() - seconds)), events
        if self._window_count >= limits.requests:
            wait = (self._window + 1) * limits.per_seconds - seconds
            message = f"More than {limits.requests} requests in {limits.per_seconds:g} seconds; please retry later."
            return Refusal(message, _whole_seconds(wait)), events
        if company_id is not None and limits.per_company_concurrency is not None:
            if self._busy(company_id) >= limits.per_company_concurrency:
                message = (
                    f"More than {limits.per_company_concurrency} concurrent requests for company {company_id}; "
                    "please retry when one has finished."
                )
                return Refusal(message, 1), events
            self._in_flight[company_id] = self._in_flight.get(company_id, 0) + 1
        self._window_count += 1
        self._day_count += 1
        return None, events

    def release(self, company_id: str, finished_at: float | None = None) -> None:
        """An admitted request of this company is done now, or (abandoned) at monotonic ``finished_at``."""
        count = self._in_flight.get(company_id, 0)
        if count <= 0:
            return
        if count == 1:
            del self._in_flight[company_id]
        else:
            self._in_flight[company_id] = count - 1
        if finished_at is not None and finished_at > time.monotonic():
            heapq.heappush(self._lingering.setdefault(company_id, []), finished_at)

    def headers(self, now: datetime) -> dict[str, str]:
        """``X-Rate-Limit-*`` for an answer given at ``now``."""
        seconds = now.timestamp()
        limits = self.limits
        if limits.daily_quota is not None:
            used = self._day_count if self._day == now.date() else 0
            limit, remaining = limits.daily_quota, limits.daily_quota - used
            reset = math.ceil(_next_midnight(now).timestamp())
        else:
            window = math.floor(seconds / limits.per_seconds)
            used = self._window_count if window == self._window else 0
            limit, remaining = limits.requests, limits.requests - used
            reset = math.ceil((window + 1) * limits.per_seconds)
        return {
            "x-rate-limit-limit": str(limit),
            "x-rate-limit-remaining": str(max(0, remaining)),
            "x-rate-limit-reset": str(reset),
        }

    def _roll(self, now: datetime, seconds: float, events: list[QuotaEvent]) -> None:
        """Start a new window or day when the clock has moved into one."""
        window = math.floor(seconds / self.limits.per_seconds)
        if window != self._window:
            self._window, self._window_count = window, 0
        today = now.date()
        if today != self._day:
            self._day, self._day_count = today, 0
            quota = self.limits.daily_quota
            if quota is not None and self._reached_on is not None:
                self._reached_on = None
                events.append(QuotaEvent("client.rateLimit.reset", quota, quota, _next_midnight(now)))

    def _busy(self, company_id: str) -> int:
        lingering = self._lingering.get(company_id)
        if lingering:
            now = time.monotonic()
            while lingering and lingering[0] <= now:
                heapq.heappop(lingering)
            if not lingering:
                del self._lingering[company_id]
        return self._in_flight.get(company_id, 0) + len(lingering or ())


def _next_midnight(now: datetime) -> datetime:
    return datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)


def _whole_seconds(seconds: float) -> int:
    """Retry-After in whole seconds, rounded up, at least 1."""
    return max(1, math.ceil(seconds))

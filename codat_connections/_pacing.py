"""Client-wide pacing: the client keeps to Codat's limits instead of discovering them one 429 at a time.

Three rules, shared by a client and every ``with_options`` copy of it (thread-safe):

* **Pause.** A response carrying ``Retry-After`` (a 429, a 503), or ``X-Rate-Limit-Remaining: 0``
  with ``X-Rate-Limit-Reset``, stops new requests from starting until that moment; requests in
  flight finish. A pause longer than the retry policy's wait cap (60 s) is not imposed: the calls
  go out and raise ``RateLimitError`` at once, so nobody blocks for hours on a daily quota.
* **Per company.** At most ``MAX_CONCURRENT_REQUESTS_PER_COMPANY`` (Codat's 10) requests in flight
  for one company id.
* **Pace** (optional). With ``max_requests_per_minute``, request starts are spaced evenly, a little
  (2 %) under the rate, so that clock differences between this process and Codat's counters never
  tip a window over.

Each wait is logged at DEBUG with its reason. On the happy path (no pause, no pace, a free
company) the cost is a dictionary update under a lock.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from codat_connections import _clock
from codat_connections._constants import MAX_CONCURRENT_REQUESTS_PER_COMPANY
from codat_connections._headers import RateLimitInfo, seconds_until

if TYPE_CHECKING:
    import asyncio

__all__ = ["AsyncPacer", "Pacer", "PacerBase", "check_requests_per_minute"]

log = logging.getLogger("codat_connections")

_NEGLIGIBLE = 0.001
"""A pause with less than this left is over (a retry's own wait and the pause end within clock noise)."""
_SLOT_WAIT_SLICE = 0.25
"""A thread waiting for a company's slot wakes this often to notice a sweep that was left."""
PACE_MARGIN = 1.02
"""Spacing is this much wider than ``60 / max_requests_per_minute`` seconds."""


def check_requests_per_minute(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"max_requests_per_minute must be a number greater than 0 (or None), got {value!r}")
    return float(value)


class PacerBase:
    """The pause and the pace: when the next request may start. Shared logic of both kinds of client."""

    def __init__(self, *, max_requests_per_minute: float | None, max_pause: float) -> None:
        self.clock: _clock.Clock = _clock.SYSTEM_CLOCK
        self._lock = threading.Lock()
        self._resume_at = 0.0
        """Monotonic time before which no new request starts (0: no pause)."""
        self._interval = 60.0 / max_requests_per_minute * PACE_MARGIN if max_requests_per_minute else 0.0
        self._next_start = 0.0
        self._max_pause = max_pause
        self.per_company_limit = MAX_CONCURRENT_REQUESTS_PER_COMPANY

    def _reserve_start(self) -> float:
        """Seconds until this request may start; reserves its slot in the pace."""
        now = self.clock.monotonic()
        resume_at = self._resume_at if self._resume_at - now > _NEGLIGIBLE else now
        if not self._interval:
            return resume_at - now
        with self._lock:
            start = max(now, resume_at, self._next_start)
            self._next_start = start + self._interval
        return start - now

    def _waits(self) -> Iterator[float]:
        """Each wait before this request may start: the pace's slot, then again if a pause began meanwhile."""
        wait = self._reserve_start()
        while wait > 0:
            log.debug("waiting %.3f s before the next request (client pause or pace)", wait)
            paused_until = self._resume_at
            yield wait
            # A pause that began meanwhile moves this start: book it again, after the pause and in the pace.
            wait = self._reserve_start() if self._resume_at > paused_until else 0.0

    def observe(self, status_code: int, headers: Mapping[str, str], retry_after: float | None) -> None:
        """Take in a response's ``Retry-After`` (parsed once, by the caller: the retry waits the same number)
        and its ``X-Rate-Limit-*`` headers; pause the client if they say so."""
        if retry_after is not None:  # the server's own instruction for this moment wins over the quota headers
            self._pause(retry_after, f"Retry-After on a {status_code}")
            return
        remaining = headers.get("x-rate-limit-remaining")
        if remaining is not None and remaining.strip() == "0":
            reset = RateLimitInfo.from_headers(headers).reset
            if reset is not None:
                self._pause(seconds_until(reset), "X-Rate-Limit-Remaining is 0 until X-Rate-Limit-Reset")

    def _pause(self, seconds: float | None, reason: str) -> None:
        if seconds is None or seconds <= 0:
            return
        if seconds > self._max_pause:
            log.debug("not pausing the client for %.1f s (%s): longer than %.0f s", seconds, reason, self._max_pause)
            return
        with self._lock:
            until = self.clock.monotonic() + seconds
            if until > self._resume_at:
                self._resume_at = until
                # The pace starts again from the end of the pause; every start booked before it books again.
                self._next_start = until
                log.debug("pausing new requests for %.2f s: %s", seconds, reason)


class Pacer(PacerBase):
    """The pacer of ``CodatConnections``: waits block the calling thread."""

    def __init__(self, *, max_requests_per_minute: float | None, max_pause: float) -> None:
        super().__init__(max_requests_per_minute=max_requests_per_minute, max_pause=max_pause)
        self._company_free = threading.Condition(self._lock)
        self._in_flight: dict[str, int] = {}
        self._waiting = 0

    def start(self, company_id: str | None) -> None:
        """Block until a request for ``company_id`` may start; pair with ``finish``.

        Inside a sweep that was left, raises ``Stopped`` instead of starting anything.
        """
        _clock.raise_if_stopped()
        if company_id is not None:
            self._take_company_slot(company_id)
        try:
            for wait in self._waits():
                self.clock.sleep(wait)
        except BaseException:
            self.finish(company_id)
            raise

    def finish(self, company_id: str | None) -> None:
        if company_id is None:
            return
        with self._lock:
            count = self._in_flight[company_id] - 1
            if count:
                self._in_flight[company_id] = count
            else:
                del self._in_flight[company_id]
            if self._waiting:
                self._company_free.notify_all()

    def _take_company_slot(self, company_id: str) -> None:
        with self._lock:
            count = self._in_flight.get(company_id, 0)
            if count >= self.per_company_limit:
                log.debug("waiting: %d requests already in flight for company %s", count, company_id)
                self._waiting += 1
                try:
                    while (count := self._in_flight.get(company_id, 0)) >= self.per_company_limit:
                        _clock.raise_if_stopped()  # a left sweep's worker stops waiting within a slice
                        self._company_free.wait(_SLOT_WAIT_SLICE)
                finally:
                    self._waiting -= 1
            self._in_flight[company_id] = count + 1


class AsyncPacer(PacerBase):
    """The pacer of ``AsyncCodatConnections``: waits suspend the task, never the event loop."""

    def __init__(self, *, max_requests_per_minute: float | None, max_pause: float) -> None:
        super().__init__(max_requests_per_minute=max_requests_per_minute, max_pause=max_pause)
        self._gates: dict[str, tuple[asyncio.Semaphore, list[int]]] = {}

    async def start(self, company_id: str | None) -> None:
        """Wait until a request for ``company_id`` may start; pair with ``finish``."""
        if company_id is not None:
            await self._take_company_slot(company_id)
        try:
            for wait in self._waits():
                await self.clock.async_sleep(wait)
        except BaseException:
            self.finish(company_id)
            raise

    async def _take_company_slot(self, company_id: str) -> None:
        gate = self._gates.get(company_id)
        if gate is None:
            import asyncio  # the caller is a coroutine: asyncio is loaded

            gate = self._gates[company_id] = (asyncio.Semaphore(self.per_company_limit), [0])
        semaphore, users = gate
        users[0] += 1
        if semaphore.locked():
            log.debug("waiting: %d requests already in flight for company %s", self.per_company_limit, company_id)
        try:
            await semaphore.acquire()
        except BaseException:
            self._drop_user(company_id)
            raise

    def finish(self, company_id: str | None) -> None:
        if company_id is None:
            return
        self._gates[company_id][0].release()
        self._drop_user(company_id)

    def _drop_user(self, company_id: str) -> None:
        users = self._gates[company_id][1]
        users[0] -= 1
        if not users[0]:
            del self._gates[company_id]

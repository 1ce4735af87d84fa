"""Webhook delivery as Codat (through Svix) does it: at least once, retried, in no promised order.

Each message goes to every endpoint that subscribes to its type. An attempt fails on a non-2xx
answer, an exception, or no answer within ``timeout``; a failed attempt is retried after the next
wait of ``retry_schedule`` (Codat's schedule runs from seconds to ten hours; the fake's default is
the same number of attempts compressed to milliseconds), and the message is given up once the
schedule is spent. Every attempt carries the message's one ``webhook-id``.

URL endpoints are served by one background thread that exists only while there is something to
deliver. Callable endpoints are served in the thread whose action produced the message, after the
fake's lock is released (``deliver_inline``), retries included, so a unit test sees the outcome as
soon as the action returns. ``flush`` waits until every message is delivered or given up.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from standardwebhooks import Webhook

from codat_connections.testing._state.platforms import check_seconds, check_whole
from codat_connections.testing._webhooks.messages import (
    WebhookDelivery,
    WebhookEndpoint,
    WebhookMessage,
    new_message,
    signed_headers,
)

__all__ = ["DEFAULT_RETRY_SCHEDULE", "DEFAULT_TIMEOUT", "WebhookHub", "WebhookSettings"]

DEFAULT_RETRY_SCHEDULE = (0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064)
"""Waits before each retry: Codat's eight attempts (seconds to hours apart), compressed to milliseconds."""
DEFAULT_TIMEOUT = 2.0
"""Seconds a receiver has to answer an attempt (Codat allows 15)."""


@dataclass
class _Job:
    """One message on its way to one endpoint."""

    endpoint: WebhookEndpoint
    message: WebhookMessage
    attempt: int = 1
    """The number of the next attempt."""
    duplicates: int = 0
    """Extra deliveries still owed after a successful one (``duplicate_webhooks``)."""


@dataclass(frozen=True)
class WebhookSettings:
    """How webhooks are delivered: the seconds a receiver has to answer an attempt, and the waits before each
    retry (as many retries as waits)."""

    timeout: float = DEFAULT_TIMEOUT
    retry_schedule: Sequence[float] = DEFAULT_RETRY_SCHEDULE
    """Kept as a tuple."""

    def __post_init__(self) -> None:
        schedule = self.retry_schedule
        object.__setattr__(self, "timeout", check_seconds("timeout", self.timeout, positive=True))
        if isinstance(schedule, str | bytes):  # a sequence, but of characters: "123" is no schedule
            raise ValueError(f"retry_schedule must be a sequence of seconds, got {schedule!r}")
        waits = tuple(check_seconds("each wait of retry_schedule", wait) for wait in schedule)
        object.__setattr__(self, "retry_schedule", waits)


class WebhookHub:
    """Endpoints, the queue of messages to deliver, and the record of every attempt. Thread-safe."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._endpoints: list[WebhookEndpoint] = []
        self._signers: dict[str, Webhook] = {}
        self._settings = WebhookSettings()
        self._deliveries: list[WebhookDelivery] = []
        self._due: list[tuple[float, int, _Job]] = []
        self._inline: deque[_Job] = deque()
        self._held: list[_Job] | None = None
        self._duplicate_next = 0
        self._outstanding = 0
        self._order = itertools.count()
        self._worker: threading.Thread | None = None
        self._local = threading.local()

    # -- configuration -------------------------------------------------------------------------------
    def add(self, endpoint: WebhookEndpoint) -> None:
        with self._cond:
            self._endpoints.append(endpoint)
            self._signers[endpoint.id] = Webhook(endpoint.secret)

    def remove(self, endpoint: WebhookEndpoint) -> None:
        """No new message goes to ``endpoint``; messages already queued for it are still delivered."""
        with self._cond:
            self._endpoints = [e for e in self._endpoints if e.id != endpoint.id]

    @property
    def endpoints(self) -> list[WebhookEndpoint]:
        with self._cond:
            return list(self._endpoints)

    def reset(self, endpoints: Sequence[WebhookEndpoint]) -> None:
        """Back to these endpoints with nothing queued, held or recorded (messages in flight still finish).

        Each went through ``add`` (a checkpoint records only those), so its signer is still there.
        """
        with self._cond:
            self._endpoints = list(endpoints)
            self._deliveries.clear()
            dropped = len(self._due) + len(self._inline) + len(self._held or ())
            self._held = None
            self._duplicate_next = 0
            self._due.clear()
            self._inline.clear()
            self._outstanding -= dropped
            self._cond.notify_all()

    @property
    def settings(self) -> WebhookSettings:
        """The receiver timeout and the retry schedule in force."""
        with self._cond:
            return self._settings

    @settings.setter
    def settings(self, settings: WebhookSettings) -> None:
        with self._cond:
            self._settings = settings

    def wants(self, event_type: str) -> bool:
        """True when some endpoint subscribes to ``event_type`` (building a body is skipped otherwise)."""
        return any(endpoint.wants(event_type) for endpoint in self._endpoints)

    def notify(self, event_type: str, moment: datetime, payload: Callable[[], dict[str, Any]]) -> None:
        """Publish the event, stamped ``moment``, if some endpoint wants it (only then is ``payload`` built)."""
        if self.wants(event_type):
            self.publish(new_message(event_type, moment, payload()))

    # -- faults --------------------------------------------------------------------------------------
    def duplicate_next(self, times: int) -> None:
        check_whole("times", times, least=1)  # 1.5 would be duplicated for ever
        with self._cond:
            self._duplicate_next += times

    def hold_for_reorder(self) -> None:
        with self._cond:
            if self._held is None:
                self._held = []

    # -- delivery ------------------------------------------------------------------------------------
    def publish(self, message: WebhookMessage) -> None:
        """Queue ``message`` for every endpoint that wants it (callables wait for ``deliver_inline``)."""
        with self._cond:
            endpoints = [endpoint for endpoint in self._endpoints if endpoint.wants(message.event_type)]
            if not endpoints:
                return
            duplicates = 0
            if self._duplicate_next:
                self._duplicate_next -= 1
                duplicates = 1
            for endpoint in endpoints:
                self._outstanding += 1
                self._enqueue(_Job(endpoint, message, duplicates=duplicates))

    def deliver_inline(self) -> None:
        """Deliver queued messages to callable endpoints in this thread; re-entrant calls return at once."""
        if getattr(self._local, "active", False):
            return
        self._local.active = True
        try:
            while True:
                with self._cond:
                    if not self._inline:
                        return
                    job = self._inline.popleft()
                while (wait := self._settle(job, *self._attempt(job, None))) is not None:
                    time.sleep(wait)
        finally:
            self._local.active = False

    def flush(self, timeout: float) -> None:
        """Release held messages (newest first), then wait until every message is delivered or given up."""
        timeout = check_seconds("timeout", timeout, positive=True)
        with self._cond:
            held, self._held = self._held, None
            for job in reversed(held or ()):
                self._enqueue(job)
        self.deliver_inline()
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._outstanding:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"{self._outstanding} webhook deliveries still under way after {timeout:g} s")
                self._cond.wait(remaining)

    @property
    def deliveries(self) -> list[WebhookDelivery]:
        with self._cond:
            return list(self._deliveries)

    # -- internals -----------------------------------------------------------------------------------
    def _enqueue(self, job: _Job) -> None:
        """Under the lock: hold, hand to a caller's thread (callables), or schedule for the worker."""
        if self._held is not None:
            self._held.append(job)
        elif callable(job.endpoint.target):
            self._inline.append(job)
        else:
            heapq.heappush(self._due, (time.monotonic(), next(self._order), job))
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="fake-codat-webhooks", daemon=True)
                self._worker.start()
            self._cond.notify_all()

    def _attempt(self, job: _Job, client: httpx.Client | None) -> tuple[int | None, str | None]:
        """Send one attempt; the receiver's status, or None and what went wrong."""
        with self._cond:
            signer, timeout = self._signers[job.endpoint.id], self._settings.timeout
        headers = signed_headers(signer, job.message)
        target = job.endpoint.target
        if isinstance(target, str):
            assert client is not None
            try:
                return client.post(target, content=job.message.body, headers=headers, timeout=timeout).status_code, None
            except httpx.TimeoutException:
                return None, f"no answer within {timeout:g} s"
            except httpx.HTTPError as exc:
                return None, f"{type(exc).__name__}: {exc}"
        started = time.monotonic()
        try:
            status = target(job.message.body, headers)
        except Exception as exc:
            return None, f"the receiver raised {type(exc).__name__}: {exc}"
        if time.monotonic() - started > timeout:
            return None, f"no answer within {timeout:g} s"
        if not isinstance(status, int) or isinstance(status, bool):
            return None, f"the receiver returned {type(status).__name__}, not an HTTP status"
        return status, None

    def _settle(self, job: _Job, status: int | None, error: str | None) -> float | None:
        """Record an attempt; the wait before the next one, or None when the job is finished."""
        with self._cond:
            delivery = WebhookDelivery(job.endpoint, job.message.id, job.message.event_type, job.attempt, status, error)
            self._deliveries.append(delivery)
            job.attempt += 1
            if delivery.succeeded:
                if job.duplicates:
                    job.duplicates -= 1
                    return 0.0
            elif job.attempt - 1 <= len(schedule := self._settings.retry_schedule):
                return schedule[job.attempt - 2]
            self._outstanding -= 1
            self._cond.notify_all()
            return None

    def _work(self) -> None:
        """The background thread for URL endpoints; it ends when nothing is due."""
        with httpx.Client(trust_env=False, follow_redirects=False) as client:
            while True:
                with self._cond:
                    while True:
                        if not self._due:
                            self._worker = None
                            return
                        when, _, job = self._due[0]
                        wait = when - time.monotonic()
                        if wait <= 0:
                            heapq.heappop(self._due)
                            break
                        self._cond.wait(wait)
                try:
                    outcome = self._attempt(job, client)
                except Exception as exc:  # a bug must not stop every later delivery
                    outcome = (None, f"the fake failed to send: {type(exc).__name__}: {exc}")
                wait_next = self._settle(job, *outcome)
                if wait_next is not None:
                    with self._cond:
                        heapq.heappush(self._due, (time.monotonic() + wait_next, next(self._order), job))

"""FakeCodat: a stateful, in-memory stand-in for Codat's connections API, and the controls a test uses.

It answers the six operations as ``openapi/connections.yaml`` describes them, keeps companies and
connections between calls, lets a test play the end user and the platform (``complete_link``,
``fail_link``, ``deauthorize``), inject faults, enforce Codat's rate limits, add latency, and receive
signed webhooks. This class only composes the parts: ``_store`` (state and lifecycle rules),
``_router`` (operations), ``_pipeline`` (the order of checks), ``_faults``, ``_idempotency``,
``_rate_limits``, ``_recording``, ``_webhooks`` and ``_delivery``; ``_transport`` and ``_server``
carry requests to it. Thread-safe: every method may be called from any thread.
"""

from __future__ import annotations

import base64
import math
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from typing import Any

import httpx

from codat_connections.testing._delivery import DEFAULT_RETRY_SCHEDULE, DEFAULT_TIMEOUT, WebhookHub
from codat_connections.testing._faults import Fault, FaultQueue
from codat_connections.testing._pipeline import Exchange, Pipeline
from codat_connections.testing._rate_limits import QuotaEvent, RateLimiter, RateLimits
from codat_connections.testing._recording import RecordedRequest, RequestLog
from codat_connections.testing._responses import FakeResponse
from codat_connections.testing._server import serve
from codat_connections.testing._store import Company, Store, check_count, check_status, iso_utc, platform_for
from codat_connections.testing._transport import async_transport, sync_transport
from codat_connections.testing._webhooks import (
    WebhookCallable,
    WebhookDelivery,
    WebhookEndpoint,
    new_endpoint,
    new_message,
)

__all__ = ["FakeCodat"]


class FakeCodat:
    """In-memory Codat connections API. Thread-safe; every method may be called from tests.

    ``api_key`` is the key clients must send (as ``Basic <base64>``); ``clock`` returns "now" (UTC)
    for timestamps, the idempotency window and rate-limit windows. ``max_recorded_requests`` bounds
    ``requests`` to the most recent N (0: record nothing), for long runs; None keeps every request.
    """

    def __init__(
        self,
        api_key: str = "fake-codat-api-key",
        *,
        clock: Callable[[], datetime] | None = None,
        max_recorded_requests: int | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._clock: Callable[[], datetime] = clock or (lambda: datetime.now(UTC))
        self._store = Store(self._clock, self._on_connection_change)
        self._faults = FaultQueue()
        self._log = RequestLog(max_recorded_requests)
        self._webhooks = WebhookHub()
        self._pipeline = Pipeline(
            lock=self._lock,
            clock=self._clock,
            expected_auth="Basic " + base64.b64encode(api_key.encode()).decode(),
            store=self._store,
            faults=self._faults,
            log=self._log,
            on_quota_event=self._on_quota_event,
            after_unlock=self._webhooks.deliver_inline,
        )

    def __repr__(self) -> str:
        return f"FakeCodat(companies={len(self._store)}, requests={len(self._log)})"

    # -- three ways to reach it ----------------------------------------------------------------------
    def transport(self) -> httpx.MockTransport:
        """An httpx transport answering from this fake: ``httpx.Client(transport=fake.transport())``."""
        return sync_transport(self._open)

    def async_transport(self) -> httpx.MockTransport:
        """The same for ``httpx.AsyncClient``; waits use ``asyncio.sleep`` and never block the loop."""
        return async_transport(self._open)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> AbstractContextManager[str]:
        """``with fake.serve() as base_url:`` a real HTTP server on loopback, in a thread."""
        return serve(self._open, host, port)

    # -- companies and connections -------------------------------------------------------------------
    def add_company(
        self,
        name: str = "Fake company",
        *,
        company_id: str | None = None,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> str:
        """Create a company (Codat's API for companies is out of scope) and return its id."""
        with self._lock:
            return self._store.add_company(name, company_id, description, tags)

    def add_companies(
        self, n: int, *, connections_each: int = 0, platform_key: str = "gbol", status: str = "Linked"
    ) -> list[str]:
        """Set up a fleet: ``n`` companies with ``connections_each`` connections each; their ids, in order."""
        check_count("n", n)
        check_count("connections_each", connections_each)
        platform = platform_for(platform_key)
        check_status(status)
        with self._lock:
            ids = [self._store.add_company(f"Company {i + 1}", None, None, None) for i in range(n)]
            if connections_each:
                for company_id in ids:
                    self._store.seed(company_id, connections_each, platform, status)
            return ids

    def seed_connections(
        self, company_id: str, count: int, *, platform_key: str = "gbol", status: str = "Linked"
    ) -> list[str]:
        """Add ``count`` connections directly (no requests, no webhooks), for paging tests and benchmarks."""
        check_count("count", count)
        platform = platform_for(platform_key)
        check_status(status)
        with self._lock:
            return self._store.seed(company_id, count, platform, status)

    def connections_of(self, company_id: str) -> list[dict[str, Any]]:
        """Copies of every stored connection of the company, in creation order."""
        with self._lock:
            return [dict(record) for record in self._store.company(company_id).connections.values()]

    # -- the end user and the platform ---------------------------------------------------------------
    def complete_link(self, company_id: str, connection_id: str) -> None:
        """The end user finished linking: PendingAuth, Deauthorized or Unlinked → Linked.

        Webhook ``connection.connected`` (``connection.reconnected`` from Deauthorized or Unlinked).
        ``ValueError`` if it is already Linked.
        """
        with self._changing():
            self._store.complete_link(company_id, connection_id)

    def fail_link(self, company_id: str, connection_id: str, message: str = "The user cancelled linking") -> None:
        """A link attempt failed: the status stays, an active ``dataConnectionErrors`` entry is added.

        Webhook ``connection.failed``. ``ValueError`` if the connection is Linked.
        """
        with self._changing():
            self._store.fail_link(company_id, connection_id, message)

    def deauthorize(self, company_id: str, connection_id: str, message: str = "Access was revoked") -> None:
        """The platform withdrew access: Linked → Deauthorized, with an active ``dataConnectionErrors`` entry.

        Webhook ``connection.disconnected``. ``ValueError`` unless the connection is Linked.
        """
        with self._changing():
            self._store.deauthorize(company_id, connection_id, message)

    # -- faults --------------------------------------------------------------------------------------
    def inject(self, fault: Fault) -> Fault:
        """Queue a fault; faults apply in the order injected, each to its next ``times`` matches."""
        with self._lock:
            return self._faults.add(fault)

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
        fault = Fault("status", times, method, path, status=status, after_processing=after_processing)
        fault.retry_after = retry_after
        return self.inject(fault)

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
            self._faults.clear()

    # -- fleet controls ------------------------------------------------------------------------------
    def enforce_rate_limits(
        self,
        requests: int = 1000,
        per_seconds: float = 60,
        per_company_concurrency: int | None = 10,
        daily_quota: int | None = None,
    ) -> None:
        """Enforce Codat's limits from now on (off until called; calling again starts fresh counts).

        ``requests`` per ``per_seconds`` in fixed windows, ``per_company_concurrency`` requests in
        flight per company (None: no limit), and optionally a daily quota (resetting at 00:00 UTC,
        with ``client.rateLimit.reached`` / ``.reset`` webhooks). Every answer then carries
        ``X-Rate-Limit-Limit``, ``-Remaining`` and ``-Reset`` (a Unix time); a refused request is a
        429 with ``Retry-After`` in whole seconds until the limit lifts.
        """
        limits = RateLimits(requests, per_seconds, per_company_concurrency, daily_quota)
        with self._lock:
            self._pipeline.limiter = RateLimiter(limits)

    def latency(self, seconds: float, jitter: float = 0.0) -> None:
        """Hold every answer ``seconds`` plus a random 0..``jitter`` more, on all transports (0 turns it off)."""
        for name, value in (("seconds", seconds), ("jitter", jitter)):
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number of seconds, 0 or more, got {value!r}")
        with self._lock:
            self._pipeline.latency, self._pipeline.jitter = float(seconds), float(jitter)

    # -- webhooks ------------------------------------------------------------------------------------
    def add_webhook_endpoint(
        self,
        target: str | WebhookCallable,
        *,
        secret: str | None = None,
        event_types: Iterable[str] | None = None,
    ) -> WebhookEndpoint:
        """Deliver signed webhooks to ``target``: a loopback URL, or a callable ``(body, headers) -> status``.

        URLs are delivered over HTTP from a background thread; callables in the thread of the action
        that caused the event, retries included, so the outcome is there when the action returns.
        ``secret`` defaults to a fresh ``whsec_...``; ``event_types`` (default: all) filters.
        """
        endpoint = new_endpoint(target, secret, event_types)
        self._webhooks.add(endpoint)
        return endpoint

    def remove_webhook_endpoint(self, endpoint: WebhookEndpoint) -> None:
        """Stop sending new messages to ``endpoint`` (those already queued are still delivered)."""
        self._webhooks.remove(endpoint)

    def configure_webhooks(
        self, *, timeout: float = DEFAULT_TIMEOUT, retry_schedule: Sequence[float] = DEFAULT_RETRY_SCHEDULE
    ) -> None:
        """Seconds a receiver has to answer, and the waits before each retry (its length: the retries)."""
        self._webhooks.configure(timeout, retry_schedule)

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every delivery attempt so far, in the order made (a copy)."""
        return self._webhooks.deliveries

    def duplicate_webhooks(self, times: int = 1) -> None:
        """Deliver each of the next ``times`` messages twice (same ``webhook-id``), as at-least-once allows."""
        self._webhooks.duplicate_next(times)

    def reorder_webhooks(self) -> None:
        """Hold new messages until ``flush_webhooks``, which delivers them newest first (no order is promised)."""
        self._webhooks.hold_for_reorder()

    def flush_webhooks(self, timeout: float = 5.0) -> None:
        """Deliver held messages and wait until every message is delivered or given up; else ``TimeoutError``."""
        self._webhooks.flush(timeout)

    # -- what the server saw -------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        """The recorded requests, oldest first (a copy; see ``max_recorded_requests``)."""
        with self._lock:
            return self._log.snapshot()

    def requests_to(self, method: str, path: str | None = None) -> list[RecordedRequest]:
        """The recorded requests with this method (and path, when given)."""
        method = method.upper()
        return [r for r in self.requests if r.method == method and (path is None or r.path == path)]

    # -- the API -------------------------------------------------------------------------------------
    def handle(
        self, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], body: bytes
    ) -> FakeResponse:
        """Answer one HTTP request, for adapters of your own; ``path`` is percent-decoded.

        Header names are case-insensitive. The answer's ``delay`` is the wait the adapter should
        make before sending it; the request stops counting as in flight when this returns.
        """
        exchange = self._open(method, path, query, headers, body)
        exchange.finish()
        return exchange.response

    def _open(
        self, method: str, path: str, query: Mapping[str, str], headers: Mapping[str, str], body: bytes
    ) -> Exchange:
        """For the transports and the server: the answer, held in flight until ``finish``."""
        return self._pipeline.open(method, path, query, headers, body)

    # -- internals -----------------------------------------------------------------------------------
    @contextmanager
    def _changing(self) -> Iterator[None]:
        """A change under the lock; webhooks to callables are delivered once it is released."""
        with self._lock:
            yield
        self._webhooks.deliver_inline()

    def _on_connection_change(self, event_type: str, company: Company, connection: dict[str, Any]) -> None:
        if self._webhooks.wants(event_type):
            payload = {"referenceCompany": company.reference(), "connection": connection}
            self._webhooks.publish(new_message(event_type, self._clock(), payload))

    def _on_quota_event(self, event: QuotaEvent) -> None:
        if self._webhooks.wants(event.event_type):
            payload = {
                "dailyQuota": event.daily_quota,
                "quotaRemaining": event.quota_remaining,
                "expiryDate": iso_utc(event.expiry),
            }
            self._webhooks.publish(new_message(event.event_type, self._clock(), payload))

"""The controls of ``FakeCodat``, in one place: the Python methods a test calls and the HTTP control API
(``_control_api``) both call these, so no rule is written twice.

This class composes the parts: ``_store`` (state and lifecycle rules), ``_pipeline`` (the order of
checks), ``_faults``, ``_rate_limits``, ``_recording``, ``_webhooks`` and ``_delivery``. Thread-safe:
every method may be called from any thread.
"""

from __future__ import annotations

import base64
import math
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from codat_connections import _validation
from codat_connections._constants import MAX_PAGE_SIZE
from codat_connections.testing._delivery import WebhookHub
from codat_connections.testing._fault_controls import FaultControls
from codat_connections.testing._faults import FaultQueue
from codat_connections.testing._pipeline import ControlHandler, Pipeline
from codat_connections.testing._platforms import check_count, check_status, platform_for
from codat_connections.testing._rate_limits import QuotaEvent, RateLimiter, RateLimits
from codat_connections.testing._recording import RecordedRequest, RequestLog
from codat_connections.testing._store import Company, Store, iso_utc
from codat_connections.testing._webhook_controls import WebhookControls
from codat_connections.testing._webhooks import WebhookEndpoint, new_message

__all__ = ["FakeControls", "check_url"]


def check_url(value: object, name: str) -> str:
    """An ``http(s)://host...`` URL, or ``ValueError`` naming ``name``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{name} must be an http(s)://host/... URL, got {value!r}")
    return value


def _utc(clock: Callable[[], datetime]) -> Callable[[], datetime]:
    """The clock with its answers in UTC (a naive time taken as UTC), so every stamp's ``Z`` is true."""

    def now() -> datetime:
        moment = clock()
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)

    return now


@dataclass(frozen=True)
class _Start:
    """What ``reset`` returns to (``checkpoint`` records it)."""

    companies: dict[str, Company]
    limits: RateLimits | None
    latency: tuple[float, float]
    endpoints: tuple[WebhookEndpoint, ...]
    webhook_settings: tuple[float, tuple[float, ...]]  # receiver timeout, retry schedule
    link_redirect: str | None


class FakeControls(FaultControls, WebhookControls):
    """The fake's state and every control a test uses (``FakeCodat`` adds the ways to reach it)."""

    def __init__(
        self,
        api_key: str = "fake-codat-api-key",
        *,
        clock: Callable[[], datetime] | None = None,
        max_recorded_requests: int | None = None,
        max_page_size: int | None = None,
        link_base_url: str | None = None,
        link_redirect: str | None = None,
    ) -> None:
        if max_page_size is not None and (
            isinstance(max_page_size, bool)
            or not isinstance(max_page_size, int)
            or not 1 <= max_page_size <= MAX_PAGE_SIZE
        ):
            raise ValueError(
                f"max_page_size must be None or a whole number from 1 to {MAX_PAGE_SIZE}, got {max_page_size!r}"
            )
        self._lock = threading.RLock()
        self._clock = _utc(clock or (lambda: datetime.now(UTC)))
        self._store = Store(self._clock, self._on_change)
        self._store.link_base = None if link_base_url is None else check_url(link_base_url, "link_base_url").rstrip("/")
        self._link_redirect = None if link_redirect is None else check_url(link_redirect, "link_redirect")
        self._faults = FaultQueue()
        self._log = RequestLog(max_recorded_requests)
        self._webhooks = WebhookHub()
        self.client_id = str(uuid.uuid4())
        """This fake's client id (Codat's ``clientId``, a redirect parameter of the Link page)."""
        self._pipeline = Pipeline(
            lock=self._lock,
            clock=self._clock,
            expected_auth="Basic " + base64.b64encode(api_key.encode()).decode(),
            store=self._store,
            faults=self._faults,
            log=self._log,
            max_page_size=max_page_size or MAX_PAGE_SIZE,
            on_quota_event=self._on_quota_event,
            after_unlock=self._webhooks.deliver_inline,
            control=self._control_handler(),
        )
        self._start = self._capture()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(companies={len(self._store)}, requests={len(self._log)})"

    def _control_handler(self) -> ControlHandler:
        """What answers ``/_fake/`` paths: ``FakeCodat``'s control API and Link page (a hook, as those import
        this module; ``FakeCodat`` is the only class built, so the pipeline always has one)."""
        raise NotImplementedError("FakeCodat serves the control API")

    # -- companies and connections -------------------------------------------------------------------
    def add_company(
        self,
        name: str = "Fake company",
        *,
        company_id: str | None = None,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> str:
        """Create a company directly (no request, no webhook) and return its id; Codat's name and tag rules apply
        (the name is stored as Codat stores it: ``Company (Codat[1])`` as ``Company Codat1``)."""
        name = _validation.company_name(name)
        checked_tags = None if tags is None else _validation.tags(tags)
        if company_id is not None:
            _validation.identifier(company_id, "company_id")
        if description is not None and not isinstance(description, str):
            raise TypeError(f"description must be a str, got {type(description).__name__}")
        with self._lock:
            return self._store.add_company(name, company_id, description, checked_tags)

    def add_companies(
        self,
        n: int,
        *,
        connections_each: int = 0,
        platform_key: str = "gbol",
        status: str = "Linked",
        deauthorized_share: float = 0.0,
    ) -> list[str]:
        """Set up a fleet: ``n`` companies with ``connections_each`` connections each; their ids, in order.

        ``deauthorized_share`` (0 to 1) of the connections, spread evenly over the fleet, are
        ``Deauthorized`` instead (with an active error), as a morning's sweep finds them.
        """
        check_count("n", n)
        check_count("connections_each", connections_each)
        platform = platform_for(platform_key)
        check_status(status)
        if isinstance(deauthorized_share, bool) or not isinstance(deauthorized_share, int | float):
            raise TypeError(f"deauthorized_share must be a number, got {type(deauthorized_share).__name__}")
        if not 0 <= deauthorized_share <= 1:
            raise ValueError(f"deauthorized_share must be from 0 to 1, got {deauthorized_share!r}")
        with self._lock:
            ids = [self._store.add_company(f"Company {i + 1}", None, None, None) for i in range(n)]
            index = 0
            for company_id in ids:
                for _ in range(connections_each):
                    lost = math.floor((index + 1) * deauthorized_share) > math.floor(index * deauthorized_share)
                    self._store.seed(company_id, 1, platform, "Deauthorized" if lost else status)
                    index += 1
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
        """Copies of every stored connection of the company, in creation order, as the API returns them."""
        with self._lock:
            records = self._store.company(company_id).connections.values()
            return [dict(self._store.render(company_id, record)) for record in records]

    # -- the end user and the platform ---------------------------------------------------------------
    def complete_link(self, company_id: str, connection_id: str) -> None:
        """The end user finished linking: PendingAuth, Deauthorized or Unlinked → Linked.

        Webhook ``connection.connected`` (``connection.reconnected`` from Deauthorized or Unlinked).
        ``InvalidTransition`` (a ValueError) if it is already Linked; ``ConnectionNotFound`` if there is none.
        """
        with self._changing():
            self._store.complete_link(company_id, connection_id)

    def fail_link(self, company_id: str, connection_id: str, message: str = "The user cancelled linking") -> None:
        """A link attempt failed: the status stays, an active ``dataConnectionErrors`` entry is added.

        Webhook ``connection.failed``. ``InvalidTransition`` if the connection is Linked.
        """
        with self._changing():
            self._store.fail_link(company_id, connection_id, message)

    def deauthorize(self, company_id: str, connection_id: str, message: str = "Access was revoked") -> None:
        """The platform withdrew access: Linked → Deauthorized, with an active ``dataConnectionErrors`` entry.

        Webhook ``connection.disconnected``. ``InvalidTransition`` unless the connection is Linked.
        """
        with self._changing():
            self._store.deauthorize(company_id, connection_id, message)

    def _describe(self, company_id: str, connection_id: str) -> tuple[str, dict[str, Any]]:
        """The company's name and a copy of the connection as the API returns it (for the Link page)."""
        with self._lock:
            company = self._store.company(company_id)
            return company.name, dict(self._store.render(company_id, self._store.connection(company_id, connection_id)))

    @property
    def link_redirect(self) -> str | None:
        """Where the Link page sends the browser after Authorize or Deny (a template), or None."""
        return self._link_redirect

    def set_link_redirect(self, template: str | None) -> None:
        """The Link page's redirect URL template, with Codat's reserved parameters in braces (None: none)."""
        checked = None if template is None else check_url(template, "the link redirect")
        with self._lock:
            self._link_redirect = checked

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
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise TypeError(f"{name} must be a number of seconds, got {type(value).__name__}")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"{name} must be a finite number of seconds, 0 or more, got {value!r}")
        with self._lock:
            self._pipeline.latency, self._pipeline.jitter = float(seconds), float(jitter)

    # -- what the server saw -------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        """The recorded requests, oldest first (a copy; see ``max_recorded_requests``)."""
        with self._lock:
            return self._log.snapshot()

    def requests_to(self, method: str, path: str | None = None) -> list[RecordedRequest]:
        """The recorded requests with this method (and path, when given)."""
        return self._requests_matching(method, path)

    def _requests_matching(self, method: str | None, path: str | None) -> list[RecordedRequest]:
        """``requests_to``, its method optional too (for the control API's ``GET /_fake/requests``)."""
        method = None if method is None else method.upper()
        return [r for r in self.requests if (method is None or r.method == method) and (path is None or r.path == path)]

    # -- start state ---------------------------------------------------------------------------------
    def checkpoint(self) -> None:
        """Make the present state what ``reset`` returns to: companies, limits, latency, webhook endpoints and
        settings, redirect."""
        with self._lock:
            self._start = self._capture()

    def reset(self) -> None:
        """Back to the start state (as constructed, or at the last ``checkpoint``).

        Companies and connections, rate limits, latency, webhook endpoints and settings and the Link
        redirect are restored; faults, the request log, the Idempotency-Key cache and webhook deliveries are cleared.
        """
        with self._lock:
            start = self._start
            self._store.restore(start.companies)
            self._pipeline.limiter = None if start.limits is None else RateLimiter(start.limits)
            self._pipeline.latency, self._pipeline.jitter = start.latency
            self._pipeline.forget_idempotency_keys()
            self._faults.clear()
            self._log.clear()
            self._link_redirect = start.link_redirect
            self._webhooks.reset(start.endpoints)
            self._webhooks.configure(*start.webhook_settings)

    def _capture(self) -> _Start:
        limiter = self._pipeline.limiter
        return _Start(
            self._store.snapshot(),
            None if limiter is None else limiter.limits,
            (self._pipeline.latency, self._pipeline.jitter),
            tuple(self._webhooks.endpoints),
            self._webhooks.settings,
            self._link_redirect,
        )

    # -- internals -----------------------------------------------------------------------------------
    @contextmanager
    def _changing(self) -> Iterator[None]:
        """A change under the lock; webhooks to callables are delivered once it is released."""
        with self._lock:
            yield
        self._webhooks.deliver_inline()

    def _on_change(self, event_type: str, moment: datetime, payload: Callable[[], dict[str, Any]]) -> None:
        """Publish the event, stamped with the moment of the change it reports (never before it)."""
        if self._webhooks.wants(event_type):
            self._webhooks.publish(new_message(event_type, moment, payload()))

    def _on_quota_event(self, event: QuotaEvent) -> None:
        if self._webhooks.wants(event.event_type):
            payload = {
                "dailyQuota": event.daily_quota,
                "quotaRemaining": event.quota_remaining,
                "expiryDate": iso_utc(event.expiry),
            }
            self._webhooks.publish(new_message(event.event_type, self._clock(), payload))

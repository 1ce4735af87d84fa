"""Every control of ``FakeCodat`` in one class: what a test calls to set up state, play the end user and the
platform, inject faults, set limits and latency, route webhooks, and read what happened.

The HTTP control API (``handlers``) calls these same methods, so no rule is written twice. Each control checks
its arguments, asks the part that owns the rule (``_state.store``, ``_pipeline.conditions``,
``_webhooks.delivery``) under the fake's lock, and returns what it applied. Thread-safe.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from codat_connections import _validation
from codat_connections.testing._control.condition_controls import ConditionControls
from codat_connections.testing._control.start import StartState
from codat_connections.testing._pipeline.conditions import Conditions
from codat_connections.testing._pipeline.rate_limits import QuotaEvent
from codat_connections.testing._pipeline.recording import RecordedRequest
from codat_connections.testing._state.fleet import build_connections, build_fleet, moments_needed, spaced
from codat_connections.testing._state.platforms import (
    check_connections,
    check_fleet,
    check_share,
    check_status,
    check_url,
    check_whole,
    platform_for,
)
from codat_connections.testing._state.records import utc_clock
from codat_connections.testing._state.store import NotFound, Store
from codat_connections.testing._webhooks.delivery import (
    DEFAULT_RETRY_SCHEDULE,
    DEFAULT_TIMEOUT,
    WebhookHub,
    WebhookSettings,
)
from codat_connections.testing._webhooks.messages import WebhookCallable, WebhookDelivery, WebhookEndpoint, new_endpoint

__all__ = ["FakeControls"]


class FakeControls(ConditionControls):
    """The fake's state and every control a test uses (``FakeCodat`` builds the request pipeline on it and adds
    the ways to reach it)."""

    def __init__(
        self,
        *,
        clock: Callable[[], datetime] | None,
        max_recorded_requests: int | None,
        link_base_url: str | None,
        link_redirect: str | None,
        allow_remote_webhooks: bool,
    ) -> None:
        if not isinstance(allow_remote_webhooks, bool):
            raise TypeError(f"allow_remote_webhooks must be True or False, got {allow_remote_webhooks!r}")
        self._remote_webhooks = allow_remote_webhooks
        self._lock = threading.RLock()
        self._clock = utc_clock(clock or (lambda: datetime.now(UTC)))
        self._webhooks = WebhookHub()
        self._store = Store(self._clock, self._webhooks.notify)
        self._store.link_base = None if link_base_url is None else check_url(link_base_url, "link_base_url").rstrip("/")
        self._link_redirect = None if link_redirect is None else check_url(link_redirect, "link_redirect")
        self._conditions = Conditions(max_recorded_requests)
        self.client_id = str(uuid.uuid4())
        """This fake's client id (Codat's ``clientId``, a redirect parameter of the Link page)."""
        self._start = StartState.capture(self._store, self._conditions, self._webhooks, self._link_redirect)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(companies={len(self._store)}, requests={len(self._conditions.log)})"

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
        (the name stored as Codat stores it: ``Company (Codat[1])`` as ``Company Codat1``)."""
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
        check_whole("n", n)
        check_whole("connections_each", connections_each)
        check_fleet(n, connections_each)
        platform = platform_for(platform_key)
        check_status(status)
        check_share("deauthorized_share", deauthorized_share)
        with self._lock:  # only to reserve the stamps: the build takes no lock, so no request waits for it
            first = self._store.reserve(moments_needed(n, connections_each))
        moments = spaced(first, moments_needed(n, connections_each))
        fleet = build_fleet(
            n, connections_each, platform, status=status, deauthorized_share=deauthorized_share, moments=moments
        )
        with self._lock:
            return self._store.add_built(fleet)

    def seed_connections(
        self, company_id: str, count: int, *, platform_key: str = "gbol", status: str = "Linked"
    ) -> list[str]:
        """Add ``count`` connections directly (no requests, no webhooks), for paging tests and benchmarks."""
        check_whole("count", count)
        check_connections("count", count)
        platform = platform_for(platform_key)
        check_status(status)
        with self._lock:
            self._store.company(company_id)  # NotFound before building
            first = self._store.reserve(moments_needed(1, count))
        records = build_connections(
            company_id, iter([status] * count), platform, spaced(first, moments_needed(1, count))
        )
        with self._lock:
            return self._store.add_connections(company_id, records)

    def company(self, company_id: str) -> dict[str, Any]:
        """A copy of the company as ``GET /companies/{companyId}`` returns it; ``NotFound`` if there is none."""
        with self._lock:
            return self._store.company_copy(company_id)

    def connection(self, company_id: str, connection_id: str) -> dict[str, Any]:
        """A copy of the connection as the API returns it; ``NotFound`` if there is none."""
        with self._lock:
            return self._store.copy_of(company_id, self._store.connection(company_id, connection_id))

    def connections_of(self, company_id: str) -> list[dict[str, Any]]:
        """Copies of every stored connection of the company, in creation order, as the API returns them."""
        with self._lock:
            return [self._store.copy_of(company_id, r) for r in self._store.company(company_id).connections.values()]

    # -- the end user and the platform ---------------------------------------------------------------
    def pick_platform(self, company_id: str, platform_key: str) -> dict[str, Any]:
        """The end user picked a platform on the company's Link page: a new ``PendingAuth`` connection, as
        ``POST .../connections`` makes (webhook ``connection.created``); the connection."""
        platform = platform_for(platform_key)
        with self._changing():
            return self._store.copy_of(company_id, self._store.create(company_id, platform))

    def complete_link(self, company_id: str, connection_id: str) -> dict[str, Any]:
        """The end user finished linking: PendingAuth, Deauthorized or Unlinked → Linked; the connection now.

        Webhook ``connection.connected`` (``connection.reconnected`` from Deauthorized or Unlinked).
        ``InvalidTransition`` (a ValueError) if it is already Linked; ``NotFound`` if there is none.
        """
        with self._changing():
            return self._store.copy_of(company_id, self._store.complete_link(company_id, connection_id))

    def fail_link(
        self, company_id: str, connection_id: str, message: str = "The user cancelled linking"
    ) -> dict[str, Any]:
        """A link attempt failed: the status stays, an active ``dataConnectionErrors`` entry is added; the connection
        now. Webhook ``connection.failed``. ``InvalidTransition`` if the connection is Linked.
        """
        with self._changing():
            return self._store.copy_of(company_id, self._store.fail_link(company_id, connection_id, message))

    def deauthorize(self, company_id: str, connection_id: str, message: str = "Access was revoked") -> dict[str, Any]:
        """The platform withdrew access: Linked → Deauthorized, with an active ``dataConnectionErrors`` entry; the
        connection now. Webhook ``connection.disconnected``. ``InvalidTransition`` unless the connection is Linked.
        """
        with self._changing():
            return self._store.copy_of(company_id, self._store.deauthorize(company_id, connection_id, message))

    @property
    def link_redirect(self) -> str | None:
        """Where the Link page sends the browser after Authorize or Deny (a template), or None."""
        return self._link_redirect

    def set_link_redirect(self, template: str | None) -> str | None:
        """The Link page's redirect URL template, with Codat's reserved parameters in braces (None: none); returned."""
        checked = None if template is None else check_url(template, "the link redirect")
        with self._lock:
            self._link_redirect = checked
        return checked

    # -- webhooks (at least once, retried, in no promised order) -------------------------------------
    def add_webhook_endpoint(
        self, target: str | WebhookCallable, *, secret: str | None = None, event_types: Iterable[str] | None = None
    ) -> WebhookEndpoint:
        """Deliver signed webhooks to ``target``: a loopback URL (any URL with ``allow_remote_webhooks=True``), or a
        callable ``(body, headers) -> status``.

        URLs are delivered over HTTP from a background thread; callables in the thread of the action
        that caused the event, retries included, so the outcome is there when the action returns.
        ``secret`` defaults to a fresh ``whsec_...``; ``event_types`` (default: all) filters.
        """
        endpoint = new_endpoint(target, secret, event_types, remote=self._remote_webhooks)
        self._webhooks.add(endpoint)
        return endpoint

    def remove_webhook_endpoint(self, endpoint: WebhookEndpoint) -> None:
        """Stop sending new messages to ``endpoint`` (those already queued are still delivered)."""
        self._webhooks.remove(endpoint)

    def webhook_endpoint(self, endpoint_id: str) -> WebhookEndpoint:
        """The endpoint messages go to now with this ``id``; ``NotFound`` if there is none."""
        for endpoint in self._webhooks.endpoints:
            if endpoint.id == endpoint_id:
                return endpoint
        raise NotFound(f"No webhook endpoint with id {endpoint_id}")

    @property
    def webhook_endpoints(self) -> list[WebhookEndpoint]:
        """The endpoints messages go to now, in the order added (a copy)."""
        return self._webhooks.endpoints

    def configure_webhooks(
        self, *, timeout: float = DEFAULT_TIMEOUT, retry_schedule: Sequence[float] = DEFAULT_RETRY_SCHEDULE
    ) -> WebhookSettings:
        """Seconds a receiver has to answer, and the waits before each retry (its length: the retries); returned."""
        settings = WebhookSettings(timeout, retry_schedule)
        self._webhooks.settings = settings
        return settings

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

    def flush_webhooks(self, timeout: float = 5.0) -> list[WebhookDelivery]:
        """Deliver held messages and wait until every message is delivered or given up, else ``TimeoutError``;
        then every delivery attempt so far (``webhook_deliveries``)."""
        self._webhooks.flush(timeout)
        return self._webhooks.deliveries

    # -- what the server saw -------------------------------------------------------------------------
    @property
    def requests(self) -> list[RecordedRequest]:
        """The recorded requests, oldest first (a copy; see ``max_recorded_requests``)."""
        with self._lock:
            return self._conditions.log.snapshot()

    def requests_to(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """The recorded requests with this method (and path), each when given."""
        with self._lock:
            return self._conditions.log.matching(method, path)

    # -- start state ---------------------------------------------------------------------------------
    def checkpoint(self) -> None:
        """Make the present state what ``reset`` returns to: companies, limits, latency, webhook endpoints and
        settings, redirect."""
        with self._lock:
            self._start = StartState.capture(self._store, self._conditions, self._webhooks, self._link_redirect)

    def reset(self) -> None:
        """Back to the start state (as constructed, or at the last ``checkpoint``).

        Companies and connections, rate limits, latency, webhook endpoints and settings and the Link
        redirect are restored; faults, the request log, the Idempotency-Key cache and webhook deliveries are cleared.
        """
        with self._lock:
            self._link_redirect = self._start.restore(self._store, self._conditions, self._webhooks)

    # -- internals -----------------------------------------------------------------------------------
    @contextmanager
    def _changing(self) -> Iterator[None]:
        """A change under the lock; webhooks to callables are delivered once it is released."""
        with self._lock:
            yield
        self._webhooks.deliver_inline()

    def _on_quota_event(self, event: QuotaEvent) -> None:
        self._webhooks.notify(event.event_type, self._clock(), event.payload)

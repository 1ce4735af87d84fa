"""The webhook controls of ``FakeCodat``: endpoints, delivery settings, and the faults of delivery."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from codat_connections.testing._webhooks.delivery import DEFAULT_RETRY_SCHEDULE, DEFAULT_TIMEOUT, WebhookHub
from codat_connections.testing._webhooks.messages import WebhookCallable, WebhookDelivery, WebhookEndpoint, new_endpoint

__all__ = ["WebhookControls"]


class WebhookControls:
    """Where webhooks go and how they are delivered (at least once, retried, in no promised order)."""

    _webhooks: WebhookHub

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

    @property
    def webhook_endpoints(self) -> list[WebhookEndpoint]:
        """The endpoints messages go to now, in the order added (a copy)."""
        return self._webhooks.endpoints

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

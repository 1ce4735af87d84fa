"""The start state ``FakeCodat.reset`` returns to: taken when the fake is made and at each ``checkpoint``.

It holds what a test set up (companies and connections, rate limits, latency, webhook endpoints and their
settings, the Link redirect), each part from the part that owns it; what happened since (faults, the request
log, the Idempotency-Key cache, webhook deliveries) is not kept, and a reset clears it.
"""

from __future__ import annotations

from dataclasses import dataclass

from codat_connections.testing._pipeline.conditions import Conditions, Latency
from codat_connections.testing._pipeline.rate_limits import RateLimits
from codat_connections.testing._state.records import Company
from codat_connections.testing._state.store import Store
from codat_connections.testing._webhooks.delivery import WebhookHub, WebhookSettings
from codat_connections.testing._webhooks.messages import WebhookEndpoint

__all__ = ["StartState"]


@dataclass(frozen=True)
class StartState:
    """What ``reset`` returns to. Taken and restored under the fake's lock."""

    companies: dict[str, Company]
    limits: RateLimits | None
    latency: Latency
    endpoints: tuple[WebhookEndpoint, ...]
    webhook_settings: WebhookSettings
    link_redirect: str | None

    @classmethod
    def capture(
        cls, store: Store, conditions: Conditions, webhooks: WebhookHub, link_redirect: str | None
    ) -> StartState:
        return cls(
            store.snapshot(),
            conditions.limits,
            conditions.latency,
            tuple(webhooks.endpoints),
            webhooks.settings,
            link_redirect,
        )

    def restore(self, store: Store, conditions: Conditions, webhooks: WebhookHub) -> str | None:
        """Put every part back as it was; the Link redirect to restore is returned (the controls keep it)."""
        store.restore(self.companies)
        conditions.reset(self.limits, self.latency)
        webhooks.reset(self.endpoints)
        webhooks.settings = self.webhook_settings
        return self.link_redirect

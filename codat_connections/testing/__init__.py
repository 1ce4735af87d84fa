"""An embedded fake of Codat's companies and connections API, for your tests and for trying the client.

    from codat_connections import CodatConnections
    from codat_connections.testing import FakeCodat

    fake = FakeCodat(api_key="test-key")
    company_id = fake.add_company("Acme Ltd")
    client = CodatConnections(api_key="test-key", http_client=httpx.Client(transport=fake.transport()))

Or over real sockets: ``with fake.serve() as base_url: ...``; or from a shell, for any language:
``codat-fake --port 8765`` (``python -m codat_connections.testing``), with every control as an HTTP
route under ``/_fake/`` and a hosted Link page. pytest fixtures: ``codat_connections.testing.pytest_plugin``.

Public names:

- ``FakeCodat``: the fake itself, its transports, its server and every control a test uses.
- ``FakeResponse``: what ``FakeCodat.handle`` answers, for adapters of your own.
- ``CannotListen``: ``FakeCodat.serve`` could not listen (a port in use, an address not this machine's; an
  ``OSError``).
- ``InvalidTransition``: a control refused because the connection's status does not allow it (a ValueError),
  e.g. ``deauthorize`` on a ``PendingAuth`` connection.
- ``NotFound``: a control named a company, connection or webhook endpoint the fake does not have (a ValueError;
  a 404 over HTTP). ``ConnectionNotFound`` is the same class under its earlier name, so ``except`` clauses written
  for it keep working.
- ``Fault``: an injected failure, as ``FakeCodat.inject`` takes and the fault helpers return.
- ``RateLimits``, ``Latency``, ``WebhookSettings``: what ``enforce_rate_limits``, ``latency`` and
  ``configure_webhooks`` applied (each control returns it).
- ``RecordedRequest``: one request in ``FakeCodat.requests``.
- ``Platform`` and ``PLATFORMS``: the platforms the fake knows, by four-letter key.
- ``WebhookEndpoint``: where webhooks go (a loopback URL or a callable) and its signing secret.
- ``WebhookDelivery``: one delivery attempt in ``FakeCodat.webhook_deliveries``.
- ``WEBHOOK_EVENT_TYPES``: every event type the fake sends.
- ``set_testing`` and ``is_testing``: testing mode, in which no client waits (retries still happen).
"""

from codat_connections.testing._pipeline.conditions import Latency
from codat_connections.testing._pipeline.faults import Fault
from codat_connections.testing._pipeline.rate_limits import RateLimits
from codat_connections.testing._pipeline.recording import RecordedRequest
from codat_connections.testing._pipeline.responses import FakeResponse
from codat_connections.testing._state.platforms import PLATFORMS, Platform
from codat_connections.testing._state.store import InvalidTransition, NotFound
from codat_connections.testing._state.store import NotFound as ConnectionNotFound
from codat_connections.testing._testing_mode import is_testing, set_testing
from codat_connections.testing._ways_in.fake import FakeCodat
from codat_connections.testing._ways_in.listener import CannotListen
from codat_connections.testing._webhooks.delivery import WebhookSettings
from codat_connections.testing._webhooks.messages import WEBHOOK_EVENT_TYPES, WebhookDelivery, WebhookEndpoint

__all__ = [
    "PLATFORMS",
    "WEBHOOK_EVENT_TYPES",
    "CannotListen",
    "ConnectionNotFound",
    "FakeCodat",
    "FakeResponse",
    "Fault",
    "InvalidTransition",
    "Latency",
    "NotFound",
    "Platform",
    "RateLimits",
    "RecordedRequest",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookSettings",
    "is_testing",
    "set_testing",
]

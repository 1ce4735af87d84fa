"""Every route the fake answers, in one table: (method, path template) to the function that answers it.

Codat's API first: each ``Route`` names its operation in ``_operations/`` (what the route checks, asks the
store and answers). Then the control API under ``/_fake/``: each ``ControlRoute`` names its handler in
``_control/handlers.py`` (which calls the public control a Python test calls), the status of a successful
answer, the schemas of its body and of its answer (``_control/schemas.py``), and whether it needs the key;
the OpenAPI document at ``/_fake/openapi.json`` is made from these rows. Adding a route is one row here and
its function there. A path template names each id ``{name}``; a method a known path does not take is a 405
whose ``Allow`` names the methods it does.
"""

from __future__ import annotations

from codat_connections.testing._control import handlers as control
from codat_connections.testing._control.api import ControlRoute
from codat_connections.testing._operations import companies, connections
from codat_connections.testing._pipeline.routing import Route, Router

__all__ = ["CODAT_ROUTER", "CODAT_ROUTES", "CONTROL_ROUTER", "CONTROL_ROUTES", "ROUTES"]

_FAKE = "/_fake"
_HOOKS = "/_fake/webhooks"
_FAKE_CONNECTIONS = "/_fake/companies/{companyId}/connections"
_FAKE_CONNECTION = "/_fake/companies/{companyId}/connections/{connectionId}"
_LINK_PAGE = "/_fake/link/companies/{companyId}/connections/{connectionId}/start"
_COMPANY_LINK_PAGE = "/_fake/link/companies/{companyId}/start"

ROUTES: tuple[Route | ControlRoute, ...] = (
    # -- Codat's API: the functions of _operations/ ---------------------------------------------------------
    Route("GET", "/companies", companies.list_companies),
    Route("POST", "/companies", companies.create_company),
    Route("GET", "/companies/{companyId}", companies.get_company),
    Route("PATCH", "/companies/{companyId}", companies.update_company),
    Route("PUT", "/companies/{companyId}", companies.replace_company),
    Route("DELETE", "/companies/{companyId}", companies.delete_company),
    Route("GET", "/companies/{companyId}/accessToken", companies.get_company_access_token),
    Route("GET", "/companies/{companyId}/connections", connections.list_connections),
    Route("POST", "/companies/{companyId}/connections", connections.create_connection),
    Route("GET", "/companies/{companyId}/connections/{connectionId}", connections.get_connection),
    Route("DELETE", "/companies/{companyId}/connections/{connectionId}", connections.delete_connection),
    Route("PATCH", "/companies/{companyId}/connections/{connectionId}", connections.unlink_connection),
    Route("PUT", "/companies/{companyId}/connections/{connectionId}/authorization", connections.update_authorization),
    # -- the control API: the handlers of _control/handlers.py (status, request schema, response schema) -----
    ControlRoute("GET", _FAKE + "/openapi.json", control.get_document, 200, None, "Document", auth=False),
    ControlRoute("GET", _LINK_PAGE, control.show_link_page, 200, None, "Html", auth=False),
    ControlRoute("POST", _LINK_PAGE, control.submit_link_page, 303, "LinkChoice", None, auth=False),
    ControlRoute("GET", _COMPANY_LINK_PAGE, control.show_company_link_page, 200, None, "Html", auth=False),
    ControlRoute("POST", _COMPANY_LINK_PAGE, control.submit_company_link_page, 303, "PlatformChoice", None, auth=False),
    ControlRoute("POST", _FAKE + "/inbox", control.receive_webhook, 204, "Any", None, auth=False),
    ControlRoute("GET", _FAKE + "/inbox", control.list_inbox, 200, None, "Inbox"),
    ControlRoute("DELETE", _FAKE + "/inbox", control.clear_inbox, 204),
    ControlRoute("POST", _FAKE + "/companies", control.add_company, 201, "NewCompany", "CompanyId"),
    ControlRoute("POST", _FAKE + "/fleet", control.add_fleet, 201, "NewFleet", "CompanyIds"),
    ControlRoute("POST", _FAKE_CONNECTIONS, control.seed_connections, 201, "NewConnections", "ConnectionIds"),
    ControlRoute("GET", _FAKE_CONNECTIONS, control.list_connections, 200, None, "Connections"),
    ControlRoute("POST", _FAKE_CONNECTION + "/complete-link", control.complete_link, 200, None, "Connection"),
    ControlRoute("POST", _FAKE_CONNECTION + "/fail-link", control.fail_link, 200, "Message", "Connection"),
    ControlRoute("POST", _FAKE_CONNECTION + "/deauthorize", control.deauthorize, 200, "Message", "Connection"),
    ControlRoute("POST", _FAKE + "/faults", control.add_fault, 201, "Fault", "Fault"),
    ControlRoute("DELETE", _FAKE + "/faults", control.clear_faults, 204),
    ControlRoute("PUT", _FAKE + "/rate-limits", control.enforce_rate_limits, 200, "RateLimits", "RateLimits"),
    ControlRoute("PUT", _FAKE + "/latency", control.set_latency, 200, "Latency", "Latency"),
    ControlRoute("PUT", _FAKE + "/link-redirect", control.set_link_redirect, 200, "LinkRedirect", "LinkRedirect"),
    ControlRoute("POST", _HOOKS + "/endpoints", control.add_webhook_endpoint, 201, "NewEndpoint", "WebhookEndpoint"),
    ControlRoute("GET", _HOOKS + "/endpoints", control.list_webhook_endpoints, 200, None, "WebhookEndpoints"),
    ControlRoute("DELETE", _HOOKS + "/endpoints/{endpointId}", control.remove_webhook_endpoint, 204),
    ControlRoute("PUT", _HOOKS + "/settings", control.configure_webhooks, 200, "WebhookSettings", "WebhookSettings"),
    ControlRoute("POST", _HOOKS + "/flush", control.flush_webhooks, 200, "Flush", "Deliveries"),
    ControlRoute("GET", _HOOKS + "/deliveries", control.list_webhook_deliveries, 200, None, "Deliveries"),
    ControlRoute("POST", _HOOKS + "/duplicate", control.duplicate_webhooks, 204, "Times"),
    ControlRoute("POST", _HOOKS + "/reorder", control.reorder_webhooks, 204),
    ControlRoute("GET", _FAKE + "/requests", control.list_requests, 200, None, "Requests", query=("method", "path")),
    ControlRoute("POST", _FAKE + "/checkpoint", control.checkpoint, 204),
    ControlRoute("POST", _FAKE + "/reset", control.reset, 204),
)
"""Every route: Codat's API (``Route``) and the control API (``ControlRoute``), each (method, path) once."""

CODAT_ROUTES = tuple(route for route in ROUTES if isinstance(route, Route))
"""The rows of Codat's API, which the request pipeline routes."""
CONTROL_ROUTES = tuple(route for route in ROUTES if isinstance(route, ControlRoute))
"""The rows of the control API, which the control API routes and its document describes."""
CODAT_ROUTER = Router(CODAT_ROUTES)
CONTROL_ROUTER = Router(CONTROL_ROUTES)
"""The tables compiled once, for every fake."""

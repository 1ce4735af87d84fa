"""The handlers of the HTTP control API: each reads its JSON body and calls the same ``FakeControls`` method a
Python test calls (no rule written twice). ``_control_api`` routes to them by operation id."""

from __future__ import annotations

import inspect
import re
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from codat_connections.testing._control.controls import FakeControls
from codat_connections.testing._control.document import SCHEMAS
from codat_connections.testing._control.fault_controls import FaultControls
from codat_connections.testing._pipeline.faults import Fault, FaultKind
from codat_connections.testing._pipeline.recording import IncomingRequest
from codat_connections.testing._pipeline.responses import FakeResponse, json_response
from codat_connections.testing._state.store import ConnectionNotFound
from codat_connections.testing._webhooks.messages import WebhookDelivery, WebhookEndpoint

__all__ = ["HANDLERS", "Context", "handles", "no_content"]


@dataclass(frozen=True)
class Context:
    """What a handler works on: the fake, the control API's inbox, and the request."""

    fake: FakeControls
    inbox: deque[dict[str, Any]]
    request: IncomingRequest


Handler = Callable[[Context, dict[str, str], dict[str, Any]], FakeResponse]
HANDLERS: dict[str, Handler] = {}
"""Operation id to handler."""


def handles(operation_id: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[operation_id] = handler
        return handler

    return register


def no_content() -> FakeResponse:
    return FakeResponse(204)


def _snake_case(name: str) -> str:
    """A body's field as the control's argument name: ``retryAfter`` is ``retry_after``."""
    return re.sub(r"[A-Z]", lambda upper: "_" + upper[0].lower(), name)


def _camel_case(name: str) -> str:
    """A control's argument name as the body's field: ``retry_after`` is ``retryAfter``."""
    first, *rest = name.split("_")
    return first + "".join(part.title() for part in rest)


def _keywords(body: dict[str, Any], *skip: str) -> dict[str, Any]:
    """The body's fields but ``skip``, as the control's keyword arguments: only those given, so the control's
    own defaults apply to the rest, and a field the control does not take is its ``TypeError`` (a 400)."""
    return {_snake_case(name): value for name, value in body.items() if name not in skip}


def _fields(applied: Any) -> dict[str, Any]:
    """A dataclass the control applied, as the body's fields: the answer echoes the state, not the request."""
    return {_camel_case(name): value for name, value in asdict(applied).items()}


def _endpoint(endpoint: WebhookEndpoint) -> dict[str, Any]:
    types = None if endpoint.event_types is None else sorted(endpoint.event_types)
    return {"id": endpoint.id, "url": str(endpoint.target), "secret": endpoint.secret, "eventTypes": types}


def _delivery(delivery: WebhookDelivery) -> dict[str, Any]:
    return {
        "endpointId": delivery.endpoint.id,
        "messageId": delivery.message_id,
        "eventType": delivery.event_type,
        "attempt": delivery.attempt,
        "status": delivery.status,
        "error": delivery.error,
        "succeeded": delivery.succeeded,
    }


def _connection(ctx: Context, ids: dict[str, str]) -> FakeResponse:
    _, record = ctx.fake._describe(ids["companyId"], ids["connectionId"])
    return json_response(record)


# -- companies, connections and the lifecycle ------------------------------------------------------------
@handles("addCompany")
def _add_company(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    return json_response({"id": ctx.fake.add_company(**_keywords(body))}, 201)


@handles("addFleet")
def _add_fleet(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    company_ids = ctx.fake.add_companies(body["companies"], **_keywords(body, "companies"))
    return json_response({"companyIds": company_ids}, 201)


@handles("seedConnections")
def _seed(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    connection_ids = ctx.fake.seed_connections(ids["companyId"], **_keywords(body))
    return json_response({"connectionIds": connection_ids}, 201)


@handles("listConnections")
def _list_connections(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    return json_response({"connections": ctx.fake.connections_of(ids["companyId"])})


@handles("completeLink")
def _complete_link(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    ctx.fake.complete_link(ids["companyId"], ids["connectionId"])
    return _connection(ctx, ids)


@handles("failLink")
def _fail_link(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    ctx.fake.fail_link(ids["companyId"], ids["connectionId"], **_keywords(body))
    return _connection(ctx, ids)


@handles("deauthorize")
def _deauthorize(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    ctx.fake.deauthorize(ids["companyId"], ids["connectionId"], **_keywords(body))
    return _connection(ctx, ids)


# -- faults, limits, latency, the redirect ---------------------------------------------------------------
_FAULT_CONTROLS: dict[FaultKind, Callable[..., Fault]] = {
    "status": FaultControls.fail_with_status,
    "rate_limit": FaultControls.rate_limit,
    "delay": FaultControls.delay,
    "non_json": FaultControls.non_json,
    "drop": FaultControls.drop_connection,
    "truncate": FaultControls.truncate_body,
}
"""The Python control each fault kind goes through, with its defaults, its checks and its arguments."""


@handles("addFault")
def _add_fault(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    kind = body["kind"]
    kinds = SCHEMAS["Fault"]["properties"]["kind"]["enum"]
    if kind not in kinds:
        raise ValueError(f"kind must be one of {kinds}, got {kind!r}")
    control = _FAULT_CONTROLS[kind]
    taken = {_camel_case(name) for name in inspect.signature(control).parameters if name != "self"}
    if others := sorted(set(body) - taken - {"kind"}):
        raise ValueError(f"a {kind} fault takes no {', '.join(others)} (its fields: kind, {', '.join(sorted(taken))})")
    with ctx.fake._lock:  # echoed before a request can use it up
        return json_response(_fields(control(ctx.fake, **_keywords(body, "kind"))), 201)


@handles("clearFaults")
def _clear_faults(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    ctx.fake.clear_faults()
    return no_content()


@handles("enforceRateLimits")
def _rate_limits(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    with ctx.fake._lock:  # the limits this call applied, not a later call's
        ctx.fake.enforce_rate_limits(**_keywords(body))
        limiter = ctx.fake._pipeline.limiter
        assert limiter is not None, "enforce_rate_limits sets a limiter"
        return json_response(_fields(limiter.limits))


@handles("setLatency")
def _latency(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    with ctx.fake._lock:  # the latency this call applied, not a later call's
        ctx.fake.latency(**_keywords(body))
        return json_response({"seconds": ctx.fake._pipeline.latency, "jitter": ctx.fake._pipeline.jitter})


@handles("setLinkRedirect")
def _link_redirect(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    ctx.fake.set_link_redirect(body["template"])
    return json_response({"template": ctx.fake.link_redirect})


# -- webhooks ----------------------------------------------------------------------------------------------
@handles("addWebhookEndpoint")
def _add_endpoint(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    url = body["url"]
    if not isinstance(url, str):
        raise TypeError(f"url must be a loopback URL string, got {type(url).__name__}")
    endpoint = ctx.fake.add_webhook_endpoint(url, **_keywords(body, "url"))
    return json_response(_endpoint(endpoint), 201)


@handles("listWebhookEndpoints")
def _list_endpoints(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    endpoints = [_endpoint(e) for e in ctx.fake.webhook_endpoints if isinstance(e.target, str)]
    return json_response({"endpoints": endpoints})


@handles("removeWebhookEndpoint")
def _remove_endpoint(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    found = [e for e in ctx.fake.webhook_endpoints if e.id == ids["endpointId"]]
    if not found:
        raise ConnectionNotFound(f"No webhook endpoint with id {ids['endpointId']}")
    ctx.fake.remove_webhook_endpoint(found[0])
    return no_content()


@handles("configureWebhooks")
def _configure(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    with ctx.fake._lock:  # the settings this call applied (a field left out is its default), not a later call's
        ctx.fake.configure_webhooks(**_keywords(body))
        timeout, schedule = ctx.fake._webhooks.settings
        return json_response({"timeout": timeout, "retrySchedule": list(schedule)})


@handles("flushWebhooks")
def _flush(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    ctx.fake.flush_webhooks(**_keywords(body))
    return json_response({"deliveries": [_delivery(d) for d in ctx.fake.webhook_deliveries]})


@handles("listWebhookDeliveries")
def _deliveries(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    return json_response({"deliveries": [_delivery(d) for d in ctx.fake.webhook_deliveries]})


@handles("duplicateWebhooks")
def _duplicate(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    ctx.fake.duplicate_webhooks(**_keywords(body))
    return no_content()


@handles("reorderWebhooks")
def _reorder(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    ctx.fake.reorder_webhooks()
    return no_content()


# -- what the server saw, and the start state -------------------------------------------------------------
@handles("listRequests")
def _requests(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    seen = ctx.fake._requests_matching(ctx.request.query.get("method"), ctx.request.query.get("path"))
    # vars, not asdict: asdict copies the body level by level, and a deeply nested one it cannot copy.
    return json_response({"requests": [vars(r) for r in seen]})


@handles("checkpoint")
def _checkpoint(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    ctx.fake.checkpoint()
    return no_content()


@handles("reset")
def _reset(ctx: Context, ids: dict[str, str], body: dict[str, Any]) -> FakeResponse:
    ctx.fake.reset()
    ctx.inbox.clear()
    return no_content()

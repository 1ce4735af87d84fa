"""The handlers of the HTTP control API, one per control route of ``testing/_routes.py``: each calls the public
control a Python test calls and serialises what it returns (no rule written twice, no private state read).

A handler's name is its operation id (in camelCase) and its docstring its summary in the OpenAPI document.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from codat_connections.testing._control import link_page as page
from codat_connections.testing._control.api import Context, ControlCall, ControlRoute, camel_case
from codat_connections.testing._control.controls import FakeControls
from codat_connections.testing._control.document import document
from codat_connections.testing._control.inbox import TooLarge
from codat_connections.testing._control.schemas import SCHEMAS
from codat_connections.testing._pipeline.faults import Fault, FaultKind
from codat_connections.testing._pipeline.responses import FakeResponse, codat_error, json_response
from codat_connections.testing._state.platforms import PLATFORMS
from codat_connections.testing._state.store import NotFound
from codat_connections.testing._webhooks.messages import WebhookDelivery, WebhookEndpoint


def _no_content() -> FakeResponse:
    return FakeResponse(204)


def _snake_case(name: str) -> str:
    """A body's field as the control's argument name: ``retryAfter`` is ``retry_after``."""
    return re.sub(r"[A-Z]", lambda upper: "_" + upper[0].lower(), name)


def _keywords(fields: dict[str, Any], *skip: str) -> dict[str, Any]:
    """The body's fields but ``skip``, as the control's keyword arguments: only those given, so the control's
    own defaults apply to the rest, and a field the control does not take is its ``TypeError`` (a 400)."""
    return {_snake_case(name): value for name, value in fields.items() if name not in skip}


def _applied(value: Any) -> dict[str, Any]:
    """A flat dataclass a control returned, as the body's fields: the answer echoes the state, not the request."""
    return {camel_case(name): item for name, item in vars(value).items()}


def _endpoint(endpoint: WebhookEndpoint) -> dict[str, Any]:
    types = None if endpoint.event_types is None else sorted(endpoint.event_types)
    return {"id": endpoint.id, "url": str(endpoint.target), "secret": endpoint.secret, "eventTypes": types}


def _deliveries(deliveries: list[WebhookDelivery]) -> FakeResponse:
    return json_response(
        {
            "deliveries": [
                {
                    "endpointId": delivery.endpoint.id,
                    "messageId": delivery.message_id,
                    "eventType": delivery.event_type,
                    "attempt": delivery.attempt,
                    "status": delivery.status,
                    "error": delivery.error,
                    "succeeded": delivery.succeeded,
                }
                for delivery in deliveries
            ]
        }
    )


# -- the document, the Link page and the inbox ------------------------------------------------------------
@functools.cache
def _document(routes: tuple[ControlRoute, ...]) -> FakeResponse:
    """Built and encoded once: the document is the same for every request (22 KB, about 0.4 ms a build)."""
    return json_response(document(routes))


def get_document(ctx: Context, call: ControlCall) -> FakeResponse:
    """This document."""
    cached = _document(ctx.routes)
    return replace(cached, headers=dict(cached.headers))  # each answer its own headers, for whatever edits them


def show_link_page(ctx: Context, call: ControlCall) -> FakeResponse:
    """The Link page (HTML) the end user opens from a connection's linkUrl."""
    company_id, connection_id = call.params["companyId"], call.params["connectionId"]
    try:
        company, record = ctx.fake.company(company_id), ctx.fake.connection(company_id, connection_id)
    except NotFound as missing:
        return page.not_found_page(str(missing))
    return page.link_page(company["name"], record, call.request.query)


def submit_link_page(ctx: Context, call: ControlCall) -> FakeResponse:
    """Authorize or Deny (a form); then the redirect, or a page saying what happened."""
    company_id, connection_id = call.params["companyId"], call.params["connectionId"]
    choice = page.choice_of(call.request.body)
    if choice is None:
        return codat_error(400, "The form needs choice=authorize or choice=deny.")
    try:
        company, record = ctx.fake.company(company_id), ctx.fake.connection(company_id, connection_id)
    except NotFound as missing:
        return page.not_found_page(str(missing))
    outcome = page.outcome_for(choice, record["status"])
    if outcome.status_code == 200:
        record = ctx.fake.complete_link(company_id, connection_id)
    elif outcome.status_code == 403:
        record = ctx.fake.fail_link(company_id, connection_id, page.DENY_STATUS_TEXT)
    template = ctx.fake.link_redirect
    if template is None:
        return page.outcome_page(outcome)
    location = page.redirect_url(
        template,
        client_id=ctx.fake.client_id,
        company_id=company_id,
        company_name=company["name"],
        record=record,
        outcome=outcome,
        query=call.request.query,
    )
    return page.redirect(location)


def show_company_link_page(ctx: Context, call: ControlCall) -> FakeResponse:
    """The company's Link page (HTML, its redirect): its connections, and a platform to add."""
    try:
        company = ctx.fake.company(call.params["companyId"])
    except NotFound as missing:
        return page.not_found_page(str(missing))
    platforms = {key: platform.name for key, platform in PLATFORMS.items()}
    return page.company_page(company["name"], company["dataConnections"], platforms)


def submit_company_link_page(ctx: Context, call: ControlCall) -> FakeResponse:
    """A platform picked (a form): a new connection (connection.created), then its Link page."""
    key = page.platform_of(call.request.body, PLATFORMS)
    if key is None:
        return codat_error(400, f"The form needs platform=<key>, one of {sorted(PLATFORMS)}.")
    try:
        record = ctx.fake.pick_platform(call.params["companyId"], key)
    except NotFound as missing:
        return page.not_found_page(str(missing))
    return page.redirect(record["linkUrl"])


def receive_webhook(ctx: Context, call: ControlCall) -> FakeResponse:
    """A webhook receiver that keeps what it gets (for a team without one yet)."""
    try:
        ctx.inbox.receive(call.request.headers, call.request.body)
    except TooLarge as refused:
        return codat_error(413, str(refused))
    return _no_content()


def list_inbox(ctx: Context, call: ControlCall) -> FakeResponse:
    """What the inbox received, oldest first: headers and raw body, to verify signatures."""
    return json_response({"messages": ctx.inbox.messages()})


def clear_inbox(ctx: Context, call: ControlCall) -> FakeResponse:
    """Empty the inbox."""
    ctx.inbox.clear()
    return _no_content()


# -- companies, connections and the lifecycle ------------------------------------------------------------
def add_company(ctx: Context, call: ControlCall) -> FakeResponse:
    """A company, made directly (no webhook)."""
    return json_response({"id": ctx.fake.add_company(**_keywords(call.fields))}, 201)


def add_fleet(ctx: Context, call: ControlCall) -> FakeResponse:
    """Many companies with connections, some Deauthorized (deauthorizedShare)."""
    company_ids = ctx.fake.add_companies(call.fields["companies"], **_keywords(call.fields, "companies"))
    return json_response({"companyIds": company_ids}, 201)


def seed_connections(ctx: Context, call: ControlCall) -> FakeResponse:
    """Connections, made directly (no webhook)."""
    connection_ids = ctx.fake.seed_connections(call.params["companyId"], **_keywords(call.fields))
    return json_response({"connectionIds": connection_ids}, 201)


def list_connections(ctx: Context, call: ControlCall) -> FakeResponse:
    """Every connection of a company, as the API returns it."""
    return json_response({"connections": ctx.fake.connections_of(call.params["companyId"])})


def complete_link(ctx: Context, call: ControlCall) -> FakeResponse:
    """The end user finished linking (connection.connected or .reconnected)."""
    return json_response(ctx.fake.complete_link(call.params["companyId"], call.params["connectionId"]))


def fail_link(ctx: Context, call: ControlCall) -> FakeResponse:
    """A link attempt failed (connection.failed)."""
    ids = call.params["companyId"], call.params["connectionId"]
    return json_response(ctx.fake.fail_link(*ids, **_keywords(call.fields)))


def deauthorize(ctx: Context, call: ControlCall) -> FakeResponse:
    """The platform withdrew access (connection.disconnected)."""
    ids = call.params["companyId"], call.params["connectionId"]
    return json_response(ctx.fake.deauthorize(*ids, **_keywords(call.fields)))


# -- faults, limits, latency, the redirect ---------------------------------------------------------------
_FAULT_CONTROLS: dict[FaultKind, Callable[..., Fault]] = {
    "status": FakeControls.fail_with_status,
    "rate_limit": FakeControls.rate_limit,
    "delay": FakeControls.delay,
    "non_json": FakeControls.non_json,
    "drop": FakeControls.drop_connection,
    "truncate": FakeControls.truncate_body,
}
"""The Python control each fault kind goes through, with its defaults, its checks and its arguments."""


def add_fault(ctx: Context, call: ControlCall) -> FakeResponse:
    """A fault for the next matching requests of Codat's API (the fields its kind's Python control takes)."""
    kind = call.fields["kind"]
    kinds = SCHEMAS["Fault"]["properties"]["kind"]["enum"]
    if kind not in kinds:
        raise ValueError(f"kind must be one of {kinds}, got {kind!r}")
    control = _FAULT_CONTROLS[kind]
    taken = {camel_case(name) for name in inspect.signature(control).parameters if name != "self"}
    if others := sorted(set(call.fields) - taken - {"kind"}):
        raise ValueError(f"a {kind} fault takes no {', '.join(others)} (its fields: kind, {', '.join(sorted(taken))})")
    return json_response(_applied(control(ctx.fake, **_keywords(call.fields, "kind"))), 201)


def clear_faults(ctx: Context, call: ControlCall) -> FakeResponse:
    """Forget every fault not yet used up."""
    ctx.fake.clear_faults()
    return _no_content()


def enforce_rate_limits(ctx: Context, call: ControlCall) -> FakeResponse:
    """Enforce Codat's rate limits from now on."""
    return json_response(_applied(ctx.fake.enforce_rate_limits(**_keywords(call.fields))))


def set_latency(ctx: Context, call: ControlCall) -> FakeResponse:
    """Hold every answer of Codat's API this long."""
    return json_response(_applied(ctx.fake.latency(**_keywords(call.fields))))


def set_link_redirect(ctx: Context, call: ControlCall) -> FakeResponse:
    """The redirect URL template of the Link page (null: none)."""
    return json_response({"template": ctx.fake.set_link_redirect(call.fields["template"])})


# -- webhooks ----------------------------------------------------------------------------------------------
def add_webhook_endpoint(ctx: Context, call: ControlCall) -> FakeResponse:
    """Deliver signed webhooks to a loopback URL (any URL when the fake allows remote webhooks)."""
    url = call.fields["url"]
    if not isinstance(url, str):
        raise TypeError(f"url must be a URL string, got {type(url).__name__}")
    return json_response(_endpoint(ctx.fake.add_webhook_endpoint(url, **_keywords(call.fields, "url"))), 201)


def list_webhook_endpoints(ctx: Context, call: ControlCall) -> FakeResponse:
    """The URL endpoints and their signing secrets."""
    return json_response({"endpoints": [_endpoint(e) for e in ctx.fake.webhook_endpoints if isinstance(e.target, str)]})


def remove_webhook_endpoint(ctx: Context, call: ControlCall) -> FakeResponse:
    """Stop sending new messages to an endpoint."""
    ctx.fake.remove_webhook_endpoint(ctx.fake.webhook_endpoint(call.params["endpointId"]))
    return _no_content()


def configure_webhooks(ctx: Context, call: ControlCall) -> FakeResponse:
    """Receiver timeout and the waits before each retry."""
    return json_response(_applied(ctx.fake.configure_webhooks(**_keywords(call.fields))))


def flush_webhooks(ctx: Context, call: ControlCall) -> FakeResponse:
    """Deliver held messages and wait until every message is delivered or given up."""
    return _deliveries(ctx.fake.flush_webhooks(**_keywords(call.fields)))


def list_webhook_deliveries(ctx: Context, call: ControlCall) -> FakeResponse:
    """Every delivery attempt."""
    return _deliveries(ctx.fake.webhook_deliveries)


def duplicate_webhooks(ctx: Context, call: ControlCall) -> FakeResponse:
    """Deliver each of the next messages twice."""
    ctx.fake.duplicate_webhooks(**_keywords(call.fields))
    return _no_content()


def reorder_webhooks(ctx: Context, call: ControlCall) -> FakeResponse:
    """Hold new messages until a flush, which delivers them newest first."""
    ctx.fake.reorder_webhooks()
    return _no_content()


# -- what the server saw, and the start state -------------------------------------------------------------
def list_requests(ctx: Context, call: ControlCall) -> FakeResponse:
    """The requests Codat's API got, oldest first (method= and path= filter)."""
    seen = ctx.fake.requests_to(call.request.query.get("method"), call.request.query.get("path"))
    # vars, not asdict: asdict copies the body level by level, and a deeply nested one it cannot copy.
    return json_response({"requests": [vars(r) for r in seen]})


def checkpoint(ctx: Context, call: ControlCall) -> FakeResponse:
    """Make the present state the one reset returns to."""
    ctx.fake.checkpoint()
    return _no_content()


def reset(ctx: Context, call: ControlCall) -> FakeResponse:
    """Back to the start state: companies, limits, latency, webhook endpoints and settings; logs cleared."""
    ctx.fake.reset()
    ctx.inbox.clear()
    return _no_content()

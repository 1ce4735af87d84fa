"""The six connection operations, one function per route of ``_routes.py``: what each checks in the request,
asks the store, and answers."""

from __future__ import annotations

from typing import Any

from codat_connections._json import NotAJSONObject, loads_object
from codat_connections.testing._operations.listing import Refused, filtered, ordered, page_body, page_request
from codat_connections.testing._pipeline.responses import FakeResponse, codat_error, json_response
from codat_connections.testing._pipeline.routing import Backend, Call
from codat_connections.testing._state.platforms import PLATFORMS
from codat_connections.testing._state.records import in_path
from codat_connections.testing._state.store import InvalidTransition

__all__ = [
    "CONNECTION_FIELDS",
    "body_object",
    "create_connection",
    "delete_connection",
    "get_connection",
    "list_connections",
    "unlink_connection",
    "update_authorization",
]

CONNECTION_FIELDS = frozenset(
    {
        "id",
        "integrationId",
        "integrationKey",
        "sourceId",
        "sourceType",
        "platformName",
        "linkUrl",
        "status",
        "lastSync",
        "created",
        "dataConnectionErrors",
        "connectionInfo",
    }
)


def body_object(body: bytes, example: str) -> dict[str, Any] | FakeResponse:
    """The request's JSON object, or a 400 saying what is wrong with the body (missing, not JSON, too deep)."""
    if not body.strip():
        return codat_error(400, f"The request body is missing; send a JSON object such as {example}.")
    try:
        return loads_object(body)
    except NotAJSONObject as wrong:
        return codat_error(400, f"The request body is not valid: {wrong}; send a JSON object such as {example}.")


def list_connections(backend: Backend, call: Call) -> FakeResponse:
    """``GET /companies/{companyId}/connections``: a page, filtered by ``query`` and sorted by ``orderBy``."""
    store, company_id, query = backend.store, call.params["companyId"], call.request.query
    company = store.company(company_id)
    request = page_request(query, backend.max_page_size)
    if isinstance(request, FakeResponse):
        return request
    records = list(company.connections.values())
    try:
        if "query" in query:
            records = filtered(records, query["query"], CONNECTION_FIELDS, "Connection")
        if order := query.get("orderBy"):
            records = ordered(records, order, CONNECTION_FIELDS, "Connection")
    except Refused as refused:
        return refused.response
    start = (request.number - 1) * request.size
    results = [store.render(company_id, r) for r in records[start : start + request.size]]
    extra: dict[str, str] = {k: query[k] for k in ("query", "orderBy") if k in query}
    path = f"/companies/{in_path(company_id)}/connections"
    return json_response(page_body(results, len(records), request, path, extra))


def create_connection(backend: Backend, call: Call) -> FakeResponse:
    """``POST /companies/{companyId}/connections``: a new ``PendingAuth`` connection to a known platform."""
    store, company_id = backend.store, call.params["companyId"]
    store.company(company_id)  # an unknown company is a 404 before the body is looked at
    payload = body_object(call.request.body, '{"platformKey": "gbol"}')
    if isinstance(payload, FakeResponse):
        return payload
    key = payload.get("platformKey")
    if not isinstance(key, str):
        return codat_error(400, "The request body needs platformKey, a platform's four-letter key such as 'gbol'.")
    platform = PLATFORMS.get(key)
    if platform is None:
        return codat_error(400, f"Integration with key '{key}' does not exist or is not enabled.")
    return json_response(store.render(company_id, store.create(company_id, platform)))


def get_connection(backend: Backend, call: Call) -> FakeResponse:
    """``GET /companies/{companyId}/connections/{connectionId}``."""
    company_id, connection_id = call.params["companyId"], call.params["connectionId"]
    return json_response(backend.store.render(company_id, backend.store.connection(company_id, connection_id)))


def delete_connection(backend: Backend, call: Call) -> FakeResponse:
    """``DELETE /companies/{companyId}/connections/{connectionId}``: 200 with no body, as Codat answers."""
    backend.store.delete(call.params["companyId"], call.params["connectionId"])
    return FakeResponse(200)


def unlink_connection(backend: Backend, call: Call) -> FakeResponse:
    """``PATCH /companies/{companyId}/connections/{connectionId}`` with ``{"status": "Unlinked"}``: only a
    ``Linked`` connection can be unlinked (the store's rule; a refusal is Codat's 400)."""
    store, company_id, connection_id = backend.store, call.params["companyId"], call.params["connectionId"]
    store.connection(company_id, connection_id)
    payload = body_object(call.request.body, '{"status": "Unlinked"}')
    if isinstance(payload, FakeResponse):
        return payload
    if payload.get("status") != "Unlinked":
        return codat_error(400, "Only a status of 'Unlinked' can be set.")
    try:
        return json_response(store.render(company_id, store.unlink(company_id, connection_id)))
    except InvalidTransition as refused:
        return codat_error(400, str(refused))


def update_authorization(backend: Backend, call: Call) -> FakeResponse:
    """``PUT /companies/{companyId}/connections/{connectionId}/authorization``: an object of string values, kept."""
    store, company_id, connection_id = backend.store, call.params["companyId"], call.params["connectionId"]
    store.connection(company_id, connection_id)
    payload = body_object(call.request.body, '{"token": "..."}')
    if isinstance(payload, FakeResponse):
        return payload
    if not all(isinstance(value, str) for value in payload.values()):
        return codat_error(400, "The authorization must be an object of string values.")
    record = store.set_authorization(company_id, connection_id, payload)
    return json_response(store.render(company_id, record))

"""The six connection operations: what each checks in the request, asks the store, and answers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from codat_connections._json import NotAJSONObject, loads_object
from codat_connections.testing._operations.listing import Refused, filtered, ordered, page_body, page_request
from codat_connections.testing._pipeline.responses import FakeResponse, codat_error, json_response
from codat_connections.testing._state.platforms import PLATFORMS
from codat_connections.testing._state.store import InvalidTransition, Store

__all__ = ["CONNECTION_FIELDS", "ConnectionOperations", "body_object"]

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


class ConnectionOperations:
    """List, create, get, delete, unlink and update the authorization of a company's connections."""

    def __init__(self, store: Store, max_page_size: int) -> None:
        self._store = store
        self._max_page_size = max_page_size

    def get(self, company_id: str, connection_id: str) -> FakeResponse:
        return json_response(self._store.render(company_id, self._store.connection(company_id, connection_id)))

    def delete(self, company_id: str, connection_id: str) -> FakeResponse:
        self._store.delete(company_id, connection_id)
        return FakeResponse(200)

    def create(self, company_id: str, body: bytes) -> FakeResponse:
        self._store.company(company_id)  # an unknown company is a 404 before the body is looked at
        payload = body_object(body, '{"platformKey": "gbol"}')
        if isinstance(payload, FakeResponse):
            return payload
        key = payload.get("platformKey")
        if not isinstance(key, str):
            return codat_error(400, "The request body needs platformKey, a platform's four-letter key such as 'gbol'.")
        platform = PLATFORMS.get(key)
        if platform is None:
            return codat_error(400, f"Integration with key '{key}' does not exist or is not enabled.")
        return json_response(self._store.render(company_id, self._store.create(company_id, platform)))

    def unlink(self, company_id: str, connection_id: str, body: bytes) -> FakeResponse:
        self._store.connection(company_id, connection_id)
        payload = body_object(body, '{"status": "Unlinked"}')
        if isinstance(payload, FakeResponse):
            return payload
        if payload.get("status") != "Unlinked":
            return codat_error(400, "Only a status of 'Unlinked' can be set.")
        try:
            return json_response(self._store.render(company_id, self._store.unlink(company_id, connection_id)))
        except InvalidTransition as refused:
            return codat_error(400, str(refused))

    def authorize(self, company_id: str, connection_id: str, body: bytes) -> FakeResponse:
        self._store.connection(company_id, connection_id)
        payload = body_object(body, '{"token": "..."}')
        if isinstance(payload, FakeResponse):
            return payload
        if not all(isinstance(value, str) for value in payload.values()):
            return codat_error(400, "The authorization must be an object of string values.")
        record = self._store.set_authorization(company_id, connection_id, payload)
        return json_response(self._store.render(company_id, record))

    def list(self, company_id: str, query: Mapping[str, str]) -> FakeResponse:
        company = self._store.company(company_id)
        request = page_request(query, self._max_page_size)
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
        results = [self._store.render(company_id, r) for r in records[start : start + request.size]]
        extra = {k: query[k] for k in ("query", "orderBy") if k in query}
        return json_response(page_body(results, len(records), request, f"/companies/{company_id}/connections", extra))

"""Method and path to operation, and each operation's answer in Codat's shapes.

``match`` turns a request line into a ``Route`` (or Codat's 404/405 error); ``Operations.answer``
checks the request's query and body, asks the store to act, and writes the JSON Codat would. A body
that is missing, not JSON, nested too deeply or not an object is a 400 that says the body is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlencode

from codat_connections._constants import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_QUERY_LENGTH
from codat_connections._json import NotAJSONObject, loads_object
from codat_connections.testing._query import QueryError, UnknownFieldError, parse_query
from codat_connections.testing._responses import FakeResponse, codat_error, json_response
from codat_connections.testing._store import PLATFORMS, ConnectionNotFound, InvalidTransition, Store

__all__ = ["CONNECTION_FIELDS", "Operations", "Route", "match"]

Operation = Literal["list", "create", "get", "delete", "unlink", "authorize"]

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

_ROUTES: tuple[tuple[re.Pattern[str], dict[str, Operation]], ...] = (
    (re.compile(r"^/companies/([^/]+)/connections$"), {"GET": "list", "POST": "create"}),
    (re.compile(r"^/companies/([^/]+)/connections/([^/]+)$"), {"GET": "get", "DELETE": "delete", "PATCH": "unlink"}),
    (re.compile(r"^/companies/([^/]+)/connections/([^/]+)/authorization$"), {"PUT": "authorize"}),
)
ROUTED_METHODS = frozenset(method for _, methods in _ROUTES for method in methods)


@dataclass(frozen=True)
class Route:
    operation: Operation
    company_id: str
    connection_id: str | None = None


def match(method: str, path: str) -> Route | FakeResponse:
    """The route for ``method path``: 405 for a method the API never serves or this path does not, else 404."""
    if method not in ROUTED_METHODS:
        return _not_allowed(method, path, sorted(ROUTED_METHODS))
    for pattern, methods in _ROUTES:
        found = pattern.match(path)
        if found is None:
            continue
        operation = methods.get(method)
        if operation is None:
            return _not_allowed(method, path, sorted(methods))
        company_id, *rest = found.groups()
        return Route(operation, company_id, rest[0] if rest else None)
    return codat_error(404, f"No resource at {path}")


def _not_allowed(method: str, path: str, allowed: list[str]) -> FakeResponse:
    return codat_error(405, f"{method} is not supported on {path}", {"allow": ", ".join(allowed)})


class Operations:
    """The six connection operations against a ``Store``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def answer(self, route: Route, query: Mapping[str, str], body: bytes) -> FakeResponse:
        store, company_id, connection_id = self._store, route.company_id, route.connection_id or ""
        try:
            if route.operation == "list":
                return self._list(company_id, query)
            if route.operation == "get":
                return json_response(store.connection(company_id, connection_id))
            if route.operation == "delete":
                store.delete(company_id, connection_id)
                return FakeResponse(200)
            if route.operation == "create":
                store.company(company_id)  # an unknown company is a 404 before the body is looked at
                return self._create(company_id, body)
            if route.operation == "unlink":
                store.connection(company_id, connection_id)
                return self._unlink(company_id, connection_id, body)
            store.connection(company_id, connection_id)
            return self._authorize(company_id, connection_id, body)
        except ConnectionNotFound as missing:
            return codat_error(404, str(missing))

    def _create(self, company_id: str, body: bytes) -> FakeResponse:
        payload = _body_object(body, '{"platformKey": "gbol"}')
        if isinstance(payload, FakeResponse):
            return payload
        key = payload.get("platformKey")
        if not isinstance(key, str):
            return codat_error(400, "The request body needs platformKey, a platform's four-letter key such as 'gbol'.")
        platform = PLATFORMS.get(key)
        if platform is None:
            return codat_error(400, f"Integration with key '{key}' does not exist or is not enabled.")
        return json_response(self._store.create(company_id, platform))

    def _unlink(self, company_id: str, connection_id: str, body: bytes) -> FakeResponse:
        payload = _body_object(body, '{"status": "Unlinked"}')
        if isinstance(payload, FakeResponse):
            return payload
        if payload.get("status") != "Unlinked":
            return codat_error(400, "Only a status of 'Unlinked' can be set.")
        try:
            return json_response(self._store.unlink(company_id, connection_id))
        except InvalidTransition as refused:
            return codat_error(400, str(refused))

    def _authorize(self, company_id: str, connection_id: str, body: bytes) -> FakeResponse:
        payload = _body_object(body, '{"token": "..."}')
        if isinstance(payload, FakeResponse):
            return payload
        if not all(isinstance(value, str) for value in payload.values()):
            return codat_error(400, "The authorization must be an object of string values.")
        return json_response(self._store.set_authorization(company_id, connection_id, payload))

    def _list(self, company_id: str, query: Mapping[str, str]) -> FakeResponse:
        company = self._store.company(company_id)
        try:
            page = int(query.get("page", "1"))
            page_size = int(query.get("pageSize", str(DEFAULT_PAGE_SIZE)))
        except ValueError:
            return codat_error(400, "page and pageSize must be integers.")
        if page < 1 or not 1 <= page_size <= MAX_PAGE_SIZE:
            return codat_error(400, f"page must be at least 1 and pageSize between 1 and {MAX_PAGE_SIZE}.")
        records = list(company.connections.values())
        if "query" in query:
            text = query["query"]
            if len(text) >= MAX_QUERY_LENGTH:
                return codat_error(400, f"Error parsing query - a query must be under {MAX_QUERY_LENGTH} characters.")
            try:
                predicate = parse_query(text, CONNECTION_FIELDS)
            except UnknownFieldError as exc:
                return codat_error(400, f"Error parsing query - Could not resolve property {exc.name} on Connection")
            except QueryError:
                return codat_error(400, "Error parsing query - Malformed query.")
            records = [r for r in records if predicate(r)]
        if order := query.get("orderBy"):
            name = order.lstrip("-")
            if name not in CONNECTION_FIELDS:
                return codat_error(400, f"Error parsing query - Could not resolve property {name} on Connection")
            records.sort(key=lambda r: (r.get(name) is None, str(r.get(name) or "")), reverse=order.startswith("-"))
        total = len(records)
        start = (page - 1) * page_size
        base = f"/companies/{company_id}/connections"
        extra = {k: query[k] for k in ("query", "orderBy") if k in query}

        def link(number: int) -> dict[str, str]:
            return {"href": base + "?" + urlencode({"page": number, "pageSize": page_size, **extra})}

        links: dict[str, Any] = {"self": {"href": base}, "current": link(page)}
        if start + page_size < total:
            links["next"] = link(page + 1)
        if page > 1:
            links["previous"] = link(page - 1)
        return json_response(
            {
                "results": records[start : start + page_size],
                "pageNumber": page,
                "pageSize": page_size,
                "totalResults": total,
                "_links": links,
            }
        )


def _body_object(body: bytes, example: str) -> dict[str, Any] | FakeResponse:
    """The request's JSON object, or a 400 saying what is wrong with the body."""
    if not body.strip():
        return codat_error(400, f"The request body is missing; send a JSON object such as {example}.")
    try:
        return loads_object(body)
    except NotAJSONObject as wrong:
        return codat_error(400, f"The request body is not valid: {wrong}; send a JSON object such as {example}.")

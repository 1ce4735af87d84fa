"""Method and path to operation, and the operation's answer in Codat's shapes.

``match`` turns a request line into a ``Route`` (or Codat's 404, or a 405 whose ``Allow`` lists the
methods that path takes); ``Operations.answer`` hands the route to the connection or company
operations, which check the request's query and body, ask the store to act, and write the JSON
Codat would.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from codat_connections.testing._company_ops import CompanyOperations
from codat_connections.testing._connection_ops import ConnectionOperations
from codat_connections.testing._responses import FakeResponse, codat_error
from codat_connections.testing._store import ConnectionNotFound, Store

__all__ = ["ROUTES", "Operations", "Route", "find_route", "match"]

T = TypeVar("T")

Operation = Literal[
    "list",
    "create",
    "get",
    "delete",
    "unlink",
    "authorize",
    "list_companies",
    "create_company",
    "get_company",
    "update_company",
    "replace_company",
    "delete_company",
    "access_token",
]

ROUTES: tuple[tuple[re.Pattern[str], dict[str, Operation]], ...] = (
    (re.compile(r"^/companies$"), {"GET": "list_companies", "POST": "create_company"}),
    (
        re.compile(r"^/companies/([^/]+)$"),
        {"GET": "get_company", "PATCH": "update_company", "PUT": "replace_company", "DELETE": "delete_company"},
    ),
    (re.compile(r"^/companies/([^/]+)/accessToken$"), {"GET": "access_token"}),
    (re.compile(r"^/companies/([^/]+)/connections$"), {"GET": "list", "POST": "create"}),
    (re.compile(r"^/companies/([^/]+)/connections/([^/]+)$"), {"GET": "get", "DELETE": "delete", "PATCH": "unlink"}),
    (re.compile(r"^/companies/([^/]+)/connections/([^/]+)/authorization$"), {"PUT": "authorize"}),
)
"""Codat's paths the fake serves, each with the methods it takes."""


@dataclass(frozen=True)
class Route:
    operation: Operation
    company_id: str | None = None
    connection_id: str | None = None


def find_route(
    routes: Sequence[tuple[re.Pattern[str], Mapping[str, T]]], method: str, path: str, not_found: str
) -> tuple[T, re.Match[str]] | FakeResponse:
    """What ``routes`` give ``method path``, with the path's match; else a 405 whose ``Allow`` lists the methods
    the path takes, or a 404 saying ``not_found`` (Codat's API and the control API answer alike)."""
    for pattern, methods in routes:
        found = pattern.match(path)
        if found is None:
            continue
        if method not in methods:
            return codat_error(405, f"{method} is not supported on {path}", {"allow": ", ".join(sorted(methods))})
        return methods[method], found
    return codat_error(404, not_found)


def match(method: str, path: str) -> Route | FakeResponse:
    """The route for ``method path``: 405 for a method this path does not take (``Allow``: those it does), else 404."""
    found = find_route(ROUTES, method, path, f"No resource at {path}")
    if isinstance(found, FakeResponse):
        return found
    operation, groups = found
    ids = groups.groups()
    return Route(operation, ids[0] if ids else None, ids[1] if len(ids) > 1 else None)


class Operations:
    """Every operation of the fake's API against a ``Store``; a page serves at most ``max_page_size`` records."""

    def __init__(self, store: Store, max_page_size: int) -> None:
        self._connections = ConnectionOperations(store, max_page_size)
        self._companies = CompanyOperations(store, max_page_size)

    def answer(self, route: Route, query: Mapping[str, str], body: bytes) -> FakeResponse:
        company_id, connection_id = route.company_id or "", route.connection_id or ""
        connections, companies = self._connections, self._companies
        try:
            match route.operation:
                case "list_companies":
                    return companies.list(query)
                case "create_company":
                    return companies.create(body)
                case "get_company":
                    return companies.get(company_id)
                case "update_company":
                    return companies.update(company_id, body)
                case "replace_company":
                    return companies.replace(company_id, body)
                case "delete_company":
                    return companies.delete(company_id)
                case "access_token":
                    return companies.access_token(company_id)
                case "list":
                    return connections.list(company_id, query)
                case "create":
                    return connections.create(company_id, body)
                case "get":
                    return connections.get(company_id, connection_id)
                case "delete":
                    return connections.delete(company_id, connection_id)
                case "unlink":
                    return connections.unlink(company_id, connection_id, body)
                case "authorize":
                    return connections.authorize(company_id, connection_id, body)
        except ConnectionNotFound as missing:
            return codat_error(404, str(missing))

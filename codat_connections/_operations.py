"""Codat's connection operations as values: each checked, built into a request, paired with its decoder.

Requests are built by the generated endpoint modules (they own paths, parameter names and
encoding) after the arguments are checked here; responses are decoded with the generated models.
The sync and async resources, and their raw-response variants, all use these.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import httpx
from codat_connections_api.api.connections import (
    create_connection,
    delete_connection,
    get_connection,
    list_connections,
    unlink_connection,
    update_connection_authorization,
)
from codat_connections_api.models import (
    Connection,
    ConnectionAuthorization,
    ConnectionStatus,
    CreateConnectionRequest,
    UpdateConnectionStatus,
)
from codat_connections_api.runtime import json_type

from codat_connections import _validation as check
from codat_connections._json import DECODE_ERRORS, loads_object
from codat_connections._request import Operation, RequestSpec
from codat_connections.errors import UnexpectedResponseError
from codat_connections.query import Query, render_query

__all__ = [
    "PageData",
    "create",
    "delete",
    "get",
    "get_authorization_url",
    "list_options",
    "list_page",
    "paged",
    "unlink",
    "update_authorization",
]

P = TypeVar("P")


class PageData:
    """A decoded list response: the records, ``totalResults`` and the ``next`` link's href."""

    __slots__ = ("next_link", "results", "total_results")

    def __init__(self, results: list[Connection], total_results: int, next_link: str | None) -> None:
        self.results = results
        self.total_results = total_results
        self.next_link = next_link


# -- building -------------------------------------------------------------------------------
def list_options(page_size: int, query: Query | str | None, order_by: str | None) -> dict[str, Any]:
    """A list call's checked options, shared by every company of a sweep (the wire form of ``query``)."""
    return {
        "page_size": check.page_size(page_size),
        "query": render_query(query) if query is not None else None,
        "order_by": check.order_by(order_by) if order_by is not None else None,
    }


def list_page(
    company_id: str, page: int, page_size: int, query: Query | str | None, order_by: str | None
) -> Operation[PageData]:
    options = list_options(page_size, query, order_by)
    kwargs = list_connections.build_request(
        check.identifier(company_id, "company_id"), page=check.page(page), **options
    )
    return Operation(RequestSpec.from_generated(kwargs, company_id=company_id), _parse_page)


def paged(operation: Operation[PageData], make_page: Callable[[PageData], P]) -> Operation[P]:
    """The list operation, decoding into the caller's page type (sync or async, with its fetcher)."""
    parse_data = operation.parse

    def parse(spec: RequestSpec, response: httpx.Response) -> P:
        return make_page(parse_data(spec, response))

    return Operation(operation.spec, parse)


def get(company_id: str, connection_id: str) -> Operation[Connection]:
    ids = _ids(company_id, connection_id)
    return Operation(
        RequestSpec.from_generated(get_connection.build_request(*ids), company_id=ids[0]), _parse_connection
    )


def get_authorization_url(company_id: str, connection_id: str) -> Operation[str]:
    ids = _ids(company_id, connection_id)
    return Operation(RequestSpec.from_generated(get_connection.build_request(*ids), company_id=ids[0]), _parse_link_url)


def create(company_id: str, platform_key: str, idempotency_key: str | None) -> Operation[Connection]:
    body = CreateConnectionRequest(platform_key=check.platform_key(platform_key))
    kwargs = create_connection.build_request(check.identifier(company_id, "company_id"), body=body)
    spec = RequestSpec.from_generated(
        kwargs, company_id=company_id, idempotency_key=check.idempotency_key(idempotency_key)
    )
    return Operation(spec, _parse_connection)


def delete(company_id: str, connection_id: str) -> Operation[None]:
    ids = _ids(company_id, connection_id)
    return Operation(
        RequestSpec.from_generated(delete_connection.build_request(*ids), company_id=ids[0]), _parse_nothing
    )


def unlink(company_id: str, connection_id: str, idempotency_key: str | None) -> Operation[Connection]:
    ids = _ids(company_id, connection_id)
    body = UpdateConnectionStatus(status=ConnectionStatus.UNLINKED)
    kwargs = unlink_connection.build_request(*ids, body=body)
    spec = RequestSpec.from_generated(kwargs, company_id=ids[0], idempotency_key=check.idempotency_key(idempotency_key))
    return Operation(spec, _parse_connection)


def update_authorization(
    company_id: str, connection_id: str, authorization: Mapping[str, str]
) -> Operation[Connection]:
    ids = _ids(company_id, connection_id)
    body = ConnectionAuthorization()
    body.additional_properties = check.authorization(authorization)
    kwargs = update_connection_authorization.build_request(*ids, body=body)
    return Operation(RequestSpec.from_generated(kwargs, company_id=ids[0]), _parse_connection)


def _ids(company_id: str, connection_id: str) -> tuple[str, str]:
    return check.identifier(company_id, "company_id"), check.identifier(connection_id, "connection_id")


# -- decoding -------------------------------------------------------------------------------
def _parse_connection(spec: RequestSpec, response: httpx.Response) -> Connection:
    try:
        return Connection.from_dict(loads_object(response.content))
    except DECODE_ERRORS as exc:
        raise unexpected(spec, response, exc) from exc


def _parse_link_url(spec: RequestSpec, response: httpx.Response) -> str:
    return _parse_connection(spec, response).link_url


def _parse_nothing(spec: RequestSpec, response: httpx.Response) -> None:
    return None


def _parse_page(spec: RequestSpec, response: httpx.Response) -> PageData:
    """Records, ``totalResults`` and the ``next`` href; ``next`` absent or null means the last page."""
    try:
        envelope = loads_object(response.content)
        results = envelope.get("results")
        if results is None:
            records: list[Connection] = []
        elif isinstance(results, list):
            decode = Connection.from_dict
            records = [decode(item) for item in results]
        else:
            raise TypeError(f"results: expected a list, got {json_type(results)}")
        total = envelope["totalResults"]
        if type(total) is not int or total < 0:
            raise TypeError(f"totalResults: expected an integer >= 0, got {json_type(total)}")
        next_link = _next_href(envelope["_links"])
    except DECODE_ERRORS as exc:
        raise unexpected(spec, response, exc) from exc
    return PageData(records, total, next_link)


def _next_href(links: Any) -> str | None:
    if not isinstance(links, dict):
        raise TypeError(f"_links: expected an object, got {json_type(links)}")
    next_ref = links.get("next")
    if next_ref is None:
        return None
    if not isinstance(next_ref, dict) or not isinstance(next_ref.get("href"), str):
        raise TypeError(f"_links.next: expected an object with an href string, got {json_type(next_ref)}")
    href: str = next_ref["href"]
    return href


def unexpected(spec: RequestSpec, response: httpx.Response, exc: BaseException) -> UnexpectedResponseError:
    """The typed error for a 2xx whose body is not the documented model; says which field and why."""
    detail = f"{type(exc).__name__}: {exc}"
    if len(detail) > 300:
        detail = detail[:300] + "..."
    return UnexpectedResponseError(
        f"response body does not match the documented model ({detail})",
        status_code=response.status_code,
        method=spec.method,
        path=spec.path,
        url=str(response.request.url),
        body=response.content,
        headers=response.headers,
    )

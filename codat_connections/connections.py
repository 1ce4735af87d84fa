"""The connections resource: Codat's six operations, plus iteration over every page.

Requests are built by the generated endpoint modules (they own paths, parameter names and
encoding) after the arguments are checked here; responses are decoded with the generated
models. Sync and async resources share the building and decoding functions below.
"""

from __future__ import annotations

import builtins
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING

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
    Connections,
    ConnectionStatus,
    CreateConnectionRequest,
    HalRef,
    UpdateConnectionStatus,
)
from codat_connections_api.types import UNSET

from codat_connections import _validation as check
from codat_connections._client import RequestSpec
from codat_connections._constants import DEFAULT_PAGE_SIZE
from codat_connections._json import loads_object
from codat_connections.errors import UnexpectedResponseError
from codat_connections.pagination import AsyncPage, Page, last_page_number
from codat_connections.query import Query, render_query

if TYPE_CHECKING:
    from codat_connections._client import AsyncCodatConnections, CodatConnections

__all__ = ["AsyncConnectionsResource", "ConnectionsResource"]

DEFAULT_CONCURRENCY = 4
# What a model decoder raises on a body of the wrong shape (missing key, wrong type, bad JSON).
_DECODE_ERRORS = (ValueError, KeyError, TypeError, AttributeError, RecursionError)


# -- requests -------------------------------------------------------------------------------
def _list_spec(
    company_id: str, page: int, page_size: int, query: Query | str | None, order_by: str | None
) -> RequestSpec:
    kwargs = list_connections._get_kwargs(
        check.identifier(company_id, "company_id"),
        page=check.page(page),
        page_size=check.page_size(page_size),
        query=render_query(query) if query is not None else UNSET,
        order_by=check.order_by(order_by) if order_by is not None else UNSET,
    )
    return RequestSpec.from_generated(kwargs)


def _get_spec(company_id: str, connection_id: str) -> RequestSpec:
    ids = _ids(company_id, connection_id)
    return RequestSpec.from_generated(get_connection._get_kwargs(*ids))


def _create_spec(company_id: str, platform_key: str, idempotency_key: str | None) -> RequestSpec:
    body = CreateConnectionRequest(platform_key=check.platform_key(platform_key))
    kwargs = create_connection._get_kwargs(check.identifier(company_id, "company_id"), body=body)
    return RequestSpec.from_generated(kwargs, idempotency_key=_idempotency_key(idempotency_key))


def _delete_spec(company_id: str, connection_id: str) -> RequestSpec:
    return RequestSpec.from_generated(delete_connection._get_kwargs(*_ids(company_id, connection_id)))


def _unlink_spec(company_id: str, connection_id: str, idempotency_key: str | None) -> RequestSpec:
    body = UpdateConnectionStatus(status=ConnectionStatus.UNLINKED)
    kwargs = unlink_connection._get_kwargs(*_ids(company_id, connection_id), body=body)
    return RequestSpec.from_generated(kwargs, idempotency_key=_idempotency_key(idempotency_key))


def _update_authorization_spec(company_id: str, connection_id: str, authorization: Mapping[str, str]) -> RequestSpec:
    body = ConnectionAuthorization()
    body.additional_properties = check.authorization(authorization)
    kwargs = update_connection_authorization._get_kwargs(*_ids(company_id, connection_id), body=body)
    return RequestSpec.from_generated(kwargs)


def _ids(company_id: str, connection_id: str) -> tuple[str, str]:
    return check.identifier(company_id, "company_id"), check.identifier(connection_id, "connection_id")


def _idempotency_key(given: str | None) -> str:
    if given is None:
        return str(uuid.uuid4())
    if not isinstance(given, str) or not given.strip() or len(given) > 255:
        raise ValueError("idempotency_key must be a non-empty string of at most 255 characters")
    return given


# -- responses ------------------------------------------------------------------------------
def _decode_connection(spec: RequestSpec, response: httpx.Response) -> Connection:
    try:
        return Connection.from_dict(loads_object(response.content))
    except _DECODE_ERRORS as exc:
        raise _unexpected(spec, response, exc) from exc


def _decode_page(spec: RequestSpec, response: httpx.Response) -> tuple[list[Connection], int, str | None]:
    """Records, ``totalResults`` and the ``next`` href of a list response."""
    try:
        envelope = Connections.from_dict(loads_object(response.content))
        results = envelope.results if isinstance(envelope.results, list) else []
        total = envelope.total_results
        if isinstance(total, bool) or not isinstance(total, int):
            raise TypeError(f"totalResults is not an integer: {total!r}")
        next_ref = envelope.field_links.next_
        next_link = next_ref.href if isinstance(next_ref, HalRef) and isinstance(next_ref.href, str) else None
    except _DECODE_ERRORS as exc:
        raise _unexpected(spec, response, exc) from exc
    return results, total, next_link


def _unexpected(spec: RequestSpec, response: httpx.Response, exc: BaseException) -> UnexpectedResponseError:
    detail = f"{type(exc).__name__}: {exc}"
    if len(detail) > 300:
        detail = detail[:300] + "..."
    return UnexpectedResponseError(
        f"response body does not match the documented model ({detail})",
        status_code=response.status_code,
        method=spec.method,
        path=spec.path,
        body=response.content,
    )


# -- the resources ----------------------------------------------------------------------------
class ConnectionsResource:
    """``client.connections``: list, iterate, get, create, delete, unlink, authorization."""

    def __init__(self, client: CodatConnections) -> None:
        self._client = client

    def list(
        self,
        company_id: str,
        *,
        page: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        query: Query | str | None = None,
        order_by: str | None = None,
    ) -> Page[Connection]:
        """One page of the company's connections (pages count from 1; ``page_size`` up to 5000)."""
        spec = _list_spec(company_id, page, page_size, query, order_by)
        results, total, next_link = _decode_page(spec, self._client.send(spec))

        def fetch(number: int) -> Page[Connection]:
            return self.list(company_id, page=number, page_size=page_size, query=query, order_by=order_by)

        return Page(results, page, page_size, total, next_link=next_link, fetch=fetch)

    def iterate(
        self,
        company_id: str,
        *,
        query: Query | str | None = None,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[Connection]:
        """Every matching connection, fetching one page at a time as you consume them."""
        _list_spec(company_id, 1, page_size, query, order_by)  # refuse bad input now, not at first next()
        return self._iterate(company_id, query, order_by, page_size)

    def _iterate(
        self, company_id: str, query: Query | str | None, order_by: str | None, page_size: int
    ) -> Iterator[Connection]:
        number = 1
        while True:
            page = self.list(company_id, page=number, page_size=page_size, query=query, order_by=order_by)
            yield from page.results
            if not page.has_next_page():
                return
            number += 1
            del page  # the consumed page is freed before the next is fetched: memory stays at one page

    def list_all(
        self,
        company_id: str,
        *,
        query: Query | str | None = None,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> builtins.list[Connection]:
        """Every matching connection, all pages, in order."""
        return list(self.iterate(company_id, query=query, order_by=order_by, page_size=page_size))

    def get(self, company_id: str, connection_id: str) -> Connection:
        """One connection; ``NotFoundError`` if it (or the company) does not exist."""
        spec = _get_spec(company_id, connection_id)
        return _decode_connection(spec, self._client.send(spec))

    def create(self, company_id: str, platform_key: str, *, idempotency_key: str | None = None) -> Connection:
        """A new connection to a platform (e.g. ``gbol`` Xero); it starts ``PendingAuth`` with a ``link_url``.

        Sent with an Idempotency-Key (fresh per call unless given), the same on every retry.
        """
        spec = _create_spec(company_id, platform_key, idempotency_key)
        return _decode_connection(spec, self._client.send(spec))

    def delete(self, company_id: str, connection_id: str) -> None:
        """Delete the connection and the data pulled through it. Cannot be undone."""
        self._client.send(_delete_spec(company_id, connection_id))

    def unlink(self, company_id: str, connection_id: str, *, idempotency_key: str | None = None) -> Connection:
        """Set a ``Linked`` connection to ``Unlinked``; its data stays. Sent with an Idempotency-Key."""
        spec = _unlink_spec(company_id, connection_id, idempotency_key)
        return _decode_connection(spec, self._client.send(spec))

    def get_authorization_url(self, company_id: str, connection_id: str) -> str:
        """The URL where the end user (re-)authorizes this connection: its ``link_url``.

        Use it for a ``Deauthorized`` connection instead of creating a new company or connection.
        """
        return self.get(company_id, connection_id).link_url

    def update_authorization(self, company_id: str, connection_id: str, authorization: Mapping[str, str]) -> Connection:
        """Replace the authorization details the connection uses to reach its platform."""
        spec = _update_authorization_spec(company_id, connection_id, authorization)
        return _decode_connection(spec, self._client.send(spec))


class AsyncConnectionsResource:
    """``client.connections`` of ``AsyncCodatConnections``; ``list_all`` fetches pages concurrently."""

    def __init__(self, client: AsyncCodatConnections) -> None:
        self._client = client

    async def list(
        self,
        company_id: str,
        *,
        page: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        query: Query | str | None = None,
        order_by: str | None = None,
    ) -> AsyncPage[Connection]:
        """One page of the company's connections (pages count from 1; ``page_size`` up to 5000)."""
        spec = _list_spec(company_id, page, page_size, query, order_by)
        results, total, next_link = _decode_page(spec, await self._client.send(spec))

        async def fetch(number: int) -> AsyncPage[Connection]:
            return await self.list(company_id, page=number, page_size=page_size, query=query, order_by=order_by)

        return AsyncPage(results, page, page_size, total, next_link=next_link, fetch=fetch)

    def iterate(
        self,
        company_id: str,
        *,
        query: Query | str | None = None,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[Connection]:
        """Every matching connection (``async for``), fetching one page at a time."""
        _list_spec(company_id, 1, page_size, query, order_by)
        return self._iterate(company_id, query, order_by, page_size)

    async def _iterate(
        self, company_id: str, query: Query | str | None, order_by: str | None, page_size: int
    ) -> AsyncIterator[Connection]:
        number = 1
        while True:
            page = await self.list(company_id, page=number, page_size=page_size, query=query, order_by=order_by)
            for item in page.results:
                yield item
            if not page.has_next_page():
                return
            number += 1
            del page  # the consumed page is freed before the next is fetched

    async def list_all(
        self,
        company_id: str,
        *,
        query: Query | str | None = None,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        concurrency: int = DEFAULT_CONCURRENCY,
    ) -> builtins.list[Connection]:
        """Every matching connection, in page order.

        Once page 1 reports ``totalResults``, the remaining pages are fetched ``concurrency`` at a
        time (Codat allows 10 concurrent requests per company). Cancelling the call cancels every
        page request still running.
        """
        import asyncio  # loaded already in any program that awaits this

        check.concurrency(concurrency)
        first = await self.list(company_id, page=1, page_size=page_size, query=query, order_by=order_by)
        results = list(first.results)
        if not first.has_next_page():
            return results
        last = last_page_number(first.total_results, page_size)
        page = first
        if last is not None and last > 1 and concurrency > 1:
            gate = asyncio.Semaphore(concurrency)

            async def fetch(number: int) -> AsyncPage[Connection]:
                async with gate:
                    return await self.list(company_id, page=number, page_size=page_size, query=query, order_by=order_by)

            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(fetch(number)) for number in range(2, last + 1)]
            for task in tasks:
                page = task.result()
                results.extend(page.results)
                if not page.has_next_page():
                    return results
        while page.has_next_page():  # more than totalResults promised (records were added): go on one by one
            page = await page.next_page()
            results.extend(page.results)
        return results

    async def get(self, company_id: str, connection_id: str) -> Connection:
        """One connection; ``NotFoundError`` if it (or the company) does not exist."""
        spec = _get_spec(company_id, connection_id)
        return _decode_connection(spec, await self._client.send(spec))

    async def create(self, company_id: str, platform_key: str, *, idempotency_key: str | None = None) -> Connection:
        """A new connection to a platform; it starts ``PendingAuth`` with a ``link_url``. Idempotency-keyed."""
        spec = _create_spec(company_id, platform_key, idempotency_key)
        return _decode_connection(spec, await self._client.send(spec))

    async def delete(self, company_id: str, connection_id: str) -> None:
        """Delete the connection and the data pulled through it. Cannot be undone."""
        await self._client.send(_delete_spec(company_id, connection_id))

    async def unlink(self, company_id: str, connection_id: str, *, idempotency_key: str | None = None) -> Connection:
        """Set a ``Linked`` connection to ``Unlinked``; its data stays. Idempotency-keyed."""
        spec = _unlink_spec(company_id, connection_id, idempotency_key)
        return _decode_connection(spec, await self._client.send(spec))

    async def get_authorization_url(self, company_id: str, connection_id: str) -> str:
        """The URL where the end user (re-)authorizes this connection: its ``link_url``."""
        return (await self.get(company_id, connection_id)).link_url

    async def update_authorization(
        self, company_id: str, connection_id: str, authorization: Mapping[str, str]
    ) -> Connection:
        """Replace the authorization details the connection uses to reach its platform."""
        spec = _update_authorization_spec(company_id, connection_id, authorization)
        return _decode_connection(spec, await self._client.send(spec))

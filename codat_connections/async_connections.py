"""``client.connections`` of ``AsyncCodatConnections``: the async mirror of ``connections``.

Every method has the sync resource's parameters and returns the same type, awaited; ``list_all``
fetches pages concurrently and ``list_many`` sweeps companies as tasks.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable, Mapping
from contextlib import aclosing
from typing import TYPE_CHECKING, TypeVar

from codat_connections import _operations as ops
from codat_connections import _validation as check
from codat_connections._constants import DEFAULT_PAGE_SIZE, MAX_CONCURRENT_REQUESTS_PER_COMPANY
from codat_connections._request import AsyncSender, Operation
from codat_connections._response import APIResponse
from codat_connections._sweep import CompanyConnections, async_sweep, check_company_ids, check_concurrency
from codat_connections.pagination import AsyncPage, fetch_pages_concurrently
from codat_connections.query import Query
from codat_connections.status import needs_attention

if TYPE_CHECKING:
    from codat_connections_api.models import Connection

__all__ = ["AsyncConnectionsResource", "AsyncConnectionsWithRawResponse"]

T = TypeVar("T")
DEFAULT_PAGE_CONCURRENCY = 4
DEFAULT_SWEEP_CONCURRENCY = 16


class AsyncConnectionsResource:
    """``client.connections`` of ``AsyncCodatConnections``; ``list_all`` fetches pages concurrently."""

    def __init__(self, sender: AsyncSender) -> None:
        self._sender = sender
        self.with_raw_response = AsyncConnectionsWithRawResponse(sender)
        """The same single-request operations, returning ``APIResponse`` (headers, status, ``parse()``)."""

    async def _call(self, operation: Operation[T]) -> T:
        return operation.parse(operation.spec, await self._sender.send(operation.spec))

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
        response = await self.with_raw_response.list(
            company_id, page=page, page_size=page_size, query=query, order_by=order_by
        )
        return response.parse()

    def iterate(
        self,
        company_id: str,
        *,
        query: Query | str | None = None,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[Connection]:
        """Every matching connection (``async for``), fetching one page at a time."""
        ops.list_page(company_id, 1, page_size, query, order_by)  # refuse bad input now
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
        concurrency: int = DEFAULT_PAGE_CONCURRENCY,
    ) -> builtins.list[Connection]:
        """Every matching connection, in page order, exactly as ``iterate`` gives them.

        After page 1, up to ``concurrency`` pages are requested at once (Codat allows 10 requests in
        flight per company), lazily, so at most ``concurrency`` requests beyond the last page are
        ever made. A failing page raises its ``CodatError``; cancelling the call cancels them all.
        """
        check.concurrency(concurrency, maximum=MAX_CONCURRENT_REQUESTS_PER_COMPANY, why="Codat's per-company limit")
        first = await self.list(company_id, page=1, page_size=page_size, query=query, order_by=order_by)

        async def fetch(number: int) -> AsyncPage[Connection]:
            return await self.list(company_id, page=number, page_size=page_size, query=query, order_by=order_by)

        return await fetch_pages_concurrently(first, fetch, concurrency)

    async def get(self, company_id: str, connection_id: str) -> Connection:
        """One connection; ``NotFoundError`` if it (or the company) does not exist."""
        return await self._call(ops.get(company_id, connection_id))

    async def create(self, company_id: str, platform_key: str, *, idempotency_key: str | None = None) -> Connection:
        """A new connection to a platform; it starts ``PendingAuth`` with a ``link_url``. Idempotency-keyed."""
        return await self._call(ops.create(company_id, platform_key, idempotency_key))

    async def delete(self, company_id: str, connection_id: str) -> None:
        """Delete the connection and the data pulled through it. Cannot be undone."""
        await self._call(ops.delete(company_id, connection_id))

    async def unlink(self, company_id: str, connection_id: str, *, idempotency_key: str | None = None) -> Connection:
        """Set a ``Linked`` connection to ``Unlinked``; its data stays. Idempotency-keyed."""
        return await self._call(ops.unlink(company_id, connection_id, idempotency_key))

    async def get_authorization_url(self, company_id: str, connection_id: str) -> str:
        """The URL where the end user (re-)authorizes this connection: its ``link_url``."""
        return await self._call(ops.get_authorization_url(company_id, connection_id))

    async def update_authorization(
        self, company_id: str, connection_id: str, authorization: Mapping[str, str]
    ) -> Connection:
        """Replace the credentials the connection uses to reach its platform (see the README)."""
        return await self._call(ops.update_authorization(company_id, connection_id, authorization))

    def list_many(
        self,
        company_ids: Iterable[str] | AsyncIterable[str],
        *,
        query: Query | str | None = None,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        concurrency: int = DEFAULT_SWEEP_CONCURRENCY,
    ) -> AsyncGenerator[CompanyConnections, None]:
        """Every connection of every company (``async for``), per company as each completes.

        As the sync ``list_many``, with companies listed as tasks; ``company_ids`` may also be an
        async iterable. Leaving the loop (or ``aclose()``) cancels the work in progress.
        """
        return self._list_many(company_ids, query, order_by, page_size, concurrency)

    def _list_many(
        self,
        company_ids: Iterable[str] | AsyncIterable[str],
        query: Query | str | None,
        order_by: str | None,
        page_size: int,
        concurrency: int,
    ) -> AsyncGenerator[CompanyConnections, None]:
        check_company_ids(company_ids)
        ops.list_options(page_size, query, order_by)  # refuse bad input now, not at the first company
        concurrency = check_concurrency(concurrency)

        async def list_company(company_id: str) -> builtins.list[Connection]:
            return [item async for item in self._iterate(company_id, query, order_by, page_size)]

        return async_sweep(company_ids, list_company, concurrency)

    def needing_attention(
        self, company_ids: Iterable[str] | AsyncIterable[str], *, concurrency: int = DEFAULT_SWEEP_CONCURRENCY
    ) -> AsyncGenerator[CompanyConnections, None]:
        """The async ``needing_attention``: companies with connections that need the end user, or errors."""
        return _needing_attention(self._list_many(company_ids, None, None, DEFAULT_PAGE_SIZE, concurrency))


async def _needing_attention(
    sweep: AsyncGenerator[CompanyConnections, None],
) -> AsyncGenerator[CompanyConnections, None]:
    async with aclosing(sweep):
        async for result in sweep:
            flagged = [connection for connection in result.connections if needs_attention(connection)]
            if flagged or result.error is not None:
                yield result._replace(connections=flagged)


class AsyncConnectionsWithRawResponse:
    """``client.connections.with_raw_response`` of the async client: each call returns an ``APIResponse``."""

    def __init__(self, sender: AsyncSender) -> None:
        self._sender = sender

    async def _call(self, operation: Operation[T]) -> APIResponse[T]:
        return APIResponse.of(await self._sender.send(operation.spec), operation)

    async def list(
        self,
        company_id: str,
        *,
        page: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        query: Query | str | None = None,
        order_by: str | None = None,
    ) -> APIResponse[AsyncPage[Connection]]:
        """``connections.list`` with the HTTP response; ``parse()`` gives the ``AsyncPage``."""
        operation = ops.list_page(company_id, page, page_size, query, order_by)

        async def fetch(number: int) -> AsyncPage[Connection]:
            response = await self.list(company_id, page=number, page_size=page_size, query=query, order_by=order_by)
            return response.parse()

        def make_page(data: ops.PageData) -> AsyncPage[Connection]:
            return AsyncPage(data.results, page, page_size, data.total_results, next_link=data.next_link, fetch=fetch)

        return await self._call(ops.paged(operation, make_page))

    async def get(self, company_id: str, connection_id: str) -> APIResponse[Connection]:
        """``connections.get`` with the HTTP response."""
        return await self._call(ops.get(company_id, connection_id))

    async def create(
        self, company_id: str, platform_key: str, *, idempotency_key: str | None = None
    ) -> APIResponse[Connection]:
        """``connections.create`` with the HTTP response."""
        return await self._call(ops.create(company_id, platform_key, idempotency_key))

    async def delete(self, company_id: str, connection_id: str) -> APIResponse[None]:
        """``connections.delete`` with the HTTP response."""
        return await self._call(ops.delete(company_id, connection_id))

    async def unlink(
        self, company_id: str, connection_id: str, *, idempotency_key: str | None = None
    ) -> APIResponse[Connection]:
        """``connections.unlink`` with the HTTP response."""
        return await self._call(ops.unlink(company_id, connection_id, idempotency_key))

    async def get_authorization_url(self, company_id: str, connection_id: str) -> APIResponse[str]:
        """``connections.get_authorization_url`` with the HTTP response."""
        return await self._call(ops.get_authorization_url(company_id, connection_id))

    async def update_authorization(
        self, company_id: str, connection_id: str, authorization: Mapping[str, str]
    ) -> APIResponse[Connection]:
        """``connections.update_authorization`` with the HTTP response."""
        return await self._call(ops.update_authorization(company_id, connection_id, authorization))

"""``client.connections``: Codat's connection operations, paging, fleet sweeps and raw responses.

Each method checks its arguments, builds its request through ``_operations`` and hands it to the
client's request loop, which the resource sees only as a sender. The raw-response variants are
derived from the plain methods.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable, Mapping
from contextlib import aclosing
from typing import TYPE_CHECKING, TypeVar

from codat_connections import _validation as check
from codat_connections._async.fleet import fleet_pages
from codat_connections._async.paging import async_paged, async_records, async_records_from
from codat_connections._async.raw import async_raw_response_wrapper
from codat_connections._async.resource import AsyncResource
from codat_connections._constants import DEFAULT_PAGE_SIZE, MAX_CONCURRENT_REQUESTS_PER_COMPANY
from codat_connections._fetching import async_all_pages
from codat_connections._headers import server_date
from codat_connections._operations import connections as ops
from codat_connections._request import AsyncSender
from codat_connections._sweep import (
    CompanyConnections,
    FleetPage,
    Listed,
    async_sweep,
    check_company_ids,
    check_concurrency,
)
from codat_connections.pagination import AsyncPage
from codat_connections.query import Query
from codat_connections.status import needs_attention

if TYPE_CHECKING:
    from codat_connections_api.models import Connection

    from codat_connections._async.companies import AsyncCompaniesResource

__all__ = ["AsyncConnectionsResource", "AsyncConnectionsWithRawResponse"]

T = TypeVar("T")
DEFAULT_PAGE_CONCURRENCY = 4
DEFAULT_SWEEP_CONCURRENCY = 16


class AsyncConnectionsResource(AsyncResource):
    """``client.connections``: list, iterate, get, create, delete, unlink, authorization, sweeps."""

    def __init__(self, sender: AsyncSender, companies: AsyncCompaniesResource) -> None:
        super().__init__(sender)
        self._companies = companies
        self.with_raw_response = AsyncConnectionsWithRawResponse(self)
        """The same single-request operations, returning ``APIResponse`` (headers, status, ``parse()``)."""

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
        operation = ops.list_page(company_id, page, page_size, query, order_by)

        async def fetch(number: int, size: int) -> AsyncPage[Connection]:
            return await self.list(company_id, page=number, page_size=size, query=query, order_by=order_by)

        return await self._call(async_paged(operation, page, page_size, fetch))

    def iterate(
        self,
        company_id: str,
        *,
        query: Query | str | None = None,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[Connection]:
        """Every matching connection, fetching one page at a time as you consume them."""
        ops.list_page(company_id, 1, page_size, query, order_by)  # refuse bad input now, not at the first record
        return async_records(lambda: self.list(company_id, page_size=page_size, query=query, order_by=order_by))

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
        flight per company), lazily: at most ``concurrency`` requests beyond the last page are ever
        made. A failing page raises its ``CodatError`` and the other requests are stopped.
        """
        check.concurrency(concurrency, maximum=MAX_CONCURRENT_REQUESTS_PER_COMPANY, why="Codat's per-company limit")
        first = await self.list(company_id, page=1, page_size=page_size, query=query, order_by=order_by)
        return await async_all_pages(first, concurrency)

    async def get(self, company_id: str, connection_id: str) -> Connection:
        """One connection; ``NotFoundError`` if it (or the company) does not exist."""
        return await self._call(ops.get(company_id, connection_id))

    async def create(self, company_id: str, platform_key: str, *, idempotency_key: str | None = None) -> Connection:
        """A new connection to a platform (e.g. ``gbol`` Xero); it starts ``PendingAuth`` with a ``link_url``.

        Sent with an Idempotency-Key (fresh per call unless given), the same on every retry, so a
        retried create never makes two connections.
        """
        return await self._call(ops.create(company_id, platform_key, idempotency_key))

    async def delete(self, company_id: str, connection_id: str) -> None:
        """Delete the connection and the data pulled through it. Cannot be undone."""
        return await self._call(ops.delete(company_id, connection_id))

    async def unlink(self, company_id: str, connection_id: str, *, idempotency_key: str | None = None) -> Connection:
        """Set a ``Linked`` connection to ``Unlinked``; its data stays. Sent with an Idempotency-Key."""
        return await self._call(ops.unlink(company_id, connection_id, idempotency_key))

    async def get_authorization_url(self, company_id: str, connection_id: str) -> str:
        """The URL where the end user (re-)authorizes this connection: its ``link_url``.

        Use it for a ``Deauthorized`` connection instead of creating a new company or connection.
        """
        return await self._call(ops.get_authorization_url(company_id, connection_id))

    async def update_authorization(
        self, company_id: str, connection_id: str, authorization: Mapping[str, str]
    ) -> Connection:
        """Replace the credentials the connection uses to reach its platform.

        ``authorization`` is the platform-specific set of string keys and values Codat documents
        for that platform (for example a key-based banking or commerce integration's API key).
        """
        return await self._call(ops.update_authorization(company_id, connection_id, authorization))

    def list_many(
        self,
        company_ids: Iterable[str] | AsyncIterable[str] | None = None,
        *,
        tags: Query | str | None = None,
        query: Query | str | None = None,
        order_by: str | None = None,
        page_size: int | None = None,
        concurrency: int = DEFAULT_SWEEP_CONCURRENCY,
    ) -> AsyncGenerator[CompanyConnections, None]:
        """Every connection of every company, yielded per company (a fleet sweep).

        Without ``company_ids``, the whole fleet (or the companies ``tags`` selects) is read through
        Codat's companies listing, ``page_size`` companies asked a request (default 5000, the most
        Codat's paging allows; a server may serve fewer), each company's connections coming with it:
        one request per page of companies, one page in memory (the next one is fetched meanwhile by the
        async client). The listing reads by ``created`` stamp, not page number, so a company created
        or deleted meanwhile makes none skipped or reported twice (``fleet_pages``). ``query`` and
        ``order_by`` filter a company's own listing, so they need ``company_ids``.

        With ``company_ids`` (read lazily, never held whole), each company is listed on its own,
        ``page_size`` connections a request (default 100), ``concurrency`` companies at once, yielded
        as each completes; a company's own failure is in its ``error``. ``AuthenticationError`` and
        ``PaymentRequiredError`` stop either kind of sweep. Leaving the loop early stops all work.
        """
        if company_ids is None:
            if query is not None or order_by is not None:
                raise ValueError(
                    "query= and order_by= filter each company's own listing: pass company_ids to use them (the fleet "
                    "listing reads every company's connections as they are)"
                )
            check_concurrency(concurrency)
            return _from_listing(fleet_pages(self._companies, tags=tags, page_size=page_size))
        if tags is not None:
            raise ValueError(
                "tags= selects companies of the fleet listing: leave out company_ids, or pass only those ids"
            )
        check_company_ids(company_ids)
        size = DEFAULT_PAGE_SIZE if page_size is None else page_size
        ops.list_options(size, query, order_by)  # refuse bad input now, not at the first company
        concurrency = check_concurrency(concurrency)

        async def list_company(company_id: str) -> Listed:
            first = await self.with_raw_response.list(company_id, page_size=size, query=query, order_by=order_by)
            return [connection async for connection in async_records_from(first.parse())], server_date(first.headers)

        return async_sweep(company_ids, list_company, concurrency)

    def needing_attention(
        self,
        company_ids: Iterable[str] | AsyncIterable[str] | None = None,
        *,
        tags: Query | str | None = None,
        concurrency: int = DEFAULT_SWEEP_CONCURRENCY,
    ) -> AsyncGenerator[CompanyConnections, None]:
        """The morning question in one call: per company, the connections that need the end user.

        Yields only the companies with something to act on, with the connections ``needs_attention``
        flags (``Deauthorized``, or an active data connection error unless ``Unlinked``: send the user
        to each one's ``link_url``), and every company whose listing failed (with its ``error``); not
        one result per company. Without ``company_ids`` the whole fleet (or what ``tags`` selects) is
        read through the companies listing, one request per page of companies Codat serves, each
        company exactly once however the fleet changes meanwhile, each result with its ``company_name``;
        see ``list_many``.
        """
        return _needing_attention(self.list_many(company_ids, tags=tags, concurrency=concurrency))


async def _needing_attention(
    sweep: AsyncGenerator[CompanyConnections, None],
) -> AsyncGenerator[CompanyConnections, None]:
    async with aclosing(sweep):
        async for result in sweep:
            flagged = [connection for connection in result.connections if needs_attention(connection)]
            if flagged or result.error is not None:
                yield result._replace(connections=flagged)


async def _from_listing(pages: AsyncGenerator[FleetPage, None]) -> AsyncGenerator[CompanyConnections, None]:
    """Each company of the fleet listing with its connections and the ``Date`` of the page that carried it."""
    async with aclosing(pages):
        async for page in pages:
            for company in page.companies:
                yield CompanyConnections(company.id, company.data_connections or [], None, company.name, page.as_of)


class AsyncConnectionsWithRawResponse:
    """``client.connections.with_raw_response``: each single-request operation returns an ``APIResponse``."""

    def __init__(self, connections: AsyncConnectionsResource) -> None:
        self.list = async_raw_response_wrapper(connections.list)
        self.get = async_raw_response_wrapper(connections.get)
        self.create = async_raw_response_wrapper(connections.create)
        self.delete = async_raw_response_wrapper(connections.delete)
        self.unlink = async_raw_response_wrapper(connections.unlink)
        self.get_authorization_url = async_raw_response_wrapper(connections.get_authorization_url)
        self.update_authorization = async_raw_response_wrapper(connections.update_authorization)

"""``client.connections`` of ``CodatConnections``: Codat's operations, paging, fleet sweeps, raw responses.

Each method checks its arguments and builds its request through ``_operations`` (shared with the
async resource) and hands it to the client's request loop, which the resource sees only as a
``SyncSender``.
"""

from __future__ import annotations

import builtins
from collections.abc import Generator, Iterable, Iterator, Mapping
from contextlib import closing
from typing import TYPE_CHECKING, TypeVar

from codat_connections import _operations as ops
from codat_connections._constants import DEFAULT_PAGE_SIZE
from codat_connections._request import Operation, SyncSender
from codat_connections._response import APIResponse
from codat_connections._sweep import CompanyConnections, check_company_ids, check_concurrency, sweep
from codat_connections.pagination import Page
from codat_connections.query import Query
from codat_connections.status import needs_attention

if TYPE_CHECKING:
    from codat_connections_api.models import Connection

__all__ = ["ConnectionsResource", "ConnectionsWithRawResponse"]

T = TypeVar("T")
DEFAULT_SWEEP_CONCURRENCY = 16


class ConnectionsResource:
    """``client.connections``: list, iterate, get, create, delete, unlink, authorization, sweeps."""

    def __init__(self, sender: SyncSender) -> None:
        self._sender = sender
        self.with_raw_response = ConnectionsWithRawResponse(sender)
        """The same single-request operations, returning ``APIResponse`` (headers, status, ``parse()``)."""

    def _call(self, operation: Operation[T]) -> T:
        return operation.parse(operation.spec, self._sender.send(operation.spec))

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
        return self.with_raw_response.list(
            company_id, page=page, page_size=page_size, query=query, order_by=order_by
        ).parse()

    def iterate(
        self,
        company_id: str,
        *,
        query: Query | str | None = None,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[Connection]:
        """Every matching connection, fetching one page at a time as you consume them."""
        ops.list_page(company_id, 1, page_size, query, order_by)  # refuse bad input now, not at first next()
        return self._iterate(company_id, query, order_by, page_size)

    def _iterate(
        self,
        company_id: str,
        query: Query | str | None,
        order_by: str | None,
        page_size: int,
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
        return self._call(ops.get(company_id, connection_id))

    def create(self, company_id: str, platform_key: str, *, idempotency_key: str | None = None) -> Connection:
        """A new connection to a platform (e.g. ``gbol`` Xero); it starts ``PendingAuth`` with a ``link_url``.

        Sent with an Idempotency-Key (fresh per call unless given), the same on every retry.
        """
        return self._call(ops.create(company_id, platform_key, idempotency_key))

    def delete(self, company_id: str, connection_id: str) -> None:
        """Delete the connection and the data pulled through it. Cannot be undone."""
        self._call(ops.delete(company_id, connection_id))

    def unlink(self, company_id: str, connection_id: str, *, idempotency_key: str | None = None) -> Connection:
        """Set a ``Linked`` connection to ``Unlinked``; its data stays. Sent with an Idempotency-Key."""
        return self._call(ops.unlink(company_id, connection_id, idempotency_key))

    def get_authorization_url(self, company_id: str, connection_id: str) -> str:
        """The URL where the end user (re-)authorizes this connection: its ``link_url``.

        Use it for a ``Deauthorized`` connection instead of creating a new company or connection.
        """
        return self._call(ops.get_authorization_url(company_id, connection_id))

    def update_authorization(self, company_id: str, connection_id: str, authorization: Mapping[str, str]) -> Connection:
        """Replace the credentials the connection uses to reach its platform (see the README).

        ``authorization`` is the platform-specific set of string keys and values Codat documents
        for that platform (for example a key-based banking or commerce integration's API key).
        """
        return self._call(ops.update_authorization(company_id, connection_id, authorization))

    def list_many(
        self,
        company_ids: Iterable[str],
        *,
        query: Query | str | None = None,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        concurrency: int = DEFAULT_SWEEP_CONCURRENCY,
    ) -> Generator[CompanyConnections, None, None]:
        """Every connection of every company, yielded per company as each completes (a fleet sweep).

        ``company_ids`` is read lazily; ``concurrency`` companies are listed at once on a thread
        pool. A company's own failure is in its ``error``; ``AuthenticationError`` and
        ``PaymentRequiredError`` stop the sweep. Leaving the loop early stops all work.
        """
        return self._list_many(company_ids, query, order_by, page_size, concurrency)

    def _list_many(
        self,
        company_ids: Iterable[str],
        query: Query | str | None,
        order_by: str | None,
        page_size: int,
        concurrency: int,
    ) -> Generator[CompanyConnections, None, None]:
        check_company_ids(company_ids)
        ops.list_options(page_size, query, order_by)  # refuse bad input now, not at the first company
        concurrency = check_concurrency(concurrency)

        def list_company(company_id: str) -> builtins.list[Connection]:
            return list(self._iterate(company_id, query, order_by, page_size))

        return sweep(company_ids, list_company, concurrency)

    def needing_attention(
        self, company_ids: Iterable[str], *, concurrency: int = DEFAULT_SWEEP_CONCURRENCY
    ) -> Generator[CompanyConnections, None, None]:
        """The morning question in one call: per company, the connections that need the end user.

        Yields only companies with a ``Deauthorized`` connection or one with an active data
        connection error (see ``needs_attention``), plus every company whose listing failed.
        """
        return _needing_attention(self._list_many(company_ids, None, None, DEFAULT_PAGE_SIZE, concurrency))


def _needing_attention(sweep: Generator[CompanyConnections, None, None]) -> Generator[CompanyConnections, None, None]:
    with closing(sweep):
        for result in sweep:
            flagged = [connection for connection in result.connections if needs_attention(connection)]
            if flagged or result.error is not None:
                yield result._replace(connections=flagged)


class ConnectionsWithRawResponse:
    """``client.connections.with_raw_response``: each call returns an ``APIResponse``."""

    def __init__(self, sender: SyncSender) -> None:
        self._sender = sender

    def _call(self, operation: Operation[T]) -> APIResponse[T]:
        return APIResponse.of(self._sender.send(operation.spec), operation)

    def list(
        self,
        company_id: str,
        *,
        page: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        query: Query | str | None = None,
        order_by: str | None = None,
    ) -> APIResponse[Page[Connection]]:
        """``connections.list`` with the HTTP response; ``parse()`` gives the ``Page``."""
        operation = ops.list_page(company_id, page, page_size, query, order_by)

        def fetch(number: int) -> Page[Connection]:
            return self.list(company_id, page=number, page_size=page_size, query=query, order_by=order_by).parse()

        def make_page(data: ops.PageData) -> Page[Connection]:
            return Page(data.results, page, page_size, data.total_results, next_link=data.next_link, fetch=fetch)

        return self._call(ops.paged(operation, make_page))

    def get(self, company_id: str, connection_id: str) -> APIResponse[Connection]:
        """``connections.get`` with the HTTP response."""
        return self._call(ops.get(company_id, connection_id))

    def create(
        self, company_id: str, platform_key: str, *, idempotency_key: str | None = None
    ) -> APIResponse[Connection]:
        """``connections.create`` with the HTTP response."""
        return self._call(ops.create(company_id, platform_key, idempotency_key))

    def delete(self, company_id: str, connection_id: str) -> APIResponse[None]:
        """``connections.delete`` with the HTTP response."""
        return self._call(ops.delete(company_id, connection_id))

    def unlink(
        self, company_id: str, connection_id: str, *, idempotency_key: str | None = None
    ) -> APIResponse[Connection]:
        """``connections.unlink`` with the HTTP response."""
        return self._call(ops.unlink(company_id, connection_id, idempotency_key))

    def get_authorization_url(self, company_id: str, connection_id: str) -> APIResponse[str]:
        """``connections.get_authorization_url`` with the HTTP response."""
        return self._call(ops.get_authorization_url(company_id, connection_id))

    def update_authorization(
        self, company_id: str, connection_id: str, authorization: Mapping[str, str]
    ) -> APIResponse[Connection]:
        """``connections.update_authorization`` with the HTTP response."""
        return self._call(ops.update_authorization(company_id, connection_id, authorization))

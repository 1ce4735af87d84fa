"""The fleet listing page by page: the companies of the fleet with their connections, and Codat's clock.

``fleet_pages`` reads Codat's companies listing (each company comes with its ``dataConnections``) and
yields one ``FleetPage`` per response: its companies, the response's ``Date`` (Codat's clock) and the
requests it took. The async listing fetches the next page while the consumer works on this one (the
sync one reads it when asked). Leaving the loop early cancels the read ahead.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable
from functools import partial
from typing import TYPE_CHECKING

from codat_connections._constants import MAX_PAGE_SIZE
from codat_connections._fetching import AsyncReadAhead
from codat_connections._headers import server_date
from codat_connections._operations import companies as company_ops
from codat_connections._response import APIResponse
from codat_connections._sweep import FleetPage
from codat_connections.pagination import AsyncPage, SeenPages
from codat_connections.query import Query

if TYPE_CHECKING:
    from codat_connections_api.models import Company

    from codat_connections._async.companies import AsyncCompaniesResource

__all__ = ["fleet_pages"]


def fleet_pages(
    companies: AsyncCompaniesResource, *, tags: Query | str | None = None, page_size: int | None = None
) -> AsyncGenerator[FleetPage, None]:
    """Every company of the fleet (or of those ``tags`` selects), one ``FleetPage`` per response.

    ``page_size`` is companies asked for per request (default 5000, the most Codat's paging allows; a
    server may serve fewer). Bad arguments raise here, before any request.
    """
    size = MAX_PAGE_SIZE if page_size is None else page_size
    company_ops.list_page(1, size, None, tags, None)  # refuse bad input now, not at the first page
    return _fleet_pages(companies, tags, size)


async def _fleet_pages(
    companies: AsyncCompaniesResource, tags: Query | str | None, size: int
) -> AsyncGenerator[FleetPage, None]:
    def read(number: int, asked: int) -> Awaitable[APIResponse[AsyncPage[Company]]]:
        return companies.with_raw_response.list(page=number, page_size=asked, tags=tags)

    ahead: AsyncReadAhead[APIResponse[AsyncPage[Company]]] | None = await AsyncReadAhead.of(lambda: read(1, size))
    seen = SeenPages()
    requests = 0
    try:
        while ahead is not None:
            response = await ahead.result()
            ahead = None
            requests += 1 + response.retries_taken
            page = response.parse()
            if seen.repeats(page):
                yield FleetPage([], server_date(response.headers), requests)
                return
            seen.note(page)
            if page.has_next_page():
                number, asked = page._next()
                ahead = await AsyncReadAhead.of(partial(read, number, asked))
            yield FleetPage(page.results, server_date(response.headers), requests)
            requests = 0
    finally:
        if ahead is not None:
            await ahead.aclose()

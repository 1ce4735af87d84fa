"""The fleet listing page by page: every company once, with its connections and Codat's clock.

``fleet_pages`` reads Codat's companies listing (each company comes with its ``dataConnections``) in
the order of the companies' ``created`` stamps, each read starting after the last company reported
(``_fleet_listing`` says which read comes next and why), so companies created or deleted meanwhile
make no company skipped or reported twice. It yields one ``FleetPage`` per response that brought
companies: them, the response's ``Date`` (Codat's clock) and the requests it took. The async listing
fetches the next page while the consumer works on this one (the sync one reads it when asked);
leaving the loop early cancels that read.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable
from functools import partial
from typing import TYPE_CHECKING

from codat_connections._constants import MAX_PAGE_SIZE
from codat_connections._fetching import AsyncReadAhead
from codat_connections._fleet_listing import FleetListing, ListingOutOfOrder, Read
from codat_connections._headers import server_date
from codat_connections._operations import companies as company_ops
from codat_connections._response import APIResponse
from codat_connections._sweep import FleetPage
from codat_connections.errors import BadRequestError, UnexpectedResponseError
from codat_connections.pagination import AsyncPage
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
    def fetch(read: Read) -> Awaitable[APIResponse[AsyncPage[Company]]]:
        return companies.with_raw_response.list(
            page=read.page, page_size=read.page_size, query=read.query, tags=tags, order_by=read.order_by
        )

    async def start(read: Read | None) -> AsyncReadAhead[APIResponse[AsyncPage[Company]]] | None:
        """The read of ``read``: begun ahead on the async side, on demand on the sync side; None at the end."""
        return None if read is None else await AsyncReadAhead.of(partial(fetch, read))

    listing = FleetListing(size)
    ahead = await start(listing.next_read())
    requests = 0
    try:
        while ahead is not None:
            try:
                response = await ahead.result()
            except BadRequestError as error:
                requests += 1
                if not listing.refused(error):
                    raise
                ahead = await start(listing.next_read())
                continue
            requests += 1 + response.retries_taken
            try:
                new = listing.take(response.parse())
            except ListingOutOfOrder as wrong:
                raise _out_of_order(response, str(wrong)) from None
            as_of = server_date(response.headers)
            del response  # its body is not held while the consumer works on the companies
            ahead = await start(listing.next_read())
            if new or ahead is None:
                yield FleetPage(new, as_of, requests)
                requests = 0
    finally:
        if ahead is not None:
            await ahead.aclose()


def _out_of_order(response: APIResponse[AsyncPage[Company]], why: str) -> UnexpectedResponseError:
    http = response.http_response
    return UnexpectedResponseError(
        why,
        status_code=http.status_code,
        method="GET",
        path="/companies",
        url=response.url,
        body=http.content,
        headers=http.headers,
    )

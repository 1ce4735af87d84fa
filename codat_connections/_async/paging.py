"""A list call's page, and reading a listing record by record, one page in memory at a time."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing
from typing import TypeVar

from codat_connections._request import Operation
from codat_connections.pagination import AsyncPage, PageData, SeenPages

__all__ = ["async_paged", "async_pages_from", "async_records", "async_records_from"]

T = TypeVar("T")


def async_paged(
    operation: Operation[PageData[T]],
    number: int,
    size: int,
    fetch: Callable[[int, int], Awaitable[AsyncPage[T]]],
) -> Operation[AsyncPage[T]]:
    """The list operation for page ``number`` asked at ``size``, decoding into a page that fetches the next."""

    def page(data: PageData[T]) -> AsyncPage[T]:
        return AsyncPage(
            data.results,
            number,
            size,
            data.total_results,
            next_link=data.next_link,
            server_page_size=data.page_size,
            fetch=fetch,
        )

    return operation.then(page)


async def async_pages_from(page: AsyncPage[T]) -> AsyncGenerator[AsyncPage[T], None]:
    """``page`` and each page after it, the next fetched once this one is read.

    Ends at the last page, or at a page repeating an earlier one (a server ignoring the page number).
    """
    seen = SeenPages()
    while not seen.repeats(page):
        seen.note(page)
        yield page
        if not page.has_next_page():
            return
        fetch, number, size = page._following()
        del page  # the consumed page is freed before the next is fetched: memory stays at one page
        page = await fetch(number, size)


async def async_records(first: Callable[[], Awaitable[AsyncPage[T]]]) -> AsyncIterator[T]:
    """Every record of the listing whose first page ``first`` fetches, fetching each page when needed."""
    async for record in async_records_from(await first()):
        yield record


async def async_records_from(page: AsyncPage[T]) -> AsyncIterator[T]:
    """Every record of ``page`` (a first page) and of the pages after it, each once, fetching each page when needed."""
    served_again = page._ids_served_again()
    pages = async_pages_from(page)
    del page
    async with aclosing(pages):
        async for each in pages:
            for record in each._records_not_in(served_again):
                yield record
            del each  # not held while the next page is fetched

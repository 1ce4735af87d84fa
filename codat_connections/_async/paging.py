"""Reading a listing record by record, one page in memory at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from codat_connections.pagination import AsyncPage

__all__ = ["async_records"]

T = TypeVar("T")


async def async_records(first: Callable[[], Awaitable[AsyncPage[T]]]) -> AsyncIterator[T]:
    """Every record of the listing whose first page ``first`` fetches, fetching each page when needed."""
    page = await first()
    while True:
        for record in page.results:
            yield record
        if not page.has_next_page():
            return
        fetch, number, size = page.following()
        del page  # the consumed page is freed before the next is fetched: memory stays at one page
        page = await fetch(number, size)

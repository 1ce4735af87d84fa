"""Reading a listing record by record, one page in memory at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import TypeVar

from codat_connections.pagination import AsyncPage, Fingerprint

__all__ = ["async_records"]

T = TypeVar("T")


async def async_records(first: Callable[[], Awaitable[AsyncPage[T]]]) -> AsyncIterator[T]:
    """Every record of the listing whose first page ``first`` fetches, fetching each page when needed."""
    page = await first()
    seen: set[Fingerprint] = set()
    while True:
        if page.results:
            if page._fingerprint() in seen:
                return  # the server ignores the page number, or cycles: this page repeats an earlier one
            seen.add(page._fingerprint())
        for record in page.results:
            yield record
        if not page.has_next_page():
            return
        fetch, number, size = page._following()
        del page  # the consumed page is freed before the next is fetched: memory stays at one page
        page = await fetch(number, size)

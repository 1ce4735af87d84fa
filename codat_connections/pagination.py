"""Pages of results, the rule for when there is another one, and fetching many pages at once.

Codat pages are 1-based and carry ``totalResults`` and relative ``_links``; ``next`` is absent on
the last page. Real and documented responses are not always consistent (Codat's own example says
``totalResults: 0`` with a ``next`` link of ``"string"``), so a page is the last one when *any*
signal says so: it is empty, it is shorter than the page size asked for, it has no ``next`` link,
or the pages so far cover ``totalResults``. Page numbers only ever go up, so iteration cannot loop.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    import asyncio

__all__ = ["AsyncPage", "Page", "fetch_pages_concurrently"]

T = TypeVar("T")


class _PageBase(Generic[T]):
    __slots__ = ("_fetch", "next_link", "page_number", "page_size", "results", "total_results")

    def __init__(
        self,
        results: list[T],
        page_number: int,
        page_size: int,
        total_results: int,
        *,
        next_link: str | None = None,
        fetch: Callable[[int], Any] | None = None,
    ) -> None:
        self.results = results
        """The records on this page."""
        self.page_number = page_number
        """The page asked for (1-based); the server's own ``pageNumber`` is not trusted."""
        self.page_size = page_size
        """The page size asked for."""
        self.total_results = total_results
        """``totalResults`` as the server reported it for this page's query."""
        self.next_link = next_link
        """The relative href of the next page, as the server reported it (None on the last page)."""
        self._fetch = fetch

    def has_next_page(self) -> bool:
        """True only while every signal says there is more: see the module docstring."""
        if not self.results or len(self.results) < self.page_size or self.next_link is None:
            return False
        return self.page_number * self.page_size < self.total_results

    def _next_number(self) -> int:
        if not self.has_next_page() or self._fetch is None:
            raise LookupError("this is the last page; check has_next_page() first")
        return self.page_number + 1

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[T]:
        return iter(self.results)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(page_number={self.page_number}, page_size={self.page_size}, "
            f"total_results={self.total_results}, results=<{len(self.results)} records>)"
        )


class Page(_PageBase[T]):
    """One page of a list call; ``next_page()`` fetches the following one."""

    __slots__ = ()
    _fetch: Callable[[int], Page[T]] | None

    def next_page(self) -> Page[T]:
        """Fetch the next page. Raises ``LookupError`` on the last page."""
        number = self._next_number()
        assert self._fetch is not None
        return self._fetch(number)


class AsyncPage(_PageBase[T]):
    """One page of an async list call; ``await next_page()`` fetches the following one."""

    __slots__ = ()
    _fetch: Callable[[int], Awaitable[AsyncPage[T]]] | None

    async def next_page(self) -> AsyncPage[T]:
        """Fetch the next page. Raises ``LookupError`` on the last page."""
        number = self._next_number()
        assert self._fetch is not None
        return await self._fetch(number)


def _pages_for(total_results: int, page_size: int) -> int:
    return max(1, math.ceil(total_results / page_size))


async def fetch_pages_concurrently(
    first: AsyncPage[T], fetch: Callable[[int], Awaitable[AsyncPage[T]]], concurrency: int
) -> list[T]:
    """Every record from ``first`` on, fetching up to ``concurrency`` pages at a time, in page order.

    The result is exactly what reading page after page would give. Pages are requested lazily (a
    new one only when one finishes), never beyond what ``totalResults`` promises (raised when a later
    page reports more), and never beyond the first page known to be the last, so at most
    ``concurrency`` requests are ever wasted. The first failure of a page that is needed is raised
    as it is (a ``CodatError``), after every other request has been cancelled and awaited.
    """
    import asyncio  # the caller is a coroutine: asyncio is loaded

    if not first.has_next_page():
        return list(first.results)
    pages: dict[int, AsyncPage[T]] = {1: first}
    running: dict[asyncio.Task[AsyncPage[T]], int] = {}
    abandoned: list[asyncio.Task[AsyncPage[T]]] = []
    promised = _pages_for(first.total_results, first.page_size)
    next_number = 2
    last: int | None = None  # the lowest page known to be the last
    failed: tuple[int, BaseException] | None = None  # the lowest page that failed
    try:
        while True:
            bound = min(last or promised, failed[0] - 1 if failed else promised)
            while len(running) < concurrency and next_number <= bound:
                running[asyncio.ensure_future(fetch(next_number))] = next_number
                next_number += 1
            if not running:
                break
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                number = running.pop(task)
                error = task.exception()
                if error is not None:
                    if failed is None or number < failed[0]:
                        failed = (number, error)
                    continue
                page = pages[number] = task.result()
                if not page.has_next_page():
                    last = number if last is None else min(last, number)
                else:
                    promised = max(promised, _pages_for(page.total_results, page.page_size))
            needed = min(last or next_number, failed[0] if failed else next_number)
            for task, number in list(running.items()):
                if number > needed:
                    task.cancel()
                    del running[task]
                    abandoned.append(task)
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, *abandoned, return_exceptions=True)
    if failed is not None and (last is None or failed[0] <= last):
        raise failed[1]
    results: list[T] = []
    for number in range(1, (last or max(pages)) + 1):
        results.extend(pages[number].results)
    return results

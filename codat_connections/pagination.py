"""Pages of results and the rule for when there is another one.

Codat pages are 1-based and carry ``totalResults`` and relative ``_links``; ``next`` is absent on
the last page. Real and documented responses are not always consistent (Codat's own example says
``totalResults: 0`` with a ``next`` link of ``"string"``), so a page is the last one when *any*
signal says so: it is empty, it is shorter than the page size asked for, it has no ``next`` link,
or the pages so far cover ``totalResults``. Page numbers only ever go up, so iteration cannot loop.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any, Generic, TypeVar

__all__ = ["AsyncPage", "Page"]

T = TypeVar("T")


class _PageBase(Generic[T]):
    __slots__ = ("_fetch", "next_link", "page_number", "page_size", "results", "total_results")

    def __init__(
        self,
        results: list[T],
        page_number: int,
        page_size: int,
        total_results: int | None,
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
        """``totalResults`` as the server reported it (None if absent)."""
        self.next_link = next_link
        """The relative href of the next page, as the server reported it."""
        self._fetch = fetch

    def has_next_page(self) -> bool:
        """True only while every signal says there is more: see the module docstring."""
        if not self.results or len(self.results) < self.page_size or self.next_link is None:
            return False
        return self.total_results is None or self.page_number * self.page_size < self.total_results

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


def last_page_number(total_results: int | None, page_size: int) -> int | None:
    """How many pages ``totalResults`` implies, or None when it is absent."""
    if total_results is None:
        return None
    return max(1, -(-total_results // page_size))

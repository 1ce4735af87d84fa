"""Pages of results, the rule for when there is another one, and the plan for fetching many pages at once.

Codat pages are 1-based and carry ``totalResults``, ``pageSize`` and relative ``_links``; ``next`` is
absent on the last page. A server may serve fewer records than asked (Codat's document caps a
response's ``pageSize`` at 2000 while a request may ask for 5000), and real and documented responses
are not always consistent (Codat's own example says ``totalResults: 0`` with a ``next`` link). The rule:

* an empty page is the last;
* otherwise there is another page while either signal says so: a ``next`` link, or a believable
  ``totalResults`` (an integer from 0 to 2**31 - 1; the document allows any integer, and a negative
  or absurd one is ignored) counting more records than the pages so far hold;
* after a first page shorter than asked, yet with more after it, later pages are asked for at the size
  that came: a server serving fewer than asked on a page that is not the last serves at most that many
  a page, whatever its envelope's ``pageSize`` says (one that caps pages yet echoes the size asked
  would otherwise have records skipped between pages). A server that pages by its reported size and
  served fewer because it filtered after paging then serves some of page 1's records again on the
  following pages: those are dropped by id, so each record comes once either way;
* a page that repeats an earlier one (the same records at both ends: a server that ignores the page
  number, or cycles) ends the listing before it; page numbers only go up. So iteration cannot loop.

Whenever the server pages consistently, following the rule yields exactly the records it holds.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, Generic, Protocol, TypeVar

from codat_connections._constants import INT32_MAX

__all__ = ["MAX_SANE_TOTAL", "AsyncPage", "Page", "known_total"]

T = TypeVar("T")

MAX_SANE_TOTAL = INT32_MAX
"""The largest ``totalResults`` believed; Codat's counts are 32-bit integers."""

Fingerprint = tuple[int, object, object]
"""How many records a page holds and its first and last record's id: equal only on a repeated page."""


def known_total(total_results: int | None) -> int | None:
    """``totalResults`` when it is believable, else None (unknown: follow the links and the records)."""
    if total_results is None or not 0 <= total_results <= MAX_SANE_TOTAL:
        return None
    return total_results


class PageData(Generic[T]):
    """A decoded list response: the records, ``totalResults`` and ``pageSize`` as sent, the ``next`` href."""

    __slots__ = ("next_link", "page_size", "results", "total_results")

    def __init__(self, results: list[T], total_results: int, next_link: str | None, page_size: int | None) -> None:
        self.results = results
        self.total_results = total_results
        self.next_link = next_link
        self.page_size = page_size


class PageBase(Generic[T]):
    """What ``Page`` and ``AsyncPage`` share: the records, what was asked, and the stop rule."""

    __slots__ = ("_fetch", "next_link", "page_number", "page_size", "results", "server_page_size", "total_results")

    def __init__(
        self,
        results: list[T],
        page_number: int,
        page_size: int,
        total_results: int,
        *,
        next_link: str | None = None,
        server_page_size: int | None = None,
        fetch: Callable[[int, int], Any] | None = None,
    ) -> None:
        self.results = results
        """The records on this page."""
        self.page_number = page_number
        """The page asked for (1-based); the server's own ``pageNumber`` is not trusted."""
        self.page_size = page_size
        """The page size asked for (the server may serve fewer: see the module docstring)."""
        self.total_results = total_results
        """``totalResults`` as the server reported it for this page's query (see ``known_total``)."""
        self.next_link = next_link
        """The relative href of the next page as the server reported it: None on the last page, and ``""``
        for a ``next`` link without an href (it still says there is more)."""
        self.server_page_size = server_page_size
        """The envelope's ``pageSize``: the page size the server says it serves."""
        self._fetch = fetch

    def has_next_page(self) -> bool:
        """True while this page has records and a ``next`` link or ``totalResults`` says more remain."""
        if not self.results:
            return False
        if self.next_link is not None:
            return True
        total = known_total(self.total_results)
        return total is not None and self._records_through() < total

    def _fingerprint(self) -> Fingerprint:
        return len(self.results), _identity(self.results[0]), _identity(self.results[-1])

    def _records_through(self) -> int:
        """How many records this page and the ones before it hold, when the server pages consistently."""
        return (self.page_number - 1) * self.page_size + len(self.results)

    def _next_page_size(self) -> int:
        """The size to ask the next page for: see the module docstring. Only the first page sets it."""
        served, asked = len(self.results), self.page_size
        if self.page_number != 1 or not self.results or served >= asked:
            return asked
        return served

    def _ids_served_again(self) -> frozenset[object]:
        """Of a short first page with more after it, the ids a later page may serve again (see the module
        docstring): a server that pages by a larger size and served fewer (a filter applied after paging)
        puts some of this page's records on the next pages too. Empty for any other page."""
        if self.page_number != 1 or len(self.results) >= self.page_size or not self.has_next_page():
            return frozenset()
        return frozenset(_identity(record) for record in self.results)

    def _records_not_in(self, ids: frozenset[object]) -> list[T]:
        """This page's records, less those whose id is in ``ids`` (already served by the first page)."""
        if not ids or self.page_number == 1:
            return self.results
        return [record for record in self.results if _identity(record) not in ids]

    def _next(self) -> tuple[int, int]:
        if not self.has_next_page():
            raise LookupError("this is the last page; check has_next_page() first")
        if self._fetch is None:
            raise LookupError("this page has no client to fetch the next one (it was copied from another process)")
        return self.page_number + 1, self._next_page_size()

    def __len__(self) -> int:
        return len(self.results)

    def __iter__(self) -> Iterator[T]:
        return iter(self.results)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(page_number={self.page_number}, page_size={self.page_size}, "
            f"total_results={self.total_results}, results=<{len(self.results)} records>)"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """A copy for another process: the records and what the server said, without the way to fetch more."""
        state = {"next_link": self.next_link, "server_page_size": self.server_page_size}
        return (type(self), (self.results, self.page_number, self.page_size, self.total_results), state)

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.next_link = state["next_link"]
        self.server_page_size = state["server_page_size"]
        self._fetch = None


class SeenPages:
    """The fingerprints of the pages read so far, to end a listing at a page that repeats an earlier one
    (a server ignoring the page number, or cycling). ``repeats`` only asks; ``note`` records."""

    __slots__ = ("_fingerprints",)

    def __init__(self) -> None:
        self._fingerprints: set[Fingerprint] = set()

    def repeats(self, page: PageBase[Any]) -> bool:
        """Whether ``page`` holds what a page noted earlier did; an empty page repeats nothing (it ends the listing)."""
        return bool(page.results) and page._fingerprint() in self._fingerprints

    def note(self, page: PageBase[Any]) -> None:
        if page.results:
            self._fingerprints.add(page._fingerprint())


def _identity(record: object) -> object:
    """A record's id when it has one (every model here does), else its repr: hashable either way."""
    found = getattr(record, "id", None)
    return found if isinstance(found, str) else repr(record)


class Page(PageBase[T]):
    """One page of a list call; ``next_page()`` fetches the following one."""

    __slots__ = ()
    _fetch: Callable[[int, int], Page[T]] | None

    def next_page(self) -> Page[T]:
        """Fetch the next page. Raises ``LookupError`` on the last page."""
        fetch, number, size = self._following()
        return fetch(number, size)

    def _following(self) -> tuple[Callable[[int, int], Page[T]], int, int]:
        """How to fetch the next page, ``(fetch, number, size)``, so the caller can drop this page first."""
        number, size = self._next()
        assert self._fetch is not None
        return self._fetch, number, size


class AsyncPage(PageBase[T]):
    """One page of an async list call; ``await next_page()`` fetches the following one."""

    __slots__ = ()
    _fetch: Callable[[int, int], Awaitable[AsyncPage[T]]] | None

    async def next_page(self) -> AsyncPage[T]:
        """Fetch the next page. Raises ``LookupError`` on the last page."""
        fetch, number, size = self._following()
        return await fetch(number, size)

    def _following(self) -> tuple[Callable[[int, int], Awaitable[AsyncPage[T]]], int, int]:
        """How to fetch the next page, ``(fetch, number, size)``, so the caller can drop this page first."""
        number, size = self._next()
        assert self._fetch is not None
        return self._fetch, number, size


PageT = TypeVar("PageT", bound=PageBase[Any])
PageT_co = TypeVar("PageT_co", covariant=True)


class Outcome(Protocol[PageT_co]):
    """A finished ``asyncio.Task`` or ``concurrent.futures.Future``."""

    def exception(self) -> BaseException | None: ...

    def result(self) -> PageT_co: ...


class PagePlan(Generic[PageT]):
    """Which pages to request next while fetching many at once, and what the pages add up to; no I/O.

    Pages are requested lazily (a new one only when a slot is free), never beyond the highest page
    known to exist (from ``totalResults`` or a ``next`` link) and never beyond the lowest page known
    to be the last, so at most ``concurrency`` requests are ever wasted: the requests made number at
    most ``ceil(records / served page size) + concurrency``. The lowest failing page that is needed
    is the failure of the whole; pages above a failure or above the last page are cancelled.
    """

    def __init__(self, first: PageT, concurrency: int) -> None:
        self.page_size = first._next_page_size()
        """The size every page after the first is asked for."""
        self.concurrency = concurrency
        self._pages: dict[int, PageT] = {1: first}
        self._seen: dict[Fingerprint, int] = {}  # a page's fingerprint -> the lowest page number holding it
        self._next_number = 2
        self._exists = 1  # the highest page known to exist
        self._last: int | None = None  # the lowest page known to be the last
        self._failed: tuple[int, BaseException] | None = None  # the lowest page that failed
        self._learn(1, first)

    def _learn(self, number: int, page: PageT) -> None:
        if page.results:
            fingerprint = page._fingerprint()
            other = self._seen.setdefault(fingerprint, number)
            if other != number:  # the same records on two pages: the higher one repeats, the listing ends below it
                self._seen[fingerprint] = min(other, number)
                self._end_at(max(other, number) - 1)
        if not page.has_next_page():
            self._end_at(number)
            return
        total = known_total(page.total_results)
        pages_by_total = math.ceil(total / self.page_size) if total else 0
        self._exists = max(self._exists, number + 1, pages_by_total)

    def _end_at(self, number: int) -> None:
        self._last = number if self._last is None else min(self._last, number)

    def _bound(self) -> int:
        bound = self._exists if self._last is None else min(self._exists, self._last)
        return bound if self._failed is None else min(bound, self._failed[0] - 1)

    def to_start(self, running: int) -> list[int]:
        """Page numbers to request now, with ``running`` requests already in flight."""
        numbers: list[int] = []
        while running + len(numbers) < self.concurrency and self._next_number <= self._bound():
            numbers.append(self._next_number)
            self._next_number += 1
        return numbers

    def settle(self, number: int, outcome: Outcome[PageT]) -> None:
        """Take in how the request for page ``number`` ended (a finished task or future)."""
        error = outcome.exception()
        if error is None:
            page = self._pages[number] = outcome.result()
            self._learn(number, page)
        elif self._failed is None or number < self._failed[0]:
            self._failed = (number, error)

    def unneeded(self, running: list[int]) -> list[int]:
        """Of the pages in flight, those beyond the last page or a failure: cancel them."""
        return [number for number in running if number > self._bound()]

    def records(self) -> list[Any]:
        """Every record in page order, or the failure of the lowest needed page."""
        if self._failed is not None and (self._last is None or self._failed[0] <= self._last):
            raise self._failed[1]
        last = self._last if self._last is not None else max(self._pages)
        served_again = self._pages[1]._ids_served_again()
        results: list[Any] = []
        for number in range(1, last + 1):
            results.extend(self._pages[number]._records_not_in(served_again))
        return results

"""Fetching the pages of a list at once, as ``PagePlan`` says: with tasks (async) or threads (sync).

Both return exactly what reading page after page would give, in page order, or raise the lowest
failing page's ``CodatError`` once every other request has been cancelled (async) or told to stop
(threads: a request already on the wire finishes within its timeout, in the background).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncGenerator, Awaitable, Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, TypeVar

from codat_connections import _clock

# The sync client reads no page ahead (it has no event loop to do it on): its sweep pages one at a time,
# as iterate does. The name pairs it with async_pages_ahead, which the async sweep's declaration uses.
from codat_connections._sync.paging import pages as pages_ahead
from codat_connections.pagination import AsyncPage, Fingerprint, Page, PagePlan

if TYPE_CHECKING:
    import asyncio

__all__ = ["all_pages", "async_all_pages", "async_pages_ahead", "pages_ahead"]

T = TypeVar("T")


async def async_all_pages(first: AsyncPage[T], concurrency: int) -> list[T]:
    """Every record from ``first`` on, with up to ``concurrency`` page requests in flight as tasks."""
    import asyncio  # the caller is a coroutine: asyncio is loaded

    if not first.has_next_page():
        return list(first.results)
    fetch = first._following()[0]
    plan: PagePlan[AsyncPage[T]] = PagePlan(first, concurrency)
    running: dict[asyncio.Task[AsyncPage[T]], int] = {}
    abandoned: list[asyncio.Task[AsyncPage[T]]] = []
    try:
        while True:
            for number in plan.to_start(len(running)):
                running[asyncio.ensure_future(fetch(number, plan.page_size))] = number
            if not running:
                break
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                plan.settle(running.pop(task), task)
            unneeded = set(plan.unneeded(list(running.values())))
            for task, number in list(running.items()):
                if number in unneeded:
                    task.cancel()
                    del running[task]
                    abandoned.append(task)
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, *abandoned, return_exceptions=True)
    return plan.records()


def all_pages(first: Page[T], concurrency: int) -> list[T]:
    """Every record from ``first`` on, with up to ``concurrency`` page requests in flight on threads."""
    if not first.has_next_page():
        return list(first.results)
    fetch = first._following()[0]
    plan: PagePlan[Page[T]] = PagePlan(first, concurrency)
    stop = threading.Event()

    def fetch_page(number: int) -> Page[T]:
        with _clock.stop_on(stop):  # a retry's wait or a pause ends when the caller has left
            return fetch(number, plan.page_size)

    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="codat-pages")
    running: dict[Future[Page[T]], int] = {}
    try:
        while True:
            for number in plan.to_start(len(running)):
                running[pool.submit(fetch_page, number)] = number
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                plan.settle(running.pop(future), future)
            unneeded = set(plan.unneeded(list(running.values())))
            for future in [future for future, number in running.items() if number in unneeded]:
                future.cancel()
                del running[future]
    finally:
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)
    return plan.records()


async def async_pages_ahead(first: Callable[[], Awaitable[AsyncPage[T]]]) -> AsyncGenerator[AsyncPage[T], None]:
    """Each page of a listing in order, the next one fetched (as a task) while this one is consumed.

    At most two pages are alive: the one yielded and the one on its way. Leaving cancels the fetch.
    """
    import asyncio  # the caller is a coroutine: asyncio is loaded

    ahead: asyncio.Future[AsyncPage[T]] | None = None
    seen: set[Fingerprint] = set()
    try:
        page = await first()
        while not page._repeats_earlier(seen):
            ahead = asyncio.ensure_future(page.next_page()) if page.has_next_page() else None
            if ahead is not None:
                await asyncio.sleep(0)  # the request goes out now, even if the consumer never awaits
            yield page
            if ahead is None:
                return
            page = await ahead
            ahead = None
    finally:
        if ahead is not None:
            ahead.cancel()
            await asyncio.gather(ahead, return_exceptions=True)

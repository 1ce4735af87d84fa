"""Fetching the pages of a list at once, as ``PagePlan`` says: with tasks (async) or threads (sync); and
reading one page ahead (``AsyncReadAhead``, whose sync twin ``ReadOnDemand`` reads nothing ahead).

``all_pages`` and ``async_all_pages`` return exactly what reading page after page would give, in page
order, or raise the lowest failing page's ``CodatError`` once every other request has been cancelled
(async) or told to stop (threads: a request already on the wire finishes within its timeout, in the
background).
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING, Generic, TypeVar

from codat_connections import _clock
from codat_connections.pagination import AsyncPage, Page, PagePlan

if TYPE_CHECKING:
    import asyncio

__all__ = ["AsyncReadAhead", "ReadOnDemand", "all_pages", "async_all_pages"]

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


class AsyncReadAhead(Generic[T]):
    """A read started at once, as a task, whose result is awaited later: the async fleet listing fetches the
    next page while the consumer works on this one. ``aclose`` cancels a read whose result is not wanted.

    Its sync twin is ``ReadOnDemand`` (``scripts/unasync.py`` maps the name): a thread has no event loop to
    read ahead on.
    """

    def __init__(self, task: asyncio.Future[T]) -> None:
        self._task = task

    @classmethod
    async def of(cls, call: Callable[[], Awaitable[T]]) -> AsyncReadAhead[T]:
        """``call()`` started as a task; its request goes out now, even if the consumer never awaits."""
        import asyncio  # the caller is a coroutine: asyncio is loaded

        ahead = cls(asyncio.ensure_future(call()))
        await asyncio.sleep(0)
        return ahead

    async def result(self) -> T:
        return await self._task

    async def aclose(self) -> None:
        import asyncio

        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


class ReadOnDemand(Generic[T]):
    """The sync twin of ``AsyncReadAhead``: nothing is read ahead; ``call()`` runs when its result is asked for."""

    def __init__(self, call: Callable[[], T]) -> None:
        self._call = call

    @classmethod
    def of(cls, call: Callable[[], T]) -> ReadOnDemand[T]:
        return cls(call)

    def result(self) -> T:
        return self._call()

    def close(self) -> None:
        """Nothing to stop: the read never started."""

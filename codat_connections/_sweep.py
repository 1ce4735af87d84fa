"""Fleet sweeps: every connection of many companies, yielded company by company as each completes.

``company_ids`` is consumed lazily (a generator over millions of ids is never materialized); at
most ``concurrency`` companies are in progress and nothing else is kept, so memory stays flat in
the number of companies. A failure that belongs to one company (it was deleted, the key may not
see it, retries ran out, its id as read is not a valid id) is reported in that company's ``error``
and the sweep goes on; a failure that dooms every call (``FATAL_ERRORS``) stops the sweep and is
raised. Leaving the loop early returns at once: work not yet started is cancelled, and each company
in progress stops before its next request or wait (a request already on the wire ends within its
timeout, in the background).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable, Generator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import datetime
from typing import TYPE_CHECKING, NamedTuple

from codat_connections import _clock
from codat_connections import _validation as check
from codat_connections._constants import MAX_WAIT_SECONDS
from codat_connections.errors import (
    AuthenticationError,
    ClientClosedError,
    CodatError,
    PaymentRequiredError,
    RateLimitError,
)

if TYPE_CHECKING:
    import asyncio

    from codat_connections_api.models import Company, Connection

__all__ = [
    "FATAL_ERRORS",
    "MAX_SWEEP_CONCURRENCY",
    "CompanyConnections",
    "FleetPage",
    "Listed",
    "async_sweep",
    "check_company_ids",
    "check_concurrency",
    "dooms_every_call",
    "sweep",
]

FATAL_ERRORS: tuple[type[CodatError], ...] = (AuthenticationError, PaymentRequiredError, ClientClosedError)
"""Errors that would repeat for every company: the sweep stops and raises them (so does a ``RateLimitError``
asking to wait longer than the client waits: a spent daily quota)."""
MAX_SWEEP_CONCURRENCY = 100
_END = object()

Listed = tuple[list["Connection"], datetime | None]
"""One company's connections and the ``Date`` of the response that carried them (see ``CompanyConnections``)."""


class CompanyConnections(NamedTuple):
    """One company's result in a sweep: its connections, or the error that stopped its listing.

    ``connections`` is empty when ``error`` is set (a partial listing is never passed off as whole).
    ``error`` is a ``CodatError``, or a ``ValueError`` when the id read from ``company_ids`` is not a
    valid company id (``company_id`` is then ``str()`` of what was read). ``company_name`` is set by
    sweeps through the companies listing, which has it at no extra cost. ``as_of`` is Codat's clock
    when it answered: the ``Date`` header of the response that carried these connections (of the first
    page, when the company's own listing took several), an aware UTC datetime to the second; None when
    the response had no readable ``Date`` or the listing failed. Compare it with a webhook's time to
    tell which is newer.
    """

    company_id: str
    connections: list[Connection]
    error: CodatError | ValueError | None = None
    company_name: str | None = None
    as_of: datetime | None = None


class FleetPage(NamedTuple):
    """One page of the fleet listing (``fleet_pages``): its companies, Codat's clock, and what it cost.

    ``companies`` holds each company of the fleet at most once across the whole listing, and every
    company that existed for the whole listing exactly once, however the fleet changes meanwhile.
    ``as_of`` is the ``Date`` header of the response that carried them (Codat's clock, to the second,
    an aware UTC datetime), None when it had none. ``requests`` counts the HTTP requests this page took:
    retries, and reads that brought nothing new, included; summed over the listing, every request made.
    """

    companies: list[Company]
    as_of: datetime | None
    requests: int


def dooms_every_call(error: CodatError) -> bool:
    """A failure that would repeat for every company: a bad key, an account limit, a spent daily quota."""
    if isinstance(error, FATAL_ERRORS):
        return True
    return isinstance(error, RateLimitError) and error.retry_after is not None and error.retry_after > MAX_WAIT_SECONDS


def check_company_ids(company_ids: object) -> None:
    if isinstance(company_ids, str | bytes):
        raise TypeError("company_ids must be an iterable of ids, not one id: pass [company_id]")
    if not isinstance(company_ids, Iterable | AsyncIterable):
        raise TypeError(
            f"company_ids must be an iterable of ids (a list, a generator...), got {type(company_ids).__name__}"
        )


def check_concurrency(value: object) -> int:
    return check.concurrency(value, maximum=MAX_SWEEP_CONCURRENCY, why="companies listed at once")


def _checked_id(value: object, position: int) -> str | CompanyConnections:
    """The id, or the result that reports why it is not one (a lazily read id belongs to its company)."""
    try:
        return check.identifier(value, f"company_ids item {position}")
    except (TypeError, ValueError) as exc:
        return CompanyConnections(str(value), [], ValueError(str(exc)))


def sweep(
    company_ids: Iterable[str],
    list_company: Callable[[str], Listed],
    concurrency: int,
) -> Generator[CompanyConnections, None, None]:
    """Run ``list_company`` for each id on a pool of ``concurrency`` threads; yield as each completes."""
    ids = _checked_ids(iter(company_ids))
    stop = threading.Event()

    def work(company_id: str) -> CompanyConnections:
        try:
            with _clock.stop_on(stop):  # a retry's wait or a pause ends when the consumer leaves
                connections, as_of = list_company(company_id)
                return CompanyConnections(company_id, connections, as_of=as_of)
        except _clock.Stopped:
            return CompanyConnections(company_id, [], None)  # never read: the sweep is over
        except CodatError as error:
            if dooms_every_call(error):
                raise
            return CompanyConnections(company_id, [], error)

    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="codat-sweep")
    running: set[Future[CompanyConnections]] = set()
    try:
        exhausted = False
        while True:
            while not exhausted and len(running) < concurrency:
                company = next(ids, None)
                exhausted = company is None
                if isinstance(company, CompanyConnections):
                    yield company  # an id that is not one: its result, at once
                elif company is not None:
                    running.add(pool.submit(work, company))
            if not running:
                return
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
    finally:
        # No join: the consumer left (break, an exception, Ctrl-C) and gets control back at once. Work
        # not started is cancelled; workers stop before their next request or wait.
        stop.set()
        pool.shutdown(wait=False, cancel_futures=True)


async def async_sweep(
    company_ids: Iterable[str] | AsyncIterable[str],
    list_company: Callable[[str], Awaitable[Listed]],
    concurrency: int,
) -> AsyncGenerator[CompanyConnections, None]:
    """The async ``sweep``: up to ``concurrency`` companies as tasks; cancelled when the loop is left."""
    import asyncio  # the caller is a coroutine: asyncio is loaded

    async def work(company_id: str) -> CompanyConnections:
        try:
            connections, as_of = await list_company(company_id)
            return CompanyConnections(company_id, connections, as_of=as_of)
        except CodatError as error:
            if dooms_every_call(error):
                raise
            return CompanyConnections(company_id, [], error)

    next_company = _id_reader(company_ids)
    running: set[asyncio.Task[CompanyConnections]] = set()
    unread: list[asyncio.Task[CompanyConnections]] = []
    try:
        exhausted = False
        while True:
            while not exhausted and len(running) < concurrency:
                company = await next_company()
                exhausted = company is None
                if isinstance(company, CompanyConnections):
                    yield company  # an id that is not one: its result, at once
                elif company is not None:
                    running.add(asyncio.ensure_future(work(company)))
            if not running:
                return
            finished, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            unread = list(finished)
            while unread:
                yield unread.pop().result()
    finally:
        for task in running:
            task.cancel()
        # Also collect the outcomes never yielded (a fatal error stops the loop), so no task is left
        # with an exception nobody retrieved.
        await asyncio.gather(*running, *unread, return_exceptions=True)


def _checked_ids(ids: Iterator[object]) -> Iterator[str | CompanyConnections]:
    """Each id as read, checked: the id, or the result that reports why it is not one."""
    for position, value in enumerate(ids):
        yield _checked_id(value, position)


def _id_reader(
    company_ids: Iterable[str] | AsyncIterable[str],
) -> Callable[[], Awaitable[str | CompanyConnections | None]]:
    """The next checked id (see ``_checked_ids``), or None at the end; from a plain or an async iterable."""
    if isinstance(company_ids, AsyncIterable):
        async_ids = aiter(company_ids)
        position = 0

        async def next_async() -> str | CompanyConnections | None:
            nonlocal position
            value = await anext(async_ids, _END)
            if value is _END:
                return None
            position += 1
            return _checked_id(value, position - 1)

        return next_async
    ids = _checked_ids(iter(company_ids))

    async def next_sync() -> str | CompanyConnections | None:
        return next(ids, None)

    return next_sync

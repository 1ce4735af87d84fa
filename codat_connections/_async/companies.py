"""``client.companies``: Codat's company operations, paging, and onboarding a customer without duplicates.

Each method checks its arguments, builds its request through ``_operations`` and hands it to the
client's request loop, which the resource sees only as a sender. The raw-response variants are
derived from the plain methods.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, TypeVar

from codat_connections import _validation as check
from codat_connections._async.paging import async_paged, async_records
from codat_connections._async.raw import async_raw_response_wrapper
from codat_connections._async.resource import AsyncResource
from codat_connections._constants import DEFAULT_PAGE_SIZE, MAX_WAIT_SECONDS
from codat_connections._fetching import async_all_pages
from codat_connections._operations import companies as ops
from codat_connections._request import AsyncSender, Operation
from codat_connections.errors import (
    CodatError,
    ConflictError,
    InternalServerError,
    MultipleCompaniesError,
    NotFoundError,
    UnprocessableEntityError,
)
from codat_connections.pagination import AsyncPage
from codat_connections.query import Query

if TYPE_CHECKING:
    from codat_connections_api.models import Company, CompanyAccessToken

__all__ = ["AsyncCompaniesResource", "AsyncCompaniesWithRawResponse"]

T = TypeVar("T")
DEFAULT_PAGE_CONCURRENCY = 4
MAX_PAGE_CONCURRENCY = 10
_LOOKUP_PAGE_SIZE = 100
_MAX_CREATES = 4
"""Creates one onboarding may make when each key's answer names a company deleted or re-tagged since, or the
key was used with another name or description (a customer onboarded again, and again, within 90 minutes)."""
_IN_FLIGHT_POLL_SECONDS = 1.0
"""How often an onboarding asks again while Codat answers 409 (the same onboarding's create in flight)."""


class AsyncCompaniesResource(AsyncResource):
    """``client.companies``: list, iterate, get, create, update, replace, delete, access tokens, get_or_create."""

    def __init__(self, sender: AsyncSender) -> None:
        super().__init__(sender)
        self.with_raw_response = AsyncCompaniesWithRawResponse(self)
        """The same single-request operations, returning ``APIResponse`` (headers, status, ``parse()``)."""

    async def list(
        self,
        *,
        page: int = 1,
        page_size: int = DEFAULT_PAGE_SIZE,
        query: Query | str | None = None,
        tags: Query | str | None = None,
        order_by: str | None = None,
    ) -> AsyncPage[Company]:
        """One page of your companies, each with its ``data_connections`` (pages count from 1; up to 5000).

        ``tags`` filters by tags in Codat's query language (``field("uid") == "cust-42"`` or
        ``"uid=cust-42"``: ``=``, ``!=`` and ``~``), ``query`` by company fields.
        """
        operation = ops.list_page(page, page_size, query, tags, order_by)

        async def fetch(number: int, size: int) -> AsyncPage[Company]:
            return await self.list(page=number, page_size=size, query=query, tags=tags, order_by=order_by)

        return await self._call(async_paged(operation, page, page_size, fetch))

    def iterate(
        self,
        *,
        query: Query | str | None = None,
        tags: Query | str | None = None,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> AsyncIterator[Company]:
        """Every matching company, fetching one page at a time as you consume them."""
        ops.list_page(1, page_size, query, tags, order_by)  # refuse bad input now, not at the first record
        return async_records(lambda: self.list(page_size=page_size, query=query, tags=tags, order_by=order_by))

    async def list_all(
        self,
        *,
        query: Query | str | None = None,
        tags: Query | str | None = None,
        order_by: str | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
        concurrency: int = DEFAULT_PAGE_CONCURRENCY,
    ) -> builtins.list[Company]:
        """Every matching company, in page order, exactly as ``iterate`` gives them.

        After page 1, up to ``concurrency`` pages are requested at once, lazily: at most
        ``concurrency`` requests beyond the last page are ever made. A failing page raises its
        ``CodatError`` and the other requests are stopped.
        """
        check.concurrency(concurrency, maximum=MAX_PAGE_CONCURRENCY, why="pages of one listing at once")
        first = await self.list(page=1, page_size=page_size, query=query, tags=tags, order_by=order_by)
        return await async_all_pages(first, concurrency)

    async def get(self, company_id: str) -> Company:
        """One company, with its ``data_connections``; ``NotFoundError`` if it does not exist."""
        return await self._call(ops.get(company_id))

    async def create(
        self,
        name: str,
        *,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Company:
        """A new company: one of your customers, to which its connections will belong.

        ``name`` is sent as Codat stores it: Codat keeps letters A-Z and a-z, digits, spaces and
        ``-',&@.?!`` and removes every other character (``Acme (UK) Ltd`` becomes ``Acme UK Ltd``), so
        the client removes them first; a name with nothing left is a ``ValueError``. ``tags``
        are your own labels (at most 10; keys of 1 to 27 characters, values of at most 100), such as
        your customer id. Sent with an Idempotency-Key (fresh per call unless given), the same on every
        retry, so a retried create never makes two companies. To find a returning customer's company
        instead of making a second one, use ``get_or_create``.
        """
        return await self._call(ops.create(name, description, tags, idempotency_key))

    async def update(
        self,
        company_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Company:
        """Change a company's name, description or tags; only the fields given are sent, the rest keep their values.

        ``tags`` replaces the company's tags as a whole. Sent with an Idempotency-Key (fresh per call
        unless given), the same on every retry, and retried as keyed writes are.
        """
        return await self._call(ops.update(company_id, name, description, tags, idempotency_key))

    async def replace(
        self,
        company_id: str,
        *,
        name: str,
        description: str | None = None,
        tags: Mapping[str, str] | None = None,
    ) -> Company:
        """Replace the company's name, description and tags as a whole (Codat's PUT).

        A ``description`` or ``tags`` left out is cleared, not kept: use ``update`` to change some
        fields and keep the rest. ``name`` is sent as Codat stores it, as ``create`` sends it. The
        company's connections stay. PUT is idempotent, so it is retried as a read is.
        """
        return await self._call(ops.replace(company_id, name, description, tags))

    async def delete(self, company_id: str) -> None:
        """Delete the company, every connection of it and all their data. Cannot be undone."""
        return await self._call(ops.delete(company_id))

    async def access_token(self, company_id: str) -> CompanyAccessToken:
        """A token for Codat's embeddable connection-management UI, valid for a day (``expires_in`` seconds).

        The token is a credential: its ``repr`` hides it, it cannot be pickled, and this library never
        logs it or puts it in an error.
        """
        return await self._call(ops.access_token(company_id))

    async def get_or_create(
        self,
        name: str,
        *,
        tags: Mapping[str, str],
        description: str | None = None,
        idempotency_key: str | None = None,
    ) -> Company:
        """The customer's company: found by ``tags`` when it exists, created only when none has them.

        ``tags`` names the customer (your own id for it, e.g. ``{"uid": "cust-42"}``); a company is
        the customer's when it carries every one of them, exactly. The create's Idempotency-Key is
        derived from the tags (or is ``idempotency_key``), so two onboardings of one customer at once
        make one company within Codat's 90-minute idempotency window. While the first create is still
        in flight, Codat answers the others 409: they wait for its answer, up to the client's timeout.
        Should Codat fail the create (a 5xx) the company is looked up again; Codat replays a 5xx to the
        same key for those 90 minutes: pass another ``idempotency_key`` to try again sooner. When the
        key's answer names a company deleted or re-tagged since, or the key was used with another
        name or description (a customer onboarded again after their company was deleted), the company
        is created under a fresh key derived from that, the same for every caller. Several companies
        with the tags raise ``MultipleCompaniesError`` listing their ids, and nothing is created; tags
        the lookup could not find again are a ``ValueError`` (``codat_connections.query``).
        """
        wanted = dict(tags) if isinstance(tags, Mapping) else tags
        lookup = ops.tags_filter(wanted)  # checks the tags: before any request
        key = ops.onboarding_key(wanted) if idempotency_key is None else idempotency_key
        name = check.company_name(name)  # as Codat stores it: what the fresh key after a 422 derives from
        ops.create(name, description, wanted, key)  # checks the rest: before any request
        found = await self._find(lookup, wanted)
        if found is not None:
            return found
        keyed_by_body = False
        for _ in range(_MAX_CREATES):
            try:
                created = await self._create_once_in_flight_answered(ops.create(name, description, wanted, key))
            except UnprocessableEntityError:  # the key was used with another request
                found = await self._find(lookup, wanted)
                if found is not None:
                    return found
                if keyed_by_body:
                    raise
                # That request's company is gone: deleted, or re-tagged. Every caller sending this body
                # derives the same fresh key, so a second onboarding at once still makes one company.
                key, keyed_by_body = ops.replacement_key(key, ops.body_token(name, description)), True
                continue
            except (ConflictError, InternalServerError) as error:
                found = await self._find(lookup, wanted)
                if found is not None:
                    return found
                if isinstance(error, InternalServerError) and idempotency_key is None:
                    error._append_to_message(
                        "Codat replays this answer to the customer's onboarding for 90 minutes; pass "
                        "idempotency_key= to try again sooner"
                    )
                raise
            try:
                current = await self._call(ops.get(created.id))
            except NotFoundError:  # a replay of an onboarding whose company was deleted since
                current = None
            if current is not None and ops.carries(current, wanted):
                return current
            key = ops.replacement_key(key, created.id)  # deleted, or re-tagged for another customer since
        raise CodatError(
            f"onboarding the customer with tags {wanted!r} found each Idempotency-Key spent on a company deleted "
            "or re-tagged since; pass idempotency_key= (a fresh GUID) to create it now"
        )

    async def _create_once_in_flight_answered(self, operation: Operation[Company]) -> Company:
        """The create's company; Codat's 409 (a request with the same key still being answered) is waited
        out, polling, until this client's timeout has passed since the first attempt."""
        clock = self._sender.clock
        timeout = self._sender.answer_timeout()
        budget = MAX_WAIT_SECONDS if timeout is None else timeout
        deadline = clock.monotonic() + budget
        while True:
            try:
                return await self._call(operation)
            except ConflictError as error:
                left = deadline - clock.monotonic()
                if left <= 0:
                    error._append_to_message(
                        f"the same onboarding was still in progress after {budget:g} s (this client's timeout)"
                    )
                    raise
                await clock.async_sleep(min(_IN_FLIGHT_POLL_SECONDS, left))

    async def _find(self, lookup: Query, tags: Mapping[str, str]) -> Company | None:
        """The one company carrying ``tags``; None if none does; ``MultipleCompaniesError`` if several do."""
        exact = [
            company
            async for company in async_records(lambda: self.list(tags=lookup, page_size=_LOOKUP_PAGE_SIZE))
            if ops.carries(company, tags)
        ]
        if len(exact) > 1:
            raise MultipleCompaniesError(tags=tags, company_ids=[company.id for company in exact])
        return exact[0] if exact else None


class AsyncCompaniesWithRawResponse:
    """``client.companies.with_raw_response``: each single-request operation returns an ``APIResponse``."""

    def __init__(self, companies: AsyncCompaniesResource) -> None:
        self.list = async_raw_response_wrapper(companies.list)
        self.get = async_raw_response_wrapper(companies.get)
        self.create = async_raw_response_wrapper(companies.create)
        self.update = async_raw_response_wrapper(companies.update)
        self.replace = async_raw_response_wrapper(companies.replace)
        self.delete = async_raw_response_wrapper(companies.delete)
        self.access_token = async_raw_response_wrapper(companies.access_token)

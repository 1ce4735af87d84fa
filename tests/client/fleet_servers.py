"""Servers for the fleet listing's tests: the fake behind a transport that changes the fleet between the
listing's pages and can play a server unlike the fake (newest first by default, refusing or ignoring the
keyset parameters, capping pages while echoing the size asked); and a small listing with shared stamps."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlencode

import httpx

from codat_connections import AsyncCodatConnections, CodatConnections
from codat_connections.testing import FakeCodat
from codat_connections.testing._operations.companies import COMPANY_FIELDS
from codat_connections.testing._operations.listing import PageRequest, Refused, filtered, ordered, page_body
from tests.conftest import API_KEY, codat_error

AUTH = "Basic " + base64.b64encode(API_KEY.encode()).decode()
KEYSET_BEHAVIOURS = ("honoured", "query refused", "order refused", "ignored")
"""What a server does with ``orderBy`` and ``query`` on the companies listing."""


class ChangingFleet:
    """The fake's companies listing, with ``between[k]`` run just before the k-th listing request (from 1) is
    answered, as another process creating and deleting companies meanwhile would.

    ``default_order`` is the order without ``orderBy`` ("oldest" first, as the fake lists, or "newest");
    ``keyset`` is one of ``KEYSET_BEHAVIOURS``; ``echo_cap`` serves at most that many companies a page
    while the envelope says the size asked, with no ``next`` links.
    """

    def __init__(
        self, fake: FakeCodat, *, default_order: str = "oldest", keyset: str = "honoured", echo_cap: int | None = None
    ) -> None:
        assert default_order in ("oldest", "newest") and keyset in KEYSET_BEHAVIOURS
        self.fake, self.default_order, self.keyset, self.echo_cap = fake, default_order, keyset, echo_cap
        self.inner = fake.transport()
        self.between: dict[int, Callable[[], object]] = {}
        self.listings: list[dict[str, str]] = []
        """The parameters of each listing request, as the client sent them."""

    def delete(self, *company_ids: str) -> None:
        """Delete companies through the API, as another process would (they leave the listing at once)."""
        for company_id in company_ids:
            answer = self.fake.handle("DELETE", f"/companies/{company_id}", {}, {"authorization": AUTH}, b"")
            assert answer.status == 204, answer.body

    def create(self, count: int) -> None:
        """Create ``count`` companies, as another process would: each is the newest."""
        for _ in range(count):
            self.fake.add_company("Created meanwhile")

    def current_ids(self) -> set[str]:
        """The ids of the companies the fake holds now."""
        answer = self.fake.handle("GET", "/companies", {"pageSize": "5000"}, {"authorization": AUTH}, b"")
        return {company["id"] for company in json.loads(answer.body)["results"]}

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET" or request.url.path != "/companies":
            return self.inner.handle_request(request)
        params = dict(request.url.params)
        self.listings.append(dict(params))
        action = self.between.get(len(self.listings))
        if action is not None:
            action()
        if (self.keyset == "query refused" and "query" in params) or (
            self.keyset == "order refused" and "orderBy" in params
        ):
            return httpx.Response(400, json=codat_error(400, "Error parsing query - this listing cannot be filtered"))
        if self.keyset == "ignored":
            params.pop("query", None)
            params.pop("orderBy", None)
        if "orderBy" not in params and self.default_order == "newest":
            params["orderBy"] = "-created"
        if self.echo_cap is not None:
            params["pageSize"] = str(min(int(params.get("pageSize", "100")), self.echo_cap))
        url = request.url.copy_with(query=urlencode(params).encode())
        forwarded = httpx.Request("GET", url, headers=request.headers)
        response = self.inner.handle_request(forwarded)
        if self.echo_cap is None or response.status_code != 200:
            return response
        body = json.loads(response.read())
        body["pageSize"] = int(request.url.params.get("pageSize", "100"))
        body["_links"].pop("next", None)
        return httpx.Response(200, headers={"date": response.headers["date"]}, json=body)

    def client(self) -> CodatConnections:
        return CodatConnections(api_key=API_KEY, http_client=httpx.Client(transport=httpx.MockTransport(self.handle)))

    def async_client(self) -> AsyncCodatConnections:
        transport = httpx.MockTransport(self.handle)
        return AsyncCodatConnections(api_key=API_KEY, http_client=httpx.AsyncClient(transport=transport))


class StampedListing:
    """A companies listing over records whose ``created`` stamps the test chooses (so many can share one),
    filtered, ordered and paged by the fake's own rules; ``between[k]`` runs before the k-th listing request.
    ``cap`` caps the companies a page serves; ``unstamped_first`` orders companies without ``created`` first
    (the fake orders them last)."""

    def __init__(self, stamps: list[str], *, cap: int = 5000, unstamped_first: bool = False) -> None:
        self.records = [self.record(index, stamp) for index, stamp in enumerate(stamps)]
        self.cap = cap
        self.unstamped_first = unstamped_first
        self.between: dict[int, Callable[[], object]] = {}
        self.listings: list[dict[str, str]] = []

    @staticmethod
    def record(index: int, stamp: str) -> dict[str, Any]:
        company_id = f"c0000000-0000-4000-8000-{index:012d}"
        return {"id": company_id, "name": f"Company {index}", "created": stamp, "redirect": "https://x/y"}

    def delete(self, *company_ids: str) -> None:
        self.records = [record for record in self.records if record["id"] not in company_ids]

    def handle(self, request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        self.listings.append(params)
        action = self.between.get(len(self.listings))
        if action is not None:
            action()
        try:
            records = list(self.records)
            if "query" in params:
                records = filtered(records, params["query"], COMPANY_FIELDS, "Company")
            if "orderBy" in params:
                records = ordered(records, params["orderBy"], COMPANY_FIELDS, "Company")
                if self.unstamped_first:
                    records.sort(key=lambda record: "created" in record)
        except Refused as refused:
            return httpx.Response(refused.response.status, content=refused.response.body)
        page = PageRequest(int(params["page"]), min(int(params["pageSize"]), self.cap))
        start = (page.number - 1) * page.size
        body = page_body(records[start : start + page.size], len(records), page, "/companies", {})
        return httpx.Response(200, headers={"date": "Mon, 02 Mar 2026 08:00:00 GMT"}, json=body)

    @contextmanager
    def client(self) -> Iterator[CodatConnections]:
        http = httpx.Client(transport=httpx.MockTransport(self.handle))
        with CodatConnections(api_key=API_KEY, http_client=http) as client:
            yield client

"""The fleet listing while the fleet changes (issue 23 §2): every company that exists for the whole listing is
reported exactly once, whatever is created or deleted between its pages, in either default order, and whether the
server honours the keyset reads or the listing has to fall back to page numbers."""

from __future__ import annotations

import logging
import math
import random
from collections.abc import Callable

import httpx
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from codat_connections import BadRequestError, CompanyConnections, UnexpectedResponseError, field, needs_attention
from codat_connections._async.fleet import fleet_pages as async_fleet_pages
from codat_connections._fleet_listing import MAX_EXCLUDED
from codat_connections._sync.fleet import fleet_pages
from codat_connections.testing import FakeCodat
from tests.client.fleet_servers import ChangingFleet, StampedListing
from tests.conftest import API_KEY
from tests.profiles import examples

PAGE = 5
Scenario = Callable[[ChangingFleet, list[str]], None]


def repro(server: ChangingFleet, ids: list[str]) -> None:
    """A company of page 1 is deleted before page 2 is read (offset paging then skipped page 2's first)."""
    server.between[2] = lambda: server.delete(ids[1])


def creations(server: ChangingFleet, ids: list[str]) -> None:
    """Companies created before pages 2 and 3 (a newest-first server then pushed page 1's last onto page 2)."""
    server.between[2] = lambda: server.create(3)
    server.between[3] = lambda: server.create(7)


def deletions(server: ChangingFleet, ids: list[str]) -> None:
    """Deletions on both sides of the page read, one of more than a page."""
    server.between[2] = lambda: server.delete(ids[0], ids[2], ids[-1])
    server.between[3] = lambda: server.delete(*ids[3:10])


def balanced(server: ChangingFleet, ids: list[str]) -> None:
    """As many created as deleted before every page: ``totalResults`` never moves."""

    def swap(victim: str) -> Callable[[], None]:
        def run() -> None:
            server.delete(victim)
            server.create(1)

        return run

    for k, victim in zip(range(2, 9), (ids[1], ids[-2], ids[4], ids[12], ids[6], ids[20], ids[8]), strict=True):
        server.between[k] = swap(victim)


SCENARIOS = {"repro": repro, "creations": creations, "deletions": deletions, "balanced": balanced}
COMPLETE = [  # (keyset behaviour, default order): the listing promises the contract whatever changes
    ("honoured", "oldest"),
    ("honoured", "newest"),
    ("query refused", "oldest"),
    ("query refused", "newest"),
    ("order refused", "newest"),
    ("ignored", "newest"),
]
IN_THE_SERVERS_OWN_OLDEST_FIRST_ORDER = [("order refused", "oldest"), ("ignored", "oldest")]


def fleet(default_order: str, keyset: str, n: int = 23) -> tuple[ChangingFleet, list[str]]:
    fake = FakeCodat(api_key=API_KEY)
    ids = fake.add_companies(n, connections_each=1)
    return ChangingFleet(fake, default_order=default_order, keyset=keyset), ids


def check_contract(reported: list[str], before: list[str], server: ChangingFleet) -> None:
    throughout = set(before) & server.current_ids()
    assert len(reported) == len(set(reported)), "no company reported twice"
    missed = throughout - set(reported)
    assert not missed, f"{len(missed)} companies that existed throughout were missed"


def listed(server: ChangingFleet) -> list[str]:
    with server.client() as client:
        pages = list(fleet_pages(client.companies, page_size=PAGE))
    assert sum(page.requests for page in pages) == len(server.listings), "every request is counted once"
    return [company.id for page in pages for company in page.companies]


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize(("keyset", "default_order"), COMPLETE)
def test_every_company_that_exists_throughout_is_reported_exactly_once(
    keyset: str, default_order: str, scenario: str
) -> None:
    server, ids = fleet(default_order, keyset)
    SCENARIOS[scenario](server, ids)
    check_contract(listed(server), ids, server)


@pytest.mark.parametrize("scenario", ["repro", "creations", "deletions"])
@pytest.mark.parametrize(("keyset", "default_order"), IN_THE_SERVERS_OWN_OLDEST_FIRST_ORDER)
def test_in_an_oldest_first_servers_own_order_the_count_shows_every_shift_but_a_balanced_one(
    keyset: str, default_order: str, scenario: str
) -> None:
    """The one case the contract cannot be kept (documented, and warned of): creations appended while
    deletions shift pages up, in equal numbers. Every other change is seen through ``totalResults``."""
    server, ids = fleet(default_order, keyset)
    SCENARIOS[scenario](server, ids)
    check_contract(listed(server), ids, server)


def test_the_repro_deauthorized_first_company_of_page_2_is_found() -> None:
    """Issue 23 §2: a company deleted on page 1 made the first of page 2, the Deauthorized one, vanish."""
    server, ids = fleet("oldest", "honoured")
    server.fake.seed_connections(ids[PAGE], 1, status="Deauthorized")
    server.between[2] = lambda: server.delete(ids[1])
    with server.client() as client:
        swept = list(client.connections.list_many(page_size=PAGE))
    flagged = [r.company_id for r in swept if any(needs_attention(c) for c in r.connections)]
    assert flagged == [ids[PAGE]]


async def test_the_async_listing_keeps_the_contract_while_it_reads_ahead() -> None:
    for scenario in SCENARIOS.values():
        server, ids = fleet("newest", "honoured")
        scenario(server, ids)
        async with server.async_client() as client:
            results: list[CompanyConnections] = [r async for r in client.connections.list_many(page_size=PAGE)]
        check_contract([r.company_id for r in results], ids, server)


async def test_the_async_fallback_keeps_the_contract_too() -> None:
    server, ids = fleet("oldest", "query refused")
    balanced(server, ids)
    async with server.async_client() as client:
        pages = [page async for page in async_fleet_pages(client.companies, page_size=PAGE)]
    assert sum(page.requests for page in pages) == len(server.listings)
    check_contract([company.id for page in pages for company in page.companies], ids, server)


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(0, 2**32),
    behaviour=st.sampled_from(COMPLETE),
    n=st.integers(0, 40),
    page=st.integers(1, 12),
)
def test_random_churn_between_pages_never_skips_nor_repeats(
    seed: int, behaviour: tuple[str, str], n: int, page: int
) -> None:
    keyset, default_order = behaviour
    # A server ignoring the keyset query is told by its answer bringing back a company of page 1, unless
    # every company of page 1 was deleted meanwhile (churn deletes up to 3); later it is an error, not a loss.
    assume(keyset != "ignored" or page >= 4)
    server, ids = fleet(default_order, keyset, n)
    rng = random.Random(seed)
    alive = list(ids)

    def churn() -> None:
        for _ in range(rng.randint(0, 3)):
            if alive:
                server.delete(alive.pop(rng.randrange(len(alive))))
        for _ in range(rng.randint(0, 3)):
            alive.append(server.fake.add_company("Churned"))

    for k in range(2, 40):
        server.between[k] = churn
    with server.client() as client:
        pages = list(fleet_pages(client.companies, page_size=page))
    check_contract([company.id for page in pages for company in page.companies], ids, server)


@pytest.mark.parametrize(("keyset", "extra"), [("honoured", 0), ("order refused", 1)])
def test_requests_are_one_per_page_served_plus_at_most_one(keyset: str, extra: int) -> None:
    server, ids = fleet("oldest", keyset, n=23)
    assert listed(server) == ids
    assert len(server.listings) == math.ceil(23 / PAGE) + extra


def test_a_server_that_caps_pages_and_echoes_the_size_asked_loses_none_of_2001() -> None:
    """Issue 23 §2: 200 served of the 2000 asked, pageSize 2000 echoed, no next links."""
    for keyset in ("honoured", "order refused"):
        fake = FakeCodat(api_key=API_KEY)
        ids = fake.add_companies(2001)
        server = ChangingFleet(fake, keyset=keyset, echo_cap=200)
        with server.client() as client:
            pages = list(fleet_pages(client.companies, page_size=2000))
        assert [company.id for page in pages for company in page.companies] == ids
        assert len(server.listings) == math.ceil(2001 / 200) + (keyset != "honoured")


def test_a_fallback_says_so_once_and_names_the_servers_answer(caplog: pytest.LogCaptureFixture) -> None:
    server, _ = fleet("oldest", "query refused", n=8)
    with caplog.at_level(logging.WARNING, logger="codat_connections"):
        listed(server)
    (record,) = caplog.records
    assert "did not honour orderBy=created" in record.getMessage()
    assert "this listing cannot be filtered" in record.getMessage()
    assert server.listings[2].get("orderBy") == "-created", "newest first: creations land before every page"


def test_a_server_that_stops_honouring_the_order_is_an_unexpected_response() -> None:
    server, _ = fleet("oldest", "honoured", n=12)

    def stop_honouring() -> None:
        server.keyset = "ignored"
        server.default_order = "newest"

    server.between[3] = stop_honouring
    with server.client() as client, pytest.raises(UnexpectedResponseError, match="stopped honouring orderBy=created"):
        list(fleet_pages(client.companies, page_size=PAGE))


# -- many companies on one created stamp -------------------------------------------------------------


def stamps(*groups: tuple[str, int]) -> list[str]:
    return [stamp for stamp, count in groups for _ in range(count)]


A, B, C = "2026-01-05T10:00:00Z", "2026-01-05T10:00:01Z", "2026-01-05T10:00:02Z"


@pytest.mark.parametrize(("tied", "page_size"), [(MAX_EXCLUDED - 2, 10), (MAX_EXCLUDED + 13, 10), (250, 100)])
def test_companies_sharing_one_stamp_are_each_read_once_without_looping(tied: int, page_size: int) -> None:
    listing = StampedListing(stamps((A, 12), (B, tied), (C, 8)))
    with listing.client() as client:
        pages = list(fleet_pages(client.companies, page_size=page_size))
    ids = [company.id for page in pages for company in page.companies]
    assert sorted(ids) == sorted(record["id"] for record in listing.records)
    assert len(ids) == len(set(ids))
    reread = math.ceil(MAX_EXCLUDED / page_size) + 2  # a stamp read on its own is read from its start, then past it
    assert len(listing.listings) <= math.ceil(len(listing.records) / page_size) + reread


def test_a_deletion_among_companies_sharing_a_stamp_makes_none_of_them_missed() -> None:
    listing = StampedListing(stamps((A, 3), (B, 60), (C, 4)))
    before = [record["id"] for record in listing.records]
    listing.between[3] = lambda: listing.delete(*before[3:9])  # read already, on B
    listing.between[5] = lambda: listing.delete(before[4])
    with listing.client() as client:
        ids = [company.id for page in fleet_pages(client.companies, page_size=10) for company in page.companies]
    survivors = {record["id"] for record in listing.records}
    assert len(ids) == len(set(ids)) and survivors <= set(ids)
    assert any(params.get("query") == f"created={B}" for params in listing.listings), "B was read on its own"


def test_a_page_of_only_one_stamp_served_by_a_capping_server_still_ends() -> None:
    listing = StampedListing(stamps((A, 1), (B, 90), (C, 1)), cap=7)
    with listing.client() as client:
        ids = [company.id for page in fleet_pages(client.companies, page_size=50) for company in page.companies]
    assert sorted(ids) == sorted(record["id"] for record in listing.records)
    assert len(listing.listings) < 40


def test_tags_select_the_companies_of_every_keyset_read() -> None:
    fake = FakeCodat(api_key=API_KEY)
    mine = [fake.add_company(f"Mine {n}", tags={"team": "lending"}) for n in range(7)]
    fake.add_companies(6)
    server = ChangingFleet(fake)
    server.between[3] = lambda: fake.add_company("Also mine", tags={"team": "lending"})
    with server.client() as client:
        pages = list(fleet_pages(client.companies, tags=field("team") == "lending", page_size=2))
    ids = [company.id for page in pages for company in page.companies]
    assert ids[:7] == mine and len(ids) == len(set(ids)) == 8
    assert all(params["tags"] == "team=lending" for params in server.listings)


def test_a_server_refusing_every_listing_raises_its_error_after_one_fallback() -> None:
    fake = FakeCodat(api_key=API_KEY)
    fake.add_companies(3)
    server = ChangingFleet(fake)
    fake.fail_with_status(400, times=5, path="/companies", method="GET")
    with server.client() as client, pytest.raises(BadRequestError):
        list(fleet_pages(client.companies))
    assert [params.get("orderBy") for params in server.listings] == ["created", None]


def test_companies_without_a_created_stamp_make_the_listing_fall_back_and_lose_none(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Codat's document gives every company ``created`` (not nullable); should one come without it, the
    listing cannot read past it by stamp, and reads by page number instead."""
    listing = StampedListing(stamps((A, 4), (B, 4), (C, 4)), unstamped_first=True)
    for record in listing.records[1::3]:
        del record["created"]
    with listing.client() as client, caplog.at_level(logging.WARNING, logger="codat_connections"):
        ids = [company.id for page in fleet_pages(client.companies, page_size=3) for company in page.companies]
    assert sorted(ids) == sorted(record["id"] for record in listing.records)
    assert "has no created stamp a query can carry" in caplog.text


def test_a_stamps_own_reads_answered_with_other_stamps_are_an_unexpected_response() -> None:
    listing = StampedListing(stamps((A, 2), (B, MAX_EXCLUDED + 10), (C, 5)))
    answer = listing.handle

    def ignoring_the_stamps_own_query(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("query", "").startswith("created="):
            request = httpx.Request("GET", request.url.copy_remove_param("query"), headers=request.headers)
        return answer(request)

    listing.handle = ignoring_the_stamps_own_query  # type: ignore[method-assign]
    with listing.client() as client, pytest.raises(UnexpectedResponseError, match="carry other created stamps"):
        list(fleet_pages(client.companies, page_size=10))

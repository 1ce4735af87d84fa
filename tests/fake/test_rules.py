"""The fake's own rules, as a user's test relies on them (each was seen to fail against a hand-made mutant).

A user's test passes or fails by what the fake allows: if the fake let a ``PendingAuth`` connection
be unlinked, a user's code that does so would pass its tests and fail against Codat. So each rule is
pinned here over plain HTTP, in-process and over loopback.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import httpx
import pytest

from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY
from tests.fake.conftest import AUTH, Clock, assert_codat_error, link_prefix

UNLINK = {"status": "Unlinked"}


def path(company: str, connection: str | None = None) -> str:
    return f"/companies/{company}/connections" + (f"/{connection}" if connection else "")


def in_status(fake: FakeCodat, company: str, status: str) -> str:
    """A connection of ``company`` brought to ``status`` through the fake's own transitions."""
    [connection] = fake.seed_connections(company, 1, status="PendingAuth")
    if status in ("Linked", "Deauthorized", "Unlinked"):
        fake.complete_link(company, connection)
    if status == "Deauthorized":
        fake.deauthorize(company, connection)
    if status == "Unlinked":
        fake.handle("PATCH", path(company, connection), {}, AUTH, b'{"status": "Unlinked"}')
    return connection


def status_of(fake: FakeCodat, company: str, connection: str) -> str:
    [record] = [c for c in fake.connections_of(company) if c["id"] == connection]
    return str(record["status"])


# -- create ---------------------------------------------------------------------------------------------
def test_create_starts_pending_auth_with_the_link_url_of_that_connection(http: httpx.Client, company: str) -> None:
    created = http.post(path(company), json={"platformKey": "gbol"}).json()
    assert created["status"] == "PendingAuth"
    assert created["linkUrl"] == link_prefix(http, company) + f"{created['id']}/start"
    assert (created["integrationKey"], created["platformName"], created["sourceType"]) == ("gbol", "Xero", "Accounting")
    assert http.get(path(company, created["id"])).json() == created


# -- unlink: only Linked --------------------------------------------------------------------------------
def test_unlink_sets_unlinked_and_keeps_the_connection(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    connection = in_status(fake, company, "Linked")
    assert http.patch(path(company, connection), json=UNLINK).json()["status"] == "Unlinked"
    assert http.get(path(company, connection)).json()["status"] == "Unlinked"


@pytest.mark.parametrize("status", ["PendingAuth", "Deauthorized", "Unlinked"])
def test_unlink_is_refused_unless_linked(http: httpx.Client, fake: FakeCodat, company: str, status: str) -> None:
    connection = in_status(fake, company, status)
    message = assert_codat_error(http.patch(path(company, connection), json=UNLINK), 400)
    assert "Only Linked connections can be unlinked" in message
    assert status_of(fake, company, connection) == status


@pytest.mark.parametrize("body", [{"status": "Linked"}, {"status": "Deauthorized"}, {}])
def test_unlink_accepts_only_the_unlinked_status(
    http: httpx.Client, fake: FakeCodat, company: str, body: dict[str, Any]
) -> None:
    connection = in_status(fake, company, "Linked")
    assert_codat_error(http.patch(path(company, connection), json=body), 400)
    assert status_of(fake, company, connection) == "Linked"


# -- the platform and the end user -----------------------------------------------------------------------
@pytest.mark.parametrize("status", ["PendingAuth", "Deauthorized", "Unlinked"])
def test_deauthorize_is_refused_unless_linked(fake: FakeCodat, company: str, status: str) -> None:
    connection = in_status(fake, company, status)
    with pytest.raises(ValueError, match="only a Linked connection can be deauthorized"):
        fake.deauthorize(company, connection)
    assert status_of(fake, company, connection) == status


def test_deauthorize_records_an_active_error(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    connection = in_status(fake, company, "Linked")
    fake.deauthorize(company, connection, "Revoked in Xero")
    record = http.get(path(company, connection)).json()
    assert record["status"] == "Deauthorized"
    [error] = record["dataConnectionErrors"]
    assert (error["status"], error["errorMessage"], error["resolvedOnUtc"]) == ("Active", "Revoked in Xero", None)


@pytest.mark.parametrize("status", ["PendingAuth", "Deauthorized", "Unlinked"])
def test_complete_link_makes_it_linked_and_resolves_its_errors(
    http: httpx.Client, fake: FakeCodat, company: str, status: str
) -> None:
    connection = in_status(fake, company, status)
    fake.complete_link(company, connection)
    record = http.get(path(company, connection)).json()
    assert record["status"] == "Linked"
    assert record["lastSync"]
    assert all(e["status"] == "Resolved" and e["resolvedOnUtc"] for e in record.get("dataConnectionErrors") or [])


def test_complete_link_is_refused_when_already_linked(fake: FakeCodat, company: str) -> None:
    connection = in_status(fake, company, "Linked")
    with pytest.raises(ValueError, match="already Linked"):
        fake.complete_link(company, connection)


def test_fail_link_keeps_the_status_and_adds_an_active_error(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    connection = in_status(fake, company, "PendingAuth")
    fake.fail_link(company, connection, "The user cancelled")
    record = http.get(path(company, connection)).json()
    assert record["status"] == "PendingAuth"
    assert [(e["status"], e["errorMessage"]) for e in record["dataConnectionErrors"]] == [
        ("Active", "The user cancelled")
    ]
    with pytest.raises(ValueError, match="Linked"):
        fake.fail_link(company, in_status(fake, company, "Linked"))


# -- delete ---------------------------------------------------------------------------------------------
def test_delete_then_every_operation_on_it_is_404(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    connection = in_status(fake, company, "Linked")
    other = in_status(fake, company, "Linked")
    assert http.delete(path(company, connection)).status_code == 200
    assert "not found" in assert_codat_error(http.get(path(company, connection)), 404)
    assert_codat_error(http.delete(path(company, connection)), 404)
    assert_codat_error(http.patch(path(company, connection), json=UNLINK), 404)
    assert_codat_error(http.put(path(company, connection) + "/authorization", json={"t": "x"}), 404)
    assert [c["id"] for c in fake.connections_of(company)] == [other]
    with pytest.raises(ValueError, match="not found"):
        fake.complete_link(company, connection)


def test_an_unknown_company_is_404(http: httpx.Client) -> None:
    assert "No company" in assert_codat_error(http.get(path("8a210b68-0000-4000-8000-000000000000")), 404)


# -- authentication -------------------------------------------------------------------------------------
@pytest.mark.parametrize("authorization", [None, "Basic d3Jvbmc=", "Bearer " + API_KEY, API_KEY])
def test_a_wrong_or_missing_key_is_401_and_changes_nothing(
    http: httpx.Client, fake: FakeCodat, company: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    request = http.build_request("POST", path(company), json={"platformKey": "gbol"}, headers=headers)
    if authorization is None:
        del request.headers["Authorization"]
    message = assert_codat_error(http.send(request), 401)
    assert fake.connections_of(company) == []
    # A new user's trial: a bare "Unauthorized" left them guessing which key the fake wants.
    assert "FakeCodat(api_key=...)" in message and "--api-key" in message
    assert API_KEY not in message  # where the key comes from, never the key


# -- idempotency ----------------------------------------------------------------------------------------
def test_the_same_key_and_body_replays_the_first_answer(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    first = http.post(path(company), json={"platformKey": "gbol"}, headers={"Idempotency-Key": "k-1"})
    again = http.post(path(company), json={"platformKey": "gbol"}, headers={"Idempotency-Key": "k-1"})
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert len(fake.connections_of(company)) == 1


def test_the_same_key_with_another_body_is_422_and_applies_nothing(
    http: httpx.Client, fake: FakeCodat, company: str
) -> None:
    http.post(path(company), json={"platformKey": "gbol"}, headers={"Idempotency-Key": "k-1"})
    other = http.post(path(company), json={"platformKey": "qhyg"}, headers={"Idempotency-Key": "k-1"})
    assert_codat_error(other, 422)
    assert [c["integrationKey"] for c in fake.connections_of(company)] == ["gbol"]


def test_a_key_is_per_request_not_per_client(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    http.post(path(company), json={"platformKey": "gbol"}, headers={"Idempotency-Key": "k-1"})
    http.post(path(company), json={"platformKey": "gbol"}, headers={"Idempotency-Key": "k-2"})
    http.post(path(company), json={"platformKey": "gbol"})
    assert len(fake.connections_of(company)) == 3


def test_a_429_is_not_cached_so_the_same_key_runs_later(clock: Clock) -> None:
    fake = FakeCodat(api_key=API_KEY, clock=clock)
    company = fake.add_company()
    fake.enforce_rate_limits(requests=1, per_seconds=60)
    with httpx.Client(transport=fake.transport(), base_url="https://api.codat.io", headers=AUTH) as http:
        assert http.get(path(company)).status_code == 200
        refused = http.post(path(company), json={"platformKey": "gbol"}, headers={"Idempotency-Key": "k-1"})
        assert refused.status_code == 429
        clock.advance(60)
        created = http.post(path(company), json={"platformKey": "gbol"}, headers={"Idempotency-Key": "k-1"})
    assert created.status_code == 200
    assert "idempotent-replayed" not in created.headers
    assert [c["id"] for c in fake.connections_of(company)] == [created.json()["id"]]


def test_a_key_is_forgotten_after_90_minutes(clock: Clock) -> None:
    fake = FakeCodat(api_key=API_KEY, clock=clock)
    company = fake.add_company()
    with httpx.Client(transport=fake.transport(), base_url="https://api.codat.io", headers=AUTH) as http:
        http.post(path(company), json={"platformKey": "gbol"}, headers={"Idempotency-Key": "k-1"})
        clock.advance(89 * 60)
        assert http.post(path(company), json={"platformKey": "qhyg"}, headers={"Idempotency-Key": "k-1"}).is_error
        clock.advance(2 * 60)
        later = http.post(path(company), json={"platformKey": "qhyg"}, headers={"Idempotency-Key": "k-1"})
    assert later.status_code == 200
    assert [c["integrationKey"] for c in fake.connections_of(company)] == ["gbol", "qhyg"]


# -- paging ---------------------------------------------------------------------------------------------
def test_paging_links_walk_every_record_once(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    ids = fake.seed_connections(company, 250)
    pages: list[dict[str, Any]] = []
    href: str | None = path(company) + "?page=1&pageSize=100"
    while href is not None:
        pages.append(http.get(href).json())
        next_link = pages[-1]["_links"].get("next")
        href = next_link["href"] if next_link else None
    assert [p["pageNumber"] for p in pages] == [1, 2, 3]
    assert [len(p["results"]) for p in pages] == [100, 100, 50]
    assert all(p["totalResults"] == 250 for p in pages)
    assert [c["id"] for p in pages for c in p["results"]] == ids
    assert "previous" not in pages[0]["_links"]
    assert parse_qs(urlsplit(pages[2]["_links"]["previous"]["href"]).query)["page"] == ["2"]
    assert parse_qs(urlsplit(pages[1]["_links"]["current"]["href"]).query)["page"] == ["2"]
    assert all(not p["_links"]["self"]["href"].startswith("http") for p in pages), "links are relative"


@pytest.mark.parametrize("company_id", ["acme%2Fltd", "acme ltd+co", "50%"])
def test_paging_links_name_any_company_id(http: httpx.Client, fake: FakeCodat, company_id: str) -> None:
    """Review: the connections' page links carried the company id raw (its link URLs were encoded), so following
    ``next`` for ``acme%2Fltd`` asked for company ``acme/ltd``."""
    fake.add_company("Acme Ltd", company_id=company_id)
    ids = fake.seed_connections(company_id, 3)
    seen: list[str] = []
    href: str | None = f"/companies/{quote(company_id, safe='')}/connections?page=1&pageSize=2"
    while href is not None:
        page = http.get(href)
        assert page.status_code == 200, (href, page.text)
        seen += [c["id"] for c in page.json()["results"]]
        next_link = page.json()["_links"].get("next")
        href = next_link["href"] if next_link else None
    assert seen == ids


def test_paging_links_keep_the_query_and_order(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    fake.seed_connections(company, 5)
    page = http.get(path(company), params={"pageSize": 2, "query": "status=Linked", "orderBy": "-created"}).json()
    kept = parse_qs(urlsplit(page["_links"]["next"]["href"]).query)
    assert (kept["query"], kept["orderBy"], kept["pageSize"]) == (["status=Linked"], ["-created"], ["2"])


def test_a_page_past_the_end_is_empty_without_a_next_link(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    fake.seed_connections(company, 3)
    page = http.get(path(company), params={"page": 5, "pageSize": 2}).json()
    assert (page["results"], page["totalResults"]) == ([], 3)
    assert "next" not in page["_links"]


@pytest.mark.parametrize("params", [{"page": 0}, {"pageSize": 0}, {"pageSize": 5001}, {"page": "x"}])
def test_paging_bounds_are_400(http: httpx.Client, company: str, params: dict[str, Any]) -> None:
    assert_codat_error(http.get(path(company), params=params), 400)


# -- query filtering ------------------------------------------------------------------------------------
@pytest.fixture
def mixed(fake: FakeCodat, company: str) -> dict[str, list[str]]:
    """Two Linked Xero, one Linked QuickBooks, one PendingAuth Plaid, one Deauthorized Xero."""
    return {
        "xero": fake.seed_connections(company, 2),
        "qbo": fake.seed_connections(company, 1, platform_key="qhyg"),
        "plaid": fake.seed_connections(company, 1, platform_key="suuo", status="PendingAuth"),
        "lapsed": fake.seed_connections(company, 1, status="Deauthorized"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=Linked", ["xero", "qbo"]),
        ("status!=Linked", ["plaid", "lapsed"]),
        ("platformName~Quick", ["qbo"]),
        ("status=Linked&&integrationKey=gbol", ["xero"]),
        ("integrationKey=suuo||status=Deauthorized", ["plaid", "lapsed"]),
        ("{status=Linked||status=Deauthorized}&&integrationKey=gbol", ["xero", "lapsed"]),
        ("status=linked", ["xero", "qbo"]),
    ],
)
def test_query_filters_exactly(
    http: httpx.Client, company: str, mixed: dict[str, list[str]], query: str, expected: list[str]
) -> None:
    page = http.get(path(company), params={"query": query}).json()
    wanted = {i for name in expected for i in mixed[name]}
    assert {c["id"] for c in page["results"]} == wanted
    assert page["totalResults"] == len(wanted)


@pytest.mark.parametrize(
    ("query", "words"), [("nope=1", "Could not resolve property nope"), ("status=", "Malformed"), ("{status=1", "")]
)
def test_bad_queries_are_400(http: httpx.Client, company: str, query: str, words: str) -> None:
    assert words in assert_codat_error(http.get(path(company), params={"query": query}), 400)


def test_a_query_of_2048_characters_is_400(http: httpx.Client, company: str) -> None:
    query = "platformName~" + "x" * (2048 - len("platformName~"))
    assert "2048" in assert_codat_error(http.get(path(company), params={"query": query}), 400)
    assert http.get(path(company), params={"query": query[:-1]}).status_code == 200


def test_order_by_created_descending(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    ids = fake.seed_connections(company, 4)
    page = http.get(path(company), params={"orderBy": "-created"}).json()
    assert [c["id"] for c in page["results"]] == ids[::-1]

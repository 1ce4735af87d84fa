"""Companies in the fake (issue 18 §4): the endpoints, stateful, with Codat's rules, over plain HTTP.

Every case runs in-process and over loopback (the ``http`` fixture). Bodies are checked against
Codat's own upstream schemas in ``test_company_bodies_fit_codats_schemas``.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import httpx
import pytest

from codat_connections.testing import FakeCodat
from codat_connections.testing._state.records import Company
from tests.conftest import API_KEY
from tests.fake.conftest import AUTH, assert_codat_error, company_link
from tests.fake.receiver import Inbox
from tests.fake.upstream import validation_errors


def names(page: dict[str, Any]) -> list[str]:
    return [company["name"] for company in page["results"]]


# -- create, get, list ------------------------------------------------------------------------------------
def test_a_company_made_through_the_api_is_there_to_get_and_list(http: httpx.Client) -> None:
    created = http.post("/companies", json={"name": "Acme Ltd", "description": "loan 42", "tags": {"uid": "c-1"}})
    assert created.status_code == 200
    company = created.json()
    assert (company["name"], company["description"], company["tags"]) == ("Acme Ltd", "loan 42", {"uid": "c-1"})
    assert company["dataConnections"] == []
    assert company["redirect"] == company_link(http, company["id"])
    assert company["created"]
    assert http.get(f"/companies/{company['id']}").json() == company
    assert http.get("/companies").json()["results"] == [company]


def test_companies_list_with_their_connections_exactly_as_the_connections_endpoints_return_them(
    http: httpx.Client, fake: FakeCodat
) -> None:
    [first, second] = fake.add_companies(2, connections_each=2)
    fake.deauthorize(first, fake.connections_of(first)[0]["id"], "Revoked")
    http.post(f"/companies/{second}/connections", json={"platformKey": "qhyg"})
    listed = {company["id"]: company for company in http.get("/companies").json()["results"]}
    for company_id in (first, second):
        connections = http.get(f"/companies/{company_id}/connections").json()["results"]
        assert listed[company_id]["dataConnections"] == connections
        assert http.get(f"/companies/{company_id}").json()["dataConnections"] == connections
    assert len(listed[second]["dataConnections"]) == 3


def test_the_listing_pages_and_says_so_in_codats_envelope(http: httpx.Client, fake: FakeCodat) -> None:
    fake.add_companies(7)
    first = http.get("/companies", params={"pageSize": 3}).json()
    assert (first["pageNumber"], first["pageSize"], first["totalResults"]) == (1, 3, 7)
    assert names(first) == ["Company 1", "Company 2", "Company 3"]
    assert first["_links"]["next"]["href"] == "/companies?page=2&pageSize=3"
    last = http.get("/companies", params={"page": 3, "pageSize": 3}).json()
    assert names(last) == ["Company 7"]
    assert "next" not in last["_links"]
    assert last["_links"]["previous"]["href"] == "/companies?page=2&pageSize=3"


@pytest.mark.parametrize("listing", ["companies", "connections"])
def test_max_page_size_caps_what_a_page_serves_and_the_envelope_says_so(listing: str) -> None:
    fake = FakeCodat(api_key=API_KEY, max_page_size=2)
    [company] = fake.add_companies(1, connections_each=5)
    fake.add_companies(4)
    path = "/companies" if listing == "companies" else f"/companies/{company}/connections"
    with httpx.Client(transport=fake.transport(), base_url="https://api.codat.io", headers=AUTH) as http:
        seen: list[str] = []
        number = 1
        while True:
            page = http.get(path, params={"page": number, "pageSize": 5000}).json()
            assert page["pageSize"] == 2
            assert len(page["results"]) <= 2
            seen += [record["id"] for record in page["results"]]
            if "next" not in page["_links"]:
                break
            number += 1
    assert page["totalResults"] == 5 == len(set(seen))


@pytest.mark.parametrize("way", ["in-process", "loopback"])
@pytest.mark.parametrize("listing", ["companies", "connections"])
@pytest.mark.parametrize(
    ("max_page_size", "served", "size"), [(None, 2000, 2000), (5000, 2100, 5000), (1000, 1000, 1000)]
)
def test_a_page_serves_2000_records_by_default_as_codats_response_schema_allows(
    listing: str, max_page_size: int | None, served: int, size: int, way: str
) -> None:
    """Codat's response schema caps ``pageSize`` at 2,000 (schemathesis flagged the fake's 5,000-record pages);
    ``max_page_size`` (``--max-page-size``) still raises the cap to the 5,000 a request may ask, or lowers it."""
    fake = FakeCodat(api_key=API_KEY, max_page_size=max_page_size)
    if listing == "companies":
        fake.add_companies(2100)
        path = "/companies"
    else:
        company = fake.add_company()
        fake.seed_connections(company, 2100)
        path = f"/companies/{company}/connections"
    with fake.serve() if way == "loopback" else nullcontext("https://api.codat.io") as base_url:
        transport = fake.transport() if way == "in-process" else None
        with httpx.Client(transport=transport, base_url=base_url, headers=AUTH, timeout=10) as http:
            page = http.get(path, params={"pageSize": 5000}).json()
    assert (len(page["results"]), page["pageSize"], page["totalResults"]) == (served, size, 2100)


@pytest.mark.parametrize("bad", [0, 5001, 2.5, True, "10"])
def test_max_page_size_is_checked(bad: object) -> None:
    with pytest.raises(ValueError, match="max_page_size"):
        FakeCodat(max_page_size=bad)  # type: ignore[arg-type]


# -- filtering and ordering -------------------------------------------------------------------------------
@pytest.fixture
def tagged(fake: FakeCodat) -> FakeCodat:
    fake.add_company("Alpha", tags={"region": "uk", "team": "invoice-finance", "uid": "c-1"})
    fake.add_company("Bravo", tags={"region": "us", "team": "lending"})
    fake.add_company("Charlie", tags={"region": "uk", "team": "lending"})
    fake.add_company("Delta")
    return fake


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ("region=uk", ["Alpha", "Charlie"]),
        ("region = uk", ["Alpha", "Charlie"]),  # Codat's own examples put spaces around the symbols
        ("region!=uk", ["Bravo", "Delta"]),
        ("team~finance", ["Alpha"]),
        ("region=uk && team=lending", ["Charlie"]),
        ("region=us || uid=c-1", ["Alpha", "Bravo"]),
        ("{region=us||region=uk}&&team=lending", ["Bravo", "Charlie"]),
        ("uid=c-2", []),
        ("team=invoice finance", []),
    ],
)
def test_tags_filter_with_codats_query_language(
    http: httpx.Client, tagged: FakeCodat, tags: str, expected: list[str]
) -> None:
    page = http.get("/companies", params={"tags": tags}).json()
    assert names(page) == expected
    assert page["totalResults"] == len(expected)


@pytest.mark.parametrize("tags", ["region>uk", "region=", "{region=uk", "&&"])
def test_a_malformed_tags_filter_is_codats_400(http: httpx.Client, tagged: FakeCodat, tags: str) -> None:
    assert "tags" in assert_codat_error(http.get("/companies", params={"tags": tags}), 400)


def test_query_filters_over_company_fields_and_orderby_orders(http: httpx.Client, tagged: FakeCodat) -> None:
    assert names(http.get("/companies", params={"query": "name~a&&tags.region=uk"}).json()) == ["Alpha", "Charlie"]
    assert names(http.get("/companies", params={"orderBy": "-name"}).json()) == ["Delta", "Charlie", "Bravo", "Alpha"]
    message = assert_codat_error(http.get("/companies", params={"query": "colour=red"}), 400)
    assert "Could not resolve property colour on Company" in message
    assert_codat_error(http.get("/companies", params={"orderBy": "colour"}), 400)


def test_a_listing_builds_each_companys_details_once(
    http: httpx.Client, tagged: FakeCodat, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []
    details = Company.details

    def counted(company: Company) -> dict[str, Any]:
        built.append(company.id)
        return details(company)

    monkeypatch.setattr(Company, "details", counted)
    page = http.get("/companies", params={"query": "name~a", "orderBy": "-name"}).json()
    assert names(page) == ["Delta", "Charlie", "Bravo", "Alpha"]
    assert sorted(built) == sorted(company["id"] for company in page["results"]), "once each, not per use"


def test_the_next_link_keeps_the_filters(http: httpx.Client, tagged: FakeCodat) -> None:
    page = http.get("/companies", params={"tags": "region=uk", "pageSize": 1}).json()
    assert page["_links"]["next"]["href"] == "/companies?page=2&pageSize=1&tags=region%3Duk"
    assert names(http.get(page["_links"]["next"]["href"]).json()) == ["Charlie"]


# -- Codat's rules for names and tags, and the Idempotency-Key -----------------------------------------
@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"name": "(ü)"}, "the company name '(ü)' has no character Codat keeps"),
        ({"name": ""}, "at least one character"),
        ({"name": 7}, "must be a str"),
        ({"description": "no name"}, "needs name"),
        ({"name": "Acme", "tags": {f"k{i}": "v" for i in range(11)}}, "at most 10 tags"),
        ({"name": "Acme", "tags": {"k" * 28: "v"}}, "1 to 27"),
        ({"name": "Acme", "tags": {"": "v"}}, "1 to 27"),
        ({"name": "Acme", "tags": {"uid": "v" * 101}}, "at most 100"),
        ({"name": "Acme", "tags": {"uid": 1}}, "must be str"),
        ({"name": "Acme", "description": 5}, "description must be a string"),
    ],
)
def test_create_refuses_what_codat_refuses_with_its_400(
    http: httpx.Client, fake: FakeCodat, body: dict[str, Any], words: str
) -> None:
    assert words in assert_codat_error(http.post("/companies", json=body), 400)
    assert http.get("/companies").json()["totalResults"] == 0


def test_every_character_codats_rule_allows_is_accepted(http: httpx.Client) -> None:
    name = "Acme & Sons, Ltd. - 'Q?' @home! 42\t\u00a0\u3000"
    assert http.post("/companies", json={"name": name}).json()["name"] == name


@pytest.mark.parametrize(
    ("name", "stored"),
    [("Company (Codat[1])", "Company Codat1"), ("Acme (UK) Ltd", "Acme UK Ltd"), ("Café Rouge", "Caf Rouge")],
)
def test_the_characters_outside_codats_pattern_are_removed_as_codat_does(
    http: httpx.Client, name: str, stored: str
) -> None:
    """Codat's create-company: "a company will be created with the forbidden characters removed"."""
    created = http.post("/companies", json={"name": name})
    assert created.status_code == 200, created.text
    assert created.json()["name"] == stored
    assert http.get(f"/companies/{created.json()['id']}").json()["name"] == stored
    renamed = http.patch(f"/companies/{created.json()['id']}", json={"name": f"{name} [2]"})
    assert renamed.json()["name"] == f"{stored} 2"


def test_a_tag_key_is_refused_only_for_a_line_break(http: httpx.Client) -> None:
    tags = {"a\x0bb": "1", "a\x0cb": "2", "a\x1cb": "3", "a\x85b": "4"}
    assert http.post("/companies", json={"name": "Acme", "tags": tags}).json()["tags"] == tags
    for key in ("a\nb", "a\rb", "a\u2028b", "a\u2029b"):
        assert "line break" in assert_codat_error(http.post("/companies", json={"name": "A", "tags": {key: "v"}}), 400)


def test_create_honours_the_idempotency_key(http: httpx.Client) -> None:
    key = {"Idempotency-Key": "onboard-cust-42"}
    first = http.post("/companies", json={"name": "Acme Ltd"}, headers=key)
    again = http.post("/companies", json={"name": "Acme Ltd"}, headers=key)
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert http.get("/companies").json()["totalResults"] == 1
    assert_codat_error(http.post("/companies", json={"name": "Other Ltd"}, headers=key), 422)


# -- update, delete, access tokens -------------------------------------------------------------------------
def test_patch_changes_only_the_fields_sent(http: httpx.Client, fake: FakeCodat) -> None:
    company = fake.add_company("Acme Ltd", description="loan 42", tags={"uid": "c-1"})
    renamed = http.patch(f"/companies/{company}", json={"name": "Acme Group"}).json()
    assert (renamed["name"], renamed["description"], renamed["tags"]) == ("Acme Group", "loan 42", {"uid": "c-1"})
    nulls = http.patch(f"/companies/{company}", json={"name": None, "description": None, "tags": None}).json()
    assert nulls == renamed
    retagged = http.patch(f"/companies/{company}", json={"tags": {"uid": "c-2"}, "description": ""}).json()
    assert (retagged["name"], retagged["description"], retagged["tags"]) == ("Acme Group", "", {"uid": "c-2"})
    refused = http.patch(f"/companies/{company}", json={"name": "ß"})
    assert "no character Codat keeps" in assert_codat_error(refused, 400)
    assert http.get(f"/companies/{company}").json()["name"] == "Acme Group"
    assert_codat_error(http.patch("/companies/no-such-company", json={"name": "X"}), 404)


def test_delete_removes_the_company_and_its_connections(http: httpx.Client, fake: FakeCodat) -> None:
    [company, kept] = fake.add_companies(2, connections_each=2)
    connection = fake.connections_of(company)[0]["id"]
    inbox = Inbox()
    fake.add_webhook_endpoint(inbox)
    response = http.delete(f"/companies/{company}")
    assert (response.status_code, response.content) == (204, b"")
    assert_codat_error(http.get(f"/companies/{company}"), 404)
    assert_codat_error(http.get(f"/companies/{company}/connections/{connection}"), 404)
    assert [c["id"] for c in http.get("/companies").json()["results"]] == [kept]
    assert inbox.event_types == ["company.deleted"], "one company event; Codat documents no per-connection one"
    assert inbox.received[0].event["payload"]["id"] == company
    assert_codat_error(http.delete(f"/companies/{company}"), 404)


def test_access_tokens_are_minted_per_company_and_never_recorded(http: httpx.Client, fake: FakeCodat) -> None:
    company = fake.add_company("Acme Ltd")
    first = http.get(f"/companies/{company}/accessToken")
    second = http.get(f"/companies/{company}/accessToken").json()
    token = first.json()
    assert (token["expiresIn"], token["tokenType"]) == (86400, "Bearer")
    assert token["accessToken"] != second["accessToken"]
    assert first.headers["cache-control"] == "no-store"
    seen = repr(fake) + repr(fake.requests) + repr(fake.connections_of(company))
    assert token["accessToken"] not in seen and second["accessToken"] not in seen
    assert_codat_error(http.get("/companies/no-such-company/accessToken"), 404)


def test_company_created_is_sent_for_a_company_made_through_the_api_only(http: httpx.Client, fake: FakeCodat) -> None:
    inbox = Inbox()
    fake.add_webhook_endpoint(inbox)
    fake.add_company("Set up directly")
    created = http.post("/companies", json={"name": "Acme Ltd"}).json()
    assert inbox.event_types == ["company.created"]
    assert inbox.received[0].event["payload"]["id"] == created["id"]


# -- the bodies fit Codat's own schemas --------------------------------------------------------------------
def test_put_replaces_the_whole_company(http: httpx.Client, fake: FakeCodat) -> None:
    """Codat's replace-company: "will replace existing values even if new values haven't been defined"."""
    company = fake.add_company("Acme Ltd", description="loan 42", tags={"uid": "c-1"})
    fake.seed_connections(company, 1)
    replaced = http.put(f"/companies/{company}", json={"name": "Acme (Group)"})
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert (body["name"], body.get("description"), body["tags"]) == ("Acme Group", None, {}), "left out: cleared"
    assert len(body["dataConnections"]) == 1, "the company's connections stay"
    assert http.get(f"/companies/{company}").json() == body
    again = http.put(f"/companies/{company}", json={"name": "Acme", "description": "d", "tags": {"uid": "c-2"}})
    assert (again.json()["description"], again.json()["tags"]) == ("d", {"uid": "c-2"})
    assert "needs name" in assert_codat_error(http.put(f"/companies/{company}", json={"description": "x"}), 400)
    refused = http.put(f"/companies/{company}", json={"name": "A", "tags": {"k" * 28: "v"}})
    assert "1 to 27" in assert_codat_error(refused, 400)
    assert http.get(f"/companies/{company}").json()["name"] == "Acme", "a refused PUT changes nothing"
    assert_codat_error(http.put("/companies/no-such-company", json={"name": "X"}), 404)


def test_the_company_path_allows_put(http: httpx.Client, fake: FakeCodat) -> None:
    company = fake.add_company("Acme Ltd")
    refused = http.post(f"/companies/{company}", json={"name": "X"})
    assert_codat_error(refused, 405)
    assert refused.headers["allow"] == "DELETE, GET, PATCH, PUT"


def test_company_bodies_fit_codats_schemas(http: httpx.Client, fake: FakeCodat) -> None:
    inbox = Inbox()
    fake.add_webhook_endpoint(inbox, event_types=["company.created", "company.deleted"])
    company = http.post("/companies", json={"name": "Acme Ltd", "tags": {"region": "uk"}}).json()["id"]
    http.post(f"/companies/{company}/connections", json={"platformKey": "gbol"})
    [_, lost] = fake.seed_connections(company, 2)
    fake.deauthorize(company, lost, "Revoked")
    fake.add_companies(3, connections_each=1)
    bodies = {
        "Company": [
            http.get(f"/companies/{company}").content,
            http.patch(f"/companies/{company}", json={"description": "loan 42"}).content,
            http.put(f"/companies/{company}", json={"name": "Acme Group", "tags": {"region": "uk"}}).content,
        ],
        "Companies": [http.get("/companies", params={"pageSize": 2}).content, http.get("/companies").content],
        "CompanyAccessToken": [http.get(f"/companies/{company}/accessToken").content],
    }
    http.delete(f"/companies/{company}")
    bodies["CompanyWebhook"] = [received.body for received in inbox.received]
    assert len(bodies["CompanyWebhook"]) == 2
    for schema, found in bodies.items():
        for body in found:
            assert validation_errors(schema, body) == [], schema

"""The whole connection lifecycle through the facade, against the stateful fake (in-process and loopback)."""

from __future__ import annotations

import pytest

from codat_connections import (
    AsyncCodatConnections,
    BadRequestError,
    CodatConnections,
    ConnectionStatus,
    NotFoundError,
    UnprocessableEntityError,
    field,
    filter_by_status,
    is_linked,
    needs_reauthorization,
)
from codat_connections.testing import FakeCodat


def test_create_starts_pending_auth_with_a_link_url(client: CodatConnections, company: str) -> None:
    connection = client.connections.create(company, "gbol")
    assert connection.status is ConnectionStatus.PENDINGAUTH
    served = not client.base_url.startswith("https://api.codat.io")  # a served fake links to its own Link page
    link_base = f"{client.base_url}/_fake/link" if served else "https://link-api.codat.io"
    assert connection.link_url == f"{link_base}/companies/{company}/connections/{connection.id}/start"
    assert connection.integration_key == "gbol"
    assert connection.platform_name == "Xero"
    assert client.connections.get(company, connection.id).status is ConnectionStatus.PENDINGAUTH


def test_full_lifecycle(client: CodatConnections, fake: FakeCodat, company: str) -> None:
    conn = client.connections.create(company, "qhyg")
    fake.complete_link(company, conn.id)
    linked = client.connections.get(company, conn.id)
    assert is_linked(linked)
    assert isinstance(linked.last_sync, str)

    fake.deauthorize(company, conn.id)
    deauthorized = client.connections.get(company, conn.id)
    assert needs_reauthorization(deauthorized)
    assert isinstance(deauthorized.data_connection_errors, list)
    assert client.connections.get_authorization_url(company, conn.id) == conn.link_url

    fake.complete_link(company, conn.id)  # re-linked through the same connection: no new company
    assert client.connections.get(company, conn.id).status is ConnectionStatus.LINKED

    unlinked = client.connections.unlink(company, conn.id)
    assert unlinked.status is ConnectionStatus.UNLINKED
    assert client.connections.get(company, conn.id).status is ConnectionStatus.UNLINKED  # data kept

    client.connections.delete(company, conn.id)
    with pytest.raises(NotFoundError) as caught:
        client.connections.get(company, conn.id)
    assert caught.value.status_code == 404
    assert caught.value.correlation_id
    assert conn.id in str(caught.value)


def test_unlink_is_refused_unless_linked(client: CodatConnections, company: str) -> None:
    conn = client.connections.create(company, "gbol")
    with pytest.raises(BadRequestError, match="Only Linked connections can be unlinked"):
        client.connections.unlink(company, conn.id)


def test_unknown_platform_key_is_codats_400(client: CodatConnections, company: str) -> None:
    with pytest.raises(BadRequestError) as caught:
        client.connections.create(company, "zzzz")
    assert caught.value.error is not None
    assert "zzzz" in caught.value.error


def test_list_filter_and_order(client: CodatConnections, fake: FakeCodat, company: str) -> None:
    xero = client.connections.create(company, "gbol")
    plaid = client.connections.create(company, "suuo")
    client.connections.create(company, "fztf")
    fake.complete_link(company, xero.id)
    fake.complete_link(company, plaid.id)

    linked = client.connections.list(company, query=field("status") == "Linked", order_by="-created")
    assert [c.id for c in linked.results] == [plaid.id, xero.id]
    assert linked.total_results == 2
    assert not linked.has_next_page()

    banking = client.connections.list_all(
        company, query=(field("status") == "Linked") & (field("sourceType") == "Banking")
    )
    assert [c.platform_name for c in banking] == ["Plaid"]

    every = client.connections.list_all(company)
    assert [c.id for c in filter_by_status(every, ConnectionStatus.LINKED)] == [xero.id, plaid.id]


def test_malformed_query_is_a_bad_request(client: CodatConnections, company: str) -> None:
    with pytest.raises(BadRequestError, match="Malformed query"):
        client.connections.list(company, query="status=Linked&&{")


def test_update_authorization(client: CodatConnections, fake: FakeCodat, company: str) -> None:
    conn = client.connections.create(company, "gbol")
    updated = client.connections.update_authorization(company, conn.id, {"token": "abc", "realm": "r1"})
    assert updated.id == conn.id
    (put,) = fake.requests_to("PUT")
    assert put.path == f"/companies/{company}/connections/{conn.id}/authorization"
    assert put.body == {"token": "abc", "realm": "r1"}


def test_iterate_250_connections_across_pages(client: CodatConnections, fake: FakeCodat, company: str) -> None:
    ids = fake.seed_connections(company, 250)
    iterator = client.connections.iterate(company, page_size=100)
    assert [c.id for c in iterator] == ids
    assert len(fake.requests_to("GET")) == 3


async def test_async_lifecycle(aclient: AsyncCodatConnections, fake: FakeCodat, company: str) -> None:
    conn = await aclient.connections.create(company, "gbol")
    assert conn.status is ConnectionStatus.PENDINGAUTH
    fake.complete_link(company, conn.id)
    assert is_linked(await aclient.connections.get(company, conn.id))
    fake.deauthorize(company, conn.id)
    assert await aclient.connections.get_authorization_url(company, conn.id) == conn.link_url
    fake.complete_link(company, conn.id)
    assert (await aclient.connections.unlink(company, conn.id)).status is ConnectionStatus.UNLINKED
    updated = await aclient.connections.update_authorization(company, conn.id, {"k": "v"})
    assert updated.id == conn.id
    await aclient.connections.delete(company, conn.id)
    with pytest.raises(NotFoundError):
        await aclient.connections.get(company, conn.id)


async def test_async_iteration_and_list_all(aclient: AsyncCodatConnections, fake: FakeCodat, company: str) -> None:
    ids = fake.seed_connections(company, 230)
    seen = [c.id async for c in aclient.connections.iterate(company, page_size=50)]
    assert seen == ids
    fetched = await aclient.connections.list_all(company, page_size=25, concurrency=5)
    assert [c.id for c in fetched] == ids
    page = await aclient.connections.list(company, page=2, page_size=100)
    assert page.has_next_page()
    last = await page.next_page()
    assert len(last) == 30
    assert not last.has_next_page()
    with pytest.raises(LookupError):
        await last.next_page()


def test_idempotency_key_replays_and_refuses_a_different_body(client: CodatConnections, company: str) -> None:
    first = client.connections.create(company, "gbol", idempotency_key="onboarding-42")
    again = client.connections.create(company, "gbol", idempotency_key="onboarding-42")
    assert again.id == first.id
    assert len(client.connections.list_all(company)) == 1
    with pytest.raises(UnprocessableEntityError):
        client.connections.create(company, "qhyg", idempotency_key="onboarding-42")

"""Consumer code, checked by mypy --strict in `make test`: the public surface's types, as users see them.

Nothing here runs against a server; the functions are only type-checked (and imported by a test).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import assert_type

from codat_connections import (
    AsyncCodatConnections,
    AsyncPage,
    CodatConnections,
    CodatError,
    Connection,
    ConnectionStatus,
    NotFoundError,
    Page,
    RateLimitError,
    created_at,
    field,
    filter_by_status,
    is_linked,
    last_sync_at,
    needs_reauthorization,
)
from codat_connections.query import Query


def sync_usage(codat: CodatConnections, company_id: str, connection_id: str) -> None:
    c = codat.connections
    assert_type(c.list(company_id, page=2, page_size=50, query="status=Linked", order_by="-created"), Page[Connection])
    assert_type(c.iterate(company_id, query=field("status") == "Linked"), Iterator[Connection])
    assert_type(c.list_all(company_id), list[Connection])
    assert_type(c.get(company_id, connection_id), Connection)
    assert_type(c.create(company_id, "gbol"), Connection)
    assert_type(c.delete(company_id, connection_id), None)
    assert_type(c.unlink(company_id, connection_id), Connection)
    assert_type(c.get_authorization_url(company_id, connection_id), str)
    assert_type(c.update_authorization(company_id, connection_id, {"k": "v"}), Connection)
    page = c.list(company_id)
    assert_type(page.has_next_page(), bool)
    assert_type(page.next_page(), Page[Connection])
    assert_type(page.results, list[Connection])
    assert_type(page.total_results, int)
    conn = c.get(company_id, connection_id)
    assert_type(conn.status, ConnectionStatus)
    assert_type(conn.link_url, str)
    assert_type(is_linked(conn), bool)
    assert_type(needs_reauthorization(conn), bool)
    assert_type(filter_by_status([conn], ConnectionStatus.LINKED), list[Connection])
    assert_type(created_at(conn), datetime)
    assert_type(last_sync_at(conn), datetime | None)
    assert_type((field("a") == "b") | (field("c") != 1), Query)
    try:
        c.get(company_id, connection_id)
    except NotFoundError as exc:
        assert_type(exc.status_code, int)
        assert_type(exc.correlation_id, str | None)
    except RateLimitError as exc:
        assert_type(exc.retry_after, float | None)
    except CodatError:
        pass
    with CodatConnections(api_key="k") as scoped:
        assert_type(scoped, CodatConnections)


async def async_usage(codat: AsyncCodatConnections, company_id: str, connection_id: str) -> None:
    c = codat.connections
    assert_type(await c.list(company_id, page=1), AsyncPage[Connection])
    assert_type(c.iterate(company_id), AsyncIterator[Connection])
    assert_type(await c.list_all(company_id, concurrency=8), list[Connection])
    assert_type(await c.get(company_id, connection_id), Connection)
    assert_type(await c.create(company_id, "qhyg"), Connection)
    assert_type(await c.delete(company_id, connection_id), None)
    assert_type(await c.unlink(company_id, connection_id), Connection)
    assert_type(await c.get_authorization_url(company_id, connection_id), str)
    assert_type(await c.update_authorization(company_id, connection_id, {"k": "v"}), Connection)
    page = await c.list(company_id)
    assert_type(await page.next_page(), AsyncPage[Connection])
    async for conn in c.iterate(company_id):
        assert_type(conn, Connection)
    async with AsyncCodatConnections(api_key="k") as scoped:
        assert_type(scoped, AsyncCodatConnections)

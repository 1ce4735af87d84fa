"""Consumer code, checked by mypy --strict in `make test`: the public surface's types, as users see them.

Nothing here runs against a server; the functions are only type-checked (and imported by a test).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from datetime import datetime
from typing import Any, assert_type

import httpx

from codat_connections import (
    APIConnectionError,
    APIError,
    APIResponse,
    APIStatusError,
    AsyncCodatConnections,
    AsyncPage,
    CodatConnections,
    CodatError,
    Company,
    CompanyAccessToken,
    CompanyConnections,
    CompanyReference,
    Connection,
    ConnectionStatus,
    DataConnectionError,
    MultipleCompaniesError,
    NotFoundError,
    Page,
    RateLimitError,
    RateLimitInfo,
    SourceType,
    UnexpectedResponseError,
    created_at,
    field,
    filter_by_status,
    is_linked,
    last_sync_at,
    needs_attention,
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


def surface_usage(codat: CodatConnections, company_id: str, connection_id: str) -> None:
    """with_options, raw responses, the error base, sweeps: the Stainless-style surface."""
    quick = codat.with_options(timeout=5, max_retries=0)
    assert_type(quick, CodatConnections)
    assert_type(codat.with_options(timeout=httpx.Timeout(3)), CodatConnections)
    raw = codat.connections.with_raw_response
    assert_type(raw.list(company_id, page_size=10), APIResponse[Page[Connection]])
    assert_type(raw.get(company_id, connection_id), APIResponse[Connection])
    assert_type(raw.create(company_id, "gbol", idempotency_key="k"), APIResponse[Connection])
    assert_type(raw.delete(company_id, connection_id), APIResponse[None])
    assert_type(raw.unlink(company_id, connection_id), APIResponse[Connection])
    assert_type(raw.get_authorization_url(company_id, connection_id), APIResponse[str])
    assert_type(raw.update_authorization(company_id, connection_id, {"k": "v"}), APIResponse[Connection])
    response = raw.get(company_id, connection_id)
    assert_type(response.parse(), Connection)
    assert_type(response.status_code, int)
    assert_type(response.headers, httpx.Headers)
    assert_type(response.http_response, httpx.Response)
    assert_type(response.correlation_id, str | None)
    assert_type(response.rate_limit, RateLimitInfo)
    assert_type(response.rate_limit.limit, int | None)
    assert_type(response.rate_limit.remaining, int | None)
    assert_type(response.rate_limit.reset, datetime | None)
    sweep = codat.connections.list_many([company_id], page_size=100, concurrency=8)
    assert_type(sweep, Generator[CompanyConnections, None, None])
    for result in sweep:
        assert_type(result.company_id, str)
        assert_type(result.connections, list[Connection])
        assert_type(result.error, CodatError | ValueError | None)
        assert_type(result.as_of, datetime | None)
    for flagged in codat.connections.needing_attention(iter([company_id])):
        assert_type([needs_attention(c) for c in flagged.connections], list[bool])
    try:
        codat.connections.get(company_id, connection_id)
    except RateLimitError as exc:
        assert_type(exc.rate_limit, RateLimitInfo)
        assert_type(exc.retry_after, float | None)
    except APIStatusError as exc:
        assert_type(exc.status_code, int)
        assert_type(exc.headers, dict[str, str])
        assert_type(exc.body, bytes)
        assert_type(exc.error, str | None)
        assert_type(exc.validation, dict[str, Any] | None)
    except UnexpectedResponseError as exc:
        assert_type(exc.status_code, int)
        assert_type(exc.body, bytes)
    except APIConnectionError as exc:
        assert_type(exc.status_code, int | None)
        assert_type(exc.url, str)
    except APIError as exc:
        assert_type(exc.method, str)
        assert_type(exc.path, str)
        assert_type(exc.correlation_id, str | None)
        assert_type(exc.headers, dict[str, str] | None)


async def async_surface_usage(codat: AsyncCodatConnections, company_id: str, connection_id: str) -> None:
    quick = codat.with_options(max_retries=1)
    assert_type(quick, AsyncCodatConnections)
    raw = codat.connections.with_raw_response
    assert_type(await raw.list(company_id), APIResponse[AsyncPage[Connection]])
    assert_type(await raw.get(company_id, connection_id), APIResponse[Connection])
    assert_type(await raw.create(company_id, "gbol"), APIResponse[Connection])
    assert_type(await raw.delete(company_id, connection_id), APIResponse[None])
    assert_type(await raw.unlink(company_id, connection_id), APIResponse[Connection])
    assert_type(await raw.get_authorization_url(company_id, connection_id), APIResponse[str])
    assert_type(await raw.update_authorization(company_id, connection_id, {"k": "v"}), APIResponse[Connection])
    sweep = codat.connections.list_many([company_id])
    assert_type(sweep, AsyncGenerator[CompanyConnections, None])
    async for result in sweep:
        assert_type(result.error, CodatError | ValueError | None)
    async for flagged in codat.connections.needing_attention([company_id]):
        assert_type(flagged.connections, list[Connection])


def models_usage(conn: Connection) -> None:
    """The models users read, all importable from codat_connections, with no Unset in sight."""
    assert_type(conn.id, str)
    assert_type(conn.source_type, SourceType)
    assert_type(conn.integration_key, str | None)
    assert_type(conn.last_sync, str | None)
    assert_type(conn.data_connection_errors, list[DataConnectionError] | None)


def companies_usage(codat: CodatConnections, company_id: str) -> None:
    companies = codat.companies
    assert_type(companies.list(page_size=5000, tags=field("uid") == "cust-42", query="name~Acme"), Page[Company])
    assert_type(companies.iterate(tags="uid=cust-42"), Iterator[Company])
    assert_type(companies.list_all(order_by="-created", concurrency=4), list[Company])
    assert_type(companies.get(company_id), Company)
    assert_type(companies.create("Acme Ltd", description="d", tags={"uid": "cust-42"}), Company)
    assert_type(companies.update(company_id, name="Acme Group"), Company)
    assert_type(companies.replace(company_id, name="Acme Group", description=None, tags={"uid": "cust-42"}), Company)
    assert_type(companies.with_raw_response.replace(company_id, name="Acme Group"), APIResponse[Company])
    assert_type(companies.delete(company_id), None)
    assert_type(companies.access_token(company_id), CompanyAccessToken)
    assert_type(companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"}), Company)
    assert_type(companies.with_raw_response.create("Acme Ltd"), APIResponse[Company])
    assert_type(companies.with_raw_response.list(), APIResponse[Page[Company]])
    company = companies.get(company_id)
    assert_type(company.data_connections, list[Connection] | None)
    assert_type(company.tags, dict[str, str] | None)
    assert_type(company.created_at, datetime | None)
    assert_type(company.reference_parent_company, CompanyReference | None)
    token = companies.access_token(company_id)
    assert_type((token.access_token, token.expires_in, token.token_type), tuple[str, int, str])
    for result in codat.connections.needing_attention(tags="uid=cust-42"):
        assert_type(result.company_name, str | None)
    assert_type(codat.connections.list_many(), Generator[CompanyConnections, None, None])
    assert_type(codat.request("GET", f"/companies/{company_id}/data/status"), APIResponse[Any])
    try:
        companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"})
    except MultipleCompaniesError as exc:
        assert_type(exc.company_ids, list[str])


async def async_companies_usage(codat: AsyncCodatConnections, company_id: str) -> None:
    companies = codat.companies
    assert_type(await companies.list(tags="uid=cust-42"), AsyncPage[Company])
    assert_type(companies.iterate(), AsyncIterator[Company])
    assert_type(await companies.get_or_create("Acme Ltd", tags={"uid": "cust-42"}), Company)
    assert_type(await companies.access_token(company_id), CompanyAccessToken)
    assert_type(await companies.replace(company_id, name="Acme Group"), Company)
    assert_type(await companies.with_raw_response.get(company_id), APIResponse[Company])
    assert_type(codat.connections.needing_attention(), AsyncGenerator[CompanyConnections, None])
    assert_type(await codat.request("POST", "/x", json={}, idempotency_key="k"), APIResponse[Any])

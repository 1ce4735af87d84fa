"""The API key never appears in logs, reprs, exception text or traceback locals the library builds."""

from __future__ import annotations

import base64
import importlib
import logging
import pickle
import traceback

import httpx
import pytest

from codat_connections import AsyncCodatConnections, CodatConnections, CodatError
from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY

ENCODED = base64.b64encode(API_KEY.encode()).decode()
SECRETS = (API_KEY, ENCODED, "TOPSECRET")


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def exercise(client: CodatConnections, fake: FakeCodat, company: str) -> list[BaseException]:
    """Every operation, plus the failures a user meets; returns the errors raised."""
    errors: list[BaseException] = []
    conn = client.connections.create(company, "gbol")
    fake.complete_link(company, conn.id)
    fake.seed_connections(company, 5)
    list(client.connections.iterate(company, page_size=2))
    fake.rate_limit(retry_after="0")
    client.connections.unlink(company, conn.id)
    client.connections.update_authorization(company, conn.id, {"password": "hunter2"})
    fake.non_json(502, times=3)
    fake.drop_connection(times=3, method="DELETE")
    for call in (
        lambda: client.connections.get(company, conn.id),
        lambda: client.connections.delete(company, conn.id),
        lambda: client.connections.get(company, "missing"),
        lambda: client.connections.create(company, "zzzz"),
        lambda: client.connections.list(company, query="status=Linked&&"),
    ):
        try:
            call()
        except CodatError as exc:
            errors.append(exc)
    client.connections.delete(company, conn.id)
    return errors


def test_key_stays_out_of_logs_reprs_errors_and_locals(
    client: CodatConnections, fake: FakeCodat, company: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    errors = exercise(client, fake, company)
    assert len(errors) == 5
    assert any(r.name == "codat_connections" for r in caplog.records)
    for record in caplog.records:
        assert_clean(record.getMessage())
        assert_clean(repr(record.args))
    for error in errors:
        assert_clean(str(error))
        assert_clean(repr(error))
        assert_clean(repr(error.args))
        assert_clean(pickle.dumps(error).decode("latin-1"))
        assert_clean("".join(traceback.TracebackException.from_exception(error, capture_locals=True).format()))
    page = client.connections.list(company)
    for thing in (client, client.connections, client._requester, fake, page, *page.results):
        assert_clean(repr(thing))
        assert_clean(str(thing))
    for request in fake.requests:
        assert_clean(repr(request))


async def test_async_client_repr_and_errors_are_clean(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "Unauthorized", "correlationId": "c"})

    client = AsyncCodatConnections(
        api_key=API_KEY, http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler))
    )
    with pytest.raises(CodatError) as caught:
        await client.connections.list("company")
    assert_clean(repr(client))
    assert_clean("".join(traceback.TracebackException.from_exception(caught.value, capture_locals=True).format()))
    for record in caplog.records:
        assert_clean(record.getMessage())


def test_the_generated_package_has_no_client_to_hold_the_token() -> None:
    import codat_connections_api

    assert not hasattr(codat_connections_api, "AuthenticatedClient")
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("codat_connections_api.client")

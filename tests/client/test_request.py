"""``client.request``: the rest of Codat's API through the same loop (credential, retries, pacing, errors)."""

from __future__ import annotations

import asyncio
import base64
import json
import re

import httpx
import pytest

from codat_connections import (
    APITimeoutError,
    AsyncCodatConnections,
    CodatConnections,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    UnexpectedResponseError,
)
from tests.conftest import API_KEY, COMPANY, codat_error, mock_async_client, mock_client

STATUS_PATH = f"/companies/{COMPANY}/data/status"


def scripted(
    *answers: int, body: bytes = b'{"balanceSheet": {"currentStatus": "Complete"}}'
) -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        status = queue.pop(0)
        if status >= 400:
            return httpx.Response(status, json=codat_error(status, "no"), headers={"Retry-After": "0"})
        return httpx.Response(status, content=body)

    return seen, httpx.MockTransport(handler)


def client_on(transport: httpx.MockTransport) -> CodatConnections:
    return mock_client(transport.handler)  # type: ignore[arg-type]


def test_a_read_goes_through_the_loop_with_the_credential_and_is_retried(sleeps: list[float]) -> None:
    seen, transport = scripted(503, 200)
    response = client_on(transport).request("get", STATUS_PATH, params={"dataType": "invoices"})
    assert response.parse() == {"balanceSheet": {"currentStatus": "Complete"}}
    assert (response.status_code, response.retries_taken, response.method) == (200, 1, "GET")
    expected = "Basic " + base64.b64encode(API_KEY.encode()).decode()
    assert [r.headers["authorization"] for r in seen] == [expected, expected]
    assert seen[0].url.path == STATUS_PATH and seen[0].url.params["dataType"] == "invoices"


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_write_without_an_idempotency_key_is_sent_once(method: str, sleeps: list[float]) -> None:
    seen, transport = scripted(500, 200)
    with pytest.raises(InternalServerError, match=f"not retried: a {method} without an Idempotency-Key"):
        client_on(transport).request(method, f"/companies/{COMPANY}/data/queue", json={"x": 1})
    assert len(seen) == 1


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_write_without_a_key_is_retried_only_when_nothing_was_applied(method: str, sleeps: list[float]) -> None:
    """A 429 says Codat processed nothing: retrying cannot apply the write twice (a 5xx or a timeout could)."""
    seen, transport = scripted(429, 200)
    assert client_on(transport).request(method, f"/companies/{COMPANY}/x", json={"x": 1}).retries_taken == 1
    assert len(seen) == 2

    def refused_then_ok(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 3:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(200, json={})

    assert mock_client(refused_then_ok).request(method, "/x", json={}).retries_taken == 1

    def timed_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("no answer", request=request)

    with pytest.raises(APITimeoutError, match=f"not retried: a {method} without an Idempotency-Key"):
        mock_client(timed_out).request(method, "/x", json={})


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_a_keyed_write_is_retried_with_the_same_key_but_never_on_a_5xx(method: str, sleeps: list[float]) -> None:
    seen, transport = scripted(429, 200)
    client = client_on(transport)
    response = client.request(method, f"/companies/{COMPANY}/x", json={"a": 1}, idempotency_key="key-1")
    assert response.retries_taken == 1
    assert [r.headers["idempotency-key"] for r in seen] == ["key-1", "key-1"]
    assert [json.loads(r.content) for r in seen] == [{"a": 1}, {"a": 1}]
    seen, transport = scripted(500, 200)
    with pytest.raises(InternalServerError, match="Codat replays this answer for the same Idempotency-Key"):
        client_on(transport).request(method, f"/companies/{COMPANY}/x", idempotency_key="key-2")
    assert len(seen) == 1


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_put_and_delete_are_retried_as_reads(method: str, sleeps: list[float]) -> None:
    seen, transport = scripted(502, 204, body=b"")
    response = client_on(transport).request(method, f"/companies/{COMPANY}/syncSettings")
    assert (response.parse(), len(seen)) == (None, 2)


def test_errors_are_typed_as_for_every_other_call(sleeps: list[float]) -> None:
    _, transport = scripted(404)
    with pytest.raises(NotFoundError) as caught:
        client_on(transport).request("GET", STATUS_PATH)
    assert caught.value.path == STATUS_PATH and caught.value.correlation_id == "corr-123"
    _, transport = scripted(200, body=b"<html>not json</html>")
    with pytest.raises(UnexpectedResponseError, match="not JSON"):
        client_on(transport).request("GET", STATUS_PATH).parse()


def test_a_long_retry_after_is_raised_at_once(sleeps: list[float]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, json=codat_error(429, "quota"), headers={"Retry-After": "3600"})

    with pytest.raises(RateLimitError):
        mock_client(handler).request("GET", "/profile")
    assert sleeps == []


async def test_a_company_path_counts_toward_that_companys_limit_of_requests_in_flight() -> None:
    in_flight = peak = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return httpx.Response(200, json={})

    client = mock_async_client(handler)  # type: ignore[arg-type]
    await asyncio.gather(*(client.request("GET", f"/companies/{COMPANY}/data/status") for _ in range(25)))
    assert peak == 10, "Codat's 10 requests in flight per company"
    peak = 0
    await asyncio.gather(*(client.request("GET", f"/companies/company-{n}/data/status") for n in range(25)))
    assert peak > 10, "different companies are not held back"


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "error", "message"),
    [
        ("TRACE", "/profile", {}, ValueError, "method must be one of DELETE, GET, PATCH, POST, PUT, got 'TRACE'"),
        ("GET", "profile", {}, ValueError, "path must be a path on the API, starting with one '/'"),
        ("GET", "https://evil.example/x", {}, ValueError, "starting with one '/'"),
        ("GET", "//evil.example/x", {}, ValueError, "starting with one '/'"),
        ("GET", "/companies?page=2", {}, ValueError, "path must not contain '?': pass query parameters as params="),
        ("GET", "/companies/a b", {}, ValueError, "path must not contain ' '"),
        ("GET", "/companies/../profile", {}, ValueError, "must not contain '.' or '..' segments"),
        ("DELETE", f"/companies/{COMPANY}/connections/%2e%2e", {}, ValueError, "'.' or '..' segments, also"),
        ("DELETE", f"/companies/{COMPANY}/connections/%2E%2E", {}, ValueError, "'.' or '..' segments, also"),
        ("DELETE", f"/companies/{COMPANY}/connections/.%2e", {}, ValueError, "'.' or '..' segments, also"),
        ("DELETE", f"/companies/{COMPANY}/connections/%2e./", {}, ValueError, "'.' or '..' segments, also"),
        ("GET", "/companies/%2e/profile", {}, ValueError, "'.' or '..' segments, also"),
        ("GET", "/companies/a%2f..%2fb", {}, ValueError, "must not contain '%2f' (an encoded '/')"),
        ("GET", "/companies/a%2F..", {}, ValueError, "must not contain '%2F' (an encoded '/')"),
        ("GET", "/companies/a%5c..", {}, ValueError, "must not contain '%5c' (an encoded backslash)"),
        ("GET", "/companies/a%5Cb", {}, ValueError, "must not contain '%5C' (an encoded backslash)"),
        ("GET", "/profile", {"idempotency_key": "k"}, ValueError, "on POST and PATCH only, not on GET"),
        ("POST", "/profile", {"idempotency_key": " k"}, ValueError, "idempotency_key must be non-empty"),
        ("GET", "/profile", {"params": [("a", "b")]}, TypeError, "params must be a mapping"),
        ("GET", b"/profile", {}, TypeError, "path must be a str, got bytes"),
    ],
)
def test_bad_calls_are_refused_before_any_request(
    method: str, path: object, kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    seen, transport = scripted(200)
    with pytest.raises(error, match=re.escape(message)):
        client_on(transport).request(method, path, **kwargs)  # type: ignore[arg-type]
    assert seen == []


@pytest.mark.parametrize("path", ["/a.b/..x/%2ex", "/companies/C/v1.2", "/x/%2e%2e%2e", "/x/a%25b"])
def test_paths_without_dot_segments_are_sent(path: str, sleeps: list[float]) -> None:
    seen, transport = scripted(200)
    client_on(transport).request("GET", path)
    assert seen[0].url.raw_path.decode() == path


async def test_the_async_client_refuses_encoded_dot_segments_too(sleeps: list[float]) -> None:
    seen, transport = scripted(200)
    client = mock_async_client(transport.handler)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'.' or '..' segments, also"):
        await client.request("DELETE", f"/companies/{COMPANY}/connections/%2e%2e")
    assert seen == []


async def test_the_async_client_has_it_too(sleeps: list[float]) -> None:
    seen, transport = scripted(503, 200)
    client = AsyncCodatConnections(api_key=API_KEY, http_client=httpx.AsyncClient(transport=transport))
    from tests.conftest import use_test_clock

    use_test_clock(client)
    response = await client.request("GET", "/profile")
    assert response.parse() == {"balanceSheet": {"currentStatus": "Complete"}}
    assert len(seen) == 2


def test_a_delete_proven_done_by_its_404_parses_to_none(sleeps: list[float]) -> None:
    """Review: the 404 that proved a retried delete done parsed as Codat's error body, as if it were the result."""
    answers = iter([500, 404])

    def handler(request: httpx.Request) -> httpx.Response:
        status = next(answers)
        return httpx.Response(status, json=codat_error(status, "gone"))

    response = mock_client(handler).request("DELETE", f"/companies/{COMPANY}/connections/x")
    assert (response.status_code, response.retries_taken, response.parse()) == (404, 1, None)

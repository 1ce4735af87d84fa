"""Configuration: keys, environment, base URL safety, timeouts and ownership of the httpx client."""

from __future__ import annotations

import base64

import httpx
import pytest

from codat_connections import DEFAULT_BASE_URL, AsyncCodatConnections, ClientClosedError, CodatConnections, CodatError
from tests.conftest import API_KEY, wire_connection

COMPANY = "8a210b68-6988-11ed-a1eb-0242ac120002"


def capture() -> tuple[httpx.Client, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=wire_connection())

    return httpx.Client(transport=httpx.MockTransport(handler)), seen


def test_api_key_is_sent_as_basic_base64() -> None:
    http, seen = capture()
    CodatConnections(api_key=API_KEY, http_client=http).connections.get(COMPANY, COMPANY)
    assert seen[0].headers["authorization"] == "Basic " + base64.b64encode(API_KEY.encode()).decode()
    assert str(seen[0].url).startswith(f"{DEFAULT_BASE_URL}/companies/")
    assert seen[0].headers["user-agent"].startswith("codat-connections/")


def test_ready_auth_header_is_sent_as_is() -> None:
    http, seen = capture()
    CodatConnections(auth_header="Basic abc123==", http_client=http).connections.get(COMPANY, COMPANY)
    assert seen[0].headers["authorization"] == "Basic abc123=="


def test_environment_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODAT_API_KEY", "env-key")
    monkeypatch.setenv("CODAT_BASE_URL", "https://codat.example.test/")
    http, seen = capture()
    CodatConnections(http_client=http).connections.get(COMPANY, COMPANY)
    assert seen[0].headers["authorization"] == "Basic " + base64.b64encode(b"env-key").decode()
    assert str(seen[0].url).startswith("https://codat.example.test/companies/")


def test_missing_key_names_the_argument_and_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CODAT_API_KEY", raising=False)
    with pytest.raises(CodatError, match=r"api_key=.*CODAT_API_KEY"):
        CodatConnections()
    with pytest.raises(ValueError, match="either api_key or auth_header"):
        CodatConnections(api_key="a", auth_header="Basic b")


@pytest.mark.parametrize("url", ["http://api.codat.io", "http://10.0.0.5:8080", "ftp://x", "not a url"])
def test_key_never_goes_over_plain_http_to_a_remote_host(url: str) -> None:
    with pytest.raises(ValueError, match="base_url|plain http"):
        CodatConnections(api_key=API_KEY, base_url=url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765", "http://localhost:1", "http://[::1]:9", "http://127.3.4.5"])
def test_plain_http_is_allowed_to_loopback(url: str) -> None:
    CodatConnections(api_key=API_KEY, base_url=url).close()


def test_timeout_given_is_sent_and_a_callers_client_otherwise_keeps_its_own() -> None:
    http, seen = capture()
    CodatConnections(api_key=API_KEY, http_client=http, timeout=3.5).connections.get(COMPANY, COMPANY)
    assert seen[0].extensions["timeout"]["read"] == 3.5
    own_timeout = httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json=wire_connection())), timeout=7.0
    )
    sent: list[httpx.Request] = []
    original = own_timeout.send

    def record(request: httpx.Request, **kwargs: object) -> httpx.Response:
        sent.append(request)
        return original(request)

    own_timeout.send = record  # type: ignore[method-assign]
    CodatConnections(api_key=API_KEY, http_client=own_timeout).connections.get(COMPANY, COMPANY)
    assert sent[0].extensions["timeout"]["read"] == 7.0


def test_our_own_http_client_has_the_default_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[httpx.Request] = []

    def record(self: httpx.Client, request: httpx.Request, **kwargs: object) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=wire_connection(), request=request)

    monkeypatch.setattr(httpx.Client, "send", record)
    with CodatConnections(api_key=API_KEY) as own:
        own.connections.get(COMPANY, COMPANY)
    assert sent[0].extensions["timeout"] == {"connect": 10.0, "read": 60.0, "write": 60.0, "pool": 60.0}


def test_callers_http_client_is_not_closed_but_ours_is() -> None:
    http, _ = capture()
    with CodatConnections(api_key=API_KEY, http_client=http):
        pass
    assert not http.is_closed
    client = CodatConnections(api_key=API_KEY)
    client.close()
    with pytest.raises(ClientClosedError, match="client is closed"):
        client.connections.get(COMPANY, COMPANY)


async def test_async_client_ownership() -> None:
    http = httpx.AsyncClient()
    async with AsyncCodatConnections(api_key=API_KEY, http_client=http):
        pass
    assert not http.is_closed
    await http.aclose()
    async with AsyncCodatConnections(api_key=API_KEY) as own:
        pass
    with pytest.raises(ClientClosedError, match="client is closed"):
        await own.connections.get(COMPANY, COMPANY)


def test_wrong_http_client_kind_is_refused() -> None:
    with pytest.raises(TypeError, match="httpx.Client"):
        CodatConnections(api_key=API_KEY, http_client=httpx.AsyncClient())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_retries"):
        CodatConnections(api_key=API_KEY, max_retries=-1)

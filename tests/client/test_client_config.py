"""Configuration: keys, environment, base URL safety, timeouts and ownership of the httpx client."""

from __future__ import annotations

import base64
import pickle

import httpx
import pytest

from codat_connections import DEFAULT_BASE_URL, AsyncCodatConnections, ClientClosedError, CodatConnections, CodatError
from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY, COMPANY, wire_connection


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


SECRET_PART = "TOPSECRET"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"api_key": f"sk-{SECRET_PART}\u00a0x"}, r"api_key contains a non-ASCII character \(U\+00A0\) at position 12"),
        ({"api_key": f"sk-{SECRET_PART}\r\nX: y"}, r"api_key contains a control character \(CR\) at position 12"),
        ({"api_key": f"sk {SECRET_PART}"}, r"api_key contains a space at position 2"),
        (
            {"auth_header": f"Basic {SECRET_PART}\n=="},
            r"auth_header contains a control character \(LF\) at position 15",
        ),
        ({"auth_header": f"Basic {SECRET_PART}\u2028x"}, r"auth_header contains a non-ASCII character \(U\+2028\)"),
        ({"auth_header": f"Basic\x00{SECRET_PART}"}, r"auth_header contains a control character \(NUL\) at position 5"),
        (
            {"api_key": f"Basic {SECRET_PART}"},
            r"api_key already starts with 'Basic ': pass that ready header value as auth_header=",
        ),
        ({"api_key": f"basic {SECRET_PART}"}, r"already starts with 'Basic '"),
        ({"auth_header": SECRET_PART}, r"auth_header must be the whole header value, scheme included.*use api_key="),
        ({"auth_header": "Basic   "}, r"auth_header must be the whole header value"),
        ({"auth_header": "  "}, r"^auth_header must not be empty or whitespace$"),
        ({"auth_header": 5}, r"^auth_header must be a str, got int$"),
    ],
)
def test_bad_credentials_are_refused_at_construction_without_echoing_them(kwargs: dict[str, str], message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message) as caught:
        CodatConnections(**kwargs)  # type: ignore[arg-type]
    for text in (str(caught.value), repr(caught.value), repr(caught.value.args)):
        assert SECRET_PART not in text


def test_a_bad_key_from_the_environment_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODAT_API_KEY", f"{SECRET_PART}\u00a0{SECRET_PART}")
    with pytest.raises(ValueError, match=r"the CODAT_API_KEY environment variable contains a non-ASCII") as caught:
        CodatConnections()
    assert SECRET_PART not in str(caught.value)


def test_surrounding_whitespace_of_a_key_is_dropped() -> None:
    """A key read from a file ends in a newline; one copied from a web page may end in a no-break space."""
    http, seen = capture()
    CodatConnections(api_key=f"  {API_KEY}\n\u00a0", http_client=http).connections.get(COMPANY, COMPANY)
    assert seen[0].headers["authorization"] == "Basic " + base64.b64encode(API_KEY.encode()).decode()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (f"https://user:{SECRET_PART}@api.codat.io", "must not contain a user name or password"),
        (f"https://{SECRET_PART}@api.codat.io", "must not contain a user name or password"),
        ("https://api.codat.io/?x=1", "must not have a query or fragment"),
        ("https://api.codat.io/?", "must not have a query or fragment"),
        ("https://api.codat.io#top", "must not have a query or fragment"),
        ("https://", "must be an http"),
    ],
)
def test_base_url_with_credentials_query_or_fragment_is_refused(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        CodatConnections(api_key=API_KEY, base_url=url)
    assert SECRET_PART not in str(caught.value)


def test_base_url_may_have_a_path_prefix() -> None:
    http, seen = capture()
    CodatConnections(api_key=API_KEY, base_url="https://proxy.example/codat/", http_client=http).connections.get(
        COMPANY, COMPANY
    )
    assert str(seen[0].url).startswith("https://proxy.example/codat/companies/")


@pytest.mark.parametrize(
    "timeout",
    [
        0,
        -1,
        0.0,
        float("nan"),
        float("inf"),
        httpx.Timeout(5, read=0),
        httpx.Timeout(5, connect=float("nan")),
        httpx.Timeout(-2),
    ],
)
def test_bad_timeout_is_refused(timeout: float | httpx.Timeout) -> None:
    with pytest.raises(ValueError, match="timeout.* must be a finite number of seconds greater than 0"):
        CodatConnections(api_key=API_KEY, timeout=timeout)
    with pytest.raises(ValueError, match="must be a finite number of seconds greater than 0"):
        CodatConnections(api_key=API_KEY).with_options(timeout=timeout)


def test_timeout_of_the_wrong_type_is_a_type_error() -> None:
    with pytest.raises(TypeError, match="timeout must be seconds"):
        CodatConnections(api_key=API_KEY, timeout="5")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="timeout must be seconds"):
        CodatConnections(api_key=API_KEY, timeout=True)


def test_no_timeout_is_allowed_explicitly() -> None:
    http, seen = capture()
    CodatConnections(api_key=API_KEY, http_client=http, timeout=None).connections.get(COMPANY, COMPANY)
    assert seen[0].extensions["timeout"] == {"connect": None, "read": None, "write": None, "pool": None}


def test_a_closed_callers_http_client_is_a_client_closed_error() -> None:
    http, seen = capture()
    codat = CodatConnections(api_key=API_KEY, http_client=http)
    http.close()
    with pytest.raises(ClientClosedError, match="client is closed"):
        codat.connections.get(COMPANY, COMPANY)
    assert seen == []


def test_clients_refuse_to_be_pickled() -> None:
    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(CodatConnections(api_key=API_KEY))


def test_closing_a_client_on_a_callers_http_client_ends_the_client_not_the_pool() -> None:
    http, seen = capture()
    with CodatConnections(api_key=API_KEY, http_client=http) as codat:
        codat.connections.get(COMPANY, COMPANY)
    with pytest.raises(ClientClosedError):
        codat.connections.get(COMPANY, COMPANY)
    assert not http.is_closed
    assert len(seen) == 1
    sibling = CodatConnections(api_key=API_KEY, http_client=http)
    assert sibling.connections.get(COMPANY, COMPANY).id


@pytest.mark.parametrize("kwargs", [{"api_key": "k\ney"}, {"api_key": "key", "timeout": -1}, {"base_url": "ftp://x"}])
def test_a_construction_error_formats_with_locals(kwargs: dict[str, object]) -> None:
    """Error trackers render locals: a half-built client's repr must not raise."""
    import traceback

    with pytest.raises(ValueError) as caught:
        CodatConnections(**{"api_key": API_KEY, **kwargs})  # type: ignore[arg-type]
    rendered = "".join(traceback.TracebackException.from_exception(caught.value, capture_locals=True).format())
    assert "CodatConnections (not configured)" in rendered


async def test_an_async_client_reused_across_event_loops_keeps_working(fake: FakeCodat) -> None:
    import asyncio
    import threading

    company = fake.add_company()
    fake.seed_connections(company, 3)
    results: list[object] = []
    with fake.serve() as base_url:
        codat = AsyncCodatConnections(api_key=API_KEY, base_url=base_url)

        async def job() -> int:
            return len(await codat.connections.list_all(company))

        def runs() -> None:
            for _ in range(3):
                try:
                    results.append(asyncio.run(job()))
                except BaseException as exc:
                    results.append(exc)

        thread = threading.Thread(target=runs)  # asyncio.run cannot nest in this test's own loop
        thread.start()
        thread.join()
    assert results == [3, 3, 3]

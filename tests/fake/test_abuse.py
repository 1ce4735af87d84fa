"""The fake under abuse: hostile input is Codat's JSON 400/405, never a crash, a hang, a reset or an HTML page.

Each case runs in-process and over ``serve()``; the framing cases talk raw HTTP over a socket whose
timeout turns a blocked handler into a failure instead of a hung test.
"""

from __future__ import annotations

import asyncio
import http.client
import socket
import threading
from urllib.parse import urlsplit

import httpx
import pytest

from codat_connections import APITimeoutError, CodatConnections
from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY, CODAT_BASE, use_test_clock
from tests.fake.conftest import AUTH, assert_codat_error

SOCKET_TIMEOUT = 5.0
"""Far above the fake's 1 s body timeout; a handler that blocks for good fails the test at this bound."""


def connections_path(company: str) -> str:
    return f"/companies/{company}/connections"


# -- nesting -------------------------------------------------------------------------------------------
def test_deeply_nested_query_is_a_400_and_the_fake_goes_on(http: httpx.Client, company: str) -> None:
    query = "{" * 300 + "status=Linked" + "}" * 300
    message = assert_codat_error(http.get(connections_path(company), params={"query": query}), 400)
    assert "query" in message.lower()
    assert http.get(connections_path(company)).status_code == 200


def test_grouping_within_the_limit_still_filters(http: httpx.Client, fake: FakeCodat, company: str) -> None:
    linked = fake.seed_connections(company, 2)
    fake.seed_connections(company, 1, status="Unlinked")
    query = "{" * 30 + "status=Linked" + "}" * 30
    page = http.get(connections_path(company), params={"query": query}).json()
    assert [c["id"] for c in page["results"]] == linked


NESTED = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.parametrize(
    ("target", "body"),
    [
        ("POST ", b'{"platformKey": ' + NESTED + b"}"),
        ("POST ", NESTED),
        ("PATCH /{connection}", b'{"status": ' + NESTED + b"}"),
        ("PUT /{connection}/authorization", b'{"token": ' + NESTED + b"}"),
    ],
)
def test_deeply_nested_json_body_is_a_400_about_the_body(
    http: httpx.Client, fake: FakeCodat, company: str, target: str, body: bytes
) -> None:
    [connection] = fake.seed_connections(company, 1)
    method, suffix = target.split(" ")
    path = connections_path(company) + suffix.format(connection=connection)
    message = assert_codat_error(http.request(method, path, content=body), 400)
    assert "body" in message
    assert [c["status"] for c in fake.connections_of(company)] == ["Linked"]
    assert fake.requests[-1].status == 400


# -- bodies --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("body", [b"", b"   ", b"not json", b"[1, 2]", b'"gbol"', b"{", b"\xff\xfe"])
def test_create_with_a_missing_or_malformed_body_says_the_body_is_wrong(
    http: httpx.Client, fake: FakeCodat, company: str, body: bytes
) -> None:
    response = http.post(connections_path(company), content=body, headers={"content-type": "application/json"})
    message = assert_codat_error(response, 400)
    assert "body" in message
    assert "None" not in message
    assert fake.connections_of(company) == []


@pytest.mark.parametrize("body", [b"{}", b'{"platformKey": 7}', b'{"platformKey": null}'])
def test_create_without_a_platform_key_string_names_platformkey(
    http: httpx.Client, fake: FakeCodat, company: str, body: bytes
) -> None:
    message = assert_codat_error(http.post(connections_path(company), content=body), 400)
    assert "platformKey" in message
    assert "None" not in message
    assert fake.connections_of(company) == []


# -- methods -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["OPTIONS", "HEAD", "TRACE", "PROPFIND"])
def test_unrouted_methods_get_codats_json_405(http: httpx.Client, company: str, method: str) -> None:
    response = http.request(method, connections_path(company))
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/json"
    assert response.headers["allow"]
    if method == "HEAD":
        assert response.content == b""
    else:
        assert "not supported" in assert_codat_error(response, 405)


def test_a_known_method_on_a_path_that_does_not_take_it_is_405_naming_the_allowed_ones(
    http: httpx.Client, company: str
) -> None:
    response = http.put(connections_path(company), content=b"{}")
    assert_codat_error(response, 405)
    assert response.headers["allow"] == "GET, POST"


# -- framing over a socket -----------------------------------------------------------------------------
def raw_request(base_url: str, request: bytes) -> http.client.HTTPResponse:
    """Send bytes as they are and read the answer; the socket timeout bounds any wait."""
    parts = urlsplit(base_url)
    sock = socket.create_connection((parts.hostname or "", parts.port or 80), timeout=SOCKET_TIMEOUT)
    sock.sendall(request)
    response = http.client.HTTPResponse(sock)
    response.begin()
    response.read()
    sock.close()
    return response


def post_with_length(company: str, length: str, body: bytes) -> bytes:
    head = (
        f"POST {connections_path(company)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {AUTH['Authorization']}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {length}\r\n\r\n"
    )
    return head.encode() + body


@pytest.mark.parametrize("length", ["abc", "-5", "1e3", "0x10", "100", "99999999"])
def test_bad_content_length_is_a_400_at_once_and_nothing_is_created(fake: FakeCodat, company: str, length: str) -> None:
    with fake.serve() as base_url:
        response = raw_request(base_url, post_with_length(company, length, b'{"platformKey": "gbol"}'))
        assert response.status in (400, 413)
        assert response.getheader("content-type") == "application/json"
        assert fake.connections_of(company) == []
        assert httpx.get(base_url + connections_path(company), headers=AUTH, timeout=SOCKET_TIMEOUT).status_code == 200


def test_conflicting_content_lengths_are_a_400(fake: FakeCodat, company: str) -> None:
    request = post_with_length(company, "23\r\nContent-Length: 5", b'{"platformKey": "gbol"}')
    with fake.serve() as base_url:
        assert raw_request(base_url, request).status == 400
    assert fake.connections_of(company) == []


def test_a_chunked_body_is_read(fake: FakeCodat, company: str) -> None:
    body = b'{"platformKey": "qhyg"}'
    head = post_with_length(company, "0", b"").replace(b"Content-Length: 0", b"Transfer-Encoding: chunked")
    with fake.serve() as base_url:
        response = raw_request(base_url, head + b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
    assert response.status == 200
    assert [c["integrationKey"] for c in fake.connections_of(company)] == ["qhyg"]


def test_a_malformed_request_line_gets_codats_json_not_an_html_page(fake: FakeCodat) -> None:
    with fake.serve() as base_url:
        response = raw_request(base_url, b"GET /companies HTTP/9.9 extra\r\n\r\n")
    assert response.status == 400
    assert response.getheader("content-type") == "application/json"


def test_64_clients_connecting_at_once_all_get_answers(fake: FakeCodat, company: str) -> None:
    clients = 64
    barrier = threading.Barrier(clients)
    statuses: list[int] = []
    failures: list[BaseException] = []
    request = (
        f"GET {connections_path(company)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {AUTH['Authorization']}\r\nConnection: close\r\n\r\n"
    ).encode()

    def one(base_url: str) -> None:
        barrier.wait()
        try:
            statuses.append(raw_request(base_url, request).status)
        except BaseException as exc:
            failures.append(exc)

    with fake.serve() as base_url:
        threads = [threading.Thread(target=one, args=(base_url,)) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    assert statuses == [200] * clients


# -- waiting answers honour the client's timeout in-process, as a socket does ---------------------------
def test_delay_in_process_raises_the_read_timeout_a_socket_would(fake: FakeCodat, company: str) -> None:
    fake.delay(30.0)
    with (
        httpx.Client(transport=fake.transport(), base_url=CODAT_BASE, headers=AUTH, timeout=0.2) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        client.get(connections_path(company))


def test_latency_in_process_raises_the_read_timeout_a_socket_would(fake: FakeCodat, company: str) -> None:
    fake.latency(30.0)
    with (
        httpx.Client(transport=fake.transport(), base_url=CODAT_BASE, headers=AUTH, timeout=0.2) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        client.get(connections_path(company))


async def test_delay_in_process_async_raises_the_read_timeout(fake: FakeCodat, company: str) -> None:
    fake.delay(30.0)
    transport = fake.async_transport()
    async with httpx.AsyncClient(transport=transport, base_url=CODAT_BASE, headers=AUTH, timeout=0.2) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get(connections_path(company))


def test_the_client_sees_a_timeout_in_process_and_retries_it(
    fake: FakeCodat, company: str, sleeps: list[float]
) -> None:
    fake.delay(30.0, times=3)
    http_client = httpx.Client(transport=fake.transport(), timeout=0.2)
    with CodatConnections(api_key=API_KEY, http_client=http_client) as codat:
        use_test_clock(codat)
        with pytest.raises(APITimeoutError):
            codat.connections.list(company)
    assert len(fake.requests_to("GET")) == 3
    assert len(sleeps) == 2


async def test_async_latency_does_not_block_the_event_loop(fake: FakeCodat, company: str) -> None:
    fake.latency(1.0)
    transport = fake.async_transport()
    async with httpx.AsyncClient(transport=transport, base_url=CODAT_BASE, headers=AUTH, timeout=5) as client:
        request = asyncio.create_task(client.get(connections_path(company)))
        await asyncio.sleep(0.05)
        assert not request.done(), "the event loop ran while the answer waited"
        assert (await request).status_code == 200

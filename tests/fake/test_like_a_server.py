"""The fake answers like a server (issue 17 §7): interim 100s at once, an Allow per path, int32 paging
parameters, idle connections closed, events never dated before their state, its errors exported.

The socket cases talk raw HTTP, because httpx hides ``Expect`` and connection handling; a socket
timeout far above the fake's own bounds turns a hang into a failure instead of a stuck test.
"""

from __future__ import annotations

import json
import socket
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
import pytest

from codat_connections import parse_datetime
from codat_connections.testing import ConnectionNotFound, FakeCodat, InvalidTransition
from codat_connections.testing._ways_in import server as _server
from tests.conftest import API_KEY, ROOT
from tests.fake.conftest import AUTH, Clock, assert_codat_error
from tests.fake.receiver import Inbox

SOCKET_TIMEOUT = 5.0


def connect(base_url: str) -> socket.socket:
    parts = urlsplit(base_url)
    return socket.create_connection((parts.hostname or "", parts.port or 80), timeout=SOCKET_TIMEOUT)


def read_until(sock: socket.socket, marker: bytes) -> bytes:
    data = b""
    while marker not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


# -- Expect: 100-continue ---------------------------------------------------------------------------------
def test_expect_100_continue_gets_the_interim_answer_before_the_body_is_sent(fake: FakeCodat, company: str) -> None:
    body = b'{"platformKey": "gbol"}'
    head = (
        f"POST /companies/{company}/connections HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: {AUTH['Authorization']}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nExpect: 100-continue\r\n\r\n"
    ).encode()
    with fake.serve() as base_url, connect(base_url) as sock:
        sock.sendall(head)
        sock.settimeout(2.0)  # curl waits 1 s for the interim answer; the fake's 1 s body timeout must not start first
        interim = read_until(sock, b"\r\n\r\n")
        assert interim.startswith(b"HTTP/1.1 100 Continue\r\n"), interim
        sock.sendall(body)
        final = read_until(sock, b'"status"')
    assert final.startswith(b"HTTP/1.1 200 "), final
    assert [c["integrationKey"] for c in fake.connections_of(company)] == ["gbol"]


# -- 405 names the methods of that path ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("suffix", "allowed"),
    [
        ("", "GET, POST"),
        ("/connections", "GET, POST"),
        ("/connections/{c}", "DELETE, GET, PATCH"),
        ("/connections/{c}/authorization", "PUT"),
        ("/accessToken", "GET"),
    ],
)
def test_a_405_allows_the_methods_that_path_routes(
    http: httpx.Client, fake: FakeCodat, company: str, suffix: str, allowed: str
) -> None:
    [connection] = fake.seed_connections(company, 1)
    path = "/companies" + (f"/{company}" + suffix.format(c=connection) if suffix else "")
    for method in ("OPTIONS", "PROPFIND"):
        response = http.request(method, path)
        assert_codat_error(response, 405)
        assert response.headers["allow"] == allowed


def test_an_unknown_path_is_a_404_whatever_the_method(http: httpx.Client) -> None:
    assert_codat_error(http.request("OPTIONS", "/no/such/path"), 404)


# -- paging parameters are int32 -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("page", "2147483648"),
        ("page", "99999999999999999999999"),
        ("pageSize", "2147483648"),
        ("page", "-2147483649"),
        ("page", "+1"),
        ("page", "1_0"),
        ("page", " 1"),
        ("pageSize", "1e3"),
        ("page", ""),
        ("page", "0"),
        ("pageSize", "5001"),
    ],
)
@pytest.mark.parametrize("listing", ["connections", "companies"])
def test_a_paging_parameter_out_of_range_is_codats_400(
    http: httpx.Client, company: str, name: str, value: str, listing: str
) -> None:
    path = f"/companies/{company}/connections" if listing == "connections" else "/companies"
    message = assert_codat_error(http.get(path, params={name: value}), 400)
    assert name in message or "page" in message


def test_the_largest_int32_page_is_an_empty_page(http: httpx.Client, company: str) -> None:
    page = http.get(f"/companies/{company}/connections", params={"page": "2147483647"}).json()
    assert (page["results"], page["pageNumber"]) == ([], 2147483647)


# -- idle and slow connections do not hold a thread ----------------------------------------------------
def test_the_header_read_timeout_is_a_few_seconds() -> None:
    assert 1 <= _server.HEADER_READ_TIMEOUT <= 10


def test_an_idle_connection_is_closed_after_the_header_read_timeout(
    fake: FakeCodat, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_server, "HEADER_READ_TIMEOUT", 0.3, raising=False)
    with fake.serve() as base_url, connect(base_url) as sock:
        assert sock.recv(1) == b"", "the server closed the connection"


def test_headers_dribbled_a_byte_at_a_time_are_cut_off_at_the_timeout(
    fake: FakeCodat, company: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_server, "HEADER_READ_TIMEOUT", 0.5, raising=False)
    request = (
        f"GET /companies/{company}/connections HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode() + b"X-Slow: " + b"a" * 200
    )
    closed = False
    with fake.serve() as base_url, connect(base_url) as sock:
        for byte in request:  # one byte each 50 ms: 10 s for all of it, far past the timeout
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                closed = True
                break
            time.sleep(0.05)
        if not closed:
            sock.settimeout(SOCKET_TIMEOUT)
            closed = sock.recv(1) == b""
        assert closed, "the server still waits for the rest of the headers"
        assert httpx.get(base_url + f"/companies/{company}/connections", headers=AUTH, timeout=5).status_code == 200


def test_a_keep_alive_connection_still_serves_requests_within_the_timeout(fake: FakeCodat, company: str) -> None:
    with fake.serve() as base_url, httpx.Client(base_url=base_url, headers=AUTH, timeout=5) as client:
        for _ in range(3):
            assert client.get(f"/companies/{company}/connections").status_code == 200


# -- events are never dated before the state they report ------------------------------------------------
def event_and_state(received: bytes) -> tuple[datetime, dict[str, object]]:
    event = json.loads(received)
    return parse_datetime(event["generatedDate"]), event["payload"]["connection"]


@pytest.mark.parametrize("frozen", [True, False])
def test_no_event_is_dated_before_the_connection_it_reports(fake: FakeCodat, clock: Clock, frozen: bool) -> None:
    fake = FakeCodat(api_key=API_KEY, clock=clock) if frozen else fake
    inbox = Inbox()
    fake.add_webhook_endpoint(inbox)
    company = fake.add_company("Acme Ltd")
    with httpx.Client(transport=fake.transport(), base_url="https://api.codat.io", headers=AUTH) as client:
        created = client.post(f"/companies/{company}/connections", json={"platformKey": "gbol"}).json()
        fake.complete_link(company, created["id"])
        fake.deauthorize(company, created["id"])
        fake.fail_link(company, created["id"])
        fake.complete_link(company, created["id"])
        client.patch(f"/companies/{company}/connections/{created['id']}", json={"status": "Unlinked"})
    assert inbox.event_types[0] == "connection.created"
    for received in inbox.received:
        generated, connection = event_and_state(received.body)
        errors: list[dict[str, object]] = connection.get("dataConnectionErrors") or []  # type: ignore[assignment]
        stamps = [connection["created"], connection.get("lastSync")]
        stamps += [error.get(name) for error in errors for name in ("erroredOnUtc", "resolvedOnUtc")]
        for stamp in stamps:
            if stamp:
                assert generated >= parse_datetime(str(stamp)), (received.event_type, stamp, generated)


def test_the_created_event_of_a_connection_made_over_http_is_not_before_its_created_time(
    fake: FakeCodat, company: str
) -> None:
    inbox = Inbox()
    fake.add_webhook_endpoint(inbox, event_types=["connection.created"])
    with fake.serve() as base_url:
        httpx.post(f"{base_url}/companies/{company}/connections", json={"platformKey": "qhyg"}, headers=AUTH, timeout=5)
    [received] = inbox.received
    generated, connection = event_and_state(received.body)
    assert generated >= parse_datetime(str(connection["created"]))


# -- the controls' errors are importable ------------------------------------------------------------------
def test_the_controls_errors_are_exported_and_raised(fake: FakeCodat, company: str) -> None:
    [pending] = fake.seed_connections(company, 1, status="PendingAuth")
    with pytest.raises(InvalidTransition, match="only a Linked connection can be deauthorized"):
        fake.deauthorize(company, pending)
    with pytest.raises(ConnectionNotFound, match="Data connection nope not found"):
        fake.complete_link(company, "nope")
    assert issubclass(InvalidTransition, ValueError) and issubclass(ConnectionNotFound, ValueError)
    guide = (ROOT / "docs" / "guides" / "testing.md").read_text()  # the README's testing section moved there
    assert "InvalidTransition" in guide and "NotFound" in guide and "ConnectionNotFound" in guide


@pytest.mark.parametrize("path", ["/companies", "/_fake/requests"])
def test_every_answer_carries_one_date_header_from_the_fakes_clock(clock: Clock, path: str) -> None:
    """Codat's Date is Codat's clock (a ledger dates what a sweep saw by it): the fake's Date is the fake's
    clock, and over loopback the standard library's real-clock Date is not added beside it."""
    clock.now = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
    fake = FakeCodat(api_key=API_KEY, clock=clock)
    in_process = httpx.Client(transport=fake.transport(), base_url="https://api.codat.io", headers=AUTH)
    assert in_process.get(path).headers.get_list("date") == ["Mon, 02 Mar 2026 09:00:00 GMT"]
    clock.advance(61)
    with fake.serve() as base_url, socket.create_connection(("127.0.0.1", urlsplit(base_url).port)) as raw:
        raw.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {AUTH['Authorization']}\r\n\r\n".encode()
        )
        head = raw.recv(65536).split(b"\r\n\r\n")[0].decode().lower().splitlines()
    assert [line for line in head if line.startswith("date:")] == ["date: mon, 02 mar 2026 09:01:01 gmt"]

"""The served fake, safe to leave running (issue 23 §5): it answers only its own names (a 421 for any other Host,
against DNS rebinding), gives out its public URL, listens on IPv6, fails to listen with a typed error, and bounds
what a client can hold: a body's total time and the connections served at once.

Raw sockets where httpx would hide what is tested (the Host header, a dribbled body, connections held open).
"""

from __future__ import annotations

import errno
import socket
import time
from contextlib import ExitStack
from urllib.parse import urlsplit

import httpx
import pytest

from codat_connections.testing import CannotListen, FakeCodat
from codat_connections.testing._ways_in import listener, server
from tests.fake.conftest import AUTH, assert_codat_error
from tests.fake.receiver import Inbox

SOCKET_TIMEOUT = 5.0


def raw_get(base_url: str, path: str, host: str | None) -> bytes:
    """A GET with exactly this Host header (none when None), as a browser under DNS rebinding would send it."""
    parts = urlsplit(base_url)
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=SOCKET_TIMEOUT) as sock:
        head = f"GET {path} HTTP/1.1\r\n" + (f"Host: {host}\r\n" if host is not None else "")
        sock.sendall(f"{head}Authorization: {AUTH['Authorization']}\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def status_of(answer: bytes) -> int:
    return int(answer.split(b" ", 2)[1])


# -- the Host header --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "host", ["127.0.0.1", "127.0.0.1:{port}", "localhost:{port}", "LOCALHOST", "localhost.:{port}", "[::1]:9999"]
)
def test_the_loopback_names_are_answered_with_any_port(fake: FakeCodat, company: str, host: str) -> None:
    with fake.serve() as base_url:
        answer = raw_get(base_url, f"/companies/{company}", host.format(port=urlsplit(base_url).port))
    assert status_of(answer) == 200, answer


@pytest.mark.parametrize("path", ["/companies", "/_fake/openapi.json", "/_fake/link/companies/c/connections/x/start"])
@pytest.mark.parametrize("host", ["attacker.example:8765", "attacker.example", "127.0.0.1.attacker.example", "0.0.0.0"])
def test_any_other_host_is_a_421_before_anything_is_answered(fake: FakeCodat, host: str, path: str) -> None:
    """Review: any Host was answered, so a page of a rebinding name could drive the dev server (its key is public)."""
    with fake.serve() as base_url:
        answer = raw_get(base_url, path, host)
    assert status_of(answer) == 421, answer
    assert b"--allow-host" in answer and b"allowed_hosts" in answer
    assert fake.requests == [], "nothing reached the fake"


@pytest.mark.parametrize("host", [None, "a b", "[::1"])
def test_a_missing_or_malformed_host_is_a_400(fake: FakeCodat, host: str | None) -> None:
    with fake.serve() as base_url:
        assert status_of(raw_get(base_url, "/companies", host)) == 400


def test_the_names_allowed_and_the_public_urls_host_are_answered(fake: FakeCodat, company: str) -> None:
    hosts = ["codat-fake", "host.docker.internal", "10.0.0.7", "fake.example", "[fd00::1]"]
    public = "http://fake.example:9000"
    with fake.serve(
        allowed_hosts=["Codat-Fake", "host.docker.internal", "10.0.0.7", "[fd00::1]"], public_url=public
    ) as url:
        assert [status_of(raw_get(url, f"/companies/{company}", f"{h}:9000")) for h in hosts] == [200] * 5
        assert status_of(raw_get(url, f"/companies/{company}", "other.example")) == 421


@pytest.mark.parametrize("name", ["http://x", "x:80", "a/b", "", "a b", 7])
def test_an_allowed_host_is_a_bare_name(fake: FakeCodat, name: object) -> None:
    with pytest.raises((ValueError, TypeError)), fake.serve(allowed_hosts=[name]):  # type: ignore[list-item]
        pass
    with pytest.raises(TypeError, match="not one string"), fake.serve(allowed_hosts="codat-fake"):
        pass


# -- the public URL ---------------------------------------------------------------------------------------
def test_link_urls_use_the_public_url_in_answers_and_webhooks(fake: FakeCodat, company: str) -> None:
    """Review: in a container (``--host 0.0.0.0``) link URLs were ``http://0.0.0.0:PORT/...``, unusable."""
    inbox = Inbox()
    fake.add_webhook_endpoint(inbox, event_types=["connection.created"])
    public = "http://localhost:9000/codat"
    with fake.serve("0.0.0.0", public_url=public + "/") as base_url:
        assert base_url.startswith("http://127.0.0.1:"), "the base URL this machine reaches"
        created = httpx.post(
            f"{base_url}/companies/{company}/connections", json={"platformKey": "gbol"}, headers=AUTH, timeout=5
        ).json()
        link = f"{public}/_fake/link/companies/{company}/connections/{created['id']}/start"
        assert created["linkUrl"] == link
        assert fake.connection(company, created["id"])["linkUrl"] == link
    assert inbox.received[0].event["payload"]["connection"]["linkUrl"] == link


@pytest.mark.parametrize(
    "url", ["ftp://x", "http://", "http://x/?a=1", "http://x/#top", "http://u:p@x", "http://x:99999", "http://x\r\n"]
)
def test_a_public_url_is_one_base_url(fake: FakeCodat, url: str) -> None:
    with pytest.raises(ValueError, match="public_url"), fake.serve(public_url=url):
        pass


# -- IPv6 and failing to listen ----------------------------------------------------------------------------
def test_it_listens_on_ipv6_loopback_with_a_bracketed_base_url(fake: FakeCodat, company: str) -> None:
    with fake.serve("::1") as base_url:
        assert base_url.startswith("http://[::1]:")
        assert httpx.get(f"{base_url}/companies/{company}", headers=AUTH, timeout=5).status_code == 200
        created = httpx.post(
            f"{base_url}/companies/{company}/connections", json={"platformKey": "gbol"}, headers=AUTH, timeout=5
        ).json()
        assert httpx.get(created["linkUrl"], timeout=5).status_code == 200, "its Link page opens"


def test_a_port_in_use_is_cannot_listen(fake: FakeCodat) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CannotListen) as refused, fake.serve(port=port):
            pass
    assert refused.value.errno == errno.EADDRINUSE and isinstance(refused.value, OSError)
    assert str(refused.value) == f"port {port} on 127.0.0.1 is already in use; choose another (0: any free port)"


@pytest.mark.parametrize("host", ["no-such-host.invalid", "192.0.2.1"])
def test_a_host_that_is_not_this_machine_is_cannot_listen(fake: FakeCodat, host: str) -> None:
    with pytest.raises(CannotListen, match=f"cannot listen on {host}:0"), fake.serve(host):
        pass


@pytest.mark.parametrize(
    ("host", "port", "error"), [("127.0.0.1", 70000, ValueError), (None, 0, TypeError), ("127.0.0.1", "80", TypeError)]
)
def test_bad_arguments_are_refused_before_listening(fake: FakeCodat, host: object, port: object, error: type) -> None:
    with pytest.raises(error), fake.serve(host, port):  # type: ignore[arg-type]
        pass


# -- bounds on what a client holds -----------------------------------------------------------------------
def test_a_body_dribbled_within_the_idle_timeout_is_cut_off_at_the_total_deadline(
    fake: FakeCodat, company: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review: only an idle timeout, so a byte every 0.9 s held a thread for as long as the body's length allows."""
    monkeypatch.setattr(server, "BODY_READ_DEADLINE", 0.6)
    body = b'{"platformKey": "gbol"}'
    with fake.serve() as base_url, socket.create_connection(("127.0.0.1", urlsplit(base_url).port), 5) as sock:
        sock.sendall(
            f"POST /companies/{company}/connections HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: {AUTH['Authorization']}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        )
        started = time.monotonic()
        answer = b""
        for byte in body:  # one byte each 0.1 s: within the 1 s idle timeout, past the 0.6 s deadline
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(0.1)
        while chunk := sock.recv(65536):
            answer += chunk
    assert status_of(answer) == 408, answer
    assert b"did not arrive within 0.6 s" in answer
    assert time.monotonic() - started < 2.5
    assert fake.connections_of(company) == []


def test_connections_beyond_the_bound_are_a_503_and_no_thread(
    fake: FakeCodat, company: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review: one thread per connection, unbounded: a flood of idle connections started a thread each."""
    monkeypatch.setattr(listener, "MAX_CONNECTIONS", 4)
    with fake.serve() as base_url, ExitStack() as held:
        address = ("127.0.0.1", urlsplit(base_url).port)
        idle = [held.enter_context(socket.create_connection(address, SOCKET_TIMEOUT)) for _ in range(4)]
        time.sleep(0.2)  # each is being served: a thread waits for its request line
        refused = raw_get(base_url, f"/companies/{company}", "127.0.0.1")
        assert status_of(refused) == 503, refused
        assert b"retry-after: 1" in refused.lower()
        for sock in idle:
            sock.close()
        deadline = time.monotonic() + 5
        while status_of(raw_get(base_url, f"/companies/{company}", "127.0.0.1")) != 200:
            assert time.monotonic() < deadline, "the slots did not come back"
            time.sleep(0.05)


def test_the_bounds_are_what_the_docs_say() -> None:
    assert (server.BODY_READ_DEADLINE, listener.MAX_CONNECTIONS, listener.LISTEN_BACKLOG) == (10.0, 256, 128)


def test_a_refused_request_is_codats_error_body(fake: FakeCodat) -> None:
    with fake.serve() as base_url:
        answer = raw_get(base_url, "/companies", "attacker.example")
    response = httpx.Response(
        421, headers={"content-type": "application/json"}, content=answer.split(b"\r\n\r\n", 1)[1]
    )
    assert "DNS rebinding" in assert_codat_error(response, 421)

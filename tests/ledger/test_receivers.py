"""``asgi_app`` and ``wsgi_app``: verify, record durably, answer; each status of the contract, on both servers."""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from codat_connections.ledger import Ledger, Outcome
from codat_connections.ledger._store import Delivery
from codat_connections.webhooks import ConnectionEvent, WebhookEvent, asgi_app, parse_event, wsgi_app
from tests.ledger.events import at, connection_body
from tests.ledger.postgres import PostgresServer
from tests.webhooks.signing import KEY, OTHER_KEY, SECRET, signed_headers

CONN = "c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"
Post = Callable[..., tuple[int, dict[str, str], dict[str, Any]]]


def delivery(
    status: str = "Deauthorized", seconds: float = 1, *, message_id: str = "msg_1", key: bytes = KEY
) -> tuple[bytes, dict[str, str]]:
    body = connection_body(CONN, status, at(seconds))
    return body, signed_headers(body, key=key, message_id=message_id, timestamp=int(time.time()))


def call_wsgi(
    app: Any, body: bytes, headers: dict[str, str], method: str = "POST", **environ: Any
) -> tuple[int, dict[str, str], dict[str, Any]]:
    env: dict[str, Any] = {"REQUEST_METHOD": method, "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))}
    env |= {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    env |= environ
    started: list[tuple[str, list[tuple[str, str]]]] = []
    chunks = app(env, lambda status, pairs: started.append((status, pairs)))
    status, pairs = started[0]
    return int(status.split()[0]), dict(pairs), json.loads(b"".join(chunks))


def call_asgi(
    app: Any, body: bytes, headers: dict[str, str], method: str = "POST", *, chunks: int = 1, length: bool = True
) -> tuple[int, dict[str, str], dict[str, Any]]:
    pairs = [(name.encode(), value.encode()) for name, value in headers.items()]
    if length:
        pairs.append((b"content-length", str(len(body)).encode()))
    size = max(1, -(-len(body) // chunks))
    parts = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
    messages = [{"type": "http.request", "body": part, "more_body": i < len(parts) - 1} for i, part in enumerate(parts)]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app({"type": "http", "method": method, "path": "/", "headers": pairs}, receive, send))
    start, end = sent
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, json.loads(end["body"])


@pytest.fixture(params=["wsgi", "asgi"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make(kind: str) -> Callable[..., tuple[Any, Post]]:
    """An app of this kind with the given arguments, and how to post to it."""

    def build(*args: Any, **kwargs: Any) -> tuple[Any, Post]:
        factory = wsgi_app if kind == "wsgi" else asgi_app
        return factory(*args, **kwargs), call_wsgi if kind == "wsgi" else call_asgi

    return build


def test_a_verified_delivery_is_recorded_once_and_handed_to_on_event_once(ledger: Ledger, make: Any) -> None:
    seen: list[WebhookEvent] = []
    app, post = make(ledger, on_event=seen.append, secret=SECRET)
    body, headers = delivery()
    assert post(app, body, headers)[::2] == (200, {"outcome": "applied"})
    assert post(app, body, headers)[::2] == (200, {"outcome": "duplicate"})
    assert len(seen) == 1 and isinstance(seen[0], ConnectionEvent)
    state = ledger.get(CONN)
    assert state is not None and state.status == "Deauthorized"
    late, late_headers = delivery("Linked", 0.5, message_id="msg_0")
    assert post(app, late, late_headers)[::2] == (200, {"outcome": "stale"})
    assert len(seen) == 1  # a stale event is not acted on


def test_a_forged_delivery_is_400_and_nothing_is_recorded(ledger: Ledger, make: Any) -> None:
    app, post = make(ledger, secret=SECRET)
    body, headers = delivery(key=OTHER_KEY)
    status, _, answer = post(app, body, headers)
    assert (status, answer["reason"]) == (400, "no_matching_signature")
    assert post(app, body.replace(b"Acme", b"Evil"), delivery()[1])[0] == 400
    assert ledger.get(CONN) is None
    assert post(app, *delivery())[::2] == (200, {"outcome": "applied"})  # the genuine one is still new


def test_an_unreadable_but_authentic_delivery_is_400(ledger: Ledger, make: Any) -> None:
    app, post = make(ledger, secret=SECRET)
    body = b'{"eventType": "connection.connected", "payload": {}}'
    status, _, answer = post(app, body, signed_headers(body, timestamp=int(time.time())))
    assert status == 400 and answer["error"] == "authentic but unreadable"


def test_only_post_is_accepted(ledger: Ledger, make: Any) -> None:
    app, post = make(ledger, secret=SECRET)
    status, headers, _ = post(app, b"", {}, method="GET")
    assert (status, headers["allow"]) == (405, "POST")


def test_an_oversized_body_is_413(ledger: Ledger, make: Any, kind: str) -> None:
    app, post = make(ledger, secret=SECRET, max_body=100)
    body, headers = delivery()
    assert post(app, body, headers)[0] == 413
    if kind == "asgi":  # streamed in chunks with no length: counted as it comes
        assert post(app, body, headers, chunks=8, length=False)[0] == 413
    else:  # chunked: the server ends the stream
        assert post(app, body, headers, CONTENT_LENGTH="", **{"wsgi.input_terminated": True})[0] == 413
    assert ledger.get(CONN) is None


@pytest.mark.parametrize("declared", ["-1", "-5", "+20", "1e3", "٣"])
def test_a_content_length_that_is_not_a_number_of_bytes_is_400_and_nothing_is_read(
    ledger: Ledger, declared: str
) -> None:
    """wsgiref and Werkzeug pass Content-Length as sent: read(-1) would take all a client sends, past max_body."""
    app = wsgi_app(ledger, secret=SECRET, max_body=100)
    body, headers = delivery()
    stream = io.BytesIO(body + b" " * 10_000)
    environ: dict[str, Any] = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()}
    environ |= {"REQUEST_METHOD": "POST", "CONTENT_LENGTH": declared, "wsgi.input": stream}
    started: list[str] = []
    answer = json.loads(b"".join(app(environ, lambda status, pairs: started.append(status))))
    assert (started, answer["error"]) == (["400 Bad Request"], "Content-Length is not a number of bytes")
    assert stream.tell() == 0 and ledger.get(CONN) is None


def test_a_receiver_without_its_secret_answers_500_so_that_codat_retries(
    ledger: Ledger, make: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Not silently: a warning when the app is made, and an error logged with each 500, naming what to set."""
    monkeypatch.delenv("CODAT_WEBHOOK_SECRET", raising=False)
    app, post = make(ledger)
    assert [r.levelname for r in caplog.records] == ["WARNING"] and "set CODAT_WEBHOOK_SECRET" in caplog.text
    caplog.clear()
    status, _, answer = post(app, *delivery())
    assert (status, answer["reason"]) == (500, "missing_secret")
    assert [r.levelname for r in caplog.records] == ["ERROR"] and "set CODAT_WEBHOOK_SECRET" in caplog.text
    monkeypatch.setenv("CODAT_WEBHOOK_SECRET", SECRET)
    assert post(app, *delivery())[0] == 200


def test_when_on_event_fails_codats_retry_calls_it_again(
    ledger: Ledger, make: Any, caplog: pytest.LogCaptureFixture
) -> None:
    calls: list[str] = []

    def on_event(event: WebhookEvent) -> None:
        calls.append(event.message_id)
        if len(calls) == 1:
            raise RuntimeError("the queue is down")

    app, post = make(ledger, on_event=on_event, secret=SECRET)
    body, headers = delivery()
    assert post(app, body, headers)[0] == 500
    assert "the queue is down" in caplog.text and "on_event raised on delivery msg_1" in caplog.text
    assert post(app, body, headers)[::2] == (200, {"outcome": "applied"})
    assert post(app, body, headers)[::2] == (200, {"outcome": "duplicate"})
    assert calls == ["msg_1", "msg_1"]


def test_a_copy_arriving_while_on_event_runs_is_409_and_on_event_runs_once(ledger: Ledger, make: Any) -> None:
    """Svix retries an attempt that outlives its timeout, and may send a message twice: neither copy may call
    on_event a second time while the first attempt is in it (they did, both answered 200 "applied")."""
    entered, leave = threading.Event(), threading.Event()
    calls: list[str] = []

    def on_event(event: WebhookEvent) -> None:
        calls.append(event.message_id)
        entered.set()
        assert leave.wait(10)

    app, post = make(ledger, on_event=on_event, secret=SECRET)
    body, headers = delivery()
    first: list[tuple[int, dict[str, str], dict[str, Any]]] = []
    attempt = threading.Thread(target=lambda: first.append(post(app, body, headers)))
    attempt.start()
    try:
        assert entered.wait(10)
        status, answer_headers, answer = post(app, body, headers)
        assert (status, answer_headers["retry-after"]) == (409, "5") and "being handled" in answer["error"]
        assert ledger.record(parse_event(body, message_id="msg_1")) is Outcome.DUPLICATE  # recorded directly too
    finally:
        leave.set()
        attempt.join()
    assert first[0][::2] == (200, {"outcome": "applied"})
    assert post(app, body, headers)[::2] == (200, {"outcome": "duplicate"})
    assert calls == ["msg_1"]


def test_a_delivery_whose_attempt_died_in_on_event_is_handed_off_by_a_copy_after_the_hold(
    ledger: Ledger, make: Any
) -> None:
    calls: list[str] = []
    app, post = make(ledger, on_event=lambda event: calls.append(event.message_id), secret=SECRET)
    body, headers = delivery()
    held = ledger._receive(parse_event(body, message_id="msg_1"), handed_off=False)  # an attempt that then died
    assert held.first_time and not held.busy
    assert post(app, body, headers)[0] == 409  # still held
    backend = ledger._store.backend
    backend.run(lambda cursor: cursor.execute("UPDATE codat_deliveries SET handing_until = received_at"))  # ran out
    assert post(app, body, headers)[::2] == (200, {"outcome": "applied"})
    assert post(app, body, headers)[::2] == (200, {"outcome": "duplicate"})
    assert calls == ["msg_1"]


def test_without_a_ledger_on_event_gets_every_verified_delivery(make: Any) -> None:
    seen: list[str] = []
    app, post = make(on_event=lambda event: seen.append(event.message_id), secret=SECRET)
    body, headers = delivery()
    assert post(app, body, headers)[::2] == (200, {"outcome": "received"})
    assert post(app, body, headers)[0] == 200
    assert seen == ["msg_1", "msg_1"]


def test_the_database_unavailable_is_503_and_the_same_delivery_later_is_one_record(tmp_path: Path, make: Any) -> None:
    path = tmp_path / "fleet.db"
    with Ledger.open(f"sqlite:///{path}", timeout=0.2) as ledger:
        app, post = make(ledger, secret=SECRET)
        body, headers = delivery()
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # another process holds the database past the receiver's timeout
        status, answer_headers, _ = post(app, body, headers)
        assert (status, answer_headers["retry-after"]) == (503, "5")
        holder.execute("ROLLBACK")
        holder.close()
        assert post(app, body, headers)[::2] == (200, {"outcome": "applied"})  # Codat's retry
        assert post(app, body, headers)[::2] == (200, {"outcome": "duplicate"})
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM codat_deliveries").fetchone() == (1,)


@pytest.mark.slow
def test_postgresql_down_is_503_and_the_same_delivery_later_is_one_record(make: Any) -> None:
    server = PostgresServer().start()
    try:
        url = server.create_database()
        with Ledger.open(url, timeout=2) as ledger:
            app, post = make(ledger, secret=SECRET)
            body, headers = delivery()
            server.stop()
            assert post(app, body, headers)[0] == 503
            server.start()
            assert post(app, body, headers)[::2] == (200, {"outcome": "applied"})
            assert post(app, body, headers)[::2] == (200, {"outcome": "duplicate"})
            state = ledger.get(CONN)
            assert state is not None and state.status == "Deauthorized"
        import psycopg

        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT COUNT(*) FROM codat_deliveries").fetchone() == (1,)
    finally:
        server.close()


class ThreadNoting(Ledger):
    """A ledger that notes the thread each delivery is recorded on."""

    threads: list[int]

    def _receive(self, event: WebhookEvent, *, handed_off: bool) -> Delivery:
        self.threads.append(threading.get_ident())
        return super()._receive(event, handed_off=handed_off)


def test_the_asgi_app_never_waits_on_the_database_on_the_event_loop(sqlite_url: str) -> None:
    opened = Ledger.open(sqlite_url)
    ledger = ThreadNoting(opened._store, "noting")
    ledger.threads = []
    on_loop: list[int] = []
    plain: list[int] = []

    async def async_on_event(event: WebhookEvent) -> None:
        on_loop.append(threading.get_ident())

    loop_threads: list[int] = []

    async def serve() -> None:
        loop_threads.append(threading.get_ident())
        for on_event, seconds in ((async_on_event, 1), (lambda e: plain.append(threading.get_ident()), 2)):
            app = asgi_app(ledger, on_event=on_event, secret=SECRET)
            body, headers = delivery(seconds=seconds, message_id=f"msg_{seconds}")
            assert await _post_async(app, body, headers) == 200

    asyncio.run(serve())
    ledger.close()
    assert ledger.threads and loop_threads[0] not in ledger.threads
    assert on_loop == loop_threads  # an async on_event is awaited on the loop
    assert plain and plain[0] != loop_threads[0]  # a plain one runs in a worker thread


async def _post_async(app: Any, body: bytes, headers: dict[str, str]) -> int:
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    pairs = [(name.encode(), value.encode()) for name, value in headers.items()]
    await app({"type": "http", "method": "POST", "headers": pairs}, receive, send)
    return int(sent[0]["status"])


def test_the_asgi_app_answers_the_lifespan_protocol(sqlite_url: str) -> None:
    app = asgi_app(on_event=print, secret=SECRET)
    incoming = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent: list[str] = []

    async def receive() -> dict[str, Any]:
        return next(incoming)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message["type"])

    async def serve() -> None:
        await app({"type": "lifespan"}, receive, send)

    asyncio.run(serve())
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_a_receiver_needs_something_to_do_and_checks_its_arguments(ledger: Ledger) -> None:
    for factory in (asgi_app, wsgi_app):
        with pytest.raises(ValueError, match="secret must be the endpoint's signing secret") as refused:
            factory(ledger, secret="not-a-secret")  # a typo: nothing it could ever verify
        assert "not-a-secret" not in str(refused.value)
        with pytest.raises(TypeError, match="ledger, an on_event"):
            factory()
        with pytest.raises(TypeError, match="Ledger"):
            factory("sqlite:///x.db")  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="max_body"):
            factory(ledger, max_body=0)
        with pytest.raises(TypeError, match="on_event"):
            factory(ledger, on_event="print")  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_secret_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CODAT_WEBHOOK_SECRET", raising=False)

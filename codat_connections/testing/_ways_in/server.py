"""FakeCodat over real HTTP: a threaded server that holds up under abuse and answers only its own names.

Every method reaches the fake, so an unrouted one (OPTIONS, HEAD, ...) gets Codat's JSON 405 and a
malformed request Codat's JSON 400, never Python's HTML error page (binding, IPv6, the bound on connections and
``CannotListen``: ``listener.py``). A request whose Host is not one of the
server's names (``hosts.py``) is a 421, before anything else. ``Expect: 100-continue`` gets its interim
answer at once (curl waits for it). The request line and headers must arrive within
``HEADER_READ_TIMEOUT`` of the server starting to wait for them, so an idle connection, or one that
dribbles its headers, is closed instead of holding a thread forever. The body is read against a checked
``Content-Length`` (or chunked encoding) with an idle timeout and a total deadline, so a bad or lying
length is a 400 and a body dribbled a byte a second a 408, rather than a handler blocked for good. An
answer waits for its delay and latency in the connection's thread.
"""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, unquote, urlsplit

from codat_connections.testing._pipeline.pipeline import OpenExchange
from codat_connections.testing._pipeline.responses import FakeResponse, codat_error
from codat_connections.testing._ways_in.hosts import host_name, local_base_url, url_host
from codat_connections.testing._ways_in.listener import BoundedServer, listen

__all__ = ["BODY_IDLE_TIMEOUT", "BODY_READ_DEADLINE", "HEADER_READ_TIMEOUT", "MAX_BODY_BYTES", "serve"]

BODY_IDLE_TIMEOUT = 1.0
"""Seconds the server waits for more of a request body before answering 400 (clients send it at once)."""
BODY_READ_DEADLINE = 10.0
"""Seconds a request body has in all, from the end of its headers, before a 408: a body dribbled a byte at a time,
each within the idle timeout, no longer holds a thread for as long as its 8 MiB take. Read at each request."""
HEADER_READ_TIMEOUT = 10.0
"""Seconds a connection has, from the moment the server waits for a request, to send its request line and
headers; then it is closed. Above httpx's 5 s keep-alive expiry, so a pooled connection is never cut under
a client that is about to reuse it. Read at each request, so a test may lower it."""
MAX_BODY_BYTES = 8 * 1024 * 1024
_MAX_LINE = 65536


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class _DeadlinePassed(TimeoutError):
    """The total deadline passed (not the idle timeout)."""


class _Server(BoundedServer):
    open_exchange: OpenExchange
    names: frozenset[str]


class _DeadlineReader(io.RawIOBase):
    """The socket's bytes; no read waits past ``deadline`` (a ``time.monotonic()`` moment), nor longer than
    ``idle`` seconds, each when set."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self.deadline: float | None = None
        self.idle: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        wait = self.idle
        if self.deadline is not None:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                raise _DeadlinePassed("the request did not arrive in time")
            wait = remaining if wait is None else min(wait, remaining)
        self._sock.settimeout(wait)
        try:
            return self._sock.recv_into(buffer)
        except TimeoutError:
            if self.deadline is not None and time.monotonic() >= self.deadline:
                raise _DeadlinePassed("the request did not arrive in time") from None
            raise


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body leave in one write with Nagle off: otherwise delayed ACKs add ~40 ms a request.
    disable_nagle_algorithm = True
    wbufsize = 1 << 16
    server: _Server

    def setup(self) -> None:
        super().setup()
        self._reader = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._reader)

    def handle_expect_100(self) -> bool:
        """The interim answer goes out now, not with the final one: a client waits for it before the body."""
        self.send_response_only(HTTPStatus.CONTINUE)
        self.end_headers()
        self.wfile.flush()
        return True

    def handle_one_request(self) -> None:
        """One request, whatever its method: the fake decides what is routed."""
        self._reader.deadline = time.monotonic() + HEADER_READ_TIMEOUT
        try:
            self.raw_requestline = self.rfile.readline(_MAX_LINE + 1)
            if not self.raw_requestline:
                self.close_connection = True
                return
            if len(self.raw_requestline) > _MAX_LINE:
                self.requestline, self.request_version, self.command = "", "HTTP/1.1", ""
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                return
            if not self.parse_request():
                return
            self._reader.deadline = None
            if self._misdirected():
                return
            self._answer()
            self.wfile.flush()
        except OSError:  # the client went away (reset, broken pipe, timed-out read): nothing to answer
            self.close_connection = True

    def _misdirected(self) -> bool:
        """A request for a name the server does not answer to: a 421 (400 without one Host) and True."""
        hosts = self.headers.get_all("host") or []
        if len(hosts) != 1 or (name := host_name(hosts[0].strip())) is None:
            self.send_error(400, "A request needs one Host header naming this server.")
            return True
        if name in self.server.names:
            return False
        names = ", ".join(url_host(known) for known in sorted(self.server.names))
        self.send_error(
            421,
            f"This fake answers requests for {names} only, not {url_host(name)!r} (which protects it from DNS "
            "rebinding): add the name with codat-fake --allow-host or serve(allowed_hosts=...), or give "
            "--public-url / serve(public_url=...)",
        )
        return True

    def _answer(self) -> None:
        try:
            body = self._read_body()
        except _BadRequest as bad:
            self.send_error(bad.status, str(bad))
            return
        parts = urlsplit(self.path)
        exchange = self.server.open_exchange(
            self.command,
            unquote(parts.path),
            dict(parse_qsl(parts.query, keep_blank_values=True)),
            dict(self.headers.items()),
            body,
        )
        answered_at = time.monotonic() + exchange.wait
        try:
            if exchange.wait:
                time.sleep(exchange.wait)
            exchange.finish()
            self._send(exchange.response)
        finally:
            exchange.finish(answered_at)

    def _send(self, answer: FakeResponse) -> None:
        if answer.drop:
            self.close_connection = True
            self.connection.close()
            return
        # send_response_only: the fake's answer carries its own Date (the fake's clock); the standard
        # library's send_response would add a second one from the real clock.
        self.log_request(answer.status)
        self.send_response_only(answer.status)
        self.send_header("server", self.version_string())
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("content-length", str(len(answer.body)))
        self.end_headers()
        if answer.truncate:
            self.wfile.write(answer.body[: len(answer.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(answer.body)

    def _read_body(self) -> bytes:
        """The request body per its framing; ``_BadRequest`` when the framing is wrong, the body short or late."""
        self._reader.deadline, self._reader.idle = time.monotonic() + BODY_READ_DEADLINE, BODY_IDLE_TIMEOUT
        try:
            if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
                return self._read_chunked()
            declared = {value.strip() for value in self.headers.get_all("content-length") or ()}
            if not declared:
                return b""
            if len(declared) > 1:
                raise _BadRequest(400, "The request has conflicting Content-Length headers.")
            text = declared.pop()
            if not (text.isascii() and text.isdigit()):
                raise _BadRequest(400, f"Content-Length must be a whole number of bytes, got {text[:40]!r}.")
            return self._read_exactly(int(text))
        except _DeadlinePassed:
            raise _BadRequest(408, f"The request body did not arrive within {BODY_READ_DEADLINE:g} s.") from None
        except TimeoutError:
            raise _BadRequest(400, "The request body is shorter than its Content-Length.") from None
        finally:
            self._reader.deadline = self._reader.idle = None
            self.connection.settimeout(None)

    def _read_exactly(self, length: int) -> bytes:
        if length > MAX_BODY_BYTES:
            raise _BadRequest(413, f"The request body is larger than the fake accepts ({MAX_BODY_BYTES} bytes).")
        body = self.rfile.read(length) if length else b""
        if len(body) < length:
            raise _BadRequest(400, "The request body is shorter than its Content-Length.")
        return body

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(_MAX_LINE)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _BadRequest(400, "The request has a malformed chunk size.") from None
            if size < 0:
                raise _BadRequest(400, "The request has a malformed chunk size.")
            if size == 0:
                while self.rfile.readline(_MAX_LINE).strip():  # trailers, up to the blank line
                    pass
                return b"".join(chunks)
            total += size
            chunks.append(self._read_exactly(size if total <= MAX_BODY_BYTES else MAX_BODY_BYTES + 1))
            self.rfile.readline(_MAX_LINE)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Codat's JSON error body instead of Python's HTML page; the connection is then closed."""
        status = HTTPStatus(code)
        answer = codat_error(code, message or status.phrase)
        self.request_version = "HTTP/1.1"  # a malformed request line leaves 0.9, which would drop the status line
        self.close_connection = True
        self.send_response_only(code)
        self.send_header("content-type", "application/json")
        self.send_header("connection", "close")
        self.send_header("content-length", str(len(answer.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(answer.body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the fake keeps its own request log."""


@contextmanager
def serve(
    open_exchange: OpenExchange, host: str = "127.0.0.1", port: int = 0, *, names: frozenset[str] = frozenset()
) -> Iterator[str]:
    """Serve ``open_exchange`` on ``host:port`` (0: the OS picks) and yield the base URL a client on this machine
    uses; stop on exit. Requests must name one of ``names`` as their Host. ``CannotListen`` if it cannot listen."""
    server = listen(host, port, lambda address, family: _Server(address, family, _Handler))
    server.open_exchange = open_exchange
    server.names = names
    # A short poll interval: shutdown waits for the serving loop to notice, and tests start and stop many servers.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), name="fake-codat", daemon=True)
    thread.start()
    try:
        yield local_base_url(host, server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

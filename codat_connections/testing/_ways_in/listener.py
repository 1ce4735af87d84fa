"""The listening side of a served fake: binding to an IPv4 or IPv6 address, a bound on the connections served at
once, and ``CannotListen`` when it cannot listen (the HTTP itself is ``server.py``).

The listen backlog is 128, so many clients connecting at once are all accepted; at most ``MAX_CONNECTIONS``
connections are served at once (a thread each), and one more is answered 503 with ``Retry-After: 1`` and closed
at once, so a flood of connections cannot start a thread each.
"""

from __future__ import annotations

import errno
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

from codat_connections.testing._pipeline.responses import codat_error
from codat_connections.testing._ways_in.hosts import url_host

__all__ = ["LISTEN_BACKLOG", "MAX_CONNECTIONS", "BoundedServer", "CannotListen", "listen"]

LISTEN_BACKLOG = 128
MAX_CONNECTIONS = 256
"""Connections served at once, a thread each; one more is answered 503 (``Retry-After: 1``) and closed. An idle
connection gives its thread back after ``HEADER_READ_TIMEOUT``. Read when a server starts."""


class CannotListen(OSError):
    """``serve()`` could not listen on the host and port asked: the port is taken, the address is not this
    machine's, or the host name does not resolve. An ``OSError`` (``errno`` kept); the message says which."""

    def __str__(self) -> str:
        return str(self.strerror)


class BoundedServer(ThreadingHTTPServer):
    """A threaded HTTP server on an IPv4 or IPv6 address, serving at most ``MAX_CONNECTIONS`` connections at once."""

    daemon_threads = True
    block_on_close = False
    request_queue_size = LISTEN_BACKLOG

    def __init__(
        self, address: tuple[Any, ...], family: socket.AddressFamily, handler: type[BaseHTTPRequestHandler]
    ) -> None:
        self.address_family = family
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(address, handler)

    def server_bind(self) -> None:
        """Bind without ``HTTPServer``'s reverse DNS lookup of the address (``server_name`` is not used)."""
        self.socket.bind(self.server_address)
        self.server_address = self.socket.getsockname()

    def process_request(self, request: Any, client_address: Any) -> None:
        """A thread for the connection while fewer than ``MAX_CONNECTIONS`` are served; else 503 at once."""
        if not self._slots.acquire(blocking=False):
            _refuse_busy(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


def _refuse_busy(sock: socket.socket) -> None:
    """Codat's 503 written without waiting (a client that reads nothing cannot hold the accepting thread)."""
    answer = codat_error(503, f"The fake is serving {MAX_CONNECTIONS} connections already; retry in a second.")
    head = (
        f"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\n"
        f"connection: close\r\ncontent-length: {len(answer.body)}\r\n\r\n"
    )
    try:
        sock.setblocking(False)
        sock.send(head.encode() + answer.body)
    except OSError:
        pass


S = TypeVar("S", bound=BoundedServer)


def listen(host: str, port: int, make: Callable[[tuple[Any, ...], socket.AddressFamily], S]) -> S:
    """``make(address, family)``: a server bound to ``host:port`` (an IPv6 address too); ``CannotListen`` saying
    why not."""
    try:
        family, _, _, _, address = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise CannotListen(exc.errno, f"cannot listen on {url_host(host)}:{port}: {exc.strerror}") from None
    try:
        return make(address, family)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            reason = f"port {port} on {host} is already in use; choose another (0: any free port)"
        else:
            reason = f"cannot listen on {url_host(host)}:{port}: {exc.strerror or exc}"
        raise CannotListen(exc.errno, reason) from None

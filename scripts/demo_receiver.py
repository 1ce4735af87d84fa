"""The demo's webhook receiver: a plain WSGI app on loopback, written as the webhooks guide shows.

It verifies each delivery with ``codat_connections.webhooks.unwrap``, answers at once (400 for a
forgery, 200 for a message already taken, 202 otherwise) and leaves the work to the demo's main
thread through a queue, deduplicating on the ``webhook-id``.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from http import HTTPStatus
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from codat_connections.webhooks import WebhookEvent, WebhookPayloadError, WebhookVerificationError, unwrap


class Receiver:
    """Counts what it refused and deduplicated, and queues each new event."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.url = ""
        """Where it listens, once ``serve`` runs it."""
        self.events: queue.Queue[WebhookEvent] = queue.Queue()
        self.seen: set[str] = set()
        self.duplicates = 0
        self.refused: list[str] = []
        self._lock = threading.Lock()

    def receive(self, body: bytes, headers: Mapping[str, str]) -> int:
        try:
            event = unwrap(body, headers, secret=self.secret)
        except (WebhookVerificationError, WebhookPayloadError) as exc:
            with self._lock:
                self.refused.append(str(exc))
            return 400
        with self._lock:
            if event.message_id in self.seen:
                self.duplicates += 1
                return 200
            self.seen.add(event.message_id)
        self.events.put(event)
        return 202

    def wsgi_app(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {name[5:].replace("_", "-"): value for name, value in environ.items() if name.startswith("HTTP_")}
        status = self.receive(body, headers)
        start_response(f"{status} {HTTPStatus(status).phrase}", [("Content-Length", "0")])
        return [b""]

    def take(self) -> list[WebhookEvent]:
        """Every event queued so far, oldest first."""
        taken = []
        while not self.events.empty():
            taken.append(self.events.get_nowait())
        return taken


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the demo says what matters."""


@contextmanager
def serve(receiver: Receiver) -> Iterator[str]:
    """The receiver on ``127.0.0.1`` in a thread; yields its URL."""
    server: WSGIServer = make_server("127.0.0.1", 0, receiver.wsgi_app, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_port}/codat-webhooks"
    try:
        yield receiver.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

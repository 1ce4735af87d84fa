"""Webhook receivers for tests: an in-process inbox and a real HTTP receiver on loopback."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    body: bytes
    headers: dict[str, str]

    @property
    def event(self) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed

    @property
    def event_type(self) -> str:
        return str(self.event["eventType"])


class Inbox:
    """A callable endpoint: records every delivery and answers from ``script`` (then 200).

    An int in the script is the status to answer; an exception instance is raised instead.
    """

    def __init__(self, *script: int | Exception) -> None:
        self.script: deque[int | Exception] = deque(script)
        self.received: list[Received] = []
        self._lock = threading.Lock()

    def __call__(self, body: bytes, headers: dict[str, str]) -> int:
        with self._lock:
            self.received.append(Received(body, dict(headers)))
            answer = self.script.popleft() if self.script else 200
        if isinstance(answer, Exception):
            raise answer
        return answer

    @property
    def event_types(self) -> list[str]:
        return [r.event_type for r in self.received]


class LoopbackReceiver(Inbox):
    """The same over HTTP: ``script`` may also hold a float, the seconds to stall before answering 200."""

    def __init__(self, *script: int | float | Exception) -> None:
        super().__init__()
        self.stalls: deque[int | float | Exception] = deque(script)

    def answer(self, body: bytes, headers: dict[str, str]) -> int:
        with self._lock:
            self.received.append(Received(body, headers))
            answer = self.stalls.popleft() if self.stalls else 200
        if isinstance(answer, float):
            time.sleep(answer)
            return 200
        return answer if isinstance(answer, int) else 500

    @contextmanager
    def serve(self) -> Iterator[str]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["content-length"]))
                status = receiver.answer(body, {k.lower(): v for k, v in self.headers.items()})
                try:
                    self.send_response(status)
                    self.send_header("content-length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the fake stopped waiting

            def log_message(self, format: str, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/webhooks"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)

"""Receivers that need no framework code: ``asgi_app`` and ``wsgi_app`` verify, record, then answer.

For each POST: the delivery is verified (``unwrap``; a forged or unreadable one is a 400 and nothing is
recorded), recorded in the ledger (a 2xx only once the record is committed; 503 when the database is
unavailable, so Codat delivers it again and nothing is lost), then handed to ``on_event``. A duplicate is a
200 with no second effect. Anything but POST is a 405, a body over ``max_body`` bytes a 413, and a receiver
without its secret (``CODAT_WEBHOOK_SECRET`` unset) a 500: Codat retries while the configuration is fixed. A
``secret=`` that is not a ``whsec_`` secret is a ``ValueError`` when the app is made; a missing one is a warning
then, and every 500 (no usable secret, ``on_event`` raised) is logged on the ``codat_connections`` logger, so the
operator sees why Codat keeps retrying.

``on_event`` runs after the record is durable, for the events the ledger applied (with no ledger, for every
verified event). If it raises, the answer is a 500 and the delivery is not marked handed off, so Codat's retry
calls ``on_event`` again (at least once); once it returns, a retry is a duplicate. A copy arriving while an
attempt is in ``on_event`` is a 409 (the ledger holds the delivery for that attempt). The ASGI app runs database
work and a plain ``on_event`` in a worker thread, never on the event loop; an ``async def`` ``on_event`` is
awaited on the loop.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import logging
import os
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from codat_connections._constants import WEBHOOK_SECRET_ENV
from codat_connections.webhooks._errors import WebhookPayloadError, WebhookVerificationError
from codat_connections.webhooks._events import WebhookEvent, parse_event
from codat_connections.webhooks._verify import DEFAULT_TOLERANCE_SECONDS, signing_key, verified_text

if TYPE_CHECKING:
    from codat_connections.ledger import Ledger

__all__ = ["DEFAULT_MAX_BODY", "ASGIApp", "WSGIApp", "asgi_app", "wsgi_app"]

DEFAULT_MAX_BODY = 1024 * 1024
"""The largest body a receiver reads (bytes); Codat's connection events are a few kilobytes."""

ASGIApp: TypeAlias = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[MutableMapping[str, Any]]], Callable[..., Awaitable[None]]],
    Awaitable[None],
]
"""An ASGI 3 application: ``await app(scope, receive, send)``."""
WSGIApp: TypeAlias = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
"""A WSGI application: ``app(environ, start_response)``."""

_MISCONFIGURED = ("missing_secret", "malformed_secret")
log = logging.getLogger("codat_connections")


class _Answer(NamedTuple):
    """A response: status, JSON body (never a secret: a reason or an outcome), extra headers."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()

    def header_list(self) -> list[tuple[str, str]]:
        return [("content-type", "application/json"), *self.headers, ("content-length", str(len(self.body)))]


class _Receiver:
    """What both apps do with one POST's body and headers, as steps a sync or async caller runs in order."""

    def __init__(
        self, ledger: Ledger | None, on_event: Callable[[WebhookEvent], object] | None, secret: str | None, limit: int
    ) -> None:
        if ledger is None and on_event is None:
            raise TypeError("a receiver needs a ledger, an on_event callable, or both")
        if ledger is not None:
            from codat_connections.ledger import Ledger  # loaded only by receivers given one

            if not isinstance(ledger, Ledger):
                raise TypeError(f"ledger must be a codat_connections.ledger.Ledger, got {type(ledger).__name__}")
        if on_event is not None and not callable(on_event):
            raise TypeError(f"on_event must be callable, got {type(on_event).__name__}")
        if secret is not None and not isinstance(secret, str):
            raise TypeError(f"secret must be a str (the endpoint's whsec_... secret), got {type(secret).__name__}")
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError(f"max_body must be a positive number of bytes, got {limit!r}")
        _check_secret(secret)
        self.ledger = ledger
        self.on_event = on_event
        self.secret = secret
        self.limit = limit
        self.awaits = on_event is not None and (
            inspect.iscoroutinefunction(on_event) or inspect.iscoroutinefunction(getattr(on_event, "__call__", None))  # noqa: B004
        )

    def verify(self, body: bytes, headers: list[tuple[bytes, bytes]] | dict[str, str]) -> WebhookEvent | _Answer:
        try:
            message_id, text = verified_text(body, headers, self.secret, DEFAULT_TOLERANCE_SECONDS)
            return parse_event(text, message_id=message_id)
        except WebhookVerificationError as error:
            if error.reason in _MISCONFIGURED:  # the receiver's own configuration, not the sender's fault
                log.error(
                    "webhook receiver: %s; every delivery is answered 500 (Codat retries) until it is fixed", error
                )
                return _answer(500, {"error": "the receiver has no usable webhook secret", "reason": error.reason})
            return _answer(400, {"error": "not a verified delivery", "reason": error.reason})
        except WebhookPayloadError as error:
            return _answer(400, {"error": "authentic but unreadable", "reason": error.reason})

    def record(self, event: WebhookEvent) -> tuple[bool, _Answer]:
        """Record the event: whether ``on_event`` is to be called, and the answer if it is not (or succeeds)."""
        if self.ledger is None:
            return True, _answer(200, {"outcome": "received"})
        from codat_connections.ledger import LedgerError, Outcome

        try:
            delivery = self.ledger._receive(event, handed_off=self.on_event is None)
        except LedgerError:
            return False, _answer(503, {"error": "the ledger's database is unavailable"}, retry=True)
        body = {"outcome": delivery.outcome.value}
        if delivery.busy:  # another attempt is in on_event with it: come back, and find it handed off (or not)
            return False, _answer(409, {"error": "another attempt of this delivery is being handled"}, retry=True)
        if not delivery.first_time or self.on_event is None:
            return False, _answer(200, body)
        if delivery.outcome is not Outcome.APPLIED:
            self.handed_off(event)
            return False, _answer(200, body)
        return True, _answer(200, body)

    def handed_off(self, event: WebhookEvent) -> None:
        if self.ledger is not None and event.message_id is not None:
            from codat_connections.ledger import LedgerError

            with contextlib.suppress(LedgerError):  # the effect happened; a retry may repeat it (at least once)
                self.ledger._handed_off(event.message_id)

    def release(self, event: WebhookEvent) -> None:
        """``on_event`` raised: let Codat's retry hand the event off at once (else it waits out the hold)."""
        if self.ledger is not None and event.message_id is not None:
            from codat_connections.ledger import LedgerError

            with contextlib.suppress(LedgerError):
                self.ledger._hand_off_failed(event.message_id)

    @staticmethod
    def failed(event: WebhookEvent) -> _Answer:
        """``on_event`` raised (called from its ``except``): logged with its traceback, and a 500 so Codat retries."""
        log.exception(
            "webhook receiver: on_event raised on delivery %s; answered 500, Codat will retry", event.message_id
        )
        return _answer(500, {"error": "on_event failed; the delivery will be retried"})


def _check_secret(secret: str | None) -> None:
    """A ``secret=`` that can never verify anything is refused now; a missing one is only warned of (the
    environment may be set before the first delivery, and until then Codat's retries wait)."""
    if secret is not None:
        try:
            signing_key(secret)
        except WebhookVerificationError:
            raise ValueError(
                "secret must be the endpoint's signing secret: 'whsec_' then base64, as the Codat portal shows it"
            ) from None
    elif not os.environ.get(WEBHOOK_SECRET_ENV):
        log.warning(
            "webhook receiver made without a secret: set %s (or pass secret=); until then every delivery is "
            "answered 500 and Codat retries it",
            WEBHOOK_SECRET_ENV,
        )


def _answer(status: int, body: dict[str, str], *, retry: bool = False) -> _Answer:
    return _Answer(status, json.dumps(body).encode(), (("retry-after", "5"),) if retry else ())


def _allow_post() -> _Answer:
    return _Answer(405, b'{"error": "only POST is accepted"}', (("allow", "POST"),))


def _too_large(limit: int) -> _Answer:
    return _answer(413, {"error": f"the body is over {limit} bytes"})


def wsgi_app(
    ledger: Ledger | None = None,
    *,
    on_event: Callable[[WebhookEvent], object] | None = None,
    secret: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
) -> WSGIApp:
    """A WSGI application receiving Codat's webhooks into ``ledger`` and/or ``on_event``.

    Mount it at your webhook URL (any path: it answers every POST it is given). ``secret`` is the endpoint's
    ``whsec_...`` secret (default: ``CODAT_WEBHOOK_SECRET``, read on each delivery). See the module docstring.
    """
    receiver = _Receiver(ledger, on_event, secret, max_body)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        answer = _wsgi_answer(receiver, environ)
        start_response(f"{answer.status} {HTTPStatus(answer.status).phrase}", answer.header_list())
        return [answer.body]

    return app


def _wsgi_answer(receiver: _Receiver, environ: dict[str, Any]) -> _Answer:
    if environ.get("REQUEST_METHOD", "GET").upper() != "POST":
        return _allow_post()
    # Digits only: int() takes "-1", and read(-1) would read whatever the client sends, past max_body.
    declared = str(environ.get("CONTENT_LENGTH") or "").strip()
    if declared and not (declared.isascii() and declared.isdigit()):
        return _answer(400, {"error": "Content-Length is not a number of bytes"})
    length = int(declared or 0)
    stream = environ["wsgi.input"]
    if length > receiver.limit:
        return _too_large(receiver.limit)
    if length == 0 and environ.get("wsgi.input_terminated"):  # chunked: the server ends the stream
        body = stream.read(receiver.limit + 1)
        if len(body) > receiver.limit:
            return _too_large(receiver.limit)
    else:
        body = stream.read(length) if length else b""
    headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
    verified = receiver.verify(body, headers)
    if isinstance(verified, _Answer):
        return verified
    call, answer = receiver.record(verified)
    if call and receiver.on_event is not None:
        try:
            result = receiver.on_event(verified)
            if inspect.isawaitable(result):
                raise TypeError("wsgi_app's on_event must be a plain function: use asgi_app for an async one")
        except Exception:
            receiver.release(verified)
            return receiver.failed(verified)
        receiver.handed_off(verified)
    return answer


def asgi_app(
    ledger: Ledger | None = None,
    *,
    on_event: Callable[[WebhookEvent], object] | None = None,
    secret: str | None = None,
    max_body: int = DEFAULT_MAX_BODY,
) -> ASGIApp:
    """An ASGI application receiving Codat's webhooks into ``ledger`` and/or ``on_event``.

    Mount it in Starlette or FastAPI (``app.mount("/codat/webhooks", asgi_app(ledger))``) or serve it alone
    (it answers the lifespan protocol). ``on_event`` may be a plain function (run in a worker thread) or an
    ``async def`` (awaited). Database work runs in a worker thread: the event loop never waits on it. Arguments
    as ``wsgi_app``.
    """
    receiver = _Receiver(ledger, on_event, secret, max_body)

    async def app(
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[MutableMapping[str, Any]]],
        send: Callable[..., Awaitable[None]],
    ) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        answer = await _asgi_answer(receiver, scope, receive)
        if answer is None:  # the client went away
            return
        pairs = [(name.encode(), value.encode()) for name, value in answer.header_list()]
        await send({"type": "http.response.start", "status": answer.status, "headers": pairs})
        await send({"type": "http.response.body", "body": answer.body})

    return app


async def _asgi_answer(
    receiver: _Receiver, scope: MutableMapping[str, Any], receive: Callable[[], Awaitable[MutableMapping[str, Any]]]
) -> _Answer | None:
    if str(scope.get("method", "")).upper() != "POST":
        return _allow_post()
    headers: list[tuple[bytes, bytes]] = list(scope.get("headers") or [])
    for name, value in headers:
        if name.lower() == b"content-length" and value.strip().isdigit() and int(value) > receiver.limit:
            return _too_large(receiver.limit)
    body = bytearray()
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        body += message.get("body", b"")
        if len(body) > receiver.limit:
            return _too_large(receiver.limit)
        if not message.get("more_body"):
            break
    import asyncio  # the caller is a coroutine: asyncio is loaded

    verified = receiver.verify(bytes(body), headers)  # CPU only: an HMAC over a few kilobytes
    if isinstance(verified, _Answer):
        return verified
    call, answer = await asyncio.to_thread(receiver.record, verified)
    if call and receiver.on_event is not None:
        try:
            # An async def is called here; a plain function in a worker thread (it may block).
            if receiver.awaits:
                result = receiver.on_event(verified)
            else:
                result = await asyncio.to_thread(receiver.on_event, verified)
            if inspect.isawaitable(result):
                await result
        except Exception:
            await asyncio.to_thread(receiver.release, verified)
            return receiver.failed(verified)
        await asyncio.to_thread(receiver.handed_off, verified)
    return answer


async def _lifespan(
    receive: Callable[[], Awaitable[MutableMapping[str, Any]]], send: Callable[..., Awaitable[None]]
) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return

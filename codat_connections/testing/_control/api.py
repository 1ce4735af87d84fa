"""The HTTP control API under ``/_fake/``: every Python control of the fake, reachable from any language.

Each operation of ``_control_spec.OPERATIONS`` has one handler (``_control_handlers``, ``_control_link``) that reads
its JSON body (names checked against the operation's schema) and calls the same ``FakeControls``
method a Python test calls: no rule is written twice. Errors are Codat's error body: 400 for a bad
argument (the control's own ``ValueError`` or ``TypeError`` message), 401 without the fake's API
key, 404 for an unknown company, connection or endpoint, 409 for a transition the status does not
allow, 504 when a flush times out.
"""

from __future__ import annotations

import re
from collections import deque
from typing import Any

from codat_connections._json import NotAJSONObject, loads_object
from codat_connections.testing._control import link_handlers  # noqa: F401  (registers the keyless operations)
from codat_connections.testing._control.controls import FakeControls
from codat_connections.testing._control.document import OPERATIONS, SCHEMAS, ControlOperation
from codat_connections.testing._control.handlers import HANDLERS, Context
from codat_connections.testing._pipeline.recording import IncomingRequest
from codat_connections.testing._pipeline.responses import FakeResponse, codat_error
from codat_connections.testing._pipeline.routing import find_route
from codat_connections.testing._state.store import ConnectionNotFound, InvalidTransition

__all__ = ["INBOX_SIZE", "ControlAPI"]

INBOX_SIZE = 1000
"""Messages the inbox keeps (the oldest go first)."""


def _pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "$")


def _routes() -> tuple[tuple[re.Pattern[str], dict[str, ControlOperation]], ...]:
    """The operations grouped by path, each with the methods it takes: the shape ``find_route`` reads."""
    by_path: dict[str, dict[str, ControlOperation]] = {}
    for op in OPERATIONS:
        by_path.setdefault(op.path, {})[op.method] = op
    return tuple((_pattern(path), methods) for path, methods in by_path.items())


_ROUTES = _routes()


class ControlAPI:
    """Answers ``/_fake/`` requests for one fake (called without the fake's lock held)."""

    def __init__(self, fake: FakeControls) -> None:
        self.fake = fake
        self.inbox: deque[dict[str, Any]] = deque(maxlen=INBOX_SIZE)

    def answer(self, request: IncomingRequest) -> FakeResponse:
        not_found = f"No control at {request.path}; the control API is described at /_fake/openapi.json"
        found = find_route(_ROUTES, request.method, request.path, not_found)
        if isinstance(found, FakeResponse):
            return found
        op, ids = found
        if op.auth and not self.fake._pipeline.authorized(request):
            return codat_error(401, "Unauthorized: the control API needs the fake's API key, as Codat's API does.")
        body = self._body(op, request)
        if isinstance(body, FakeResponse):
            return body
        try:
            return HANDLERS[op.id](Context(self.fake, self.inbox, request), ids.groupdict(), body)
        except ConnectionNotFound as missing:
            return codat_error(404, str(missing))
        except InvalidTransition as refused:
            return codat_error(409, str(refused))
        except (TypeError, ValueError) as wrong:
            return codat_error(400, str(wrong))
        except TimeoutError as slow:
            return codat_error(504, str(slow))

    @staticmethod
    def _body(op: ControlOperation, request: IncomingRequest) -> dict[str, Any] | FakeResponse:
        """The JSON body, its names checked against the schema; an empty body is ``{}``."""
        if op.request in (None, "Any", "LinkChoice") or not request.body.strip():
            body: dict[str, Any] = {}
        else:
            try:
                body = loads_object(request.body)
            except NotAJSONObject as wrong:
                return codat_error(400, f"The request body is not valid: {wrong}; send a JSON object.")
        schema = SCHEMAS.get(op.request or "", {})
        known = schema.get("properties")
        if known is not None and op.request != "LinkChoice":
            unknown = sorted(set(body) - set(known))
            if unknown:
                return codat_error(400, f"Unknown field(s) {unknown}; {op.id} takes {sorted(known)}.")
            missing = [name for name in schema.get("required", ()) if name not in body]
            if missing:
                return codat_error(400, f"Missing field(s) {missing} for {op.id}.")
        return body

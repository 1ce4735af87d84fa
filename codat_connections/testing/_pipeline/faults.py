"""Injected faults: what a test asks the fake to get wrong, and the answers those faults produce.

Faults sit in front of everything else (authentication, rate limits, the idempotency cache): they
model the network, a proxy or Codat's front door failing, so a faulted request is neither counted
against a limit nor cached against its Idempotency-Key, unless ``after_processing`` says the request
was applied and only its answer was lost.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

from codat_connections.testing._pipeline.responses import FakeResponse, codat_error
from codat_connections.testing._state.platforms import check_seconds, check_whole

__all__ = ["Fault", "FaultKind", "FaultQueue", "fault_response"]

FaultKind = Literal["status", "rate_limit", "delay", "non_json", "drop", "truncate"]

_MESSAGES = {
    429: "You have made too many requests in a given amount of time; please retry later.",
    503: "The Codat API is temporarily offline for maintenance. Please try again later.",
}
_SERVER_ERROR = "There is a problem with our server. Please try again later."


@dataclass
class Fault:
    """An injected failure for the next ``times`` matching requests."""

    kind: FaultKind
    times: int = 1
    method: str | None = None
    path: str | None = None
    status: int = 500
    retry_after: str | None = None
    seconds: float = 0.0
    after_processing: bool = False
    """For drop/status: apply the request first, then fail (the answer is lost in transit)."""

    def __post_init__(self) -> None:
        """Every field checked here, once, for the Python controls and the HTTP control API alike: a fault
        that passed would otherwise break each request it matches (a 500 from the fake) until cleared."""
        check_whole("times", self.times, least=1)
        for name in ("method", "path", "retry_after"):
            value = getattr(self, name)
            _check(
                value is None or (isinstance(value, str) and value.isascii() and value.isprintable()),
                f"{name} must be None or a string of printable ASCII",
                value,
            )
        lowest = 400 if self.kind == "status" else 200  # a proxy's HTML page may even come with a 200
        _check(
            isinstance(self.status, int) and not isinstance(self.status, bool) and lowest <= self.status <= 599,
            f"status must be an HTTP status from {lowest} to 599",
            self.status,
        )
        self.seconds = check_seconds("seconds", self.seconds)
        _check(isinstance(self.after_processing, bool), "after_processing must be true or false", self.after_processing)

    def matches(self, method: str, path: str) -> bool:
        """True for a request this fault applies to (``path`` matches as a substring)."""
        if self.method is not None and self.method.upper() != method:
            return False
        return self.path is None or self.path in path

    @property
    def replaces_answer(self) -> bool:
        """The fault answers instead of the API (rather than delaying or cutting the API's answer)."""
        return self.kind not in ("delay", "truncate") and not self.after_processing


class FaultQueue:
    """Faults in the order injected; each applies to its next ``times`` matching requests.

    The queue keeps its own copy of each fault and its own count of the uses left, so the ``Fault`` a control
    returned keeps saying what was injected (and changing it later changes nothing queued).
    """

    def __init__(self) -> None:
        self._queued: list[_Queued] = []

    def add(self, fault: Fault) -> Fault:
        self._queued.append(_Queued(dataclasses.replace(fault), fault.times))
        return fault

    def clear(self) -> None:
        self._queued.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The first fault matching this request, used up by one."""
        for queued in self._queued:
            if queued.fault.matches(method, path):
                queued.left -= 1
                if queued.left == 0:
                    self._queued.remove(queued)
                return queued.fault
        return None


@dataclass
class _Queued:
    fault: Fault
    left: int
    """Requests it still applies to."""


def _check(holds: bool, rule: str, value: object) -> None:
    if not holds:
        raise ValueError(f"{rule}, got {value!r}")


def fault_response(fault: Fault, now: float) -> FakeResponse:
    """The answer a replacing fault gives; ``now`` (Unix seconds) dates a rate limit's reset."""
    if fault.kind == "drop":
        return FakeResponse(0, drop=True)
    if fault.kind == "non_json":
        html = f"<html><body><h1>{fault.status} Bad Gateway</h1><p>upstream proxy error</p></body></html>"
        return FakeResponse(fault.status, {"content-type": "text/html"}, html.encode())
    if fault.kind == "rate_limit":
        response = codat_error(
            429,
            _MESSAGES[429],
            {"x-rate-limit-limit": "1000", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(now) + 60)},
        )
        if fault.retry_after is not None:
            response.headers["retry-after"] = fault.retry_after
        return response
    response = codat_error(fault.status, _MESSAGES.get(fault.status, _SERVER_ERROR))
    if fault.retry_after is not None:
        response.headers["retry-after"] = fault.retry_after
    return response

"""Injected faults: what a test asks the fake to get wrong, and the answers those faults produce.

Faults sit in front of everything else (authentication, rate limits, the idempotency cache): they
model the network, a proxy or Codat's front door failing, so a faulted request is neither counted
against a limit nor cached against its Idempotency-Key, unless ``after_processing`` says the request
was applied and only its answer was lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from codat_connections.testing._responses import FakeResponse, codat_error

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
    """Faults in the order injected; each applies to its next ``times`` matching requests."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        if fault.times < 1:
            raise ValueError(f"times must be at least 1, got {fault.times}")
        if fault.seconds < 0:
            raise ValueError(f"seconds must not be negative, got {fault.seconds}")
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        self._faults.clear()

    def take(self, method: str, path: str) -> Fault | None:
        """The first fault matching this request, used up by one."""
        if not self._faults:
            return None
        for fault in self._faults:
            if fault.times > 0 and fault.matches(method, path):
                fault.times -= 1
                if fault.times == 0:
                    self._faults.remove(fault)
                return fault
        return None


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

"""What the resources hand to a client: one API call as a value, and how to read its answer.

Resources build ``Operation`` values and give them to a ``Sender`` (the client's request loop); they
never see the client class, and the client never sees a resource's decoding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar

import httpx
from codat_connections_api.runtime import RequestArgs

__all__ = ["AsyncSender", "Operation", "RequestSpec", "SyncSender"]

T = TypeVar("T")


class RequestSpec:
    """One logical API call, built before the first attempt and reused by every retry."""

    __slots__ = ("company_id", "idempotency_key", "json", "method", "params", "path")

    def __init__(
        self,
        method: str,
        path: str,
        *,
        company_id: str | None = None,
        params: dict[str, Any] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.company_id = company_id
        """The company the call is about: Codat limits requests in flight per company."""
        self.params = params or {}
        self.json = json
        self.idempotency_key = idempotency_key
        """Set on create and unlink: the same key on every attempt, so Codat applies the write once."""

    @classmethod
    def from_generated(cls, kwargs: RequestArgs, *, company_id: str, idempotency_key: str | None = None) -> RequestSpec:
        """From the generated endpoint's ``build_request``, which owns the paths and parameter names."""
        return cls(
            kwargs["method"],
            kwargs["url"],
            company_id=company_id,
            params=dict(kwargs["params"]),
            json=kwargs["json"],
            idempotency_key=idempotency_key,
        )

    def __repr__(self) -> str:
        return f"RequestSpec({self.method} {self.path})"


class Operation(Generic[T]):
    """A request and the function that turns its successful response into the result."""

    __slots__ = ("parse", "spec")

    def __init__(self, spec: RequestSpec, parse: Callable[[RequestSpec, httpx.Response], T]) -> None:
        self.spec = spec
        self.parse = parse


class SyncSender(Protocol):
    """Sends one call with the client's retries and pacing: a success response, or a ``CodatError``."""

    def send(self, spec: RequestSpec) -> httpx.Response: ...


class AsyncSender(Protocol):
    """The async ``SyncSender``."""

    async def send(self, spec: RequestSpec) -> httpx.Response: ...

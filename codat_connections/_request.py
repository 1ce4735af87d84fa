"""What the resources hand to a client: one API call as a value, and what comes back from sending it.

Resources build ``Operation`` values and give them to a ``Sender`` (the client's request loop); they
never see the client class, and the client never sees a resource's decoding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, Protocol, TypeVar

import httpx

if TYPE_CHECKING:
    from codat_connections_api.runtime import RequestArgs

    from codat_connections._clock import Clock

__all__ = ["Answer", "AsyncSender", "Operation", "RequestSpec", "Sender"]

T = TypeVar("T")
U = TypeVar("U")


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
        """Set on keyed writes (create, unlink): the same key on every attempt, so Codat applies the write once."""

    @classmethod
    def from_generated(
        cls, args: RequestArgs, *, company_id: str | None, idempotency_key: str | None = None
    ) -> RequestSpec:
        """From a generated endpoint's ``build_request``, which owns the path, the parameter names and the body."""
        return cls(
            args["method"],
            args["url"],
            company_id=company_id,
            params=dict(args["params"]),
            json=args["json"],
            idempotency_key=idempotency_key,
        )

    def __repr__(self) -> str:
        return f"RequestSpec({self.method} {self.path})"


class Answer(NamedTuple):
    """What the request loop hands back: the final response, how many retries it took, and the forms
    of the credential to redact should a body that fails to decode have echoed it."""

    response: httpx.Response
    retries_taken: int
    credential_forms: tuple[bytes, ...]


class Operation(Generic[T]):
    """A request and the function that turns its successful response into the result."""

    __slots__ = ("parse", "spec")

    def __init__(self, spec: RequestSpec, parse: Callable[[RequestSpec, httpx.Response], T]) -> None:
        self.spec = spec
        self.parse = parse

    def then(self, convert: Callable[[T], U]) -> Operation[U]:
        """The same request, its decoded result passed through ``convert`` (a page type, a field)."""
        parse = self.parse

        def parse_and_convert(spec: RequestSpec, response: httpx.Response) -> U:
            return convert(parse(spec, response))

        return Operation(self.spec, parse_and_convert)


class Sender(Protocol):
    """Sends one call with the client's retries and pacing: a success (``Answer``), or a ``CodatError``.

    Its ``clock`` and ``answer_timeout()`` let an operation that waits on Codat (an onboarding whose
    first create is still in flight) wait as the client does, and no longer than it waits for an answer.
    """

    def send(self, spec: RequestSpec) -> Answer: ...

    @property
    def clock(self) -> Clock: ...

    def answer_timeout(self) -> float | None: ...


class AsyncSender(Protocol):
    """The async ``Sender``."""

    async def send(self, spec: RequestSpec) -> Answer: ...

    @property
    def clock(self) -> Clock: ...

    def answer_timeout(self) -> float | None: ...

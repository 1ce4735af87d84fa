"""How a raw-response variant is derived from a plain method: the method runs as written, and the one
request it makes hands back the ``APIResponse`` instead of the parsed result.

``_async/raw.py`` wraps a plain method (typed with ``ParamSpec``, so the signature and docstring carry
over) and raises the flag; the method's one ``_call`` takes the flag down *before* it sends (so code
that runs meanwhile in the same context, such as an httpx event hook or a webhook receiver making a
call of its own, gets plain results) and ``deliver`` then returns the ``APIResponse``. A method
wrapped this way must return what its one ``_call`` returns.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, TypeVar, cast

from codat_connections._request import Answer, Operation
from codat_connections._response import APIResponse, parse_answer

__all__ = ["RAW", "checked_raw", "deliver", "take_raw"]

T = TypeVar("T")

RAW: ContextVar[bool] = ContextVar("codat_connections_raw_response", default=False)
"""True while a raw-response wrapper runs its method (each thread and task sees its own)."""


def take_raw() -> bool:
    """Whether the call about to be sent is a raw-response variant's; the flag is lowered for what follows."""
    raw = RAW.get()
    if raw:
        RAW.set(False)
    return raw


def deliver(answer: Answer, operation: Operation[T], *, raw: bool) -> T:
    """The parsed result, or for a raw-response variant's call (``take_raw``) the ``APIResponse``."""
    if raw:
        return cast(T, APIResponse.of(answer, operation))
    return parse_answer(operation.parse, operation.spec, answer.response, answer.credential_forms)


def checked_raw(result: Any, name: str) -> APIResponse[Any]:
    """The wrapped method's result, which must be the ``APIResponse`` its one request produced."""
    if not isinstance(result, APIResponse):
        raise TypeError(f"{name} made no request through _call: it cannot have a raw-response variant")
    return result

"""How a raw-response variant is derived from a plain method: the method runs as written, and the one
request it makes hands back the ``APIResponse`` instead of the parsed result.

``_async/raw.py`` wraps a plain method (typed with ``ParamSpec``, so the signature and docstring carry
over); while it runs, ``deliver`` (which every resource's single-request ``_call`` ends with) returns
the ``APIResponse``. A method wrapped this way must return what its one ``_call`` returns.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, TypeVar, cast

from codat_connections._request import Answer, Operation
from codat_connections._response import APIResponse

__all__ = ["RAW", "checked_raw", "deliver"]

T = TypeVar("T")

RAW: ContextVar[bool] = ContextVar("codat_connections_raw_response", default=False)
"""True while a raw-response wrapper runs its method (each thread and task sees its own)."""


def deliver(answer: Answer, operation: Operation[T]) -> T:
    """The parsed result; inside a raw-response wrapper, the ``APIResponse`` (once: the flag is consumed)."""
    if RAW.get():
        RAW.set(False)
        return cast(T, APIResponse.of(answer, operation))
    return operation.parse(operation.spec, answer.response)


def checked_raw(result: Any, name: str) -> APIResponse[Any]:
    """The wrapped method's result, which must be the ``APIResponse`` its one request produced."""
    if not isinstance(result, APIResponse):
        raise TypeError(f"{name} made no request through _call: it cannot have a raw-response variant")
    return result

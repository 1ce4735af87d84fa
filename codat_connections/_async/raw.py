"""``with_raw_response`` variants derived from the plain methods (see ``codat_connections._raw``)."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

from codat_connections._raw import RAW, checked_raw
from codat_connections._response import APIResponse

__all__ = ["async_raw_response_wrapper"]

P = ParamSpec("P")
T = TypeVar("T")


def async_raw_response_wrapper(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[APIResponse[T]]]:
    """``method`` with the same parameters and docstring, returning the ``APIResponse`` of its request."""

    @functools.wraps(method)
    async def raw(*args: P.args, **kwargs: P.kwargs) -> APIResponse[T]:
        token = RAW.set(True)
        try:
            result = await method(*args, **kwargs)
        finally:
            RAW.reset(token)
        return checked_raw(result, method.__name__)

    return raw

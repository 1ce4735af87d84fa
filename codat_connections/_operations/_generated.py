"""Bridge to the generated endpoint modules' request builders (until they expose ``build_request``)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

__all__ = ["build"]


def build(endpoint: ModuleType, *args: Any, **kwargs: Any) -> dict[str, Any]:
    builder = getattr(endpoint, "build_request", None) or endpoint._get_kwargs
    result: dict[str, Any] = builder(*args, **kwargs)
    return result

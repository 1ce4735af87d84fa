"""The typed consumer code imports at runtime too (mypy --strict checks its types in `make test`)."""

from __future__ import annotations

import inspect

from tests.typing import consumer


def test_consumer_module_imports_and_covers_sync_async_and_models() -> None:
    functions = {name for name, value in vars(consumer).items() if inspect.isfunction(value)}
    assert {"sync_usage", "async_usage", "surface_usage", "async_surface_usage", "models_usage"} <= functions

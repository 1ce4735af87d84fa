"""While the fixtures are off, a test (or a fixture) asking for one of their names learns how to turn them on.

Without this, it gets pytest's bare "fixture 'codat_fake' not found". No fixture of those names is registered:
pytest lets a plugin registered later shadow an earlier one's fixture, so a stand-in would shadow a project's own
``codat_fake`` defined in a module named in ``pytest_plugins`` or loaded with ``-p``. Instead, pytest's own
"not found" for one of these names is turned into the hint, and a project's fixture of the same name, wherever
it is defined, is simply found.
"""

from __future__ import annotations

from collections.abc import Generator

import pytest

NAMES = frozenset({"codat_fake", "codat_client", "codat_async_client", "codat_fake_server"})
"""The fixtures of ``codat_connections.testing.pytest_plugin``."""
HOW = (
    "the codat-connections pytest fixtures are off: turn them on with `codat_fake = true` under "
    "[tool.pytest.ini_options], `--codat-fake` on the command line, or "
    '`pytest_plugins = ["codat_connections.testing.pytest_plugin"]` in your top-level conftest.py'
)


def _say_how(missing: pytest.FixtureLookupError) -> None:
    """Fail with the hint when the missing fixture is one of ours (pytest's own error otherwise)."""
    if missing.argname in NAMES:
        pytest.fail(f"fixture {missing.argname!r} not found: {HOW}", pytrace=False)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, object, object]:
    """Fixtures are set up here: a missing one of ours says how to turn them on."""
    try:
        return (yield)
    except pytest.FixtureLookupError as missing:
        _say_how(missing)
        raise


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, object, object]:
    """The same for ``request.getfixturevalue("codat_fake")`` inside a test."""
    try:
        return (yield)
    except pytest.FixtureLookupError as missing:
        _say_how(missing)
        raise

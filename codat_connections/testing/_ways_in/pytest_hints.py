"""Fixtures of the same names as the plugin's, registered while it is off, that say how to turn it on.

Without them, a test asking for ``codat_fake`` before the plugin is enabled gets pytest's bare
"fixture 'codat_fake' not found". A fixture of your own with one of these names takes precedence.
"""

from __future__ import annotations

from typing import NoReturn

import pytest

HOW = (
    "the codat-connections pytest fixtures are off: turn them on with `codat_fake = true` under "
    "[tool.pytest.ini_options], `--codat-fake` on the command line, or "
    '`pytest_plugins = ["codat_connections.testing.pytest_plugin"]` in your top-level conftest.py'
)


def _off() -> NoReturn:
    pytest.fail(HOW, pytrace=False)


@pytest.fixture
def codat_fake() -> NoReturn:
    """Off: see ``HOW``."""
    _off()


@pytest.fixture
def codat_client() -> NoReturn:
    """Off: see ``HOW``."""
    _off()


@pytest.fixture
def codat_async_client() -> NoReturn:
    """Off: see ``HOW``."""
    _off()


@pytest.fixture
def codat_fake_server() -> NoReturn:
    """Off: see ``HOW``."""
    _off()

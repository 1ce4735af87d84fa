"""The ``pytest11`` entry point: registers ``codat_connections.testing.pytest_plugin`` only when asked.

Installing the library must not change anyone's test suite, so the fixtures stay off until the
``codat_fake`` ini option is true or ``--codat-fake`` is given (or a ``pytest_plugins`` line loads
the plugin module directly).
"""

from __future__ import annotations

import pytest

PLUGIN = "codat_connections.testing.pytest_plugin"
HINTS = "codat_connections.testing._ways_in.pytest_hints"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "codat_fake", "enable the codat-connections fake fixtures (codat_fake, codat_client, ...)", "bool", False
    )
    group = parser.getgroup("codat-connections")
    group.addoption("--codat-fake", action="store_true", help="enable the codat-connections fake fixtures")


def pytest_configure(config: pytest.Config) -> None:
    enabled = config.getoption("--codat-fake") or config.getini("codat_fake")
    if config.pluginmanager.has_plugin(PLUGIN):
        return
    if enabled:
        config.pluginmanager.import_plugin(PLUGIN)
    else:
        # Off: asking for one of the fixtures says how to turn them on, not pytest's bare "not found"; a
        # project's own fixture of the same name is found as if the library were not installed.
        config.pluginmanager.import_plugin(HINTS)

"""The package version, in one place (pyproject.toml reads it too)."""

VERSION = "0.1.0"
"""The installed version of codat-connections (``codat_connections.__version__``)."""

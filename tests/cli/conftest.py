"""A served fake Codat for the command line's tests, named by CODAT_API_KEY and CODAT_BASE_URL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from codat_connections.testing import FakeCodat
from tests.conftest import API_KEY


@dataclass
class Served:
    fake: FakeCodat
    base_url: str


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[Served]:
    """A fake with a few companies (one with a Deauthorized connection), served on loopback for this test."""
    fake = FakeCodat(api_key=API_KEY)
    fake.add_companies(6, connections_each=2, deauthorized_share=0.1)
    with fake.serve() as base_url:
        monkeypatch.setenv("CODAT_API_KEY", API_KEY)
        monkeypatch.setenv("CODAT_BASE_URL", base_url)
        yield Served(fake, base_url)

"""The webhooks guide's receiver section (docs/guides/webhooks.md, once the README's "Webhooks" section) runs as
written: its Python blocks, in order, in one namespace."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.docs.blocks import python_blocks


@pytest.fixture(autouse=True)
def clock() -> None:
    """The real clock here (not the pinned one of conftest.py): the README signs with the current time."""


def webhook_blocks() -> list[str]:
    """The code of each Python block of the guide's "The receiver and the worker" section, in order."""
    guide = ROOT / "docs" / "guides" / "webhooks.md"
    lines = guide.read_text(encoding="utf-8").splitlines()
    start = lines.index("## The receiver and the worker") + 1
    end = next((n for n in range(start, len(lines)) if lines[n].startswith("## ")), len(lines)) + 1
    return [block.code for block in python_blocks(guide, ROOT) if start < block.line < end]


def test_the_webhooks_section_runs(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = webhook_blocks()
    assert len(blocks) == 3  # the receiver, the worker, trying them
    namespace: dict[str, object] = {"__name__": "readme"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"<README Webhooks block {number}>", "exec"), namespace)  # noqa: S102 (the project's own README)
    assert capsys.readouterr().out.startswith("email Acme Ltd: please re-link at https://link-api.codat.io/")

"""The webhooks guide's receiver section (docs/guides/webhooks.md, once the README's "Webhooks" section) runs as
written: its Python blocks, in order, in one namespace."""

from __future__ import annotations

import re

import pytest

from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def clock() -> None:
    """The real clock here (not the pinned one of conftest.py): the README signs with the current time."""


def webhook_blocks() -> list[str]:
    guide = (ROOT / "docs" / "guides" / "webhooks.md").read_text(encoding="utf-8")
    section = guide.split("\n## The receiver and the worker\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)


def test_the_webhooks_section_runs(capsys: pytest.CaptureFixture[str]) -> None:
    blocks = webhook_blocks()
    assert len(blocks) == 3  # the receiver, the worker, trying them
    namespace: dict[str, object] = {"__name__": "readme"}
    for number, block in enumerate(blocks, 1):
        exec(compile(block, f"<README Webhooks block {number}>", "exec"), namespace)  # noqa: S102 (the project's own README)
    assert capsys.readouterr().out.startswith("email Acme Ltd: please re-link at https://link-api.codat.io/")

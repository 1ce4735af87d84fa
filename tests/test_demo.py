"""`make demo` is the project's main command: its walkthrough must keep passing."""

from __future__ import annotations

import pytest

from scripts import demo


def test_demo_walkthrough_passes(capsys: pytest.CaptureFixture[str], sleeps: list[float]) -> None:
    demo.run_fake_demo()
    out = capsys.readouterr().out
    assert "Demo complete" in out
    assert out.count("   ok: ") == 14
    assert sleeps == [1.0], "the demo's 429 asks for one retry after Retry-After: 1"

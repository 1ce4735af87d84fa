"""`make test-browser` needs Chromium; without it, the script says the one command that installs it and fails.

The browser flow itself runs in `make test-browser`, never in `make test` (which needs no browser).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_without_chromium_the_script_prints_how_to_install_it_and_exits_1(tmp_path: Path) -> None:
    env = {"PATH": str(tmp_path), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, str(ROOT / "scripts" / "browser_link_page.py"), "--chromium", str(tmp_path / "none")]
    command += ["--screenshot", str(tmp_path / "shot.png")]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60, check=False)
    assert result.returncode == 1
    assert result.stderr.strip() == "Chromium not found; install it with: apt-get install -y chromium"


def test_the_makefile_runs_it_outside_make_test() -> None:
    makefile = (ROOT / "Makefile").read_text()
    assert "test-browser: install $(VENV)/.browser-installed" in makefile
    assert "scripts/browser_link_page.py" in makefile.split("test-browser:", 1)[1].split("\n\n", 1)[0]
    assert "browser" not in makefile.split("\ntest:", 1)[1].split("\n", 1)[0]

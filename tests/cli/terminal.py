"""Running a command with its stderr on a pseudo-terminal, as a person at a terminal has it."""

from __future__ import annotations

import os
import pty
import select
import subprocess
from pathlib import Path


def run_with_terminal_stderr(command: str, env: dict[str, str], tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """Run the command with stdout a file and stderr a pseudo-terminal; (status, stdout, what the terminal got)."""
    controller, terminal = pty.openpty()
    try:
        with (tmp_path / "stdout").open("w+") as stdout:
            process = subprocess.Popen([command, *args], stdout=stdout, stderr=terminal, env=env)
            os.close(terminal)
            shown = b""
            while True:  # until the terminal's other end is closed: the process ended
                ready, _, _ = select.select([controller], [], [], 60)
                assert ready, "the command went quiet for a minute"
                try:
                    chunk = os.read(controller, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                shown += chunk
            status = process.wait(timeout=60)
            stdout.seek(0)
            return status, stdout.read(), shown.decode()
    finally:
        os.close(controller)

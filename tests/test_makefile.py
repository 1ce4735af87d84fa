"""`make help` lists every target: its lines come from the `## ` comments, and every phony target needs one."""

from __future__ import annotations

import re
import shutil
import subprocess

from tests.conftest import ROOT


def phony_targets() -> set[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8").replace("\\\n", " ")
    declared = re.search(r"^\.PHONY:(.*)$", makefile, re.MULTILINE)
    assert declared, "the Makefile declares its targets .PHONY"
    return set(declared.group(1).split())


def test_help_lists_every_target_once_with_a_description() -> None:
    make = shutil.which("make")
    assert make, "the project's commands need make"
    result = subprocess.run([make, "-s", "help"], capture_output=True, text=True, check=True, cwd=ROOT)
    listed = [line.split()[1] for line in result.stdout.splitlines()]
    assert all(re.fullmatch(r"make \S+ +\S.*", line) for line in result.stdout.splitlines()), result.stdout
    assert sorted(listed) == sorted(phony_targets()), "every .PHONY target needs a `## ` comment (and no other)"
    assert len(listed) == len(set(listed))
    assert {"test", "test-unit", "test-contract", "lint", "typecheck", "api-check", "api-record", "lock"} <= set(listed)

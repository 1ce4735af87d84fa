"""`make help` lists every target (its lines come from the `## ` comments, and every phony target needs one);
`make check-templates` fails on a changed template original and says what to merge."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.generator.vendor_module import OPENAPI_DIR


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


@pytest.mark.slow  # runs make, which runs the installed generator
def test_make_check_templates_fails_on_a_changed_original_and_says_what_to_merge(tmp_path: Path) -> None:
    stored = tmp_path / "upstream-templates"
    shutil.copytree(OPENAPI_DIR / "upstream-templates", stored)
    original = stored / "str_enum.py.jinja"
    original.write_text(original.read_text().replace("(StrEnum):", "(Enum):"), encoding="utf-8")
    make = shutil.which("make")
    assert make
    result = subprocess.run(
        [make, "-s", "--no-print-directory", "check-templates", f"TEMPLATE_ORIGINALS={stored}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode != 0
    printed = result.stderr.splitlines()
    assert printed[0] == (
        "error: openapi-python-client 0.29.1 (installed) changed 1 of the 4 templates that openapi/templates"
        f" overrides (originals stored for 0.29.1 in {stored}): str_enum.py.jinja"
    )
    assert "The upstream change to merge (stored original -> installed original):" in printed
    assert f"--- {stored}/str_enum.py.jinja (stored original, 0.29.1)" in printed
    assert "-class {{ enum.class_info.name }}(Enum):" in printed
    assert "+class {{ enum.class_info.name }}(StrEnum):" in printed
    assert printed[-5:-1] == [
        "Next:",
        "  - merge the change to str_enum.py.jinja into openapi/templates/str_enum.py.jinja",
        "  - make generate, then make test (check-generated and the tests show what changed in generated/)",
        "  - make refresh-templates: store the installed originals as the new baseline",
    ]

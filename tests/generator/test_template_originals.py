"""openapi/template_originals.py (`make check-templates`): a changed original upstream fails, showing what to merge.

The run through make itself is in tests/repo/test_makefile.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.generator.vendor_module import OPENAPI_DIR
from tests.generator.vendor_module import template_originals as tool

STORED = OPENAPI_DIR / "upstream-templates"
OVERRIDES = OPENAPI_DIR / "templates"


def test_the_stored_originals_are_the_installed_generators() -> None:
    status, lines = tool.check(STORED, OVERRIDES, tool.installed_templates(), "0.29.1")
    assert status == 0, "\n".join(lines)
    assert lines[0].startswith("ok: the 4 overridden templates match openapi-python-client 0.29.1's originals")
    assert lines[0].endswith("ours: free_form.jinja, request_model.py.jinja, response_model.py.jinja")


def test_every_override_of_a_generator_template_has_its_original_stored() -> None:
    installed = tool.installed_templates()
    overridden = {
        p.relative_to(OVERRIDES) for p in OVERRIDES.rglob("*.jinja") if (installed / p.relative_to(OVERRIDES)).is_file()
    }
    assert overridden, "openapi/templates overrides generator templates"
    for name in overridden:
        assert (STORED / name).read_bytes() == (installed / name).read_bytes(), name
    assert (STORED / "VERSION").read_text() == "openapi-python-client 0.29.1\n"
    assert "MIT License" in (STORED / "LICENSE").read_text()


def test_a_change_to_the_model_template_names_both_templates_made_from_it(tmp_path: Path) -> None:
    installed = tmp_path / "installed"
    shutil.copytree(tool.installed_templates(), installed)
    (installed / "model.py.jinja").write_text("{# new upstream #}\n", encoding="utf-8")
    (installed / "package_init.py.jinja").unlink()
    status, lines = tool.check(STORED, OVERRIDES, installed, "0.30.0")
    assert status == 1
    assert lines[0].startswith("error: openapi-python-client 0.30.0 (installed) changed 1 of the 4 templates")
    assert (
        "  - merge the change to model.py.jinja into openapi/templates/model.py.jinja and"
        " openapi/templates/request_model.py.jinja"
    ) in lines
    assert (
        "error: openapi-python-client 0.30.0 has no template package_init.py.jinja any more (stored original kept)"
    ) in lines


def test_an_override_without_its_original_fails_and_refresh_stores_it(tmp_path: Path) -> None:
    overrides, stored = tmp_path / "templates", tmp_path / "stored"
    shutil.copytree(OVERRIDES, overrides)
    shutil.copytree(STORED, stored)
    (overrides / "types.py.jinja").write_text("# ours\n", encoding="utf-8")
    installed = tool.installed_templates()
    status, lines = tool.check(stored, overrides, installed, "0.29.1")
    assert status == 1
    assert (
        "error: openapi/templates/types.py.jinja overrides a generator template whose original is not stored" in lines
    )
    printed = tool.refresh(stored, overrides, installed, "0.29.1")
    assert "types.py.jinja" in printed[0]
    assert (stored / "types.py.jinja").read_bytes() == (installed / "types.py.jinja").read_bytes()
    assert tool.check(stored, overrides, installed, "0.29.1")[0] == 0


@pytest.mark.parametrize("name", ["client.py.jinja", "types.py.jinja"])
def test_the_overrides_that_only_fixed_the_unused_client_are_gone(name: str) -> None:
    assert not (OVERRIDES / name).exists()

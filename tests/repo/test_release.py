"""Release hygiene that cannot drift: the version the README shows, its changelog entry, the licence."""

from __future__ import annotations

import re
import tomllib

import codat_connections
from codat_connections._version import VERSION
from tests.conftest import ROOT

README_VERSION = re.compile(r"^\*\*Version (?P<version>[^*\s]+)\*\*", re.MULTILINE)


def test_readme_shows_the_package_version() -> None:
    shown = README_VERSION.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert shown == [VERSION], "the README's version line (near the top) must match codat_connections/_version.py"
    assert codat_connections.__version__ == VERSION


def test_the_version_has_a_changelog_entry() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[(?P<version>[^\]]+)\]", changelog, re.MULTILINE)
    assert headings[0] == "Unreleased", "Keep a Changelog: the Unreleased section comes first"
    assert VERSION in headings, f"CHANGELOG.md has no '## [{VERSION}]' section for the current version"


def test_licence_is_the_mit_text_the_metadata_claims() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert licence.startswith("MIT License\n\nCopyright (c) ")
    assert 'THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND' in licence

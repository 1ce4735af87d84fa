"""The API reference is complete: every name in a public module's ``__all__`` has an entry and a docstring.

The entries are the ``::: identifier`` lines of docs/reference/*.md (mkdocstrings renders each from
its docstring, with its signature and types). A name counts as documented when an entry resolves to
the same object, wherever that object is re-exported from (``codat_connections.APIError`` documents
``codat_connections.errors.APIError`` too). Every entry is linked from the reference's index, the first
page of the "API reference" tab, so any public name is two clicks from any page.
"""

from __future__ import annotations

import re
from functools import cache

import griffe
import yaml

from scripts import api_check
from tests.conftest import ROOT

REFERENCE = ROOT / "docs" / "reference"
INDEX = REFERENCE / "index.md"
PACKAGE = "codat_connections"


@cache
def loaded() -> griffe.Module:
    """The package, statically (as mkdocstrings reads it), with the generated models its aliases point at."""
    return api_check.load_current()[PACKAGE]


def public_modules(module: griffe.Module) -> list[griffe.Module]:
    """The package and every submodule whose dotted path has no part starting with an underscore."""
    found = [module]
    for name, member in module.members.items():
        if isinstance(member, griffe.Module) and not name.startswith("_"):
            found += public_modules(member)
    return found


def target(obj: griffe.Object | griffe.Alias) -> griffe.Object:
    resolved = obj.final_target if isinstance(obj, griffe.Alias) else obj
    assert isinstance(resolved, griffe.Object)
    return resolved


def exports() -> dict[str, griffe.Object]:
    """``module.name`` -> the object it names, for every name in every public module's ``__all__``."""
    named = {}
    for module in public_modules(loaded()):
        for name in module.exports or ():
            named[f"{module.path}.{name}"] = target(module.members[str(name)])
    return named


def entries() -> dict[str, str]:
    """Each ``::: identifier`` of the reference pages -> the page that has it."""
    found: dict[str, str] = {}
    for page in sorted(REFERENCE.glob("*.md")):
        for identifier in re.findall(r"^::: (\S+)\s*$", page.read_text(encoding="utf-8"), re.M):
            assert identifier not in found, f"{identifier} has two entries: {found[identifier]} and {page.name}"
            found[identifier] = page.name
    return found


def documented(identifiers: set[str]) -> dict[str, str]:
    """The path of the object each entry renders -> the entry."""
    package = loaded()
    return {target(package[identifier.removeprefix(f"{PACKAGE}.")]).path: identifier for identifier in identifiers}


def missing_entries(identifiers: set[str]) -> list[str]:
    covered = documented(identifiers)
    return sorted(name for name, obj in exports().items() if obj.path not in covered)


def test_there_are_public_modules_with_exports() -> None:
    paths = {module.path for module in public_modules(loaded()) if module.exports}
    assert {PACKAGE, f"{PACKAGE}.webhooks", f"{PACKAGE}.testing", f"{PACKAGE}.errors", f"{PACKAGE}.status"} <= paths
    assert len(exports()) > 100


def test_every_exported_name_has_a_reference_entry() -> None:
    assert missing_entries(set(entries())) == []


def test_a_name_without_an_entry_is_reported() -> None:
    without = set(entries()) - {f"{PACKAGE}.webhooks.unwrap", f"{PACKAGE}.APIError"}
    assert missing_entries(without) == [
        f"{PACKAGE}.APIError",
        f"{PACKAGE}.errors.APIError",
        f"{PACKAGE}.webhooks.unwrap",
    ]


def test_every_entry_renders_a_public_object() -> None:
    exported = {obj.path for obj in exports().values()}
    assert sorted(set(documented(set(entries()))) - exported) == [], "an entry for something not in any __all__"


def test_every_exported_name_has_a_docstring() -> None:
    bare = sorted(name for name, obj in exports().items() if not (obj.docstring and obj.docstring.value.strip()))
    assert bare == [], "give each a docstring (an attribute: a string literal right after the assignment)"


def test_every_entry_is_linked_from_the_index_which_opens_the_reference_tab() -> None:
    index = INDEX.read_text(encoding="utf-8")
    linked = set(re.findall(r"\]\[([\w.]+)\]", index))
    assert sorted(set(entries()) - linked) == []
    assert sorted(linked - set(entries())) == []
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)  # noqa: S506
    [reference_tab] = [item["API reference"] for item in config["nav"] if "API reference" in item]
    assert reference_tab[0] == {"Every public name": "reference/index.md"}

"""The handwritten package has no import cycles, counting every import: top-level, function-local, type-only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = "codat_connections"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Every handwritten module ``path`` imports, wherever the import statement is."""
    own = module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                found.add(submodule if submodule in modules else base)
    return {name for name in found if name in modules and name != own}


def graph() -> dict[str, set[str]]:
    paths = sorted((ROOT / PACKAGE).rglob("*.py"))
    modules = {module_name(path) for path in paths}
    return {module_name(path): imports_of(path, modules) for path in paths}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_the_handwritten_package_has_no_import_cycle() -> None:
    cycle = find_cycle(graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_walker_sees_function_local_and_type_only_imports(tmp_path: Path) -> None:
    edges = graph()
    assert "codat_connections._async.connections" in edges["codat_connections._async.client"], "a function-local import"
    assert "codat_connections._headers" in edges["codat_connections.errors"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("path", sorted((ROOT / PACKAGE).rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_handwritten_module_is_over_350_lines(path: Path) -> None:
    assert len(path.read_text().splitlines()) <= 350, "split the module by concern"


FAKE = f"{PACKAGE}.testing"
FAKE_LAYERS = ("_state", "_pipeline", "_operations", "_webhooks", "_control", "_routes", "_ways_in")
"""The fake's layers, lowest first (docs/guides/architecture.md): a module imports only its own layer and those
below it, so the route table and ``FakeCodat`` put the parts together and nothing below reaches up to them."""


def fake_layer(module: str) -> int | None:
    """The layer of a module of ``codat_connections.testing`` (None: outside the fake, or its public entry points)."""
    if not module.startswith(FAKE + "."):
        return None
    first = module.removeprefix(FAKE + ".").split(".")[0]
    return FAKE_LAYERS.index(first) if first in FAKE_LAYERS else None


def upward_imports(edges: dict[str, set[str]]) -> list[str]:
    found = []
    for module, targets in sorted(edges.items()):
        layer = fake_layer(module)
        for target in sorted(targets):
            target_layer = fake_layer(target)
            if layer is not None and target_layer is not None and target_layer > layer:
                found.append(f"{module} -> {target}")
    return found


def test_the_fakes_layers_import_only_downward() -> None:
    edges = graph()
    assert {fake_layer(module) for module in edges} >= set(range(len(FAKE_LAYERS))), "every layer has modules"
    assert upward_imports(edges) == []
    assert upward_imports({f"{FAKE}._state.store": {f"{FAKE}._control.controls"}}) == [
        f"{FAKE}._state.store -> {FAKE}._control.controls"
    ], "the check sees an upward import"


def test_the_shared_modules_never_import_the_derived_sync_side() -> None:
    """Issue 26 §4: ``_fetching`` imported ``_sync.paging`` under an untrue alias. The sync side is derived from
    ``_async/``; what both sides share sits below them and imports neither (only the package's front door
    and ``resources`` name the resource classes)."""
    above = ("codat_connections._sync", "codat_connections._async")
    front = {PACKAGE, "codat_connections.resources"}
    # The ledger is no shared module but a consumer on top of the sync client: it reads the fleet through
    # _sync/fleet.py's fleet_pages, as a user's morning job would.
    consumers = ("codat_connections.ledger",)
    offenders = {
        module: sorted(name for name in imported if name.startswith(above))
        for module, imported in graph().items()
        if not module.startswith(above + consumers) and module not in front
    }
    assert {module: names for module, names in offenders.items() if names} == {}

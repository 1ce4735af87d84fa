"""Griffe extension for the API reference: a default (or a constant) that names a constant shows its value.

``page_size: int = DEFAULT_PAGE_SIZE`` tells a reader nothing they can use; ``page_size: int = 100`` does.
The source keeps the names (each limit is defined once, in ``codat_connections/_constants.py``); only the
rendered signatures change. A name that does not resolve to a module-level constant with a value is left as
it is.
"""

from __future__ import annotations

from typing import Any

import griffe


class ConstantDefaults(griffe.Extension):
    """After the package is loaded, replace each parameter default, and each attribute's value, that names a
    constant by that constant's value."""

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        for obj in _defined(pkg):
            if isinstance(obj, griffe.Function):
                for parameter in obj.parameters:
                    value = _constant_value(parameter.default, loader)
                    if value is not None:
                        parameter.default = value
            elif isinstance(obj, griffe.Attribute):
                value = _constant_value(obj.value, loader)
                if value is not None:
                    obj.value = value


def _defined(obj: griffe.Object) -> list[griffe.Object]:
    """Every function, method and attribute defined in ``obj`` and below it (aliases are not followed)."""
    found: list[griffe.Object] = []
    for member in obj.members.values():
        if member.is_alias:
            continue
        if isinstance(member, griffe.Function | griffe.Attribute):
            found.append(member)
        elif isinstance(member, griffe.Module | griffe.Class):
            found.extend(_defined(member))
    return found


def _constant_value(default: object, loader: griffe.GriffeLoader) -> str | None:
    """The value (as source text) of the UPPER_CASE module attribute ``default`` names, or None."""
    if not isinstance(default, griffe.ExprName) or not default.name.isupper():
        return None
    try:
        target = loader.modules_collection.get_member(default.canonical_path)
    except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    if target.is_alias:
        target = target.final_target
    value = getattr(target, "value", None)
    return None if value is None else str(value)

"""`make api-check` / `make api-record`: the public API, recorded with griffe and guarded against breaking changes.

Users type-check against this library, so a change that breaks their code must never slip in unnoticed.
`api/<package>.json` records every public name of `codat_connections` (its public submodules included:
`testing`, and any added later) and of the generated models (`codat_connections_api.models`): kinds,
signatures, attributes, annotations and values, in griffe's JSON form. Only what users can reach is kept:
re-exports are recorded as the objects they name, inherited members as members, and source positions
and docstrings are left out so that the record changes only when the API does.

The check loads the record and today's code into the same form and reports:
- the breaking changes griffe's `find_breaking_changes` finds (removed names or parameters, parameters
  that became required, moved, changed kind or default, ...);
- changed annotations and values, which griffe does not judge yet: a narrowed parameter type, a widened
  return type or a changed enum value breaks a user's code, a widened parameter type does not; each is
  listed for a decision;
- any other difference (a new name, a new optional parameter): compatible, but the record must follow.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import griffe

ROOT = Path(__file__).resolve().parent.parent
RECORD_DIR = ROOT / "api"
RECORDED: dict[str, list[str] | None] = {
    "codat_connections": None,  # the whole public tree: root, `testing`, every public submodule
    "codat_connections_api": ["models"],  # the generated layer: only the models users hold
}
"""Package -> the public members recorded (None: all of them)."""
NO_SUBMODULES = {"codat_connections_api.models"}
"""Modules whose names are recorded as exported, not again through each generated file that defines them."""

_LEFT_OUT = {"lineno", "endlineno", "docstring", "imports", "runtime", "analysis", "inherited", "decorators"}
_CONTAINERS = {"module", "class"}
Record = dict[str, Any]
Locations = dict[str, str]


@dataclass(frozen=True)
class Finding:
    """One difference between the record and the code: `kind` is "breaking", "type" or "drift"."""

    kind: str
    path: str
    text: str


def _merged(findings: list[Finding], where_by_path: dict[str, str]) -> list[Finding]:
    """One line per change: a member inherited by ten classes (or re-exported) changes in one place."""
    first: dict[tuple[str, str, str, str], Finding] = {}
    others: dict[tuple[str, str, str, str], list[str]] = {}
    for finding in findings:
        where = where_by_path[finding.path]
        name = finding.path.rsplit(".", 1)[-1]  # a removed object has no place in the code left: keep names apart
        key = (finding.kind, where, name, finding.text.removeprefix(f"{where}: {finding.path}"))
        if key in first:
            others[key].append(finding.path)
        else:
            first[key], others[key] = finding, []
    merged = []
    for key, finding in first.items():
        also = others[key]
        suffix = f" (also as {', '.join(also[:3])}{', ...' if len(also) > 3 else ''})" if also else ""
        merged.append(Finding(finding.kind, finding.path, finding.text + suffix))
    return merged


def load_current(root: Path = ROOT) -> dict[str, griffe.Module]:
    """Both packages, statically, from the source tree (aliases between them resolved)."""
    loader = griffe.GriffeLoader(search_paths=[root, root / "generated"])
    packages = {name: loader.load(name) for name in RECORDED}
    loader.resolve_aliases(implicit=False, external=None)
    modules = {}
    for name, package in packages.items():
        assert isinstance(package, griffe.Module), f"{name} did not load as a package"
        modules[name] = package
    return modules


def _plain(value: Any) -> Any:
    """griffe's JSON with expressions written as source text, which both sides then compare as equal strings."""
    if isinstance(value, dict):
        if "cls" in value:  # an expression node
            return str(griffe.json_decoder({key: _plain(item) for key, item in value.items()}))
        return {key: _plain(item) for key, item in value.items() if key not in _LEFT_OUT}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _location(obj: griffe.Object) -> str:
    return f"{obj.relative_package_filepath}:{obj.lineno}" if obj.lineno else str(obj.relative_package_filepath)


def record_of(
    obj: griffe.Object | griffe.Alias, locations: Locations, path: str, only: list[str] | None = None
) -> Record:
    """The public tree under `obj` as plain JSON data, filling `locations` (path -> file:line) on the way."""
    try:
        target = obj.final_target if isinstance(obj, griffe.Alias) else obj
    except griffe.AliasResolutionError:  # re-exported from outside the two packages: recorded by its target
        assert isinstance(obj, griffe.Alias)
        return {"kind": "alias", "name": obj.name, "target_path": obj.target_path}
    data: Record = _plain(json.loads(target.as_json(full=False)))
    data["name"] = path.rsplit(".", 1)[-1]
    data.pop("members", None)
    if "filepath" in data:
        data["filepath"] = str(target.relative_package_filepath)
    locations[path] = _location(target)
    if data.get("labels", []) == ["instance-attribute"]:
        data.pop("value", None)  # what __init__ assigns is implementation; the name and annotation are the API
    if data["kind"] in _CONTAINERS:
        members = target.all_members if isinstance(target, griffe.Class) else target.members
        data["members"] = {
            name: record_of(member, locations, f"{path}.{name}")
            for name, member in sorted(members.items())
            if member.is_public
            and (only is None or name in only)
            and not (path in NO_SUBMODULES and member.kind is griffe.Kind.MODULE)
        }
    return data


def records_of(packages: dict[str, griffe.Module]) -> tuple[dict[str, Record], Locations]:
    """The record of each loaded package, and where each recorded object is defined."""
    locations: Locations = {}
    records = {name: record_of(packages[name], locations, name, RECORDED[name]) for name in RECORDED}
    return records, locations


def _with_positions(value: Any) -> Any:
    """griffe's decoder wants line numbers, which the record leaves out."""
    if isinstance(value, dict):
        copy = {key: _with_positions(item) for key, item in value.items()}
        if value.get("kind") in ("module", "class", "function", "attribute", "alias"):  # a member may be named "kind"
            copy.setdefault("lineno", None)
        return copy
    if isinstance(value, list):
        return [_with_positions(item) for item in value]
    return value


def to_griffe(record: Record) -> griffe.Object:
    decoded = json.loads(json.dumps(_with_positions(record)), object_hook=griffe.json_decoder)
    assert isinstance(decoded, griffe.Object)
    return decoded


def breaking_changes(old: Record, new: Record, locations: Locations) -> list[Finding]:
    """griffe's own verdict, each line led by where the changed object lives now."""
    findings = []
    for breakage in griffe.find_breaking_changes(to_griffe(old), to_griffe(new)):
        path = breakage.obj.path
        where = locations.get(path, f"api/{path.split('.')[0]}.json (no longer in the code)")
        findings.append(Finding("breaking", path, f"{where}: {_explain(breakage)}"))
    return findings


def _explain(breakage: griffe.Breakage) -> str:
    """griffe's explanation without colours, naming the object by its full path: `path(param): kind: old -> new`."""
    kind = breakage.kind.value
    try:
        text = breakage.explain(griffe.ExplanationStyle.MARKDOWN)  # "- `Class.method(param)`: *kind*: change"
    except AttributeError:  # values griffe formats from live objects only (e.g. removed base classes)
        return f"{breakage.obj.path}: {kind}: {breakage.old_value} -> {breakage.new_value}"
    relative = text.split("`")[1]
    parameter = relative[relative.index("(") :] if relative.endswith(")") else ""
    change = text.split(f"*{kind}*", 1)[1]
    return f"{breakage.obj.path}{parameter}: {kind}{change}"


def type_changes(old: Record, new: Record, locations: Locations, path: str) -> list[Finding]:
    """Annotations and values that changed on names both sides have (griffe leaves these to us)."""
    findings: list[Finding] = []

    def report(what: str, before: Any, after: Any, at: str) -> None:
        if before is not None and after is not None and before != after:  # None: not annotated, nothing to judge
            text = f"{locations.get(at, at)}: {at}: {what} changed: {before} -> {after}"
            findings.append(Finding("type", at, text))

    if old.get("kind") != new.get("kind"):
        return findings  # griffe reports a change of kind
    if old["kind"] == "attribute":
        report("annotation", old.get("annotation"), new.get("annotation"), path)
        report("value", old.get("value"), new.get("value"), path)
    elif old["kind"] == "function":
        new_parameters = {parameter["name"]: parameter for parameter in new["parameters"]}
        for parameter in old["parameters"]:
            if parameter["name"] in new_parameters:
                after = new_parameters[parameter["name"]].get("annotation")
                report(f"type of parameter `{parameter['name']}`", parameter.get("annotation"), after, path)
        report("return type", old.get("returns"), new.get("returns"), path)
    for name, member in old.get("members", {}).items():
        if name in new.get("members", {}):
            findings += type_changes(member, new["members"][name], locations, f"{path}.{name}")
    return findings


def drift(old: Record, new: Record, name: str) -> list[Finding]:
    before = json.dumps(old, indent=1, sort_keys=True).splitlines()
    after = json.dumps(new, indent=1, sort_keys=True).splitlines()
    if before == after:
        return []
    diff = list(difflib.unified_diff(before, after, f"api/{name}.json", "the code", n=1, lineterm=""))
    shown = "\n".join(diff[:60]) + (f"\n... ({len(diff) - 60} more diff lines)" if len(diff) > 60 else "")
    return [Finding("drift", name, shown)]


def check(record_dir: Path, records: dict[str, Record], locations: Locations) -> list[Finding]:
    findings: list[Finding] = []
    for name, new in records.items():
        record_path = record_dir / f"{name}.json"
        if not record_path.exists():
            findings.append(Finding("drift", name, f"{record_path} is missing"))
            continue
        old = json.loads(record_path.read_text())
        found = breaking_changes(old, new, locations) + type_changes(old, new, locations, name)
        where_by_path = {finding.path: finding.text.split(f": {finding.path}", 1)[0] for finding in found}
        findings += _merged(found, where_by_path) or drift(old, new, name)
    return findings


def write_records(record_dir: Path, records: dict[str, Record]) -> None:
    record_dir.mkdir(exist_ok=True)
    for name, record in records.items():
        (record_dir / f"{name}.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")


ACCEPT_BREAKING = """
{count} change(s) above can break code that uses the library (each line: where, what, old -> new).
If a change is not intended, restore the old form (or add the new one alongside, e.g. a new parameter
with a default). To accept it, deliberately:
  1. run `make api-record` to rewrite the record in api/, and
  2. describe each change under a "### Breaking" heading in the [Unreleased] section of CHANGELOG.md.
A changed annotation or value is listed because griffe cannot judge it: a widened parameter type is
compatible (`make api-record` is enough); a narrowed one, a widened return type or a new enum value is not.
"""
ACCEPT_DRIFT = """
The public API changed compatibly (shown above as a diff of the record). Run `make api-record` so that the
record follows the code; a later removal of what was added is then caught.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="rewrite the record from the code")
    parser.add_argument("--record-dir", type=Path, default=RECORD_DIR, help="where the record lives (default: api/)")
    args = parser.parse_args(argv)

    records, locations = records_of(load_current())
    if args.record:
        write_records(args.record_dir, records)
        print(f"recorded the public API of {', '.join(RECORDED)} in {args.record_dir}")
        return 0
    findings = check(args.record_dir, records, locations)
    for finding in findings:
        print(finding.text)
    serious = [finding for finding in findings if finding.kind != "drift"]
    if serious:
        print(ACCEPT_BREAKING.format(count=len(serious)).rstrip())
        return 1
    if findings:
        print(ACCEPT_DRIFT.rstrip())
        return 1
    print(f"ok: the public API matches the record in {args.record_dir.name}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())

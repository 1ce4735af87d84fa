"""`make check-templates` / `make refresh-templates`: the upgrade path of the template overrides.

Why: openapi/templates/ overrides some of openapi-python-client's templates. An override is a copy with
changes: a new generator version's change to the original does not reach it, and nothing would show it,
were the originals the overrides were made from not kept. openapi/upstream-templates/ keeps them (the
pristine files of the version in its VERSION file, under the generator's MIT licence, in LICENSE). This script

- checks that the installed generator's originals are still the stored ones, and when one differs fails
  with the upstream change to merge (a unified diff, stored original -> installed original) and what to
  do next;
- checks that every override of a generator template has its original stored;
- with ``--refresh``, stores the installed originals (after the changes were merged).

Templates of the project's own (no original of that name) are listed, not checked; DERIVED_FROM names
the original one of them was made from, so that a change to it names both files to merge into.

Usage: python openapi/template_originals.py [--refresh] [--stored DIR]
"""

from __future__ import annotations

import argparse
import difflib
import shutil
import sys
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
GENERATOR = "openapi-python-client"
DERIVED_FROM = {"request_model.py.jinja": "model.py.jinja"}
"""Templates of ours that started as a copy of a generator template (override -> original)."""
NOT_TEMPLATES = {"VERSION", "LICENSE", "README.md"}


def installed_templates() -> Path:
    import openapi_python_client

    return Path(openapi_python_client.__file__).resolve().parent / "templates"


def _relative_files(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and path.name not in NOT_TEMPLATES and "__pycache__" not in path.parts
    }


def _shown(path: Path) -> str:
    """``path`` relative to the working directory when it is inside it (shorter messages)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def _stored_version(stored: Path) -> str:
    version_file = stored / "VERSION"
    text = version_file.read_text(encoding="utf-8").strip() if version_file.is_file() else ""
    return text.removeprefix(f"{GENERATOR} ") or "unknown"


def _merge_targets(name: str, overrides: Path) -> list[str]:
    targets = [name] if (overrides / name).is_file() else []
    targets += sorted(ours for ours, original in DERIVED_FROM.items() if original == name)
    return [f"openapi/templates/{target}" for target in targets]


def check(stored: Path, overrides: Path, installed: Path, version: str) -> tuple[int, list[str]]:
    """Exit status and the lines to print: 0 when every stored original is the installed one."""
    stored_version = _stored_version(stored)
    overridden = _relative_files(overrides) & _relative_files(installed)
    originals = _relative_files(stored)
    lines: list[str] = []
    unstored = sorted(overridden - originals)
    vanished = sorted(name for name in originals if not (installed / name).is_file())
    changed: list[str] = []
    diffs: list[str] = []
    for name in sorted(originals - set(vanished)):
        old = (stored / name).read_text(encoding="utf-8").splitlines(keepends=True)
        new = (installed / name).read_text(encoding="utf-8").splitlines(keepends=True)
        if old != new:
            changed.append(name)
            diffs += difflib.unified_diff(
                old,
                new,
                f"{_shown(stored / name)} (stored original, {stored_version})",
                f"{_shown(installed / name)} (installed original, {version})",
            )
    if not (unstored or vanished or changed):
        ours = sorted(_relative_files(overrides) - overridden)
        lines.append(
            f"ok: the {len(originals)} overridden templates match {GENERATOR} {version}'s originals"
            f" (stored for {stored_version} in {_shown(stored)}); ours: {', '.join(ours) or 'none'}"
        )
        return 0, lines
    if changed:
        lines.append(
            f"error: {GENERATOR} {version} (installed) changed {len(changed)} of the {len(originals)} templates that"
            f" openapi/templates overrides (originals stored for {stored_version} in {_shown(stored)}):"
            f" {', '.join(changed)}"
        )
        lines.append("")
        lines.append("The upstream change to merge (stored original -> installed original):")
        lines += [line.rstrip("\n") for line in diffs]
    for name in vanished:
        lines.append(f"error: {GENERATOR} {version} has no template {name} any more (stored original kept)")
    for name in unstored:
        lines.append(f"error: openapi/templates/{name} overrides a generator template whose original is not stored")
    lines.append("")
    lines.append("Next:")
    for name in changed:
        lines.append(f"  - merge the change to {name} into {' and '.join(_merge_targets(name, overrides))}")
    for name in vanished:
        lines.append(
            f"  - find what replaced {name} upstream; move or drop {' and '.join(_merge_targets(name, overrides))}"
        )
    lines.append("  - make generate, then make test (check-generated and the tests show what changed in generated/)")
    lines.append(
        "  - make refresh-templates: store the installed originals as the new baseline"
        + (" (this also stores the missing ones)" if unstored else "")
    )
    return 1, lines


def refresh(stored: Path, overrides: Path, installed: Path, version: str) -> list[str]:
    """Store the installed originals of every overridden template, the generator's version and its licence."""
    names = (_relative_files(overrides) & _relative_files(installed)) | {
        name for name in DERIVED_FROM.values() if (installed / name).is_file()
    }
    if stored.is_dir():
        for name in _relative_files(stored) - names:
            (stored / name).unlink()
        for folder in sorted((p for p in stored.rglob("*") if p.is_dir()), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()
    for name in sorted(names):
        target = stored / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(installed / name, target)
    (stored / "VERSION").write_text(f"{GENERATOR} {version}\n", encoding="utf-8")
    licence = _licence_file()
    if licence is not None:
        shutil.copyfile(licence, stored / "LICENSE")
    return [f"stored {len(names)} originals of {GENERATOR} {version} in {_shown(stored)}: {', '.join(sorted(names))}"]


def _licence_file() -> Path | None:
    files = metadata.distribution(GENERATOR).files or []
    for entry in files:
        if entry.name == "LICENSE":
            return Path(str(entry.locate()))
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--refresh", action="store_true", help="store the installed originals (after merging)")
    parser.add_argument("--stored", type=Path, default=HERE / "upstream-templates")
    args = parser.parse_args(argv)
    overrides, installed = HERE / "templates", installed_templates()
    version = metadata.version(GENERATOR)
    if args.refresh:
        lines = refresh(args.stored, overrides, installed, version)
        status = 0
    else:
        status, lines = check(args.stored, overrides, installed, version)
    print("\n".join(lines), file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())

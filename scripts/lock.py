"""`make lock`: refresh the pinned lock groups in pyproject.toml in one command.

A group `G` with a companion `G-lock` lists the tools we chose (exact pins); `G-lock` pins everything
those tools pull in, so that every machine runs the same versions. To refresh: install `G`'s own pins,
without its lock, into a fresh temporary venv, `pip freeze`, and write what is not a direct pin into
`G-lock`. Later groups are resolved on top of the earlier ones (constrained to their versions), so a
venv holding several groups stays consistent; their lock lists only what they add.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import tempfile
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
LOCK_SUFFIX = "-lock"


def canonical(name: str) -> str:
    """PEP 503 normalised project name: pins are compared by it, whatever case or separators they use."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pin_name(requirement: str) -> str:
    return canonical(re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0])


def direct_pins(groups: dict[str, list[str | dict[str, str]]], group: str) -> list[str]:
    """The group's own requirement strings, with included groups expanded, except lock groups."""
    pins: list[str] = []
    for entry in groups[group]:
        if isinstance(entry, str):
            pins.append(entry)
        elif not entry["include-group"].endswith(LOCK_SUFFIX):
            pins.extend(direct_pins(groups, entry["include-group"]))
    return pins


def pip(python: Path, *args: str) -> str:
    command = [str(python), "-m", "pip", "--disable-pip-version-check", *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def freeze(python: Path) -> dict[str, str]:
    """Installed distributions as {canonical name: 'Name==version'}."""
    frozen: dict[str, str] = {}
    for line in pip(python, "freeze", "--exclude-editable").splitlines():
        if "==" in line:
            frozen[pin_name(line)] = line.strip()
    return frozen


def render_group(name: str, pins: list[str]) -> str:
    body = "".join(f'    "{pin}",\n' for pin in sorted(pins, key=str.lower))
    return f"{name} = [\n{body}]"


def replace_group(text: str, name: str, pins: list[str]) -> str:
    pattern = re.compile(rf"^{re.escape(name)} = \[\n(?:[^\]\n]*\n)*?\]", re.MULTILINE)
    if not pattern.search(text):
        raise SystemExit(f"error: no `{name} = [ ... ]` block found in {PYPROJECT}")
    return pattern.sub(lambda _: render_group(name, pins), text, count=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pip-version", required=True, help="the pip the Makefile pins, used in the fresh venv")
    args = parser.parse_args()

    text = PYPROJECT.read_text()
    groups = tomllib.loads(text)["dependency-groups"]
    locked = [g for g in groups if f"{g}{LOCK_SUFFIX}" in groups]  # file order: dev first
    with tempfile.TemporaryDirectory(prefix="codat-lock-") as tmp:
        venv.EnvBuilder(with_pip=True).create(tmp)
        python = Path(tmp) / "bin" / "python"
        pip(python, "install", "--quiet", f"pip=={args.pip_version}")
        before = freeze(python)
        constraints = Path(tmp) / "constraints.txt"
        for group in locked:
            direct = direct_pins(groups, group)
            constraints.write_text("".join(f"{pin}\n" for pin in before.values()))
            print(f"resolving {group} ({len(direct)} direct pins) in a fresh venv ...", flush=True)
            pip(python, "install", "--quiet", "-c", str(constraints), *direct)
            after = freeze(python)
            direct_names = {pin_name(pin) for pin in direct}
            lock = [pin for name, pin in after.items() if name not in before and name not in direct_names]
            text = replace_group(text, f"{group}{LOCK_SUFFIX}", lock)
            print(f"{group}{LOCK_SUFFIX}: {len(lock)} pins")
            before = after
    PYPROJECT.write_text(text)
    print(f"wrote {PYPROJECT.name}; review with `git diff pyproject.toml`, then `make test`")


if __name__ == "__main__":
    main()

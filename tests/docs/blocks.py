"""The fenced Python blocks of a Markdown page, in order, each with its line and any skip marker's reason.

A block is run unless the line right before its fence is ``<!-- docs-test: skip: <reason> -->``: kept
for wiring that needs a framework this library does not depend on, or a live Codat key. Any other
fence whose language looks like Python (``py``, ``python3``, ``pycon``, ``python title=...``) is refused,
so that no example escapes the runner by its spelling.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^(?P<indent> *)```(?P<info>[^\n`]*)\n(?P<code>.*?)^(?P=indent)```[ \t]*$", re.S | re.M)
SKIP = re.compile(r"^<!-- docs-test: skip: (?P<reason>.+?) -->$")
PYTHONISH = re.compile(r"^\s*(py|python|python3|pycon|ipython)\b", re.I)


@dataclass(frozen=True)
class Block:
    """One fenced Python block of a page."""

    page: Path
    line: int
    """The line of the block's first code line (1-based), for tracebacks."""
    code: str
    skip_reason: str | None

    @property
    def where(self) -> str:
        return f"{self.page.as_posix()}:{self.line}"


def python_blocks(page: Path, root: Path) -> list[Block]:
    """Every ``python`` block of ``page``; a ValueError for a Python-looking fence spelled otherwise."""
    text = page.read_text(encoding="utf-8")
    lines = text.splitlines()
    relative = page.relative_to(root)
    blocks = []
    for match in FENCE.finditer(text):
        info = match.group("info").strip()
        fence_line = text.count("\n", 0, match.start()) + 1
        if info != "python":
            if PYTHONISH.match(info):
                raise ValueError(f"{relative}:{fence_line}: write the fence as ```python (found ```{info})")
            continue
        before = lines[fence_line - 2].strip() if fence_line >= 2 else ""
        marker = SKIP.match(before)
        code = match.group("code")
        if match.group("indent"):
            code = "\n".join(line.removeprefix(match.group("indent")) for line in code.splitlines()) + "\n"
        blocks.append(Block(relative, fence_line + 1, code, marker.group("reason") if marker else None))
    return blocks

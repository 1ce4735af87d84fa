"""`make docs-browser`: the built site in a real headless Chromium, from a plain file server, with no network.

Serves `site/` with the standard library's file server on loopback, opens each page named below in
Debian's Chromium (driven by Playwright for Python, never a browser of its own), and fails when a page
asks for anything outside that server (a CDN script, a web font, an API call), when a Mermaid diagram
does not render to SVG, when the search index does not load, or when the browser logs an error.
Screenshots are saved for a person to look at. Without Chromium it prints the one command that
installs it and exits 1.

    python scripts/browser_docs.py [--site site] [--screenshots DIR] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import TYPE_CHECKING

from scripts._chromium import INSTALL, find_chromium, serve

if TYPE_CHECKING:
    from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Visit:
    """One page to open: its path under the site, what it must show, and the screenshot's name."""

    path: str
    screenshot: str
    diagrams: int = 0
    """Mermaid diagrams the page must render to SVG."""
    selector: str | None = None
    """An element that must be on the page (e.g. an API entry's anchor)."""


VISITS = (
    Visit("", "home.png"),
    Visit("guides/lifecycle/", "lifecycle-state-machine.png", diagrams=1),
    Visit("guides/sweeps/", "sweeps-pull-flow.png", diagrams=1),
    Visit("guides/webhooks/", "webhooks-push-flow.png", diagrams=1),
    Visit("guides/ledger/", "ledger-push-and-pull.png", diagrams=1),
    Visit("guides/shell/", "shell.png"),
    Visit("guides/regenerating/", "regenerating.png", diagrams=1),
    Visit("guides/architecture/", "architecture.png", diagrams=3),
    Visit("reference/", "reference-index.png", selector="a[href*='codat_connections.CodatConnections']"),
    Visit(
        "reference/resources/",
        "reference-resources.png",
        selector="[id='codat_connections.resources.CompaniesResource']",
    ),
    Visit("reference/models/", "reference-models.png", selector="[id='codat_connections.Company']"),
    Visit("changelog/", "changelog.png"),
)


@dataclass
class Findings:
    """What went wrong while the pages were open."""

    outside: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def all(self) -> list[str]:
        return (
            [f"request outside the file server: {url}" for url in self.outside]
            + [f"request failed: {url}" for url in self.failed]
            + [f"browser console: {text}" for text in self.console]
            + self.problems
        )


@contextmanager
def file_server(site: Path) -> Iterator[str]:
    """`python -m http.server` in a thread: the site exactly as a plain file server hands it out."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    with serve(functools.partial(Quiet, directory=str(site))) as base:
        yield base + "/"


def diagrams_rendered(page: Page, expected: int) -> bool:
    """Material swaps each ``pre.mermaid`` for a ``div.mermaid`` holding the SVG (in a closed shadow root)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    script = (
        "n => document.querySelectorAll('pre.mermaid').length === 0 && "
        "Array.from(document.querySelectorAll('div.mermaid')).filter(d => d.getBoundingClientRect().height > 50)"
        ".length >= n"
    )
    try:
        page.wait_for_function(script, arg=expected, timeout=15_000)
    except PlaywrightTimeout:
        return False
    print(f"{page.url}: {expected} Mermaid diagram(s) rendered")
    return True


def visit_all(chromium: str, base: str, screenshots: Path) -> Findings:
    from playwright.sync_api import sync_playwright

    findings = Findings()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on(
            "request", lambda request: None if request.url.startswith(base) else findings.outside.append(request.url)
        )
        page.on("requestfailed", lambda request: findings.failed.append(request.url))
        page.on("console", lambda message: findings.console.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: findings.console.append(str(error)))
        for visit in VISITS:
            page.goto(base + visit.path, wait_until="networkidle")
            rendered = diagrams_rendered(page, visit.diagrams) if visit.diagrams else False
            if visit.diagrams and not rendered:
                findings.problems.append(f"{visit.path}: {visit.diagrams} Mermaid diagram(s) expected, not rendered")
            if visit.selector is not None and page.locator(visit.selector).count() == 0:
                findings.problems.append(f"{visit.path}: no element matches {visit.selector}")
            if rendered:
                page.locator("div.mermaid").first.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshots / visit.screenshot))
            print(f"{visit.path or '/'}: screenshot {screenshots / visit.screenshot}")
        page.goto(base, wait_until="networkidle")
        page.keyboard.press("/")  # Material's search shortcut: the index loads from the site itself
        page.keyboard.type("get_or_create")
        page.wait_for_timeout(2_000)
        hits = page.locator(".md-search-result__item").count()
        print(f"search for get_or_create: {hits} result(s)")
        if hits == 0:
            findings.problems.append("the search (its index is a file of the site) found nothing for get_or_create")
        page.screenshot(path=str(screenshots / "search.png"))
        browser.close()
    return findings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="the built site (make docs)")
    parser.add_argument("--screenshots", type=Path, default=ROOT / ".browser" / "docs")
    parser.add_argument("--chromium", help="the Chromium executable (default: $CHROMIUM, then chromium on PATH)")
    args = parser.parse_args()
    chromium = find_chromium(args.chromium)
    if chromium is None:
        print(f"no Chromium found; install it with: {INSTALL}", file=sys.stderr)
        return 1
    if not (args.site / "index.html").is_file():
        print(f"no built site in {args.site}: run make docs first", file=sys.stderr)
        return 1
    args.screenshots.mkdir(parents=True, exist_ok=True)
    with file_server(args.site) as base:
        findings = visit_all(chromium, base, args.screenshots)
    problems = findings.all()
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"ok: {len(VISITS)} pages opened from a plain file server; no request left it")
    return 0


if __name__ == "__main__":
    sys.exit(main())

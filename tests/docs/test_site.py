"""The site builds strictly (no broken link, missing reference or mkdocstrings warning) and needs no network.

The build is the one `make docs` runs, into a temporary folder. The built pages must load nothing from
outside the site: no web font, no CDN script or stylesheet; Mermaid comes from the pinned local copy
(docs/_hooks/local_assets.py), and Material only fetches its own when no ``mermaid`` is loaded already.
`make docs-browser` opens the pages in Chromium and checks the requests the browser really makes.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # builds the whole site

MERMAID = "assets/javascripts/mermaid.min.js"
EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)


class ResourceLinks(HTMLParser):
    """The URLs a page loads as it opens: scripts, stylesheets, icons, images, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video") and values.get("src"):
            self.loaded.append(str(values["src"]))
        if tag == "link" and values.get("href") and values.get("rel") not in ("canonical", "alternate", "next", "prev"):
            self.loaded.append(str(values["href"]))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=env, check=False)
    assert result.returncode == 0, f"mkdocs build --strict fails:\n{result.stderr}"
    assert "WARNING" not in result.stderr, result.stderr
    return out


def test_every_page_is_built(site: Path) -> None:
    built = {path.relative_to(site).as_posix() for path in site.rglob("index.html")}
    sources = {path.relative_to(ROOT / "docs") for path in (ROOT / "docs").rglob("*.md")}
    expected = {"index.html" if s.name == "index.md" and s.parent == Path() else _built_path(s) for s in sources}
    assert expected <= built, sorted(expected - built)


def _built_path(source: Path) -> str:
    folder = source.parent if source.name == "index.md" else source.with_suffix("")
    return f"{folder.as_posix()}/index.html"


def test_no_page_loads_anything_from_outside_the_site(site: Path) -> None:
    for page in site.rglob("*.html"):
        parser = ResourceLinks()
        parser.feed(page.read_text(encoding="utf-8"))
        outside = [url for url in parser.loaded if EXTERNAL.match(url)]
        assert not outside, f"{page.relative_to(site)} loads {outside}"
    for sheet in site.rglob("*.css"):
        text = sheet.read_text(encoding="utf-8")
        outside = [url for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) if EXTERNAL.match(url)]
        outside += re.findall(r"@import\s+['\"]?((?:https?:)?//[^'\";]+)", text)
        assert not outside, f"{sheet.relative_to(site)} loads {outside}"


def test_every_file_a_page_loads_is_in_the_site(site: Path) -> None:
    for page in site.rglob("*.html"):
        parser = ResourceLinks()
        parser.feed(page.read_text(encoding="utf-8"))
        local = [url.split("#")[0].split("?")[0] for url in parser.loaded if not EXTERNAL.match(url)]
        absent = [url for url in local if url and not _resolved(site, page, url).is_file()]
        assert not absent, f"{page.relative_to(site)} loads files the site lacks: {absent}"


def _resolved(site: Path, page: Path, url: str) -> Path:
    """Where a local URL of ``page`` points in the site (404.html uses root-relative ones)."""
    return (site / url.lstrip("/")) if url.startswith("/") else (page.parent / url).resolve()


def test_mermaid_is_the_local_copy_loaded_before_any_diagram_renders(site: Path) -> None:
    bundle = site / MERMAID
    assert bundle.is_file() and bundle.stat().st_size > 1_000_000, "the pinned Mermaid bundle is in the site"
    page = (site / "guides" / "lifecycle" / "index.html").read_text(encoding="utf-8")
    assert "stateDiagram-v2" in page and '<pre class="mermaid"><code>' in page
    parser = ResourceLinks()
    parser.feed(page)
    assert f"../../{MERMAID}" in parser.loaded


def test_the_changelog_is_rendered(site: Path) -> None:
    page = (site / "changelog" / "index.html").read_text(encoding="utf-8")
    assert 'id="unreleased"' in page and "Keep a Changelog" in page
    assert "--8&lt;--" not in page, "the snippet include was left as text"


def _signatures(page: Path) -> list[str]:
    """The rendered signatures of a reference page, as text."""
    blocks = re.findall(r'<div class="doc-signature[^"]*"[^>]*>(.*?)</div>', page.read_text(), re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", block)).split()) for block in blocks]


def test_the_reference_shows_defaults_as_values_and_no_internal_constructor(site: Path) -> None:
    """A reader of the reference sees ``page_size: int = 100``, not a constant's name, and is not shown the
    constructors the client calls (a resource's sender, a page's fetch)."""
    signatures = [text for page in (site / "reference").rglob("index.html") for text in _signatures(page)]
    assert any("page_size: int = 100" in text for text in signatures)
    named = [text for text in signatures if re.search(r"= [A-Z][A-Z0-9_]{2,}\b", text)]
    assert named == [], named
    internal = [text for text in signatures if re.search(r"\b(sender|fetch|answer|operation|store|shown_url):", text)]
    assert internal == [], internal

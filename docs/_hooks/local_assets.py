"""MkDocs hook: serve Mermaid from the copy `make docs` installed (.mermaid/), never from a CDN.

Material loads Mermaid from unpkg unless a `mermaid` global already exists; `extra_javascript` in
mkdocs.yml names `assets/javascripts/mermaid.min.js`, and this hook adds that file to the site from
the pinned npm package, so a built site opens from a plain file server with no network.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
MERMAID_PACKAGE = ROOT / ".mermaid" / "package"
SERVED = {
    "assets/javascripts/mermaid.min.js": MERMAID_PACKAGE / "dist" / "mermaid.min.js",
    "assets/javascripts/mermaid.LICENSE.txt": MERMAID_PACKAGE / "LICENSE",  # MIT: its notice travels with it
}
"""Where each file is served in the site -> the installed file it is."""


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Add the local Mermaid bundle to the site's files (a clear error when it was never installed)."""
    for url_path, installed in SERVED.items():
        if not installed.is_file():
            where = installed.relative_to(ROOT)
            raise PluginError(f"{where} is missing: run `make docs` (it installs the pinned Mermaid)")
        files.append(File.generated(config, url_path, abs_src_path=str(installed)))
    return files

"""Shared fixtures: paths of the project and of the upstream document (beside the checkout)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "openapi" / "connections.yaml"
UPSTREAM_PATH = ROOT.parent / "shared" / "codat" / "Codat-Platform.yaml"

"""openapi/vendor.py imported as the module ``vendor`` (it is a script beside the document, not a package).

Likewise ``spec_diff`` and ``template_originals`` (the upgrade path of the template overrides).
"""

from __future__ import annotations

import sys
from pathlib import Path

OPENAPI_DIR = Path(__file__).resolve().parents[2] / "openapi"
if str(OPENAPI_DIR) not in sys.path:
    sys.path.insert(0, str(OPENAPI_DIR))

import spec_diff  # noqa: E402
import template_originals  # noqa: E402
import vendor  # noqa: E402

__all__ = ["OPENAPI_DIR", "spec_diff", "template_originals", "vendor"]

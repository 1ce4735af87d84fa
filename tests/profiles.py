"""Hypothesis profiles: ``thorough`` for ``make test`` and CI (the default), ``quick`` for ``make test-unit``.

Chosen by ``HYPOTHESIS_PROFILE``. Each property test names the examples it runs when thorough;
``examples(n)`` scales that down for the quick loop, so the two profiles run the same tests.
"""

from __future__ import annotations

import os

from hypothesis import settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "thorough")
if PROFILE not in ("thorough", "quick"):
    raise ValueError(f"HYPOTHESIS_PROFILE must be 'thorough' or 'quick', got {PROFILE!r}")

settings.register_profile("thorough", deadline=None, print_blob=True)
settings.register_profile("quick", deadline=None)
settings.load_profile(PROFILE)


def examples(thorough: int) -> int:
    """The examples a property test runs in this profile: ``thorough``, or a tenth of it (at least 10)."""
    return thorough if PROFILE == "thorough" else max(10, thorough // 10)

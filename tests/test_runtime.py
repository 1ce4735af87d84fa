"""openapi/runtime.py, the generated package's runtime module: the tolerant enum.

Tested through its copy in ``codat_connections_api.runtime`` (test_generated_models checks that the copy
is the file byte for byte), the way the models and the facade use it.
"""

from __future__ import annotations

import pickle

import pytest
from codat_connections_api.runtime import TolerantStrEnum


class Colour(TolerantStrEnum):
    RED = "red"


def test_a_tolerant_enum_keeps_an_unlisted_value_readable() -> None:
    purple = Colour("purple")
    assert isinstance(purple, Colour) and purple == "purple" and str(purple) == "purple"
    assert (purple.value, purple.name) == ("purple", "purple")
    assert purple != Colour.RED and Colour("red") is Colour.RED
    assert pickle.loads(pickle.dumps(purple)) == "purple"  # noqa: S301
    assert f"{Colour.RED}" == "red"
    with pytest.raises(ValueError, match="3 is not a valid Colour"):
        Colour(3)

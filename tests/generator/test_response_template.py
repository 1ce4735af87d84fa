"""openapi/templates/ (response models and request builders) on shapes this project's document does not use yet.

The generated package covers strings, integers, enums, models, lists of models and free-form maps;
a new upstream document may bring booleans, numbers, required nullable fields, lists of scalars,
typed maps, or query parameters of other types. Here a small document with each of them is generated
with the project's templates and config, imported, and used as a caller would.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # runs the generator

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "shapes", "version": "1"},
    "paths": {
        "/things/{thingId}": {
            "get": {
                "operationId": "get-thing",
                "tags": ["Things"],
                "parameters": [
                    {"name": "thingId", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "colour", "in": "query", "schema": {"$ref": "#/components/schemas/Colour"}},
                    {"name": "fresh", "in": "query", "schema": {"type": "boolean"}},
                    {"name": "limit", "in": "query", "required": True, "schema": {"type": "integer"}},
                    {"name": "ratio", "in": "query", "schema": {"type": "number", "default": 0.5}},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                    }
                },
            }
        }
    },
    "components": {
        "schemas": {
            "Colour": {"type": "string", "enum": ["red", "blue"]},
            "Part": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer"}}},
            "Labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "Thing": {
                "type": "object",
                "required": ["flag", "ratio", "colour", "part"],
                "properties": {
                    "flag": {"type": "boolean"},
                    "ratio": {"type": "number"},
                    "colour": {"anyOf": [{"$ref": "#/components/schemas/Colour"}, {"type": "null"}]},
                    "part": {"anyOf": [{"$ref": "#/components/schemas/Part"}, {"type": "null"}]},
                    "words": {"type": "array", "items": {"type": "string"}},
                    "labels": {"$ref": "#/components/schemas/Labels"},
                    "parts": {"type": ["array", "null"], "items": {"$ref": "#/components/schemas/Part"}},
                    "seenOnUtc": {"type": ["string", "null"]},
                },
                "x-datetime-properties": {"seenOnUtc": "seen_at"},
            },
        }
    },
}
UNSUPPORTED: dict[str, Any] = {
    **DOCUMENT,
    "paths": {
        "/things/{thingId}": {
            "get": {
                **DOCUMENT["paths"]["/things/{thingId}"]["get"],
                "parameters": [
                    {"name": "thingId", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "ids", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}},
                    {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                ],
            }
        }
    },
    "components": {
        "schemas": {
            "Colour": {"type": "string", "enum": ["red", "blue"]},
            "Thing": {
                "type": "object",
                "properties": {
                    "when": {"type": "string", "format": "date-time"},
                    "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    "count": {"type": "integer"},
                },
                "x-datetime-properties": {"count": "count_at"},
            },
        }
    },
}


def generate(document: dict[str, Any], folder: Path, package: str) -> None:
    """``document`` generated into ``folder/package`` as the Makefile's GENERATE does (a warning fails too)."""
    source = folder / f"{package}.yaml"
    source.write_text(yaml.safe_dump(document))
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "CODAT_CONNECTIONS_ROOT": str(ROOT),
    }
    templates, config = ROOT / "openapi" / "templates", ROOT / "generator-config.yaml"
    subprocess.run(
        [
            *(sys.executable, "-m", "openapi_python_client", "generate", "--path", str(source), "--meta", "none"),
            *("--config", str(config), "--custom-template-path", str(templates)),
            *("--overwrite", "--fail-on-warning", "--output-path", str(folder / package)),
        ],
        check=True,
        capture_output=True,
        env=env,
    )


def imported(folder: Path, package: str, module: str) -> ModuleType:
    """``package.module``, imported from the generated package in ``folder``."""
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(f"{package}.{module}")
    finally:
        sys.path.remove(str(folder))


@pytest.fixture(scope="module")
def shapes_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("shapes")
    generate(DOCUMENT, folder, "shapes_client")
    yield folder
    for name in [name for name in sys.modules if name.startswith("shapes_client")]:
        del sys.modules[name]


@pytest.fixture(scope="module")
def thing_module(shapes_folder: Path) -> ModuleType:
    return imported(shapes_folder, "shapes_client", "models.thing")


@pytest.fixture(scope="module")
def endpoint_module(shapes_folder: Path) -> ModuleType:
    return imported(shapes_folder, "shapes_client", "api.things.get_thing")


def test_every_shape_decodes_and_writes_back_what_came_in(thing_module: ModuleType) -> None:
    wire = {
        "flag": False,
        "ratio": 2,
        "colour": None,
        "part": {"n": 1},
        "words": ["a", "b"],
        "labels": {"k": "v"},
        "parts": None,
    }
    thing = thing_module.Thing.from_dict(wire)
    assert (thing.flag, thing.ratio, thing.colour, thing.part.n) == (False, 2, None, 1)
    assert thing.words == ["a", "b"] and thing.labels == {"k": "v"} and thing.parts is None
    assert thing.to_dict() == wire
    minimal = {"flag": True, "ratio": 0.5, "colour": "purple", "part": None}
    decoded = thing_module.Thing.from_dict(minimal)
    assert decoded.colour == "purple", "an unknown enum value stays readable"
    assert decoded.to_dict() == minimal
    assert "Unset" not in repr(decoded)


def test_a_date_time_field_reads_as_an_aware_datetime_on_access(thing_module: ModuleType) -> None:
    wire = {"flag": True, "ratio": 1, "colour": "red", "part": None, "seenOnUtc": "2024-05-01T10:00:00"}
    thing = thing_module.Thing.from_dict(wire)
    assert thing.seen_on_utc == "2024-05-01T10:00:00", "the wire string stays as it came"
    assert thing.seen_at == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert thing.to_dict() == wire
    assert thing_module.Thing.from_dict({**wire, "seenOnUtc": None}).seen_at is None
    with pytest.raises(ValueError, match="not a Codat date-time: 'soon'"):
        _ = thing_module.Thing.from_dict({**wire, "seenOnUtc": "soon"}).seen_at


def test_the_request_builder_owns_path_query_names_and_leaves_out_none(endpoint_module: ModuleType) -> None:
    colour = importlib.import_module("shapes_client.models.colour").Colour
    args = endpoint_module.build_request("a b/c", limit=0, colour=colour.BLUE, fresh=False)
    assert args == {
        "method": "GET",
        "url": "/things/a%20b%2Fc",
        "params": {"colour": "blue", "fresh": False, "limit": 0, "ratio": 0.5},
        "json": None,
    }
    assert endpoint_module.build_request("x", limit=3, ratio=None)["params"] == {"limit": 3}
    with pytest.raises(TypeError):
        endpoint_module.build_request("x")  # a required query parameter is a required argument


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("flag", 1, "Thing.flag: expected a boolean, got a number"),
        ("ratio", True, "Thing.ratio: expected a number, got a boolean"),
        ("ratio", None, "Thing.ratio: expected a number, got null"),
        ("part", [], "Thing.part: expected an object or null, got an array"),
        ("words", "ab", "Thing.words: expected an array, got a string"),
        ("labels", {"k": 1}, "Thing.labels: expected an object of string values, got an object"),
        ("parts", [{"n": "1"}], "Part.n: expected an integer, got a string"),
        ("words", ["a", 1], "Thing.words: expected an array of strings, got an array"),
        ("seenOnUtc", 5, "Thing.seenOnUtc: expected a string or null, got a number"),
    ],
)
def test_every_shape_refuses_the_wrong_json_type(
    thing_module: ModuleType, field: str, value: Any, message: str
) -> None:
    wire: dict[str, Any] = {"flag": True, "ratio": 1.0, "colour": "red", "part": None, field: value}
    with pytest.raises(TypeError) as caught:
        thing_module.Thing.from_dict(wire)
    assert str(caught.value) == message


def test_a_shape_the_template_cannot_decode_fails_on_import_naming_it(tmp_path: Path) -> None:
    generate(UNSUPPORTED, tmp_path, "unsupported_client")
    with pytest.raises(TypeError, match=r"cannot decode .*Thing\.when \(datetime\.datetime\)") as caught:
        imported(tmp_path, "unsupported_client", "models.thing")
    assert "Thing.either (int | str)" in str(caught.value)
    assert "Thing.count (a date-time that is not a string field)" in str(caught.value)
    with pytest.raises(TypeError) as refused:
        imported(tmp_path, "unsupported_client", "api.things.get_thing")
    assert str(refused.value) == (
        "openapi/templates/endpoint_module.py.jinja cannot build get_thing: "
        "X-Trace (a header or cookie parameter), ids (list[str])"
    )

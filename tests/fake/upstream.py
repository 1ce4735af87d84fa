"""Codat's own webhook body schemas, read from the upstream document (never copied into the project).

The document mixes OpenAPI 3.0 ``nullable: true`` into 3.1; it is read the way ``openapi/vendor.py``
reads it (``nullable`` means "or null"), and nothing else is changed.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import yaml
from openapi_schema_validator import OAS31Validator

from tests.conftest import upstream_document


def _nullable_as_31(node: Any) -> Any:
    if isinstance(node, dict):
        converted = {key: _nullable_as_31(value) for key, value in node.items()}
        if converted.pop("nullable", False) is True:
            return {"anyOf": [converted, {"type": "null"}]}
        return converted
    if isinstance(node, list):
        return [_nullable_as_31(item) for item in node]
    return node


@functools.cache
def _document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(upstream_document().read_text())
    converted: dict[str, Any] = _nullable_as_31(loaded)
    return converted


def validation_errors(schema_name: str, body: bytes) -> list[str]:
    """Every way ``body`` breaks the upstream ``components/schemas/<schema_name>`` (empty when it fits)."""
    root = {**_document(), "$ref": f"#/components/schemas/{schema_name}"}
    validator = OAS31Validator(root, format_checker=OAS31Validator.FORMAT_CHECKER)
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(json.loads(body))]


def upstream_webhook_event_types() -> set[str]:
    """The event types Codat documents under the top-level ``webhooks``."""
    return set(_document()["webhooks"])

"""What changed between two versions of openapi/connections.yaml, in one line per fact.

Why: a new upstream document is re-vendored with `make vendor-spec`; before regenerating, a maintainer
should see at once what it brings to the client (operations, webhooks, schemas, fields, required
flags, enum values, types), not a YAML diff full of wrapped prose and examples. Descriptions and
examples are deliberately left out: they change nothing in the generated code's behaviour.
"""

from __future__ import annotations

from typing import Any

Json = Any
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
DATETIME_EXTENSION = "x-datetime-properties"  # vendor.py: the fields that reference Codat's DateTime


def type_of(schema: Json) -> str:
    """A short, stable rendering of a schema's type: ``string | null``, ``array of Connection``, ..."""
    if not isinstance(schema, dict):
        return "any"
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " | ".join(type_of(member) for member in schema[key])
    declared = schema.get("type")
    types = declared if isinstance(declared, list) else [declared] if declared else ["any"]
    parts = []
    for name in types:
        if name == "array":
            parts.append(f"array of {type_of(schema.get('items', {}))}")
        elif name == "string" and "format" in schema:
            parts.append(f"string ({schema['format']})")
        else:
            parts.append(str(name))
    return " | ".join(parts)


def _operations(document: Json) -> dict[str, Json]:
    found: dict[str, Json] = {}
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            if isinstance(item.get(method), dict):
                found[f"operation {method.upper()} {path}"] = item[method]
    for event, item in document.get("webhooks", {}).items():
        for method in METHODS:
            if isinstance(item.get(method), dict):
                found[f"webhook {event}"] = item[method]
    return found


def _parameters(document: Json, operation: Json) -> dict[str, Json]:
    parameters = {}
    for listed in operation.get("parameters", []):
        parameter = listed
        if "$ref" in listed:
            parameter = document["components"]["parameters"][listed["$ref"].rsplit("/", 1)[-1]]
        parameters[f"{parameter['in']} parameter {parameter['name']}"] = parameter
    return parameters


def _body_and_responses(operation: Json) -> dict[str, str]:
    facts = {}
    for media, content in operation.get("requestBody", {}).get("content", {}).items():
        facts[f"body ({media})"] = type_of(content.get("schema"))
    for status, response in operation.get("responses", {}).items():
        schemas = [type_of(content.get("schema")) for content in response.get("content", {}).values()]
        facts[f"response {status}"] = ", ".join(schemas) or "no body"
    return facts


def _compare_operations(old: Json, new: Json) -> list[str]:
    lines = []
    before, after = _operations(old), _operations(new)
    for key in sorted(before.keys() - after.keys()):
        lines.append(f"- {key}")
    for key in sorted(after.keys() - before.keys()):
        lines.append(f"+ {key}")
    for key in sorted(before.keys() & after.keys()):
        was, now = _parameters(old, before[key]), _parameters(new, after[key])
        for name in sorted(was.keys() - now.keys()):
            lines.append(f"- {key}: {name}")
        for name in sorted(now.keys() - was.keys()):
            required = " (required)" if now[name].get("required") else ""
            lines.append(f"+ {key}: {name} {type_of(now[name].get('schema'))}{required}")
        for name in sorted(was.keys() & now.keys()):
            if bool(was[name].get("required")) != bool(now[name].get("required")):
                state = "now required" if now[name].get("required") else "no longer required"
                lines.append(f"~ {key}: {name} {state}")
            if type_of(was[name].get("schema")) != type_of(now[name].get("schema")):
                lines.append(
                    f"~ {key}: {name} {type_of(was[name].get('schema'))} -> {type_of(now[name].get('schema'))}"
                )
        facts_was, facts_now = _body_and_responses(before[key]), _body_and_responses(after[key])
        for fact in sorted(facts_was.keys() | facts_now.keys()):
            if facts_was.get(fact) != facts_now.get(fact):
                lines.append(f"~ {key}: {fact} {facts_was.get(fact, 'absent')} -> {facts_now.get(fact, 'absent')}")
    return lines


def _compare_schema(name: str, was: Json, now: Json) -> list[str]:
    lines = []
    if type_of(was) != type_of(now):
        lines.append(f"~ {name}: type {type_of(was)} -> {type_of(now)}")
    values_was = [v for v in was.get("enum", []) if v is not None]
    values_now = [v for v in now.get("enum", []) if v is not None]
    lines += [f"- {name}: enum value {v}" for v in values_was if v not in values_now]
    lines += [f"+ {name}: enum value {v}" for v in values_now if v not in values_was]
    props_was, props_now = was.get("properties", {}), now.get("properties", {})
    required_was, required_now = set(was.get("required", [])), set(now.get("required", []))
    stamps_was, stamps_now = was.get(DATETIME_EXTENSION, {}), now.get(DATETIME_EXTENSION, {})
    for prop in props_was:
        if prop not in props_now:
            lines.append(f"- {name}.{prop}")
    for prop, schema in props_now.items():
        required = " (required)" if prop in required_now else ""
        if prop not in props_was:
            stamp = f" (date-time: {stamps_now[prop]})" if prop in stamps_now else ""
            lines.append(f"+ {name}.{prop}: {type_of(schema)}{stamp}{required}")
            continue
        if (prop in required_was) != (prop in required_now):
            lines.append(f"~ {name}.{prop}: {'now required' if prop in required_now else 'no longer required'}")
        if type_of(props_was[prop]) != type_of(schema):
            lines.append(f"~ {name}.{prop}: type {type_of(props_was[prop])} -> {type_of(schema)}")
        if stamps_was.get(prop) != stamps_now.get(prop):
            state = f"now a date-time ({stamps_now[prop]})" if prop in stamps_now else "no longer a date-time"
            lines.append(f"~ {name}.{prop}: {state}")
        lines += _compare_schema(f"{name}.{prop}", _enum_only(props_was[prop]), _enum_only(schema))
    if type_of(was.get("additionalProperties")) != type_of(now.get("additionalProperties")):
        extra_was, extra_now = was.get("additionalProperties"), now.get("additionalProperties")
        lines.append(f"~ {name}: additional properties {extra_was!r} -> {extra_now!r}")
    return lines


def _enum_only(schema: Json) -> Json:
    """The enum of an inline property (its type is compared separately)."""
    return {"enum": schema["enum"]} if isinstance(schema, dict) and "enum" in schema else {}


def summarize(old: Json, new: Json) -> list[str]:
    """One line per change from ``old`` to ``new``: ``+`` added, ``-`` removed, ``~`` changed."""
    lines = _compare_operations(old, new)
    before = old.get("components", {}).get("schemas", {})
    after = new.get("components", {}).get("schemas", {})
    lines += [f"- schema {name}" for name in sorted(before.keys() - after.keys())]
    for name in sorted(after.keys() - before.keys()):
        fields = len(after[name].get("properties", {}))
        described = f" with {fields} field{'s' if fields != 1 else ''}" if fields else ""
        lines.append(f"+ schema {name}: {type_of(after[name])}{described}")
    for name in sorted(before.keys() & after.keys()):
        lines += _compare_schema(name, before[name], after[name])
    return lines

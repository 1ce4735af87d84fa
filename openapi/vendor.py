"""Derive openapi/connections.yaml from Codat's Platform OpenAPI document.

Why this exists: openapi-python-client resolves only ``#/components/<kind>/<Name>`` references,
while Codat's document points into other schemas' ``definitions``, into
``components/parameters/X/schema`` and into ``paths``; it also mixes OpenAPI 3.0 ``nullable``
into a 3.1 document. This tool keeps the facts of the six connection and seven company operations
(paths, operation ids, parameters and limits, types, enums, required lists, responses, examples),
drops Codat's prose, takes every description from ``overlay.yaml`` and rewrites the document
into a shape the generator, Prism and openapi-core all read the same way.

Usage: python openapi/vendor.py [--upstream PATH] [--overlay PATH] [--output PATH | --check]
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml
from spec_diff import DATETIME_EXTENSION, summarize

HERE = Path(__file__).resolve().parent
# The one definition of where Codat's document is expected (beside the checkout, as CI lays it out);
# the Makefile's UPSTREAM and the tests default to it.
DEFAULT_UPSTREAM = HERE.parent.parent / "shared" / "codat" / "Codat-Platform.yaml"

CONNECTION_OPERATIONS = (
    "list-connections",
    "create-connection",
    "get-connection",
    "delete-connection",
    "unlink-connection",
    "update-connection-authorization",
)
COMPANY_OPERATIONS = (
    "list-companies",
    "create-company",
    "get-company",
    "update-company",
    "replace-company",
    "delete-company",
    "get-company-access-token",
)
OPERATIONS = CONNECTION_OPERATIONS + COMPANY_OPERATIONS
"""Every operation the client is generated for; an upstream document lacking any of them is an error."""

# Webhooks whose bodies the client decodes: the connection lifecycle and the daily quota.
# An upstream document without a `webhooks` section (older ones) still vendors, without them.
WEBHOOK_EVENTS = (
    "connection.created",
    "connection.connected",
    "connection.failed",
    "connection.disconnected",
    "connection.reconnected",
    "connection.deleted",
    "client.rateLimit.reached",
    "client.rateLimit.reset",
)

UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"

# Codat's date-time scalar: a plain string schema (no `format`, as its examples include dates alone), so
# it is inlined where used; properties that reference it are listed on their object in DATETIME_EXTENSION
# (JSON name -> Python property name; defined in spec_diff.py, which reports changes to it) for the
# response-model template to give them a datetime property.
DATETIME_SCHEMA = "#/components/schemas/DateTime"
CREDENTIALS_EXTENSION = "x-secret-properties"  # fields holding credentials (overlay.yaml's secret_properties)
_DATETIME_SUFFIXES = ("_on_utc", "_utc", "_date")

# Schema keywords that carry facts; everything else (prose, titles, vendor extensions,
# ``definitions``) is dropped.
FACT_KEYWORDS = (
    "type",
    "format",
    "enum",
    "pattern",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "propertyNames",
    "default",
    "items",
    "properties",
    "required",
    "additionalProperties",
    "anyOf",
    "oneOf",
    "example",
    "examples",
)

Json = Any


class VendorError(Exception):
    """The upstream document cannot be turned into the connections document."""


def _pascal(text: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "".join(w[:1].upper() + w[1:] for w in words) or "Schema"


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def datetime_property_name(field: str) -> str:
    """The datetime property of a date-time field: its snake name, less ``_on_utc``/``_utc``/``_date``, plus ``_at``."""
    snake = _snake(field)
    for suffix in _DATETIME_SUFFIXES:
        if snake.endswith(suffix) and len(snake) > len(suffix):
            snake = snake[: -len(suffix)]
            break
    return f"{snake}_at"


class Vendor:
    """One run of the rewrite: upstream document + overlay -> connections document."""

    def __init__(self, upstream: Json, overlay: Json) -> None:
        self.upstream = upstream
        self.overlay = overlay
        self.names: dict[str, str] = dict(overlay.get("schema_names", {}))
        self.schemas: dict[str, Json] = {}
        self._schema_owner: dict[str, str] = {}  # component name -> upstream pointer
        self.parameters: dict[str, Json] = {}
        self.responses: dict[str, Json] = {}
        self.notes: list[str] = []

    # -- references -------------------------------------------------------------------
    def resolve(self, ref: str) -> Json:
        if not ref.startswith("#/"):
            raise VendorError(f"external reference not supported: {ref}")
        node = self.upstream
        for raw in ref[2:].split("/"):
            part = unquote(raw).replace("~1", "/").replace("~0", "~")
            if isinstance(node, list):
                node = node[int(part)]
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                raise VendorError(f"unresolvable reference {ref} (no {part!r})")
        return node

    def _component_name(self, pointer: str) -> str:
        if pointer in self.names:
            return self.names[pointer]
        match = re.fullmatch(r"#/components/schemas/([^/]+)", pointer)
        return match.group(1) if match else _pascal(pointer.rsplit("/", 1)[-1])

    @staticmethod
    def _is_named(schema: Json) -> bool:
        """Objects and enums become components; plain scalars are inlined where used."""
        if not isinstance(schema, dict):
            return False
        return bool("enum" in schema or "properties" in schema or "allOf" in schema or schema.get("type") == "object")

    def hoist(self, pointer: str, schema: Json) -> Json:
        """Register ``schema`` as a component (once) and return a reference to it."""
        name = self._component_name(pointer)
        owner = self._schema_owner.get(name)
        if owner is None:
            self._schema_owner[name] = pointer
            self.schemas[name] = {}  # placeholder first: breaks reference cycles
            self.schemas[name] = self.convert(schema, pointer)
        elif owner != pointer:
            raise VendorError(f"schema name {name!r} used for both {owner} and {pointer}")
        return {"$ref": f"#/components/schemas/{name}"}

    # -- schemas ----------------------------------------------------------------------
    def convert(self, schema: Json, pointer: str) -> Json:
        """Facts of one schema, with references made resolvable and nullability in 3.1 form."""
        if not isinstance(schema, dict):
            return schema
        corrections = self.overlay.get("corrections", {})
        dropped = [key for key in schema if f"{pointer}/{key}" in corrections]
        if dropped:
            schema = {k: v for k, v in schema.items() if k not in dropped}
        nullable = bool(schema.get("nullable"))
        if "$ref" in schema:
            target_pointer = schema["$ref"]
            target = self.resolve(target_pointer)
            if self._is_named(target):
                # Nullability belongs to the place of use, not to the shared component.
                nullable = nullable or bool(target.get("nullable"))
                out = self.hoist(target_pointer, {k: v for k, v in target.items() if k != "nullable"})
            else:
                out = self.convert(target, target_pointer)
        elif "allOf" in schema:
            out = self._merge_all_of(schema, pointer)
        else:
            out = {}
            stamps: dict[str, str] = {}
            for key in FACT_KEYWORDS:
                if key not in schema:
                    continue
                value = schema[key]
                if key == "properties":
                    stamps = {prop: datetime_property_name(prop) for prop in value if self._is_datetime(value[prop])}
                    value = {
                        prop: self._convert_property(sub, f"{pointer}/properties/{prop}") for prop, sub in value.items()
                    }
                elif key == "items":
                    value = self.convert(value, f"{pointer}/items")
                elif key in ("additionalProperties", "propertyNames") and isinstance(value, dict):
                    value = self.convert(value, f"{pointer}/{key}")
                elif key in ("anyOf", "oneOf"):
                    value = [self.convert(s, f"{pointer}/{key}/{i}") for i, s in enumerate(value)]
                out[key] = value
            if out.get("format") == "uuid":
                # Ids stay str in the client (parsing each with UUID() dominated decoding);
                # the pattern keeps the fact for validators and mock servers.
                del out["format"]
                out.setdefault("pattern", UUID_PATTERN)
            if out.get("additionalProperties") is False and pointer.startswith("#/components/schemas/"):
                # Response models stay open: unknown fields from a newer API are kept.
                del out["additionalProperties"]
            if stamps:
                out[DATETIME_EXTENSION] = self._checked_stamps(stamps, out["properties"], pointer)
        return self._nullable(out) if nullable else out

    def _convert_property(self, schema: Json, pointer: str) -> Json:
        if pointer in self.names and isinstance(schema, dict) and "$ref" not in schema:
            nullable = bool(schema.get("nullable"))
            bare = {k: v for k, v in schema.items() if k != "nullable"}
            ref = self.hoist(pointer, bare)
            return self._nullable(ref) if nullable else ref
        return self.convert(schema, pointer)

    def _is_datetime(self, schema: Json) -> bool:
        """Whether ``schema`` is (a chain of references ending in) Codat's DateTime scalar."""
        seen: set[str] = set()
        while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            if ref == DATETIME_SCHEMA:
                return True
            if ref in seen:
                return False
            seen.add(ref)
            schema = self.resolve(ref)
        return False

    @staticmethod
    def _checked_stamps(stamps: dict[str, str], properties: Json, pointer: str) -> dict[str, str]:
        taken = {_snake(prop) for prop in properties}
        clashes = sorted(name for name in stamps.values() if name in taken)
        if clashes:
            raise VendorError(f"datetime property name(s) {', '.join(clashes)} at {pointer} clash with fields")
        return stamps

    def _merge_all_of(self, schema: Json, pointer: str) -> Json:
        """Flatten an allOf of objects (Codat's list envelope) into one object."""
        merged: dict[str, Any] = {"type": "object", "properties": {}, "required": []}
        stamps: dict[str, str] = {}
        for index, raw_part in enumerate(schema["allOf"]):
            part_pointer = f"{pointer}/allOf/{index}"
            part = raw_part
            if "$ref" in raw_part:
                part_pointer = raw_part["$ref"]
                part = self.resolve(part_pointer)
            if "allOf" in part:
                part = self._merge_all_of(part, part_pointer)
                merged["properties"].update(part["properties"])
                merged["required"].extend(part.get("required", []))
                stamps.update(part.get(DATETIME_EXTENSION, {}))
                continue
            if part.get("type", "object") != "object":
                raise VendorError(f"allOf at {pointer} mixes non-object schemas")
            converted = self.convert({k: v for k, v in part.items() if k != "nullable"}, part_pointer)
            merged["properties"].update(converted.get("properties", {}))
            merged["required"].extend(r for r in converted.get("required", []) if r not in merged["required"])
            stamps.update(converted.get(DATETIME_EXTENSION, {}))
        if not merged["required"]:
            del merged["required"]
        if stamps:
            merged[DATETIME_EXTENSION] = self._checked_stamps(stamps, merged["properties"], pointer)
        return merged

    @staticmethod
    def _nullable(schema: Json) -> Json:
        """OpenAPI 3.0 ``nullable: true`` in 3.1 form, including next to a $ref."""
        if "$ref" in schema or "type" not in schema:
            return {"anyOf": [schema, {"type": "null"}]}
        out = dict(schema)
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*types, "null"] if "null" not in types else types
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
        return out

    # -- operations -------------------------------------------------------------------
    def find_operations(self) -> dict[str, tuple[str, str, Json, Json]]:
        found: dict[str, tuple[str, str, Json, Json]] = {}
        for path, item in self.upstream.get("paths", {}).items():
            for method, operation in item.items():
                if isinstance(operation, dict) and operation.get("operationId") in OPERATIONS:
                    found[operation["operationId"]] = (path, method, item, operation)
        missing = [op for op in OPERATIONS if op not in found]
        if missing:
            raise VendorError("the upstream document lacks the operation(s): " + ", ".join(missing))
        return found

    def parameter(self, param: Json) -> Json:
        if "$ref" in param:
            name = param["$ref"].rsplit("/", 1)[-1]
            if name not in self.parameters:
                self.parameters[name] = {}
                self.parameters[name] = self._parameter_body(self.resolve(param["$ref"]), name)
            return {"$ref": f"#/components/parameters/{name}"}
        return self._parameter_body(param, param["name"])

    def _parameter_body(self, param: Json, name: str) -> Json:
        out: dict[str, Any] = {"name": param["name"], "in": param["in"]}
        description = self.overlay.get("parameters", {}).get(name)
        if description:
            out["description"] = description
        if param.get("required"):
            out["required"] = True
        out["schema"] = self.convert(param.get("schema", {}), f"#/components/parameters/{name}/schema")
        if "example" in param:
            out["example"] = param["example"]
        return out

    def response(self, status: str, response: Json) -> Json:
        if "$ref" in response:
            name = response["$ref"].rsplit("/", 1)[-1]
            if name not in self.responses:
                self.responses[name] = self._response_body(status, self.resolve(response["$ref"]), name)
            return {"$ref": f"#/components/responses/{name}"}
        return self._response_body(status, response, None)

    def _response_body(self, status: str, response: Json, name: str | None) -> Json:
        description = self.overlay.get("responses", {}).get(status)
        if not description:
            raise VendorError(f"overlay.yaml has no description for response status {status}")
        out: dict[str, Any] = {"description": description}
        content = response.get("content")
        if content:
            out["content"] = {}
            for media, body in content.items():
                pointer = f"#/components/responses/{name}" if name else "#/responses"
                media_out: dict[str, Any] = {"schema": self.convert(body["schema"], pointer)}
                if "examples" in body:
                    media_out["examples"] = {k: {"value": v["value"]} for k, v in body["examples"].items()}
                out["content"][media] = media_out
        return out

    def request_body(self, operation_id: str, body: Json) -> Json:
        out: dict[str, Any] = {}
        if body.get("required"):
            out["required"] = True
        out["content"] = {}
        for media, content in body["content"].items():
            schema = content["schema"]
            pointer = f"{operation_id}/requestBody"
            if "$ref" not in schema and pointer in self.names:
                converted = self.hoist(pointer, schema)
            else:
                converted = self.convert(schema, pointer)
            media_out: dict[str, Any] = {"schema": converted}
            if "examples" in content:
                media_out["examples"] = {k: {"value": v["value"]} for k, v in content["examples"].items()}
            out["content"][media] = media_out
        return out

    def operation(self, operation_id: str, path_item: Json, operation: Json) -> Json:
        words = self.overlay.get("operations", {}).get(operation_id, {})
        out: dict[str, Any] = {"operationId": operation_id}
        if words.get("summary"):
            out["summary"] = words["summary"]
        if words.get("description"):
            out["description"] = words["description"]
        out["tags"] = list(operation.get("tags", []))
        params = [*path_item.get("parameters", []), *operation.get("parameters", [])]
        seen: set[str] = set()
        converted_params = []
        for param in params:
            key = param.get("$ref") or param["name"]
            if key not in seen:
                seen.add(key)
                converted_params.append(self.parameter(param))
        if converted_params:
            out["parameters"] = converted_params
        if "requestBody" in operation:
            out["requestBody"] = self.request_body(operation_id, operation["requestBody"])
        out["responses"] = {
            str(status): self.response(str(status), response) for status, response in operation["responses"].items()
        }
        return out

    def webhooks(self) -> dict[str, Json]:
        """The webhooks of ``WEBHOOK_EVENTS`` that the upstream document describes, in document form."""
        upstream = self.upstream.get("webhooks")
        if not isinstance(upstream, dict):
            return {}
        words = self.overlay.get("webhooks", {})
        out: dict[str, Json] = {}
        for event in WEBHOOK_EVENTS:
            item = upstream.get(event)
            if not isinstance(item, dict):
                self.notes.append(f"note: the upstream document has no webhook {event}")
                continue
            converted: dict[str, Json] = {}
            for method, operation in item.items():
                if not isinstance(operation, dict) or "requestBody" not in operation:
                    continue
                hook: dict[str, Any] = {}
                if words.get(event):
                    hook["description"] = words[event]
                else:
                    self.notes.append(f"note: overlay.yaml has no description for webhook {event}")
                hook["requestBody"] = self.request_body(event, operation["requestBody"])
                hook["responses"] = {
                    str(status): self.response(str(status), response)
                    for status, response in operation.get("responses", {"200": {}}).items()
                }
                converted[method] = hook
            if converted:
                out[event] = converted
        return out

    # -- direction --------------------------------------------------------------------
    def mark_request_only(self, paths: Json, webhooks: Json) -> None:
        """Tag the object schemas that only requests carry with ``x-request-only: true``.

        The templates give models the client receives (responses, webhook bodies) ``None`` for an
        absent field, and keep ``Unset`` for bodies the client sends, where absent and null differ.
        """
        sent: list[Json] = []
        received: list[Json] = [self.responses]
        for item in paths.values():
            for operation in item.values():
                sent.append(operation.get("requestBody", {}))
                received.append(operation.get("responses", {}))
        received.extend(webhooks.values())  # a webhook body is posted to us: we receive it
        request_only = self._reachable(sent) - self._reachable(received)
        for name in sorted(request_only):
            if self.schemas[name].get("type") == "object":
                self.schemas[name]["x-request-only"] = True

    def _reachable(self, roots: list[Json]) -> set[str]:
        """Names of the component schemas that ``roots`` reference, directly or through other schemas."""
        found: set[str] = set()
        stack = list(roots)
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                ref = node.get("$ref")
                if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                    name = ref.rsplit("/", 1)[-1]
                    if name not in found:
                        found.add(name)
                        stack.append(self.schemas.get(name, {}))
                stack.extend(value for key, value in node.items() if key != "$ref")
        return found

    # -- prose ------------------------------------------------------------------------
    def describe(self) -> None:
        words = self.overlay.get("schemas", {})
        for name, schema in self.schemas.items():
            entry = words.get(name)
            if entry is None:
                self.notes.append(f"note: overlay.yaml has no description for schema {name}")
                continue
            described = {"description": entry["description"], **schema}
            for prop, text in entry.get("properties", {}).items():
                if prop in described.get("properties", {}):
                    described["properties"][prop] = {"description": text, **described["properties"][prop]}
            for prop in described.get("properties", {}):
                if prop not in entry.get("properties", {}):
                    self.notes.append(f"note: overlay.yaml has no description for {name}.{prop}")
            self.schemas[name] = described

    def mark_secrets(self) -> None:
        """Tag the fields that hold credentials (overlay ``secret_properties``) with ``x-secret-properties``.

        The response-model template keeps them out of ``repr`` and refuses to pickle the model.
        """
        for name, props in self.overlay.get("secret_properties", {}).items():
            schema = self.schemas.get(name)
            if schema is None:
                continue  # an older document without the schema
            unknown = [prop for prop in props if prop not in schema.get("properties", {})]
            if unknown:
                raise VendorError(f"overlay.yaml secret_properties: {name} has no field {', '.join(unknown)}")
            schema[CREDENTIALS_EXTENSION] = list(props)

    # -- the document -----------------------------------------------------------------
    def build(self) -> Json:
        operations = self.find_operations()
        paths: dict[str, dict[str, Any]] = {}
        for operation_id in OPERATIONS:
            path, method, item, operation = operations[operation_id]
            paths.setdefault(path, {})[method] = self.operation(operation_id, item, operation)
        webhooks = self.webhooks()
        self.mark_request_only(paths, webhooks)
        self.describe()
        self.mark_secrets()
        info = self.overlay["info"]
        schemes = self.upstream.get("components", {}).get("securitySchemes", {})
        security_schemes = {
            name: {
                "type": scheme["type"],
                "in": scheme["in"],
                "name": scheme["name"],
                "description": self.overlay["security_description"],
            }
            for name, scheme in schemes.items()
        }
        return {
            "openapi": "3.1.0",
            "info": {"title": info["title"], "version": info["version"], "description": info["description"]},
            "servers": [{"url": s["url"]} for s in self.upstream.get("servers", [])],
            "security": self.upstream.get("security", []),
            "paths": paths,
            **({"webhooks": webhooks} if webhooks else {}),
            "components": {
                "schemas": dict(sorted(self.schemas.items())),
                "parameters": dict(sorted(self.parameters.items())),
                "responses": dict(sorted(self.responses.items())),
                "securitySchemes": security_schemes,
            },
        }


class _PlainDumper(yaml.SafeDumper):
    """Writes repeated values out in full: anchors and aliases confuse some OpenAPI tools."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def render(upstream_text: str, overlay: Json) -> tuple[str, list[str]]:
    """The connections document as text, and notes about prose the overlay lacks."""
    upstream = yaml.safe_load(upstream_text)
    if not isinstance(upstream, dict) or "paths" not in upstream:
        raise VendorError("the upstream file is not an OpenAPI document (no 'paths')")
    vendor = Vendor(upstream, overlay)
    document = vendor.build()
    digest = hashlib.sha256(upstream_text.encode("utf-8")).hexdigest()
    header = (
        "# Generated by openapi/vendor.py from Codat's Platform OpenAPI document; do not edit.\n"
        f"# Upstream sha256: {digest}\n"
    )
    body = yaml.dump(document, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)
    return header + body, vendor.notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", type=Path, default=DEFAULT_UPSTREAM)
    parser.add_argument("--overlay", type=Path, default=HERE / "overlay.yaml")
    parser.add_argument("--output", type=Path, default=HERE / "connections.yaml")
    parser.add_argument("--check", action="store_true", help="fail if --output differs instead of writing it")
    parser.add_argument("--skip-missing", action="store_true", help="exit 0 with a message when --upstream is absent")
    args = parser.parse_args(argv)

    if not args.upstream.is_file():
        if args.skip_missing:
            print(f"skipped: upstream document {args.upstream} not found (only maintainers have it)")
            return 0
        print(f"error: upstream document {args.upstream} not found; pass UPSTREAM=path", file=sys.stderr)
        return 2
    try:
        text, notes = render(args.upstream.read_text(encoding="utf-8"), yaml.safe_load(args.overlay.read_text()))
    except VendorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for note in notes:
        print(note, file=sys.stderr)

    from openapi_spec_validator import validate

    document = yaml.safe_load(text)
    validate(document)
    current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
    if args.check:
        if current != text:
            print(
                f"error: {args.output} differs from what vendor.py derives; run `make vendor-spec`",
                file=sys.stderr,
            )
            print_changes(current, document, file=sys.stderr)
            return 1
        print(f"ok: {args.output.name} matches the upstream document")
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    print_changes(current, document, file=sys.stdout)
    return 0


def print_changes(previous_text: str, document: Json, *, file: Any) -> None:
    """What the new document changes for the generated client, against the file it replaces."""
    previous = yaml.safe_load(previous_text) if previous_text else None
    if not isinstance(previous, dict):
        print("(no previous document to compare with)", file=file)
        return
    lines = summarize(previous, document)
    if not lines:
        print("no change to operations, schemas, fields, required flags, enum values or types", file=file)
        return
    print(f"changes against the previous document ({len(lines)}):", file=file)
    for line in lines:
        print(f"  {line}", file=file)


if __name__ == "__main__":
    sys.exit(main())

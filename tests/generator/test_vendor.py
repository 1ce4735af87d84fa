"""openapi/vendor.py on synthetic documents carrying each upstream quirk, and on the real one."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

from tests.conftest import ROOT, SPEC_PATH, upstream_document
from tests.generator.vendor_module import spec_diff, vendor

OVERLAY: dict[str, Any] = yaml.safe_load((ROOT / "openapi" / "overlay.yaml").read_text())

ERR = {"$ref": "#/components/responses/Err"}
CONNECTION_REF = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Connection"}}}}
COMPANY_REF = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Company"}}}}


def _json_body(ref: str) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": {"$ref": ref}}}}


def _op(op_id: str, params: list[Any], ok: dict[str, Any], body: Any = None) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": op_id,
        "description": "Upstream prose that must not be copied.",
        "parameters": params,
        "responses": {"200": ok, "404": ERR},
    }
    if body is not None:
        operation["requestBody"] = body
    return operation


def synthetic_upstream() -> dict[str, Any]:
    """A small document with every quirk of Codat's: refs into definitions, parameter schemas and paths,
    an allOf envelope, {$ref, nullable} and a nullable enum."""
    company = {"$ref": "#/components/parameters/companyId"}
    connection = {"$ref": "#/components/parameters/connectionId"}
    page = {"$ref": "#/components/parameters/page"}
    tags = {"name": "tags", "in": "query", "description": "Upstream prose.", "schema": {"type": "string"}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Upstream", "version": "1"},
        "servers": [{"url": "https://api.codat.io"}],
        "security": [{"auth_header": []}],
        "paths": {
            "/other/{companyId}": {
                "post": {
                    "operationId": "other",
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"properties": {"companyId": {"type": "string", "format": "uuid"}}}
                            }
                        }
                    },
                    "responses": {"200": {"description": "x"}},
                }
            },
            "/companies": {
                "get": _op(
                    "list-companies",
                    [page, tags],
                    {"description": "OK", **_json_body("#/components/schemas/Companies")},
                ),
                "post": _op(
                    "create-company",
                    [],
                    {"description": "OK", **COMPANY_REF},
                    body=_json_body("#/components/schemas/CompanyRequestBody"),
                ),
            },
            "/companies/{companyId}": {
                "get": _op("get-company", [company], {"description": "OK", **COMPANY_REF}),
                "patch": _op(
                    "update-company",
                    [company],
                    {"description": "OK", **COMPANY_REF},
                    body=_json_body("#/components/schemas/CompanyUpdateRequest"),
                ),
                "put": _op(
                    "replace-company",
                    [company],
                    {"description": "OK", **COMPANY_REF},
                    body=_json_body("#/components/schemas/CompanyRequestBody"),
                ),
                "delete": {
                    "operationId": "delete-company",
                    "parameters": [company],
                    "responses": {"204": {"description": "Upstream prose."}, "404": ERR},
                },
            },
            "/companies/{companyId}/accessToken": {
                "get": _op(
                    "get-company-access-token",
                    [company],
                    {"description": "OK", **_json_body("#/components/schemas/CompanyAccessToken")},
                )
            },
            "/companies/{companyId}/connections": {
                "get": _op(
                    "list-connections",
                    [company, page],
                    {
                        "description": "OK",
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Connections"}}},
                    },
                ),
                "post": _op(
                    "create-connection",
                    [company],
                    {"description": "OK", **CONNECTION_REF},
                    body={
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "platformKey": {"$ref": "#/components/parameters/platformKey/schema"}
                                    },
                                }
                            }
                        }
                    },
                ),
            },
            "/companies/{companyId}/connections/{connectionId}": {
                "get": _op("get-connection", [company, connection], {"description": "OK", **CONNECTION_REF}),
                "delete": _op("delete-connection", [company, connection], {"description": "OK"}),
                "patch": _op("unlink-connection", [company, connection], {"description": "OK", **CONNECTION_REF}),
            },
            "/companies/{companyId}/connections/{connectionId}/authorization": {
                "parameters": [company, connection],
                "put": _op(
                    "update-connection-authorization",
                    [],
                    {"description": "OK", **CONNECTION_REF},
                    body={
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "additionalProperties": {"type": "string"}}
                            }
                        }
                    },
                ),
            },
        },
        "components": {
            "parameters": {
                "companyId": {
                    "name": "companyId",
                    "in": "path",
                    "required": True,
                    "description": "Upstream prose.",
                    "schema": {
                        "$ref": "#/paths/~1other~1%7BcompanyId%7D/post/requestBody/content/"
                        "application~1json/schema/properties/companyId"
                    },
                },
                "connectionId": {
                    "name": "connectionId",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "format": "uuid"},
                },
                "page": {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                "platformKey": {
                    "name": "platformKey",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "pattern": "[a-z]{4}", "minLength": 4, "maxLength": 4},
                },
            },
            "responses": {
                "Err": {
                    "description": "Upstream prose.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorMessage"}}},
                }
            },
            "schemas": {
                "DateTime": {"type": "string", "title": "Date time", "description": "Upstream prose."},
                "Connection": {
                    "type": "object",
                    "description": "Upstream prose.",
                    "additionalProperties": False,
                    "required": ["id", "status"],
                    "properties": {
                        "id": {"$ref": "#/components/parameters/connectionId/schema"},
                        "status": {"$ref": "#/components/schemas/Connection/definitions/dataConnectionStatus"},
                        "created": {"$ref": "#/components/schemas/DateTime"},
                        "lastSync": {"$ref": "#/components/schemas/DateTime", "nullable": True},
                        "dataConnectionErrors": {
                            "type": "array",
                            "nullable": True,
                            "items": {"$ref": "#/components/schemas/Connection/definitions/dataConnectionError"},
                        },
                    },
                    "definitions": {
                        "dataConnectionStatus": {"type": "string", "enum": ["PendingAuth", "Linked"]},
                        "dataConnectionError": {
                            "type": "object",
                            "properties": {
                                "erroredOnUtc": {"$ref": "#/components/schemas/DateTime"},
                                "status": {
                                    "type": "string",
                                    "nullable": True,
                                    "enum": ["Active", "Resolved"],
                                },
                                "level": {"type": "string", "nullable": True, "enum": ["Low", "High"]},
                            },
                        },
                    },
                },
                "Connections": {
                    "allOf": [
                        {
                            "type": "object",
                            "properties": {
                                "results": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Connection"},
                                }
                            },
                        },
                        {"$ref": "#/components/schemas/PagingInfo"},
                    ]
                },
                "PagingInfo": {
                    "type": "object",
                    "required": ["pageNumber"],
                    "properties": {
                        "pageNumber": {"type": "integer"},
                        "pageSize": {"type": "integer", "maximum": 2000},
                    },
                },
                "ErrorMessage": {"type": "object", "properties": {"error": {"type": "string"}}},
                **company_schemas(),
            },
        },
    }


def company_schemas() -> dict[str, Any]:
    """The company schemas shaped like Codat's: an allOf of details and connections, a reference, tag rules."""
    details = "#/components/schemas/Company/definitions/companyDetails"
    name = {"type": "string", "pattern": "^[A-Za-z0-9\\s\\-',&@.,?!\\s]+$", "minLength": 1}
    tags_ref = {"$ref": f"{details}/properties/tags"}
    return {
        "Company": {
            "type": "object",
            "title": "Upstream prose.",
            "allOf": [
                {"$ref": details},
                {
                    "type": "object",
                    "properties": {
                        "dataConnections": {"type": "array", "items": {"$ref": "#/components/schemas/Connection"}}
                    },
                },
            ],
            "definitions": {
                "companyDetails": {
                    "type": "object",
                    "required": ["id", "name"],
                    "properties": {
                        "id": {"$ref": "#/components/parameters/connectionId/schema"},
                        "name": {"type": "string"},
                        "tags": {
                            "type": "object",
                            "title": "Upstream prose.",
                            "additionalProperties": {"type": "string", "maxLength": 100},
                            "maxProperties": 10,
                            "propertyNames": {"pattern": "^.{1,27}$"},
                        },
                        "description": {"type": "string", "nullable": True},
                        "created": {"$ref": "#/components/schemas/DateTime"},
                        "lastSync": {"$ref": "#/components/schemas/Connection/properties/lastSync", "nullable": True},
                        "referenceParentCompany": {
                            "$ref": "#/components/schemas/Company/definitions/companyReference",
                            "nullable": True,
                        },
                    },
                },
                "companyReference": {
                    "type": "object",
                    "properties": {
                        "id": {"$ref": "#/components/parameters/connectionId/schema"},
                        "name": {"$ref": f"{details}/properties/name"},
                        "description": {"$ref": f"{details}/properties/description"},
                        "links": {"type": "object", "properties": {"portal": {"type": "string"}}},
                        "tags": tags_ref,
                    },
                },
            },
        },
        "Companies": {
            "allOf": [
                {
                    "type": "object",
                    "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/Company"}}},
                },
                {"$ref": "#/components/schemas/PagingInfo"},
            ]
        },
        "CompanyRequestBody": {
            "type": "object",
            "required": ["name"],
            "properties": {"name": name, "description": {"type": "string"}, "tags": tags_ref},
        },
        "CompanyUpdateRequest": {
            "type": "object",
            "properties": {
                "name": name,
                "description": {"$ref": "#/components/schemas/CompanyRequestBody/properties/description"},
                "tags": tags_ref,
            },
        },
        "CompanyAccessToken": {
            "type": "object",
            "allOf": [{"$ref": "#/components/schemas/CompanyAccessToken/definitions/accessToken"}],
            "definitions": {
                "accessToken": {
                    "type": "object",
                    "required": ["expiresIn", "accessToken", "tokenType"],
                    "properties": {
                        "accessToken": {"type": "string"},
                        "expiresIn": {"type": "integer"},
                        "tokenType": {"type": "string"},
                    },
                }
            },
        },
    }


def with_webhooks(upstream: dict[str, Any]) -> dict[str, Any]:
    """``upstream`` plus a webhooks section shaped like Codat's (bodies as refs into components)."""
    body = {"$ref": "#/components/schemas/ConnectionWebhook"}
    upstream["webhooks"] = {
        "connection.connected": {
            "post": {
                "description": "Upstream prose.",
                "requestBody": {"content": {"application/json": {"schema": body}}},
                "responses": {"200": {"description": "Upstream prose."}},
            }
        },
        "client.rateLimit.reached": {
            "post": {
                "requestBody": {
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClientRateLimitWebhook"}}}
                },
                "responses": {"200": {"description": "Upstream prose."}},
            }
        },
        "company.created": {"post": {"requestBody": {"content": {"application/json": {"schema": {}}}}}},
    }
    event_fields = {
        "id": {"type": "string", "format": "uuid"},
        "eventType": {"type": "string"},
        "generatedDate": {"$ref": "#/components/schemas/DateTime"},
    }
    upstream["components"]["schemas"].update(
        {
            "ConnectionWebhook": {
                "type": "object",
                "title": "Upstream prose.",
                "properties": {
                    **event_fields,
                    "payload": {"$ref": "#/components/schemas/ConnectionWebhook/definitions/connectionWebhookPayload"},
                },
                "definitions": {
                    "connectionWebhookPayload": {
                        "type": "object",
                        "properties": {
                            "referenceCompany": {"$ref": "#/components/schemas/Company/definitions/companyReference"},
                            "connection": {"$ref": "#/components/schemas/Connection"},
                        },
                    }
                },
            },
            "ClientRateLimitWebhook": {
                "type": "object",
                "properties": {
                    **event_fields,
                    "payload": {
                        "$ref": "#/components/schemas/ClientRateLimitWebhook/definitions/clientRateLimitWebhookPayload"
                    },
                },
                "definitions": {
                    "clientRateLimitWebhookPayload": {
                        "type": "object",
                        "properties": {"dailyQuota": {"type": "integer"}, "quotaRemaining": {"type": "integer"}},
                    }
                },
            },
        }
    )
    return upstream


def _render(upstream: dict[str, Any]) -> dict[str, Any]:
    text, _notes = vendor.render(yaml.safe_dump(upstream), OVERLAY)
    document: dict[str, Any] = yaml.safe_load(text)
    return document


def test_refs_into_definitions_are_hoisted_under_meaningful_names() -> None:
    doc = _render(synthetic_upstream())
    schemas = doc["components"]["schemas"]
    connection = schemas["Connection"]["properties"]
    assert connection["status"]["$ref"] == "#/components/schemas/ConnectionStatus"
    assert schemas["ConnectionStatus"]["enum"] == ["PendingAuth", "Linked"]
    assert connection["dataConnectionErrors"]["items"] == {"$ref": "#/components/schemas/DataConnectionError"}
    assert "definitions" not in schemas["Connection"]


def test_refs_into_parameter_schemas_and_paths_are_inlined_as_facts() -> None:
    doc = _render(synthetic_upstream())
    company = doc["components"]["parameters"]["companyId"]
    assert company["schema"] == {"type": "string", "pattern": vendor.UUID_PATTERN}
    assert doc["components"]["schemas"]["Connection"]["properties"]["id"]["pattern"] == vendor.UUID_PATTERN
    create_body = doc["paths"]["/companies/{companyId}/connections"]["post"]["requestBody"]
    ref = create_body["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/CreateConnectionRequest"
    key = doc["components"]["schemas"]["CreateConnectionRequest"]["properties"]["platformKey"]
    assert (key["pattern"], key["minLength"], key["maxLength"]) == ("[a-z]{4}", 4, 4)


def test_all_of_envelope_is_flattened() -> None:
    envelope = _render(synthetic_upstream())["components"]["schemas"]["Connections"]
    assert envelope["type"] == "object"
    assert list(envelope["properties"]) == ["results", "pageNumber", "pageSize"]
    assert envelope["required"] == ["pageNumber"]
    assert "maximum" not in envelope["properties"]["pageSize"], "the 2000 correction applies"


def test_nullable_next_to_ref_and_nullable_enums_survive() -> None:
    schemas = _render(synthetic_upstream())["components"]["schemas"]
    props = schemas["Connection"]["properties"]
    assert props["lastSync"]["type"] == ["string", "null"]
    assert props["dataConnectionErrors"]["type"] == ["array", "null"]
    status = schemas["DataConnectionError"]["properties"]["status"]
    assert status["anyOf"] == [{"$ref": "#/components/schemas/DataConnectionErrorStatus"}, {"type": "null"}]
    assert schemas["DataConnectionErrorStatus"]["enum"] == ["Active", "Resolved"]
    unnamed = schemas["DataConnectionError"]["properties"]["level"]
    assert unnamed["type"] == ["string", "null"]
    assert unnamed["enum"] == ["Low", "High", None]


def test_prose_comes_from_the_overlay_only() -> None:
    text, _ = vendor.render(yaml.safe_dump(synthetic_upstream()), OVERLAY)
    assert "Upstream prose" not in text
    doc = yaml.safe_load(text)
    assert doc["components"]["schemas"]["Connection"]["description"] == OVERLAY["schemas"]["Connection"]["description"]
    assert "additionalProperties" not in doc["components"]["schemas"]["Connection"], "response models stay open"
    validate(doc)


def test_output_is_deterministic_and_free_of_yaml_anchors() -> None:
    upstream_text = yaml.safe_dump(synthetic_upstream())
    first, _ = vendor.render(upstream_text, OVERLAY)
    second, _ = vendor.render(upstream_text, copy.deepcopy(OVERLAY))
    assert first == second
    assert "&id" not in first and "*id" not in first


def test_webhook_bodies_are_vendored_reusing_the_connection_schema() -> None:
    text, notes = vendor.render(yaml.safe_dump(with_webhooks(synthetic_upstream())), OVERLAY)
    assert "Upstream prose" not in text
    doc = yaml.safe_load(text)
    validate(doc)
    assert list(doc["webhooks"]) == ["connection.connected", "client.rateLimit.reached"], "only the events we decode"
    body = doc["webhooks"]["connection.connected"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ConnectionWebhook"}
    assert doc["webhooks"]["connection.connected"]["post"]["description"] == OVERLAY["webhooks"]["connection.connected"]
    schemas = doc["components"]["schemas"]
    payload = schemas["ConnectionWebhookPayload"]["properties"]
    assert payload["connection"]["$ref"] == "#/components/schemas/Connection"
    assert payload["referenceCompany"]["$ref"] == "#/components/schemas/CompanyReference"
    company = schemas["CompanyReference"]["properties"]
    assert company["links"]["$ref"] == "#/components/schemas/CompanyReferenceLinks"
    assert company["tags"]["$ref"] == "#/components/schemas/CompanyTags"
    assert company["description"]["type"] == ["string", "null"]
    assert company["id"]["pattern"] == vendor.UUID_PATTERN
    rate = schemas["ClientRateLimitWebhook"]["properties"]["payload"]
    assert rate["$ref"] == "#/components/schemas/ClientRateLimitWebhookPayload"
    assert "note: the upstream document has no webhook connection.deleted" in notes


def test_schemas_only_requests_carry_are_marked_request_only() -> None:
    upstream = with_webhooks(synthetic_upstream())
    schemas = _render(upstream)["components"]["schemas"]
    marked = {name for name, schema in schemas.items() if schema.get("x-request-only")}
    assert marked == {
        "CreateConnectionRequest",
        "ConnectionAuthorization",
        "CreateCompanyRequest",
        "UpdateCompanyRequest",
    }
    assert "x-request-only" not in schemas["CompanyTags"], "sent in company bodies, received in Company"
    # A schema that is both sent and received is a response model (None for absent fields).
    patch = upstream["paths"]["/companies/{companyId}/connections/{connectionId}"]["patch"]
    patch["requestBody"] = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Connection"}}}}
    assert "x-request-only" not in _render(upstream)["components"]["schemas"]["Connection"]


def test_a_document_without_webhooks_still_vendors() -> None:
    text, notes = vendor.render(yaml.safe_dump(synthetic_upstream()), OVERLAY)
    doc = yaml.safe_load(text)
    assert "webhooks" not in doc
    assert "ConnectionWebhook" not in doc["components"]["schemas"]
    assert not [note for note in notes if "webhook" in note], "an older document is not a problem"
    validate(doc)


def test_company_operations_and_models_are_vendored() -> None:
    doc = _render(synthetic_upstream())
    validate(doc)
    operations = {
        op["operationId"]: (path, method) for path, item in doc["paths"].items() for method, op in item.items()
    }
    assert {name: operations[name] for name in vendor.COMPANY_OPERATIONS} == {
        "list-companies": ("/companies", "get"),
        "create-company": ("/companies", "post"),
        "get-company": ("/companies/{companyId}", "get"),
        "update-company": ("/companies/{companyId}", "patch"),
        "replace-company": ("/companies/{companyId}", "put"),
        "delete-company": ("/companies/{companyId}", "delete"),
        "get-company-access-token": ("/companies/{companyId}/accessToken", "get"),
    }
    listing = doc["paths"]["/companies"]["get"]
    assert listing["parameters"][1] == {
        "name": "tags",
        "in": "query",
        "description": OVERLAY["parameters"]["tags"],
        "schema": {"type": "string"},
    }
    schemas = doc["components"]["schemas"]
    company = schemas["Company"]
    assert sorted(company["properties"]) == sorted(
        ["id", "name", "tags", "description", "created", "lastSync", "referenceParentCompany", "dataConnections"]
    ), "the details and the connections are one object"
    assert company["required"] == ["id", "name"]
    assert company["properties"]["dataConnections"]["items"] == {"$ref": "#/components/schemas/Connection"}
    assert company["properties"]["referenceParentCompany"]["anyOf"][0] == {
        "$ref": "#/components/schemas/CompanyReference"
    }
    assert company["properties"]["tags"]["$ref"] == "#/components/schemas/CompanyTags"
    tags = schemas["CompanyTags"]
    assert (tags["maxProperties"], tags["propertyNames"]) == (10, {"pattern": "^.{1,27}$"}), "tag rules are facts"
    envelope = schemas["Companies"]
    assert sorted(envelope["properties"]) == ["pageNumber", "pageSize", "results"]
    assert envelope["properties"]["results"]["items"] == {"$ref": "#/components/schemas/Company"}
    assert "maximum" not in envelope["properties"]["pageSize"], "the 2000 correction applies to both envelopes"
    replace = doc["paths"]["/companies/{companyId}"]["put"]
    assert replace["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CreateCompanyRequest"
    }, "replace takes create's body: the name required, the rest replaced as a whole"
    create, update = schemas["CreateCompanyRequest"], schemas["UpdateCompanyRequest"]
    assert create["required"] == ["name"] and "required" not in update
    assert create["properties"]["name"]["pattern"] == "^[A-Za-z0-9\\s\\-',&@.,?!\\s]+$"
    assert update["properties"]["description"] == {
        "description": OVERLAY["schemas"]["UpdateCompanyRequest"]["properties"]["description"],
        "type": "string",
    }
    token = schemas["CompanyAccessToken"]
    assert token["required"] == ["expiresIn", "accessToken", "tokenType"]
    assert "CompanyRequestBody" not in schemas and "CompanyUpdateRequest" not in schemas, "renamed by the overlay"


def test_date_time_fields_are_marked_from_the_document_without_a_format() -> None:
    schemas = _render(synthetic_upstream())["components"]["schemas"]
    assert schemas["Connection"]["x-datetime-properties"] == {"created": "created_at", "lastSync": "last_sync_at"}
    assert schemas["DataConnectionError"]["x-datetime-properties"] == {"erroredOnUtc": "errored_at"}
    assert schemas["Company"]["x-datetime-properties"] == {"created": "created_at", "lastSync": "last_sync_at"}, (
        "Company.lastSync refers to Connection.lastSync, which refers to DateTime: the chain is followed"
    )
    assert "x-datetime-properties" not in schemas["Companies"]
    for name in ("Connection", "Company"):
        for prop in ("created", "lastSync"):
            assert "format" not in schemas[name]["properties"][prop], "Codat's examples include dates alone"


@pytest.mark.parametrize(
    ("field", "name"),
    [
        ("created", "created_at"),
        ("lastSync", "last_sync_at"),
        ("erroredOnUtc", "errored_at"),
        ("resolvedOnUtc", "resolved_at"),
        ("generatedDate", "generated_at"),
        ("expiryDate", "expiry_at"),
        ("modifiedUtc", "modified_at"),
        ("date", "date_at"),
    ],
)
def test_datetime_property_names(field: str, name: str) -> None:
    assert vendor.datetime_property_name(field) == name


def test_a_datetime_property_name_that_clashes_with_a_field_is_refused() -> None:
    upstream = synthetic_upstream()
    upstream["components"]["schemas"]["Connection"]["properties"]["createdAt"] = {"type": "string"}
    with pytest.raises(
        vendor.VendorError, match="datetime property name.s. created_at at #/components/schemas/Connection"
    ):
        _render(upstream)


@pytest.mark.parametrize(
    "missing", ["unlink-connection", "update-connection-authorization", "list-companies", "get-company-access-token"]
)
def test_missing_operation_is_named(missing: str) -> None:
    upstream = synthetic_upstream()
    for item in upstream["paths"].values():
        for method in [m for m, op in item.items() if isinstance(op, dict) and op.get("operationId") == missing]:
            del item[method]
    with pytest.raises(vendor.VendorError, match=missing):
        vendor.render(yaml.safe_dump(upstream), OVERLAY)


def test_check_mode_reports_drift(tmp_path: Path) -> None:
    upstream = tmp_path / "up.yaml"
    upstream.write_text(yaml.safe_dump(synthetic_upstream()))
    out = tmp_path / "connections.yaml"
    assert vendor.main(["--upstream", str(upstream), "--output", str(out)]) == 0
    assert vendor.main(["--upstream", str(upstream), "--output", str(out), "--check"]) == 0
    out.write_text(out.read_text() + "# edited\n")
    assert vendor.main(["--upstream", str(upstream), "--output", str(out), "--check"]) == 1
    assert vendor.main(["--upstream", str(tmp_path / "absent.yaml"), "--output", str(out), "--skip-missing"]) == 0


def test_vendor_spec_prints_what_a_new_upstream_document_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upstream_path, out = tmp_path / "up.yaml", tmp_path / "connections.yaml"
    upstream = synthetic_upstream()
    upstream_path.write_text(yaml.safe_dump(upstream))
    assert vendor.main(["--upstream", str(upstream_path), "--output", str(out)]) == 0
    assert "(no previous document to compare with)" in capsys.readouterr().out

    connection = upstream["components"]["schemas"]["Connection"]
    connection["required"] = ["id"]  # status is no longer required
    connection["properties"]["integrationKey"] = {"type": "string"}  # a new field
    connection["properties"]["lastSync"] = {"type": "integer"}  # a new type
    del connection["properties"]["dataConnectionErrors"]
    connection["definitions"]["dataConnectionStatus"]["enum"] = ["PendingAuth", "Linked", "Deauthorized"]
    listing = upstream["paths"]["/companies/{companyId}/connections"]["get"]
    listing["parameters"].append({"name": "query", "in": "query", "schema": {"type": "string"}})
    upstream["components"]["schemas"]["ErrorMessage"]["required"] = ["error"]
    upstream_path.write_text(yaml.safe_dump(with_webhooks(upstream)))
    assert vendor.main(["--upstream", str(upstream_path), "--output", str(out)]) == 0
    printed = capsys.readouterr().out.splitlines()
    changes = [
        line.strip() for line in printed[printed.index(next(p for p in printed if p.startswith("changes"))) + 1 :]
    ]
    assert changes == [
        "+ webhook client.rateLimit.reached",
        "+ webhook connection.connected",
        "+ operation GET /companies/{companyId}/connections: query parameter query string",
        "- schema DataConnectionError",
        "- schema DataConnectionErrorStatus",
        "+ schema ClientRateLimitWebhook: object with 4 fields",
        "+ schema ClientRateLimitWebhookPayload: object with 2 fields",
        "+ schema ConnectionWebhook: object with 4 fields",
        "+ schema ConnectionWebhookPayload: object with 2 fields",
        "~ Company.lastSync: type string | null -> integer | null",  # it refers to Connection.lastSync
        "~ Company.lastSync: no longer a date-time",
        "- Connection.dataConnectionErrors",
        "+ Connection.integrationKey: string",
        "~ Connection.lastSync: type string | null -> integer",
        "~ Connection.lastSync: no longer a date-time",
        "~ Connection.status: no longer required",
        "+ ConnectionStatus: enum value Deauthorized",
        "~ ErrorMessage.error: now required",
    ]

    assert vendor.main(["--upstream", str(upstream_path), "--output", str(out)]) == 0
    assert "no change to operations, schemas, fields" in capsys.readouterr().out


def test_the_change_summary_covers_operations_parameters_responses_and_enums() -> None:
    def document(required: bool, statuses: list[str], reply: str, extra_op: bool) -> dict[str, Any]:
        parameter = {"name": "page", "in": "query", "required": required, "schema": {"type": "integer"}}
        paths: dict[str, Any] = {
            "/c": {
                "get": {
                    "parameters": [parameter],
                    "responses": {"200": {"content": {"application/json": {"schema": {"$ref": reply}}}}},
                }
            }
        }
        if extra_op:
            paths["/c"]["delete"] = {"responses": {"204": {"description": "x"}}}
        schemas = {"Status": {"type": "string", "enum": statuses}, "Tags": {"type": "object"}}
        return {"paths": paths, "components": {"schemas": schemas}}

    old = document(False, ["A", "B"], "#/components/schemas/Page", True)
    new = document(True, ["B", "C"], "#/components/schemas/PageV2", False)
    new["components"]["schemas"]["Tags"]["additionalProperties"] = {"type": "string"}
    assert spec_diff.summarize(old, new) == [
        "- operation DELETE /c",
        "~ operation GET /c: query parameter page now required",
        "~ operation GET /c: response 200 Page -> PageV2",
        "- Status: enum value A",
        "+ Status: enum value C",
        "~ Tags: additional properties None -> {'type': 'string'}",
    ]
    assert spec_diff.summarize(new, new) == []


def test_real_upstream_yields_the_committed_document_with_thirteen_operations() -> None:
    text, notes = vendor.render(upstream_document().read_text(encoding="utf-8"), OVERLAY)
    assert text == SPEC_PATH.read_text(encoding="utf-8")
    assert not [note for note in notes if "overlay.yaml has no description" in note], "every field has our words"
    doc = yaml.safe_load(text)
    operation_ids = {op["operationId"] for item in doc["paths"].values() for op in item.values()}
    assert operation_ids == set(vendor.OPERATIONS) and len(operation_ids) == 13
    stamps = {
        name: s["x-datetime-properties"]
        for name, s in doc["components"]["schemas"].items()
        if s.get("x-datetime-properties")
    }
    assert stamps == {
        "ClientRateLimitWebhook": {"generatedDate": "generated_at"},
        "ClientRateLimitWebhookPayload": {"expiryDate": "expiry_at"},
        "Company": {"created": "created_at", "lastSync": "last_sync_at"},
        "Connection": {"created": "created_at", "lastSync": "last_sync_at"},
        "ConnectionWebhook": {"generatedDate": "generated_at"},
        "DataConnectionError": {"erroredOnUtc": "errored_at", "resolvedOnUtc": "resolved_at"},
    }
    validate(doc)

"""The public API is deliberate: pinned export lists and a record that catches breaks.

A change to ``__all__`` must be made here too, on purpose (tests/docs/test_reference.py checks that every
export of every public module has a docstring). The griffe check (`make api-check`,
scripts/api_check.py) is shown to report a broken signature, a removed name and a changed type by name,
and to tell a compatible change from a breaking one.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import griffe
import pytest

import codat_connections
import codat_connections.ledger
import codat_connections.testing
import codat_connections.webhooks
from scripts import api_check
from tests.conftest import ROOT

ROOT_EXPORTS = [
    "APIConnectionError",
    "APIError",
    "APIResponse",
    "APIStatusError",
    "APITimeoutError",
    "AsyncCodatConnections",
    "AsyncPage",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "CodatConnections",
    "CodatError",
    "Company",
    "CompanyAccessToken",
    "CompanyConnections",
    "CompanyReference",
    "ConflictError",
    "Connection",
    "ConnectionStatus",
    "DEFAULT_BASE_URL",
    "DataConnectionError",
    "InternalServerError",
    "MultipleCompaniesError",
    "NOT_GIVEN",
    "NotFoundError",
    "NotGiven",
    "Page",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "Query",
    "RateLimitError",
    "RateLimitInfo",
    "SourceType",
    "UnexpectedResponseError",
    "UnprocessableEntityError",
    "__version__",
    "created_at",
    "field",
    "filter_by_status",
    "is_linked",
    "last_sync_at",
    "needs_attention",
    "needs_reauthorization",
    "parse_datetime",
]
TESTING_EXPORTS = [
    "CannotListen",
    "ConnectionNotFound",
    "FakeCodat",
    "FakeResponse",
    "Fault",
    "InvalidTransition",
    "Latency",
    "NotFound",
    "PLATFORMS",
    "Platform",
    "RateLimits",
    "RecordedRequest",
    "WEBHOOK_EVENT_TYPES",
    "WebhookDelivery",
    "WebhookEndpoint",
    "WebhookSettings",
    "is_testing",
    "set_testing",
]
WEBHOOKS_EXPORTS = [
    "ASGIApp",
    "CompanyReference",
    "ConnectionEvent",
    "ConnectionEventType",
    "DEFAULT_MAX_BODY",
    "DEFAULT_TOLERANCE_SECONDS",
    "RateLimitEvent",
    "RateLimitEventType",
    "UnknownEvent",
    "VerificationFailure",
    "WSGIApp",
    "WebhookEvent",
    "WebhookPayloadError",
    "WebhookVerificationError",
    "asgi_app",
    "parse_event",
    "unwrap",
    "verify",
    "wsgi_app",
]
LEDGER_EXPORTS = [
    "ConnectionState",
    "DEFAULT_LEASE",
    "Episode",
    "Ledger",
    "LedgerError",
    "LedgerUnavailableError",
    "MAX_CLAIM",
    "MAX_LEASE",
    "MIN_PRUNE_AGE",
    "Outcome",
    "SyncReport",
]


@pytest.mark.parametrize(
    ("module", "pinned"),
    [
        (codat_connections, ROOT_EXPORTS),
        (codat_connections.testing, TESTING_EXPORTS),
        (codat_connections.webhooks, WEBHOOKS_EXPORTS),
        (codat_connections.ledger, LEDGER_EXPORTS),
    ],
)
def test_exports_are_pinned(module: ModuleType, pinned: list[str]) -> None:
    assert pinned == sorted(pinned), "keep the pinned list sorted"
    assert sorted(module.__all__) == pinned, f"{module.__name__}.__all__ changed: update this list on purpose"
    assert len(set(module.__all__)) == len(module.__all__)


# -- the griffe check --------------------------------------------------------------------------------------
@pytest.fixture
def packages() -> dict[str, griffe.Module]:
    """Today's code as griffe sees it, loaded afresh so that a test may change it."""
    return api_check.load_current()


@pytest.fixture
def record_dir(tmp_path: Path) -> Path:
    """A copy of the committed record."""
    copy = tmp_path / "api"
    shutil.copytree(api_check.RECORD_DIR, copy)
    return copy


def findings_after_change(record_dir: Path, packages: dict[str, griffe.Module]) -> list[api_check.Finding]:
    records, locations = api_check.records_of(packages)
    return api_check.check(record_dir, records, locations)


def first_function_with_parameters(module: griffe.Module) -> griffe.Function:
    for name in sorted(codat_connections.__all__):
        obj = module[name].final_target if module[name].is_alias else module[name]
        if isinstance(obj, griffe.Function) and len(obj.parameters):
            return obj
    raise AssertionError("no exported function with parameters")


def test_check_names_a_removed_parameter(record_dir: Path, packages: dict[str, griffe.Module]) -> None:
    package = packages["codat_connections"]
    function = first_function_with_parameters(package)
    removed = function.parameters[-1].name
    del function.parameters[removed]
    init = package["CodatConnections"].final_target["__init__"]
    removed_option = init.parameters[-1].name
    del init.parameters[removed_option]

    texts = [finding.text for finding in findings_after_change(record_dir, packages) if finding.kind == "breaking"]

    assert any(f"codat_connections.{function.name}({removed}): Parameter was removed" in text for text in texts)
    assert any(
        f"codat_connections.CodatConnections.__init__({removed_option}): Parameter was removed" in text
        for text in texts
    )
    assert any(text.startswith(f"{init.relative_package_filepath}:{init.lineno}: ") for text in texts), texts


def test_check_names_a_changed_model_type_and_enum_value(record_dir: Path, packages: dict[str, griffe.Module]) -> None:
    models = packages["codat_connections_api"]["models"]
    connection = models["Connection"].final_target
    attribute = next(member for member in connection.members.values() if isinstance(member, griffe.Attribute))
    attribute.annotation = "bytes"
    status = models["ConnectionStatus"].final_target["LINKED"]
    status.value = "'linked'"

    texts = [finding.text for finding in findings_after_change(record_dir, packages) if finding.kind == "type"]

    assert any(f"codat_connections_api.models.Connection.{attribute.name}: annotation changed: " in t for t in texts)
    assert any(
        "codat_connections_api.models.ConnectionStatus.LINKED: value changed: 'Linked' -> 'linked'" in t for t in texts
    )


def test_a_new_optional_parameter_is_compatible_drift(record_dir: Path, packages: dict[str, griffe.Module]) -> None:
    function = first_function_with_parameters(packages["codat_connections"])
    function.parameters.add(
        griffe.Parameter("new_option", kind=griffe.ParameterKind.keyword_only, annotation="int", default="0")
    )

    findings = findings_after_change(record_dir, packages)

    assert [finding.kind for finding in findings] == ["drift"]
    assert '"name": "new_option"' in findings[0].text


@pytest.mark.slow  # runs the script in a subprocess
def test_check_fails_naming_a_removed_export_and_how_to_accept_it(record_dir: Path) -> None:
    """End to end: the script against a record that has one export today's code lacks."""
    record_path = record_dir / "codat_connections.json"
    record = json.loads(record_path.read_text())
    record["members"]["retired_helper"] = {
        "kind": "function",
        "name": "retired_helper",
        "parameters": [],
        "returns": None,
    }
    record["exports"].append("retired_helper")
    record_path.write_text(json.dumps(record))

    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "api_check.py"), "--record-dir", str(record_dir)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "codat_connections.retired_helper: Public object was removed" in result.stdout
    assert "make api-record" in result.stdout
    assert '"### Breaking"' in result.stdout
    assert "CHANGELOG.md" in result.stdout

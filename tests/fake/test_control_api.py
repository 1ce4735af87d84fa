"""The HTTP control API under ``/_fake/`` (issue 19 §1), driven over plain HTTP only: no Python control is called.

Each case runs in-process and over loopback (the ``http`` fixture); ``test_every_operation_fits_the_document``
drives every operation once and validates each request and answer against the OpenAPI document the
fake serves, and checks that the document and the routes name the same operations.
"""

from __future__ import annotations

import functools
import inspect
import json
from typing import Any, get_args

import httpx
import pytest
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_spec_validator import validate

from codat_connections.testing import FakeCodat
from codat_connections.testing._control import inbox as inbox_module
from codat_connections.testing._control.document import document
from codat_connections.testing._pipeline.faults import FaultKind
from codat_connections.testing._routes import CONTROL_ROUTES
from codat_connections.testing._webhooks.delivery import DEFAULT_RETRY_SCHEDULE
from tests.conftest import CODAT_BASE
from tests.fake.conftest import AUTH, assert_codat_error
from tests.fake.receiver import LoopbackReceiver

SECRET = "whsec_" + "c2VjcmV0LWZvci10ZXN0cy0xMjM0NTY3OA=="


def add_company(http: httpx.Client, **body: Any) -> str:
    response = http.post("/_fake/companies", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def connection(http: httpx.Client, company: str) -> dict[str, Any]:
    created = http.post(f"/companies/{company}/connections", json={"platformKey": "gbol"})
    assert created.status_code == 200, created.text
    result: dict[str, Any] = created.json()
    return result


def control(company: str, connection_id: str, action: str) -> str:
    return f"/_fake/companies/{company}/connections/{connection_id}/{action}"


def test_the_control_api_needs_the_key(http: httpx.Client) -> None:
    without = httpx.Client(transport=http._transport, base_url=http.base_url)
    assert "API key" in assert_codat_error(without.post("/_fake/reset"), 401)
    assert without.get("/_fake/openapi.json").status_code == 200, "the document is public"
    assert without.get("/_fake/openapi.json").json() == document(CONTROL_ROUTES), "and the same on every request"


def test_the_lifecycle_over_http(http: httpx.Client) -> None:
    company = add_company(http, name="Acme Ltd", tags={"uid": "c-1"})
    created = connection(http, company)
    assert created["status"] == "PendingAuth"
    linked = http.post(control(company, created["id"], "complete-link"))
    assert linked.json()["status"] == "Linked"
    assert "already Linked" in assert_codat_error(http.post(control(company, created["id"], "complete-link")), 409)
    gone = http.post(control(company, created["id"], "deauthorize"), json={"message": "Revoked in Xero"}).json()
    assert gone["status"] == "Deauthorized"
    assert gone["dataConnectionErrors"][-1]["errorMessage"] == "Revoked in Xero"
    failed = http.post(control(company, created["id"], "fail-link"), json={}).json()
    assert failed["dataConnectionErrors"][-1]["status"] == "Active"
    assert http.get(f"/_fake/companies/{company}/connections").json()["connections"] == [failed]
    assert_codat_error(http.post(control(company, "nope", "complete-link")), 404)
    assert "Unknown field" in assert_codat_error(
        http.post(control(company, created["id"], "deauthorize"), json={"mesage": "typo"}), 400
    )


def test_fleets_and_seeded_connections(http: httpx.Client) -> None:
    fleet = http.post("/_fake/fleet", json={"companies": 4, "connectionsEach": 5, "deauthorizedShare": 0.1}).json()
    assert len(fleet["companyIds"]) == 4
    statuses = [
        c["status"]
        for company in fleet["companyIds"]
        for c in http.get(f"/_fake/companies/{company}/connections").json()["connections"]
    ]
    assert (statuses.count("Deauthorized"), len(statuses)) == (2, 20)
    seeded = http.post(
        f"/_fake/companies/{fleet['companyIds'][0]}/connections", json={"count": 2, "status": "Unlinked"}
    )
    assert len(seeded.json()["connectionIds"]) == 2
    assert "status must be one of" in assert_codat_error(
        http.post("/_fake/fleet", json={"companies": 1, "connectionsEach": 1, "status": "Lost"}), 400
    )
    assert "Missing field" in assert_codat_error(http.post("/_fake/fleet", json={}), 400)
    refused = http.post("/_fake/companies", json={"name": "(ü)"})
    assert "has no character Codat keeps" in assert_codat_error(refused, 400)
    stored = add_company(http, name="Company (Codat[1])")
    assert http.get(f"/companies/{stored}").json()["name"] == "Company Codat1", "stored as Codat stores it"


def test_faults_limits_latency_and_the_request_log(http: httpx.Client) -> None:
    company = add_company(http)
    path = f"/companies/{company}/connections"
    fault = http.post("/_fake/faults", json={"kind": "status", "status": 503, "method": "GET", "retryAfter": "0"})
    assert fault.status_code == 201 and fault.json()["status"] == 503
    assert [http.get(path).status_code for _ in range(2)] == [503, 200]
    http.post("/_fake/faults", json={"kind": "rate_limit", "times": 2})
    http.delete("/_fake/faults")
    assert http.get(path).status_code == 200
    assert "kind must be one of" in assert_codat_error(http.post("/_fake/faults", json={"kind": "meteor"}), 400)
    assert http.put("/_fake/rate-limits", json={"requests": 2, "perSeconds": 3600}).status_code == 200
    assert [http.get(path).status_code for _ in range(3)] == [200, 200, 429]
    assert http.put("/_fake/latency", json={"seconds": 0.0}).json() == {"seconds": 0.0, "jitter": 0.0}
    assert "finite number" in assert_codat_error(http.put("/_fake/latency", json={"seconds": -1}), 400)
    log = http.get("/_fake/requests", params={"method": "GET", "path": path}).json()["requests"]
    assert [r["status"] for r in log] == [503, 200, 200, 200, 200, 429]
    assert http.get("/_fake/requests", params={"path": path}).json()["requests"] == log, "every one was a GET"
    assert all("authorization" not in r["headers"] for r in log)
    assert not any(r["path"].startswith("/_fake/") for r in http.get("/_fake/requests").json()["requests"])


FAULTS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "status": ({"status": 503}, {"status": 503, "retryAfter": None}),
    "rate_limit": ({}, {"status": 429, "retryAfter": "1"}),
    "delay": ({"seconds": 0.25}, {"seconds": 0.25}),
    "non_json": ({}, {"status": 502}),
    "drop": ({"afterProcessing": True}, {"afterProcessing": True}),
    "truncate": ({"times": 2, "method": "get"}, {"times": 2, "method": "get"}),
}


def test_each_fault_kind_goes_through_its_python_control(http: httpx.Client) -> None:
    assert set(FAULTS) == set(get_args(FaultKind)), "every kind is tried"
    for kind, (body, expected) in FAULTS.items():
        echoed = http.post("/_fake/faults", json={"kind": kind, **body})
        assert echoed.status_code == 201, echoed.text
        assert echoed.json().items() >= {"kind": kind, **expected}.items()
        http.delete("/_fake/faults")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "rate_limit", "status": 200}, "status"),
        ({"kind": "delay", "seconds": 3, "retryAfter": "1"}, "retryAfter"),
        ({"kind": "non_json", "retryAfter": "5"}, "retryAfter"),
        ({"kind": "drop", "seconds": 3}, "seconds"),
        ({"kind": "truncate", "afterProcessing": True}, "afterProcessing"),
    ],
)
def test_a_fault_field_its_kind_does_not_take_is_refused(http: httpx.Client, body: dict[str, Any], field: str) -> None:
    company = add_company(http)
    path = f"/companies/{company}/connections"
    message = assert_codat_error(http.post("/_fake/faults", json=body), 400)
    assert f"a {body['kind']} fault takes no {field} (its fields: kind, " in message, "named as the body names it"
    assert http.get(path).status_code == 200, "no fault was queued"


@pytest.mark.parametrize(
    ("body", "rule"),
    [
        ({"kind": "drop", "method": 5}, "method must be None or a string"),
        ({"kind": "truncate", "path": ["/companies"]}, "path must be None or a string"),
        ({"kind": "rate_limit", "retryAfter": 7}, "retry_after must be None or a string"),
        ({"kind": "rate_limit", "retryAfter": "1\r\nx-evil: 1"}, "retry_after must be None or a string"),
        ({"kind": "non_json", "status": "x"}, "status must be an HTTP status from 200 to 599"),
        ({"kind": "non_json", "status": 700}, "status must be an HTTP status from 200 to 599"),
        ({"kind": "status", "status": 200}, "status must be an HTTP status from 400 to 599"),
        ({"kind": "delay", "seconds": "<1e400>"}, "seconds must be a finite number"),  # a number too big for a float
        ({"kind": "delay", "seconds": True}, "seconds must be a finite number"),
        ({"kind": "drop", "afterProcessing": "yes"}, "after_processing must be true or false"),
        ({"kind": "truncate", "times": 0}, "times must be a whole number, at least 1"),
        ({"kind": "truncate", "times": 1.5}, "times must be a whole number, at least 1"),
    ],
)
def test_a_fault_field_of_the_wrong_type_is_refused_before_it_is_queued(
    http: httpx.Client, body: dict[str, Any], rule: str
) -> None:
    """Review: {kind: drop, method: 5} was queued, then every later request of the API was a 500."""
    company = add_company(http)
    path = f"/companies/{company}/connections"
    sent = json.dumps(body).replace('"<1e400>"', "1e400")
    assert rule in assert_codat_error(http.post("/_fake/faults", content=sent), 400)
    assert http.get(path).status_code == 200, "no fault was queued"


def test_a_fault_echoes_what_is_served(http: httpx.Client) -> None:
    company = add_company(http)
    path = f"/companies/{company}/connections"
    echoed = http.post("/_fake/faults", json={"kind": "rate_limit", "retryAfter": "7", "path": path}).json()
    served = http.get(path)
    assert (served.status_code, served.headers["retry-after"]) == (echoed["status"], echoed["retryAfter"])
    missing = assert_codat_error(http.post("/_fake/faults", json={"kind": "status"}), 400)
    assert "missing 1 required positional argument: 'status'" in missing, "a status fault needs its status"


def test_a_field_not_sent_is_left_to_the_python_control(
    http: httpx.Client, fake: FakeCodat, monkeypatch: pytest.MonkeyPatch
) -> None:
    passed: dict[str, set[str]] = {}

    def spy(name: str) -> None:
        control = getattr(fake, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            passed[name] = set(inspect.signature(control).bind(*args, **kwargs).arguments)
            return control(*args, **kwargs)

        monkeypatch.setattr(fake, name, call)

    for name in CONTROLS:
        spy(name)
    company = add_company(http)
    http.post("/_fake/fleet", json={"companies": 1})
    http.post(f"/_fake/companies/{company}/connections", json={"count": 1})
    pending, linked = connection(http, company)["id"], connection(http, company)["id"]
    http.post(control(company, pending, "fail-link"))
    http.post(control(company, linked, "complete-link"))
    http.post(control(company, linked, "deauthorize"))
    http.put("/_fake/rate-limits", json={})
    http.put("/_fake/latency", json={"seconds": 0})
    http.post("/_fake/webhooks/endpoints", json={"url": "http://127.0.0.1:9/hooks"})
    http.put("/_fake/webhooks/settings", json={})
    http.post("/_fake/webhooks/duplicate")
    http.post("/_fake/webhooks/flush")
    assert passed == CONTROLS, "only the fields sent are passed; the control's defaults apply to the rest"


CONTROLS = {
    "add_company": set(),
    "add_companies": {"n"},
    "seed_connections": {"company_id", "count"},
    "fail_link": {"company_id", "connection_id"},
    "complete_link": {"company_id", "connection_id"},
    "deauthorize": {"company_id", "connection_id"},
    "enforce_rate_limits": set(),
    "latency": {"seconds"},
    "add_webhook_endpoint": {"target"},
    "configure_webhooks": set(),
    "duplicate_webhooks": set(),
    "flush_webhooks": set(),
}


def test_limits_and_latency_echo_what_was_applied(
    http: httpx.Client, fake: FakeCodat, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Python defaults other than today's: the answer must follow them, not a copy in the handler.
    monkeypatch.setattr(fake, "enforce_rate_limits", functools.partial(fake.enforce_rate_limits, per_seconds=5))
    monkeypatch.setattr(fake, "latency", functools.partial(fake.latency, jitter=0.001))
    limits = http.put("/_fake/rate-limits", json={"requests": 7}).json()
    assert limits == {"requests": 7, "perSeconds": 5, "perCompanyConcurrency": 10, "dailyQuota": None}
    assert http.put("/_fake/latency", json={"seconds": 0}).json() == {"seconds": 0.0, "jitter": 0.001}


def test_the_request_log_shows_a_deeply_nested_body(http: httpx.Client) -> None:
    nested = "[" * 600 + "]" * 600
    http.post("/companies", content=nested, headers={"content-type": "application/json"})
    [seen] = http.get("/_fake/requests").json()["requests"]
    assert seen["body"] == json.loads(nested)


def test_webhook_endpoints_flush_and_deliveries(http: httpx.Client) -> None:
    receiver = LoopbackReceiver()
    with receiver.serve() as url:
        added = http.post("/_fake/webhooks/endpoints", json={"url": url, "secret": SECRET}).json()
        assert (added["url"], added["secret"], added["eventTypes"]) == (url, SECRET, None)
        assert http.get("/_fake/webhooks/endpoints").json()["endpoints"] == [added]
        company = add_company(http)
        created = connection(http, company)
        http.post(control(company, created["id"], "complete-link"))
        flushed = http.post("/_fake/webhooks/flush", json={"timeout": 5}).json()["deliveries"]
        assert [(d["eventType"], d["status"]) for d in flushed] == [
            ("connection.created", 200),
            ("connection.connected", 200),
        ]
        assert http.get("/_fake/webhooks/deliveries").json()["deliveries"] == flushed
        assert http.delete(f"/_fake/webhooks/endpoints/{added['id']}").status_code == 204
        assert_codat_error(http.delete(f"/_fake/webhooks/endpoints/{added['id']}"), 404)
    assert receiver.event_types == ["connection.created", "connection.connected"]
    assert "loopback" in assert_codat_error(
        http.post("/_fake/webhooks/endpoints", json={"url": "https://example.com/hook"}), 400
    )


def test_reset_returns_to_the_checkpoint(http: httpx.Client) -> None:
    kept = add_company(http, name="Kept Ltd")
    http.post("/_fake/checkpoint")
    added = add_company(http, name="Added Ltd")
    http.post("/_fake/faults", json={"kind": "drop"})
    http.put("/_fake/rate-limits", json={"requests": 1, "perSeconds": 3600})
    assert http.post("/_fake/reset").status_code == 204
    ids = [c["id"] for c in http.get("/companies").json()["results"]]
    assert ids == [kept] and added not in ids
    assert "x-rate-limit-limit" not in http.get("/companies").headers
    assert http.get("/_fake/requests").json()["requests"][0]["path"] == "/companies"


def test_unknown_controls_and_methods_are_codats_errors(http: httpx.Client) -> None:
    assert "openapi.json" in assert_codat_error(http.get("/_fake/nothing"), 404)
    response = http.put("/_fake/reset")
    assert_codat_error(response, 405)
    assert response.headers["allow"] == "POST"
    assert http.patch("/_fake/inbox").headers["allow"] == "DELETE, GET, POST", "every method the path takes"


def check(spec: OpenAPI, problems: list[str], request: httpx.Request, response: httpx.Response) -> None:
    media = request.headers.get("content-type", "application/json")
    mock_request = MockRequest(
        "http://fake",
        request.method.lower(),
        request.url.path,
        args=dict(request.url.params),
        headers=dict(request.headers),
        data=request.content or None,
        content_type=media.split(";")[0],
    )
    body = response.content if response.status_code != 303 else b""
    mock_response = MockResponse(
        body, response.status_code, dict(response.headers), content_type=response.headers.get("content-type")
    )
    label = f"{request.method} {request.url.path} -> {response.status_code}"
    problems += [f"request {label}: {e!r}" for e in spec.iter_request_errors(mock_request)]
    problems += [f"response {label}: {e!r}" for e in spec.iter_response_errors(mock_request, mock_response)]


def test_every_operation_fits_the_document(fake: FakeCodat) -> None:
    served = document(CONTROL_ROUTES)
    validate(served)  # a valid OpenAPI 3.1 document
    ids = [route.operation_id for route in CONTROL_ROUTES]
    assert len(set(ids)) == len(ids), "each route has its own handler, so its own operation id"
    assert all(route.summary for route in CONTROL_ROUTES), "each handler's docstring is its route's description"
    operations = {(method.upper(), path) for path, item in served["paths"].items() for method in item}
    assert operations == {(route.method, route.path) for route in CONTROL_ROUTES}, "the document describes every route"
    spec = OpenAPI.from_dict(json.loads(json.dumps(served)))
    problems: list[str] = []
    called: set[str] = set()
    receiver = LoopbackReceiver()
    with (
        fake.serve() as base_url,
        receiver.serve() as url,
        httpx.Client(base_url=base_url, headers=AUTH, timeout=5) as http,
    ):

        def go(op_id: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
            response = http.request(method, path, **kwargs)
            check(spec, problems, response.request, response)
            called.add(op_id)
            return response

        company = go("addCompany", "POST", "/_fake/companies", json={"name": "Acme Ltd"}).json()["id"]
        go("addFleet", "POST", "/_fake/fleet", json={"companies": 2, "connectionsEach": 1})
        [seeded] = go("seedConnections", "POST", f"/_fake/companies/{company}/connections", json={"count": 1}).json()[
            "connectionIds"
        ]
        go("listConnections", "GET", f"/_fake/companies/{company}/connections")
        created = connection(http, company)
        go("completeLink", "POST", control(company, created["id"], "complete-link"))
        go("deauthorize", "POST", control(company, created["id"], "deauthorize"), json={"message": "gone"})
        go("failLink", "POST", control(company, created["id"], "fail-link"), json={"message": "no"})
        go("getDocument", "GET", "/_fake/openapi.json")
        link = f"/_fake/link/companies/{company}/connections/{created['id']}/start"
        go("showLinkPage", "GET", link)
        go(
            "setLinkRedirect",
            "PUT",
            "/_fake/link-redirect",
            json={"template": "http://127.0.0.1/done?s={statusCode}"},
        )
        go("submitLinkPage", "POST", link, data={"choice": "authorize"})
        go("showCompanyLinkPage", "GET", f"/_fake/link/companies/{company}/start")
        go("submitCompanyLinkPage", "POST", f"/_fake/link/companies/{company}/start", data={"platform": "gbol"})
        go("receiveWebhook", "POST", "/_fake/inbox", json={"eventType": "x"})
        go("listInbox", "GET", "/_fake/inbox")
        go("clearInbox", "DELETE", "/_fake/inbox")
        go("addFault", "POST", "/_fake/faults", json={"kind": "delay", "seconds": 0.0, "path": seeded})
        go("clearFaults", "DELETE", "/_fake/faults")
        go("enforceRateLimits", "PUT", "/_fake/rate-limits", json={"requests": 100, "dailyQuota": None})
        go("setLatency", "PUT", "/_fake/latency", json={"seconds": 0, "jitter": 0})
        endpoint = go("addWebhookEndpoint", "POST", "/_fake/webhooks/endpoints", json={"url": url}).json()
        go("listWebhookEndpoints", "GET", "/_fake/webhooks/endpoints")
        go("configureWebhooks", "PUT", "/_fake/webhooks/settings", json={"timeout": 2, "retrySchedule": [0.001]})
        go("duplicateWebhooks", "POST", "/_fake/webhooks/duplicate", json={"times": 1})
        go("reorderWebhooks", "POST", "/_fake/webhooks/reorder")
        connection(http, company)
        go("flushWebhooks", "POST", "/_fake/webhooks/flush", json={})
        go("listWebhookDeliveries", "GET", "/_fake/webhooks/deliveries")
        go("removeWebhookEndpoint", "DELETE", f"/_fake/webhooks/endpoints/{endpoint['id']}")
        go("listRequests", "GET", "/_fake/requests", params={"method": "POST"})
        go("checkpoint", "POST", "/_fake/checkpoint")
        go("reset", "POST", "/_fake/reset")
        go("completeLink", "POST", control(company, "nope", "complete-link"))  # a 404 fits the error body too
    assert problems == []
    assert called == set(ids), "every route was driven"


@pytest.mark.parametrize("path", ["/_fake", "/_fake/"])
def test_the_prefix_itself_is_the_fakes(http: httpx.Client, path: str) -> None:
    assert_codat_error(http.get(path), 404)


def test_webhook_settings_echo_what_was_applied(http: httpx.Client) -> None:
    """A field left out takes the Python control's default, and the answer says so (not the body sent back)."""
    applied = http.put("/_fake/webhooks/settings", json={"timeout": 3, "retrySchedule": [0.5]}).json()
    assert applied == {"timeout": 3, "retrySchedule": [0.5]}
    assert http.put("/_fake/webhooks/settings", json={"timeout": 4}).json() == {
        "timeout": 4,
        "retrySchedule": list(DEFAULT_RETRY_SCHEDULE),
    }


# -- the keyless inbox is bounded in bytes (issue 23 §5) ----------------------------------------------------
def inbox_bodies(http: httpx.Client) -> list[str]:
    return [message["body"] for message in http.get("/_fake/inbox").json()["messages"]]


def test_the_inbox_keeps_the_newest_messages_within_its_bytes(
    http: httpx.Client, fake: FakeCodat, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Review: bounded to 1,000 messages only, so anyone on the machine could make it hold 1,000 times 8 MiB without a
    key. Here the bound is lowered to 4 KiB: each 1 KiB message pushes out the oldest once it would pass it."""
    monkeypatch.setattr(inbox_module, "INBOX_MAX_BYTES", 4096)
    in_process = str(http.base_url).startswith(CODAT_BASE)
    keyless = httpx.Client(transport=fake.transport() if in_process else None, base_url=http.base_url)  # no key
    bodies = [f"{n}:".ljust(1000, "x") for n in range(6)]
    for body in bodies:
        assert keyless.post("/_fake/inbox", content=body).status_code == 204
    kept = inbox_bodies(http)
    assert kept == bodies[-len(kept) :] and 2 <= len(kept) <= 3, "the newest, oldest first"
    too_big = keyless.post("/_fake/inbox", content="y" * 5000)
    assert "4096 bytes" in assert_codat_error(too_big, 413)
    assert inbox_bodies(http) == kept, "a message larger than the whole inbox pushes nothing out"


def test_the_inbox_bound_is_what_the_guide_says() -> None:
    assert (inbox_module.INBOX_SIZE, inbox_module.INBOX_MAX_BYTES) == (1000, 16 * 1024 * 1024)

"""One route table for Codat's API and the control API, and a control API that uses only the public controls
(issue 26 §1-2).

The behaviour behind each route is tested where its subject is (``test_rules.py``, ``test_control_api.py``,
...); here: the table's own promises, the router's 404/405, and that no control handler reads the fake's
private state.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from codat_connections.testing._control import api, handlers
from codat_connections.testing._control.api import ControlRoute
from codat_connections.testing._pipeline.responses import FakeResponse
from codat_connections.testing._pipeline.routing import Route, Router
from codat_connections.testing._routes import CODAT_ROUTES, CONTROL_ROUTES, ROUTES


def test_each_method_and_path_is_routed_once_and_the_prefix_splits_the_table() -> None:
    pairs = [(route.method, route.path) for route in ROUTES]
    assert len(set(pairs)) == len(pairs)
    for route in ROUTES:
        assert isinstance(route, ControlRoute) == route.path.startswith("/_fake/"), route
    assert set(CODAT_ROUTES) | set(CONTROL_ROUTES) == set(ROUTES)
    assert len(CODAT_ROUTES) == 13, "the thirteen operations of Codat's document the fake serves"


def test_the_router_reads_the_ids_and_answers_404_and_405() -> None:
    router = Router(CODAT_ROUTES)
    found = router.match("PATCH", "/companies/c-1/connections/k-2", "nothing")
    assert not isinstance(found, FakeResponse)
    route, params = found
    assert route.handler.__name__ == "unlink_connection" and params == {"companyId": "c-1", "connectionId": "k-2"}
    refused = router.match("POST", "/companies/c-1/connections/k-2", "nothing")
    assert isinstance(refused, FakeResponse)
    assert (refused.status, refused.headers["allow"]) == (405, "DELETE, GET, PATCH")
    missing = router.match("GET", "/companies/c-1/connections/k-2/extra", "No resource here")
    assert isinstance(missing, FakeResponse) and missing.status == 404 and b"No resource here" in missing.body


def test_a_route_is_one_row() -> None:
    def get_sync_settings(backend: object, call: object) -> FakeResponse:
        return FakeResponse(200)

    added = Route("GET", "/companies/{companyId}/syncSettings", get_sync_settings)
    router = Router([*CODAT_ROUTES, added])
    found = router.match("GET", "/companies/c-1/syncSettings", "nothing")
    assert not isinstance(found, FakeResponse) and found[0].handler is get_sync_settings
    refused = router.match("POST", "/companies/c-1/syncSettings", "nothing")
    assert isinstance(refused, FakeResponse) and refused.headers["allow"] == "GET"
    with pytest.raises(ValueError, match="two routes for GET /companies/{companyId}/syncSettings"):
        Router([*CODAT_ROUTES, added, added])


@pytest.mark.parametrize("module", [handlers, api], ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_the_control_api_reads_no_private_member(module: object) -> None:
    """Its handlers call the public controls only: no ``ctx.fake._lock``, ``._pipeline``, ``._webhooks`` (a class
    of the control API reads its own members, ``self._...``)."""
    source = Path(str(getattr(module, "__file__", ""))).read_text()
    private = [
        f"line {node.lineno}: {ast.unparse(node)}"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and not (isinstance(node.value, ast.Name) and node.value.id == "self")
    ]
    assert private == []

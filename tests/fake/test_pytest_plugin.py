"""The pytest plugin (issue 19 §4): off unless enabled; enabled by a ``pytest_plugins`` line, the ``codat_fake``
ini option or ``--codat-fake``; its fixtures give a fresh fake, clients wired to it, and a served fake, with
backoff skipped inside them (testing mode) and restored after.

Each case runs pytest in a fresh directory as a user's suite would, in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each case runs pytest in a subprocess

USER_TEST = """
import asyncio

import httpx

from codat_connections import ConnectionStatus


def test_the_fixtures(codat_fake, codat_client, codat_async_client, codat_fake_server):
    company = codat_fake.add_company("Acme Ltd")
    conn = codat_client.connections.create(company, "gbol")
    codat_fake.complete_link(company, conn.id)
    got = asyncio.run(codat_async_client.connections.get(company, conn.id))
    assert got.status is ConnectionStatus.LINKED
    auth = {"Authorization": "Basic " + __import__("base64").b64encode(codat_fake_server.api_key.encode()).decode()}
    page = httpx.get(f"{codat_fake_server.base_url}/companies/{company}/connections", headers=auth).json()
    assert page["results"][0]["linkUrl"].startswith(codat_fake_server.base_url + "/_fake/link/")
    assert codat_fake_server.fake is codat_fake


def test_each_test_gets_a_fresh_fake(codat_fake):
    assert repr(codat_fake) == "FakeCodat(companies=0, requests=0)"


def test_backoff_is_skipped_inside_the_client_fixtures(codat_fake, codat_client):
    from codat_connections.testing import is_testing

    assert is_testing()
    company = codat_fake.add_company("Acme Ltd")
    codat_fake.rate_limit(times=2, retry_after="30")  # 30 s each, were the waits made
    codat_client.connections.list(company)
    assert [r.status for r in codat_fake.requests] == [429, 429, 200]


def test_testing_mode_is_off_again_after_them():
    from codat_connections.testing import is_testing

    assert not is_testing()
"""


def run_suite(tmp_path: Path, *args: str, conftest: str = "", ini: str = "") -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_user.py").write_text(USER_TEST)
    (tmp_path / "conftest.py").write_text(conftest)
    (tmp_path / "pytest.ini").write_text("[pytest]\n" + ini)
    # a bound, not a measure: without testing mode the 429s of one test would wait 60 s
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "timeout=20", *args]
    return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)


def test_installed_but_off_the_fixtures_say_how_to_turn_them_on(tmp_path: Path) -> None:
    """A new user's trial: "fixture 'codat_fake' not found" gave no hint of the plugin being off."""
    result = run_suite(tmp_path)
    assert result.returncode == 1
    assert "the codat-connections pytest fixtures are off: turn them on with `codat_fake = true`" in result.stdout
    assert "--codat-fake" in result.stdout


@pytest.mark.parametrize(
    ("args", "conftest", "ini"),
    [
        ((), 'pytest_plugins = ["codat_connections.testing.pytest_plugin"]\n', ""),
        ((), "", "codat_fake = true\n"),
        (("--codat-fake",), "", ""),
        (("--codat-fake",), 'pytest_plugins = ["codat_connections.testing.pytest_plugin"]\n', "codat_fake = true\n"),
    ],
    ids=["pytest_plugins line", "ini option", "command line", "all three at once"],
)
def test_enabled_the_fixtures_work(tmp_path: Path, args: tuple[str, ...], conftest: str, ini: str) -> None:
    result = run_suite(tmp_path, *args, conftest=conftest, ini=ini)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


OWN_FIXTURES = """
import pytest


@pytest.fixture
def codat_fake():
    return "the project's own codat_fake"


@pytest.fixture
def codat_client(codat_fake):
    return "the project's own codat_client on " + codat_fake
"""

OWN_TEST = """
def test_the_projects_own_fixtures(codat_fake, codat_client):
    assert codat_fake == "the project's own codat_fake"
    assert codat_client == "the project's own codat_client on the project's own codat_fake"
"""


@pytest.mark.parametrize(
    "where",
    ["conftest.py", "a conftest.py below the root", "a pytest_plugins module", "a -p module"],
)
def test_off_it_never_shadows_a_projects_own_fixture_of_the_same_name(tmp_path: Path, where: str) -> None:
    """Issue 23 §4: while off, the fixtures' hints shadowed a project's own ``codat_fake`` from a ``-p`` module or
    one named in ``pytest_plugins`` (a plugin registered later wins)."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    tests = tmp_path / "tests" if where == "a conftest.py below the root" else tmp_path
    tests.mkdir(exist_ok=True)
    (tests / "test_own.py").write_text(OWN_TEST)
    args: list[str] = []
    if where in ("conftest.py", "a conftest.py below the root"):
        (tests / "conftest.py").write_text(OWN_FIXTURES)
    else:
        (tmp_path / "project_fixtures.py").write_text(OWN_FIXTURES)
        if where == "a pytest_plugins module":
            (tmp_path / "conftest.py").write_text('pytest_plugins = ["project_fixtures"]\n')
        else:
            args = ["-p", "project_fixtures"]
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_off_a_fixture_that_needs_one_of_its_names_says_how_to_turn_it_on(tmp_path: Path) -> None:
    """The hint reaches a project's fixture that asks for ``codat_fake`` as well as a test that does."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "conftest.py").write_text(
        "import pytest\n\n\n@pytest.fixture\ndef accounts(codat_fake):\n    return codat_fake\n"
    )
    (tmp_path / "test_own.py").write_text("def test_accounts(accounts):\n    pass\n")
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1
    assert "the codat-connections pytest fixtures are off: turn them on with `codat_fake = true`" in result.stdout

"""scripts/unasync.py: the sync client is derived from the async one, and a hand edit of the derived side fails."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from scripts import unasync


def test_the_substitutions_turn_async_source_into_its_sync_twin() -> None:
    source = textwrap.dedent(
        """
        from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Awaitable, Iterable
        from contextlib import aclosing

        from codat_connections._async.paging import async_records


        class AsyncThing:
            async def list(self, ids: Iterable[str] | AsyncIterable[str]) -> AsyncPage[Company]:
                return await self._call(async_records(lambda: self.first()))

            def sweep(self) -> AsyncGenerator[CompanyConnections, None]:
                return self._sweep()

            async def _sweep(self) -> AsyncIterator[int]:
                async with aclosing(self.pages()) as pages:
                    async for page in pages:
                        yield page

            def first(self) -> Awaitable[AsyncPage[Company]]: ...

            async def __aenter__(self) -> AsyncThing:
                await self._http.aclose()
        """
    )
    derived = unasync.substitute(source)
    assert "async" not in derived.replace("_sync", "")
    assert "await" not in derived
    assert "from collections.abc import Generator, Iterable, Iterator, Awaitable\n" in derived, "each name once"
    assert "from codat_connections._sync.paging import records" in derived
    assert "def list(self, ids: Iterable[str]) -> Page[Company]:" in derived
    assert "return self._call(records(lambda: self.first()))" in derived
    assert "-> Generator[CompanyConnections, None, None]:" in derived
    assert "with closing(self.pages()) as pages:" in derived and "for page in pages:" in derived
    assert "def first(self) -> Page[Company]: ..." in derived
    assert "def __enter__(self) -> Thing:" in derived and "self._http.close()" in derived


def test_the_committed_sync_side_is_what_the_async_side_gives() -> None:
    assert unasync.main(["--check"]) == 0


def test_a_hand_edit_of_the_derived_side_fails_the_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "_sync"
    shutil.copytree(unasync.TARGET, copy, ignore=shutil.ignore_patterns("__pycache__"))
    edited = copy / "connections.py"
    edited.write_text(edited.read_text().replace("One connection;", "One connection (edited by hand);"))
    monkeypatch.setattr(unasync, "TARGET", copy)
    assert unasync.main(["--check"]) == 1
    out = capsys.readouterr().out
    assert '-        """One connection (edited by hand);' in out
    assert "error: codat_connections/_sync/ differs from what its _async/ sources give: run `make unasync`" in out
    assert "never edit _sync/ by hand" in out


def test_a_substitution_that_changes_nothing_fails_the_script(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 26 §4: as httpcore's does, a stale rule (a name renamed away, a pattern with a typo) is an error,
    in ``make unasync`` and in its ``--check`` alike."""
    monkeypatch.setattr(unasync, "WORDS", (*unasync.WORDS, (r"\bAsyncNoSuchName\b", "NoSuchName")))
    for argv in (["--check"], []):
        with pytest.raises(SystemExit, match=r"changed nothing in codat_connections/_async/:\n  \\bAsyncNoSuchName\\b"):
            unasync.main(argv)
    assert "wrote" not in capsys.readouterr().out, "nothing is written when a rule is stale"


def test_every_substitution_is_used_today() -> None:
    used: set[str] = set()
    for source in sorted(unasync.SOURCE.glob("*.py")):
        unasync.substitute(source.read_text(), used)
    assert unasync.unused(used) == []


def test_a_name_whose_sync_twin_is_not_the_name_without_async_is_mapped_explicitly() -> None:
    """The sync fleet listing reads nothing ahead: AsyncReadAhead's twin is ReadOnDemand, not "ReadAhead"."""
    derived = unasync.substitute("ahead = await AsyncReadAhead.of(call)\nother = AsyncPage[Company]\n")
    assert derived == "ahead = ReadOnDemand.of(call)\nother = Page[Company]\n"

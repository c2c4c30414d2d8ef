"""Shared fixtures: the local test sites, sites files, and isolated databases.

PostgreSQL tests use a database created for this test session (dropped at the end)
on the server named by CRAWLER_TEST_POSTGRES_URL (default: the local server). Where
no server answers they skip with the reason, except on CI (CI=true), where they fail:
CI here has the server, so a skip there would hide a broken test.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from localsite import LocalSites, start_local_sites

POSTGRES_URL = os.environ.get("CRAWLER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
ON_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def local_sites() -> Iterator[LocalSites]:
    sites = start_local_sites()
    yield sites
    sites.stop()


@pytest.fixture
def sites_file(tmp_path: Path, local_sites: LocalSites) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(local_sites.sites_toml, encoding="utf-8")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'news.db'}"


def _admin_engine():  # type: ignore[no-untyped-def]
    from sqlalchemy import create_engine

    return create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a fresh PostgreSQL database for this session."""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    try:
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except (OperationalError, ImportError) as exc:
        message = f"PostgreSQL not reachable at {POSTGRES_URL}: {str(exc).splitlines()[0]}"
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)
    name = f"crawler_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    from crawler.db import engine as engine_module

    engine_module._upgraded.clear()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def fresh_postgres_database(server_url: str) -> str:
    """Empty every table of the session database (schema kept) and return its URL."""
    from sqlalchemy import text

    from crawler.db.engine import make_engine

    engine = make_engine(server_url)
    with engine.begin() as conn:
        tables = (
            conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'")
            )
            .scalars()
            .all()
        )
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()
    return server_url


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """The session database, emptied before each test."""
    return fresh_postgres_database(postgres_server)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'news.db'}"
    return str(request.getfixturevalue("postgres_url"))

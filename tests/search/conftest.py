"""Fixtures for the search tests: a SQLite file per test and, when the server answers,
a PostgreSQL database created for this test session (and dropped after it), so tests
never touch tables that other people's tests use."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from search_articles import store
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from crawler import Database

PG_URL = os.environ.get("CRAWLER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _server_url(url: str) -> str:
    return url.rsplit("/", 1)[0] + "/postgres"


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A fresh database on the test PostgreSQL server; skipped when nobody answers."""
    admin = create_engine(_server_url(PG_URL), isolation_level="AUTOCOMMIT")
    name = f"crawler_test_search_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {str(exc).splitlines()[0]}")
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _reset_pg(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    from crawler.db import engine as engine_module

    engine_module._upgraded.discard(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_db(request: pytest.FixtureRequest, tmp_path) -> Iterator[Database]:
    """An empty, migrated database on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'news.db'}"
    else:
        url = request.getfixturevalue("pg_server_url")
        _reset_pg(url)
    db = Database(url)
    yield db
    db.close()


@pytest.fixture
def db(empty_db: Database) -> Database:
    """A database holding the project's own sample articles (tests/search/articles.py)."""
    store(empty_db)
    return empty_db

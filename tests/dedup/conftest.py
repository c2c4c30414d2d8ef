"""Databases for the near-duplicate index tests: a SQLite file, and a PostgreSQL database
of our own on the test server (created for the session, dropped at the end)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import OperationalError

from crawler.db.engine import connect, make_engine
from crawler.db.models import ArticleRow

PG_URL = os.environ.get("CRAWLER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    admin = make_engine(make_url(PG_URL).set(database="postgres").render_as_string(hide_password=False))
    name = f"crawler_test_dedup_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL at {PG_URL} does not answer: {str(exc.orig).splitlines()[0]}")
    try:
        yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db')}/news.db"
        return
    url = request.getfixturevalue("postgres_url")
    engine = connect(url)
    with engine.begin() as conn:  # each test starts from empty tables
        conn.execute(text("TRUNCATE near_dup_bands, near_dup_signatures, near_dup_meta, articles CASCADE"))
    engine.dispose()
    yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = connect(db_url)
    yield eng
    eng.dispose()


def insert_article(conn: Connection, url: str, body: str, site: str = "site-a") -> int:
    now = datetime.now(UTC)
    row = {
        "canonical_url": url,
        "url": url,
        "site": site,
        "body": body,
        "authors": [],
        "tags": [],
        "read_also": [],
        "related": [],
        "fetched_at": now,
        "first_seen_at": now,
        "version": 1,
    }
    return int(
        conn.execute(insert(ArticleRow.__table__).returning(ArticleRow.__table__.c.id), row).scalar_one()
    )

"""Fixtures for the search tests, on top of tests/conftest.py (``db_url`` runs a test on
SQLite and on the session's own PostgreSQL database)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawler import Database
from search.search_articles import store


@pytest.fixture
def empty_db(db_url: str) -> Iterator[Database]:
    """An empty, migrated database on each backend."""
    db = Database(db_url)
    yield db
    db.close()


@pytest.fixture
def db(empty_db: Database) -> Database:
    """A database holding the project's own sample articles (tests/search/search_articles.py)."""
    store(empty_db)
    return empty_db

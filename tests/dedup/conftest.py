"""Helpers of the deduplication tests (databases come from tests/conftest.py: ``db_url``
runs each test on SQLite and on a PostgreSQL database of this test session)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert
from sqlalchemy.engine import Connection

from crawler.db.models import ArticleRow


def insert_article(conn: Connection, url: str, body: str, site: str = "site-a") -> int:
    """A bare article row (no deduplication), as a tool that rebuilds an index would find it."""
    now = datetime.now(UTC)
    values = {"canonical_url": url, "url": url, "site": site, "body": body, "authors": [], "tags": [],
              "read_also": [], "related": [], "fetched_at": now, "first_seen_at": now, "version": 1}  # fmt: skip
    return int(conn.execute(insert(ArticleRow).values(values)).inserted_primary_key[0])  # type: ignore[index]

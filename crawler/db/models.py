"""Database tables (SQLAlchemy 2 declarative). The schema itself is managed by Alembic:
every change here needs a migration in ``crawler/db/migrations/versions/``.

Types are chosen to behave the same on SQLite and PostgreSQL: timestamps are stored
in UTC (naive on SQLite, ``timestamptz`` on PostgreSQL) and come back timezone-aware;
lists and link lists are JSON.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only auto-increments an "INTEGER PRIMARY KEY"; BIGINT elsewhere.
BigId = BigInteger().with_variant(sqlite.INTEGER(), "sqlite")
Json = JSON().with_variant(postgresql.JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp stored in UTC on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):  # defensive: raw SQLite text
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class ArticleRow(Base):
    """One stored article per canonical URL (copies on other sites are rows too)."""

    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    url: Mapped[str] = mapped_column(Text)
    site: Mapped[str | None] = mapped_column(String(200), index=True)
    title: Mapped[str | None] = mapped_column(Text)
    lead: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(Json, default=list)
    published: Mapped[str | None] = mapped_column(String(40))  # ISO 8601 as the page gave it
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # same, in UTC
    modified: Mapped[str | None] = mapped_column(String(40))
    section: Mapped[str | None] = mapped_column(String(300))
    tags: Mapped[list[str]] = mapped_column(Json, default=list)
    source: Mapped[str | None] = mapped_column(String(500))
    read_also: Mapped[list[dict[str, str]]] = mapped_column(Json, default=list)
    related: Mapped[list[dict[str, str]]] = mapped_column(Json, default=list)
    image: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str | None] = mapped_column(String(12))
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    story_id: Mapped[str | None] = mapped_column(String(64), index=True)
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)  # last fetch
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # last body change
    version: Mapped[int] = mapped_column(Integer, default=1)


class ArticleVersion(Base):
    """A previous state of an article whose body changed on a later fetch."""

    __tablename__ = "article_versions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    article_id: Mapped[int] = mapped_column(BigId, ForeignKey("articles.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_article_versions_article", "article_id", "version", unique=True),)


class CrawlRun(Base):
    """One row per crawl run (``crawler crawl`` / ``crawler fetch``)."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    sites: Mapped[str] = mapped_column(Text)  # comma-separated site names
    command: Mapped[str] = mapped_column(String(40), default="crawl")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="running")  # running/finished/failed/interrupted
    finish_reason: Mapped[str | None] = mapped_column(String(100))
    requests: Mapped[int] = mapped_column(Integer, default=0)
    responses: Mapped[int] = mapped_column(Integer, default=0)
    responses_by_status: Mapped[dict[str, int]] = mapped_column(Json, default=dict)  # "2xx": n
    articles_new: Mapped[int] = mapped_column(Integer, default=0)
    articles_updated: Mapped[int] = mapped_column(Integer, default=0)
    articles_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    articles_unchanged: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[dict[str, int]] = mapped_column(Json, default=dict)  # reason -> count
    errors: Mapped[int] = mapped_column(Integer, default=0)
    first_error: Mapped[str | None] = mapped_column(Text)
    log_path: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str | None] = mapped_column(String(200))
    pid: Mapped[int | None] = mapped_column(Integer)
    stats: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    # --- cron-grade runs (migration 0004) ---
    exit_code: Mapped[int | None] = mapped_column(Integer)  # what `crawler crawl` exits with for this site
    mode: Mapped[str | None] = mapped_column(String(40))  # incremental / full / since <date>
    blocked: Mapped[int | None] = mapped_column(Integer)  # 403 and 429 responses
    skipped_known: Mapped[int | None] = mapped_column(Integer)  # article URLs not fetched: known and unchanged
    not_modified: Mapped[int | None] = mapped_column(Integer)  # 304 answers to conditional requests

    __table_args__ = (Index("ix_runs_sites_started", "sites", "started_at"),)


class UrlState(Base):
    """HTTP validators of feeds, sitemaps and listing pages, for conditional requests."""

    __tablename__ = "url_state"

    url: Mapped[str] = mapped_column(String(2048), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # --- incremental crawling (migration 0004) ---
    site: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str | None] = mapped_column(String(20))  # feed / sitemap / listing / article
    # For article URLs that are not article rows: not_article / gone / alias (of a stored article).
    outcome: Mapped[str | None] = mapped_column(String(40))


# --- near-duplicate index (crawler.dedup.neardup; SQL in crawler.db.neardup) --------------


class NearDupMeta(Base):
    """The parameters the near-duplicate index was built with (one row, id 1): an index
    built with other parameters cannot be queried and must be rebuilt."""

    __tablename__ = "near_dup_meta"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme: Mapped[str] = mapped_column(String(100))
    num_perm: Mapped[int] = mapped_column(Integer)
    bands: Mapped[int] = mapped_column(Integer)
    rows: Mapped[int] = mapped_column(Integer)


class NearDupSignature(Base):
    """The MinHash signature of one indexed article (uint32 little-endian minima) and its
    number of distinct shingles, used to pre-filter candidates before exact checks."""

    __tablename__ = "near_dup_signatures"

    article_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    size: Mapped[int] = mapped_column(Integer)
    signature: Mapped[bytes] = mapped_column(LargeBinary)


class NearDupBand(Base):
    """LSH keys of indexed articles: one row per band (and one for the body's opening
    words). A lookup is one indexed ``key IN (...)`` query, whatever the index size."""

    __tablename__ = "near_dup_bands"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    article_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("near_dup_signatures.article_id", ondelete="CASCADE"), primary_key=True
    )

    # On SQLite the primary key *is* the table (no rowid): half the space, one B-tree probe.
    __table_args__ = (Index("ix_near_dup_bands_article", "article_id"), {"sqlite_with_rowid": False})


class SearchIndex(Base):
    """Search side-table, one row per article, maintained by :mod:`crawler.search.index`.

    ``sort_key`` orders by date (``published_at``, else ``fetched_at``) and is unique:
    whole UTC seconds times 10**9 plus the article id. On SQLite it is also the rowid
    of the FTS5 table ``article_fts`` (created by migration 0005, not modelled here);
    on PostgreSQL the migration adds a ``tsv tsvector`` column with a GIN index. The
    ``*_f`` columns hold folded facet values between ``|`` marks, for filters; ``dup_of``,
    ``site`` and ``lang`` (lower-cased) repeat the article's, so searching reads this table only.
    """

    __tablename__ = "search_index"

    article_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    sort_key: Mapped[int] = mapped_column(BigInteger, unique=True)
    # Copies of articles columns the candidate query filters on, so it never reads
    # the (large) articles rows: the story (duplicate_of_id), site and language.
    dup_of: Mapped[int | None] = mapped_column(BigInteger)
    site: Mapped[str | None] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(12), default="")
    section_f: Mapped[str] = mapped_column(Text, default="")
    source_f: Mapped[str] = mapped_column(Text, default="")
    tags_f: Mapped[str] = mapped_column(Text, default="")
    authors_f: Mapped[str] = mapped_column(Text, default="")


class SearchQueue(Base):
    """Articles whose search entry must be (re)built; filled by database triggers on
    ``articles`` (insert, and update of indexed columns) and emptied by
    :func:`crawler.search.index.index_pending`."""

    __tablename__ = "search_queue"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    article_id: Mapped[int] = mapped_column(BigInteger)

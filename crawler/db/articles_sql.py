"""Set-based SQL of the store step (:mod:`crawler.db.store`): one query per batch for each
question, ``executemany`` for writes. Runs in the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.engine import Connection

from crawler.db.models import ArticleRow, ArticleVersion
from crawler.items import Article

if TYPE_CHECKING:
    from crawler.dedup.neardup import Fingerprint

__all__ = [
    "OriginalRow",
    "StoredRow",
    "canonical_urls",
    "copy_group",
    "insert_rows",
    "links_of",
    "originals_by_hash",
    "originals_with_hashes",
    "parse_iso",
    "row_values",
    "rows_by_canonical",
    "set_duplicate_of",
    "set_story_ids",
    "write_stored",
]

_articles = cast(Table, ArticleRow.__table__)
_versions = cast(Table, ArticleVersion.__table__)
_CHUNK = 500  # values per IN list

# Article fields copied to the row as they are (the rest are derived or keys).
_PLAIN_FIELDS = (
    "url", "site", "title", "lead", "body", "authors", "published", "modified", "section", "tags", "source",
    "read_also", "related", "image", "lang",
)  # fmt: skip


@dataclass(frozen=True)
class StoredRow:
    """A stored article met again under its canonical URL."""

    id: int
    canonical_url: str
    content_hash: str | None
    version: int
    title: str | None
    body: str | None
    duplicate_of_id: int | None
    story_id: str | None
    fetched_at: datetime


@dataclass(frozen=True)
class OriginalRow:
    """The first stored original with a given content hash, and what linking needs of it."""

    id: int
    canonical_url: str
    story_id: str | None


@dataclass(frozen=True)
class GroupRow:
    id: int
    site: str | None
    source: str | None
    duplicate_of_id: int | None


def parse_iso(value: str | None) -> datetime | None:
    """An ISO 8601 string as an aware UTC datetime (naive values are taken as UTC)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def fetched_time(article: Article) -> datetime:
    return parse_iso(article.fetched_at) or datetime.now(UTC)


def row_values(article: Article, *, canonical: str, content_hash: str | None, story_id: str | None) -> dict[str, Any]:
    """The column values of a new row for *article*."""
    values: dict[str, Any] = {name: getattr(article, name) for name in _PLAIN_FIELDS}
    for key in ("authors", "tags", "read_also", "related"):
        values[key] = values[key] or []
    fetched = fetched_time(article)
    values.update(
        canonical_url=canonical,
        content_hash=content_hash,
        story_id=story_id,
        duplicate_of_id=None,
        published_at=parse_iso(article.published),
        fetched_at=fetched,
        first_seen_at=fetched,
        version=1,
    )
    return values


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def rows_by_canonical(conn: Connection, urls: Iterable[str]) -> dict[str, StoredRow]:
    t = _articles
    query = select(
        t.c.id, t.c.canonical_url, t.c.content_hash, t.c.version, t.c.title, t.c.body, t.c.duplicate_of_id,
        t.c.story_id, t.c.fetched_at,
    ).where(t.c.canonical_url.in_(bindparam("urls", expanding=True)))  # fmt: skip
    out: dict[str, StoredRow] = {}
    for chunk in _chunks(urls):
        out.update((r.canonical_url, StoredRow(*r)) for r in conn.execute(query, {"urls": chunk}))
    return out


def originals_by_hash(conn: Connection, hashes: Iterable[str]) -> dict[str, OriginalRow]:
    """{content hash: the first stored original with it}."""
    out: dict[str, OriginalRow] = {}
    for content_hash, original in originals_with_hashes(conn, hashes):
        out.setdefault(content_hash, original)
    return out


def originals_with_hashes(conn: Connection, hashes: Iterable[str]) -> list[tuple[str, OriginalRow]]:
    """(content hash, original) of every stored original with one of *hashes*, in id order."""
    t = _articles
    # "duplicate_of_id IS NULL" is checked here, not in SQL: there, SQLite would pick the
    # duplicate_of_id index (nearly every row) over the content_hash one.
    query = (
        select(t.c.content_hash, t.c.duplicate_of_id, t.c.id, t.c.canonical_url, t.c.story_id)
        .where(t.c.content_hash.in_(bindparam("hashes", expanding=True)))
        .order_by(t.c.id)
    )
    return [
        (h, OriginalRow(*rest))
        for chunk in _chunks(hashes)
        for h, duplicate_of, *rest in conn.execute(query, {"hashes": chunk})
        if duplicate_of is None
    ]


def copy_group(conn: Connection, root: int) -> list[GroupRow]:
    """The stored original *root* and its copies, in id order."""
    t = _articles
    query = (
        select(t.c.id, t.c.site, t.c.source, t.c.duplicate_of_id)
        .where((t.c.id == root) | (t.c.duplicate_of_id == root))
        .order_by(t.c.id)
    )
    return [GroupRow(*r) for r in conn.execute(query)]


def insert_rows(conn: Connection, rows: Sequence[dict[str, Any]]) -> list[int]:
    """Insert *rows*; their ids, in order. One multi-row ``INSERT ... RETURNING`` per 1,000
    rows (SQLAlchemy's "insertmanyvalues"): psycopg's ``executemany`` would send a statement
    per row, and the ids would need a second query."""
    if not rows:
        return []
    query = insert(_articles).returning(_articles.c.id, sort_by_parameter_order=True)
    return [int(i) for (i,) in conn.execute(query, list(rows))]


def canonical_urls(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    t = _articles
    query = select(t.c.id, t.c.canonical_url).where(t.c.id.in_(bindparam("ids", expanding=True)))
    out: dict[int, str] = {}
    for chunk in _chunks(ids):
        out.update((int(i), u) for i, u in conn.execute(query, {"ids": chunk}))
    return out


def set_duplicate_of(conn: Connection, links: Mapping[int, tuple[int | None, int | None]]) -> None:
    """{id: (duplicate_of_id as read, new duplicate_of_id)}: a row changed by another writer
    since it was read keeps that writer's link (the store's commit-time check then sees it)."""
    if links:
        t = _articles
        stmt = (
            update(t)
            .where(t.c.id == bindparam("_id"), t.c.duplicate_of_id.is_not_distinct_from(bindparam("_old")))
            .values(duplicate_of_id=bindparam("_dup"))
        )
        conn.execute(stmt, [{"_id": i, "_old": old, "_dup": d} for i, (old, d) in links.items()])


def links_of(conn: Connection, ids: Iterable[int]) -> dict[int, tuple[int | None, str | None]]:
    """{id: (duplicate_of_id, story_id)} of the stored rows *ids*."""
    t = _articles
    query = select(t.c.id, t.c.duplicate_of_id, t.c.story_id).where(t.c.id.in_(bindparam("ids", expanding=True)))
    out: dict[int, tuple[int | None, str | None]] = {}
    for chunk in _chunks(sorted(ids)):
        out.update((int(i), (d, s)) for i, d, s in conn.execute(query, {"ids": chunk}))
    return out


def set_story_ids(conn: Connection, stories: Mapping[int, str]) -> None:
    """Give rows without a story id the one they joined."""
    if stories:
        t = _articles
        stmt = update(t).where(t.c.id == bindparam("_id"), t.c.story_id.is_(None)).values(story_id=bindparam("_s"))
        conn.execute(stmt, [{"_id": i, "_s": s} for i, s in stories.items()])


def write_stored(
    conn: Connection,
    articles: Sequence[Article],
    prints: Sequence[Fingerprint],
    existing: Mapping[str, StoredRow],
    results: Mapping[int, tuple[str, Any]],
) -> None:
    """Re-fetched articles: ``fetched_at`` of unchanged ones; for updated ones, the old body
    into ``article_versions`` (with the time it was last fetched) and the new values."""
    touched, versions, updates = [], [], []
    for pos, (status, ref) in results.items():
        if status not in ("unchanged", "updated") or not isinstance(ref, int):
            continue
        article = articles[pos]
        fetched = fetched_time(article)
        if status == "unchanged":
            touched.append({"_id": ref, "_fetched": fetched})
            continue
        row = existing[article.canonical_url or article.url]
        versions.append(
            {"article_id": ref, "version": row.version, "title": row.title, "body": row.body,
             "content_hash": row.content_hash, "fetched_at": row.fetched_at}
        )  # fmt: skip
        values = {name: getattr(article, name) for name in _PLAIN_FIELDS}
        for key in ("authors", "tags", "read_also", "related"):
            values[key] = values[key] or []
        values.update(
            content_hash=prints[pos].content_hash, published_at=parse_iso(article.published),
            fetched_at=fetched, updated_at=fetched, version=row.version + 1,
        )  # fmt: skip
        updates.append({"_id": ref, **{f"v_{k}": v for k, v in values.items()}})
    t = _articles
    if touched:
        conn.execute(update(t).where(t.c.id == bindparam("_id")).values(fetched_at=bindparam("_fetched")), touched)
    if versions:
        conn.execute(insert(_versions), versions)
    if updates:
        columns = [k[2:] for k in updates[0] if k != "_id"]
        stmt = update(t).where(t.c.id == bindparam("_id")).values({c: bindparam(f"v_{c}") for c in columns})
        conn.execute(stmt, updates)

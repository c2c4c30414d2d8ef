"""The only place that runs SQL. Every method is blocking: callers on the reactor thread
run them through ``scrapy.utils.asyncio.run_in_thread``.

Storing resolves, inside one transaction per batch, whether an article is new, a new
version of a stored one (body changed: the old body goes to ``article_versions``),
unchanged, or a copy of an article stored earlier (``duplicate_of``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from crawler.db.models import ArticleRow, ArticleVersion, CrawlRun
from crawler.items import Article

__all__ = ["Repository", "StoreOutcome", "parse_iso"]

# Article fields copied to the row as they are (the rest are derived or keys).
_PLAIN_FIELDS = (
    "url",
    "site",
    "title",
    "lead",
    "body",
    "authors",
    "published",
    "modified",
    "section",
    "tags",
    "source",
    "read_also",
    "related",
    "image",
    "lang",
    "content_hash",
    "story_id",
)


@dataclass(frozen=True)
class StoreOutcome:
    """What storing one article did: new / updated / unchanged / duplicate."""

    status: str
    article_id: int
    duplicate_of: str | None = None


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


def _now() -> datetime:
    return datetime.now(UTC)


class Repository:
    """Blocking data access over one SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # --- articles: writing ---------------------------------------------------------------

    def store_articles(self, articles: Sequence[Article]) -> list[StoreOutcome]:
        """Insert or update a batch of articles in one transaction; one outcome each."""
        outcomes: list[StoreOutcome] = []
        with self.engine.begin() as conn:
            for article in articles:
                outcomes.append(self._store_one(conn, article))
        return outcomes

    def _store_one(self, conn: Connection, article: Article) -> StoreOutcome:
        canonical = article.canonical_url or article.url
        existing = conn.execute(
            select(ArticleRow.id, ArticleRow.content_hash, ArticleRow.version, ArticleRow.title, ArticleRow.body).where(
                ArticleRow.canonical_url == canonical
            )
        ).first()
        fetched = parse_iso(article.fetched_at) or _now()
        if existing is not None:
            return self._update_existing(conn, existing, article, fetched)
        original = self._find_original(conn, article.content_hash)
        values = self._row_values(article)
        values.update(
            canonical_url=canonical,
            duplicate_of_id=original[0] if original else None,
            fetched_at=fetched,
            first_seen_at=fetched,
            version=1,
        )
        try:
            with conn.begin_nested():
                new_id = conn.execute(insert(ArticleRow).values(**values)).inserted_primary_key[0]  # type: ignore[index]
        except IntegrityError:
            # Another process stored the same canonical URL a moment ago: treat as an update.
            row = conn.execute(
                select(
                    ArticleRow.id, ArticleRow.content_hash, ArticleRow.version, ArticleRow.title, ArticleRow.body
                ).where(ArticleRow.canonical_url == canonical)
            ).one()
            return self._update_existing(conn, row, article, fetched)
        if original:
            return StoreOutcome("duplicate", new_id, original[1])
        return StoreOutcome("new", new_id)

    def _update_existing(self, conn: Connection, row: Any, article: Article, fetched: datetime) -> StoreOutcome:
        article_id, old_hash, version, old_title, old_body = row
        if old_hash == article.content_hash:
            conn.execute(update(ArticleRow).where(ArticleRow.id == article_id).values(fetched_at=fetched))
            return StoreOutcome("unchanged", article_id)
        conn.execute(
            insert(ArticleVersion).values(
                article_id=article_id,
                version=version,
                title=old_title,
                body=old_body,
                content_hash=old_hash,
                fetched_at=fetched,
            )
        )
        values = self._row_values(article)
        values.update(fetched_at=fetched, updated_at=fetched, version=version + 1)
        conn.execute(update(ArticleRow).where(ArticleRow.id == article_id).values(**values))
        return StoreOutcome("updated", article_id)

    @staticmethod
    def _find_original(conn: Connection, content_hash: str | None) -> tuple[int, str] | None:
        if not content_hash:
            return None
        row = conn.execute(
            select(ArticleRow.id, ArticleRow.canonical_url)
            .where(ArticleRow.content_hash == content_hash, ArticleRow.duplicate_of_id.is_(None))
            .order_by(ArticleRow.id)
            .limit(1)
        ).first()
        return (row[0], row[1]) if row else None

    @staticmethod
    def _row_values(article: Article) -> dict[str, Any]:
        values = {name: getattr(article, name) for name in _PLAIN_FIELDS}
        values["published_at"] = parse_iso(article.published)
        for key in ("authors", "tags", "read_also", "related"):
            values[key] = values[key] or []
        return values

    # --- articles: reading ---------------------------------------------------------------

    def known_urls(self, canonical_urls: Iterable[str]) -> set[str]:
        """The subset of *canonical_urls* already stored."""
        urls = list(dict.fromkeys(canonical_urls))
        found: set[str] = set()
        with self.engine.connect() as conn:
            for start in range(0, len(urls), 500):
                chunk = urls[start : start + 500]
                found.update(
                    conn.execute(select(ArticleRow.canonical_url).where(ArticleRow.canonical_url.in_(chunk))).scalars()
                )
        return found

    def find_duplicate_of(self, content_hash: str | None, canonical_url: str) -> str | None:
        """Read-only: the canonical URL this body would be a copy of (for dry runs)."""
        with self.engine.connect() as conn:
            original = self._find_original(conn, content_hash)
        return original[1] if original and original[1] != canonical_url else None

    def _article_select(self) -> Select[ArticleRow, str]:  # rows of (ArticleRow, duplicate_url)
        original = aliased(ArticleRow)
        return select(ArticleRow, original.canonical_url.label("duplicate_url")).outerjoin(
            original, ArticleRow.duplicate_of_id == original.id
        )

    def get_article(self, key: str | int) -> Article | None:
        """One article by id, URL or canonical URL."""
        stmt = self._article_select()
        if isinstance(key, int) or str(key).isdigit():
            stmt = stmt.where(ArticleRow.id == int(key))
        else:
            stmt = stmt.where(or_(ArticleRow.canonical_url == key, ArticleRow.url == key))
        with Session(self.engine) as session:
            row = session.execute(stmt.limit(1)).first()
            return self.row_to_article(row[0], row[1]) if row else None

    def query_articles(
        self,
        text: str | None = None,
        *,
        site: Sequence[str] = (),
        since: datetime | None = None,
        until: datetime | None = None,
        tag: str | None = None,
        limit: int = 20,
        offset: int = 0,
        include_duplicates: bool = False,
    ) -> list[tuple[Article, int]]:
        """Plain substring search over title and body; newest first. Returns (article, copies)."""
        copies = aliased(ArticleRow)
        copy_count = select(func.count(copies.id)).where(copies.duplicate_of_id == ArticleRow.id).scalar_subquery()
        stmt = self._article_select().add_columns(copy_count.label("copies"))
        conditions = []
        if text:
            pattern = f"%{text}%"
            conditions.append(or_(ArticleRow.title.like(pattern), ArticleRow.body.like(pattern)))
        if site:
            conditions.append(ArticleRow.site.in_(list(site)))
        when = func.coalesce(ArticleRow.published_at, ArticleRow.fetched_at)
        if since:
            conditions.append(when >= since)
        if until:
            conditions.append(when < until)
        if not include_duplicates:
            conditions.append(ArticleRow.duplicate_of_id.is_(None))
        if conditions:
            stmt = stmt.where(and_(*conditions))
        stmt = stmt.order_by(when.desc(), ArticleRow.id.desc())
        with Session(self.engine) as session:
            rows = session.execute(stmt if tag else stmt.limit(limit).offset(offset)).all()
            results = [(self.row_to_article(r[0], r[1]), int(r[2] or 0)) for r in rows]
        if tag:  # JSON list membership differs per backend: filtered here (first cut)
            results = [r for r in results if tag in r[0].tags][offset : offset + limit]
        return results

    def iter_articles(self, batch: int = 500) -> Iterator[Article]:
        """Every stored article, streamed in id order."""
        with Session(self.engine) as session:
            result = session.execute(self._article_select().order_by(ArticleRow.id).execution_options(yield_per=batch))
            for row in result:
                yield self.row_to_article(row[0], row[1])

    def count_articles(self, *, include_duplicates: bool = True) -> int:
        stmt = select(func.count(ArticleRow.id))
        if not include_duplicates:
            stmt = stmt.where(ArticleRow.duplicate_of_id.is_(None))
        with self.engine.connect() as conn:
            return int(conn.execute(stmt).scalar_one())

    def versions(self, article_id: int) -> list[dict[str, Any]]:
        with Session(self.engine) as session:
            rows = session.execute(
                select(ArticleVersion).where(ArticleVersion.article_id == article_id).order_by(ArticleVersion.version)
            ).scalars()
            return [
                {
                    "version": v.version,
                    "title": v.title,
                    "content_hash": v.content_hash,
                    "fetched_at": v.fetched_at.isoformat(),
                }
                for v in rows
            ]

    @staticmethod
    def row_to_article(row: ArticleRow, duplicate_url: str | None) -> Article:
        return Article(
            url=row.url,
            canonical_url=row.canonical_url,
            site=row.site,
            title=row.title,
            lead=row.lead,
            body=row.body,
            authors=list(row.authors or []),
            published=row.published,
            modified=row.modified,
            section=row.section,
            tags=list(row.tags or []),
            source=row.source,
            read_also=list(row.read_also or []),
            related=list(row.related or []),
            image=row.image,
            lang=row.lang,
            content_hash=row.content_hash,
            duplicate_of=duplicate_url,
            story_id=row.story_id,
            fetched_at=row.fetched_at.isoformat() if row.fetched_at else None,
        )

    # --- runs --------------------------------------------------------------------------

    def start_run(self, *, sites: str, command: str, host: str, pid: int, log_path: str | None) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(CrawlRun).values(
                    sites=sites,
                    command=command,
                    started_at=_now(),
                    status="running",
                    host=host,
                    pid=pid,
                    log_path=log_path,
                    requests=0,
                    responses=0,
                    responses_by_status={},
                    articles_new=0,
                    articles_updated=0,
                    articles_duplicate=0,
                    articles_unchanged=0,
                    dropped={},
                    errors=0,
                    stats={},
                )
            )
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def finish_run(self, run_id: int, **values: Any) -> None:
        values.setdefault("finished_at", _now())
        with self.engine.begin() as conn:
            conn.execute(update(CrawlRun).where(CrawlRun.id == run_id).values(**values))

    def list_runs(self, *, site: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        stmt = select(CrawlRun).order_by(CrawlRun.id.desc()).limit(limit)
        if site:
            stmt = stmt.where(or_(CrawlRun.sites == site, CrawlRun.sites.like(f"%{site}%")))
        with Session(self.engine) as session:
            return [_run_dict(r) for r in session.execute(stmt).scalars()]


def _run_dict(run: CrawlRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "sites": run.sites,
        "command": run.command,
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "status": run.status,
        "finish_reason": run.finish_reason,
        "requests": run.requests,
        "responses": run.responses,
        "responses_by_status": run.responses_by_status or {},
        "articles_new": run.articles_new,
        "articles_updated": run.articles_updated,
        "articles_duplicate": run.articles_duplicate,
        "articles_unchanged": run.articles_unchanged,
        "dropped": run.dropped or {},
        "errors": run.errors,
        "first_error": run.first_error,
        "log_path": run.log_path,
        "host": run.host,
        "pid": run.pid,
    }

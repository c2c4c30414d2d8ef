"""The only place that runs SQL. Every method is blocking: callers on the reactor thread
run them through ``scrapy.utils.asyncio.run_in_thread``.

Storing resolves, inside one transaction per batch, whether an article is new, a new
version of a stored one (body changed: the old body goes to ``article_versions``),
unchanged, a copy of an article stored earlier (``duplicate_of``, exact or near), or
the same story as others (``story_id``): see :mod:`crawler.db.store`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, func, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, aliased

from crawler.db import neardup as neardup_sql
from crawler.db.articles_sql import originals_by_hash, parse_iso
from crawler.db.models import ArticleRow, ArticleVersion, CrawlRun
from crawler.db.store import StoreConflict, StoreOutcome, store_batch
from crawler.dedup.config import Dedup
from crawler.dedup.neardup import Fingerprint
from crawler.items import Article

__all__ = ["Dedup", "Repository", "StoreOutcome", "parse_iso"]

logger = logging.getLogger(__name__)

# Optimistic attempts of a batch on PostgreSQL before one that takes the index lock first.
_OPTIMISTIC_ATTEMPTS = 2


def _is_deadlock(exc: OperationalError) -> bool:
    """PostgreSQL broke a deadlock by failing this transaction (SQLSTATE 40P01): it may be retried.
    (A batch holding row locks may wait for the index lock while its holder waits for one of them.)"""
    return getattr(exc.orig, "sqlstate", None) == "40P01"


def _now() -> datetime:
    return datetime.now(UTC)


class Repository:
    """Blocking data access over one SQLAlchemy engine."""

    def __init__(self, engine: Engine, dedup: Dedup | None = None) -> None:
        self.engine = engine
        self.dedup = dedup or Dedup()
        self.retries = 0  # batches stored again (a conflicting writer); see store_articles

    # --- articles: writing ---------------------------------------------------------------

    def fingerprints(self, articles: Sequence[Article]) -> list[Fingerprint]:
        """The deduplication fingerprints of *articles* (pure CPU; see :meth:`store_articles`)."""
        return self.dedup.fingerprints([a.body for a in articles])

    def store_articles(
        self, articles: Sequence[Article], fingerprints: Sequence[Fingerprint] | None = None
    ) -> list[StoreOutcome]:
        """Store a batch in one transaction; one outcome each (see :mod:`crawler.db.store`).

        *fingerprints* (:meth:`fingerprints`, one per article) may be computed beforehand,
        e.g. in a worker process; they are computed here otherwise. A batch that meets a
        canonical URL another writer inserted meanwhile is retried once.
        """
        if not articles:
            return []
        prints = list(fingerprints) if fingerprints is not None else self.fingerprints(articles)
        if len(prints) != len(articles):
            raise ValueError(f"{len(articles)} articles but {len(prints)} fingerprints")
        # PostgreSQL: resolve without the index lock, take it only to verify before commit
        # (several crawl processes store in parallel); the last attempt takes it first.
        # SQLite serialises writers anyway: lock first.
        optimistic = self.engine.dialect.name == "postgresql"
        attempts = _OPTIMISTIC_ATTEMPTS + 1 if optimistic else 2
        for attempt in range(1, attempts + 1):
            lock_first = not optimistic or attempt == attempts
            try:
                with self.engine.begin() as conn:
                    return store_batch(conn, articles, prints, self.dedup, lock_first=lock_first)
            except (IntegrityError, StoreConflict) as exc:
                # A canonical URL, version or near-duplicate another writer committed meanwhile.
                self.retries += 1
                if attempt == attempts:
                    raise
                logger.debug("storing a batch of %d again: %s", len(articles), exc)
            except OperationalError as exc:
                if not optimistic or attempt == attempts or not _is_deadlock(exc):
                    raise
                self.retries += 1
                logger.debug("storing a batch of %d again after a deadlock", len(articles))
        raise AssertionError("unreachable")

    def rebuild_index(self, batch: int = 500) -> int:
        """Rebuild the near-duplicate index from the stored originals (after an upgrade that
        changed the index scheme); returns how many articles were indexed. Copies stay
        linked as they are. Run it while no crawl is storing."""
        index = self.dedup.index
        with self.engine.begin() as conn:
            neardup_sql.lock_index(conn)
            neardup_sql.clear_index(conn)
            index.checked.clear()
            index.check_params(conn)
        done, last = 0, 0
        while True:
            with self.engine.begin() as conn:
                rows = conn.execute(
                    select(ArticleRow.id, ArticleRow.body)
                    .where(ArticleRow.id > last, ArticleRow.duplicate_of_id.is_(None))
                    .order_by(ArticleRow.id)
                    .limit(batch)
                ).all()
                if not rows:
                    break
                prints = index.fingerprints([body for _, body in rows])
                index.add_stored(conn, [(row.id, fp) for row, fp in zip(rows, prints, strict=True)])
            done += len(rows)
            last = rows[-1].id
        neardup_sql.analyze_index(self.engine)
        return done

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
        if not content_hash:
            return None
        with self.engine.connect() as conn:
            original = originals_by_hash(conn, [content_hash]).get(content_hash)
        return original.canonical_url if original and original.canonical_url != canonical_url else None

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

    def start_run(
        self, *, sites: str, command: str, host: str, pid: int, log_path: str | None, mode: str | None = None
    ) -> int:
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(CrawlRun).values(
                    sites=sites,
                    command=command,
                    mode=mode,
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

    def run_stats(self, run_id: int) -> dict[str, Any]:
        """The full crawl stats saved with run *run_id* ({} when unknown)."""
        with self.engine.connect() as conn:
            stats = conn.execute(select(CrawlRun.stats).where(CrawlRun.id == run_id)).scalar_one_or_none()
        return dict(stats or {})

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
        "exit_code": run.exit_code,
        "mode": run.mode,
        "blocked": run.blocked,
        "skipped_known": run.skipped_known,
        "not_modified": run.not_modified,
    }

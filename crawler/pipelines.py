"""Item pipelines: Clean -> Dedup -> Store. Each drops with a reason and counts it.

Stats keys: ``crawler/dropped/<reason>`` for drops, ``crawler/articles/<outcome>`` for
what the store did (new, updated, unchanged, duplicate).
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem, NotConfigured
from scrapy.utils.asyncio import run_in_thread

from crawler.db.engine import connect
from crawler.db.repository import Repository, StoreOutcome
from crawler.dedup.hashing import content_hash
from crawler.items import Article
from crawler.text.arabic import display

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

__all__ = ["CleanPipeline", "DedupPipeline", "StorePipeline", "drop"]


def drop(stats: StatsCollector, reason: str, article: Article) -> DropItem:
    """Count *reason* and return the DropItem to raise."""
    stats.inc_value(f"crawler/dropped/{reason}")
    return DropItem(f"{reason}: {article.url}")


class CleanPipeline:
    """Tidy text fields to their display form; drop pages that are not articles."""

    def __init__(self, crawler: Crawler, min_body_chars: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.min_body_chars = min_body_chars

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler, crawler.settings.getint("CRAWLER_MIN_BODY_CHARS"))

    def process_item(self, item: Article) -> Article:
        item = replace(
            item,
            title=display(item.title or "") or None,
            lead=display(item.lead or "") or None,
            body=display(item.body or "") or None,
            authors=[a for a in (display(x) for x in item.authors) if a],
            tags=list(dict.fromkeys(t for t in (display(x) for x in item.tags) if t)),
            source=display(item.source or "") or None,
            section=display(item.section or "") or None,
        )
        if not item.body:
            raise drop(self.stats, "empty_body", item)
        if len(item.body) < self.min_body_chars:
            raise drop(self.stats, "short_body", item)
        if not item.title:
            raise drop(self.stats, "no_title", item)
        languages = getattr(self.crawler.spider, "languages", ())
        if languages and item.lang not in languages:
            raise drop(self.stats, "unwanted_language", item)
        return item


class DedupPipeline:
    """Content hash of the folded body; drop a URL seen twice in one run.

    Copies of stored articles are *not* dropped: the store keeps them as records
    pointing at the first copy (``duplicate_of``).
    """

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats
        self.seen_urls: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Article) -> Article:
        canonical = item.canonical_url or item.url
        if canonical in self.seen_urls:
            raise drop(self.stats, "duplicate_url_in_run", item)
        self.seen_urls.add(canonical)
        return replace(item, canonical_url=canonical, content_hash=content_hash(item.body))


class StorePipeline:
    """Batched writes off the reactor thread; fills ``duplicate_of`` from what is stored.

    With ``CRAWLER_DRY_RUN`` nothing is written: duplicates are looked up read-only.
    """

    def __init__(
        self, stats: StatsCollector, database_url: str, batch_size: int, flush_seconds: float, dry_run: bool
    ) -> None:
        self.stats = stats
        self.database_url = database_url
        self.batch_size = max(1, batch_size)
        self.flush_seconds = flush_seconds
        self.dry_run = dry_run
        self.repo: Repository | None = None
        self.pending: list[Article] = []
        self.pending_since = 0.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        url = crawler.settings.get("CRAWLER_DATABASE_URL")
        if not url:
            raise NotConfigured("CRAWLER_DATABASE_URL is not set")
        return cls(
            crawler.stats,
            url,
            crawler.settings.getint("CRAWLER_STORE_BATCH_SIZE"),
            crawler.settings.getfloat("CRAWLER_STORE_FLUSH_SECONDS"),
            crawler.settings.getbool("CRAWLER_DRY_RUN"),
        )

    async def open_spider(self) -> None:
        engine = await run_in_thread(connect, self.database_url)
        self.repo = Repository(engine)

    async def close_spider(self) -> None:
        await self._flush()
        if self.repo is not None:
            self.repo.engine.dispose()

    async def process_item(self, item: Article) -> Article:
        item.fetched_at = item.fetched_at or datetime.now(UTC).isoformat(timespec="seconds")
        if self.dry_run:
            assert self.repo is not None
            dup = await run_in_thread(self.repo.find_duplicate_of, item.content_hash, item.canonical_url or item.url)
            item.duplicate_of = dup
            self.stats.inc_value("crawler/articles/" + ("duplicate" if dup else "new"))
            return item
        if not self.pending:
            self.pending_since = time.monotonic()
        self.pending.append(item)
        if len(self.pending) >= self.batch_size or time.monotonic() - self.pending_since > self.flush_seconds:
            await self._flush()
        return item

    async def _flush(self) -> None:
        if not self.pending or self.repo is None:
            return
        batch, self.pending = self.pending, []
        outcomes: list[StoreOutcome] = await run_in_thread(self.repo.store_articles, batch)
        for article, outcome in zip(batch, outcomes, strict=True):
            article.duplicate_of = outcome.duplicate_of
            self.stats.inc_value(f"crawler/articles/{outcome.status}")

    @staticmethod
    def outcome_counts(stats: dict[str, Any]) -> dict[str, int]:
        """new / updated / unchanged / duplicate counts from a finished crawl's stats."""
        return {k: int(stats.get(f"crawler/articles/{k}", 0)) for k in ("new", "updated", "unchanged", "duplicate")}

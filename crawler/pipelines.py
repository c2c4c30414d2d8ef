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
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from crawler.cleaning import clean_fields
from crawler.db.engine import connect
from crawler.db.repository import Repository, StoreOutcome
from crawler.dedup.config import Dedup, dedup_from_settings
from crawler.dedup.hashing import content_hash
from crawler.dedup.prints import RECEIVED, PrintCache
from crawler.items import Article
from crawler.perf import add_seconds
from crawler.recent import RecentSet
from crawler.safety import sanitize_article

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

__all__ = ["CleanPipeline", "DedupPipeline", "StorePipeline", "drop"]


def drop(stats: StatsCollector, reason: str, article: Article) -> DropItem:
    """Count *reason* and return the DropItem to raise (the article's fingerprint from the
    extraction worker, if any, will not be needed)."""
    stats.inc_value(f"crawler/dropped/{reason}")
    RECEIVED.discard(article.content_hash)
    return DropItem(f"{reason}: {article.url}")


class CleanPipeline:
    """The last guard before storage (:func:`crawler.safety.sanitize_article`: no markup,
    controls or terminal escapes in text, only http(s) URLs; each field it had to clean
    counted as ``crawler/cleaned/<field>``); text fields to their display form; drop
    pages that are not articles.

    The extractor already returns safe fields, so the counts stay at zero unless an
    item reached the pipeline some other way or the extractor let something through.
    """

    def __init__(self, crawler: Crawler, min_body_chars: int) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.min_body_chars = min_body_chars

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanPipeline:
        return cls(crawler, crawler.settings.getint("CRAWLER_MIN_BODY_CHARS"))

    def process_item(self, item: Article) -> Article:
        start = time.thread_time()
        try:
            return self._clean(item)
        finally:
            add_seconds(self.stats, "crawler/cpu/clean", time.thread_time() - start)

    def _clean(self, item: Article) -> Article:
        item, changed = sanitize_article(item)
        for name in changed:
            self.stats.inc_value(f"crawler/cleaned/{name}")
        if item.content_hash is None:  # not prepared by an extraction worker (crawler.cleaning.prepare)
            item = clean_fields(item)
        elif changed:  # prepared, but the guard changed it: display form and hash again
            RECEIVED.discard(item.content_hash)  # the worker's fingerprint no longer fits
            item = clean_fields(item)
            item.content_hash = content_hash(item.body)
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
    pointing at the first copy (``duplicate_of``). The URLs of the run are remembered
    in a bounded set (``CRAWLER_DEDUP_RECENT_URLS``): a repeat older than that reaches
    the store, which finds its canonical URL stored and counts it ``unchanged``.
    """

    def __init__(self, stats: StatsCollector, recent_urls: int = 20_000) -> None:
        self.stats = stats
        self.seen_urls = RecentSet(max(1, recent_urls))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DedupPipeline:
        return cls(crawler.stats, crawler.settings.getint("CRAWLER_DEDUP_RECENT_URLS", 20_000))

    def process_item(self, item: Article) -> Article:
        start = time.thread_time()
        try:
            canonical = item.canonical_url or item.url
            if self.seen_urls.seen(canonical):
                raise drop(self.stats, "duplicate_url_in_run", item)
            # Extraction workers hash the clean body already (crawler.cleaning.prepare).
            return replace(item, canonical_url=canonical, content_hash=item.content_hash or content_hash(item.body))
        finally:
            add_seconds(self.stats, "crawler/cpu/dedup", time.thread_time() - start)


class StorePipeline:
    """Batched writes off the reactor thread; fills ``duplicate_of`` from what is stored.

    The near-duplicate fingerprints come from the extraction workers
    (:mod:`crawler.dedup.prints`; counted ``crawler/dedup/prints_from_workers``); the store
    thread computes the others (``crawler/dedup/prints_computed``: pages extracted
    inline, or whose text the Clean pipeline changed).

    With ``CRAWLER_DRY_RUN`` nothing is written: duplicates are looked up read-only.
    """

    prints: PrintCache = RECEIVED

    def __init__(
        self,
        stats: StatsCollector,
        database_url: str,
        batch_size: int,
        flush_seconds: float,
        dry_run: bool,
        dedup: Dedup | None = None,
        *,
        wait: bool = False,
    ) -> None:
        self.stats = stats
        self.dedup = dedup
        self.database_url = database_url
        self.batch_size = max(1, batch_size)
        self.flush_seconds = flush_seconds
        self.dry_run = dry_run
        self.repo: Repository | None = None
        self.pending: list[Article] = []
        self.pending_since = 0.0
        # Group commit (CRAWLER_STORE_WAIT): items waiting for their commit, and the writer.
        self.wait = wait
        self.group: list[tuple[Article, Deferred[None]]] = []
        self.writer: Deferred[None] | None = None

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
            dedup_from_settings(crawler.settings),
            wait=crawler.settings.getbool("CRAWLER_STORE_WAIT"),
        )

    async def open_spider(self) -> None:
        engine = await run_in_thread(connect, self.database_url)
        self.repo = Repository(engine, self.dedup)

    async def close_spider(self) -> None:
        if self.writer is not None:
            await maybe_deferred_to_future(self.writer)
        await self._flush()
        if self.repo is not None:
            self.repo.engine.dispose()

    async def process_item(self, item: Article) -> Article:
        item.fetched_at = item.fetched_at or datetime.now(UTC).isoformat(timespec="seconds")
        if self.dry_run:
            assert self.repo is not None
            self.prints.discard(item.content_hash)
            dup = await run_in_thread(self.repo.find_duplicate_of, item.content_hash, item.canonical_url or item.url)
            item.duplicate_of = dup
            self.stats.inc_value("crawler/articles/" + ("duplicate" if dup else "new"))
            return item
        if self.wait:
            return await self._stored(item)
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
        await self._write(batch)

    async def _write(self, batch: list[Article]) -> None:
        outcomes, cpu, computed = await run_in_thread(self._store, batch)
        add_seconds(self.stats, "crawler/cpu/store", cpu)
        self.stats.inc_value("crawler/store/batches")
        if self.repo is not None and self.repo.retries:  # another writer's commit made one go again
            self.stats.set_value("crawler/store/retries", self.repo.retries)
        self.stats.inc_value("crawler/dedup/prints_from_workers", len(batch) - computed)
        self.stats.inc_value("crawler/dedup/prints_computed", computed)
        for article, outcome in zip(batch, outcomes, strict=True):
            article.duplicate_of = outcome.duplicate_of
            article.story_id = outcome.story_id
            self.stats.inc_value(f"crawler/articles/{outcome.status}")

    async def _stored(self, item: Article) -> Article:
        """Group commit: *item* once its article is committed. One writer at a time writes
        what has arrived (up to a batch); what arrives meanwhile forms the next batch, so
        that under load articles share transactions and no item is held for a timer."""
        done: Deferred[None] = Deferred()
        self.group.append((item, done))
        if self.writer is None:
            self.writer = deferred_from_coro(self._write_groups())
        await maybe_deferred_to_future(done)
        return item

    async def _write_groups(self) -> None:
        try:
            while self.group:
                batch, self.group = self.group[: self.batch_size], self.group[self.batch_size :]
                try:
                    await self._write([article for article, _ in batch])
                except Exception as exc:  # each waiting item fails with it (logged by Scrapy)
                    for _, done in batch:
                        done.errback(Failure(exc))
                    continue
                for _, done in batch:
                    done.callback(None)
        finally:
            self.writer = None

    def _store(self, batch: list[Article]) -> tuple[list[StoreOutcome], float, int]:
        """Runs in a thread: the outcomes, the CPU seconds this thread spent on them, and how
        many fingerprints it had to compute (the others came from the extraction workers)."""
        assert self.repo is not None
        start = time.thread_time()
        scheme = self.repo.dedup.index.fingerprinter.key
        taken = [self.prints.take(article.content_hash, scheme) for article in batch]
        missing = [article for article, fp in zip(batch, taken, strict=True) if fp is None]
        computed = iter(self.repo.fingerprints(missing) if missing else [])
        prints = [fp if fp is not None else next(computed) for fp in taken]
        outcomes = self.repo.store_articles(batch, prints)
        return outcomes, time.thread_time() - start, len(missing)

    @staticmethod
    def outcome_counts(stats: dict[str, Any]) -> dict[str, int]:
        """new / updated / unchanged / duplicate counts from a finished crawl's stats."""
        return {k: int(stats.get(f"crawler/articles/{k}", 0)) for k in ("new", "updated", "unchanged", "duplicate")}

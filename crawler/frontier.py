"""The incremental state of one site's run: which URLs to fetch, which sources were read.

Owned by :class:`~crawler.spiders.news.NewsSpider` (``spider.frontier``), used by its
callbacks and by :class:`~crawler.middlewares.conditional.ConditionalRequestMiddleware`.
Every database call goes through ``run_in_thread`` and is batched: one lookup per feed,
sitemap or listing page (chunks of 500 URLs), so memory stays bounded by one page's links.

A source (feed, sitemap, listing page) is remembered as "read in full" — its validators
saved for conditional requests next time — only when the run finished without errors and
no request it led to failed for a reason that may pass (5xx, timeout, the page budget).
An interrupted run therefore saves none, and the next run reads every source again and
fetches what the interrupted one did not store.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.utils.asyncio import run_in_thread

from crawler.exceptions import ConfigError
from crawler.incremental import FETCH, Policy, article_decision, parse_date, sitemap_decision, trusted_lastmods

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

    from crawler.db.frontier import FrontierStore, SourceState
    from crawler.discover import Entry
    from crawler.items import Article

__all__ = ["Frontier", "origin_url", "policy_from_settings"]

logger = logging.getLogger(__name__)

# Drop reasons of pages that are not articles (remembered, re-checked after CRAWLER_RECHECK_HOURS).
NOT_ARTICLE_DROPS = frozenset({"empty_body", "short_body", "no_title", "unwanted_language", "not_html"})
_FLUSH_AT = 200


def policy_from_settings(settings: Any) -> Policy:
    since_text = settings.get("CRAWLER_SINCE") or None
    since = parse_date(since_text)
    if since_text and since is None:
        raise ConfigError(f"CRAWLER_SINCE: expected an ISO date such as 2025-07-21, got {since_text!r}")
    return Policy(
        enabled=settings.getbool("CRAWLER_INCREMENTAL", True),
        since=since.at if since else None,
        refetch_window=timedelta(hours=settings.getfloat("CRAWLER_REFETCH_HOURS", 48)),
        refetch_interval=timedelta(minutes=settings.getfloat("CRAWLER_REFETCH_INTERVAL_MINUTES", 60)),
        recheck_after=timedelta(hours=settings.getfloat("CRAWLER_RECHECK_HOURS", 168)),
    )


def origin_url(response: Response) -> str:
    """The URL the spider asked for (before redirects): the canonical link it found."""
    redirects = response.meta.get("redirect_urls")
    return str(redirects[0]) if redirects else response.request.url if response.request else response.url


@dataclass
class _Source:
    kind: str
    etag: str | None
    last_modified: str | None
    read_at: datetime


class Frontier:
    def __init__(self, crawler: Crawler, site: str, database_url: str, policy: Policy) -> None:
        self.crawler = crawler
        self.site = site
        self.database_url = database_url
        self.policy = policy
        self.read: dict[str, _Source] = {}  # sources read in full (or answered 304) this run
        self.incomplete: set[str] = set()  # sources some of whose requests failed or were cut
        self.outcomes: list[dict[str, Any]] = []  # article URLs that gave no article, to save
        self._store: FrontierStore | None = None

    @property
    def stats(self) -> StatsCollector:
        return self.crawler.stats  # set when the crawl starts, after this object is built

    @classmethod
    def from_crawler(cls, crawler: Crawler, site: str) -> Frontier | None:
        settings = crawler.settings
        url = settings.get("CRAWLER_DATABASE_URL")
        if not url or settings.getbool("CRAWLER_DRY_RUN"):
            return None
        frontier = cls(crawler, site, url, policy_from_settings(settings))
        crawler.signals.connect(frontier.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(frontier.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(frontier.spider_closed, signal=signals.spider_closed)
        return frontier

    async def store(self) -> FrontierStore:
        if self._store is None:
            from crawler.db.engine import connect
            from crawler.db.frontier import FrontierStore

            self._store = FrontierStore(await run_in_thread(connect, self.database_url))
        return self._store

    # --- what to fetch ---------------------------------------------------------------------

    async def select_articles(self, entries: Sequence[Entry]) -> list[Entry]:
        """The entries (canonical URLs, no repeats) worth fetching; the others are counted as skipped."""
        if not entries:
            return []
        now = datetime.now(UTC)
        known = {}
        if self.policy.enabled:
            store = await self.store()
            known = await run_in_thread(store.known, [e.url for e in entries])
        lastmods = trusted_lastmods([e.lastmod for e in entries], now)
        chosen = []
        for entry, lastmod in zip(entries, lastmods, strict=True):
            decision = article_decision(self.policy, now, known.get(entry.url), lastmod, parse_date(entry.published))
            if decision in FETCH:
                if decision != "new":
                    self.stats.inc_value(f"crawler/refetch/{decision}")
                chosen.append(entry)
            else:
                self.stats.inc_value(f"crawler/skipped/{decision}")
        return chosen

    async def select_sitemaps(self, entries: Sequence[Entry]) -> list[Entry]:
        """Sitemaps of an index worth fetching: not those its ``lastmod`` says are unchanged since read."""
        if not self.policy.enabled or not entries:
            return list(entries)
        store = await self.store()
        states = await run_in_thread(store.source_states, [e.url for e in entries])
        lastmods = trusted_lastmods([e.lastmod for e in entries], datetime.now(UTC))
        chosen = []
        for entry, lastmod in zip(entries, lastmods, strict=True):
            state = states.get(entry.url)
            decision = sitemap_decision(self.policy, lastmod, state.checked_at if state else None)
            if decision == "fetch":
                chosen.append(entry)
            else:
                self.stats.inc_value(f"crawler/skipped/{decision}")
                if decision == "unchanged_sitemap" and state is not None:
                    self.read[entry.url] = _Source("sitemap", state.etag, state.last_modified, datetime.now(UTC))
        return chosen

    async def validators(self, url: str) -> SourceState | None:
        """The saved validators of a source, for a conditional request (None with --full)."""
        if not self.policy.enabled:
            return None
        store = await self.store()
        return (await run_in_thread(store.source_states, [url])).get(url)

    # --- what happened ---------------------------------------------------------------------

    def source_read(self, response: Response) -> None:
        """A feed, sitemap or listing page was read and all its links handed on: keep its validators."""
        self._note(response, response.headers.get(b"ETag"), response.headers.get(b"Last-Modified"))

    def source_not_modified(self, response: Response) -> None:
        """A 304: the validators sent still hold."""
        headers = response.request.headers if response.request else response.headers
        self._note(response, headers.get(b"If-None-Match"), headers.get(b"If-Modified-Since"))

    def _note(self, response: Response, etag: bytes | None, last_modified: bytes | None) -> None:
        self.read[origin_url(response)] = _Source(
            response.meta.get("kind", "page"),
            etag.decode("latin-1") if etag else None,
            last_modified.decode("latin-1") if last_modified else None,
            datetime.now(UTC),
        )

    def source_incomplete(self, url: str | None) -> None:
        if url:
            self.incomplete.add(url)

    def remember(self, url: str, outcome: str) -> None:
        """Note that article URL *url* gave no article (not_article / gone / alias)."""
        self.outcomes.append(
            {"url": url, "site": self.site, "kind": "article", "outcome": outcome, "checked_at": datetime.now(UTC)}
        )

    async def item_scraped(self, item: Article, response: Response) -> None:
        origin = origin_url(response)
        if response.meta.get("kind") == "article" and item.canonical_url and origin != item.canonical_url:
            self.remember(origin, "alias")
        await self._flush_if_full()

    async def item_dropped(self, item: Article, response: Response | None, exception: BaseException) -> None:
        reason = str(exception).split(":", 1)[0]
        if response is not None and response.meta.get("kind") == "article":
            origin = origin_url(response)
            if reason in NOT_ARTICLE_DROPS:
                self.remember(origin, "not_article")
            elif reason == "duplicate_url_in_run" and item.canonical_url and origin != item.canonical_url:
                self.remember(origin, "alias")  # e.g. a redirect to an article also linked directly
        await self._flush_if_full()

    async def _flush_if_full(self) -> None:
        if len(self.outcomes) >= _FLUSH_AT:
            await self._flush()

    async def _flush(self) -> None:
        rows, self.outcomes = self.outcomes, []
        if rows:
            await run_in_thread((await self.store()).save, rows)

    async def spider_closed(self, reason: str) -> None:
        try:
            await self._flush()
            clean = reason == "finished" and not self.stats.get_value("log_count/ERROR")
            if clean and self.policy.enabled:
                rows = [
                    {
                        "url": url,
                        "site": self.site,
                        "kind": s.kind,
                        "etag": s.etag,
                        "last_modified": s.last_modified,
                        "checked_at": s.read_at,  # when it was read: later changes show as newer
                    }
                    for url, s in self.read.items()
                    if url not in self.incomplete
                ]
                await run_in_thread((await self.store()).save, rows)
                self.stats.set_value("crawler/sources_saved", len(rows))
            elif self.read:
                logger.info("run not clean (%s): feeds, sitemaps and listings will be read in full next time", reason)
        finally:
            if self._store is not None:
                self._store.engine.dispose()

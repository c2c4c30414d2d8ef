"""Run NewsSpider crawls in this process and report what happened.

Used by the CLI (``crawler crawl``, ``crawler fetch``, ``crawler demo``). ``scrapy crawl``
exits 0 even when callbacks raise or nothing could be fetched, so the outcome here is
computed from each crawl's stats (:attr:`CrawlResult.failed`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from crawler.items import Article
from crawler.outcome import ok_pages, run_status
from crawler.spiders.news import NewsSpider

__all__ = ["CrawlResult", "build_settings", "run_crawls"]

logger = logging.getLogger(__name__)


def build_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """The project settings (``crawler.settings``) with command-line *overrides* on top."""
    from crawler.settings import UNUSED_COMPONENTS

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for name in ("EXTENSIONS_BASE", "DOWNLOADER_MIDDLEWARES_BASE"):  # see UNUSED_COMPONENTS
        kept = {k: v for k, v in settings.getdict(name).items() if k not in UNUSED_COMPONENTS}
        settings.set(name, kept, priority="project")
    for key, value in (overrides or {}).items():
        if value is not None:
            settings.set(key, value, priority="cmdline")
    return settings


@dataclass
class CrawlResult:
    """The outcome of one spider run."""

    name: str
    stats: dict[str, Any] = field(default_factory=dict)
    items: list[Article] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    error: str | None = None  # the spider could not start

    @property
    def finish_reason(self) -> str | None:
        return self.stats.get("finish_reason")

    max_errors: int = -1  # CRAWLER_MAX_ERRORS of the run

    @property
    def ok_responses(self) -> int:
        return ok_pages(self.stats)

    @property
    def status(self) -> str:
        """finished / failed / interrupted (see :mod:`crawler.outcome`)."""
        return run_status(self.stats, self.finish_reason, start_error=self.error, max_errors=self.max_errors)[0]

    @property
    def why(self) -> str | None:
        """Why the run is not "finished" (None when it is)."""
        return run_status(self.stats, self.finish_reason, start_error=self.error, max_errors=self.max_errors)[1]

    @property
    def failed(self) -> bool:
        """The spider did not start, ended abnormally, no page answered, or too many errors."""
        return self.status != "finished"

    def count(self, key: str) -> int:
        return int(self.stats.get(key, 0))


class _Collector:
    """Keeps the items a crawl produced and the reasons items were dropped."""

    def __init__(self, crawler: Crawler, result: CrawlResult, keep_items: bool) -> None:
        self.result = result
        self.keep_items = keep_items
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)

    def item_scraped(self, item: Article) -> None:
        if self.keep_items:
            self.result.items.append(item)

    def item_dropped(self, item: Article, exception: BaseException) -> None:
        self.result.dropped.append(str(exception))


def run_crawls(
    jobs: Sequence[dict[str, Any]],
    settings: Settings,
    *,
    keep_items: bool = False,
    install_root_handler: bool = True,
    spider_cls: type[NewsSpider] = NewsSpider,
) -> list[CrawlResult]:
    """Run one *spider_cls* (NewsSpider or a subclass) per job (its spider arguments)
    concurrently; block until all end."""
    settings.set("LOG_INSTALL_ROOT_HANDLER", install_root_handler, priority="cmdline")
    process = CrawlerProcess(settings)
    runs: list[tuple[Crawler, CrawlResult]] = []
    collectors: list[_Collector] = []  # signals hold weak references: keep these alive
    for job in jobs:
        name = str(job.get("site") or job.get("url"))
        result = CrawlResult(name=name, max_errors=settings.getint("CRAWLER_MAX_ERRORS", -1))
        crawler = process.create_crawler(spider_cls)
        collectors.append(_Collector(crawler, result, keep_items))
        deferred = process.crawl(crawler, **job)
        deferred.addErrback(_record_start_error, result)
        runs.append((crawler, result))
    process.start()
    for crawler, result in runs:
        stats = crawler.stats.get_stats() if crawler._stats is not None else {}
        result.stats = dict(stats)
    return [result for _, result in runs]


def _record_start_error(failure: Any, result: CrawlResult) -> None:
    result.error = failure.getErrorMessage() if hasattr(failure, "getErrorMessage") else str(failure)
    logger.error("crawl of %s could not start: %s", result.name, result.error)

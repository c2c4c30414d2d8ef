"""ExtractionBackpressure: download article pages no faster than the workers extract them.

Downloads are cheap and extraction is not: without a bound, the reactor downloads far
ahead of the extraction workers and every page waiting in between is held in memory
(the response, its callback chain, its task: tens of kilobytes each whatever the page
size). Scrapy's own bound, ``SCRAPER_SLOT_MAX_ACTIVE_SIZE``, counts response bytes: it
holds hundreds of small pages. This middleware counts pages: an article request waits,
before it is downloaded, while ``CRAWLER_EXTRACT_BACKLOG`` pages are waiting for or in
extraction. Waiting requests fill the downloader's ``CONCURRENT_REQUESTS``, so Scrapy
stops taking requests from its (disk or memory) queue until the workers catch up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

__all__ = ["ExtractionBackpressure"]


class ExtractionBackpressure:
    """Holds article requests while the spider's extraction pool has *backlog* pages or more."""

    def __init__(self, crawler: Crawler, backlog: int) -> None:
        self.crawler = crawler
        self.backlog = backlog

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractionBackpressure:
        workers = crawler.settings.getint("CRAWLER_EXTRACT_WORKERS")
        if workers <= 0:
            raise NotConfigured("CRAWLER_EXTRACT_WORKERS is 0: extraction is inline, nothing to wait for")
        backlog = crawler.settings.getint("CRAWLER_EXTRACT_BACKLOG") or 4 * workers
        return cls(crawler, max(1, backlog))

    async def process_request(self, request: Request) -> None:
        if request.meta.get("kind") != "article":
            return
        pool = getattr(self.crawler.spider, "extraction", None)
        if pool is not None and pool.pending >= self.backlog:
            self.crawler.stats.inc_value("crawler/extract/backlog_waits")
            await pool.wait_for_room(self.backlog)

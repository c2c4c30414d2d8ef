"""WorkerSpider: NewsSpider fed by the site's shared queue in Redis instead of its own start."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from scrapy import Request

from crawler.spiders.news import NewsSpider

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["WorkerSpider"]


class WorkerSpider(NewsSpider):
    """One of several processes crawling one site: requests come from, and go to, Redis.

    The site's ``download_delay`` and ``concurrency`` become *shared* limits enforced by
    :class:`~crawler.distributed.politeness.SharedPolitenessMiddleware`; the per-process
    Scrapy limits are opened up so they do not add to them (AutoThrottle is off: it tunes
    one process's delay and cannot see the others).
    """

    name = "news-worker"

    def configure(self, crawler: Crawler) -> None:
        super().configure(crawler)
        settings = crawler.settings
        site = self.site
        self.shared_delay = (
            site.download_delay if site.download_delay is not None else settings.getfloat("CRAWLER_DOWNLOAD_DELAY")
        )
        self.shared_concurrency = site.concurrency or settings.getint("CRAWLER_CONCURRENCY")
        # A per-run page budget means nothing to a shared frontier: the seen set bounds it.
        self.max_pages = site.max_pages or 0
        local = max(1, min(settings.getint("CRAWLER_WORKER_CONCURRENCY"), self.shared_concurrency * 2))
        if not settings.frozen:
            settings.set("DOWNLOAD_DELAY", 0, priority="spider")
            settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")
            settings.set("CONCURRENT_REQUESTS", local, priority="spider")
            settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", local, priority="spider")

    async def start(self) -> AsyncIterator[Request]:
        # The queue is seeded by `crawler enqueue`; a worker only takes what is there.
        return
        yield  # an async generator that yields nothing

"""Apply robots.txt ``Crawl-delay`` (Scrapy parses it but never uses it).

When RobotsTxtMiddleware has parsed a host's robots.txt, the delay it asks of our User-Agent
(capped at ``CRAWLER_CRAWL_DELAY_MAX``) becomes a floor under that host's download delay.
AutoThrottle adjusts the delay after every response, so the floor is applied again after it
(this handler is connected later) and before each request; the random jitter Scrapy adds
to delays is taken into account so that no gap is shorter than asked.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["CrawlDelayMiddleware"]

logger = logging.getLogger(__name__)


class CrawlDelayMiddleware:
    def __init__(self, crawler: Crawler, max_delay: float, user_agent: str) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_delay = max_delay
        self.user_agent = user_agent
        self.floors: dict[str, float] = {}  # slot key (host) -> seconds
        crawler.signals.connect(self._robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self._response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlDelayMiddleware:
        settings = crawler.settings
        agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or "*"
        return cls(crawler, settings.getfloat("CRAWLER_CRAWL_DELAY_MAX", 60), agent)

    def _robots_parsed(self, robotparser: Any, request: Request) -> None:
        delay_of = getattr(robotparser, "crawl_delay", None)
        delay = delay_of(self.user_agent) if callable(delay_of) else None
        if not delay or delay <= 0:
            return
        host = urlsplit(request.url).hostname or ""
        if delay > self.max_delay:
            logger.warning(
                "%s asks for Crawl-delay %.0f s: capped to CRAWLER_CRAWL_DELAY_MAX=%.0f s", host, delay, self.max_delay
            )
            delay = self.max_delay
        self.floors[host] = float(delay)
        self.stats.set_value(f"crawler/crawl_delay/{host}", float(delay))
        self._apply(host)

    def _apply(self, key: str | None) -> None:
        floor = self.floors.get(key or "")
        engine = self.crawler.engine
        if not floor or engine is None:
            return
        slot = engine.downloader.slots.get(key or "")
        if slot is None:
            return
        # Scrapy waits delay * uniform(1 - jitter, 1 + jitter): keep the shortest wait >= floor.
        needed = floor / (1 - slot.jitter) if slot.jitter < 1 else floor
        if slot.jitter >= 1:
            slot.jitter = 0.0
        if slot.delay < needed:
            slot.delay = needed

    def process_request(self, request: Request) -> None:
        self._apply(request.meta.get("download_slot") or urlsplit(request.url).hostname)

    def _response_downloaded(self, response: Response, request: Request) -> None:
        self._apply(request.meta.get("download_slot"))

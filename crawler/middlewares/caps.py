"""Stop downloading article pages once the run has its ``CRAWLER_MAX_ITEMS`` articles.

Article requests are scheduled as soon as feeds, sitemaps and listings are read, long
before their pages are extracted; the spider's own check when it schedules them cannot
see how many will become articles. This check runs when a request is about to be
downloaded: past the cap it is refused and counted (``crawler/skipped/max_items``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crawler.middlewares.redirects import RefusedRequest

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

__all__ = ["ItemCapMiddleware"]


class ItemCapMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ItemCapMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        spider = self.crawler.spider
        cap = getattr(spider, "max_items", 0)
        if cap and request.meta.get("kind") == "article" and getattr(spider, "items", 0) >= cap:
            raise RefusedRequest("max_items", f"{cap} articles extracted in this run (CRAWLER_MAX_ITEMS)")

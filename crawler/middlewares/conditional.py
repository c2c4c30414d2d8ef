"""Conditional requests for feeds, sitemaps and listing pages (ETag / Last-Modified).

Scrapy's HTTP cache would do this, but its RFC 2616 policy also serves stale listing pages
without asking the server; here the validators come from the ``url_state`` table (saved by
:class:`~crawler.frontier.Frontier` after a clean run) and every source is asked for. A 304
reaches the spider callback, which then has nothing to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["ConditionalRequestMiddleware"]

_SOURCE_KINDS = ("feed", "sitemap", "listing")


class ConditionalRequestMiddleware:
    """Adds If-None-Match / If-Modified-Since to source requests; counts 304s per kind."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        kind = request.meta.get("kind")
        frontier = getattr(self.crawler.spider, "frontier", None)
        if kind not in _SOURCE_KINDS or frontier is None or request.meta.get("redirect_urls"):
            return
        state = await frontier.validators(request.url)
        if state is None or not (state.etag or state.last_modified):
            return
        if state.etag:
            request.headers[b"If-None-Match"] = state.etag
        if state.last_modified:
            request.headers[b"If-Modified-Since"] = state.last_modified
        allowed = list(request.meta.get("handle_httpstatus_list", ()))
        request.meta["handle_httpstatus_list"] = [*allowed, 304]
        self.stats.inc_value(f"crawler/conditional/{kind}")

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 304 and request.meta.get("kind") in _SOURCE_KINDS:
            self.stats.inc_value(f"crawler/not_modified/{request.meta['kind']}")
        return response

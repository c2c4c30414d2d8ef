"""Downloader middlewares: one small class each."""

from __future__ import annotations

import codecs
from typing import TYPE_CHECKING

from scrapy.http import HtmlResponse, Response, TextResponse

from crawler.text.encoding import detect_encoding, header_charset

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

__all__ = ["EncodingFixMiddleware"]


class EncodingFixMiddleware:
    """Re-decode HTML responses whose declared charset contradicts their bytes.

    Sits after HttpCompressionMiddleware (a lower order number), so it sees the
    decompressed body. A site's ``encoding`` key (spider attribute ``forced_encoding``)
    wins over everything.
    """

    def __init__(self, crawler: Crawler, stats: StatsCollector) -> None:
        self.crawler = crawler
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EncodingFixMiddleware:
        return cls(crawler, crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or response.body.isascii():
            return response
        forced = getattr(self.crawler.spider, "forced_encoding", None)
        header = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        encoding = detect_encoding(response.body, header=header_charset(header), forced=forced)
        if codecs.lookup(encoding).name == codecs.lookup(response.encoding).name:
            return response
        self.stats.inc_value("crawler/encoding_fixed")
        cls = HtmlResponse if isinstance(response, HtmlResponse) else type(response)
        return response.replace(cls=cls, encoding=encoding)

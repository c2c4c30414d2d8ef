"""Honour ``Retry-After`` on 429 and 503 answers (Scrapy retries them at once).

The whole download slot of the host pauses for the time asked (the server asked us, not
one URL, to wait); RetryMiddleware then retries as usual. A wait longer than
``CRAWLER_RETRY_AFTER_MAX`` ends the site's run (finish reason ``retry_after``) instead of
hammering a site that asked for a long break.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy import signals

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["RetryAfterMiddleware", "retry_after_seconds"]

logger = logging.getLogger(__name__)

_STATUSES = (429, 503)


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """The wait a ``Retry-After`` header asks for (delta-seconds or an HTTP date), or None."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, crawler: Crawler, max_wait: float) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.max_wait = max_wait
        self.paused_until: dict[str, float] = {}  # slot key -> monotonic time
        # After AutoThrottle's handler (connected earlier), which may lower the slot delay again.
        crawler.signals.connect(self._keep_paused, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        return cls(crawler, crawler.settings.getfloat("CRAWLER_RETRY_AFTER_MAX", 300))

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status not in _STATUSES:
            return response
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is None:
            return response
        self.stats.inc_value("crawler/retry_after/received")
        if wait > self.max_wait:
            self.stats.inc_value("crawler/retry_after/too_long")
            logger.error(
                "%s asks to wait %.0f s (Retry-After), more than CRAWLER_RETRY_AFTER_MAX=%.0f: stopping this site",
                request.url, wait, self.max_wait,
            )  # fmt: skip
            request.meta["dont_retry"] = True
            self._close_spider()
            return response
        self._pause(request.meta.get("download_slot"), wait)
        return response

    def _close_spider(self) -> None:
        from scrapy.utils.defer import deferred_from_coro

        engine = self.crawler.engine
        if engine is not None and engine.spider is not None:
            deferred_from_coro(engine.close_spider_async(reason="retry_after"))

    def _pause(self, key: str | None, wait: float) -> None:
        if key is None or self.crawler.engine is None:
            return
        slot = self.crawler.engine.downloader.slots.get(key)
        if slot is None:
            return
        until = time.monotonic() + wait
        self.paused_until[key] = max(until, self.paused_until.get(key, 0.0))
        # The downloader waits `delay - (now - lastseen)` before the next request of the slot,
        # and only when the delay is not zero.
        slot.delay = max(slot.delay, 0.001)
        slot.lastseen = max(slot.lastseen, until)
        self.stats.inc_value("crawler/retry_after/waited_seconds", int(wait))
        logger.info("%s asked to wait %.1f s (Retry-After): pausing its requests", key, wait)

    def _keep_paused(self, response: Response, request: Request) -> None:
        key = str(request.meta.get("download_slot") or "")
        until = self.paused_until.get(key)
        if until is None or self.crawler.engine is None:
            return
        if time.monotonic() >= until:
            del self.paused_until[key]
            return
        slot = self.crawler.engine.downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, 0.001)
            slot.lastseen = max(slot.lastseen, until)

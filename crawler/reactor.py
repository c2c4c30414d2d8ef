"""How long the reactor thread was held: the longest stall, and the longest callback step.

Everything in a Scrapy crawl (downloads of every site, timeouts, signals) waits while a
callback runs on the reactor thread; a 50 MB page parsed there freezes the whole crawl.
Two measures, both in the crawl stats (and so in the run row):

* :class:`ReactorMonitor` (an extension) schedules a tick every 50 ms and records how late
  the ticks come: ``crawler/reactor/max_stall_seconds`` is the longest time the reactor
  did not get back to its loop, whatever held it, and ``crawler/reactor/max_stall_url``
  the page whose callback step ran last before it (a hint, not a proof).
* :func:`timed_step` wraps the synchronous work of the spider's callbacks (sniffing,
  handing bytes over, building requests): ``crawler/reactor/max_callback_seconds`` and
  ``crawler/reactor/max_callback_url`` name the longest one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from scrapy import signals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

__all__ = ["ReactorMonitor", "timed_step"]

_TICK = 0.05
# The URL of the last callback step that started, per stats collector (one per crawler).
_last_url: dict[int, str] = {}


@contextmanager
def timed_step(stats: StatsCollector, url: str) -> Iterator[None]:
    """Time a synchronous step of a callback on the reactor thread; keep the longest."""
    _last_url[id(stats)] = url
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - start
        if seconds > float(stats.get_value("crawler/reactor/max_callback_seconds", 0.0) or 0.0):
            stats.set_value("crawler/reactor/max_callback_seconds", round(seconds, 3))
            stats.set_value("crawler/reactor/max_callback_url", url)


class ReactorMonitor:
    """Records the longest reactor stall of a crawl (``crawler/reactor/max_stall_seconds``)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.last = 0.0
        self.worst = 0.0
        self._loop: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReactorMonitor:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        from twisted.internet.task import LoopingCall

        assert self.crawler.stats is not None
        self.crawler.stats.set_value("crawler/reactor/max_stall_seconds", 0.0)
        self.last = time.perf_counter()
        self._loop = LoopingCall(self.tick)
        self._loop.start(_TICK, now=False)

    def tick(self) -> None:
        now = time.perf_counter()
        stall = now - self.last - _TICK
        self.last = now
        if stall > self.worst:
            self.worst = stall
            stats = self.crawler.stats
            assert stats is not None
            stats.set_value("crawler/reactor/max_stall_seconds", round(stall, 3))
            url = _last_url.get(id(stats))
            if url:
                stats.set_value("crawler/reactor/max_stall_url", url)

    def spider_closed(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self.crawler.stats is not None:
            _last_url.pop(id(self.crawler.stats), None)

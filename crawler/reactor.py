"""How long the reactor thread was held: the longest stall, and the longest callback step.

Everything in a Scrapy crawl (downloads of every site, timeouts, signals) waits while a
callback runs on the reactor thread; a 50 MB page parsed there freezes the whole crawl.
Two measures, both in the crawl stats (and so in the run row):

* :class:`ReactorMonitor` (an extension) schedules a tick every 50 ms and records how late
  the ticks come: ``crawler/reactor/max_stall_seconds`` is the longest time the reactor
  did not get back to its loop, whatever held it, and ``crawler/reactor/max_stall_url``
  the page whose callback step ran last before it (a hint, not a proof).
* :func:`timed_callback` decorates the spider's callbacks and times each step they run
  synchronously on the reactor thread (from one ``await`` that waits to the next):
  ``crawler/reactor/max_callback_seconds`` and ``crawler/reactor/max_callback_url``
  name the longest one.
"""

from __future__ import annotations

import functools
import time
from collections.abc import AsyncIterator, Callable, Generator
from typing import TYPE_CHECKING, Any, TypeVar

from scrapy import signals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

__all__ = ["ReactorMonitor", "timed_callback"]

_T = TypeVar("_T")

_TICK = 0.05
# The URL of the last callback step that started, per stats collector (one per crawler).
_last_url: dict[int, str] = {}


def _record(stats: StatsCollector, url: str, seconds: float) -> None:
    if seconds > float(stats.get_value("crawler/reactor/max_callback_seconds", 0.0) or 0.0):
        stats.set_value("crawler/reactor/max_callback_seconds", round(seconds, 3))
        stats.set_value("crawler/reactor/max_callback_url", url)


class _TimedSteps:
    """Awaits *coro* like ``yield from`` does, timing each step it runs synchronously.

    A coroutine runs on the reactor thread from one ``send`` until it yields a future to
    the loop (an ``await`` that really waits); the time of each such step is what holds
    the reactor, waits excluded.
    """

    def __init__(self, coro: Any, stats: StatsCollector, url: str) -> None:
        self.coro, self.stats, self.url = coro, stats, url

    def __await__(self) -> Generator[Any, Any, Any]:
        value: Any = None
        error: BaseException | None = None
        while True:
            _last_url[id(self.stats)] = self.url
            start = time.perf_counter()
            try:
                future = self.coro.throw(error) if error is not None else self.coro.send(value)
            except StopIteration as stop:
                _record(self.stats, self.url, time.perf_counter() - start)
                return stop.value
            _record(self.stats, self.url, time.perf_counter() - start)
            try:
                value, error = (yield future), None
            except BaseException as exc:  # thrown in by the loop (cancellation): pass it on
                value, error = None, exc


def timed_callback(method: Callable[..., AsyncIterator[_T]]) -> Callable[..., AsyncIterator[_T]]:
    """Decorate an async-generator spider callback: time every synchronous step it takes
    on the reactor thread (``crawler/reactor/max_callback_seconds`` and ``..._url``)."""

    @functools.wraps(method)
    async def wrapper(self: Any, response: Any, *args: Any, **kwargs: Any) -> AsyncIterator[_T]:
        steps = method(self, response, *args, **kwargs)
        stats = self.crawler.stats
        while True:
            try:
                item = await _TimedSteps(steps.__anext__(), stats, response.url)
            except StopAsyncIteration:
                return
            yield item

    return wrapper


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

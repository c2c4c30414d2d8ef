"""CpuStats: where a crawl's CPU went, in its stats (and so in its run row).

Components add their own CPU seconds as they work: ``crawler/cpu/extract`` (measured
inside the extraction workers, or on the reactor thread when extracting inline),
``crawler/cpu/clean`` and ``crawler/cpu/dedup`` (pipelines, reactor thread),
``crawler/cpu/store`` (the store's database thread). At close this extension adds:

* ``crawler/cpu/main_process``: CPU seconds of the crawl process (all its threads, not
  the workers) while the spider was open. Spiders running together share a process,
  so for them this is the process total, not each spider's share.
* ``crawler/cpu/download``: the rest of the main process: Scrapy's downloading,
  scheduling and discovery (feeds, sitemaps, listings), i.e. main process minus the
  phases measured on its threads.

It also samples Scrapy's scraper slot, which stops taking responses while more than
``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` bytes are being processed: ``crawler/scraper/
max_active_bytes`` and ``crawler/scraper/backout_samples`` (samples at or above the
limit) show whether that limit throttled the crawl.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from scrapy import signals

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

__all__ = ["CpuStats", "add_seconds"]

_INLINE_PHASES = ("clean", "dedup", "store")


def add_seconds(stats: StatsCollector, key: str, seconds: float) -> None:
    """Add *seconds* to the float stat *key* (``inc_value`` is typed for counts)."""
    stats.set_value(key, float(stats.get_value(key, 0.0) or 0.0) + seconds)


class CpuStats:
    """Adds ``crawler/cpu/main_process`` and ``crawler/cpu/download`` when the spider closes."""

    def __init__(self, crawler: Crawler, sample_interval: float = 0.5) -> None:
        self.crawler = crawler
        self.sample_interval = sample_interval
        self.started = 0.0
        self._loop: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CpuStats:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self) -> None:
        from twisted.internet.task import LoopingCall

        self.started = time.process_time()
        self._loop = LoopingCall(self.sample_scraper)
        self._loop.start(self.sample_interval, now=False)

    def sample_scraper(self) -> None:
        engine = self.crawler.engine
        scraper = getattr(engine, "scraper", None)
        slot = getattr(scraper, "slot", None)
        if slot is None:
            return
        stats = self.crawler.stats
        stats.max_value("crawler/scraper/max_active_bytes", int(slot.active_size))
        if slot.active_size >= slot.max_active_size:
            stats.inc_value("crawler/scraper/backout_samples")

    def spider_closed(self) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        stats = self.crawler.stats
        main = time.process_time() - self.started
        stats.set_value("crawler/cpu/main_process", round(main, 3))
        on_main = sum(float(stats.get_value(f"crawler/cpu/{p}", 0.0) or 0.0) for p in _INLINE_PHASES)
        if self.crawler.settings.getint("CRAWLER_EXTRACT_WORKERS") == 0:
            on_main += float(stats.get_value("crawler/cpu/extract", 0.0) or 0.0)
        stats.set_value("crawler/cpu/download", round(max(0.0, main - on_main), 3))
        for key, value in stats.get_stats().items():  # tidy the sums for the run row
            if key.startswith("crawler/cpu/") and isinstance(value, float):
                stats.set_value(key, round(value, 3))

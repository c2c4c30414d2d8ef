"""LeasedScheduler: scrapy-redis' scheduler over one site's shared, leased frontier.

Set as ``SCHEDULER`` by ``crawler worker``. Compared with ``scrapy_redis.scheduler.Scheduler``:

* keys are per site (``PREFIX:{SITE}:...``, :class:`~crawler.distributed.keys.SiteKeys`),
  the queue is a :class:`~crawler.distributed.queue.LeasedQueue` and the dupefilter a
  :class:`~crawler.distributed.dupefilter.WindowedDupeFilter`; requests are stored as
  JSON, with canonical URLs;
* a request taken from the queue is leased; the lease is acked when the engine is done
  with the request (:func:`engine_hooks.on_request_done`), renewed while the worker lives,
  and given back to the queue when the worker stops before finishing it;
* the queue is never flushed on close (the frontier outlives any worker: scrapy-redis'
  ``SCHEDULER_PERSIST`` is always on);
* the worker stays open while any worker holds a lease or requests wait, and closes
  ("finished") after the site's frontier has been empty for ``CRAWLER_WORKER_IDLE_SECONDS``.

Checked against scrapy-redis 0.9.1 on Scrapy 2.19: its Scheduler itself works, but it
passes the deprecated ``spider`` argument to the stats collector, pops requests for good,
and its ``from_settings`` cannot know the site; those parts are overridden here.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.scheduler import Scheduler
from twisted.internet.task import LoopingCall

from crawler.distributed import engine_hooks
from crawler.distributed.connection import connect_redis
from crawler.distributed.frontier import LEASE_META, Frontier
from crawler.distributed.keys import SiteKeys

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["LeasedScheduler"]

logger = logging.getLogger(__name__)

_WAKE_SECONDS = 0.25


class LeasedScheduler(Scheduler):
    def __init__(self, crawler: Crawler, redis_url: str, prefix: str, *, lease_seconds: float, seen_ttl: float,
                 seen_max: int, idle_seconds: float) -> None:  # fmt: skip
        super().__init__(connect_redis(redis_url), persist=True)
        self.crawler = crawler
        self.stats = crawler.stats
        self.prefix = prefix
        self.lease_ms = max(1000, int(lease_seconds * 1000))
        self.seen_ttl = seen_ttl
        self.seen_max = seen_max
        self.idle_seconds = idle_seconds
        self.held: set[str] = set()
        self.frontier: Frontier | None = None
        self._idle_since: float | None = None
        self._loops: list[LoopingCall] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LeasedScheduler:
        s = crawler.settings
        return cls(
            crawler,
            s.get("CRAWLER_REDIS_URL"),
            s.get("CRAWLER_REDIS_PREFIX"),
            lease_seconds=s.getfloat("CRAWLER_LEASE_SECONDS"),
            seen_ttl=s.getfloat("CRAWLER_SEEN_TTL"),
            seen_max=s.getint("CRAWLER_SEEN_MAX"),
            idle_seconds=s.getfloat("CRAWLER_WORKER_IDLE_SECONDS"),
        )

    # --- life cycle --------------------------------------------------------------------------

    def open(self, spider: Spider) -> None:
        self.spider = spider
        site = getattr(spider, "site_name", None) or spider.name
        keys = SiteKeys(self.prefix, site)
        self.frontier = Frontier(self.server, keys, spider, seen_ttl=self.seen_ttl, seen_max=self.seen_max)
        self.queue, self.df = self.frontier.queue, self.frontier.dupefilter
        engine_hooks.on_request_done(self.crawler, self._request_done)
        self.crawler.signals.connect(self._on_idle, signal=signals.spider_idle)
        self._count("requeued_expired", self.queue.requeue_expired())
        self._start_loop(self._heartbeat, self.lease_ms / 3000)
        self._start_loop(lambda: engine_hooks.wake(self.crawler), _WAKE_SECONDS)
        status = self.frontier.status()
        logger.info("worker on %s: %d queued, %d leased, %d seen", site, status.queued, status.leased, status.seen)

    def close(self, reason: str) -> None:
        for loop in self._loops:
            if loop.running:
                loop.stop()
        if self.held:
            # A forced stop: the engine did not finish these; put them back for another worker.
            self._count("released", self.queue.release(list(self.held)))
            self.held.clear()

    def _start_loop(self, func: Any, interval: float) -> None:
        loop = LoopingCall(func)
        loop.start(interval, now=False).addErrback(lambda f: logger.error("worker loop failed: %s", f.value))
        self._loops.append(loop)

    def _heartbeat(self) -> None:
        try:
            renewed = self.queue.renew(list(self.held), self.lease_ms)
            if renewed < len(self.held):
                self._count("lost", len(self.held) - renewed)
            self._count("requeued_expired", self.queue.requeue_expired())
        except Exception as exc:  # Redis away for a moment: try again at the next beat
            logger.warning("lease heartbeat failed: %s", exc)

    # --- requests ----------------------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        assert self.frontier is not None
        if not self.frontier.add(request):
            self.df.log(request, self.spider)
            self._count("filtered")
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        token = uuid.uuid4().hex
        request = self.queue.pop_leased(token, self.lease_ms)
        if request is None:
            return None
        request.meta[LEASE_META] = token
        self.held.add(token)
        self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def has_pending_requests(self) -> bool:
        return len(self.queue) > 0

    def _request_done(self, request: Request) -> None:
        token = request.meta.get(LEASE_META)
        if token in self.held:
            self.queue.ack([token])
            self.held.discard(token)
            self._count("acked")

    def _on_idle(self) -> None:
        """Keep the worker open while the site's frontier is not empty (see the module docstring)."""
        assert self.frontier is not None
        if self.idle_seconds <= 0 or self.held or not self.frontier.status().empty:
            self._idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.idle_seconds:
            raise DontCloseSpider

    def _count(self, event: str, n: int = 1) -> None:
        if n:
            self.stats.inc_value(f"crawler/frontier/{event}", n)

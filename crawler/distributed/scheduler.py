"""LeasedScheduler: scrapy-redis' scheduler over one site's shared, leased frontier.

Set as ``SCHEDULER`` by ``crawler worker``. Compared with ``scrapy_redis.scheduler.Scheduler``:

* keys are per site (``PREFIX:{SITE}:...``, :class:`~crawler.distributed.keys.SiteKeys`),
  the queue is a :class:`~crawler.distributed.queue.LeasedQueue` and the dupefilter a
  :class:`~crawler.distributed.dupefilter.WindowedDupeFilter`; requests are stored as
  JSON, with canonical URLs;
* a request taken from the queue is leased; the lease is acked when the engine is done
  with the request (:func:`engine_hooks.on_request_done`), renewed while the worker lives,
  and given back to the queue when the worker stops before finishing it;
* Redis is never called on the reactor thread: a :class:`~crawler.distributed.lane.RedisLane`
  takes requests ahead (a few leases beyond what is downloading), queues new requests in
  batches, and marks requests done after the requests they produced are queued;
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
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.reactor import CallLaterOnce
from scrapy_redis.scheduler import Scheduler
from twisted.internet.defer import Deferred
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

from crawler.distributed import engine_hooks
from crawler.distributed.connection import connect_redis
from crawler.distributed.frontier import LEASE_META, Frontier
from crawler.distributed.keys import SiteKeys
from crawler.distributed.lane import RedisLane

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

__all__ = ["LeasedScheduler"]

logger = logging.getLogger(__name__)

_WAKE_SECONDS = 0.25


class LeasedScheduler(Scheduler):
    def __init__(self, crawler: Crawler, redis_url: str, prefix: str, *, lease_seconds: float, seen_ttl: float,
                 seen_max: int, idle_seconds: float, prefetch: int, max_expiries: int = 0) -> None:  # fmt: skip
        super().__init__(connect_redis(redis_url), persist=True)
        self.crawler = crawler
        self.stats = crawler.stats
        self.prefix = prefix
        self.lease_ms = max(1000, int(lease_seconds * 1000))
        self.seen_ttl = seen_ttl
        self.seen_max = seen_max
        self.max_expiries = max_expiries
        self.idle_seconds = idle_seconds
        self.prefetch = max(1, prefetch)
        self.lane = RedisLane("redis-frontier")
        self.frontier: Frontier | None = None
        self.held: set[str] = set()  # leases of requests taken and not done (ready or in progress)
        self.failed: set[str] = set()  # leases whose item could not be stored: not acked
        self.ready: deque[Request] = deque()  # taken ahead, not yet handed to the engine
        self._to_add: list[Request] = []
        self._to_ack: list[str] = []
        self._flusher = CallLaterOnce(self._flush)
        self._refilling: list[str] = []  # tokens of the pop running on the lane
        self._remote = (1, 1)  # (queued, leased) as last seen in Redis; unknown at first
        self._idle_since: float | None = None
        self._closing = False
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
            prefetch=s.getint("CONCURRENT_REQUESTS"),
            max_expiries=s.getint("CRAWLER_LEASE_MAX_EXPIRIES"),
        )

    # --- life cycle --------------------------------------------------------------------------

    def open(self, spider: Spider) -> None:
        self.spider = spider
        site = getattr(spider, "site_name", None) or spider.name
        keys = SiteKeys(self.prefix, site)
        self.frontier = Frontier(self.server, keys, spider, seen_ttl=self.seen_ttl, seen_max=self.seen_max,
                                 max_expiries=self.max_expiries)  # fmt: skip
        self.queue, self.df = self.frontier.queue, self.frontier.dupefilter
        engine_hooks.on_request_done(self.crawler, self._request_done)
        self.crawler.signals.connect(self._on_idle, signal=signals.spider_idle)
        self.crawler.signals.connect(self._item_error, signal=signals.item_error)
        self._requeued(self.queue.requeue_expired())
        status = self.frontier.status()
        logger.info("worker on %s: %d queued, %d leased, %d seen", site, status.queued, status.leased, status.seen)
        self.lane.start()
        self._start_loop(self._heartbeat, self.lease_ms / 3000)
        self._start_loop(self._tick, _WAKE_SECONDS)

    def close(self, reason: str) -> Deferred[Any]:
        """Mark done what is done, give back what was taken and not done, then stop the lane."""
        self._closing = True
        for loop in self._loops:
            if loop.running:
                loop.stop()
        self._flusher.cancel()
        self._flush()
        give_back = [*self.held, *self._refilling]  # the lane runs a pending pop before this
        self.held.clear()
        self.ready.clear()
        d = self.lane.call(self.queue.release, give_back)
        d.addCallback(lambda n: self._count("released", n))
        d.addErrback(lambda f: logger.error("could not give back %d leased request(s): %s", len(give_back), f.value))
        d.addBoth(lambda _: self.lane.stop())
        return d

    def _start_loop(self, func: Any, interval: float) -> None:
        loop = LoopingCall(func)
        loop.start(interval, now=False).addErrback(lambda f: logger.error("worker loop failed: %s", f.value))
        self._loops.append(loop)

    def _heartbeat(self) -> None:
        held = list(self.held)

        def beat() -> tuple[int, tuple[int, int]]:
            return self.queue.renew(held, self.lease_ms), self.queue.requeue_expired()

        def counted(result: tuple[int, tuple[int, int]]) -> None:
            renewed, requeued = result
            self._count("lost", len(held) - renewed)
            self._requeued(requeued)

        self.lane.call(beat).addCallbacks(counted, lambda f: logger.warning("lease heartbeat failed: %s", f.value))

    def _tick(self) -> None:
        if not self.ready:
            self._refill()
        engine_hooks.wake(self.crawler)

    # --- requests in -------------------------------------------------------------------------

    def enqueue_request(self, request: Request) -> bool:
        # Queued in a batch on the lane; whether the seen set let it in is counted then.
        self._to_add.append(request)
        self._schedule_flush()
        return True

    def _item_error(self, item: Any, response: Any, failure: Failure) -> None:
        """An item of this request failed in the pipelines (e.g. the database is away)."""
        token = getattr(response, "meta", {}).get(LEASE_META)
        if token in self.held:
            self.failed.add(token)

    def _request_done(self, request: Request) -> None:
        token = request.meta.get(LEASE_META)
        if token not in self.held:
            return
        self.held.discard(token)
        if token in self.failed:
            # Not acked and no longer renewed: its lease expires and the request comes back
            # (to any worker) after CRAWLER_LEASE_SECONDS, a natural pause before retrying;
            # excused, so that a database outage does not count towards dropping it.
            self.failed.discard(token)
            self._count("retry_later")
            assert self.queue is not None
            self.lane.call(self.queue.excuse, [token]).addErrback(
                lambda f: logger.warning("could not excuse a lease: %s", f.value)
            )
            return
        self._to_ack.append(token)
        self._schedule_flush()

    def _schedule_flush(self) -> None:
        self._flusher.schedule()  # once at the next reactor loop, however many requests came

    def _flush(self) -> None:
        """Queue the new requests, then ack the done ones (in that order, on the lane)."""
        adds, acks = self._to_add, self._to_ack
        self._to_add, self._to_ack = [], []
        if not adds and not acks:
            return
        assert self.frontier is not None
        frontier = self.frontier

        def write() -> int:
            added = frontier.add_many(adds)
            frontier.queue.ack(acks)
            return added

        def counted(added: int) -> None:
            self.stats.inc_value("scheduler/enqueued/redis", added)
            self._count("filtered", len(adds) - added)
            self._count("acked", len(acks))
            if added:
                self._remote = (self._remote[0] + added, self._remote[1])

        self.lane.call(write).addCallbacks(counted, lambda f: logger.error("could not write to Redis: %s", f.value))

    # --- requests out ------------------------------------------------------------------------

    def next_request(self) -> Request | None:
        if len(self.ready) <= self.prefetch // 2 and self._remote[0]:
            self._refill()
        if not self.ready:
            return None
        self.stats.inc_value("scheduler/dequeued/redis")
        return self.ready.popleft()

    def _refill(self) -> None:
        if self._refilling or self._closing:
            return
        tokens = [uuid.uuid4().hex for _ in range(self.prefetch - len(self.ready))]
        self._refilling = tokens
        self.lane.call(self.queue.pop_many, tokens, self.lease_ms).addBoth(self._refilled)

    def _refilled(self, result: tuple[Sequence[tuple[str, Request]], int, int] | Failure) -> None:
        self._refilling = []
        if isinstance(result, Failure):
            logger.warning("could not take requests from Redis: %s", result.value)
            return
        taken, queued, leased = result
        self._remote = (queued, leased)
        if self._closing:  # close() gave these back already
            return
        for token, request in taken:
            request.meta[LEASE_META] = token
            self.held.add(token)
            self.ready.append(request)
        if taken:
            engine_hooks.wake(self.crawler)

    def has_pending_requests(self) -> bool:
        # Not counting a pop in flight: the tick polls Redis while the queue is empty, so one
        # is nearly always on its way, and the engine would never see the worker idle.
        return bool(self.ready or self._to_add or self._remote[0])

    # --- when to stop ------------------------------------------------------------------------

    def _on_idle(self) -> None:
        """Keep the worker open while the site's frontier is not empty (see the module docstring)."""
        queued, leased = self._remote
        if self.idle_seconds <= 0 or self.held or self._to_add or self._to_ack or queued or leased:
            self._idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
        if now - self._idle_since < self.idle_seconds:
            raise DontCloseSpider

    def _requeued(self, result: tuple[int, int]) -> None:
        requeued, dropped = result
        self._count("requeued_expired", requeued)
        if dropped:
            self._count("dropped_expired", dropped)
            logger.warning(
                "dropped %d request(s) whose lease expired %d times (every worker that took them died or hung: "
                "`crawler frontier --dropped` lists them)", dropped, self.max_expiries,
            )  # fmt: skip

    def _count(self, event: str, n: int = 1) -> None:
        if n:
            self.stats.inc_value(f"crawler/frontier/{event}", n)

"""SharedPolitenessMiddleware: a site's delay and concurrency hold across all its workers.

Scrapy's DOWNLOAD_DELAY, CONCURRENT_REQUESTS_PER_DOMAIN and AutoThrottle act inside one
process: N workers would hit the site N times as hard. This downloader middleware asks
Redis (:data:`scripts.GATE`, atomic, on the Redis clock) before each request to the site:

* **delay**: request starts are spaced at least the site's ``download_delay`` apart,
  whichever worker sends them;
* **concurrency**: at most the site's ``concurrency`` requests are being downloaded at
  once; a slot is held from here until the response or error comes back, and expires
  after DOWNLOAD_TIMEOUT + 30 s if its worker died.

A request that must wait sleeps on the reactor (a timer, not a loop): for the time
Redis says when the delay is the limit, in short steps when every slot is taken. Within
one worker, requests queue for the gate in order, so one of them at a time asks Redis;
the asking itself runs on a :class:`~crawler.distributed.lane.RedisLane`, off the reactor.

Enabled by ``crawler worker`` (priority 950: after the HTTP cache, so cache hits are not
counted, and before the download itself, so robots.txt fetches are counted too).
"""

from __future__ import annotations

import logging
import uuid
from typing import TYPE_CHECKING, Any

from redis.exceptions import RedisError
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor
from twisted.internet.defer import DeferredLock
from twisted.internet.task import deferLater

from crawler.distributed import scripts
from crawler.distributed.connection import connect_redis
from crawler.distributed.keys import SiteKeys
from crawler.distributed.lane import RedisLane

if TYPE_CHECKING:
    from redis import Redis
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

__all__ = ["GATE_META", "SharedPolitenessMiddleware"]

logger = logging.getLogger(__name__)

#: ``Request.meta`` key of the concurrency slot a request holds.
GATE_META = "crawler_gate"

_POLL_MS = (5, 50)  # when every slot is taken: first and longest wait between asks (ms)


class SharedPolitenessMiddleware:
    def __init__(self, server: Redis, keys: SiteKeys, stats: StatsCollector, *, delay: float, concurrency: int,
                 hold_seconds: float) -> None:  # fmt: skip
        self.server = server
        self.keys = keys
        self.stats = stats
        self.delay_ms = max(0, round(delay * 1000))
        self.concurrency = max(0, concurrency)
        self.hold_ms = max(1000, int(hold_seconds * 1000))
        self._gate = server.register_script(scripts.GATE)
        self._lock = DeferredLock()
        self.lane = RedisLane("redis-politeness")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SharedPolitenessMiddleware:
        spider = crawler.spider
        delay = getattr(spider, "shared_delay", None)
        concurrency = getattr(spider, "shared_concurrency", None)
        if delay is None or concurrency is None:
            raise NotConfigured("SharedPolitenessMiddleware works with crawler.distributed.spider.WorkerSpider")
        s = crawler.settings
        return cls(
            connect_redis(s.get("CRAWLER_REDIS_URL")),
            SiteKeys(s.get("CRAWLER_REDIS_PREFIX"), getattr(spider, "site_name", "")),
            crawler.stats,
            delay=delay,
            concurrency=concurrency,
            hold_seconds=s.getfloat("DOWNLOAD_TIMEOUT") + 30,
        )

    async def process_request(self, request: Request) -> None:
        if self.delay_ms == 0 and self.concurrency == 0:
            return
        token = uuid.uuid4().hex
        self.lane.start()
        await maybe_deferred_to_future(self._lock.acquire())
        try:
            await self._wait_for_turn(token)
        finally:
            self._lock.release()
        if self.concurrency:
            request.meta[GATE_META] = token

    async def _wait_for_turn(self, token: str) -> None:
        poll, outage = _POLL_MS[0], 0.5
        while True:
            try:
                wait_ms = await maybe_deferred_to_future(self.lane.call(self._ask, token))
            except RedisError as exc:
                # No politeness without Redis: wait for it rather than fail the request
                # (a failed request would be marked done, and its article never fetched).
                self.stats.inc_value("crawler/politeness/redis_errors")
                logger.warning("politeness gate unreachable, waiting %.1f s: %s", outage, exc)
                await maybe_deferred_to_future(deferLater(reactor, outage, lambda: None))
                outage = min(outage * 2, 10.0)
                continue
            if wait_ms == 0:
                return
            if wait_ms < 0:  # every slot taken: ask again soon, less often the longer it lasts
                self.stats.inc_value("crawler/politeness/wait_slot")
                wait_ms, poll = poll, min(poll * 2, _POLL_MS[1])
            else:
                self.stats.inc_value("crawler/politeness/wait_delay")
            await maybe_deferred_to_future(deferLater(reactor, wait_ms / 1000, lambda: None))

    def _ask(self, token: str) -> int:
        keys = [self.keys.gate_next, self.keys.gate_inflight]
        return int(self._gate(keys=keys, args=[token, self.delay_ms, self.concurrency, self.hold_ms]))

    def process_response(self, request: Request, response: Response) -> Response:
        self._release(request)
        return response

    def process_exception(self, request: Request, exception: Exception) -> Any:
        self._release(request)
        return None

    def _release(self, request: Request) -> None:
        token = request.meta.pop(GATE_META, None)
        if token is not None:
            d = self.lane.call(self.server.zrem, self.keys.gate_inflight, token)
            d.addErrback(lambda f: logger.warning("could not free a politeness slot: %s", f.value))

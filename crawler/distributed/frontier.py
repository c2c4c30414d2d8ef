"""Frontier: one site's shared queue and seen set, as used by workers and by ``crawler enqueue``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from redis import Redis
from scrapy import Request, Spider

from crawler.dedup.urls import canonicalize
from crawler.distributed import scripts, serializer
from crawler.distributed.dupefilter import HUB_KINDS, WindowedDupeFilter, request_fingerprint
from crawler.distributed.keys import SiteKeys
from crawler.distributed.queue import LeasedQueue

__all__ = ["LEASE_META", "Frontier", "FrontierStatus"]

#: ``Request.meta`` key holding the lease token of a request a worker took from the queue.
LEASE_META = "crawler_lease"


@dataclass(frozen=True)
class FrontierStatus:
    site: str
    queued: int  # requests waiting
    leased: int  # requests taken by a worker and not yet done
    seen: int  # fingerprints in the seen-request window
    epoch: int  # number of `crawler enqueue` runs
    dropped: int = 0  # requests dropped after CRAWLER_LEASE_MAX_EXPIRIES expired leases (kept ones)

    def as_dict(self) -> dict[str, int | str]:
        return {"site": self.site, "queued": self.queued, "leased": self.leased, "seen": self.seen,
                "epoch": self.epoch, "dropped": self.dropped}  # fmt: skip

    @property
    def empty(self) -> bool:
        return self.queued == 0 and self.leased == 0


class Frontier:
    """Adds requests (canonical URL, seen-set check) and reports the state of one site."""

    def __init__(
        self, server: Redis, keys: SiteKeys, spider: Spider, *, seen_ttl: float, seen_max: int, max_expiries: int = 0
    ) -> None:
        self.server = server
        self.keys = keys
        self.queue = LeasedQueue(server, spider, keys, serializer, max_expiries=max_expiries)
        self.dupefilter = WindowedDupeFilter(server, keys, seen_ttl, seen_max)
        self._add = server.register_script(scripts.ADD)

    @staticmethod
    def canonical(request: Request) -> Request:
        """The request with its canonical URL and without a previous lease token."""
        request.meta.pop(LEASE_META, None)
        url = canonicalize(request.url)
        return request if url == request.url else request.replace(url=url)

    def add(self, request: Request) -> bool:
        """Queue *request* unless it was seen (``dont_filter`` requests always go in)."""
        return self.add_many([request]) == 1

    def add_many(self, requests: Sequence[Request]) -> int:
        """Queue each request unless it was seen, in one round trip; how many were queued."""
        if not requests:
            return 0
        pipe = self.server.pipeline(transaction=False)
        for request in requests:
            request = self.canonical(request)
            self._add(
                keys=[self.keys.seen, self.keys.epoch, self.keys.queue],
                args=[
                    request_fingerprint(request), "1" if request.meta.get("kind") in HUB_KINDS else "0",
                    self.dupefilter.ttl_ms, self.dupefilter.max_size, "1" if request.dont_filter else "0",
                    -request.priority, self.queue.encode(request),
                ],
                client=pipe,
            )  # fmt: skip
        return sum(int(x) for x in pipe.execute())

    def status(self) -> FrontierStatus:
        pipe = self.server.pipeline(transaction=False)
        pipe.zcard(self.keys.queue)
        pipe.hlen(self.keys.leases)
        pipe.zcard(self.keys.seen)
        pipe.get(self.keys.epoch)
        pipe.llen(self.keys.dropped)
        queued, leased, seen, epoch, dropped = pipe.execute()
        return FrontierStatus(self.keys.site, int(queued), int(leased), int(seen), int(epoch or 0), int(dropped))

    def clear(self) -> None:
        """Forget everything about the site: queue, leases, seen set, epoch, politeness state."""
        self.server.delete(*self.keys.all())

"""Frontier: one site's shared queue and seen set, as used by workers and by ``crawler enqueue``."""

from __future__ import annotations

from dataclasses import dataclass

from redis import Redis
from scrapy import Request, Spider

from crawler.dedup.urls import canonicalize
from crawler.distributed import serializer
from crawler.distributed.dupefilter import WindowedDupeFilter
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

    def as_dict(self) -> dict[str, int | str]:
        return {"site": self.site, "queued": self.queued, "leased": self.leased, "seen": self.seen,
                "epoch": self.epoch}  # fmt: skip

    @property
    def empty(self) -> bool:
        return self.queued == 0 and self.leased == 0


class Frontier:
    """Adds requests (canonical URL, seen-set check) and reports the state of one site."""

    def __init__(self, server: Redis, keys: SiteKeys, spider: Spider, *, seen_ttl: float, seen_max: int) -> None:
        self.server = server
        self.keys = keys
        self.queue = LeasedQueue(server, spider, keys, serializer)
        self.dupefilter = WindowedDupeFilter(server, keys, seen_ttl, seen_max)

    @staticmethod
    def canonical(request: Request) -> Request:
        """The request with its canonical URL and without a previous lease token."""
        request.meta.pop(LEASE_META, None)
        url = canonicalize(request.url)
        return request if url == request.url else request.replace(url=url)

    def add(self, request: Request) -> bool:
        """Queue *request* unless it was seen (``dont_filter`` requests always go in)."""
        request = self.canonical(request)
        if not request.dont_filter and self.dupefilter.request_seen(request):
            return False
        self.queue.push(request)
        return True

    def status(self) -> FrontierStatus:
        pipe = self.server.pipeline(transaction=False)
        pipe.zcard(self.keys.queue)
        pipe.hlen(self.keys.leases)
        pipe.zcard(self.keys.seen)
        pipe.get(self.keys.epoch)
        queued, leased, seen, epoch = pipe.execute()
        return FrontierStatus(self.keys.site, int(queued), int(leased), int(seen), int(epoch or 0))

    def clear(self) -> None:
        """Forget everything about the site: queue, leases, seen set, epoch, politeness state."""
        self.server.delete(*self.keys.all())

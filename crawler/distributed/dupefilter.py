"""WindowedDupeFilter: scrapy-redis' dupefilter on canonical URLs, in a bounded set.

scrapy-redis' RFPDupeFilter adds every fingerprint to one Redis set that grows forever,
and fingerprints with w3lib's ``canonicalize_url`` (it ignores Scrapy's
REQUEST_FINGERPRINTER_CLASS). Here:

* the fingerprint is taken on :func:`crawler.dedup.urls.canonicalize` (tracking
  parameters, AMP forms... removed), so two spellings of one article are one request;
* the set is a sorted set scored by the time each fingerprint was added: entries older
  than ``CRAWLER_SEEN_TTL`` are dropped, at most ``CRAWLER_SEEN_MAX`` newest are kept,
  and the key expires when nothing was added for a TTL (:data:`scripts.SEEN`);
* hub pages (feeds, sitemaps, listings) are remembered per *epoch*: each
  ``crawler enqueue`` starts a new one, so they are fetched again at each run while an
  article URL is queued once per window.
"""

from __future__ import annotations

import hashlib

from redis import Redis
from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.dedup.urls import canonicalize
from crawler.distributed import scripts
from crawler.distributed.keys import SiteKeys

__all__ = ["HUB_KINDS", "WindowedDupeFilter", "request_fingerprint"]

#: Request kinds (``meta["kind"]`` set by NewsSpider) that are fetched again at each epoch.
HUB_KINDS = frozenset({"feed", "sitemap", "listing"})


def request_fingerprint(request: Request) -> bytes:
    """16 bytes identifying the request: method, canonical URL and body."""
    digest = hashlib.blake2b(digest_size=16)
    for part in (request.method.encode("ascii"), canonicalize(request.url).encode("utf-8"), request.body or b""):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.digest()


class WindowedDupeFilter(RFPDupeFilter):
    """The seen-request set of one site (see the module docstring)."""

    def __init__(self, server: Redis, keys: SiteKeys, ttl_seconds: float, max_size: int, debug: bool = False) -> None:
        super().__init__(server, keys.seen, debug=debug)
        self.keys = keys
        self.ttl_ms = max(1000, int(ttl_seconds * 1000))
        self.max_size = max(0, max_size)
        self._seen = server.register_script(scripts.SEEN)

    def request_fingerprint(self, request: Request) -> str:
        return request_fingerprint(request).hex()

    def request_seen(self, request: Request) -> bool:
        per_epoch = "1" if request.meta.get("kind") in HUB_KINDS else "0"
        seen = self._seen(
            keys=[self.keys.seen, self.keys.epoch],
            args=[request_fingerprint(request), per_epoch, self.ttl_ms, self.max_size],
        )
        return bool(seen)

    def new_epoch(self) -> int:
        """Start a new epoch: hub pages may be queued once more."""
        return int(self.server.incr(self.keys.epoch))

    def close(self, reason: str = "") -> None:
        # RFPDupeFilter.close() deletes the set; the set is shared by every worker and run.
        pass

    def clear(self) -> None:
        self.server.delete(self.keys.seen, self.keys.epoch)

    def __len__(self) -> int:
        return int(self.server.zcard(self.keys.seen))

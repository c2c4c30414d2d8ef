"""Names of the Redis keys that hold one site's shared crawl state.

Every key of a site carries the same hash tag (``{SITE}``) so that on a Redis Cluster they
live in one slot: the Lua scripts of :mod:`crawler.distributed.scripts` touch several of
them at once.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["SiteKeys"]


@dataclass(frozen=True)
class SiteKeys:
    """The keys of one site under one deployment prefix."""

    prefix: str
    site: str

    def _key(self, name: str) -> str:
        return f"{self.prefix}:{{{self.site}}}:{name}"

    @property
    def queue(self) -> str:
        """Sorted set: serialized requests waiting, scored by -priority (scrapy-redis' layout)."""
        return self._key("queue")

    @property
    def leases(self) -> str:
        """Hash: lease token -> "score\\npayload" of each request a worker is processing."""
        return self._key("leases")

    @property
    def deadlines(self) -> str:
        """Sorted set: lease token -> deadline (Redis clock, ms); renewed while the worker lives."""
        return self._key("deadlines")

    @property
    def expiries(self) -> str:
        """Hash: SHA-1 of a request's payload -> how many of its leases expired (see REQUEUE_EXPIRED)."""
        return self._key("expiries")

    @property
    def excused(self) -> str:
        """Set: lease tokens a worker let expire on purpose (the item could not be stored)."""
        return self._key("excused")

    @property
    def dropped(self) -> str:
        """List: payloads of requests dropped after too many expired leases, newest first (capped)."""
        return self._key("dropped")

    @property
    def seen(self) -> str:
        """Sorted set: request fingerprint -> when it was first queued (ms); a sliding window."""
        return self._key("seen")

    @property
    def epoch(self) -> str:
        """Counter bumped by each ``crawler enqueue``: hub pages are seen once per epoch."""
        return self._key("epoch")

    @property
    def gate_next(self) -> str:
        """String: the earliest time (ms) the next request to the site may start."""
        return self._key("gate:next")

    @property
    def gate_inflight(self) -> str:
        """Sorted set: politeness token -> expiry (ms) of each request being downloaded."""
        return self._key("gate:inflight")

    def all(self) -> tuple[str, ...]:
        return (self.queue, self.leases, self.deadlines, self.expiries, self.excused, self.dropped, self.seen,
                self.epoch, self.gate_next, self.gate_inflight)  # fmt: skip

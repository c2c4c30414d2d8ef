"""LeasedQueue: scrapy-redis' priority queue, with leases so that no request is lost.

scrapy-redis pops a request off its queue for good: a worker killed with ``kill -9``
loses every request it had popped and not finished. Here a pop *leases* the request to
the worker (it moves, atomically, to a hash of leases with a deadline); the worker acks
the lease once everything the request produced is stored, and renews the deadlines of
the leases it holds while it lives. Leases whose deadline passed go back to the queue
(:meth:`requeue_expired`, run by every worker), so a dead worker's requests are picked
up by the others or by itself when restarted.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from redis import Redis
from scrapy import Request, Spider
from scrapy_redis.queue import Base

from crawler.distributed import scripts
from crawler.distributed.keys import SiteKeys

__all__ = ["LeasedQueue"]


class LeasedQueue(Base):
    """The request queue of one site (a Redis sorted set, scored by -priority)."""

    #: Payloads of dropped requests kept for inspection (``crawler frontier --dropped``).
    DROPPED_KEEP = 1000

    def __init__(
        self, server: Redis, spider: Spider, keys: SiteKeys, serializer: Any, *, max_expiries: int = 0
    ) -> None:
        # Base formats the key with the spider name; ours is already complete.
        super().__init__(server, spider, keys.queue.replace("%", "%%"), serializer)
        self.keys = keys
        self.max_expiries = max(0, max_expiries)
        self._ack = server.register_script(scripts.ACK)
        self._pop = server.register_script(scripts.POP_LEASE)
        self._pop_many = server.register_script(scripts.POP_MANY)
        self._renew = server.register_script(scripts.RENEW)
        self._requeue = server.register_script(scripts.REQUEUE_EXPIRED)
        self._release = server.register_script(scripts.RELEASE)

    def __len__(self) -> int:
        return int(self.server.zcard(self.key))

    def push(self, request: Request) -> None:
        # scrapy-redis' PriorityQueue.push, without the spider-dependent key.
        self.server.zadd(self.key, {self._encode_request(request): -request.priority})

    def pop(self, timeout: int = 0) -> Request | None:
        raise NotImplementedError("use pop_leased(): a plain pop would lose the request if the worker dies")

    def pop_leased(self, token: str, lease_ms: int) -> Request | None:
        """The next request, leased to *token* for *lease_ms*; None when the queue is empty."""
        data = self._pop(keys=[self.key, self.keys.leases, self.keys.deadlines], args=[token, lease_ms])
        return self._decode_request(data) if data else None

    def pop_many(self, tokens: Sequence[str], lease_ms: int) -> tuple[list[tuple[str, Request]], int, int]:
        """Up to one request per token, each leased to its token; and the numbers of
        requests still queued and leased (by any worker) after the pops."""
        if not tokens:
            return [], len(self), self.leased()
        queued, leased, *payloads = self._pop_many(
            keys=[self.key, self.keys.leases, self.keys.deadlines], args=[lease_ms, *tokens]
        )
        requests = [(token, self._decode_request(data)) for token, data in zip(tokens, payloads, strict=False)]
        return requests, int(queued), int(leased)

    def encode(self, request: Request) -> bytes:
        return bytes(self._encode_request(request))

    def ack(self, tokens: Collection[str]) -> None:
        """Forget these leases: their requests are done."""
        if tokens:
            self._ack(keys=[self.keys.leases, self.keys.deadlines, self.keys.expiries], args=list(tokens))

    def excuse(self, tokens: Collection[str]) -> None:
        """These leases will expire on purpose (their items could not be stored): their requests
        come back after the lease like a dead worker's, without counting towards a drop."""
        if tokens:
            self.server.sadd(self.keys.excused, *tokens)

    def renew(self, tokens: Collection[str], lease_ms: int) -> int:
        """Push the deadlines of these leases lease_ms into the future; how many still existed."""
        if not tokens:
            return 0
        return int(self._renew(keys=[self.keys.deadlines], args=[lease_ms, *tokens]))

    def release(self, tokens: Collection[str]) -> int:
        """Put these leased requests back in the queue now; how many were still leased."""
        if not tokens:
            return 0
        return int(self._release(keys=[self.key, self.keys.leases, self.keys.deadlines], args=list(tokens)))

    def requeue_expired(self, limit: int = 1000) -> tuple[int, int]:
        """Put the requests of expired leases back in the queue; (how many, how many were
        dropped instead: their leases had expired ``max_expiries`` times)."""
        keys = [self.key, self.keys.leases, self.keys.deadlines, self.keys.expiries, self.keys.excused,
                self.keys.dropped]  # fmt: skip
        requeued, dropped = self._requeue(keys=keys, args=[limit, self.max_expiries, self.DROPPED_KEEP])
        return int(requeued), int(dropped)

    def dropped(self, limit: int = 100) -> list[Request]:
        """The newest requests dropped after too many expired leases."""
        return [self._decode_request(data) for data in self.server.lrange(self.keys.dropped, 0, limit - 1)]

    def leased(self) -> int:
        """Requests leased by any worker (being processed, or held by a dead one)."""
        return int(self.server.hlen(self.keys.leases))

    def clear(self) -> None:
        self.server.delete(self.key, self.keys.leases, self.keys.deadlines, self.keys.expiries, self.keys.excused,
                           self.keys.dropped)  # fmt: skip

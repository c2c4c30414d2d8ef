"""RedisLane: Redis calls off the reactor thread, one after another, in the order asked.

A worker talks to Redis several times per page (take a request, queue the links found,
ask the politeness gate, mark the request done). Made on the reactor thread, each call
would stall every download and extraction of the process for a round trip, which is
milliseconds on a busy host or a remote Redis. A lane runs them on one thread of its
own: the reactor gets a Deferred, and because the thread is single, calls run in the
order they were made (the links a page produced reach Redis before the page's lease
is released).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from twisted.internet import reactor as _reactor
from twisted.internet.defer import Deferred
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

__all__ = ["RedisLane"]

T = TypeVar("T")

reactor = cast(Any, _reactor)  # zope interfaces confuse mypy about the reactor's methods


class RedisLane:
    def __init__(self, name: str) -> None:
        self._pool = ThreadPool(minthreads=1, maxthreads=1, name=name)

    def start(self) -> None:
        if not self._pool.started:
            self._pool.start()
            reactor.addSystemEventTrigger("during", "shutdown", self.stop)

    def stop(self) -> None:
        """Finish the calls already asked for, then end the thread."""
        if self._pool.started and not self._pool.joined:
            self._pool.stop()

    def call(self, func: Callable[..., T], *args: Any) -> Deferred[T]:
        """Run ``func(*args)`` on the lane; the Deferred fires on the reactor thread."""
        return deferToThreadPool(reactor, self._pool, func, *args)

"""Two hooks into Scrapy's execution engine that no public API offers (Scrapy 2.19.0, pinned).

* **When is a request done?** A worker may ack its lease only when everything the request
  produced is durable: follow-up requests pushed to Redis, items through the pipelines
  (stored: workers run with a store batch of 1), a redirect or retry pushed back to the
  queue. The engine knows that moment: it removes the request from its slot
  (``_Slot.remove_request``) after the downloader output and the whole scrape, item
  pipelines included, are finished. No signal marks it (``request_left_downloader``
  fires before the scrape; item signals miss pages that yield no item; errback output
  bypasses spider middlewares), so :func:`on_request_done` wraps that method.
* **Wake up**: the engine looks at its scheduler again only after a request finishes or
  on its 5-second heartbeat; an idle worker would leave new requests in Redis for up to
  5 s. :func:`wake` schedules the engine's next loop (``_Slot.nextcall``).

Both fail loudly at start-up (a clear RuntimeError) if a Scrapy upgrade changes them;
the worker tests (kill -9, no page fetched twice) exercise them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler

__all__ = ["on_request_done", "wake"]

logger = logging.getLogger(__name__)


def _slot(crawler: Crawler) -> Any:
    engine = crawler.engine
    slot = getattr(engine, "_slot", None) if engine is not None else None
    if slot is None or not callable(getattr(slot, "remove_request", None)) or not hasattr(slot, "nextcall"):
        raise RuntimeError(
            "crawler.distributed needs Scrapy 2.19's engine slot (_Slot.remove_request, _Slot.nextcall): "
            "this Scrapy version changed it; see crawler/distributed/engine_hooks.py"
        )
    return slot


def on_request_done(crawler: Crawler, callback: Callable[[Request], None]) -> None:
    """Call *callback(request)* when the engine is completely done with a request."""
    slot = _slot(crawler)
    original = slot.remove_request

    def remove_request(request: Request) -> None:
        try:
            callback(request)
        except Exception:  # a failed ack only means the request may be fetched again
            logger.exception("could not mark %s done", request)
        original(request)

    slot.remove_request = remove_request


def wake(crawler: Crawler) -> None:
    """Make the engine ask the scheduler for requests at its next loop."""
    engine = crawler.engine
    slot = getattr(engine, "_slot", None) if engine is not None else None
    if slot is not None and slot.closing is None:
        slot.nextcall.schedule()

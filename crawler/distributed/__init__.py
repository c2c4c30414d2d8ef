"""Fanning one site out over many worker processes and hosts, through Redis and scrapy-redis.

``crawler enqueue SITE`` seeds the site's shared queue (:mod:`.seed`); each
``crawler worker SITE`` runs a :class:`~.spider.WorkerSpider` whose scheduler
(:class:`~.scheduler.LeasedScheduler`, built on scrapy-redis) leases requests from that
queue and pushes the links it finds back into it, through a bounded seen-request set
(:class:`~.dupefilter.WindowedDupeFilter`); a downloader middleware keeps the site's
delay and concurrency global (:class:`~.politeness.SharedPolitenessMiddleware`).
Articles go to the shared database as in a one-process crawl. See docs/scaling.md.

scrapy-redis 0.9.1 (2024) on Scrapy 2.19, as checked: its ``Scheduler``, ``RFPDupeFilter``
and ``queue.Base`` work and are subclassed here (pinned exactly in pyproject.toml), with
the parts that lose requests, grow without bound or pass the deprecated ``spider``
argument overridden. Not used: ``RedisSpider`` (only a synchronous ``start_requests()``,
no async ``start()``, and it reads start URLs from a second Redis list), ``RedisPipeline``
(``process_item(item, spider)``: a ScrapyDeprecationWarning on 2.19; items go to the
database here), and its pickle serializer (JSON instead, :mod:`.serializer`).
"""

from __future__ import annotations

from scrapy.settings import Settings

__all__ = ["apply_worker_settings"]

#: Scrapy settings of a worker process, on top of the project's.
WORKER_SETTINGS: dict[str, object] = {
    "SCHEDULER": "crawler.distributed.scheduler.LeasedScheduler",
    # A lease is acked when the engine is done with its request; items wait for their
    # article's commit (group commit), so a killed worker loses nothing it acked.
    "CRAWLER_STORE_WAIT": True,
    # Responses waiting for extraction are leased requests a killed worker would leave to
    # the others after the lease expires: keep that backlog short.
    "SCRAPER_SLOT_MAX_ACTIVE_SIZE": 1_000_000,
    "CRAWLER_COMMAND": "worker",
}

_POLITENESS = "crawler.distributed.politeness.SharedPolitenessMiddleware"
_DEDUP, _WORKER_DEDUP = "crawler.pipelines.DedupPipeline", "crawler.distributed.pipelines.WorkerDedupPipeline"


def apply_worker_settings(settings: Settings) -> Settings:
    """Turn project settings into a worker's (in place; also returned)."""
    for key, value in WORKER_SETTINGS.items():
        settings.set(key, value, priority="cmdline")
    middlewares = dict(settings.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares[_POLITENESS] = 950
    settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="cmdline")
    pipelines = dict(settings.getdict("ITEM_PIPELINES"))
    if _DEDUP in pipelines:
        pipelines[_WORKER_DEDUP] = pipelines.pop(_DEDUP)
    settings.set("ITEM_PIPELINES", pipelines, priority="cmdline")
    return settings

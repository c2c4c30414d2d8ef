"""RunRecorder: one row per crawl run in the ``runs`` table."""

from __future__ import annotations

import logging
import os
import socket
from collections import Counter
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.memusage import MemoryUsage
from scrapy.utils.asyncio import run_in_thread

from crawler.db.engine import connect
from crawler.db.history import RunHistory
from crawler.db.repository import Repository
from crawler.outcome import exit_code, run_status
from crawler.procmem import anon_rss_bytes

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

__all__ = ["AnonMemoryUsage", "FirstErrorHandler", "RunRecorder", "run_mode", "run_values"]

logger = logging.getLogger(__name__)


class FirstErrorHandler(logging.Handler):
    """Keeps the first ERROR-level log message of a run (its first line)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.first: str | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.first is None:
            try:
                message = record.getMessage()
            except Exception:  # a broken log call must not break the crawl
                message = str(record.msg)
            if record.exc_info and record.exc_info[1] is not None:
                message += f" ({type(record.exc_info[1]).__name__}: {record.exc_info[1]})"
            self.first = message.strip().splitlines()[0][:500] if message.strip() else None


class AnonMemoryUsage(MemoryUsage):
    """Scrapy's memory bound (``MEMUSAGE_LIMIT_MB`` = ``CRAWLER_MAX_MEMORY_MB``, checked
    every ``MEMUSAGE_CHECK_INTERVAL_SECONDS``) against the process's anonymous memory
    (``RssAnon``) instead of its peak RSS.

    The RSS also counts file pages mapped in: the near-duplicate look-ups read a SQLite
    database through a memory map (``crawler.db.engine.map_for_lookups``), whose resident
    pages are the OS page cache, reclaimable at any time, and would otherwise stop a crawl
    against a large database for memory it does not own. Where ``/proc`` does not give
    ``RssAnon``, Scrapy's own measure (peak RSS) is used.
    """

    def get_virtual_size(self) -> int:
        anon = anon_rss_bytes()
        return super().get_virtual_size() if anon is None else anon


def run_values(
    stats: dict[str, Any], reason: str | None, first_error: str | None, *, max_errors: int = -1
) -> dict[str, Any]:
    """The ``runs`` row columns computed from a crawl's final stats."""
    by_class: Counter[str] = Counter()
    blocked = 0
    for key, value in stats.items():
        if key.startswith("downloader/response_status_count/"):
            code = key.rsplit("/", 1)[1]
            by_class[code[0] + "xx"] += int(value)
            if code in ("403", "429"):
                blocked += int(value)
    dropped = {k.split("/", 2)[2]: int(v) for k, v in stats.items() if k.startswith("crawler/dropped/")}
    errors = int(stats.get("log_count/ERROR", 0))
    status, why = run_status(stats, reason, max_errors=max_errors)
    return {
        "status": status,
        "finish_reason": reason,
        "exit_code": exit_code([status]),
        "requests": int(stats.get("downloader/request_count", 0)),
        "responses": int(stats.get("downloader/response_count", 0)),
        "responses_by_status": dict(by_class),
        "blocked": blocked,
        "articles_new": int(stats.get("crawler/articles/new", 0)),
        "articles_updated": int(stats.get("crawler/articles/updated", 0)),
        "articles_duplicate": int(stats.get("crawler/articles/duplicate", 0)),
        "articles_unchanged": int(stats.get("crawler/articles/unchanged", 0)),
        "skipped_known": int(stats.get("crawler/skipped/known", 0)),
        "not_modified": sum(int(v) for k, v in stats.items() if k.startswith("crawler/not_modified/")),
        "dropped": dropped,
        "errors": errors,
        "first_error": first_error or (why if status == "failed" else None),
        "stats": {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in stats.items()},
    }


def run_mode(settings: BaseSettings) -> str:
    """incremental / full / since DATE, as recorded in the run row."""
    if not settings.getbool("CRAWLER_INCREMENTAL", True):
        return "full"
    since = settings.get("CRAWLER_SINCE")
    return f"since {since}" if since else "incremental"


class RunRecorder:
    """Writes a ``running`` row when the spider opens and completes it when it closes."""

    def __init__(self, crawler: Crawler, database_url: str, command: str, log_path: str | None) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.command = command
        self.log_path = log_path
        self.repo: Repository | None = None
        self.run_id: int | None = None
        self.errors = FirstErrorHandler()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        url = crawler.settings.get("CRAWLER_DATABASE_URL")
        if not url or crawler.settings.getbool("CRAWLER_DRY_RUN"):
            raise NotConfigured("CRAWLER_DATABASE_URL is not set, or this is a dry run")
        ext = cls(crawler, url, crawler.settings.get("CRAWLER_COMMAND", "crawl"), crawler.settings.get("LOG_FILE"))
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    async def spider_opened(self) -> None:
        logging.getLogger().addHandler(self.errors)
        spider = self.crawler.spider
        sites = getattr(spider, "site_name", None) or "-"
        engine = await run_in_thread(connect, self.database_url)
        self.repo = Repository(engine)
        self.run_id = await run_in_thread(
            self.repo.start_run,
            sites=sites,
            command=self.command,
            host=socket.gethostname(),
            pid=os.getpid(),
            log_path=self.log_path,
            mode=run_mode(self.crawler.settings),
        )
        self.crawler.stats.set_value("crawler/run_id", self.run_id)
        if sites in self.crawler.settings.getlist("CRAWLER_LOCKED_SITES"):
            # This process holds the site's lock, so a "running" row of the site is a run that died
            # without closing (kill -9, power loss): say so instead of leaving it "running" forever.
            killed = await run_in_thread(RunHistory(self.repo.engine).mark_killed_runs, sites, self.run_id)
            if killed:
                logger.warning("%s: %d earlier run(s) had died without finishing: marked killed", sites, killed)

    async def spider_closed(self, reason: str) -> None:
        logging.getLogger().removeHandler(self.errors)
        if self.repo is None or self.run_id is None:
            return
        values = run_values(
            self.crawler.stats.get_stats(),
            reason,
            self.errors.first,
            max_errors=self.crawler.settings.getint("CRAWLER_MAX_ERRORS", -1),
        )
        try:
            await run_in_thread(self.repo.finish_run, self.run_id, **values)
        finally:
            self.repo.engine.dispose()

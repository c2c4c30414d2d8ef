"""``crawler worker``, ``crawler enqueue`` and ``crawler frontier``: one site over many processes.

The site's request queue and seen-request set live in Redis (``--redis`` /
CRAWLER_REDIS_URL); articles go to the shared database (``--db``). See docs/scaling.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from crawler.cli.common import UserError, db_option, emit, format_option, sites_option
from crawler.cli.crawl import _LOG_LEVELS, _crawl_settings, _select_sites, summary_lines
from crawler.runner import CrawlResult

F = TypeVar("F", bound=Callable[..., Any])

FRONTIER_COLUMNS = ("site", "queued", "leased", "seen", "epoch", "dropped")
DROPPED_COLUMNS = ("site", "url", "kind")


def _require_redis() -> None:
    try:
        import redis  # noqa: F401
        import scrapy_redis  # noqa: F401
    except ImportError as exc:
        raise UserError(
            f"this command needs the 'redis' extra ({exc.name} is missing): pip install 'arabic-news-crawler[redis]'",
            2,
        ) from None


def _settings_value(name: str) -> Any:
    from crawler import settings

    return getattr(settings, name)


def redis_options(func: F) -> F:
    func = click.option(
        "--redis-prefix",
        "prefix",
        metavar="PREFIX",
        default=lambda: _settings_value("CRAWLER_REDIS_PREFIX"),
        show_default="CRAWLER_REDIS_PREFIX or crawler",
        help="Prefix of the Redis keys (one per deployment sharing a Redis server).",
    )(func)
    return click.option(
        "--redis",
        "redis_url",
        metavar="URL",
        default=lambda: _settings_value("CRAWLER_REDIS_URL"),
        show_default="CRAWLER_REDIS_URL or redis://127.0.0.1:6379/0",
        help="Redis server holding the shared request queues.",
    )(func)


def _frontier(server: Any, prefix: str, site: Any) -> Any:
    from crawler.distributed.frontier import Frontier
    from crawler.distributed.keys import SiteKeys
    from crawler.spiders.news import NewsSpider

    spider = NewsSpider(site=site.name)
    spider.site = site
    return Frontier(
        server, SiteKeys(prefix, site.name), spider,
        seen_ttl=_settings_value("CRAWLER_SEEN_TTL"), seen_max=_settings_value("CRAWLER_SEEN_MAX"),
        max_expiries=_settings_value("CRAWLER_LEASE_MAX_EXPIRIES"),
    )  # fmt: skip


@click.command("enqueue")
@click.argument("site_names", metavar="[SITE]...", nargs=-1)
@sites_option
@redis_options
def enqueue(site_names: tuple[str, ...], sites_file: str, redis_url: str, prefix: str) -> None:
    """Queue the feeds, sitemaps and listing pages of the named sites (all when none is
    named) for `crawler worker` processes.

    Each run starts a new round: hub pages are fetched again, article URLs already queued
    within CRAWLER_SEEN_TTL are not. Run it from cron as you would run `crawler crawl`.

    \b
    Example:
      crawler enqueue --sites sites.toml aljazeera && crawler worker --sites sites.toml aljazeera
    """
    _require_redis()
    from crawler.distributed.connection import connect_redis
    from crawler.distributed.seed import enqueue_site

    sites = _select_sites(sites_file, site_names)
    server = connect_redis(redis_url)
    for site in sites.values():
        frontier = _frontier(server, prefix, site)
        result = enqueue_site(frontier, frontier.queue.spider)
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(result.queued.items())) or "none"
        status = frontier.status()
        click.echo(
            f"{site.name}: round {result.epoch}, queued {sum(result.queued.values())} seed request(s) ({kinds}); "
            f"frontier: {status.queued} queued, {status.leased} leased"
        )


def _worker_failed(result: CrawlResult) -> bool:
    """A worker fails when it could not start, ended abnormally, or the site never answered.

    Stopping on SIGTERM is how a worker is meant to stop; finding nothing to do is not a failure,
    and neither is drawing only a dead link (a 404) from the shared queue: the site answered.
    A worker whose requests all failed (no answer, or only 5xx) failed.
    """
    if result.error or result.finish_reason not in ("finished", "shutdown"):
        return True
    answered = sum(
        int(value)
        for key, value in result.stats.items()
        if key.startswith("downloader/response_status_count/") and not key.rsplit("/", 1)[1].startswith("5")
    )
    return result.count("downloader/request_count") > 0 and answered == 0


@click.command("worker")
@click.argument("site_name", metavar="SITE")
@sites_option
@db_option
@redis_options
@click.option("--idle-exit", type=click.FloatRange(0), default=None, metavar="SECONDS",
              help="Exit once the site's queue has been empty, with nothing leased, this long; 0: never exit. "
                   "[default: CRAWLER_WORKER_IDLE_SECONDS or 30]")  # fmt: skip
@click.option("--log-level", type=_LOG_LEVELS, default="WARNING", show_default=True, help="Log level on stderr.")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None, help="Write the crawl log to this file.")
@click.pass_context
def worker(ctx: click.Context, site_name: str, sites_file: str, db_url: str, redis_url: str, prefix: str,
           idle_exit: float | None, log_level: str, log_file: str | None) -> None:  # fmt: skip
    """Crawl SITE from its shared queue in Redis, together with any number of other workers.

    Start as many as you like, on any hosts that reach the same Redis and database; seed
    the queue with `crawler enqueue SITE`. The site's download_delay and concurrency are
    shared by all its workers. SIGTERM stops a worker cleanly (what it holds goes back to
    the queue); a killed worker's requests are taken up by the others after
    CRAWLER_LEASE_SECONDS. Exit code 0 when it finished or was stopped, 1 when it failed.

    \b
    Example:
      crawler worker --sites sites.toml --db postgresql+psycopg://crawler@db/news aljazeera
    """
    _require_redis()
    from crawler.db.engine import connect
    from crawler.distributed import apply_worker_settings
    from crawler.distributed.connection import connect_redis
    from crawler.distributed.spider import WorkerSpider
    from crawler.runner import run_crawls

    _select_sites(sites_file, (site_name,))
    connect(db_url).dispose()
    connect_redis(redis_url).close()
    extra: dict[str, Any] = {"CRAWLER_REDIS_URL": redis_url, "CRAWLER_REDIS_PREFIX": prefix}
    if idle_exit is not None:
        extra["CRAWLER_WORKER_IDLE_SECONDS"] = idle_exit
    settings = apply_worker_settings(_crawl_settings(db_url, sites_file, log_level, log_file, **extra))
    [result] = run_crawls([{"site": site_name}], settings, spider_cls=WorkerSpider)
    click.echo("\n".join(summary_lines(result)))
    if _worker_failed(result):
        ctx.exit(1)


@click.command("frontier")
@click.argument("site_names", metavar="[SITE]...", nargs=-1)
@sites_option
@redis_options
@click.option("--clear", is_flag=True, help="Forget the named sites' queue, leases and seen set (names required).")
@click.option("--dropped", "show_dropped", is_flag=True,
              help="List the requests dropped after CRAWLER_LEASE_MAX_EXPIRIES expired leases instead.")  # fmt: skip
@format_option(["table", "json", "jsonl", "csv"], "table")
def frontier(site_names: tuple[str, ...], sites_file: str, redis_url: str, prefix: str, clear: bool,
             show_dropped: bool, fmt: str) -> None:  # fmt: skip
    """Show each site's shared queue in Redis: requests queued and leased, URLs in the
    seen window, enqueue rounds, requests dropped because every worker that took them died
    or hung (`--dropped` lists them).

    \b
    Example:
      crawler frontier --sites sites.toml --format json
    """
    _require_redis()
    from crawler.distributed.connection import connect_redis

    if clear and not site_names:
        raise UserError("--clear needs the names of the sites to clear", 2)
    sites = _select_sites(sites_file, site_names)
    server = connect_redis(redis_url)
    records: list[dict[str, Any]] = []
    for site in sites.values():
        front = _frontier(server, prefix, site)
        if clear:
            front.clear()
        if show_dropped:
            records.extend({"site": site.name, "url": r.url, "kind": r.meta.get("kind", "")}
                           for r in front.queue.dropped(limit=front.queue.DROPPED_KEEP))  # fmt: skip
        else:
            records.append(front.status().as_dict())
    if show_dropped:
        emit(records, fmt, DROPPED_COLUMNS, title="dropped requests")
    else:
        emit(records, fmt, FRONTIER_COLUMNS, title="shared frontier")


COMMANDS = [enqueue, worker, frontier]

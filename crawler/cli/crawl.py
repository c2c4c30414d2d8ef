"""``crawler crawl``, ``crawler fetch`` and ``crawler demo``: commands that run the spider."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from crawler.cli.common import UserError, db_option, parse_when, sites_option
from crawler.exceptions import ConfigError, FetchError, LockHeldError
from crawler.sites import SiteConfig, load_sites

# Scrapy, SQLAlchemy and the runner are imported inside the commands: `crawler crawl` takes
# its site locks first, so that a run whose site is locked answers in a fraction of a second.
if TYPE_CHECKING:
    from crawler.items import Article
    from crawler.locks import SiteLocks
    from crawler.runner import CrawlResult

_LOG_LEVELS = click.Choice(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], case_sensitive=False)


def _select_sites(sites_file: str, names: tuple[str, ...]) -> dict[str, SiteConfig]:
    sites = load_sites(sites_file)
    unknown = [n for n in names if n not in sites]
    if unknown:
        raise ConfigError(f"{sites_file}: no site named {unknown[0]!r} (known: {', '.join(sites)})")
    return {n: sites[n] for n in names} if names else sites


def summary_lines(result: CrawlResult) -> list[str]:
    """A few lines describing one crawl, for the terminal and cron mail."""
    c = result.count
    lines = [
        f"{result.name}: {'FAILED' if result.failed else 'finished'}"
        f" ({result.why or result.finish_reason or result.error or 'did not start'})",
        f"  pages fetched {c('downloader/response_count')}, requests {c('downloader/request_count')}",
        f"  articles new {c('crawler/articles/new')}, updated {c('crawler/articles/updated')}, "
        f"unchanged {c('crawler/articles/unchanged')}, duplicate {c('crawler/articles/duplicate')}",
    ]
    dropped = {k.split("/", 2)[2]: v for k, v in result.stats.items() if k.startswith("crawler/dropped/")}
    if dropped:
        lines.append("  dropped " + ", ".join(f"{k} {v}" for k, v in sorted(dropped.items())))
    failed = {k.split("/", 2)[2]: v for k, v in result.stats.items() if k.startswith("crawler/failed/")}
    skipped = {k.split("/", 2)[2]: v for k, v in result.stats.items() if k.startswith("crawler/skipped/")}
    not_modified = sum(int(v) for k, v in result.stats.items() if k.startswith("crawler/not_modified/"))
    if failed:
        lines.append("  failed requests " + ", ".join(f"{k} {v}" for k, v in sorted(failed.items())))
    if skipped:
        lines.append("  skipped " + ", ".join(f"{k} {v}" for k, v in sorted(skipped.items())))
    if not_modified:
        lines.append(f"  not modified (304) {not_modified}")
    errors = c("log_count/ERROR")
    if errors:
        lines.append(f"  errors {errors}")
    if result.error:
        lines.append(f"  error: {result.error}")
    return lines


def failure_lines(result: CrawlResult, log_file: str | None) -> list[str]:
    """The short account of a failed site that goes to stderr (cron mails it)."""
    lines = [f"crawler crawl: {result.name} {result.status.upper()}: {result.why}"]
    first = result.stats.get("crawler/first_failure")
    if first:
        lines.append(f"  first failed request: {first}")
    lines.extend(line for line in summary_lines(result)[1:3])
    if log_file:
        lines.append(f"  log: {log_file}")
    return lines


def _crawl_settings(db_url: str, sites_file: str | None, log_level: str, log_file: str | None, **extra: Any) -> Any:
    from crawler.runner import build_settings

    return build_settings(
        {
            "CRAWLER_DATABASE_URL": db_url,
            "CRAWLER_SITES": sites_file or None,
            "LOG_LEVEL": log_level.upper(),
            "LOG_FILE": log_file,
            **extra,
        }
    )


def _default_log_dir() -> str:
    from crawler import settings

    return settings.CRAWLER_LOG_DIR


@click.command("crawl")
@click.argument("site_names", metavar="[SITE]...", nargs=-1)
@sites_option
@db_option
@click.option("--full", is_flag=True, help="Ignore what is stored: fetch every article found, no conditional requests.")
@click.option(
    "--since",
    metavar="DATE",
    default=None,
    help="Skip feed/sitemap entries dated before DATE (2025-07-01, 2025-07-01T06:00+03:00, 3d, 12h).",
)
@click.option("--shard", metavar="I/N", default=None, help="Crawl only share I of N of the sites (one share per host).")
@click.option(
    "--log-dir",
    type=click.Path(file_okay=False),
    default=_default_log_dir,
    show_default="CRAWLER_LOG_DIR",
    help="Write each run's log to a new file in this folder.",
)
@click.option("--log-file", type=click.Path(dir_okay=False), default=None, help="Write the crawl log to this file.")
@click.option(
    "--log-level", type=_LOG_LEVELS, default=None, help="Log level (default: WARNING on stderr, INFO in a log file)."
)
@click.option(
    "-q", "--quiet", is_flag=True, help="Print nothing unless a site failed (for cron: its mail then says what broke)."
)
@click.option(
    "--max-time",
    metavar="SECONDS",
    type=click.FloatRange(min=0),
    default=None,
    show_default="CRAWLER_MAX_TIME, 7200",
    help="Stop each site's run after this many seconds, keeping what it stored (it then ended early: exit 1). "
    "0: no limit.",
)
@click.pass_context
def crawl(ctx: click.Context, site_names: tuple[str, ...], sites_file: str, db_url: str, full: bool,
          since: str | None, shard: str | None, log_dir: str, log_file: str | None, log_level: str | None,
          quiet: bool, max_time: float | None) -> None:  # fmt: skip
    """Crawl the named sites (all sites when none is named) once and store new and changed articles.

    Incremental: stored articles are not fetched again unless young enough to be edited or
    dated newer by the sitemap; feeds, sitemaps and listing pages are asked for with
    If-None-Match / If-Modified-Since. Each site is locked for the run.

    \b
    Exit codes:
      0   every site finished
      1   a site failed (could not start, nothing answered, too many errors, ended early
          by --max-time or CRAWLER_MAX_MEMORY_MB, interrupted)
      2   usage or configuration error
      75  another run holds the lock of the site(s): try again later

    With --shard I/N, only the sites that fall to shard I of N are crawled: N hosts
    sharing one database, each with its own I, crawl every site once.

    \b
    Example:
      crawler crawl --sites examples/sites.toml --log-dir logs --quiet aljazeera bbc-arabic
    """
    from crawler import settings as defaults
    from crawler.locks import SiteLocks
    from crawler.sharding import parse_shard, shard_sites

    since_at = parse_when(since, "--since")
    names = list(_select_sites(sites_file, site_names))
    if shard:
        names = shard_sites(names, *parse_shard(shard))
        if not names:
            if not quiet:
                click.echo(f"shard {shard}: no site to crawl", err=True)
            return
    try:
        with SiteLocks(db_url, names, defaults.CRAWLER_LOCK_DIR or None) as locks:
            for name in locks.busy:
                if not quiet:
                    click.echo(f"{name}: skipped, another run holds its lock", err=True)
            code = _crawl_locked(locks, db_url, sites_file, full=full, since=since_at.isoformat() if since_at else None,
                                 log_dir=log_dir, log_file=log_file, log_level=log_level, quiet=quiet,
                                 max_time=max_time)  # fmt: skip
    except LockHeldError:
        if quiet:  # overlapping cron runs are expected: `crawler health` reports a site stuck for long
            ctx.exit(75)
        raise
    ctx.exit(code)


def _crawl_locked(locks: SiteLocks, db_url: str, sites_file: str, *, full: bool, since: str | None, log_dir: str,
                  log_file: str | None, log_level: str | None, quiet: bool,
                  max_time: float | None = None) -> int:  # fmt: skip
    from crawler import settings as defaults
    from crawler.db.engine import connect
    from crawler.outcome import exit_code
    from crawler.runlog import new_log_path, prune_logs
    from crawler.runner import run_crawls

    connect(db_url).dispose()  # fail fast, with one line, when the database is unreachable
    if log_dir and not log_file:
        log_file = str(new_log_path(log_dir, locks.held))
        prune_logs(log_dir, defaults.CRAWLER_LOG_KEEP_DAYS)
    level = log_level or ("INFO" if log_file else "WARNING")
    settings = _crawl_settings(
        db_url, sites_file, level, log_file,
        CRAWLER_INCREMENTAL=False if full else None,
        CRAWLER_SINCE=since,
        CRAWLER_MAX_TIME=max_time,
        CRAWLER_LOCKED_SITES=list(locks.held),
    )  # fmt: skip
    results = run_crawls([{"site": name} for name in locks.held], settings)
    if not quiet:
        for result in results:
            click.echo("\n".join(summary_lines(result)))
    failed = [r for r in results if r.failed]
    for result in failed:
        click.echo("\n".join(failure_lines(result, log_file)), err=True)
    if failed and len(results) > 1:
        click.echo(f"{len(failed)} of {len(results)} site(s) failed: {', '.join(r.name for r in failed)}", err=True)
    return exit_code([r.status for r in results], locked=len(locks.busy))


def _article_text(article: Article) -> str:
    lines = [f"# {article.title or '(no title)'}", f"url: {article.url}"]
    for key in ("canonical_url", "site", "published", "modified", "section", "source", "lang", "duplicate_of"):
        value = getattr(article, key)
        if value:
            lines.append(f"{key}: {value}")
    for key in ("authors", "tags"):
        values = getattr(article, key)
        if values:
            lines.append(f"{key}: {'، '.join(values)}")
    lines.append("")
    lines.append(article.body or "")
    for key in ("read_also", "related"):
        links = getattr(article, key)
        if links:
            lines.append("")
            lines.append(f"{key}:")
            lines.extend(f"  - {link['title']} {link.get('url') or ''}".rstrip() for link in links)
    return "\n".join(lines)


@click.command("fetch")
@click.argument("url")
@sites_option
@db_option
@click.option("--dry-run", is_flag=True, help="Extract and check for duplicates, but store nothing.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: readable; json: every article field.",
)
@click.option("--log-level", type=_LOG_LEVELS, default="CRITICAL", show_default=True, help="Log level on stderr.")
def fetch(url: str, sites_file: str, db_url: str, dry_run: bool, fmt: str, log_level: str) -> None:
    """Fetch one article URL through extraction, deduplication and storage; print the article.

    The URL's site settings are taken from the sites file when it names the site.

    \b
    Example:
      crawler fetch https://www.aljazeera.net/news/2025/7/21/... --dry-run --format json
    """
    from crawler.db.engine import connect
    from crawler.discover import safe_http_url
    from crawler.runner import run_crawls

    if not safe_http_url(url):
        raise UserError(f"not an http(s) URL: {url!r}", 2)
    if sites_file:
        load_sites(sites_file)  # a broken sites file is reported before anything is fetched
    if not dry_run:
        connect(db_url).dispose()
    settings = _crawl_settings(
        db_url, sites_file, log_level, None,
        CRAWLER_DRY_RUN=dry_run, CRAWLER_STORE_BATCH_SIZE=1, CRAWLER_COMMAND="fetch", RETRY_TIMES=1,
        CRAWLER_EXTRACT_WORKERS=0,  # one page: starting worker processes would cost more than it saves
    )  # fmt: skip
    [result] = run_crawls([{"url": url}], settings, keep_items=True)
    if not result.items:
        raise FetchError(f"no article stored from {url}: {_why_nothing(result)}")
    article = result.items[0]
    if fmt == "json":
        click.echo(json.dumps(article.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(_article_text(article))


def _why_nothing(result: CrawlResult) -> str:
    if result.error:
        return result.error
    if result.dropped:
        return result.dropped[0].split(":", 1)[0].replace("_", " ")
    if result.stats.get("crawler/first_failure"):
        return str(result.stats["crawler/first_failure"]).rsplit(" (", 1)[0]
    for key in sorted(result.stats):
        if key.startswith("crawler/skipped/"):
            return key.rsplit("/", 1)[1].replace("_", " ")
    if result.count("downloader/response_count") == 0:
        return "the server did not answer"
    return "the page is not an article"


@click.command("demo")
@db_option
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="Port for the demo site (0: any free port).")
@click.option("--log-level", type=_LOG_LEVELS, default="WARNING", show_default=True, help="Log level on stderr.")
@click.pass_context
def demo(ctx: click.Context, db_url: str, port: int, log_level: str) -> None:
    """Serve the bundled Arabic demo site on 127.0.0.1 and crawl it into the database.

    No network is needed. Afterwards, `crawler query` shows the stored articles.

    \b
    Example:
      crawler demo && crawler query
    """
    from crawler.db.engine import connect
    from crawler.demo.server import SiteServer
    from crawler.demo.site import build_demo_site, demo_sites_toml
    from crawler.runner import run_crawls

    connect(db_url).dispose()
    routes: dict[str, Any] = {}
    with SiteServer(routes, port=port) as server, tempfile.TemporaryDirectory() as tmp:
        routes.update(build_demo_site(server.base_url))
        sites_file = Path(tmp) / "demo-sites.toml"
        sites_file.write_text(demo_sites_toml(server.base_url), encoding="utf-8")
        click.echo(f"demo site at {server.base_url}/ ; crawling it into {db_url}", err=True)
        settings = _crawl_settings(db_url, str(sites_file), log_level, None)
        [result] = run_crawls([{"site": "demo"}], settings)
    click.echo("\n".join(summary_lines(result)))
    click.echo("next: crawler query   (or: crawler query --format json)", err=True)
    if result.failed:
        ctx.exit(1)


COMMANDS = [crawl, fetch, demo]

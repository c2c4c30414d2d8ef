"""``crawler crawl``, ``crawler fetch`` and ``crawler demo``: commands that run the spider."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import click

from crawler.cli.common import UserError, db_option, sites_option
from crawler.db.engine import connect
from crawler.exceptions import ConfigError, FetchError
from crawler.items import Article
from crawler.runner import CrawlResult, build_settings, run_crawls
from crawler.sites import SiteConfig, load_sites

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
        f" ({result.finish_reason or result.error or 'did not start'})",
        f"  pages fetched {c('downloader/response_count')}, requests {c('downloader/request_count')}",
        f"  articles new {c('crawler/articles/new')}, updated {c('crawler/articles/updated')}, "
        f"unchanged {c('crawler/articles/unchanged')}, duplicate {c('crawler/articles/duplicate')}",
    ]
    dropped = {k.split("/", 2)[2]: v for k, v in result.stats.items() if k.startswith("crawler/dropped/")}
    if dropped:
        lines.append("  dropped " + ", ".join(f"{k} {v}" for k, v in sorted(dropped.items())))
    failed = {k.split("/", 2)[2]: v for k, v in result.stats.items() if k.startswith("crawler/failed/")}
    skipped = {k.split("/", 2)[2]: v for k, v in result.stats.items() if k.startswith("crawler/skipped/")}
    if failed:
        lines.append("  failed requests " + ", ".join(f"{k} {v}" for k, v in sorted(failed.items())))
    if skipped:
        lines.append("  skipped " + ", ".join(f"{k} {v}" for k, v in sorted(skipped.items())))
    errors = c("log_count/ERROR")
    if errors:
        lines.append(f"  errors {errors}")
    if result.error:
        lines.append(f"  error: {result.error}")
    return lines


def _crawl_settings(db_url: str, sites_file: str | None, log_level: str, log_file: str | None, **extra: Any) -> Any:
    return build_settings(
        {
            "CRAWLER_DATABASE_URL": db_url,
            "CRAWLER_SITES": sites_file or None,
            "LOG_LEVEL": log_level.upper(),
            "LOG_FILE": log_file,
            **extra,
        }
    )


@click.command("crawl")
@click.argument("site_names", metavar="[SITE]...", nargs=-1)
@sites_option
@db_option
@click.option("--log-level", type=_LOG_LEVELS, default="WARNING", show_default=True, help="Log level on stderr.")
@click.option("--log-file", type=click.Path(dir_okay=False), default=None, help="Write the crawl log to this file.")
@click.pass_context
def crawl(ctx: click.Context, site_names: tuple[str, ...], sites_file: str, db_url: str, log_level: str,
          log_file: str | None) -> None:  # fmt: skip
    """Crawl the named sites (all sites when none is named) once and store new and changed articles.

    Prints a summary per site. Exit code 0 when every site finished, 1 when a site failed
    (could not start, or no request succeeded), 2 for a usage or configuration error.

    \b
    Example:
      crawler crawl --sites examples/sites.toml aljazeera bbc-arabic
    """
    sites = _select_sites(sites_file, site_names)
    connect(db_url).dispose()  # fail fast, with one line, when the database is unreachable
    settings = _crawl_settings(db_url, sites_file, log_level, log_file)
    results = run_crawls([{"site": name} for name in sites], settings)
    for result in results:
        click.echo("\n".join(summary_lines(result)))
    failed = [r for r in results if r.failed]
    if failed:
        click.echo(f"{len(failed)} of {len(results)} site(s) failed: {', '.join(r.name for r in failed)}", err=True)
        ctx.exit(1)


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
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--log-level", type=_LOG_LEVELS, default="CRITICAL", show_default=True, help="Log level on stderr.")
def fetch(url: str, sites_file: str, db_url: str, dry_run: bool, fmt: str, log_level: str) -> None:
    """Fetch one article URL through extraction, deduplication and storage; print the article.

    The URL's site settings are taken from the sites file when it names the site.

    \b
    Example:
      crawler fetch https://www.aljazeera.net/news/2025/7/21/... --dry-run --format json
    """
    from crawler.discover import safe_http_url

    if not safe_http_url(url):
        raise UserError(f"not an http(s) URL: {url!r}", 2)
    if sites_file:
        load_sites(sites_file)  # a broken sites file is reported before anything is fetched
    if not dry_run:
        connect(db_url).dispose()
    settings = _crawl_settings(
        db_url, sites_file, log_level, None,
        CRAWLER_DRY_RUN=dry_run, CRAWLER_STORE_BATCH_SIZE=1, CRAWLER_COMMAND="fetch", RETRY_TIMES=1,
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
    from crawler.demo.server import SiteServer
    from crawler.demo.site import build_demo_site, demo_sites_toml

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

"""``crawler health``: one line per unhealthy site, for a monitoring system or cron."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import click

from crawler.cli.common import UserError, db_option, sites_option
from crawler.health import HealthPolicy, check_site, format_age, parse_age


def _age(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    try:
        parse_age(value)
    except ValueError:
        raise click.BadParameter(f"{value!r}: expected a duration such as 90m, 2h or 1d") from None
    return value


@click.command("health")
@sites_option
@db_option
@click.option("--site", "only", multiple=True, metavar="NAME", help="Check only this site (repeatable).")
@click.option(
    "--max-age",
    default="2h",
    show_default=True,
    callback=_age,
    help="Unhealthy without a finished run for this long (90m, 2h, 1d).",
)
@click.option(
    "--max-empty-runs",
    type=click.IntRange(0),
    default=3,
    show_default=True,
    help="Unhealthy when this many finished runs in a row stored no new article (0: off).",
)
@click.option(
    "--max-blocked-share",
    type=click.FloatRange(0, 1),
    default=0.2,
    show_default=True,
    help="Unhealthy when this share of the last run's responses were 403/429.",
)
@click.option(
    "--min-blocked",
    type=click.IntRange(1),
    default=5,
    show_default=True,
    help="...and there were at least this many of them.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: one line per site; json: every check of every site.",
)
@click.pass_context
def health(ctx: click.Context, sites_file: str, db_url: str, only: tuple[str, ...], max_age: str,
           max_empty_runs: int, max_blocked_share: float, min_blocked: int, fmt: str) -> None:  # fmt: skip
    """Check every site's recent runs; exit 1 with one line per unhealthy site, 0 and one OK line otherwise.

    Sites come from the sites file when one is given (so a site that never ran is reported),
    else from the run history.

    \b
    Example (cron, every 30 minutes; the mail says which site is unhealthy and why):
      crawler health --sites /etc/crawler/sites.toml --max-age 3h --max-empty-runs 4
    """
    from crawler.db.engine import connect
    from crawler.db.history import RunHistory
    from crawler.sites import load_sites

    policy = HealthPolicy(parse_age(max_age), max_empty_runs, max_blocked_share, min_blocked)
    history = RunHistory(connect(db_url))
    names = list(load_sites(sites_file)) if sites_file else history.crawled_sites()
    if only:
        unknown = [n for n in only if n not in names]
        if unknown and sites_file:
            raise UserError(f"{sites_file}: no site named {unknown[0]!r}", 2)
        names = list(only)
    now = datetime.now(UTC)
    report: dict[str, list[str]] = {}
    for name in names:
        recent = history.recent_runs(name, max(policy.max_empty_runs, 1) * 3 + 1)
        report[name] = check_site(name, history.last_success(name), recent, now, policy)
    history.engine.dispose()
    unhealthy = {k: v for k, v in report.items() if v}
    if fmt == "json":
        click.echo(json.dumps({"healthy": not unhealthy and bool(names), "sites": report}, ensure_ascii=False))
    elif unhealthy:
        for reasons in unhealthy.values():
            click.echo("\n".join(reasons))
    elif names:
        click.echo(f"OK: {len(names)} site(s) healthy (a finished run within {format_age(policy.max_age)})")
    if not names:
        click.echo("no site to check: give --sites, or crawl first", err=True)
    ctx.exit(1 if unhealthy or not names else 0)


COMMANDS = [health]

"""``crawler stats``: articles per site and day, duplicates, field coverage, last runs."""

from __future__ import annotations

import json
from typing import Any

import click

from crawler.cli.common import db_option
from crawler.cli.search_options import bidi_option, console_mode
from crawler.search.filters import Filters


@click.command("stats")
@db_option
@click.option("--site", "sites", multiple=True, metavar="NAME", help="Only this site (repeatable).")
@click.option("--since", metavar="DATE", help="Articles published (else fetched) on or after DATE.")
@click.option("--until", metavar="DATE", help="Articles published (else fetched) on or before DATE.")
@click.option("--days", type=click.IntRange(1), default=14, show_default=True,
              help="Most recent days shown in the per-day table.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format.")  # fmt: skip
@bidi_option
def stats(db_url: str, sites: tuple[str, ...], since: str | None, until: str | None, days: int, fmt: str,
          bidi: str) -> None:  # fmt: skip
    """What the database holds: articles per site and day, duplicate share, field
    coverage per site (share with a date, authors, tags) and each site's last run.

    \b
    Examples:
      crawler stats
      crawler stats --site sabq --since 30d --format json
    """
    from crawler.api import Database

    flt = Filters.make(site=sites, since=since, until=until)
    db = Database(db_url)
    try:
        result = db.stats(filters=flt, days=days)
    finally:
        db.close()
    if fmt == "json":
        click.echo(json.dumps(result.record(), ensure_ascii=False, indent=2))
        return
    from crawler.search.render import records_table

    console, mode = console_mode(bidi)
    tables: list[tuple[str, list[dict[str, Any]], tuple[str, ...]]] = [
        ("articles per site", result.sites,
         ("site", "articles", "duplicate_share", "with_date", "with_authors", "with_tags", "last_fetched")),
        (f"articles per day (last {days} days with articles)", result.per_day, ("day", "site", "articles")),
        ("last run per site", result.runs, ("site", "run", "started_at", "status", "new", "updated", "errors")),
    ]  # fmt: skip
    for title, rows, columns in tables:
        if rows:
            console.print(records_table(rows, columns, console, mode, title=title))
    if not result.sites:
        console.print("no articles stored yet: try crawler demo")


COMMANDS = [stats]

"""``crawler query``: read what was crawled (first cut: substring match)."""

from __future__ import annotations

from typing import Any

import click

from crawler.cli.common import db_option, emit, format_option, parse_when
from crawler.db.engine import connect
from crawler.db.repository import Repository
from crawler.items import ARTICLE_FIELDS

TABLE_COLUMNS = ("published", "site", "title", "copies", "url")


@click.command("query")
@click.argument("text", required=False)
@db_option
@click.option("--site", "sites", multiple=True, help="Only this site (repeatable).")
@click.option("--since", default=None, help="Published (or fetched) on/after: 2025-07-21, 2025-07-21T10:00, 3d, 12h.")
@click.option("--until", default=None, help="Published (or fetched) before this date.")
@click.option("--tag", default=None, help="Only articles with this tag.")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@click.option("--include-duplicates", is_flag=True, help="List copies of stories too (hidden by default).")
@format_option(["table", "json", "jsonl", "csv"], "table")
def query(text: str | None, db_url: str, sites: tuple[str, ...], since: str | None, until: str | None,
          tag: str | None, limit: int, offset: int, include_duplicates: bool, fmt: str) -> None:  # fmt: skip
    """List stored articles, newest first, optionally matching TEXT in title or body.

    \b
    Examples:
      crawler query
      crawler query غزة --since 3d --format json
    """
    repo = Repository(connect(db_url))
    rows = repo.query_articles(
        text, site=sites, since=parse_when(since, "--since"), until=parse_when(until, "--until"), tag=tag,
        limit=limit, offset=offset, include_duplicates=include_duplicates,
    )  # fmt: skip
    records: list[dict[str, Any]] = []
    for article, copies in rows:
        record = article.to_dict()
        record["copies"] = copies
        records.append(record)
    if fmt == "table":
        emit(records, fmt, TABLE_COLUMNS, title=f"{len(records)} article(s)")
    else:
        emit(records, fmt, (*ARTICLE_FIELDS, "copies"))


COMMANDS = [query]

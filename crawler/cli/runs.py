"""``crawler runs``: the run history."""

from __future__ import annotations

import click

from crawler.cli.common import db_option, emit, format_option
from crawler.db.engine import connect
from crawler.db.repository import Repository

RUN_COLUMNS = (
    "id", "sites", "status", "started_at", "finished_at", "finish_reason", "requests", "responses",
    "articles_new", "articles_updated", "articles_duplicate", "errors", "first_error",
)  # fmt: skip


@click.command("runs")
@db_option
@click.option("--site", default=None, help="Only runs of this site.")
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="How many runs, newest first.")
@format_option(["table", "json", "jsonl", "csv"], "table")
def runs(db_url: str, site: str | None, limit: int, fmt: str) -> None:
    """Show one row per crawl run, newest first.

    \b
    Example:
      crawler runs --limit 5 --format json
    """
    repo = Repository(connect(db_url))
    emit(repo.list_runs(site=site, limit=limit), fmt, RUN_COLUMNS, title="crawl runs")


COMMANDS = [runs]

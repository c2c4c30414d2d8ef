"""``crawler db``: schema management."""

from __future__ import annotations

import click

from crawler.cli.common import db_option
from crawler.db.engine import connect, redact


@click.group("db")
def db_group() -> None:
    """Database schema commands."""


@db_group.command("upgrade")
@db_option
def upgrade(db_url: str) -> None:
    """Create the database or apply pending migrations (also done automatically on first use).

    \b
    Example:
      crawler db upgrade --db postgresql+psycopg://user@localhost/news
    """
    connect(db_url, migrate=True).dispose()
    click.echo(f"database is up to date: {redact(db_url)}")


@db_group.command("reindex")
@db_option
def reindex(db_url: str) -> None:
    """Rebuild the near-duplicate index from the stored articles.

    Needed only when an upgrade changes how the index is built (the crawler then stops
    with "rebuild the index"). Copies and stories stay linked as they are. Run it while
    no crawl is storing.

    \b
    Example:
      crawler db reindex --db data/news.db
    """
    from crawler.db.repository import Repository

    count = Repository(connect(db_url, migrate=True)).rebuild_index()
    click.echo(f"near-duplicate index rebuilt: {count} articles indexed in {redact(db_url)}")


COMMANDS = [db_group]

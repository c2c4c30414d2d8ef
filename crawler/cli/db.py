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


COMMANDS = [db_group]

"""Options and output helpers shared by the commands."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import click

from crawler.exceptions import CrawlerError

F = TypeVar("F", bound=Callable[..., Any])

__all__ = [
    "UserError",
    "db_option",
    "default_db_url",
    "default_sites_file",
    "emit",
    "format_option",
    "parse_when",
    "sites_option",
]


class UserError(click.ClickException):
    """A one-line error for the user, with the exit code of the CrawlerError behind it."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code  # type: ignore[misc]  # click reads it per instance

    @classmethod
    def from_error(cls, exc: CrawlerError) -> UserError:
        return cls(str(exc), exc.exit_code)


def default_db_url() -> str:
    from crawler import settings

    return settings.CRAWLER_DATABASE_URL


def default_sites_file() -> str:
    from crawler import settings

    return settings.CRAWLER_SITES


def db_option(func: F) -> F:
    return click.option(
        "--db",
        "db_url",
        metavar="URL",
        default=default_db_url,
        show_default="CRAWLER_DATABASE_URL or sqlite:///data/news.db",
        help="Database URL (SQLite file or postgresql+psycopg://...).",
    )(func)


def sites_option(func: F) -> F:
    return click.option(
        "--sites",
        "sites_file",
        metavar="FILE",
        default=default_sites_file,
        show_default="CRAWLER_SITES",
        help="Sites file (TOML), e.g. examples/sites.toml.",
    )(func)


def format_option(choices: Sequence[str], default: str) -> Callable[[F], F]:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help="Output format.",
    )


_RELATIVE = {"h": "hours", "d": "days", "w": "weeks", "m": "minutes"}


def parse_when(value: str | None, option: str) -> datetime | None:
    """A --since/--until value: ISO date or datetime, or a relative age such as 2h, 3d, 1w."""
    if not value:
        return None
    text = value.strip()
    if text[:-1].isdigit() and text[-1:].lower() in _RELATIVE:
        return datetime.now(UTC) - timedelta(**{_RELATIVE[text[-1].lower()]: int(text[:-1])})
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(f"{option}: expected a date such as 2025-07-21, 2025-07-21T10:00+03:00 or 3d", 2) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def emit(records: Iterable[dict[str, Any]], fmt: str, columns: Sequence[str], *, title: str | None = None) -> None:
    """Write *records* to stdout as json, jsonl, csv or a table of *columns*."""
    out = sys.stdout
    if fmt == "json":
        json.dump(list(records), out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for record in records:
            writer.writerow([_cell(record.get(c)) for c in columns])
    else:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        from crawler.safety import printable

        table = Table(title=title, show_lines=False)
        for column in columns:
            table.add_column(column, overflow="fold")
        for record in records:
            # Text, not str: stored values are printed literally, never read as rich markup.
            table.add_row(*[Text(printable(_cell(record.get(c)))) for c in columns])
        Console().print(table)

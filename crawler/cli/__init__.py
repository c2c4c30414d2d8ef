"""The ``crawler`` command: a thin click layer over the library.

Every command's docstring is its ``--help``. User mistakes (bad sites file, unreachable
database, bad URL) end with one line on stderr and a non-zero exit code, never a
traceback: exit 2 for usage/configuration errors, 1 for run-time failures.
"""

from __future__ import annotations

from typing import Any

import click

from crawler.cli.common import UserError
from crawler.exceptions import CrawlerError

__all__ = ["main"]


class CrawlerGroup(click.Group):
    """Turns CrawlerError into a one-line click error with the right exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CrawlerError as exc:
            raise UserError.from_error(exc) from None


@click.group(cls=CrawlerGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="arabic-news-crawler")
def main() -> None:
    """Crawl Arabic news sites into a database, and query what was crawled.

    \b
    Quick start (no network needed):
      crawler demo                 # crawl the bundled demo site into data/news.db
      crawler query                # list what was stored
    \b
    Real sites:
      crawler crawl --sites examples/sites.toml aljazeera
    """


def _register() -> None:
    from crawler.cli import crawl, db, export, extract, query, runs, stats

    for module in (crawl, db, extract, query, runs, export, stats):
        for command in module.COMMANDS:
            main.add_command(command)


_register()

"""The ``crawler`` command: a thin click layer over the library.

Every command's docstring is its ``--help``. User mistakes (bad sites file, unreachable
database, bad URL) end with one line on stderr and a non-zero exit code, never a
traceback: exit 2 for usage/configuration errors, 1 for run-time failures.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from crawler.cli.common import UserError
from crawler.exceptions import CrawlerError

__all__ = ["main"]


# Which module defines each command, so that running one imports only that module: a
# `crawler crawl` that finds its site locked must answer before Scrapy is even imported.
# Commands missing here are still found: every module in _MODULES is then imported.
_COMMAND_MODULES = {
    "crawl": "crawl",
    "fetch": "crawl",
    "demo": "crawl",
    "db": "db",
    "extract": "extract",
    "query": "query",
    "runs": "runs",
    "health": "health",
    "schedule": "schedule",
    "worker": "worker",
    "enqueue": "worker",
    "frontier": "worker",
    "show": "query",
    "export": "export",
    "stats": "stats",
}
_MODULES = ("crawl", "db", "extract", "query", "runs", "health", "schedule", "worker", "export", "stats")


class CrawlerGroup(click.Group):
    """Loads command modules on demand; turns CrawlerError into a one-line click error with the right exit code."""

    _loaded: set[str]

    def _load(self, module_name: str) -> None:
        loaded = self.__dict__.setdefault("_loaded", set())
        if module_name in loaded:
            return
        loaded.add(module_name)
        module = importlib.import_module(f"crawler.cli.{module_name}")
        for command in module.COMMANDS:
            self.add_command(command)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            if cmd_name in _COMMAND_MODULES:
                self._load(_COMMAND_MODULES[cmd_name])
            else:
                for module_name in _MODULES:
                    self._load(module_name)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for module_name in _MODULES:
            self._load(module_name)
        return super().list_commands(ctx)

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

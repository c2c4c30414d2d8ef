"""Options shared by ``crawler query``, ``crawler export`` and ``crawler stats``: the
filters, and the right-to-left mode of terminal tables."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from crawler.search.bidi import BIDI_MODES, resolve_mode
from crawler.search.filters import ORDERS, Filters

F = TypeVar("F", bound=Callable[..., Any])

__all__ = ["bidi_option", "console_mode", "filter_options", "filters_from", "order_option"]


def filter_options(func: F) -> F:
    """--site --section --tag --source --author --lang --since --until --include-duplicates."""
    options = [
        click.option("--site", "sites", multiple=True, metavar="NAME",
                     help="Only this site (repeatable: any of them)."),
        click.option("--section", "sections", multiple=True, metavar="TEXT",
                     help="Section contains TEXT, spelling folded (repeatable)."),
        click.option("--tag", "tags", multiple=True, metavar="TAG", help="Has this tag, spelling folded (repeatable)."),
        click.option("--source", "sources", multiple=True, metavar="TEXT",
                     help="Attribution (المصدر) contains TEXT, spelling folded (repeatable)."),
        click.option("--author", "authors", multiple=True, metavar="TEXT",
                     help="An author's name contains TEXT, spelling folded (repeatable)."),
        click.option("--lang", "langs", multiple=True, metavar="CODE", help="Language, e.g. ar (matches ar-SA too)."),
        click.option("--since", metavar="DATE",
                     help="Published (else fetched) on or after: 2025-07-21, 2025-07-21T10:00, 3d, 12h, yesterday."),
        click.option("--until", metavar="DATE",
                     help="Published (else fetched) on or before; a bare date includes the day."),
        click.option("--include-duplicates", is_flag=True,
                     help="List every copy of a story (default: one row per story, with its copies counted)."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


def filters_from(kwargs: dict[str, Any]) -> Filters:
    """Pop the filter options out of a command's *kwargs* and check them."""
    return Filters.make(
        site=kwargs.pop("sites"),
        section=kwargs.pop("sections"),
        tag=kwargs.pop("tags"),
        source=kwargs.pop("sources"),
        author=kwargs.pop("authors"),
        lang=kwargs.pop("langs"),
        since=kwargs.pop("since"),
        until=kwargs.pop("until"),
        include_duplicates=kwargs.pop("include_duplicates"),
    )


def order_option(func: F) -> F:
    return click.option(
        "--order",
        type=click.Choice(list(ORDERS)),
        default="newest",
        show_default=True,
        help="newest: by publication (else fetch) date; relevance: best match first (needs TEXT).",
    )(func)


def _default_bidi() -> str:
    from crawler import settings

    return settings.CRAWLER_BIDI


def bidi_option(func: F) -> F:
    return click.option(
        "--bidi",
        type=click.Choice(list(BIDI_MODES)),
        default=_default_bidi,
        show_default="CRAWLER_BIDI or auto",
        help="Arabic in tables: terminal (your terminal lays out right-to-left text), "
        "reorder (we shape and reorder it), auto (detect).",
    )(func)


def console_mode(bidi: str) -> tuple[Any, str]:
    """A rich console on stdout and the resolved bidi mode for it."""
    from rich.console import Console

    from crawler import settings

    console = Console()
    return console, resolve_mode(bidi, isatty=sys.stdout.isatty(), hints=settings.TERMINAL_HINTS)

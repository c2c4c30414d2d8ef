"""``crawler query`` and ``crawler show``: search what was crawled, read one article."""

from __future__ import annotations

import json
from typing import Any

import click

from crawler.cli.common import db_option, emit, format_option
from crawler.cli.search_options import bidi_option, console_mode, filter_options, filters_from, order_option
from crawler.search.results import RESULT_FIELDS, SearchResult

QUERY_FIELDS = (*RESULT_FIELDS, "score", "snippet")


def _record(result: SearchResult) -> dict[str, Any]:
    return {
        **result.record(),
        "score": result.score,
        "snippet": result.snippet.marked() if result.snippet else None,
    }


@click.command("query")
@click.argument("text", required=False)
@db_option
@filter_options
@order_option
@click.option("--limit", type=click.IntRange(1), default=20, show_default=True, help="Rows (stories) to show.")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True, help="Rows to skip (next pages).")
@format_option(["table", "json", "jsonl", "csv"], "table")
@bidi_option
def query(text: str | None, db_url: str, order: str, limit: int, offset: int, fmt: str, bidi: str,
          **filters: Any) -> None:  # fmt: skip
    """Search stored articles: TEXT in title or body, Arabic spelling folded.

    Words are ANDed; "a phrase" in quotes; OR between alternatives; -word excludes.
    Hamza/alef forms, ة/ه, ى/ي, tashkeel, tatweel, Persian letters and digits are
    folded, and «حكومة» also finds «الحكومة», «وحكومة», «بالحكومة», «للحكومة».
    Without TEXT, lists articles. Copies of a story are folded into one row.

    \b
    Examples:
      crawler query اسرائيل --since 7d
      crawler query '"ولي العهد" OR الملك -رياضة' --site sabq --site okaz
      crawler query رفح --order relevance --format jsonl > rafah.jsonl
    """
    from crawler.api import Database

    flt = filters_from(filters)
    db = Database(db_url)
    try:
        results = db.search(text, filters=flt, order=order, limit=limit + 1, offset=offset)
    finally:
        db.close()
    more = len(results) > limit
    results = results[:limit]
    if fmt != "table":
        emit([_record(r) for r in results], fmt, QUERY_FIELDS)
        return
    from crawler.search.render import results_table

    console, mode = console_mode(bidi)
    what = "articles" if flt.include_duplicates else "stories"
    title = f"{len(results)} {what}" + (f" (more: --offset {offset + limit})" if more else "")
    console.print(results_table(results, console, mode, title=title))


@click.command("show")
@click.argument("key", metavar="URL|ID")
@db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="Output format.")  # fmt: skip
@bidi_option
def show(key: str, db_url: str, fmt: str, bidi: str) -> None:
    """Show one stored article in full, with its copies on other sites and its versions.

    \b
    Examples:
      crawler show 42
      crawler show https://example.com/news/123 --format json
    """
    from crawler.api import Database

    db = Database(db_url)
    try:
        detail = db.show(key)
    finally:
        db.close()
    if fmt == "json":
        click.echo(json.dumps(detail.record(), ensure_ascii=False, indent=2))
        return
    from crawler.search.render import key_value_table, records_table

    console, mode = console_mode(bidi)
    a = detail.article
    pairs = [(k, getattr(a, k)) for k in ("id", "title", "site", "url", "canonical_url", "published", "modified",
                                          "fetched_at", "authors", "section", "tags", "source", "lang", "image",
                                          "duplicate_of", "story_id", "lead", "body")]  # fmt: skip
    pairs += [("read_also", [x.get("title") or x.get("url") for x in a.read_also])]
    pairs += [("related", [x.get("title") or x.get("url") for x in a.related])]
    console.print(key_value_table(pairs, console, mode, title=f"article {a.id}"))
    columns = ("id", "site", "published", "title", "url")
    if detail.copies:
        console.print(records_table(detail.copies, columns, console, mode, title="copies of this story"))
    if detail.same_story:
        console.print(records_table(detail.same_story, columns, console, mode, title="same story (not copies)"))
    if detail.versions:
        cols = ("version", "fetched_at", "title", "body_chars")
        console.print(records_table(detail.versions, cols, console, mode, title="earlier versions"))
    if not detail.copies and not detail.versions:
        console.print("no copies on other sites, no earlier versions")


COMMANDS = [query, show]

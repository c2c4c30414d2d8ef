"""``crawler export``: every matching article to one file, streaming."""

from __future__ import annotations

from typing import Any

import click

from crawler.cli.common import db_option
from crawler.cli.search_options import filter_options, filters_from, order_option
from crawler.export import FORMATS


@click.command("export")
@click.argument("text", required=False)
@db_option
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="jsonl", show_default=True,
              help="jsonl (one JSON object a line), csv (lists as JSON) or parquet (needs pyarrow).")  # fmt: skip
@click.option("--out", required=True, metavar="FILE", help="File to write (- for standard output, not parquet).")
@filter_options
@order_option
def export(text: str | None, db_url: str, fmt: str, out: str, order: str, **filters: Any) -> None:
    """Export stored articles (all, or those matching TEXT and the filters) to a file.

    Streams in batches: memory stays flat however many articles there are. The file is
    written under FILE.part and renamed at the end, so a failed export leaves FILE as it
    was. Load it with pandas.read_json(FILE, lines=True), pandas.read_csv(FILE),
    pandas.read_parquet(FILE) or datasets.load_dataset("json", data_files=FILE).

    \b
    Examples:
      crawler export --format jsonl --out july.jsonl --since 2025-07-01 --until 2025-07-31
      crawler export رفح --format parquet --out rafah.parquet --include-duplicates
    """
    from crawler.api import Database

    flt = filters_from(filters)
    db = Database(db_url)
    try:
        n = db.export(out, fmt, text, order=order, filters=flt)
    finally:
        db.close()
    if out != "-":
        click.echo(f"wrote {n} rows to {out}", err=True)


COMMANDS = [export]

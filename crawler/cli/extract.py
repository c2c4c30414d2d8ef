"""``crawler extract``: offline extraction of saved HTML files."""

from __future__ import annotations

import json
from pathlib import Path

import click

from crawler.cli.common import UserError


@click.command("extract")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="The page's URL (resolves relative links; used for every file).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "json"]),
    default="jsonl",
    show_default=True,
    help="jsonl: one JSON object per line; json: one array (one object for one file).",
)
def extract(files: tuple[Path, ...], url: str | None, fmt: str) -> None:
    """Extract articles from saved HTML files: one JSON object per file, in order. No database.

    Files are read as bytes and their encoding detected (windows-1256 pages exist).

    \b
    Example:
      crawler extract page.html --url https://www.example.com/news/1 --format json
    """
    # Imported here: the crawl process should not carry the extractor (its workers do).
    from crawler.extract import extract as extract_article

    records = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UserError(f"{path}: cannot read: {exc.strerror or exc}", 1) from None
        record = extract_article(data, url or path.resolve().as_uri()).to_dict()
        if fmt == "jsonl":
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            records.append(record)
    if fmt == "json":
        click.echo(json.dumps(records if len(files) > 1 else records[0], ensure_ascii=False, indent=2))


COMMANDS = [extract]

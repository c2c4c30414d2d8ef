"""``crawler query`` / ``crawler show`` / ``crawler runs`` print stored text literally: rich
markup in a stored value is not interpreted, terminal escapes are not sent. The rows are
written straight to the database (as rows stored before the guard existed could be)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import insert

from crawler import Database
from crawler.cli import main
from crawler.db.models import ArticleRow
from search.search_articles import ARTICLES, row

TITLE = "[bold red]عاجل[/bold red] [link=https://evil.example]انقر[/link] \x1b[2J\x1b]0;pwned\x07خبر"
SITE = "[blink]site[/blink]"


@pytest.fixture
def db_file(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'news.db'}"
    spec = {**ARTICLES[0], "title": TITLE, "site": SITE, "authors": ["[i]كاتب[/i]"], "tags": ["[u]وسم[/u]"]}
    with Database(url) as db, db.engine.begin() as conn:
        conn.execute(insert(ArticleRow), row(spec, 1))
    return url


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(main, list(args), env={"COLUMNS": "400"})  # wide: nothing cut


def assert_literal(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output
    for markup in ("[bold red]", "[/bold red]", "[link=https://evil.example]", "[/link]"):
        assert markup in output


@pytest.mark.parametrize("bidi", ["terminal", "reorder"])
def test_query_and_show_tables_print_stored_markup_literally(db_file: str, bidi: str) -> None:
    result = run("query", "--db", db_file, "--bidi", bidi)
    assert result.exit_code == 0, result.output
    assert_literal(result.output)
    assert "[blink]" in result.output
    shown = run("show", "1", "--db", db_file, "--bidi", bidi)
    assert shown.exit_code == 0, shown.output
    assert_literal(shown.output)
    assert "[blink]site" in shown.output
    if bidi == "terminal":  # reordered right-to-left cells mirror the brackets of Arabic runs
        assert "[i]كاتب[/i]" in shown.output and "[u]وسم[/u]" in shown.output

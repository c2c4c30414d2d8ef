"""End to end: a page with markup, escaped markup, terminal escapes and javascript: links
in every place a field comes from, fetched from a local server through the spider, the
pipelines and the store; what is stored and what ``crawler show`` prints are text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fuzzing import assert_article_safe
from test_safety import HOSTILE_PAGE

from crawler.db.engine import connect
from crawler.db.repository import Repository
from crawler.demo.server import Resource, SiteServer
from crawler.items import Article

RICH_TITLE_PAGE = HOSTILE_PAGE.replace(
    "<h1>عنوان الخبر</h1>", "<h1>[bold red]عاجل[/bold red] \x1b[2Jعنوان الخبر الثاني</h1>"
).replace("<title><script>alert('t')</script>عنوان الخبر</title>", "<title>x</title>")


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "300"}  # wide tables: nothing cut
    return subprocess.run(
        [sys.executable, "-m", "crawler", *args], capture_output=True, text=True, timeout=180, env=env
    )


def test_a_hostile_page_is_stored_and_shown_as_text(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/news.db"
    routes = {
        "/news/1": Resource(HOSTILE_PAGE.encode()),
        "/news/2": Resource(RICH_TITLE_PAGE.replace("/news/2", "/news/3").encode()),
    }
    with SiteServer(routes) as server:
        for path in ("/news/1", "/news/2"):
            proc = run_cli("fetch", server.base_url + path, "--db", db, "--format", "json")
            assert proc.returncode == 0, proc.stderr
            assert_article_safe(Article.from_dict(json.loads(proc.stdout)))
    repo = Repository(connect(db))
    assert repo.count_articles() == 2
    first = json.loads(run_cli("show", server.base_url + "/news/1", "--db", db, "--format", "json").stdout)
    assert first["title"] == "عنوان الخبر"
    assert "alert" not in json.dumps(first, ensure_ascii=False)
    assert first["image"] is None and first["canonical_url"] != "data:text/html,x"
    shown = run_cli("show", server.base_url + "/news/2", "--db", db, "--bidi", "terminal")
    assert shown.returncode == 0, shown.stderr
    assert "[bold red]عاجل[/bold red]" in shown.stdout  # rich markup in a title is text, printed as such
    assert "\x1b" not in shown.stdout
    second = json.loads(run_cli("show", server.base_url + "/news/2", "--db", db, "--format", "json").stdout)
    assert "[bold red]عاجل[/bold red]" in (second["body"] + second["title"])

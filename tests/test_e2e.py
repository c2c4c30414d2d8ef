"""End to end: `crawler crawl` over the local test sites into SQLite and PostgreSQL,
then what a user sees through `crawler query` and `crawler runs`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import fresh_postgres_database
from localsite import AGGREGATOR_ARTICLES, PUBLISHER_ARTICLES, LocalSites

from crawler.cli import main
from crawler.demo.articles import DemoArticle

pytestmark = pytest.mark.slow


def expected_body(article: DemoArticle) -> str:
    """The article's paragraphs, with its sub-heading as a paragraph of its own."""
    paras = list(article.paragraphs)
    if article.subheading:
        paras.insert(len(paras) - 2, article.subheading)
    return "\n\n".join(paras)


def run_cli(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run the installed command in a subprocess (a Scrapy crawl needs a fresh reactor)."""
    return subprocess.run(
        [sys.executable, "-m", "crawler", *args], capture_output=True, text=True, timeout=timeout, cwd=cwd
    )


def query_json(db: str, *args: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(main, ["query", "--db", db, "--format", "json", "--limit", "500", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def crawled(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, local_sites: LocalSites
) -> dict[str, Any]:
    """One crawl of both local sites per database backend, shared by the tests of this module."""
    tmp = tmp_path_factory.mktemp(f"e2e-{request.param}")
    if request.param == "sqlite":
        db_url = f"sqlite:///{tmp / 'news.db'}"
    else:
        db_url = fresh_postgres_database(request.getfixturevalue("postgres_server"))
    sites_file = tmp / "sites.toml"
    sites_file.write_text(local_sites.sites_toml, encoding="utf-8")
    local_sites.retry_calls.clear()
    local_sites.publisher.hits.clear()
    proc = run_cli("crawl", "--sites", str(sites_file), "--db", db_url)
    return {"proc": proc, "db": db_url, "sites": local_sites, "sites_file": sites_file}


def test_crawl_stores_every_good_article_once(crawled: dict[str, Any]) -> None:
    proc = crawled["proc"]
    assert proc.returncode == 0, proc.stderr
    articles = query_json(crawled["db"], "--include-duplicates")
    titles = sorted(a["title"] for a in articles)
    expected = sorted(a.title for a in (*PUBLISHER_ARTICLES, *AGGREGATOR_ARTICLES))
    assert titles == expected
    assert len({a["canonical_url"] for a in articles}) == len(articles)
    assert all(a["lang"] == "ar" for a in articles)


def test_bodies_are_the_article_and_only_the_article(crawled: dict[str, Any]) -> None:
    for article in query_json(crawled["db"], "--include-duplicates"):
        source = next(a for a in (*PUBLISHER_ARTICLES, *AGGREGATOR_ARTICLES) if a.title == article["title"])
        assert article["body"].split("\n\n") == expected_body(source).split("\n\n"), article["url"]


def test_trailers_of_the_aggregator_become_fields(crawled: dict[str, Any]) -> None:
    articles = [a for a in query_json(crawled["db"], "--include-duplicates") if "/agg/" in a["url"]]
    assert len(articles) == len(AGGREGATOR_ARTICLES)
    for article in articles:
        assert article["source"], article["url"]
        assert article["tags"], article["url"]
        assert article["read_also"] and article["read_also"][0]["url"].startswith("http"), article["url"]
        assert len(article["related"]) >= 2, article["url"]


def test_copies_point_to_the_first_seen_and_query_hides_them(crawled: dict[str, Any]) -> None:
    everything = query_json(crawled["db"], "--include-duplicates")
    copies = [a for a in everything if a["duplicate_of"]]
    assert len(copies) == 2
    originals = {a["canonical_url"] for a in everything if not a["duplicate_of"]}
    assert all(c["duplicate_of"] in originals for c in copies)
    shown = query_json(crawled["db"])
    assert len(shown) == len(everything) - 2
    assert sum(a["copies"] for a in shown) == 2


def test_faults_are_counted_not_fatal(crawled: dict[str, Any]) -> None:
    proc, sites = crawled["proc"], crawled["sites"]
    out = proc.stdout
    assert "http_404 1" in out
    assert "not_html 1" in out
    assert "empty_body 1" in out or "short_body 1" in out
    assert len(sites.retry_calls) == 2  # a 500, then the retry that succeeded
    assert not any(hit.startswith("/private/") for hit in sites.publisher.hits)  # robots.txt obeyed


def test_windows_1256_page_with_a_lying_header_is_decoded(crawled: dict[str, Any]) -> None:
    [article] = [a for a in query_json(crawled["db"]) if a["url"].endswith("/news/1256/")]
    assert article["title"] == "جامعة عريقة تحتفل بمرور مئة عام على تأسيسها"
    assert "احتفلت الجامعة" in article["body"]


def test_runs_are_recorded(crawled: dict[str, Any]) -> None:
    result = CliRunner().invoke(main, ["runs", "--db", crawled["db"], "--format", "json"])
    assert result.exit_code == 0, result.output
    runs = json.loads(result.output)
    assert sorted(r["sites"] for r in runs) == ["aggregator", "publisher"]
    publisher = next(r for r in runs if r["sites"] == "publisher")
    assert publisher["status"] == "finished"
    assert publisher["articles_new"] + publisher["articles_duplicate"] == len(PUBLISHER_ARTICLES)
    assert publisher["dropped"].get("empty_body", 0) + publisher["dropped"].get("short_body", 0) == 1


def test_second_crawl_changes_nothing(crawled: dict[str, Any]) -> None:
    before = query_json(crawled["db"], "--include-duplicates")
    proc = run_cli("crawl", "--sites", str(crawled["sites_file"]), "--db", crawled["db"], "publisher")
    assert proc.returncode == 0, proc.stderr
    assert "articles new 0" in proc.stdout
    after = query_json(crawled["db"], "--include-duplicates")
    assert [a["content_hash"] for a in after] == [a["content_hash"] for a in before]

"""End to end, deduplication across crawls: `crawler crawl` in subprocesses over local
sites of this module's own (a publisher, and an aggregator that copies two of its
stories with «المصدر: موقع الأخبار التجريبي», the publisher's alias).

- crawled in either order, the aggregator's copies point to the publisher's articles
  (when the aggregator comes first, source-line linking re-points them);
- a publisher page that changed between two crawls is updated, its old body kept;
- a re-crawl of unchanged pages changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import fresh_postgres_database
from localsite import AGGREGATOR_COPIES, LocalSites, start_local_sites
from sqlalchemy import select
from test_e2e import query_json, run_cli

from crawler.db.engine import connect
from crawler.db.models import ArticleRow, ArticleVersion
from crawler.db.repository import Repository
from crawler.demo.articles import ARTICLES
from crawler.demo.server import Resource
from crawler.demo.site import article_path, publisher_page

pytestmark = pytest.mark.slow

EDITED = dataclasses.replace(
    ARTICLES[3],
    paragraphs=(*ARTICLES[3].paragraphs[:-1], "تحديث: أعلنت الجهة المنظمة مساء اليوم تمديد الفعالية أسبوعاً إضافياً."),
)


@pytest.fixture(scope="module")
def sites() -> Iterator[LocalSites]:
    """This module's own copy of the local sites (it changes a page between crawls)."""
    local = start_local_sites()
    yield local
    local.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def setup(request: pytest.FixtureRequest, tmp_path: Path, sites: LocalSites) -> dict[str, Any]:
    if request.param == "sqlite":
        db = f"sqlite:///{tmp_path / 'news.db'}"
    else:
        db = fresh_postgres_database(request.getfixturevalue("postgres_server"))
    sites_file = tmp_path / "sites.toml"
    sites_file.write_text(sites.sites_toml, encoding="utf-8")
    return {"db": db, "sites_file": str(sites_file), "sites": sites}


def crawl(setup: dict[str, Any], *site_names: str) -> str:
    proc = run_cli("crawl", "--sites", setup["sites_file"], "--db", setup["db"], *site_names)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def by_url(db: str) -> dict[str, dict[str, Any]]:
    return {a["url"]: a for a in query_json(db, "--include-duplicates")}


def assert_copies_point_to_the_publisher(setup: dict[str, Any]) -> None:
    sites: LocalSites = setup["sites"]
    articles = by_url(setup["db"])
    for art in AGGREGATOR_COPIES:
        original = sites.publisher.base_url + article_path(art)
        copy = articles[sites.aggregator.base_url + article_path(art, "/agg")]
        assert copy["duplicate_of"] == original, copy["url"]
        assert articles[original]["duplicate_of"] is None
        assert copy["story_id"] and copy["story_id"] == articles[original]["story_id"]
    shown = {a["url"]: a for a in query_json(setup["db"])}  # duplicates hidden by default
    for art in AGGREGATOR_COPIES:
        original = sites.publisher.base_url + article_path(art)
        assert shown[original]["copies"] == 1
        assert sorted(shown[original]["sites"]) == ["aggregator", "publisher"]  # the sites that ran the story
        assert sites.aggregator.base_url + article_path(art, "/agg") not in shown


def test_copies_crawled_after_the_original_point_to_it(setup: dict[str, Any]) -> None:
    crawl(setup, "publisher")
    out = crawl(setup, "aggregator")
    assert "duplicate 2" in out
    assert_copies_point_to_the_publisher(setup)


def test_copies_crawled_before_the_original_are_relinked_by_their_source_line(setup: dict[str, Any]) -> None:
    out = crawl(setup, "aggregator")
    assert "articles new 3" in out  # nothing to be a copy of yet
    crawl(setup, "publisher")
    assert_copies_point_to_the_publisher(setup)


def test_a_changed_page_is_updated_with_its_old_version_kept_and_a_recrawl_changes_nothing(
    setup: dict[str, Any],
) -> None:
    sites: LocalSites = setup["sites"]
    path = article_path(ARTICLES[3])
    url = sites.publisher.base_url + path
    crawl(setup, "publisher", "aggregator")
    before = by_url(setup["db"])
    old_body = before[url]["body"]
    original_route = sites.publisher.routes[path]
    others = [a for a in ARTICLES if a is not ARTICLES[3]]
    sites.publisher.routes[path] = Resource(publisher_page(EDITED, sites.publisher.base_url, others))
    try:  # --full: the page changed without a sitemap lastmod, so only a full run looks again
        out = crawl(setup, "--full", "publisher")
    finally:
        sites.publisher.routes[path] = original_route
    assert "articles new 0, updated 1" in out
    after = by_url(setup["db"])
    assert "تمديد الفعالية أسبوعاً إضافياً" in after[url]["body"] and after[url]["body"] != old_body
    assert set(after) == set(before)
    repo = Repository(connect(setup["db"]))
    [article_id] = [a.id for a in _rows(repo) if a.url == url]
    [version] = repo.versions(article_id)
    assert version["version"] == 1 and version["content_hash"] == before[url]["content_hash"]
    assert _old_body(repo, article_id) == old_body

    # The same pages again (the original route is back: a second change, then none).
    crawl(setup, "--full", "publisher")
    unchanged = crawl(setup, "--full", "publisher")
    assert "articles new 0, updated 0" in unchanged
    final = by_url(setup["db"])
    assert {u: (a["content_hash"], a["duplicate_of"], a["story_id"]) for u, a in final.items()} == {
        u: (a["content_hash"], a["duplicate_of"], a["story_id"]) for u, a in before.items()
    }


def _rows(repo: Repository) -> list[Any]:
    with repo.engine.connect() as conn:
        return list(conn.execute(select(ArticleRow.id, ArticleRow.url)))


def _old_body(repo: Repository, article_id: int) -> str:
    query = select(ArticleVersion.body).where(ArticleVersion.article_id == article_id)
    with repo.engine.connect() as conn:
        return str(conn.execute(query).scalar_one())

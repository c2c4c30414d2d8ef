"""Cron-grade runs end to end on a local site that changes between runs (issue 5's figures).

Each crawl runs `python -m crawler crawl` in a subprocess, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from crawler.db.engine import connect
from crawler.db.models import ArticleRow, ArticleVersion, CrawlRun
from crawler.db.repository import Repository
from crawler.demo.newssite import NewsSite

pytestmark = pytest.mark.slow


def crawl_cmd(sites: Path, db: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "crawler", "crawl", "--sites", str(sites), "--db", db, *args]


def run_crawl(sites: Path, db: str, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(crawl_cmd(sites, db, *args), capture_output=True, text=True, timeout=timeout)


def runs(db: str) -> list[dict[str, Any]]:
    return Repository(connect(db)).list_runs(limit=100)


def article_count(db: str) -> int:
    return Repository(connect(db)).count_articles()


@pytest.fixture
def site(request: pytest.FixtureRequest) -> Iterator[NewsSite]:
    options = getattr(request, "param", {})
    with NewsSite(**options) as news:
        yield news


@pytest.fixture
def sites_file(tmp_path: Path, site: NewsSite) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(site.sites_toml(), encoding="utf-8")
    return path


def test_second_run_over_an_unchanged_site_fetches_almost_nothing(
    site: NewsSite, sites_file: Path, db_url: str
) -> None:
    first = run_crawl(sites_file, db_url)
    assert first.returncode == 0, first.stderr
    first_hits = site.article_hits()
    assert sorted(first_hits) == sorted(site.stories)  # every article once
    site.clear_hits()

    second = run_crawl(sites_file, db_url)
    assert second.returncode == 0, second.stderr
    second_hits = site.article_hits()
    assert len(second_hits) <= 0.05 * len(first_hits), second_hits
    assert "articles new 0" in second.stdout
    assert article_count(db_url) == len(site.stories)
    # Sources were asked for conditionally and answered 304.
    last = runs(db_url)[0]
    assert last["not_modified"] >= 2 and last["status"] == "finished" and last["exit_code"] == 0


def test_new_and_edited_articles_are_fetched_and_nothing_much_else(
    site: NewsSite, sites_file: Path, db_url: str
) -> None:
    assert run_crawl(sites_file, db_url).returncode == 0
    site.clear_hits()
    new_ids = site.add(20)
    edited = [3, 50, 120, 180, 199]
    site.edit(edited)

    proc = run_crawl(sites_file, db_url)
    assert proc.returncode == 0, proc.stderr
    hits = site.article_hits()
    changed = set(new_ids) | set(edited)
    assert changed <= set(hits)
    others = [h for h in hits if h not in changed]
    assert len(others) <= 0.10 * (len(site.stories) - len(changed)), others

    engine = connect(db_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count(ArticleRow.id))).scalar() == len(site.stories)
        versions = conn.execute(
            select(ArticleRow.canonical_url, ArticleRow.version, ArticleRow.body).where(ArticleRow.version > 1)
        ).all()
        old = conn.execute(select(func.count(ArticleVersion.id))).scalar()
    assert sorted(int(u.rstrip("/").rsplit("/", 1)[1]) for u, _, _ in versions) == sorted(edited)
    assert all("تحديث رقم 1" in body for _, _, body in versions)
    assert old == len(edited)  # the previous bodies are kept
    last = runs(db_url)[0]
    assert (last["articles_new"], last["articles_updated"]) == (20, 5)


def test_full_ignores_what_is_known(site: NewsSite, sites_file: Path, sqlite_url: str) -> None:
    assert run_crawl(sites_file, sqlite_url).returncode == 0
    site.clear_hits()
    proc = run_crawl(sites_file, sqlite_url, "--full")
    assert proc.returncode == 0, proc.stderr
    assert sorted(set(site.article_hits())) == sorted(site.stories)
    assert "unchanged 200" in proc.stdout
    assert runs(sqlite_url)[0]["mode"] == "full"


def test_since_skips_older_entries(site: NewsSite, sites_file: Path, sqlite_url: str) -> None:
    """Sitemap entries dated before --since are not fetched; listing links carry no date and are."""
    site.per_page = 5  # listing pages then reach only the 20 newest (4 pages)
    site.rebuild()
    proc = run_crawl(sites_file, sqlite_url, "--since", "10d")
    assert proc.returncode == 0, proc.stderr
    hits = set(site.article_hits())
    cutoff = datetime.now(UTC) - timedelta(days=10)
    recent = {s.id for s in site.stories.values() if s.published > cutoff + timedelta(minutes=5)}
    assert recent <= hits
    assert len(hits) <= len(recent) + 20
    assert runs(sqlite_url)[0]["mode"].startswith("since ")


@pytest.mark.parametrize("site", [{"count": 60, "article_delay": 1.0}], indirect=True)
def test_two_runs_of_one_site_started_together_one_exits_75(site: NewsSite, sites_file: Path, db_url: str) -> None:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    first = subprocess.Popen(crawl_cmd(sites_file, db_url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    second = subprocess.Popen(
        [sys.executable, "-X", "importtime", *crawl_cmd(sites_file, db_url)[1:]],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True,
    )  # fmt: skip
    _, err2 = second.communicate(timeout=120)
    first_still_running = first.poll() is None
    _, err1 = first.communicate(timeout=180)
    codes = sorted([first.returncode, second.returncode])
    assert codes == [0, 75], (err1.decode()[-2000:], err2[-2000:])
    if second.returncode == 75:
        assert first_still_running  # the loser answered while the winner was still crawling
        imported = [line.rsplit("|", 1)[-1].strip() for line in err2.splitlines() if line.startswith("import time:")]
        assert not [m for m in imported if m.split(".")[0] in ("scrapy", "twisted")]  # locked before Scrapy loads
        errors = [line for line in err2.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1 and "another run holds the lock of news" in errors[0]
    assert sorted(site.article_hits()) == sorted(site.stories)  # the site was crawled once, not twice
    assert len(runs(db_url)) == 1


def _wait_for_hits(site: NewsSite, count: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(site.article_hits()) < count:
        assert proc.poll() is None, "the crawl ended before it could be interrupted"
        assert time.monotonic() < deadline, "the crawl did not start"
        time.sleep(0.05)


def _assert_rows_whole(db: str) -> int:
    engine = connect(db)
    with engine.connect() as conn:
        total = conn.execute(select(func.count(ArticleRow.id))).scalar() or 0
        distinct = conn.execute(select(func.count(func.distinct(ArticleRow.canonical_url)))).scalar()
        half = conn.execute(
            select(func.count(ArticleRow.id)).where(
                (ArticleRow.title.is_(None)) | (ArticleRow.body.is_(None)) | (ArticleRow.content_hash.is_(None))
            )
        ).scalar()
        if engine.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    assert distinct == total and half == 0
    return int(total)


@pytest.mark.parametrize("site", [{"count": 120, "article_delay": 0.15}], indirect=True)
def test_sigterm_mid_crawl_stores_what_was_extracted_and_the_next_run_completes(
    site: NewsSite, tmp_path: Path, db_url: str
) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(site.sites_toml().replace("concurrency = 8", "concurrency = 2"), encoding="utf-8")
    proc = subprocess.Popen(crawl_cmd(sites, db_url), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for_hits(site, 30, proc)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err.decode()[-2000:]
    assert "news INTERRUPTED" in err.decode()  # the stderr summary cron mails
    [run] = runs(db_url)
    assert run["status"] == "interrupted" and run["finish_reason"] == "shutdown"
    stored = _assert_rows_whole(db_url)
    assert 0 < stored < len(site.stories)
    fetched_before = set(site.article_hits())
    assert stored >= len(fetched_before) - 2  # what was fetched was stored (the last batch was flushed)
    site.clear_hits()

    again = run_crawl(sites, db_url)
    assert again.returncode == 0, again.stderr
    assert _assert_rows_whole(db_url) == len(site.stories)  # the next run completed the site
    refetched = set(site.article_hits()) & fetched_before
    assert len(refetched) <= 2, refetched


@pytest.mark.parametrize("site", [{"count": 120, "article_delay": 0.15}], indirect=True)
def test_kill_9_loses_at_most_a_batch_and_leaves_no_lock(site: NewsSite, tmp_path: Path, db_url: str) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(site.sites_toml().replace("concurrency = 8", "concurrency = 2"), encoding="utf-8")
    env = {**os.environ, "CRAWLER_STORE_BATCH_SIZE": "10"}
    proc = subprocess.Popen(crawl_cmd(sites, db_url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    _wait_for_hits(site, 45, proc)
    proc.kill()
    proc.wait(timeout=30)
    fetched = len(set(site.article_hits()))
    stored = _assert_rows_whole(db_url)
    assert stored >= fetched - 10 - 4  # at most one batch (10) plus the pages in flight (concurrency 2, x2)
    site.clear_hits()

    again = run_crawl(sites, db_url)
    assert again.returncode == 0, again.stderr  # no stale lock: not 75
    assert _assert_rows_whole(db_url) == len(site.stories)
    statuses = sorted(r["status"] for r in runs(db_url))
    assert statuses == ["finished", "killed"]
    with connect(db_url).connect() as conn:
        assert conn.execute(select(func.count(CrawlRun.id)).where(CrawlRun.status == "running")).scalar() == 0


def test_pages_that_gave_no_article_are_not_fetched_every_run(tmp_path: Path, db_url: str) -> None:
    """The fault pages of the test site (404, PDF, empty page, a redirect to a stored article)
    are remembered like stored articles: a second run fetches no article page at all."""
    from localsite import start_local_sites

    local = start_local_sites()
    try:
        sites = tmp_path / "sites.toml"
        sites.write_text(local.sites_toml, encoding="utf-8")
        assert run_crawl(sites, db_url, "publisher").returncode == 0
        first = [h for h in local.publisher.hits if h.startswith(("/news/", "/moved/"))]
        assert {"/news/4040/", "/news/7007/", "/news/8008/", "/news/6006/"} <= set(first)
        local.publisher.hits.clear()
        again = run_crawl(sites, db_url, "publisher")
        assert again.returncode == 0, again.stderr
        assert [h for h in local.publisher.hits if h.startswith(("/news/", "/moved/"))] == []
    finally:
        local.stop()

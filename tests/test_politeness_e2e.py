"""Politeness end to end: Retry-After on 429/503 and robots.txt Crawl-delay are honoured."""

from __future__ import annotations

import itertools
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from crawler.db.engine import connect
from crawler.db.repository import Repository
from crawler.demo.articles import ARTICLES
from crawler.demo.server import Resource, SiteServer
from crawler.demo.site import article_path, listing_page, publisher_page
from crawler.middlewares.retry_after import retry_after_seconds

pytestmark = pytest.mark.slow

Route = Callable[[BaseHTTPRequestHandler], Resource]


class TimedSite:
    """A small site whose every hit is recorded with its time."""

    def __init__(self, robots: str = "User-agent: *\nAllow: /\n", count: int = 4) -> None:
        self.times: list[tuple[str, float]] = []
        self.server = SiteServer({})
        self.articles = ARTICLES[:count]
        self.robots = robots
        self.overrides: dict[str, Route] = {}

    def __enter__(self) -> TimedSite:
        self.server.start()
        base = self.server.base_url
        pages: dict[str, Resource] = {"/robots.txt": Resource(self.robots.encode(), content_type="text/plain")}
        pages["/"] = Resource(listing_page([(article_path(a), a.title) for a in self.articles], None))
        for art in self.articles:
            pages[article_path(art)] = Resource(publisher_page(art, base, []))
        for path, resource in pages.items():
            self.server.routes[path] = self._timed(path, self.overrides.get(path) or (lambda _h, r=resource: r))
        return self

    def _timed(self, path: str, route: Route) -> Route:
        def handler(h: BaseHTTPRequestHandler) -> Resource:
            self.times.append((path, time.monotonic()))
            return route(h)

        return handler

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def sites_file(self, tmp: Path) -> Path:
        path = tmp / "sites.toml"
        path.write_text(
            f'[sites.polite]\nstart_urls = ["{self.server.base_url}/"]\narticle_pattern = "^/news/\\\\d+/$"\n'
            "download_delay = 0\nconcurrency = 8\n",
            encoding="utf-8",
        )
        return path


def crawl(sites: Path, db: str, **env: str) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "crawler", "crawl", "--sites", str(sites), "--db", db],
        capture_output=True, text=True, timeout=120, env={**os.environ, **env},
    )  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'news.db'}"


def throttled_once(seconds: str, status: int = 429) -> Route:
    calls: list[int] = []
    page = publisher_page(ARTICLES[0], "http://127.0.0.1", [])

    def route(_: BaseHTTPRequestHandler) -> Resource:
        calls.append(1)
        if len(calls) == 1:
            return Resource(b"slow down", status=status, content_type="text/plain", headers={"Retry-After": seconds})
        return Resource(page)

    return route


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_pauses_the_site_then_retries(tmp_path: Path, db: str, status: int) -> None:
    site = TimedSite()
    site.overrides[article_path(ARTICLES[0])] = throttled_once("2", status)
    with site:
        proc = crawl(site.sites_file(tmp_path), db)
    assert proc.returncode == 0, proc.stderr
    target = article_path(ARTICLES[0])
    hits = [t for p, t in site.times if p == target]
    assert len(hits) == 2  # refused once, fetched on the retry
    assert hits[1] - hits[0] >= 1.9  # not before the time the server asked for
    during = [p for p, t in site.times if hits[0] + 0.05 < t < hits[0] + 1.9]
    assert during == []  # the whole site paused, not just that URL
    assert "articles new 4" in proc.stdout


def test_a_too_long_retry_after_ends_the_run_as_failed(tmp_path: Path, db: str) -> None:
    site = TimedSite()
    site.overrides[article_path(ARTICLES[0])] = throttled_once("3600")
    with site:
        proc = crawl(site.sites_file(tmp_path), db, CRAWLER_RETRY_AFTER_MAX="60")
    assert proc.returncode == 1
    assert "retry_after" in proc.stderr
    assert len([p for p, _ in site.times if p == article_path(ARTICLES[0])]) == 1  # not retried
    [run] = Repository(connect(db)).list_runs()
    assert run["status"] == "failed" and run["finish_reason"] == "retry_after"
    assert "Retry-After" in (run["first_error"] or "")


def test_robots_crawl_delay_spaces_the_requests(tmp_path: Path, db: str) -> None:
    site = TimedSite(robots="User-agent: *\nCrawl-delay: 1\nAllow: /\n", count=4)
    with site:
        proc = crawl(site.sites_file(tmp_path), db)
    assert proc.returncode == 0, proc.stderr
    times = [t for p, t in site.times if p != "/robots.txt"]
    assert len(times) == 5  # the listing and four articles
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.95, gaps


def test_retry_after_values() -> None:
    now = datetime(2025, 7, 21, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30
    assert retry_after_seconds(format_datetime(now - timedelta(seconds=30), usegmt=True), now) == 0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None

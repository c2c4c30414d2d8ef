"""Workers sharing one site through Redis, and shards sharing hosts, on the real servers.

Each test serves a generated site on 127.0.0.1, runs ``crawler`` processes against the
session's PostgreSQL database and a Redis key prefix of its own, and checks what a user
cares about: every article stored exactly once, no page fetched twice, the site's rate
and concurrency held across workers, and nothing lost when a worker is stopped or killed.
"""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from redis import Redis
from scale_helpers import BulkSite, cli, count, serve_bulk_site, stored_urls, wait_for_articles, write_sites

from crawler.distributed.keys import SiteKeys

pytestmark = [pytest.mark.slow, pytest.mark.redis, pytest.mark.postgres]


def worker(sites: Path, db: str, env: dict[str, str], log: Path, idle: str = "1.5") -> subprocess.Popen[str]:
    return cli("worker", "--sites", str(sites), "--db", db, "--idle-exit", idle, "--log-level", "INFO", "bulk",
               env=env, log=log)  # fmt: skip


def enqueue(sites: Path, env: dict[str, str]) -> None:
    proc = cli("enqueue", "--sites", str(sites), "bulk", env=env)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "queued 3 seed request(s)" in out


def finish(procs: list[subprocess.Popen[str]], timeout: float = 240) -> list[str]:
    outputs = []
    for proc in procs:
        out, _ = proc.communicate(timeout=timeout)
        assert proc.returncode == 0, out
        outputs.append(out)
    return outputs


def wait_until(condition: Callable[[], bool], timeout: float, procs: list[subprocess.Popen[str]]) -> None:
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "timed out"
        assert all(p.poll() is None for p in procs), "a worker exited"
        time.sleep(0.2)


def frontier_left(redis_server: str, prefix: str) -> tuple[int, int]:
    keys = SiteKeys(prefix, "bulk")
    client = Redis.from_url(redis_server)
    try:
        return int(client.zcard(keys.queue)), int(client.hlen(keys.leases))
    finally:
        client.close()


def assert_each_article_stored_once(db: str, site: BulkSite) -> None:
    urls = stored_urls(db)
    assert len(urls) == len(site.paths)
    assert set(urls) == site.urls
    assert count(db, "SELECT count(*) FROM article_versions") == 0


@pytest.fixture
def postgres_url(postgres_url: str) -> str:
    """The session database, emptied and at the newest schema (as after `crawler db upgrade`)."""
    from crawler.db.engine import connect

    connect(postgres_url).dispose()
    return postgres_url


@pytest.fixture
def env(redis_prefix: str) -> dict[str, str]:
    # Short leases so that a killed worker's requests come back within the test; long
    # enough that a live worker starved of CPU on a busy machine still renews them.
    return {"CRAWLER_REDIS_PREFIX": redis_prefix, "CRAWLER_LEASE_SECONDS": "6"}


def test_two_workers_share_a_site_within_its_rate_and_concurrency(
    tmp_path: Path, postgres_url: str, redis_server: str, redis_prefix: str, env: dict[str, str]
) -> None:
    with serve_bulk_site("bulk", 200, latency=0.005) as site:
        sites = write_sites(tmp_path / "sites.toml", [site], delay=0.025, concurrency=2)
        # Both workers up before there is work (one starting late on a busy machine could
        # otherwise find it all done); they run until told to stop, as a service would.
        logs = [tmp_path / f"w{i}.log" for i in range(2)]
        procs = [worker(sites, postgres_url, env, log, idle="0") for log in logs]
        wait_until(lambda: all("worker on bulk" in log.read_text() for log in logs), 120, procs)
        enqueue(sites, env)
        wait_for_articles(postgres_url, 200, timeout=180, procs=procs)
        wait_until(lambda: frontier_left(redis_server, redis_prefix) == (0, 0), 60, procs)
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        outputs = finish(procs)
        assert_each_article_stored_once(postgres_url, site)
        assert site.article_hits() == [1] * 200  # no article page fetched twice
        assert site.log.max_in_window(1.0) <= 1 / 0.025 + 2  # 40 request starts a second, at most
        assert site.log.max_in_flight <= 2
    assert all("articles new" in out for out in outputs)
    new = [int(out.split("articles new ")[1].split(",")[0]) for out in outputs]
    assert sum(new) == 200 and min(new) > 0  # both did part of the work
    assert frontier_left(redis_server, redis_prefix) == (0, 0)


def test_a_killed_worker_loses_nothing_and_duplicates_nothing(
    tmp_path: Path, postgres_url: str, redis_server: str, redis_prefix: str, env: dict[str, str]
) -> None:
    with serve_bulk_site("bulk", 300) as site:
        sites = write_sites(tmp_path / "sites.toml", [site], delay=0, concurrency=8)
        enqueue(sites, env)
        victim = worker(sites, postgres_url, env, tmp_path / "victim.log")
        wait_for_articles(postgres_url, 60, timeout=120, procs=[victim])
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=10)
        queued, leased = frontier_left(redis_server, redis_prefix)
        assert queued > 0
        stored_at_kill = count(postgres_url, "SELECT count(*) FROM articles")
        restarted = [worker(sites, postgres_url, env, tmp_path / f"w{i}.log") for i in range(2)]
        finish(restarted)
        assert_each_article_stored_once(postgres_url, site)
        hits = site.article_hits()
        assert min(hits) == 1
        # Only what the killed worker had in flight may have been fetched a second time.
        assert sum(h - 1 for h in hits) <= leased, (leased, stored_at_kill)
    assert frontier_left(redis_server, redis_prefix) == (0, 0)


def test_a_worker_stopped_with_sigterm_finishes_what_it_holds_and_the_next_one_resumes(
    tmp_path: Path, postgres_url: str, redis_server: str, redis_prefix: str, env: dict[str, str]
) -> None:
    with serve_bulk_site("bulk", 150) as site:
        sites = write_sites(tmp_path / "sites.toml", [site], delay=0.03, concurrency=2)
        enqueue(sites, env)
        first = worker(sites, postgres_url, env, tmp_path / "first.log")
        wait_for_articles(postgres_url, 30, timeout=120, procs=[first])
        first.send_signal(signal.SIGTERM)
        out, _ = first.communicate(timeout=60)
        assert first.returncode == 0, out
        assert "(shutdown)" in out
        queued, leased = frontier_left(redis_server, redis_prefix)
        assert queued > 0 and leased == 0  # nothing held by the stopped worker
        assert count(postgres_url, "SELECT count(*) FROM runs WHERE status = 'interrupted'") == 1
        finish([worker(sites, postgres_url, env, tmp_path / "second.log")])
        assert_each_article_stored_once(postgres_url, site)
        assert site.article_hits() == [1] * 150
    assert frontier_left(redis_server, redis_prefix) == (0, 0)


def test_two_shards_crawl_each_of_ten_sites_once(tmp_path: Path, postgres_url: str) -> None:
    from contextlib import ExitStack

    with ExitStack() as stack:
        sites = [stack.enter_context(serve_bulk_site(f"shard-site-{i}", 12)) for i in range(10)]
        sites_file = write_sites(tmp_path / "sites.toml", sites, delay=0, concurrency=4)
        procs = [cli("crawl", "--sites", str(sites_file), "--db", postgres_url, "--shard", f"{i}/2") for i in (1, 2)]
        outputs = finish(procs)
        for site in sites:
            assert sorted(stored_urls(postgres_url, site.name)) == sorted(site.urls), site.name
            assert site.article_hits() == [1] * 12, site.name
            assert site.log.counts()["/rss.xml"] == 1, site.name  # crawled by one shard only
    crawled = [line.split(":")[0] for out in outputs for line in out.splitlines() if line.startswith("shard-site-")]
    assert sorted(crawled) == sorted(s.name for s in sites)
    assert count(postgres_url, "SELECT count(*) FROM runs") == 10


def test_an_article_the_database_refused_is_fetched_again_later(
    tmp_path: Path, postgres_url: str, redis_server: str, redis_prefix: str, env: dict[str, str]
) -> None:
    """A store that fails (database away a moment) must not ack the page: it comes back."""
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_url)
    with engine.begin() as conn:  # the first insert of one article fails, later ones succeed
        conn.execute(text("CREATE SEQUENCE IF NOT EXISTS outage_seq"))
        conn.execute(
            text("""
            CREATE OR REPLACE FUNCTION outage_once() RETURNS trigger AS $$
            BEGIN
              IF NEW.canonical_url LIKE '%/news/100007/' AND nextval('outage_seq') = 1 THEN
                RAISE EXCEPTION 'simulated database outage';
              END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql""")
        )
        conn.execute(
            text("CREATE TRIGGER outage BEFORE INSERT ON articles FOR EACH ROW EXECUTE FUNCTION outage_once()")
        )
    try:
        with serve_bulk_site("bulk", 40) as site:
            sites = write_sites(tmp_path / "sites.toml", [site], delay=0, concurrency=4)
            enqueue(sites, env)
            finish([worker(sites, postgres_url, env, tmp_path / "w.log", idle="5")])
            assert_each_article_stored_once(postgres_url, site)
            assert site.log.counts()["/news/100007/"] == 2  # refused once, fetched again after its lease
        log = (tmp_path / "w.log").read_text()
        # Items wait for their transaction (group commit): every article of the refused one
        # failed with it and is fetched again later; none was acked.
        refused = log.count("[scrapy.core.scraper] ERROR: Error processing Article(")
        assert refused >= 1 and f"'crawler/frontier/retry_later': {refused}," in log
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP TRIGGER IF EXISTS outage ON articles"))
            conn.execute(text("DROP FUNCTION IF EXISTS outage_once()"))
            conn.execute(text("DROP SEQUENCE IF EXISTS outage_seq"))
        engine.dispose()
    assert frontier_left(redis_server, redis_prefix) == (0, 0)

"""`crawler enqueue`, `crawler worker`, `crawler frontier` as a user meets them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from localsite import PUBLISHER_ARTICLES, LocalSites
from sqlalchemy import create_engine, text

from crawler.cli import main

pytestmark = pytest.mark.redis


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_enqueue_queues_the_seeds_and_frontier_shows_them(sites_file: Path, redis_prefix: str) -> None:
    code, out = invoke("enqueue", "--sites", str(sites_file), "--redis-prefix", redis_prefix)
    assert code == 0, out
    assert "publisher: round 1, queued 3 seed request(s) (feed 1, listing 1, sitemap 1)" in out
    assert "aggregator: round 1, queued 1 seed request(s) (listing 1)" in out
    code, out = invoke("frontier", "--sites", str(sites_file), "--redis-prefix", redis_prefix, "--format", "json")
    assert code == 0, out
    assert json.loads(out) == [
        {"site": "publisher", "queued": 3, "leased": 0, "seen": 3, "epoch": 1, "dropped": 0},
        {"site": "aggregator", "queued": 1, "leased": 0, "seen": 1, "epoch": 1, "dropped": 0},
    ]
    code, out = invoke("frontier", "--sites", str(sites_file), "--redis-prefix", redis_prefix, "--clear",
                       "--format", "jsonl", "publisher")  # fmt: skip
    assert code == 0 and json.loads(out)["queued"] == 0


def test_frontier_lists_the_requests_dropped_after_too_many_expired_leases(
    sites_file: Path, redis_prefix: str, redis_server: str
) -> None:
    from redis import Redis

    from crawler.cli.crawl import _select_sites
    from crawler.cli.worker import _frontier

    assert invoke("enqueue", "--sites", str(sites_file), "--redis-prefix", redis_prefix, "aggregator")[0] == 0
    server = Redis.from_url(redis_server)
    queue = _frontier(server, redis_prefix, _select_sites(str(sites_file), ("aggregator",))["aggregator"]).queue
    for attempt in range(3):  # CRAWLER_LEASE_MAX_EXPIRIES: three workers died on it
        leased = queue.pop_leased(f"dead-{attempt}", 1)
        assert leased is not None
        time.sleep(0.01)
        queue.requeue_expired()
    server.close()
    code, out = invoke("frontier", "--sites", str(sites_file), "--redis-prefix", redis_prefix, "--format", "json")
    assert code == 0 and [r["dropped"] for r in json.loads(out)] == [0, 1]
    code, out = invoke("frontier", "--sites", str(sites_file), "--redis-prefix", redis_prefix, "--dropped",
                       "--format", "json")  # fmt: skip
    assert code == 0, out
    assert json.loads(out) == [{"site": "aggregator", "url": leased.url, "kind": leased.meta["kind"]}]


def test_clearing_needs_site_names(sites_file: Path, redis_prefix: str) -> None:
    code, out = invoke("frontier", "--sites", str(sites_file), "--redis-prefix", redis_prefix, "--clear")
    assert code == 2
    assert "--clear needs the names of the sites to clear" in out


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("redis://127.0.0.1:1/0", "cannot connect to Redis at redis://127.0.0.1:1/0"),
        ("http://127.0.0.1/", "invalid Redis URL 'http://127.0.0.1/'"),
        ("redis://user:secret@127.0.0.1:1/0", "cannot connect to Redis at redis://***@127.0.0.1:1/0"),
    ],
)
def test_an_unreachable_redis_is_one_line_without_the_password(sites_file: Path, url: str, message: str) -> None:
    code, out = invoke("enqueue", "--sites", str(sites_file), "--redis", url)
    assert code == 1
    assert message in out
    assert "secret" not in out and "Traceback" not in out
    assert len(out.strip().splitlines()) == 1


def test_a_worker_for_an_unknown_site_is_a_configuration_error(sites_file: Path, sqlite_url: str) -> None:
    code, out = invoke("worker", "--sites", str(sites_file), "--db", sqlite_url, "nosuchsite")
    assert code == 2
    assert "no site named 'nosuchsite'" in out


@pytest.mark.slow
@pytest.mark.postgres
def test_two_workers_crawl_the_faulty_local_site_like_one_crawl_does(
    sites_file: Path, postgres_url: str, redis_prefix: str, local_sites: LocalSites, tmp_path: Path
) -> None:
    """404, a 500 that succeeds on retry, a redirect chain, a PDF, a page robots.txt forbids:
    through the shared queue, retries and redirects come back via Redis and nothing leaks."""
    local_sites.retry_calls.clear()
    common = ["--sites", str(sites_file), "--redis-prefix", redis_prefix]
    assert invoke("enqueue", *common, "publisher")[0] == 0
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "crawler",
                "worker",
                *common,
                "--db",
                postgres_url,
                "--idle-exit",
                "1",
                "--log-level",
                "INFO",
                "--log-file",
                str(tmp_path / f"w{i}.log"),
                "publisher",
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    for worker in workers:
        out, _ = worker.communicate(timeout=180)
        assert worker.returncode == 0, out
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        titles = sorted(r[0] for r in conn.execute(text("SELECT title FROM articles")))
    engine.dispose()
    assert titles == sorted(a.title for a in PUBLISHER_ARTICLES)
    _, out = invoke("frontier", *common, "--format", "json", "publisher")
    status = json.loads(out)[0]
    assert (status["queued"], status["leased"]) == (0, 0)
    assert len(local_sites.retry_calls) == 2  # the 500, then the retry that came back through Redis

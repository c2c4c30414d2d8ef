"""Measure issue 5's figures on a local changing site (no network), on SQLite and PostgreSQL.

    python scripts/measure_cron.py                       # SQLite, and PostgreSQL when it answers
    python scripts/measure_cron.py --articles 1000 --repeat 7

1. Incremental crawling: article pages fetched by a first run, by a second run over the
   unchanged site (ratio to the first), and by a third after 20 new + 5 edited articles
   (the 25, and the share of the others).
2. Time for `crawler crawl SITE` to exit 75 while another process holds the site's lock,
   against the baseline of starting Python (`python -c pass`) and `crawler --version`.
3. Known-URL lookups: URLs checked per second in batches (what the crawler does) against
   one query per URL, on a database of --known stored articles.

Times are medians of --repeat runs on a shared, noisy 2-core machine: read the ratios.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from crawler.db.engine import connect
from crawler.db.frontier import FrontierStore
from crawler.db.models import ArticleRow
from crawler.demo.newssite import NewsSite

PG_ADMIN = os.environ.get("CRAWLER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
HOLDER = """
import sys, time
from crawler.locks import SiteLocks
locks = SiteLocks(sys.argv[1], [sys.argv[2]]).acquire()  # keep a reference: a collected lock is released
print("held", flush=True)
time.sleep(600)
"""


def crawler(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler", *args], capture_output=True, text=True, timeout=600)


def timed(command: list[str], repeat: int) -> tuple[float, int]:
    times, code = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        code = subprocess.run(command, capture_output=True, timeout=60).returncode
        times.append(time.perf_counter() - start)
    return statistics.median(times), code


@contextmanager
def databases(with_pg: bool) -> Iterator[list[tuple[str, str]]]:
    tmp = Path(tempfile.mkdtemp(prefix="measure-cron-"))
    found = [("sqlite", f"sqlite:///{tmp / 'news.db'}")]
    admin = None
    name = f"crawler_measure_{uuid.uuid4().hex[:8]}"
    if with_pg:
        try:
            from sqlalchemy import create_engine, text

            admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            found.append(("postgresql", f"{PG_ADMIN.rsplit('/', 1)[0]}/{name}"))
        except Exception as exc:  # no server: SQLite only
            print(f"(PostgreSQL skipped: {str(exc).splitlines()[0]})")
            admin = None
    try:
        yield found
    finally:
        if admin is not None:
            from sqlalchemy import text

            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def measure_incremental(db: str, articles: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="measure-cron-site-"))
    with NewsSite(count=articles) as site:
        sites = tmp / "sites.toml"
        sites.write_text(site.sites_toml(), encoding="utf-8")

        def run(label: str) -> list[int]:
            site.clear_hits()
            start = time.perf_counter()
            proc = crawler("crawl", "--sites", str(sites), "--db", db, "--quiet")
            hits = site.article_hits()
            print(f"  {label:<44} exit {proc.returncode}  article pages {len(hits):>5}"
                  f"  all requests {len(site.server.hits) if site.server else 0:>5}"
                  f"  {time.perf_counter() - start:6.1f} s")  # fmt: skip
            return hits

        first = run("run 1 (empty database)")
        second = run("run 2 (site unchanged)")
        new = site.add(20)
        edited = [max(1, articles * k // 6) for k in range(1, 6)]
        site.edit(edited)
        third = run("run 3 (20 new, 5 edited)")
    changed = set(new) | set(edited)
    others = [h for h in third if h not in changed]
    print(f"  second run fetched {len(second)} of {len(first)} article pages: {len(second) / len(first):.1%} (<= 5%)")
    print(f"  third run fetched {len(changed & set(third))} of the 25 changed; others {len(others)} of"
          f" {articles - 5}: {len(others) / (articles - 5):.1%} (<= 10%)")  # fmt: skip


def measure_interrupt(db: str, sig: int, articles: int = 120) -> None:
    """Stop a crawl after 30 article pages with *sig*; what was stored, and what the next run fetched."""
    from crawler.db.repository import Repository

    tmp = Path(tempfile.mkdtemp(prefix="measure-cron-stop-"))
    with NewsSite(count=articles, article_delay=0.15) as site:
        sites = tmp / "sites.toml"
        sites.write_text(site.sites_toml().replace("concurrency = 8", "concurrency = 2"), encoding="utf-8")
        command = [sys.executable, "-m", "crawler", "crawl", "--sites", str(sites), "--db", db, "--quiet"]
        env = {**os.environ, "CRAWLER_STORE_BATCH_SIZE": "10"}
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        while len(site.article_hits()) < 30 and proc.poll() is None:
            time.sleep(0.05)
        proc.send_signal(sig)
        code = proc.wait(timeout=120)
        fetched = set(site.article_hits())
        repo = Repository(connect(db))
        stored, status = repo.count_articles(), repo.list_runs(limit=1)[0]["status"]
        site.clear_hits()
        again = crawler("crawl", "--sites", str(sites), "--db", db, "--quiet")
        refetched = set(site.article_hits())
        total = repo.count_articles()
        repo.engine.dispose()
    name = signal.Signals(sig).name
    print(f"  {name}: exit {code}, run {status!r}; {len(fetched)} article pages fetched, {stored} stored;"
          f" next run exit {again.returncode} fetched {len(refetched)} ({len(refetched & fetched)} fetched before),"
          f" site complete: {total} of {articles}")  # fmt: skip


def measure_lock(db: str, repeat: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="measure-cron-lock-"))
    sites = tmp / "sites.toml"
    sites.write_text('[sites.busy]\nfeeds = ["http://127.0.0.1:9/rss.xml"]\n', encoding="utf-8")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, db, "busy"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().startswith("held")
        command = [sys.executable, "-m", "crawler", "crawl", "--sites", str(sites), "--db", db, "busy"]
        locked, code = timed(command, repeat)
        python, _ = timed([sys.executable, "-c", "pass"], repeat)
        version, _ = timed([sys.executable, "-m", "crawler", "--version"], repeat)
        scrapy, _ = timed([sys.executable, "-c", "import scrapy.crawler, crawler.runner"], repeat)
    finally:
        holder.kill()
        holder.wait()
    print(f"  exit {code} in {locked * 1000:.0f} ms (median of {repeat}); baselines: python -c pass"
          f" {python * 1000:.0f} ms, crawler --version {version * 1000:.0f} ms, importing Scrapy + runner"
          f" {scrapy * 1000:.0f} ms")  # fmt: skip
    print(f"  ratio to `crawler --version`: {locked / version:.2f}x; to Python start-up: {locked / python:.2f}x")


def _fill(db: str, count: int) -> list[str]:
    engine = connect(db)
    now = datetime.now(UTC)
    urls = [f"https://measure.example/news/{i}/" for i in range(count)]
    rows = [
        {
            "canonical_url": u,
            "url": u,
            "site": "m",
            "authors": [],
            "tags": [],
            "read_also": [],
            "related": [],
            "fetched_at": now,
            "first_seen_at": now,
            "version": 1,
        }
        for u in urls
    ]
    with engine.begin() as conn:
        for start in range(0, len(rows), 5000):
            conn.execute(ArticleRow.__table__.insert(), rows[start : start + 5000])
    engine.dispose()
    return urls


def measure_lookups(db: str, known: int, repeat: int) -> None:
    urls = _fill(db, known)
    probe = urls[::2][:1000] + [f"https://measure.example/new/{i}/" for i in range(1000)]  # half known
    store = FrontierStore(connect(db))

    def per_url() -> None:
        for url in probe:
            store.known([url])

    def batched() -> None:
        store.known(probe)

    def best(fn: Callable[[], None]) -> float:
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    found = len(store.known(probe))
    one, many = best(per_url), best(batched)
    print(f"  {len(probe)} URLs against {known} stored ({found} known): batched {len(probe) / many:,.0f} URLs/s,"
          f" one query per URL {len(probe) / one:,.0f} URLs/s: batching is {one / many:.1f}x faster")  # fmt: skip
    store.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=500, help="articles on the local site")
    parser.add_argument("--known", type=int, default=50_000, help="stored articles for the lookup measurement")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with databases(not args.no_postgres) as dbs:
        for backend, db in dbs:
            print(f"== {backend}")
            print("incremental crawling:")
            measure_incremental(db, args.articles)
            print("another run holds the lock:")
            measure_lock(db, args.repeat)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with databases(not args.no_postgres) as fresh:
                for backend, db in fresh:
                    print(f"== {backend}: interrupted run (120 articles, stopped after 30 pages; batches of 10)")
                    measure_interrupt(db, sig)
        with databases(not args.no_postgres) as fresh:
            for backend, db in fresh:
                print(f"== {backend}: known-URL lookups")
                measure_lookups(db, args.known, args.repeat)


if __name__ == "__main__":
    main()

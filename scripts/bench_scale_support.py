"""Helpers of scripts/bench_scale.py: a scratch database, Redis keys, generated sites,
``crawler`` processes and CPU accounting from /proc."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from redis import Redis
from sqlalchemy import create_engine, text

from crawler.demo.bulk_site import HitLog, bulk_site, bulk_site_toml
from crawler.demo.server import SiteServer
from crawler.distributed.keys import SiteKeys

ADMIN_URL = os.environ.get("CRAWLER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("CRAWLER_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


# --- services ---------------------------------------------------------------------------------


@contextmanager
def scratch_database() -> Iterator[str]:
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"crawler_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"{ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    try:
        from crawler.db.engine import connect

        connect(url).dispose()
        yield url
    finally:
        for engine in _ENGINES.values():
            engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def empty_tables(db: str) -> None:
    engine = create_engine(db)
    with engine.begin() as conn:
        names = conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname='public' "
                                  "AND tablename <> 'alembic_version'")).scalars().all()  # fmt: skip
        conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


_ENGINES: dict[str, Any] = {}


def scalar(db: str, query: str) -> Any:
    engine = _ENGINES.setdefault(db, create_engine(db, pool_size=1))
    with engine.connect() as conn:
        return conn.execute(text(query)).scalar_one()


def clear_prefix(prefix: str) -> None:
    client = Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


def frontier_left(prefix: str, site: str) -> tuple[int, int]:
    keys, client = SiteKeys(prefix, site), Redis.from_url(REDIS_URL)
    try:
        return int(client.zcard(keys.queue)), int(client.hlen(keys.leases))
    finally:
        client.close()


# --- sites and processes ----------------------------------------------------------------------


@contextmanager
def serve(name: str, n: int, latency: float = 0.0) -> Iterator[tuple[SiteServer, HitLog, list[str]]]:
    log = HitLog(latency)
    with SiteServer({}) as server:
        server._server.handle_error = lambda *_: None  # a killed worker's reset connection is expected
        routes, paths = bulk_site(server.base_url, n)
        server.routes.update(log.wrap(routes))
        yield server, log, paths


class Runner:
    def __init__(self, workdir: Path, db: str) -> None:
        self.workdir, self.db = workdir, db
        self.prefix = f"crawler-bench-{uuid.uuid4().hex[:8]}"
        self.extra_env: dict[str, str] = {}

    def env(self, lease: float = 60) -> dict[str, str]:
        return {**os.environ, "CRAWLER_REDIS_PREFIX": self.prefix, "CRAWLER_REDIS_URL": REDIS_URL,
                "CRAWLER_LEASE_SECONDS": str(lease), **self.extra_env}  # fmt: skip

    def sites_file(self, entries: list[tuple[str, str]], delay: float, concurrency: int) -> Path:
        path = self.workdir / "sites.toml"
        path.write_text("\n".join(bulk_site_toml(name, base, delay=delay, concurrency=concurrency)
                                  for name, base in entries), encoding="utf-8")  # fmt: skip
        return path

    def crawler(self, *args: str, log: str, lease: float = 60) -> subprocess.Popen[str]:
        with open(self.workdir / log, "w", encoding="utf-8") as err:
            return subprocess.Popen([sys.executable, "-m", "crawler", *args], env=self.env(lease),
                                    stdout=subprocess.PIPE, stderr=err, text=True)  # fmt: skip

    def enqueue(self, sites: Path, site: str) -> None:
        proc = self.crawler("enqueue", "--sites", str(sites), site, log="enqueue.log")
        proc.communicate(timeout=120)
        if proc.returncode:
            raise SystemExit(f"enqueue failed: {(self.workdir / 'enqueue.log').read_text()[-500:]}")

    def worker(self, sites: Path, site: str, i: int, lease: float = 60) -> subprocess.Popen[str]:
        return self.crawler("worker", "--sites", str(sites), "--db", self.db, "--idle-exit", "0", site,
                            "--log-level", "INFO", log=f"worker-{i}.log", lease=lease)  # fmt: skip

    def wait_stored(self, n: int, procs: list[subprocess.Popen[str]], timeout: float = 900) -> float:
        start = time.time()
        while time.time() - start < timeout:
            if scalar(self.db, "SELECT count(*) FROM articles") >= n:
                return time.time()
            if all(p.poll() is not None for p in procs):
                break
            time.sleep(0.1)
        raise SystemExit(f"only {scalar(self.db, 'SELECT count(*) FROM articles')} of {n} articles stored")


def finish(procs: list[subprocess.Popen[str]]) -> list[int]:
    return [p.wait(timeout=300) for p in procs]


def article_checks(db: str, base: str, log: HitLog, paths: list[str]) -> dict[str, Any]:
    counts = log.counts()
    hits = [counts[p] for p in paths]
    stored = scalar(db, "SELECT count(*) FROM articles")
    distinct = scalar(db, "SELECT count(DISTINCT canonical_url) FROM articles")
    expected = {base + p for p in paths}
    engine = create_engine(db)
    with engine.connect() as conn:
        urls = {r[0] for r in conn.execute(text("SELECT canonical_url FROM articles"))}
    engine.dispose()
    return {
        "stored": stored, "distinct": distinct, "lost": len(expected - urls), "unexpected": len(urls - expected),
        "versions": scalar(db, "SELECT count(*) FROM article_versions"),
        "article_pages_fetched_twice": sum(1 for h in hits if h > 1), "article_pages_never_fetched": hits.count(0),
    }  # fmt: skip


def cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot (/proc/stat)."""
    fields = [float(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / tick, sum(fields) / tick


def proc_cpu(match: Any) -> float:
    """CPU seconds (all threads) of the live processes whose command line *match* accepts."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if match(int(proc.name), cmdline):
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    return total


def cpu_split(pids: set[int], db_name: str) -> dict[str, float]:
    return {
        "workers": proc_cpu(lambda pid, _: pid in pids),
        "postgres": proc_cpu(lambda _, cmd: cmd.startswith("postgres:") and f" {db_name} " in cmd),
        "redis": proc_cpu(lambda _, cmd: cmd.startswith("redis-server")),
        "site_server": cpu_self(),
    }


def wait_ready(run: Runner, logs: list[str], timeout: float = 300) -> None:
    """Until every worker has opened its spider (its log says so)."""
    start = time.time()
    while time.time() - start < timeout:
        if all("worker on bulk" in (run.workdir / log).read_text(errors="replace") for log in logs):
            return
        time.sleep(0.2)
    raise SystemExit("workers did not start")

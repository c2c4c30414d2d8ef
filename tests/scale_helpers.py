"""Helpers of the scale-out tests: a generated site served locally, worker processes, checks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text

from crawler.demo.bulk_site import HitLog, bulk_site, bulk_site_toml
from crawler.demo.server import SiteServer


@dataclass
class BulkSite:
    name: str
    server: SiteServer
    log: HitLog
    paths: list[str]  # article paths

    @property
    def urls(self) -> set[str]:
        return {self.server.base_url + p for p in self.paths}

    def article_hits(self) -> list[int]:
        counts = self.log.counts()
        return [counts[p] for p in self.paths]


@contextmanager
def serve_bulk_site(name: str, n: int, *, latency: float = 0.0) -> Iterator[BulkSite]:
    log = HitLog(latency)
    with SiteServer({}) as server:
        routes, paths = bulk_site(server.base_url, n)
        server.routes.update(log.wrap(routes))
        yield BulkSite(name, server, log, paths)


def write_sites(path: Path, sites: list[BulkSite], *, delay: float, concurrency: int) -> Path:
    path.write_text(
        "\n".join(bulk_site_toml(s.name, s.server.base_url, delay=delay, concurrency=concurrency) for s in sites),
        encoding="utf-8",
    )
    return path


def cli(*args: str, env: dict[str, str] | None = None, log: Path | None = None) -> subprocess.Popen[str]:
    """``python -m crawler ARGS`` in a new process (stderr to *log* when given)."""
    stderr = open(log, "w", encoding="utf-8") if log else subprocess.PIPE  # noqa: SIM115  # closed with the process
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", *args],
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )


def stored_urls(db_url: str, site: str | None = None) -> list[str]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        query = "SELECT canonical_url FROM articles" + (" WHERE site = :site" if site else "")
        rows = [r[0] for r in conn.execute(text(query), {"site": site} if site else {})]
    engine.dispose()
    return rows


def count(db_url: str, query: str) -> int:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        value = int(conn.execute(text(query)).scalar_one())
    engine.dispose()
    return value


def wait_for_articles(db_url: str, n: int, timeout: float, procs: list[subprocess.Popen[str]] | None = None) -> float:
    """Poll until *n* articles are stored; the time it took. Fails when workers all exit first."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if count(db_url, "SELECT count(*) FROM articles") >= n:
            return time.monotonic() - start
        if procs and all(p.poll() is not None for p in procs):
            raise AssertionError(f"workers exited before {n} articles were stored")
        time.sleep(0.2)
    raise AssertionError(f"fewer than {n} articles stored after {timeout} s")

"""Pieces of ``scripts/bench.py``: a measured subprocess, the trafilatura baseline, the
loopback server and a throw-away PostgreSQL database."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.demo.server import SiteServer
from crawler.procmem import TreeSampler

__all__ = ["Outcome", "loopback_server", "postgres_database", "run_measured", "run_trafilatura"]


@dataclass
class Outcome:
    """What one crawler did to the site."""

    name: str
    stored: int
    wall: float
    peak_pss: int
    peak_rss: int
    cpu: float
    processes: int
    phases: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.stored / self.wall if self.wall else 0.0


def run_measured(cmd: list[str], env: dict[str, str], cwd: Path, log: Path) -> tuple[int, float, TreeSampler]:
    """Run *cmd*, sampling its process tree; (exit code, wall seconds, sampler)."""
    start = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        with TreeSampler(proc.pid, interval=0.1) as sampler:
            code = proc.wait()
    return code, time.perf_counter() - start, sampler


TRAFILATURA_CONFIG = """[DEFAULT]
DOWNLOAD_TIMEOUT = 30
MAX_FILE_SIZE = 20000000
MIN_FILE_SIZE = 10
SLEEP_TIME = 0
USER_AGENTS =
COOKIE =
MAX_REDIRECTS = 2
SSRF_PROTECTION = off
INSECURE_SSL_FALLBACK = off
MIN_EXTRACTED_SIZE = 250
MIN_OUTPUT_SIZE = 1
MIN_OUTPUT_COMM_SIZE = 1
MAX_TREE_SIZE =
EXTRACTION_TIMEOUT = 30
MIN_DUPLCHECK_SIZE = 100
MAX_REPETITIONS = 2
EXTENSIVE_DATE_SEARCH = on
EXTERNAL_URLS = off
"""


def run_trafilatura(base: str, tmp: Path) -> Outcome:
    """trafilatura's command line: URLs from the site's sitemap (``--sitemap --list``), then
    fetching and extraction of those URLs (``-i FILE -o DIR``). Two commands because its
    ``--sitemap`` mode with ``SLEEP_TIME = 0`` re-fetches the sitemap forever (2.3.1)."""
    config = tmp / "trafilatura.cfg"
    config.write_text(TRAFILATURA_CONFIG, encoding="utf-8")
    exe = str(Path(sys.executable).with_name("trafilatura"))
    urls, out_dir = tmp / "trafilatura-urls.txt", tmp / "trafilatura-out"
    list_cmd = [exe, "--sitemap", f"{base}/sitemap.xml", "--list", "--config-file", str(config)]
    code1, wall1, list_sampler = run_measured(list_cmd, dict(os.environ), tmp, urls)
    fetch_cmd = [exe, "-i", str(urls), "--config-file", str(config), "-o", str(out_dir)]
    code2, wall2, sampler = run_measured(fetch_cmd, dict(os.environ), tmp, tmp / "trafilatura.log")
    stored = sum(1 for p in out_dir.rglob("*") if p.is_file()) if out_dir.exists() else 0
    a, b = list_sampler.result, sampler.result
    out = Outcome(
        "trafilatura CLI",
        stored,
        wall1 + wall2,
        max(a.peak_pss, b.peak_pss),
        max(a.peak_rss, b.peak_rss),
        a.cpu_seconds + b.cpu_seconds,
        max(a.peak_processes, b.peak_processes),
    )
    for code in (code1, code2):
        if code not in (0, 1):
            out.notes.append(f"exit code {code}: see {tmp / 'trafilatura.log'}")
    return out


def loopback_server(routes: dict[str, Any]) -> SiteServer:
    """A server on port 80 of a free loopback address: trafilatura's URL filter rejects
    URLs with an explicit port, so the site must be served without one."""
    import random

    last: OSError | None = None
    for _ in range(20):
        host = f"127.0.{random.randint(1, 254)}.{random.randint(1, 254)}"
        try:
            return SiteServer(routes, host=host, port=80)
        except OSError as exc:  # taken (or port 80 not allowed): try another address
            last = exc
    raise SystemExit(f"no free loopback address on port 80 ({last}); run as a user allowed to bind port 80")


@contextlib.contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A fresh database on the server of *admin_url*, dropped afterwards."""
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"crawler_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

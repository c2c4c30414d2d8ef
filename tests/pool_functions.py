"""Extraction functions for the pool tests: they run in worker processes, so they live in
an importable module (tests/ is on the workers' sys.path: the forkserver inherits it).

Each has the signature of ``crawler.workers.extract_page``.
"""

from __future__ import annotations

import os
import time
from datetime import datetime

from crawler.items import Article
from crawler.workers import extract_page

CRASH_MARKER = "/news/1002/"  # the demo article whose page kills its worker
SLOW_MARKER = "/slow/"


def crash_on_marker(
    html: bytes | str, url: str, fetched_at: datetime | None = None, encoding: str | None = None
) -> tuple[Article, float]:
    """Like the real extraction, but the worker process dies (as on a segfault) on one page."""
    if CRASH_MARKER in url:
        os._exit(70)
    return extract_page(html, url, fetched_at, encoding)


def slow_on_marker(
    html: bytes | str, url: str, fetched_at: datetime | None = None, encoding: str | None = None
) -> tuple[Article, float]:
    """Hangs (well past any test timeout) on pages whose URL holds the slow marker."""
    if SLOW_MARKER in url:
        time.sleep(120)
    return extract_page(html, url, fetched_at, encoding)


def raise_on_marker(
    html: bytes | str, url: str, fetched_at: datetime | None = None, encoding: str | None = None
) -> tuple[Article, float]:
    """Raises inside the extractor on the crash marker (a bug, not a dead process)."""
    if CRASH_MARKER in url:
        raise RuntimeError("extractor bug")
    return extract_page(html, url, fetched_at, encoding)


def pid_page(
    html: bytes | str, url: str, fetched_at: datetime | None = None, encoding: str | None = None
) -> tuple[Article, float]:
    """An article whose title is the id of the worker process that made it."""
    return Article(url=url, title=str(os.getpid())), 0.0

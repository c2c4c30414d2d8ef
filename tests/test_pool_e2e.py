"""End to end: extraction in worker processes stores exactly what inline extraction stores,
and a page that kills its worker is dropped with a counted reason while the crawl goes on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from localsite import AGGREGATOR_ARTICLES, PUBLISHER_ARTICLES
from pool_functions import CRASH_MARKER

from crawler.cli import main

pytestmark = pytest.mark.slow

TESTS = Path(__file__).parent
# Which copy of a republished story is stored first depends on timing, in either mode.
_ORDER_DEPENDENT = ("fetched_at", "duplicate_of", "story_id", "id")


def crawl(sites_file: Path, db: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]), **env)
    return subprocess.run(
        [sys.executable, "-m", "crawler", "crawl", "--sites", str(sites_file), "--db", db],
        capture_output=True,
        text=True,
        timeout=180,
        env=environ,
    )


def stored(db: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(
        main, ["query", "--db", db, "--format", "json", "--limit", "500", "--include-duplicates"]
    )
    assert result.exit_code == 0, result.output
    articles = json.loads(result.output)
    return sorted(({k: v for k, v in a.items() if k not in _ORDER_DEPENDENT} for a in articles), key=lambda a: a["url"])


def test_workers_store_the_same_articles_as_inline_extraction(sites_file: Path, tmp_path: Path) -> None:
    inline_db, pool_db = f"sqlite:///{tmp_path / 'inline.db'}", f"sqlite:///{tmp_path / 'pool.db'}"
    inline = crawl(sites_file, inline_db, CRAWLER_EXTRACT_WORKERS="0")
    pooled = crawl(sites_file, pool_db, CRAWLER_EXTRACT_WORKERS="2")
    assert inline.returncode == 0, inline.stderr
    assert pooled.returncode == 0, pooled.stderr
    with_pool = stored(pool_db)
    assert with_pool == stored(inline_db), pooled.stdout + inline.stdout
    assert len(with_pool) == len(PUBLISHER_ARTICLES) + len(AGGREGATOR_ARTICLES)
    assert "extract_" not in pooled.stdout  # nothing dropped by the pool


def test_a_page_that_kills_its_worker_is_counted_and_the_rest_is_stored(sites_file: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'news.db'}"
    proc = crawl(sites_file, db, CRAWLER_EXTRACT_WORKERS="2", CRAWLER_EXTRACT_FUNCTION="pool_functions.crash_on_marker")
    assert proc.returncode == 0, proc.stderr
    assert "extract_crashed 1" in proc.stdout, proc.stdout + proc.stderr
    urls = [a["url"] for a in stored(db)]
    assert not any(CRASH_MARKER in u for u in urls)
    assert len(urls) == len(PUBLISHER_ARTICLES) + len(AGGREGATOR_ARTICLES) - 1, proc.stdout + proc.stderr
    result = CliRunner().invoke(main, ["runs", "--db", db, "--format", "json"])
    publisher = next(r for r in json.loads(result.output) if r["sites"] == "publisher")
    assert publisher["dropped"]["extract_crashed"] == 1
    assert publisher["status"] == "finished"

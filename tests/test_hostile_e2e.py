"""End to end: `crawler crawl` against the hostile local site (issue 8).

The crawl must end by itself, stay under a memory bound (sampled from /proc over the
process tree), store every good article intact and nothing forbidden, and report each
hostile resource with its reason. Runs stopped by a bound (deadline, memory, items) end
cleanly and say why. The figures (wall time, peak memory, reactor stall) are printed by
scripts/bench_hostile.py; here the bounds are generous safety nets.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.hostile_site import GOOD_COUNT, HOSTILE, CrawlCheck, HostileSite, check_crawl
from crawler.procmem import TreeSampler, self_check

pytestmark = pytest.mark.slow

MIB = 1024 * 1024

#: The reason each hostile resource must be counted under.
EXPECTED = {
    "/news/endless/": "failed/timeout",
    "/news/slow-first-byte/": "failed/timeout",
    "/calendar": "skipped/listing_depth",
    "/news/gzip-bomb/": "skipped/too_large",
    "/news/huge-page/": "skipped/too_large",
    "/sitemaps/huge.xml": "skipped/too_large",
    "/sitemaps/bomb.xml.gz": "skipped/too_large",
    "/news/pdf/": "skipped/not_html",
    "/news/png/": "skipped/not_html",
    "/news/redirect-file/": "skipped/redirect_scheme",
    "/news/redirect-ftp/": "skipped/redirect_scheme",
    "/news/redirect-port/": "skipped/redirect_port",
    "/news/redirect-offsite/": "skipped/redirect_offsite",
    "/news/redirect-loop/": "skipped/redirect_loop",
    "/news/refresh-port/": "skipped/redirect_port",
    "/news/reset/": "failed/connection_lost",
    "/news/dead-N/": "failed/http_404",
}


@pytest.fixture(scope="module")
def site() -> Iterator[HostileSite]:
    with HostileSite() as hostile:
        yield hostile


def crawl(site: HostileSite, tmp: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """One `crawler crawl` of the site in a subprocess (fresh SQLite), memory sampled."""
    db_url = f"sqlite:///{tmp / 'hostile.db'}"
    sites_file = tmp / "sites.toml"
    sites_file.write_text(site.sites_toml(), encoding="utf-8")
    log = tmp / "crawl.log"
    cmd = [sys.executable, "-m", "crawler", "crawl", "--sites", str(sites_file), "--db", db_url]
    cmd += ["--log-file", str(log), "--log-level", "INFO", *args, "hostile"]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}
    )
    with TreeSampler(proc.pid, interval=0.1) as sampler:
        try:
            out, err = proc.communicate(timeout=300)  # a safety net: the crawl must end by itself
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            pytest.fail("the crawl did not end by itself within 300 s")
    check = check_crawl(site, db_url, log.read_text(encoding="utf-8", errors="replace"))
    return {"code": proc.returncode, "out": out, "err": err, "check": check, "memory": sampler.result}


@pytest.fixture(scope="module")
def full_crawl(site: HostileSite, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return crawl(site, tmp_path_factory.mktemp("hostile"))


def test_the_crawl_ends_by_itself_and_finishes(full_crawl: dict[str, Any]) -> None:
    assert full_crawl["code"] == 0, full_crawl["err"]
    run = full_crawl["check"].run
    assert run["status"] == "finished" and run["finish_reason"] == "finished"


def test_every_good_article_is_stored_intact(full_crawl: dict[str, Any]) -> None:
    check: CrawlCheck = full_crawl["check"]
    assert check.good_damaged == {}
    assert len(check.good_stored) == GOOD_COUNT
    assert check.unexpected == []  # nothing from the PDF, the PNG, the bombs, the redirects...


def test_nothing_forbidden_is_stored(full_crawl: dict[str, Any]) -> None:
    assert full_crawl["check"].forbidden == []


def test_each_hostile_resource_is_reported_with_its_reason(full_crawl: dict[str, Any]) -> None:
    check: CrawlCheck = full_crawl["check"]
    assert set(EXPECTED) == set(HOSTILE)
    wrong = {
        path: check.reasons.get(path) for path, reason in EXPECTED.items() if reason not in check.reasons.get(path, [])
    }
    assert wrong == {}


def test_the_reasons_are_in_the_run_row(full_crawl: dict[str, Any]) -> None:
    run = full_crawl["check"].run
    stats = run["stats"]
    for reason in set(EXPECTED.values()):
        assert stats.get(f"crawler/{reason}", 0) >= 1, reason
    assert stats["crawler/failed/http_404"] == 500
    assert stats["crawler/skipped/listing_depth"] >= 1
    assert "crawler/reactor/max_stall_seconds" in stats
    assert run["dropped"] == {k.split("/", 2)[2]: v for k, v in stats.items() if k.startswith("crawler/dropped/")}


def test_the_calendar_trap_stops_at_the_listing_depth(full_crawl: dict[str, Any]) -> None:
    stats = full_crawl["check"].run["stats"]
    # Home page + CRAWLER_LISTING_DEPTH (3) calendar pages + the big archive page, no more.
    assert stats["crawler/requests/listing"] == 5


@pytest.mark.skipif(not self_check(), reason="needs Linux /proc")
def test_peak_memory_stays_bounded(full_crawl: dict[str, Any]) -> None:
    assert full_crawl["memory"].peak_pss < 500 * MIB


def test_the_run_deadline_stops_the_crawl_cleanly(site: HostileSite, tmp_path: Path) -> None:
    result = crawl(site, tmp_path, "--max-time", "2")
    assert result["code"] == 1
    assert "ended early (closespider_timeout: the run's deadline was reached" in result["err"]
    run = result["check"].run
    assert run["status"] == "failed" and run["finish_reason"] == "closespider_timeout"
    assert result["check"].forbidden == []


def test_the_memory_bound_stops_the_crawl_cleanly(site: HostileSite, tmp_path: Path) -> None:
    # A bound the crawl process is above from the start: the first check stops it.
    result = crawl(site, tmp_path, env={"CRAWLER_MAX_MEMORY_MB": "40"})
    assert result["code"] == 1
    assert "memory went past CRAWLER_MAX_MEMORY_MB" in result["err"]
    assert result["check"].run["finish_reason"] == "memusage_exceeded"


def test_the_items_cap_skips_further_articles_and_still_finishes(site: HostileSite, tmp_path: Path) -> None:
    result = crawl(site, tmp_path, env={"CRAWLER_MAX_ITEMS": "5"})
    assert result["code"] == 0, result["err"]
    stats = result["check"].run["stats"]
    assert stats["crawler/skipped/max_items"] >= 1
    assert len(result["check"].good_stored) <= 5
    # The cap loses nothing: the next run (same database) stores the rest.
    again = crawl(site, tmp_path)
    assert again["code"] == 0, again["err"]
    assert again["check"].good_damaged == {}

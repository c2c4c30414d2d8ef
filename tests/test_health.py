"""`crawler health`: one line per unhealthy site and exit 1; one OK line and exit 0 otherwise."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from crawler.cli import main
from crawler.db.engine import connect
from crawler.db.repository import Repository
from crawler.health import format_age, parse_age

SITES = """[sites.alpha]
feeds = ["https://alpha.example/rss"]

[sites.beta]
feeds = ["https://beta.example/rss"]
"""


def add_run(db: str, site: str, hours_ago: float, status: str = "finished", new: int = 3, responses: int = 40,
            blocked: int = 0, first_error: str | None = None) -> None:  # fmt: skip
    repo = Repository(connect(db))
    run_id = repo.start_run(sites=site, command="crawl", host="h", pid=1, log_path=None)
    started = datetime.now(UTC) - timedelta(hours=hours_ago)
    repo.finish_run(
        run_id, started_at=started, finished_at=started + timedelta(minutes=2), status=status, articles_new=new,
        responses=responses, blocked=blocked, first_error=first_error,
    )  # fmt: skip


def health(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["health", "--db", db, *args])
    return result.exit_code, result.output


@pytest.fixture
def sites(tmp_path: Path) -> str:
    path = tmp_path / "sites.toml"
    path.write_text(SITES, encoding="utf-8")
    return str(path)


def test_healthy_sites_give_one_ok_line_and_exit_0(db_url: str, sites: str) -> None:
    for site in ("alpha", "beta"):
        add_run(db_url, site, 3)
        add_run(db_url, site, 0.5)
    code, out = health(db_url, "--sites", sites)
    assert code == 0
    assert out.strip().splitlines() == ["OK: 2 site(s) healthy (a finished run within 2h)"]


def test_no_successful_run_within_the_age(db_url: str, sites: str) -> None:
    add_run(db_url, "alpha", 5)
    add_run(db_url, "alpha", 1, status="failed", first_error="no page answered")
    add_run(db_url, "beta", 0.2)
    code, out = health(db_url, "--sites", sites, "--max-age", "2h")
    assert code == 1
    [line] = out.strip().splitlines()
    assert line.startswith("alpha: no successful run for 4h")
    assert line.endswith("; last run failed: no page answered")


def test_a_site_that_never_ran_is_reported(db_url: str, sites: str) -> None:
    add_run(db_url, "alpha", 0.1)
    code, out = health(db_url, "--sites", sites)
    assert code == 1
    assert out.strip().splitlines() == ["beta: no successful run yet"]


def test_runs_that_store_nothing_new_point_to_broken_selectors(db_url: str, sites: str) -> None:
    add_run(db_url, "alpha", 1.5, new=4)
    for hours in (1.0, 0.7, 0.4):
        add_run(db_url, "alpha", hours, new=0)
    add_run(db_url, "beta", 0.3)
    code, out = health(db_url, "--sites", sites, "--max-empty-runs", "3")
    assert code == 1
    assert out.strip().splitlines() == ["alpha: no new article in the last 3 finished runs"]
    assert health(db_url, "--sites", sites, "--max-empty-runs", "4")[0] == 0
    assert health(db_url, "--sites", sites, "--max-empty-runs", "0")[0] == 0


def test_a_spike_of_403_and_429(db_url: str, sites: str) -> None:
    add_run(db_url, "alpha", 0.5, responses=50, blocked=20)
    add_run(db_url, "beta", 0.5, responses=50, blocked=3)  # a few are normal
    code, out = health(db_url, "--sites", sites)
    assert code == 1
    assert out.strip().splitlines() == ["alpha: 40% of the last run's responses were 403/429 (20 of 50)"]


def test_without_a_sites_file_the_run_history_names_the_sites(db_url: str) -> None:
    add_run(db_url, "alpha", 0.5)
    code, out = health(db_url, "--format", "json")
    assert code == 0
    assert json.loads(out) == {"healthy": True, "sites": {"alpha": []}}


def test_nothing_to_check_is_not_healthy(sqlite_url: str) -> None:
    code, _ = health(sqlite_url)
    assert code == 1


def test_bad_age_is_a_usage_error(sqlite_url: str) -> None:
    code, out = health(sqlite_url, "--max-age", "soon")
    assert code == 2 and "expected a duration" in out


def test_ages() -> None:
    assert parse_age("90m") == timedelta(minutes=90)
    assert parse_age("2h") == timedelta(hours=2)
    assert parse_age("1d") == timedelta(days=1)
    assert format_age(timedelta(hours=5, minutes=12)) == "5h12m"
    assert format_age(timedelta(days=3, hours=4)) == "3d4h"
    with pytest.raises(ValueError):
        parse_age("-1h")

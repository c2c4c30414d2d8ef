"""The command line as a user meets it: help, one-line errors, exit codes, offline extract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from localsite import LocalSites

from crawler.cli import main
from crawler.db.engine import connect
from crawler.db.repository import Repository
from crawler.demo.articles import ARTICLES
from crawler.demo.site import publisher_page

COMMANDS = ["crawl", "fetch", "extract", "query", "runs", "demo", "db"]


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crawler", *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output or command == "db"


def assert_one_line_error(proc: subprocess.CompletedProcess[str], code: int, needle: str) -> None:
    assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and needle in errors[0], proc.stderr


def test_missing_sites_file(tmp_path: Path) -> None:
    proc = run_cli("crawl", "--sites", str(tmp_path / "none.toml"), "--db", f"sqlite:///{tmp_path}/x.db")
    assert_one_line_error(proc, 2, "sites file not found")


def test_invalid_sites_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[sites.a]\nstart_urls = ["https://a.com/"]\narticle_pattern = "[unclosed"\n')
    proc = run_cli("crawl", "--sites", str(bad), "--db", f"sqlite:///{tmp_path}/x.db")
    assert_one_line_error(proc, 2, "site 'a': key 'article_pattern': invalid regex")


def test_unknown_site_name(sites_file: Path, tmp_path: Path) -> None:
    proc = run_cli("crawl", "--sites", str(sites_file), "--db", f"sqlite:///{tmp_path}/x.db", "nosuchsite")
    assert_one_line_error(proc, 2, "no site named 'nosuchsite'")


def test_unreachable_database(sites_file: Path) -> None:
    proc = run_cli("crawl", "--sites", str(sites_file), "--db", "postgresql+psycopg://nobody@127.0.0.1:9/x")
    assert_one_line_error(proc, 1, "cannot connect to database")
    assert "127.0.0.1:9" in proc.stderr


def test_invalid_database_url(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["query", "--db", "nonsense://"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "Traceback" not in result.output


def test_fetch_unreachable_url_keeps_what_is_stored(tmp_path: Path, local_sites: LocalSites) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    ok = run_cli("fetch", f"{local_sites.publisher.base_url}/news/1001/", "--db", db, "--format", "json")
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["title"] == ARTICLES[0].title
    proc = run_cli("fetch", "http://127.0.0.1:9/news/1", "--db", db)
    assert_one_line_error(proc, 1, "Connection was refused")
    assert Repository(connect(db)).count_articles() == 1


def test_fetch_non_html_and_bad_urls(tmp_path: Path, local_sites: LocalSites) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    proc = run_cli("fetch", f"{local_sites.publisher.base_url}/news/7007/", "--db", db)
    assert_one_line_error(proc, 1, "not html")
    assert_one_line_error(run_cli("fetch", "ftp://example.com/x", "--db", db), 2, "not an http(s) URL")
    proc = run_cli("fetch", f"{local_sites.publisher.base_url}/news/4040/", "--db", db)
    assert_one_line_error(proc, 1, "HTTP 404")


def test_fetch_dry_run_stores_nothing(tmp_path: Path, local_sites: LocalSites) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    proc = run_cli("fetch", f"{local_sites.publisher.base_url}/news/1002/", "--db", db, "--dry-run")
    assert proc.returncode == 0, proc.stderr
    assert ARTICLES[1].title in proc.stdout
    assert Repository(connect(db)).count_articles() == 0


def test_extract_reads_files_offline_in_order(tmp_path: Path) -> None:
    files = []
    for i, article in enumerate(ARTICLES[:2]):
        path = tmp_path / f"{i}.html"
        path.write_bytes(publisher_page(article, "https://example.com", list(ARTICLES[2:])))
        files.append(str(path))
    legacy = tmp_path / "legacy.html"
    legacy.write_bytes(
        publisher_page(ARTICLES[2], "https://example.com", [])
        .decode()
        .replace('<meta charset="utf-8">', "")
        .encode("cp1256")
    )
    files.append(str(legacy))
    result = CliRunner().invoke(main, ["extract", *files, "--url", "https://example.com/news/1"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.output.splitlines()]
    assert [r["title"] for r in records] == [a.title for a in ARTICLES[:3]]
    assert all(set(r) >= {"url", "canonical_url", "body", "read_also", "related", "duplicate_of"} for r in records)


def test_extract_missing_file_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "none.html")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_query_formats_on_an_empty_database(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    for fmt, expected in (("json", "[]"), ("jsonl", ""), ("csv", "url,canonical_url")):
        result = CliRunner().invoke(main, ["query", "--db", db, "--format", fmt])
        assert result.exit_code == 0 and result.output.strip().startswith(expected)
    bad = CliRunner().invoke(main, ["query", "--db", db, "--since", "yesterday-ish"])
    assert bad.exit_code == 2 and "--since" in bad.output


def test_demo_crawls_the_bundled_site(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/demo.db"
    proc = run_cli("demo", "--db", db)
    assert proc.returncode == 0, proc.stderr
    repo = Repository(connect(db))
    assert repo.count_articles() == len(ARTICLES) + 2  # two aggregator-style copies
    assert repo.count_articles(include_duplicates=False) == len(ARTICLES)

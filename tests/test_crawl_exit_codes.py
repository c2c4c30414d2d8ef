"""What a cron user sees from `crawler crawl`: exit codes, --quiet, per-run log files, stderr on failure."""

from __future__ import annotations

import csv
import io
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from localsite import LocalSites
from test_locks import Holder

from crawler.cli import main
from crawler.demo.server import Resource, SiteServer
from crawler.demo.site import listing_page

pytestmark = pytest.mark.slow


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler", *args], capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


@pytest.fixture
def dead_port() -> Iterator[int]:
    """A port that refuses connections: bound (so no one else takes it) but not listening."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        yield int(s.getsockname()[1])


def one_site(tmp_path: Path, start_url: str) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(f'[sites.dead]\nstart_urls = ["{start_url}"]\ndownload_delay = 0\n', encoding="utf-8")
    return path


def test_a_site_that_answers_nothing_fails_with_a_summary_on_stderr(tmp_path: Path, dead_port: int) -> None:
    sites = one_site(tmp_path, f"http://127.0.0.1:{dead_port}/")
    logs = tmp_path / "logs"
    proc = run_cli("crawl", "--sites", str(sites), "--db", f"sqlite:///{tmp_path}/n.db", "--log-dir", str(logs), "-q")
    assert proc.returncode == 1
    assert proc.stdout == ""  # --quiet
    lines = proc.stderr.strip().splitlines()
    assert lines[0] == "crawler crawl: dead FAILED: no page answered (every request failed or was refused)"
    [log] = list(logs.glob("crawl-*-dead-*.log"))
    assert f"  log: {log}" in lines
    assert "Connection" in log.read_text() or "refused" in log.read_text()  # the full log went to the file
    listed = CliRunner().invoke(main, ["runs", "--db", f"sqlite:///{tmp_path}/n.db", "--format", "json"])
    runs = json.loads(listed.output)
    assert runs[0]["status"] == "failed" and runs[0]["exit_code"] == 1 and runs[0]["log_path"] == str(log)


def test_too_many_errors_fail_the_run(tmp_path: Path, dead_port: int) -> None:
    dead = f"http://127.0.0.1:{dead_port}"
    with SiteServer({}) as server:
        links = [(f"{dead}/news/{i}/", f"خبر {i}") for i in range(3)]  # same host, closed port: errors
        server.routes["/"] = Resource(listing_page(links, None))
        server.routes["/robots.txt"] = Resource(b"User-agent: *\nAllow: /\n", content_type="text/plain")
        path = tmp_path / "sites.toml"
        path.write_text(
            f'[sites.flaky]\nstart_urls = ["{server.base_url}/"]\nallowed_domains = ["127.0.0.1"]\n'
            'article_pattern = "^/news/\\\\d+/$"\ndownload_delay = 0\n',
            encoding="utf-8",
        )
        args = ("crawl", "--sites", str(path), "--db", f"sqlite:///{tmp_path}/n.db")
        tolerant = run_cli(*args)
        strict = run_cli(*args, env={"CRAWLER_MAX_ERRORS": "2"})
    assert tolerant.returncode == 0, tolerant.stderr
    assert strict.returncode == 1, (strict.stdout, strict.stderr)
    assert "errors (more than CRAWLER_MAX_ERRORS=2)" in strict.stderr


def test_some_sites_locked_the_others_crawled_exit_75(
    tmp_path: Path, local_sites: LocalSites, sites_file: Path
) -> None:
    db = f"sqlite:///{tmp_path}/n.db"
    holder = Holder(db, ["publisher"])
    try:
        proc = run_cli("crawl", "--sites", str(sites_file), "--db", db)
    finally:
        holder.kill()
    assert proc.returncode == 75, proc.stderr
    assert "publisher: skipped, another run holds its lock" in proc.stderr
    assert "aggregator: finished" in proc.stdout and "publisher:" not in proc.stdout


def test_every_site_locked_quiet_exits_75_silently(tmp_path: Path, sites_file: Path) -> None:
    db = f"sqlite:///{tmp_path}/n.db"
    holder = Holder(db, ["publisher", "aggregator"])
    try:
        loud = run_cli("crawl", "--sites", str(sites_file), "--db", db)
        quiet = run_cli("crawl", "--sites", str(sites_file), "--db", db, "--quiet")
    finally:
        holder.kill()
    assert loud.returncode == quiet.returncode == 75
    message = "Error: another run holds the lock of publisher, aggregator: nothing to do (exit code 75)"
    assert loud.stderr.strip() == message
    assert quiet.stderr == quiet.stdout == ""


def test_each_shard_crawls_its_share_only(tmp_path: Path, sites_file: Path) -> None:
    crawled: list[str] = []
    for shard in ("1/2", "2/2"):
        proc = run_cli("crawl", "--sites", str(sites_file), "--db", f"sqlite:///{tmp_path}/n.db", "--shard", shard)
        assert proc.returncode == 0, proc.stderr
        crawled += [line.split(":")[0] for line in proc.stdout.splitlines() if line.endswith("finished (finished)")]
    assert sorted(crawled) == ["aggregator", "publisher"]  # every site by exactly one shard


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("--since", "last tuesday"), "--since: expected a date"),
        (("--shard", "3/2"), "--shard '3/2'"),
    ],
)
def test_bad_options_are_usage_errors(tmp_path: Path, sites_file: Path, args: tuple[str, ...], needle: str) -> None:
    proc = run_cli("crawl", "--sites", str(sites_file), "--db", f"sqlite:///{tmp_path}/n.db", *args)
    assert proc.returncode == 2
    assert needle in proc.stderr and "Traceback" not in proc.stderr


def test_bad_environment_values_are_one_line_errors(tmp_path: Path, sites_file: Path) -> None:
    proc = run_cli("crawl", "--sites", str(sites_file), env={"CRAWLER_MAX_ERRORS": "many"})
    assert proc.returncode == 2
    assert proc.stderr.strip() == "Error: environment variable CRAWLER_MAX_ERRORS: expected a number, got 'many'"


def test_runs_in_every_format(tmp_path: Path, sites_file: Path) -> None:
    db = f"sqlite:///{tmp_path}/n.db"
    assert run_cli("crawl", "--sites", str(sites_file), "--db", db, "aggregator").returncode == 0
    runner = CliRunner()
    [row] = list(csv.DictReader(io.StringIO(runner.invoke(main, ["runs", "--db", db, "--format", "csv"]).output)))
    assert row["sites"] == "aggregator" and row["status"] == "finished" and row["exit_code"] == "0"
    [line] = runner.invoke(main, ["runs", "--db", db, "--format", "jsonl"]).output.splitlines()
    record = json.loads(line)
    assert record["mode"] == "incremental" and record["responses_by_status"]["2xx"] >= 2
    table = runner.invoke(main, ["runs", "--db", db])
    assert table.exit_code == 0 and "crawl runs" in table.output


def test_the_crawl_command_loads_without_scrapy() -> None:
    code = (
        "import sys; from crawler.cli import main; import click; "
        "assert main.get_command(click.Context(main), 'crawl') is not None; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'twisted', 'sqlalchemy')))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert proc.stdout.strip() == "[]"

"""``crawler schedule``: crontab lines (or systemd units) from each site's ``schedule``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import click

from crawler.cli.common import UserError, db_option, sites_option
from crawler.exceptions import ConfigError
from crawler.schedule import (
    CronJob,
    cron_block,
    default_timeout,
    merge_crontab,
    remove_block,
    systemd_units,
)
from crawler.sharding import parse_shard, shard_sites


def crawler_command() -> list[str]:
    """The absolute command that runs this installation's ``crawler`` (cron has a bare PATH)."""
    script = Path(sys.executable).parent / "crawler"
    if script.is_file():
        return [str(script)]
    found = shutil.which("crawler")
    if found:
        return [str(Path(found).resolve())]
    return [sys.executable, "-m", "crawler"]


def _absolute_db_url(db_url: str) -> str:
    from crawler.locks import sqlite_path

    if db_url.split(":", 1)[0].split("+", 1)[0] == "sqlite":
        path = sqlite_path(db_url)
        if path is not None:
            return f"sqlite:///{path}"
    return db_url


def _crontab(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("crontab")
    if exe is None:
        raise UserError("no `crontab` command on this machine: install cron, or use --systemd DIR", 1)
    return subprocess.run([exe, *args], input=stdin, capture_output=True, text=True, timeout=60)


def _read_crontab() -> str:
    proc = _crontab("-l")
    if proc.returncode != 0:
        if "no crontab" in proc.stderr.lower():
            return ""
        raise UserError(f"crontab -l failed: {proc.stderr.strip() or proc.returncode}", 1)
    return proc.stdout


def _write_crontab(text: str) -> None:
    proc = _crontab("-", stdin=text)
    if proc.returncode != 0:
        raise UserError(f"crontab - failed: {proc.stderr.strip() or proc.returncode}", 1)


@click.command("schedule")
@sites_option
@db_option
@click.option(
    "--log-dir",
    type=click.Path(file_okay=False),
    default="logs",
    show_default=True,
    help="Folder for the run logs (made absolute).",
)
@click.option("--shard", metavar="I/N", default=None, help="Only share I of N of the sites (one share per host).")
@click.option(
    "--default-schedule",
    metavar="CRON",
    default=None,
    help="Schedule for sites without one (else they are left out, with a note).",
)
@click.option(
    "--timeout",
    "timeout_s",
    type=click.IntRange(60),
    default=None,
    help="Seconds a run may last [default: the shortest gap between its runs, at least 300].",
)
@click.option("--install", "action", flag_value="install", help="Merge the lines into your crontab (idempotent).")
@click.option("--uninstall", "action", flag_value="uninstall", help="Remove the lines from your crontab.")
@click.option(
    "--systemd",
    "systemd_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Write a service and a timer per site into this folder instead.",
)
def schedule(sites_file: str, db_url: str, log_dir: str, shard: str | None, default_schedule: str | None,
             timeout_s: int | None, action: str | None, systemd_dir: str | None) -> None:  # fmt: skip
    """Print crontab lines that run each site on its `schedule`; --install puts them in your crontab.

    Each line runs `crawler crawl --quiet` for one site under `timeout` (SIGTERM stops the run
    cleanly, SIGKILL follows 120 s later), with absolute paths, the database URL and a log
    folder; stdout goes to a file and stderr to cron's mail, so mail arrives only when a run
    fails. The lines sit between marker comments: --install replaces them, leaving the
    rest of the crontab alone.

    \b
    Example:
      crawler schedule --sites /srv/news/sites.toml --db sqlite:////srv/news/news.db --log-dir /srv/news/logs
      crawler schedule --sites sites.toml --install          # then: crontab -l
      crawler schedule --sites sites.toml --shard 1/2 --install   # on host 1 of 2
    """
    from crawler.sites import load_sites

    if action and systemd_dir:
        raise UserError("--systemd cannot be combined with --install/--uninstall", 2)
    if action == "uninstall":
        _write_crontab(remove_block(_read_crontab()))
        click.echo("removed the crawler lines from your crontab", err=True)
        return
    sites = load_sites(sites_file)
    names = shard_sites(list(sites), *parse_shard(shard)) if shard else list(sites)
    if default_schedule:
        from croniter import croniter

        if not croniter.is_valid(default_schedule):
            raise UserError(
                f"--default-schedule: invalid cron expression {default_schedule!r} (e.g. '*/30 * * * *')", 2
            )
    sites_path = str(Path(sites_file).resolve())
    logs = Path(log_dir).expanduser().resolve()
    url = _absolute_db_url(db_url)
    jobs: list[CronJob] = []
    for name in names:
        expr = sites[name].schedule or default_schedule
        if not expr:
            click.echo(f"{name}: no `schedule` in {sites_file}: left out (or pass --default-schedule)", err=True)
            continue
        argv = (
            *crawler_command(),
            "crawl",
            "--quiet",
            "--sites",
            sites_path,
            "--db",
            url,
            "--log-dir",
            str(logs),
            name,
        )
        jobs.append(CronJob(name, expr, argv, timeout_s or default_timeout(expr), str(logs / "cron.out")))
    if not jobs:
        raise ConfigError(f"{sites_file}: no site to schedule" + (f" in shard {shard}" if shard else ""))
    header = [f"sites: {sites_path}" + (f" (shard {shard})" if shard else "")]
    if systemd_dir:
        _write_systemd(Path(systemd_dir), jobs)
        return
    block = cron_block(jobs, header)
    if action != "install":
        click.echo("\n".join(block))
        return
    logs.mkdir(parents=True, exist_ok=True)
    current = _read_crontab()
    merged = merge_crontab(current, block)
    if merged == current:
        click.echo(f"crontab already up to date ({len(jobs)} site(s))", err=True)
        return
    _write_crontab(merged)
    click.echo(f"crontab updated: {len(jobs)} site(s) scheduled; see `crontab -l`", err=True)


def _write_systemd(directory: Path, jobs: list[CronJob]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    timers = []
    for job in jobs:
        for file_name, text in systemd_units(job).items():
            (directory / file_name).write_text(text, encoding="utf-8")
            if file_name.endswith(".timer"):
                timers.append(file_name)
    click.echo(f"wrote {len(jobs) * 2} unit file(s) to {directory}; to enable them (as your user):", err=True)
    click.echo(f"  cp {directory}/arabic-news-crawler-* ~/.config/systemd/user/ && systemctl --user daemon-reload")
    click.echo(f"  systemctl --user enable --now {' '.join(timers)}")


COMMANDS = [schedule]

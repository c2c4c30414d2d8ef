"""`crawler schedule`: crontab lines, idempotent --install (with a fake `crontab`), systemd units, shards."""

from __future__ import annotations

import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.exceptions import ConfigError
from crawler.schedule import (
    BEGIN_MARKER,
    END_MARKER,
    CronJob,
    cron_line,
    cron_to_oncalendar,
    default_timeout,
    merge_crontab,
    remove_block,
    systemd_units,
)
from crawler.sharding import parse_shard, shard_sites

SITES = """[sites.alpha]
feeds = ["https://alpha.example/rss"]
schedule = "*/15 * * * *"

[sites.beta]
feeds = ["https://beta.example/rss"]
schedule = "5 * * * *"

[sites.gamma]
feeds = ["https://gamma.example/rss"]
"""


@pytest.fixture
def fake_crontab(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A `crontab` on PATH that keeps the table in a file (the real crontab is never touched)."""
    table = tmp_path / "crontab.txt"
    bindir = tmp_path / "bin"
    bindir.mkdir()
    script = bindir / "crontab"
    script.write_text(
        "#!/bin/sh\n"
        f'TABLE="{table}"\n'
        'if [ "$1" = "-l" ]; then\n'
        '  if [ -f "$TABLE" ]; then cat "$TABLE"; exit 0; fi\n'
        '  echo "no crontab for $(id -un)" >&2; exit 1\n'
        "fi\n"
        'if [ "$1" = "-" ]; then cat > "$TABLE"; exit 0; fi\n'
        "exit 2\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    return env, table


def schedule_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler", "schedule", *args], capture_output=True, text=True, timeout=60, env=env
    )


def sites_file(tmp_path: Path) -> Path:
    path = tmp_path / "sites.toml"
    path.write_text(SITES, encoding="utf-8")
    return path


def test_printed_lines_are_ready_to_paste(tmp_path: Path) -> None:
    sites = sites_file(tmp_path)
    proc = schedule_cli(dict(os.environ), "--sites", str(sites), "--db", "sqlite:///rel/news.db", "--log-dir", "logs")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == BEGIN_MARKER and lines[-1] == END_MARKER
    jobs = [line for line in lines if not line.startswith("#")]
    assert len(jobs) == 2  # gamma has no schedule
    assert "gamma: no `schedule`" in proc.stderr
    alpha = jobs[0]
    assert alpha.startswith("*/15 * * * * timeout --signal=TERM --kill-after=120 900 ")
    words = shlex.split(alpha[len("*/15 * * * * ") :].split(" >>", 1)[0])
    crawler = words[4]
    assert Path(crawler).is_absolute() and Path(crawler).exists()
    assert words[5:] == [
        "crawl", "--quiet", "--sites", str(sites.resolve()), "--db", f"sqlite:///{Path('rel/news.db').resolve()}",
        "--log-dir", str(Path("logs").resolve()), "alpha",
    ]  # fmt: skip
    assert alpha.endswith(f">>{Path('logs').resolve() / 'cron.out'}")  # stderr is left to cron's mail
    assert "beta" in jobs[1] and jobs[1].startswith("5 * * * * timeout --signal=TERM --kill-after=120 3600 ")


def test_install_twice_leaves_exactly_one_copy_and_other_lines_alone(
    tmp_path: Path, fake_crontab: tuple[dict[str, str], Path]
) -> None:
    env, table = fake_crontab
    table.write_text("MAILTO=ops@example.org\n0 3 * * * /usr/bin/backup\n")
    sites = sites_file(tmp_path)
    args = ("--sites", str(sites), "--db", f"sqlite:///{tmp_path}/news.db", "--log-dir", str(tmp_path / "logs"))
    first = schedule_cli(env, *args, "--install")
    assert first.returncode == 0, first.stderr
    after_first = table.read_text()
    second = schedule_cli(env, *args, "--install")
    assert second.returncode == 0, second.stderr
    assert "already up to date" in second.stderr
    text = table.read_text()
    assert text == after_first
    assert text.count(BEGIN_MARKER) == 1 and text.count(END_MARKER) == 1
    assert text.count(" crawl --quiet ") == 2
    assert text.startswith("MAILTO=ops@example.org\n0 3 * * * /usr/bin/backup\n")
    assert (tmp_path / "logs").is_dir()

    # A changed schedule replaces the block in place; --uninstall removes only our lines.
    sites.write_text(SITES.replace('"5 * * * *"', '"10 * * * *"'), encoding="utf-8")
    assert schedule_cli(env, *args, "--install").returncode == 0
    text = table.read_text()
    assert text.count(BEGIN_MARKER) == 1 and "\n10 * * * * timeout" in text and "\n5 * * * * timeout" not in text
    assert schedule_cli(env, "--uninstall").returncode == 0
    assert table.read_text() == "MAILTO=ops@example.org\n0 3 * * * /usr/bin/backup\n"


def test_install_into_an_empty_crontab(tmp_path: Path, fake_crontab: tuple[dict[str, str], Path]) -> None:
    env, table = fake_crontab
    proc = schedule_cli(env, "--sites", str(sites_file(tmp_path)), "--install", "--default-schedule", "0 * * * *")
    assert proc.returncode == 0, proc.stderr
    assert table.read_text().count(" crawl --quiet ") == 3  # gamma got the default schedule


def test_systemd_units(tmp_path: Path) -> None:
    out = tmp_path / "units"
    proc = schedule_cli(dict(os.environ), "--sites", str(sites_file(tmp_path)), "--systemd", str(out))
    assert proc.returncode == 0, proc.stderr
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "arabic-news-crawler-alpha.service", "arabic-news-crawler-alpha.timer",
        "arabic-news-crawler-beta.service", "arabic-news-crawler-beta.timer",
    ]  # fmt: skip
    timer = (out / "arabic-news-crawler-alpha.timer").read_text()
    assert "OnCalendar=*-*-* *:00,15,30,45:00" in timer
    service = (out / "arabic-news-crawler-alpha.service").read_text()
    assert "Type=oneshot" in service and "TimeoutStartSec=900" in service and '"crawl" "--quiet"' in service


def test_shards_split_the_sites_between_hosts(tmp_path: Path) -> None:
    names = [f"site{i:02d}" for i in range(10)]
    shards = [shard_sites(names, i, 3) for i in (1, 2, 3)]
    assert sorted(n for shard in shards for n in shard) == names  # every site on exactly one host
    grown = [shard_sites([*names, "zeta-new"], i, 3) for i in (1, 2, 3)]
    assert all(set(old) <= set(new) for old, new in zip(shards, grown, strict=True))  # adding a site moves no other
    scheduled: list[str] = []
    for shard in ("1/2", "2/2"):
        proc = schedule_cli(dict(os.environ), "--sites", str(sites_file(tmp_path)), "--shard", shard)
        jobs = [line for line in proc.stdout.splitlines() if line and not line.startswith("#")]
        assert all(job.endswith(">>" + str(Path("logs").resolve() / "cron.out")) for job in jobs)
        scheduled += [job.split(" >>")[0].rsplit(" ", 1)[1] for job in jobs]
    assert sorted(scheduled) == ["alpha", "beta"]  # each site on exactly one of the two hosts


@pytest.mark.parametrize("text", ["0/2", "3/2", "a/b", "2", "1/0"])
def test_bad_shards_are_one_line_errors(text: str) -> None:
    with pytest.raises(ConfigError, match="--shard"):
        parse_shard(text)


def test_percent_signs_are_escaped_for_cron() -> None:
    job = CronJob("s", "0 * * * *", ("/bin/crawler", "crawl", "--db", "postgresql://u:p%40ss@h/db", "s"), 600, "/l")
    line = cron_line(job)
    assert "p\\%40ss" in line and "%40" not in line.replace("\\%40", "")


def test_merge_keeps_other_lines_and_position() -> None:
    existing = f"A\n{BEGIN_MARKER}\nold\n{END_MARKER}\nB\n"
    assert merge_crontab(existing, [BEGIN_MARKER, "new", END_MARKER]) == f"A\n{BEGIN_MARKER}\nnew\n{END_MARKER}\nB\n"
    assert remove_block(existing) == "A\nB\n"
    with pytest.raises(ConfigError, match="end marker"):
        merge_crontab(f"A\n{BEGIN_MARKER}\nold\n", [])


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("*/15 * * * *", ["*-*-* *:00,15,30,45:00"]),
        ("30 6 * * 1-5", ["Mon,Tue,Wed,Thu,Fri *-*-* 06:30:00"]),
        ("0 3 1,15 * *", ["*-*-01,15 03:00:00"]),
        ("0 0 1 * 0", ["*-*-01 00:00:00", "Sun *-*-* 00:00:00"]),  # cron: day of month OR day of week
        ("@hourly", ["*-*-* *:00:00"]),
    ],
)
def test_cron_to_systemd_calendar(expr: str, expected: list[str]) -> None:
    assert cron_to_oncalendar(expr) == expected


def test_default_timeout_is_the_gap_between_runs() -> None:
    assert default_timeout("*/15 * * * *") == 900
    assert default_timeout("* * * * *") == 300  # at least five minutes
    assert default_timeout("0 3 * * *") == 86400


def test_units_quote_for_systemd() -> None:
    argv = ("/opt/my crawler/bin/crawler", "crawl", "--db", "postgresql://u:a%b$c@h/db")
    job = CronJob("s", "0 * * * *", argv, 600, "")
    service = systemd_units(job)["arabic-news-crawler-s.service"]
    assert 'ExecStart="/opt/my crawler/bin/crawler" "crawl" "--db" "postgresql://u:a%%b$$c@h/db"' in service

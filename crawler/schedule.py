"""Turn each site's ``schedule`` (a cron expression) into crontab lines or systemd units.

Pure functions: no crontab is read or written here (``crawler schedule`` does that).
Sites can be spread over N hosts sharing one database with ``--shard I/N``
(:mod:`crawler.sharding`: every site lands on exactly one host).
"""

from __future__ import annotations

import itertools
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from crawler.exceptions import ConfigError

__all__ = [
    "BEGIN_MARKER",
    "END_MARKER",
    "CronJob",
    "cron_block",
    "cron_to_oncalendar",
    "default_timeout",
    "merge_crontab",
    "remove_block",
    "systemd_units",
]

BEGIN_MARKER = "# >>> arabic-news-crawler (managed by `crawler schedule --install`: edits inside are replaced) >>>"
END_MARKER = "# <<< arabic-news-crawler <<<"
KILL_AFTER_SECONDS = 120  # after SIGTERM: in-flight downloads end and the last batch is stored


@dataclass(frozen=True)
class CronJob:
    """One site's scheduled run."""

    site: str
    schedule: str  # cron expression
    argv: tuple[str, ...]  # the crawler command line
    timeout: int  # seconds
    output: str  # file that collects the command's stdout


def default_timeout(expr: str, now: datetime | None = None) -> int:
    """Seconds a run may last: the shortest gap between the schedule's next runs, at least 5 minutes."""
    from croniter import croniter

    it = croniter(expr, now or datetime.now(UTC))
    times = [it.get_next(datetime) for _ in range(25)]
    gap = min((b - a).total_seconds() for a, b in itertools.pairwise(times))
    return max(300, int(gap))


def _cron_escape(command: str) -> str:
    # In a crontab command an unescaped % ends the command (the rest becomes stdin).
    return command.replace("%", r"\%")


def cron_line(job: CronJob) -> str:
    command = (
        f"timeout --signal=TERM --kill-after={KILL_AFTER_SECONDS} {job.timeout} {shlex.join(job.argv)}"
        f" >>{shlex.quote(job.output)}"
    )
    return f"{job.schedule} {_cron_escape(command)}"


def cron_block(jobs: Sequence[CronJob], header: Sequence[str] = ()) -> list[str]:
    """The managed block: markers around one line per job (stderr is left to cron's mail)."""
    lines = [BEGIN_MARKER, *(f"# {h}" for h in header)]
    for job in jobs:
        lines.append(f"# {job.site}")
        lines.append(cron_line(job))
    lines.append(END_MARKER)
    return lines


def _split_block(text: str) -> tuple[list[str], int | None]:
    """The lines outside every managed block, and where the first block stood."""
    kept: list[str] = []
    position: int | None = None
    inside = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == BEGIN_MARKER:
            inside = True
            position = len(kept) if position is None else position
            continue
        if inside:
            if stripped == END_MARKER:
                inside = False
            continue
        kept.append(line)
    if inside:
        raise ConfigError("the crontab has a crawler block without its end marker: fix it with `crontab -e`")
    return kept, position


def merge_crontab(existing: str, block: Sequence[str]) -> str:
    """*existing* crontab text with its managed block replaced by *block* (other lines untouched)."""
    kept, position = _split_block(existing)
    at = len(kept) if position is None else position
    merged = [*kept[:at], *block, *kept[at:]]
    return "\n".join(merged).strip("\n") + "\n"


def remove_block(existing: str) -> str:
    """*existing* crontab text without the managed block."""
    kept, _ = _split_block(existing)
    text = "\n".join(kept).strip("\n")
    return text + "\n" if text else ""


# --- systemd -------------------------------------------------------------------------------

_DAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


def _field(values: list[object], width: int = 2) -> str:
    if values == ["*"]:
        return "*"
    return ",".join(str(v).zfill(width) for v in values)


def cron_to_oncalendar(expr: str) -> list[str]:
    """systemd ``OnCalendar=`` values that fire exactly when cron would run *expr*.

    Cron runs when the day of month OR the day of week matches if both are restricted;
    systemd requires both, so that case becomes two OnCalendar lines (a timer fires on either).
    """
    from croniter import croniter

    try:
        fields, _ = croniter.expand(expr)
    except (ValueError, KeyError) as exc:
        raise ConfigError(f"cannot convert cron expression {expr!r}: {exc}") from None
    if len(fields) != 5:
        raise ConfigError(f"cannot convert cron expression {expr!r}: seconds and years are not supported")
    minute, hour, dom, month, dow = fields
    days = "*" if dow == ["*"] else ",".join(_DAYS[int(d) % 7] for d in sorted({int(d) % 7 for d in dow}))
    time = f"{_field(hour)}:{_field(minute)}:00"

    def spec(weekdays: str, day: str) -> str:
        date = f"*-{_field(month)}-{day} {time}"
        return date if weekdays == "*" else f"{weekdays} {date}"

    if dom != ["*"] and dow != ["*"]:
        return [spec("*", _field(dom)), spec(days, "*")]
    return [spec(days, _field(dom))]


def _systemd_quote(arg: str) -> str:
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%").replace("$", "$$")
    return f'"{escaped}"'


def systemd_units(job: CronJob, description: str = "Arabic news crawler") -> dict[str, str]:
    """``{file name: text}`` of a oneshot service and its timer for *job*."""
    name = f"arabic-news-crawler-{job.site}"
    exec_start = " ".join(_systemd_quote(a) for a in job.argv)
    service = f"""[Unit]
Description={description}: crawl {job.site}
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart={exec_start}
# Like `timeout` in the crontab line: SIGTERM stops the run cleanly, SIGKILL follows if needed.
TimeoutStartSec={job.timeout}
KillSignal=SIGTERM
TimeoutStopSec={KILL_AFTER_SECONDS}
"""
    calendars = "\n".join(f"OnCalendar={c}" for c in cron_to_oncalendar(job.schedule))
    timer = f"""[Unit]
Description={description}: schedule of {job.site} ({job.schedule})

[Timer]
{calendars}
Unit={name}.service

[Install]
WantedBy=timers.target
"""
    return {f"{name}.service": service, f"{name}.timer": timer}

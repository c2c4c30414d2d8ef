"""Is each site being crawled well? The checks behind ``crawler health``.

Pure: the run history comes in as :class:`~crawler.db.history.RunSummary` rows. A site is
unhealthy when

* it has had no finished run within ``max_age`` (cron stopped, runs fail, a run hangs and
  holds the lock so the next ones exit 75),
* its last ``max_empty_runs`` finished runs stored no new article (a redesign broke the
  discovery or the extraction: pages come back, articles do not),
* its last run saw a spike of 403/429 answers (the site blocks or throttles us).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from crawler.db.history import RunSummary

__all__ = ["HealthPolicy", "check_site", "format_age", "parse_age"]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_age(text: str) -> timedelta:
    """``90m``, ``2h``, ``1d``, ``1w`` (or plain seconds) as a timedelta; ValueError otherwise."""
    value = text.strip().lower()
    unit = value[-1:] if value[-1:] in _UNITS else "s"
    number = value[:-1] if value[-1:] in _UNITS else value
    seconds = float(number) * _UNITS[unit]
    if seconds <= 0:
        raise ValueError(text)
    return timedelta(seconds=seconds)


def format_age(delta: timedelta) -> str:
    """A short human duration: 45m, 5h12m, 3d4h."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d{hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h{mins:02d}m" if mins else f"{hours}h"
    return f"{mins}m"


@dataclass(frozen=True)
class HealthPolicy:
    max_age: timedelta = timedelta(hours=2)
    max_empty_runs: int = 3  # 0: do not check
    max_blocked_share: float = 0.2  # of the last run's responses
    min_blocked: int = 5  # fewer 403/429 answers than this are never a spike


def check_site(
    site: str, last_success: datetime | None, recent: list[RunSummary], now: datetime, policy: HealthPolicy
) -> list[str]:
    """One-line reasons why *site* is unhealthy (empty: healthy). *recent*: ended runs, newest first."""
    reasons: list[str] = []
    last = recent[0] if recent else None
    last_note = ""
    if last is not None and last.status != "finished":
        last_note = f"; last run {last.status}" + (f": {last.first_error}" if last.first_error else "")
    if last_success is None:
        reasons.append(f"{site}: no successful run yet{last_note}")
    elif now - last_success > policy.max_age:
        reasons.append(
            f"{site}: no successful run for {format_age(now - last_success)}"
            f" (limit {format_age(policy.max_age)}, last {last_success.isoformat(timespec='minutes')}){last_note}"
        )
    finished = [r for r in recent if r.status == "finished"][: policy.max_empty_runs]
    if policy.max_empty_runs and len(finished) == policy.max_empty_runs and all(r.articles_new == 0 for r in finished):
        reasons.append(f"{site}: no new article in the last {policy.max_empty_runs} finished runs")
    if last is not None and last.responses and last.blocked >= policy.min_blocked:
        share = last.blocked / last.responses
        if share >= policy.max_blocked_share:
            reasons.append(
                f"{site}: {share:.0%} of the last run's responses were 403/429 ({last.blocked} of {last.responses})"
            )
    return reasons

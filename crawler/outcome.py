"""How a run ended, and the exit code ``crawler crawl`` gives cron.

``scrapy crawl`` exits 0 when callbacks raise or nothing could be fetched; here the status
of each site's run is computed from its final stats, and the exit code from the statuses:

====  ===============================================================================
code  meaning
====  ===============================================================================
0     every site finished
1     a site failed: could not start, no page answered, more errors than
      ``CRAWLER_MAX_ERRORS``, ended early (a too long ``Retry-After``, the run's
      deadline ``--max-time`` / ``CRAWLER_MAX_TIME``, the memory bound
      ``CRAWLER_MAX_MEMORY_MB``), or was interrupted (SIGINT / SIGTERM / ``timeout``)
2     usage or configuration error (bad option, sites file, setting): nothing was fetched
75    another run holds the lock of a site (``EX_TEMPFAIL``: try again later); when some
      sites were locked and the others finished, 75 too
====  ===============================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = [
    "EXIT_FAILED",
    "EXIT_LOCKED",
    "EXIT_OK",
    "EXIT_USAGE",
    "exit_code",
    "ok_pages",
    "run_status",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_LOCKED = 75

_INTERRUPTED = ("shutdown", "cancelled")
# Finish reasons of runs stopped by a bound (issue 8), said so a cron user knows which one.
_ENDED_EARLY = {
    "closespider_timeout": "the run's deadline was reached (--max-time / CRAWLER_MAX_TIME)",
    "memusage_exceeded": "memory went past CRAWLER_MAX_MEMORY_MB",
}


def ok_pages(stats: Mapping[str, Any]) -> int:
    """Pages that answered usefully: 2xx, or 304 to a conditional request; robots.txt excluded."""
    ok = 0
    for key, value in stats.items():
        if key.startswith("downloader/response_status_count/"):
            status = key.rsplit("/", 1)[1]
            if status.startswith("2") or status == "304":
                ok += int(value)
    robots = sum(
        int(v) for k, v in stats.items() if k.startswith("robotstxt/response_status_count/2")
    )  # robots.txt answers are counted by the downloader too
    return max(0, ok - robots)


def run_status(stats: Mapping[str, Any], reason: str | None, *, start_error: str | None = None,
               max_errors: int = -1) -> tuple[str, str | None]:  # fmt: skip
    """``(status, why)`` of one site's run: finished / failed / interrupted, and why it is not finished."""
    if start_error:
        return "failed", f"could not start: {start_error}"
    if reason in _INTERRUPTED:
        return "interrupted", f"interrupted ({reason})"
    if reason != "finished":
        detail = f"{reason}: {_ENDED_EARLY[reason]}" if reason in _ENDED_EARLY else reason or "no finish reason"
        return "failed", f"ended early ({detail})"
    errors = int(stats.get("log_count/ERROR", 0))
    if 0 <= max_errors < errors:
        return "failed", f"{errors} errors (more than CRAWLER_MAX_ERRORS={max_errors})"
    if ok_pages(stats) == 0:
        return "failed", "no page answered (every request failed or was refused)"
    return "finished", None


def exit_code(statuses: Iterable[str], *, locked: int = 0) -> int:
    """The process exit code for the statuses of the sites crawled and the number of sites skipped as locked."""
    statuses = list(statuses)
    if any(s != "finished" for s in statuses):
        return EXIT_FAILED
    if locked:
        return EXIT_LOCKED
    return EXIT_OK

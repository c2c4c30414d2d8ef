"""Per-run log files under ``--log-dir`` / ``CRAWLER_LOG_DIR``, and their pruning.

Each ``crawler crawl`` writes its Scrapy log to a new file named after the time, the sites
and the process id, so a cron job leaves one readable log per run; files older than
``CRAWLER_LOG_KEEP_DAYS`` are deleted when a run starts. Only our own file names are
ever deleted.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from crawler.exceptions import ConfigError

__all__ = ["new_log_path", "prune_logs"]

_OURS = re.compile(r"^crawl-\d{8}T\d{6}Z-[A-Za-z0-9_.+-]+-\d+\.log$")


def new_log_path(log_dir: str | os.PathLike[str], sites: Sequence[str], *, now: datetime | None = None) -> Path:
    """A new log file path in *log_dir* (created) for a run of *sites*."""
    directory = Path(log_dir).expanduser().resolve()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"--log-dir {directory}: cannot create the folder: {exc.strerror or exc}") from None
    if not os.access(directory, os.W_OK):
        raise ConfigError(f"--log-dir {directory}: the folder is not writable")
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    label = sites[0] if len(sites) == 1 else f"{sites[0]}+{len(sites) - 1}" if sites else "none"
    return directory / f"crawl-{stamp}-{label}-{os.getpid()}.log"


def prune_logs(log_dir: str | os.PathLike[str], keep_days: float) -> int:
    """Delete our run logs in *log_dir* older than *keep_days* (0 or less: keep all); how many."""
    if keep_days <= 0:
        return 0
    cutoff = time.time() - keep_days * 86400
    removed = 0
    for path in Path(log_dir).expanduser().glob("crawl-*.log"):
        try:
            if _OURS.match(path.name) and path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except OSError:  # another run pruned it first, or it is not ours to delete
            continue
    return removed

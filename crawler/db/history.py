"""Run history queries for cron-grade runs: dead runs, and what ``crawler health`` looks at.

Blocking, like :mod:`crawler.db.repository`: call from the reactor thread through
``run_in_thread`` (the health command runs outside any crawl).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine

from crawler.db.models import CrawlRun

__all__ = ["RunHistory", "RunSummary"]


@dataclass(frozen=True)
class RunSummary:
    """The columns of a run that health checks need."""

    id: int
    started_at: datetime
    finished_at: datetime | None
    status: str
    articles_new: int
    responses: int
    blocked: int
    first_error: str | None


class RunHistory:
    """Queries over the ``runs`` table of ``crawler crawl`` (one row per site and run)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def mark_killed_runs(self, site: str, current_run_id: int) -> int:
        """Mark "running" crawl rows of *site* other than the current one as killed; how many.

        Only safe for a caller that holds the site's lock: no other live run of it exists.
        """
        stmt = (
            update(CrawlRun)
            .where(
                CrawlRun.sites == site,
                CrawlRun.command == "crawl",
                CrawlRun.status == "running",
                CrawlRun.id != current_run_id,
            )
            .values(status="killed", finish_reason="died without finishing", finished_at=datetime.now(UTC))
        )
        with self.engine.begin() as conn:
            return int(conn.execute(stmt).rowcount or 0)

    def crawled_sites(self) -> list[str]:
        """Every site that has a crawl run, sorted."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(CrawlRun.sites).where(CrawlRun.command == "crawl").distinct())
            return sorted(r[0] for r in rows if r[0] and "," not in r[0])

    def last_success(self, site: str) -> datetime | None:
        """When the site's last finished crawl ended (None: never)."""
        stmt = select(func.max(CrawlRun.finished_at)).where(
            CrawlRun.sites == site, CrawlRun.command == "crawl", CrawlRun.status == "finished"
        )
        with self.engine.connect() as conn:
            value = conn.execute(stmt).scalar()
        if value is None:
            return None
        if isinstance(value, str):  # SQLite returns max() of a timestamp as text
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value

    def recent_runs(self, site: str, limit: int, *, statuses: tuple[str, ...] = ()) -> list[RunSummary]:
        """The site's last *limit* ended crawl runs (optionally of these statuses), newest first."""
        stmt = (
            select(CrawlRun)
            .where(CrawlRun.sites == site, CrawlRun.command == "crawl", CrawlRun.status != "running")
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
            .limit(limit)
        )
        if statuses:
            stmt = stmt.where(CrawlRun.status.in_(statuses))
        with self.engine.connect() as conn:
            rows = conn.execute(stmt).mappings().all()
        return [
            RunSummary(
                id=r["id"],
                started_at=r["started_at"],
                finished_at=r["finished_at"],
                status=r["status"],
                articles_new=int(r["articles_new"] or 0),
                responses=int(r["responses"] or 0),
                blocked=int(r["blocked"] or 0),
                first_error=r["first_error"],
            )
            for r in rows
        ]

"""``crawler stats``: what the database holds, per site.

- articles per site and day (publication date, else fetch date, in UTC);
- per site: articles, duplicate share (rows that are copies of another site's or the
  same site's article), field coverage (share with a publication date, authors, tags);
- the last crawl run that included each site.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Date, case, cast, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement

from crawler.db.models import ArticleRow, CrawlRun
from crawler.search.filters import Filters

__all__ = ["Stats", "collect_stats"]

RUNS_SCANNED = 2000  # recent runs looked at to find each site's last one


@dataclass
class Stats:
    per_day: list[dict[str, Any]] = field(default_factory=list)
    sites: list[dict[str, Any]] = field(default_factory=list)
    runs: list[dict[str, Any]] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {"per_day": self.per_day, "sites": self.sites, "runs": self.runs}


def _nonempty(conn: Connection, column: Any) -> ColumnElement[Any]:
    length = "jsonb_array_length" if conn.dialect.name == "postgresql" else "json_array_length"
    return func.coalesce(getattr(func, length)(column), 0) > 0


def _where(filters: Filters) -> list[ColumnElement[bool]]:
    when = func.coalesce(ArticleRow.published_at, ArticleRow.fetched_at)
    out: list[ColumnElement[bool]] = []
    if filters.sites:
        out.append(ArticleRow.site.in_(filters.sites))
    if filters.since is not None:
        out.append(when >= filters.since)
    if filters.until is not None:
        out.append(when <= filters.until)
    return out


def _day(conn: Connection) -> ColumnElement[Any]:
    when = func.coalesce(ArticleRow.published_at, ArticleRow.fetched_at)
    if conn.dialect.name == "postgresql":
        return cast(func.timezone("UTC", when), Date)
    return func.date(when)  # SQLite stores UTC text


def _share(part: Any, total: Any) -> float:
    return round(part / total, 4) if total else 0.0


def collect_stats(conn: Connection, filters: Filters | None = None, *, days: int = 14) -> Stats:
    """Counts over the articles the *filters* select (site, since, until); the per-day
    table keeps the *days* most recent days."""
    filters = filters or Filters()
    where = _where(filters)
    day = _day(conn).label("day")
    per_day_rows = conn.execute(
        select(day, ArticleRow.site, func.count().label("n"))
        .where(*where)
        .group_by(day, ArticleRow.site)
        .order_by(day.desc(), ArticleRow.site)
    ).all()
    recent_days = sorted({str(r.day) for r in per_day_rows}, reverse=True)[:days]
    per_day = [{"day": str(r.day), "site": r.site, "articles": r.n} for r in per_day_rows if str(r.day) in recent_days]
    site_rows = conn.execute(
        select(
            ArticleRow.site,
            func.count().label("n"),
            func.count(ArticleRow.duplicate_of_id).label("dups"),
            func.count(ArticleRow.published_at).label("dated"),
            func.sum(case((_nonempty(conn, ArticleRow.authors), 1), else_=0)).label("authors"),
            func.sum(case((_nonempty(conn, ArticleRow.tags), 1), else_=0)).label("tags"),
            func.max(ArticleRow.fetched_at).label("last_fetched"),
        )
        .where(*where)
        .group_by(ArticleRow.site)
        .order_by(ArticleRow.site)
    ).all()
    sites = [
        {
            "site": r.site,
            "articles": r.n,
            "duplicate_share": _share(r.dups, r.n),
            "with_date": _share(r.dated, r.n),
            "with_authors": _share(r.authors or 0, r.n),
            "with_tags": _share(r.tags or 0, r.n),
            "last_fetched": r.last_fetched.isoformat() if r.last_fetched else None,
        }
        for r in site_rows
    ]
    return Stats(per_day, sites, _last_runs(conn, filters, [s["site"] for s in sites]))


def _last_runs(conn: Connection, filters: Filters, known_sites: list[str]) -> list[dict[str, Any]]:
    runs = conn.execute(select(*CrawlRun.__table__.c).order_by(CrawlRun.started_at.desc()).limit(RUNS_SCANNED)).all()
    wanted = set(filters.sites) if filters.sites else None
    last: dict[str, dict[str, Any]] = {}
    for run in runs:
        for site in (s.strip() for s in (run.sites or "").split(",")):
            if not site or site in last or (wanted is not None and site not in wanted):
                continue
            last[site] = {
                "site": site,
                "run": run.id,
                "started_at": run.started_at.isoformat() if run.started_at else None,
                "status": run.status,
                "new": run.articles_new,
                "updated": run.articles_updated,
                "errors": run.errors,
            }
    order = {s: i for i, s in enumerate(known_sites)}
    return sorted(last.values(), key=lambda r: (order.get(r["site"], len(order)), r["site"]))

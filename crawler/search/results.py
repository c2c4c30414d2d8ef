"""What a search returns: stored articles with their id, copies and a snippet."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import aliased

from crawler.db.models import ArticleRow
from crawler.items import ARTICLE_FIELDS, Article
from crawler.search.snippet import Snippet

__all__ = ["RESULT_FIELDS", "SearchResult", "load_results"]

RESULT_FIELDS: tuple[str, ...] = (*ARTICLE_FIELDS, "id", "copies", "sites")
"""Keys of a result in json/jsonl/csv/parquet output (``snippet`` and ``score`` are
added by ``crawler query``)."""


@dataclass
class SearchResult(Article):
    """An :class:`~crawler.items.Article` as stored, plus what search knows about it.

    ``copies``: how many other stored articles are duplicates of the same story;
    ``sites``: every site that ran the story (this article's first); ``score``:
    relevance (higher is better) when ordered by relevance.
    """

    id: int = 0
    copies: int = 0
    sites: list[str] = field(default_factory=list)
    snippet: Snippet | None = None
    score: float | None = None

    def record(self) -> dict[str, Any]:
        """The flat record written by json/jsonl/csv/parquet output."""
        return {k: getattr(self, k) for k in RESULT_FIELDS}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


_ROOT = aliased(ArticleRow)
_COLUMNS = list(ArticleRow.__table__.c)


def _article(row: Any) -> SearchResult:
    m = row._mapping
    return SearchResult(
        id=m["id"],
        url=m["url"],
        canonical_url=m["canonical_url"],
        site=m["site"],
        title=m["title"],
        lead=m["lead"],
        body=m["body"],
        authors=list(m["authors"] or []),
        published=m["published"],
        modified=m["modified"],
        section=m["section"],
        tags=list(m["tags"] or []),
        source=m["source"],
        read_also=list(m["read_also"] or []),
        related=list(m["related"] or []),
        image=m["image"],
        lang=m["lang"],
        content_hash=m["content_hash"],
        duplicate_of=m["root_url"],
        story_id=m["story_id"],
        fetched_at=_iso(m["fetched_at"]),
    )


_COPIES = text(
    "SELECT COALESCE(duplicate_of_id, id) AS g, site, COUNT(*) AS n FROM articles "
    "WHERE id IN :ids OR duplicate_of_id IN :ids GROUP BY COALESCE(duplicate_of_id, id), site"
).bindparams(bindparam("ids", expanding=True))


def load_results(conn: Connection, ids: list[int]) -> dict[int, SearchResult]:
    """The stored articles *ids* with their copy counts and sites, by id."""
    if not ids:
        return {}
    stmt = (
        select(*_COLUMNS, _ROOT.canonical_url.label("root_url"))
        .outerjoin(_ROOT, _ROOT.id == ArticleRow.duplicate_of_id)
        .where(ArticleRow.id.in_(ids))
    )
    results: dict[int, SearchResult] = {}
    group_of: dict[int, int] = {}
    for row in conn.execute(stmt):
        results[row.id] = _article(row)
        group_of[row.id] = row.duplicate_of_id or row.id
    sites: dict[int, dict[str, int]] = {}
    for row in conn.execute(_COPIES, {"ids": sorted(set(group_of.values()))}):
        sites.setdefault(row.g, {})[row.site or ""] = row.n
    for result in results.values():
        by_site = sites.get(group_of[result.id], {})
        result.copies = max(sum(by_site.values()) - 1, 0)
        others = sorted(s for s in by_site if s and s != result.site)
        result.sites = ([result.site] if result.site else []) + others
    return results

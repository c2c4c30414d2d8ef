"""One article in full (``crawler show``): its fields, its copies on other sites, the
other articles of the same story, and its earlier versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.engine import Connection

from crawler.db.models import ArticleRow, ArticleVersion
from crawler.exceptions import CrawlerError
from crawler.search.results import SearchResult, load_results

__all__ = ["ArticleDetail", "ArticleNotFound", "find_article", "show_article"]


class ArticleNotFound(CrawlerError):
    """Raised by :func:`crawler.search.show.show_article` (``crawler show``) when no
    stored article has the given id or URL."""

    exit_code = 1


@dataclass
class ArticleDetail:
    article: SearchResult
    copies: list[dict[str, Any]] = field(default_factory=list)  # same story by duplicate_of
    same_story: list[dict[str, Any]] = field(default_factory=list)  # same story_id, not copies
    versions: list[dict[str, Any]] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {
            **self.article.record(),
            "copies_list": self.copies,
            "same_story": self.same_story,
            "versions": self.versions,
        }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def find_article(conn: Connection, key: str | int) -> int:
    """The id of the article with id *key*, or URL / canonical URL *key*."""
    text = str(key).strip()
    if text.isdigit():
        found = conn.execute(select(ArticleRow.id).where(ArticleRow.id == int(text))).scalar()
    else:
        urls = {text}
        try:
            from crawler.dedup.urls import canonicalize

            urls.add(canonicalize(text))
        except Exception:  # not a URL canonicalize understands: exact match only
            pass
        found = conn.execute(
            select(ArticleRow.id)
            .where(or_(ArticleRow.canonical_url.in_(urls), ArticleRow.url.in_(urls)))
            .order_by(ArticleRow.id)
            .limit(1)
        ).scalar()
    if found is None:
        raise ArticleNotFound(f"no stored article with {'id' if text.isdigit() else 'URL'} {text}")
    return int(found)


def _brief(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "site": row.site,
        "url": row.canonical_url,
        "title": row.title,
        "published": row.published,
        "fetched_at": _iso(row.fetched_at),
    }


def show_article(conn: Connection, key: str | int) -> ArticleDetail:
    article_id = find_article(conn, key)
    article = load_results(conn, [article_id])[article_id]
    root = conn.execute(select(ArticleRow.duplicate_of_id).where(ArticleRow.id == article_id)).scalar() or article_id
    columns = (
        ArticleRow.id,
        ArticleRow.site,
        ArticleRow.canonical_url,
        ArticleRow.title,
        ArticleRow.published,
        ArticleRow.fetched_at,
    )
    group = conn.execute(
        select(*columns).where(or_(ArticleRow.id == root, ArticleRow.duplicate_of_id == root)).order_by(ArticleRow.id)
    ).all()
    copies = [_brief(r) for r in group if r.id != article_id]
    same_story: list[dict[str, Any]] = []
    if article.story_id:
        in_group = {r.id for r in group}
        rows = conn.execute(
            select(*columns).where(ArticleRow.story_id == article.story_id).order_by(ArticleRow.id).limit(200)
        ).all()
        same_story = [_brief(r) for r in rows if r.id not in in_group]
    versions = [
        {
            "version": v.version,
            "fetched_at": _iso(v.fetched_at),
            "title": v.title,
            "content_hash": v.content_hash,
            "body_chars": len(v.body or ""),
            "body": v.body,
        }
        for v in conn.execute(
            select(*ArticleVersion.__table__.c)
            .where(ArticleVersion.article_id == article_id)
            .order_by(ArticleVersion.version)
        )
    ]
    return ArticleDetail(article, copies, same_story, versions)

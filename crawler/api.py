"""The Python API for notebooks and scripts.

>>> from crawler import Database
>>> db = Database("sqlite:///data/news.db")
>>> for a in db.search("رفح", site=["aljazeera", "bbc"], since="7d"):
...     print(a.published, a.site, a.title, a.copies)
>>> rows = db.iter_articles(since="2025-07-01")   # streams every article, constant memory

Results are :class:`crawler.search.SearchResult` objects: :class:`crawler.items.Article`
with ``id``, ``copies``, ``sites``, ``snippet`` and ``score`` added.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from crawler.search.show import ArticleDetail
    from crawler.search.stats import Stats

from crawler.db.engine import connect
from crawler.search.filters import Filters
from crawler.search.index import rebuild, sync
from crawler.search.query import Query
from crawler.search.results import SearchResult
from crawler.search.searcher import iter_results, search

__all__ = ["Database"]

Values = Iterable[str] | str | None
When = str | date | datetime | None


class Database:
    """A crawler database (SQLite file or PostgreSQL URL), schema brought up to date."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        self.url = url
        self.engine: Engine = connect(url, migrate=migrate)

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.engine.url.render_as_string(hide_password=True)!r})"

    @staticmethod
    def filters(
        *,
        site: Values = None,
        section: Values = None,
        tag: Values = None,
        source: Values = None,
        author: Values = None,
        lang: Values = None,
        since: When = None,
        until: When = None,
        include_duplicates: bool = False,
    ) -> Filters:
        """Build :class:`~crawler.search.Filters`; every value may be one string or a list."""
        return Filters.make(
            site=site,
            section=section,
            tag=tag,
            source=source,
            author=author,
            lang=lang,
            since=since,
            until=until,
            include_duplicates=include_duplicates,
        )

    def search(
        self,
        text: str | Query | None = None,
        *,
        order: str = "newest",
        limit: int | None = 20,
        offset: int = 0,
        snippets: bool = True,
        **filters: Any,
    ) -> list[SearchResult]:
        """One page of matching articles (``text=None``: all articles), newest first or by
        ``order="relevance"``; filters as in :meth:`filters`. ``limit=None`` returns all."""
        flt = filters.pop("filters", None) or self.filters(**filters)
        sync(self.engine)
        with self.engine.connect() as conn:
            return search(conn, text, flt, order=order, limit=limit, offset=offset, snippets=snippets)

    def match_ids(self, text: str | Query | None = None, **filters: Any) -> list[int]:
        """Ids of every matching article (or story), newest first, articles not loaded."""
        from crawler.search.searcher import match_ids

        flt = filters.pop("filters", None) or self.filters(**filters)
        sync(self.engine)
        with self.engine.connect() as conn:
            return match_ids(conn, text, flt)

    def iter_articles(
        self, text: str | Query | None = None, *, order: str = "newest", batch: int = 1000, **filters: Any
    ) -> Iterator[SearchResult]:
        """Stream every matching article (or story), *batch* rows in memory at a time."""
        flt = filters.pop("filters", None) or self.filters(**filters)
        sync(self.engine)
        with self.engine.connect() as conn:
            yield from iter_results(conn, text, flt, order=order, batch=batch)

    def export(
        self,
        out: str | Path,
        fmt: str = "jsonl",
        text: str | Query | None = None,
        *,
        order: str = "newest",
        **filters: Any,
    ) -> int:
        """Write every matching article to *out* as jsonl, csv or parquet (streaming);
        returns the number of rows."""
        from crawler.export import write_export

        return write_export(self.iter_articles(text, order=order, **filters), out, fmt)

    def show(self, key: str | int) -> ArticleDetail:
        """One article by id or URL, with its copies, same-story articles and versions."""
        from crawler.search.show import show_article

        sync(self.engine)
        with self.engine.connect() as conn:
            return show_article(conn, key)

    def stats(self, *, days: int = 14, **filters: Any) -> Stats:
        """Articles per site and day, duplicate share, field coverage, last runs."""
        from crawler.search.stats import collect_stats

        flt = filters.pop("filters", None) or self.filters(**filters)
        with self.engine.connect() as conn:
            return collect_stats(conn, flt, days=days)

    def reindex(self) -> int:
        """Rebuild the whole search index (after a change of the folding rules)."""
        with self.engine.begin() as conn:
            return rebuild(conn)

"""What incremental crawling asks the database: known article URLs and per-URL state.

Blocking, like :mod:`crawler.db.repository`: the crawler calls it through ``run_in_thread``,
in batches (one call per feed, sitemap or listing page), never per URL on the reactor thread.

``url_state`` holds two kinds of rows, told apart by ``kind``:

* feeds, sitemaps and listing pages: the HTTP validators (ETag, Last-Modified) and when the
  page was last read in full, for conditional requests and for skipping sub-sitemaps;
* article URLs that are not article rows: what they gave (``outcome``: not_article, gone,
  alias of a stored article), so that they are not fetched on every run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Engine

from crawler.db.models import ArticleRow, UrlState
from crawler.incremental import Known

__all__ = ["FrontierStore", "SourceState"]

_CHUNK = 500


@dataclass(frozen=True)
class SourceState:
    """Validators of a feed, sitemap or listing page."""

    etag: str | None
    last_modified: str | None
    checked_at: datetime | None


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


class FrontierStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def known(self, urls: Iterable[str]) -> dict[str, Known]:
        """What is known of each of *urls* (canonical article URLs); unknown ones are absent."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, Known] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(wanted):
                for url, outcome, checked in conn.execute(
                    select(UrlState.url, UrlState.outcome, UrlState.checked_at).where(
                        UrlState.url.in_(chunk), UrlState.kind == "article"
                    )
                ):
                    if checked is not None:
                        found[url] = Known(outcome or "not_article", checked)
                article = ArticleRow
                columns = (article.canonical_url, article.fetched_at, article.published_at, article.first_seen_at)
                for url, fetched, published, first_seen in conn.execute(
                    select(*columns).where(article.canonical_url.in_(chunk))
                ):
                    found[url] = Known("article", fetched, published, first_seen)  # an article row wins
        return found

    def source_states(self, urls: Iterable[str]) -> dict[str, SourceState]:
        """Validators of feeds, sitemaps and listing pages read in full by an earlier run."""
        wanted = list(dict.fromkeys(urls))
        found: dict[str, SourceState] = {}
        with self.engine.connect() as conn:
            for chunk in _chunks(wanted):
                rows = conn.execute(
                    select(UrlState.url, UrlState.etag, UrlState.last_modified, UrlState.checked_at).where(
                        UrlState.url.in_(chunk), UrlState.kind != "article"
                    )
                )
                for url, etag, last_modified, checked in rows:
                    found[url] = SourceState(etag, last_modified, checked)
        return found

    def save(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert or replace ``url_state`` rows (keys: url, site, kind, etag, last_modified, outcome, checked_at)."""
        if not rows:
            return
        latest = {row["url"]: row for row in rows}  # one row per URL, the last one wins
        with self.engine.begin() as conn:
            for chunk in _chunks(list(latest)):
                conn.execute(delete(UrlState).where(UrlState.url.in_(chunk)))
                conn.execute(insert(UrlState), [_state_row(latest[url]) for url in chunk])


def _state_row(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("url", "site", "kind", "etag", "last_modified", "outcome", "checked_at")
    return {key: row.get(key) for key in keys}

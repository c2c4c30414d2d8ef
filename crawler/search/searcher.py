"""Running a search: ordered candidates from the index, phrase check, duplicate folding,
then the page (or a stream) of stored articles.

Duplicate folding: each story (an article that is nobody's duplicate, with the rows
whose ``duplicate_of_id`` points at it) appears once, at the place of its first
matching article in the chosen order, and is shown as its original article, with the
number of copies and every site that ran it. Filters and the text select stories
through any of their articles. ``include_duplicates`` lists every matching article.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from crawler.db.models import ArticleRow
from crawler.search.filters import Filters, check_order, check_page
from crawler.search.query import Query, parse
from crawler.search.results import SearchResult, load_results
from crawler.search.snippet import make_snippet
from crawler.search.sql import Candidates
from crawler.search.terms import words

__all__ = ["Candidate", "iter_candidates", "iter_results", "match_ids", "search"]

MAX_CHUNK = 5000


@dataclass(frozen=True)
class Candidate:
    id: int  # the matching article
    shown: int  # the article shown for it (its story's original when folding)
    sort_key: int
    score: float | None


def as_query(text: str | Query | None) -> Query | None:
    """``None`` (list everything) or a parsed query."""
    if text is None or isinstance(text, Query):
        return text
    return parse(text)


def _checked(conn: Connection, query: Query, rows: Sequence[Any]) -> list[Any]:
    """Rows whose stored title and body really hold the phrases (and not the excluded ones)."""
    ids = [r.id for r in rows]
    texts = {
        r.id: (r.title, r.body)
        for r in conn.execute(select(ArticleRow.id, ArticleRow.title, ArticleRow.body).where(ArticleRow.id.in_(ids)))
    }
    return [r for r in rows if r.id in texts and query.matches(words(texts[r.id][0]), words(texts[r.id][1]))]


def iter_candidates(
    conn: Connection,
    query: Query | None,
    filters: Filters,
    order: str = "newest",
    *,
    first_chunk: int = 64,
) -> Iterator[Candidate]:
    """Matching articles in order, folded into stories unless duplicates are included.

    Runs the statement in growing chunks (keyset on sort_key for newest, offset for
    relevance), so a first page stops early and an export holds one chunk at a time.
    """
    plan = Candidates(conn.dialect.name, query, filters, check_order(order))
    if query is not None and conn.dialect.name == "postgresql":
        # Matches come from the GIN index only: a sequential scan tests every row's
        # tsvector, which the planner prices far too low on a table this narrow.
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
    keyset = order == "newest" or query is None
    after: int | None = None
    offset = 0
    chunk = max(1, min(first_chunk, MAX_CHUNK))
    seen: set[int] = set()
    while True:
        stmt, params = plan.statement(after=after if keyset else None, limit=chunk, offset=0 if keyset else offset)
        rows = conn.execute(stmt, params).all()
        kept = _checked(conn, query, rows) if query is not None and query.needs_check and rows else rows
        for row in kept:
            score = -row.score if getattr(row, "score", None) is not None else None
            if filters.include_duplicates:
                yield Candidate(row.id, row.id, row.sort_key, score)
                continue
            story = row.dup or row.id
            if story not in seen:
                seen.add(story)
                yield Candidate(row.id, story, row.sort_key, score)
        if len(rows) < chunk:
            return
        after, offset = rows[-1].sort_key, offset + len(rows)
        chunk = min(chunk * 4, MAX_CHUNK)


def search(
    conn: Connection,
    text: str | Query | None,
    filters: Filters | None = None,
    *,
    order: str = "newest",
    limit: int | None = 20,
    offset: int = 0,
    snippets: bool = True,
) -> list[SearchResult]:
    """One page of results (``limit=None``: all of them), with snippets around the match."""
    filters = filters or Filters()
    check_page(limit, offset)
    query = as_query(text)
    if limit == 0:
        return []
    stop = None if limit is None else offset + limit
    if stop is None:
        first = 1000
    elif query is not None and query.needs_check:
        first = stop + 8  # each candidate's text is folded to check the phrase: ask for few
    else:
        first = max(32, 2 * stop)
    picked = list(islice(iter_candidates(conn, query, filters, order, first_chunk=first), offset, stop))
    loaded = load_results(conn, [c.shown for c in picked])
    keys = query.keys if query is not None else set()
    out: list[SearchResult] = []
    for cand in picked:
        result = loaded.get(cand.shown)
        if result is None:  # deleted between the two statements
            continue
        result.score = cand.score
        if snippets:
            result.snippet = make_snippet(result.body or result.lead or result.title, keys)
        out.append(result)
    return out


def match_ids(conn: Connection, text: str | Query | None, filters: Filters | None = None) -> list[int]:
    """Ids of every matching article (or story original), in date order, without loading
    the articles: for counting, comparing and the benchmark's recall."""
    candidates = iter_candidates(conn, as_query(text), filters or Filters(), first_chunk=MAX_CHUNK)
    return [c.shown for c in candidates]


def iter_results(
    conn: Connection,
    text: str | Query | None,
    filters: Filters | None = None,
    *,
    order: str = "newest",
    batch: int = 1000,
) -> Iterator[SearchResult]:
    """Every matching article (or story), streamed in order, *batch* rows in memory."""
    filters = filters or Filters()
    query = as_query(text)
    candidates = iter_candidates(conn, query, filters, order, first_chunk=batch)
    while True:
        picked = list(islice(candidates, batch))
        if not picked:
            return
        loaded = load_results(conn, [c.shown for c in picked])
        for cand in picked:
            result = loaded.get(cand.shown)
            if result is not None:
                result.score = cand.score
                yield result

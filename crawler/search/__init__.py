"""Arabic full-text search over the stored articles (see ``docs/query.md``)."""

from __future__ import annotations

from crawler.search.filters import FilterError, Filters, parse_when
from crawler.search.query import Query, QuerySyntaxError, parse
from crawler.search.results import SearchResult
from crawler.search.searcher import iter_results, search

__all__ = [
    "FilterError",
    "Filters",
    "Query",
    "QuerySyntaxError",
    "SearchResult",
    "iter_results",
    "parse",
    "parse_when",
    "search",
]

"""The search SQL for each backend. User text is never formatted into a statement: the
match expression and every filter value are bound parameters, and the match expression
itself is built only from index keys (runs of letters and digits) in quotes.

SQLite: ``article_fts MATCH :q`` on the FTS5 table whose rowid is the date-ordered
``sort_key``, so "newest first" walks the index backwards and stops at the page.
PostgreSQL: ``tsv @@ CAST(:q AS tsquery)`` on the GIN-indexed ``search_index.tsv``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import TextClause, bindparam, text

from crawler.search.filters import Filters
from crawler.search.index import KEY_SCALE, seconds_key
from crawler.search.query import Item, Query
from crawler.text.arabic import fold

__all__ = ["Candidates", "fts5_expression", "tsquery_expression"]

TITLE_WEIGHT = 4.0  # bm25 weight of the title column against 1.0 for the body


def _fts5_item(item: Item) -> str:
    # A phrase is checked word by word by the caller; the index narrows it to rows
    # holding all its words (detail=column keeps no positions).
    parts = [f'"{k}"' for k in item.keys]
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def fts5_expression(query: Query) -> str:
    clauses = ["(" + " OR ".join(_fts5_item(i) for i in clause) + ")" for clause in query.clauses]
    expr = " AND ".join(clauses)
    negated = [_fts5_item(i) for i in query.excluded if not i.is_phrase]
    if negated:
        expr = f"({expr}) NOT ({' OR '.join(negated)})"
    return expr


def _ts_item(item: Item) -> str:
    parts = [f"'{k}'" for k in item.keys]
    return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"


def tsquery_expression(query: Query) -> str:
    clauses = ["(" + " | ".join(_ts_item(i) for i in clause) + ")" for clause in query.clauses]
    negated = ["!" + _ts_item(i) for i in query.excluded if not i.is_phrase]
    return " & ".join(clauses + negated)


@dataclass
class Candidates:
    """One backend's statement for "matching article ids in order", built once and run
    in chunks (keyset on ``sort_key`` for newest, LIMIT/OFFSET for relevance)."""

    dialect: str
    query: Query | None
    filters: Filters
    order: str = "newest"
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def _fts(self) -> bool:
        return self.query is not None and self.dialect != "postgresql"

    @property
    def key_col(self) -> str:
        return "article_fts.rowid" if self._fts else "s.sort_key"

    def _filter_sql(self) -> list[str]:
        f, p, where = self.filters, self.params, []
        if f.since is not None:
            p["lo"] = seconds_key(f.since)
            where.append(f"{self.key_col} >= :lo")
        if f.until is not None:
            p["hi"] = seconds_key(f.until) + KEY_SCALE  # inclusive to the second
            where.append(f"{self.key_col} < :hi")
        if f.sites:
            p["sites"] = list(f.sites)
            where.append("s.site IN :sites")
        find = "strpos" if self.dialect == "postgresql" else "instr"
        for name, values, exact in (
            ("tags", f.tags, True),
            ("authors", f.authors, False),
            ("section", f.sections, False),
            ("source", f.sources, False),
        ):
            ors = []
            for i, value in enumerate(values):
                needle = fold(value).replace("|", " ").strip()
                p[f"{name}{i}"] = f"|{needle}|" if exact else needle
                ors.append(f"{find}(s.{name}_f, :{name}{i}) > 0")
            if ors:
                where.append("(" + " OR ".join(ors) + ")")
        ors = []
        for i, lang in enumerate(f.langs):
            p[f"lang{i}"], p[f"langp{i}"], p[f"langn{i}"] = lang, lang + "-", len(lang) + 1
            ors.append(f"s.lang = :lang{i} OR substr(s.lang, 1, :langn{i}) = :langp{i}")
        if ors:
            where.append("(" + " OR ".join(ors) + ")")
        return where

    def statement(self, *, after: int | None, limit: int, offset: int = 0) -> tuple[TextClause, dict[str, Any]]:
        self.params = {"limit": limit, "offset": offset}
        where = self._filter_sql()
        score = ""
        if self.query is None:
            source = "search_index s"
        elif self._fts:
            self.params["q"] = fts5_expression(self.query)
            source = "article_fts JOIN search_index s ON s.sort_key = article_fts.rowid"
            where.insert(0, "article_fts MATCH :q")
            score = f", bm25(article_fts, {TITLE_WEIGHT}, 1.0) AS score"
        else:
            self.params["q"] = tsquery_expression(self.query)
            source = "search_index s"
            where.insert(0, "s.tsv @@ CAST(:q AS tsquery)")
            score = ", -ts_rank(s.tsv, CAST(:q AS tsquery)) AS score"
        if after is not None:
            self.params["after"] = after
            where.append(f"{self.key_col} < :after")
        if self.order == "relevance" and score:
            order_by = f"score, {self.key_col} DESC"
        elif self.query is not None and self.dialect == "postgresql":
            # "+ 0" keeps PostgreSQL from walking the sort_key index backwards and testing
            # each row's tsvector (de-TOASTing it costs ~30 µs a row, which the planner does
            # not count): the GIN index finds every match, a top-N sort keeps the page.
            order_by, score = f"{self.key_col} + 0 DESC", ""
        else:
            order_by, score = f"{self.key_col} DESC", ""
        sql = (
            f"SELECT s.article_id AS id, {self.key_col} AS sort_key, s.dup_of AS dup{score} "
            f"FROM {source} WHERE {' AND '.join(where) or '1 = 1'} "
            f"ORDER BY {order_by} LIMIT :limit OFFSET :offset"
        )
        stmt = text(sql)
        if "sites" in self.params:
            stmt = stmt.bindparams(bindparam("sites", expanding=True))
        return stmt, dict(self.params)

"""Keeping the search index in step with the ``articles`` table.

Database triggers (migration 0005) append the id of every inserted or changed article
to ``search_queue``; :func:`index_pending` folds those articles in Python and writes
their terms (FTS5 rows on SQLite, a ``tsvector`` on PostgreSQL) and facets. Readers call
:func:`sync` before they search, so nobody has to remember to index; a writer may also
call :func:`index_pending` at the end of its own transaction to keep the queue short.
Deleting an article deletes its entry in the database (cascade / trigger).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from crawler.db.models import ArticleRow
from crawler.search.terms import field_terms, words
from crawler.text.arabic import fold

__all__ = ["BATCH", "index_articles", "index_pending", "rebuild", "sort_key", "sync"]

logger = logging.getLogger(__name__)

BATCH = 1000
BULK_BATCH = 5000  # per transaction once a backlog shows (bulk loads, migrations)
ANALYZE_AFTER = 5000
SQLITE_BULK_CACHE_KB = 131_072  # page cache for a bulk indexing connection (FTS5 merges re-read segments)
KEY_SCALE = 1_000_000_000
"""sort_key = whole UTC seconds * KEY_SCALE + article id (unique, date-ordered)."""
_MAX_SECONDS = 9_000_000_000  # year 2255: keeps sort_key inside a signed 64-bit integer
_PG_MAX_POS = 16383  # PostgreSQL's largest tsvector position


def sort_key(when: datetime | None, article_id: int) -> int:
    """The date-ordered unique key of an article (dates before 1970 sort as 1970)."""
    seconds = int(when.timestamp()) if when is not None else 0
    return min(max(seconds, 0), _MAX_SECONDS) * KEY_SCALE + article_id


def seconds_key(when: datetime) -> int:
    """The smallest sort_key of an article dated at *when* (whole seconds)."""
    return min(max(int(when.timestamp()), 0), _MAX_SECONDS) * KEY_SCALE


def facet(values: Iterable[str | None]) -> str:
    """Folded values between ``|`` marks: ``|v1|v2|`` (``""`` when none)."""
    folded = [fold(v).replace("|", " ").strip() for v in values if v]
    folded = [v for v in folded if v]
    return "|" + "|".join(folded) + "|" if folded else ""


@dataclass
class Entry:
    article_id: int
    sort_key: int
    title_terms: list[str]
    body_terms: list[str]
    facets: dict[str, Any]

    def params(self) -> dict[str, Any]:
        return {"article_id": self.article_id, "sort_key": self.sort_key, **self.facets}


def build_entry(row: Any) -> Entry:
    """The index entry of one article row (pure: no database access)."""
    return Entry(
        article_id=row.id,
        sort_key=sort_key(row.published_at or row.fetched_at, row.id),
        title_terms=field_terms(words(row.title)),
        body_terms=field_terms(words(row.body)),
        facets={
            "dup_of": row.duplicate_of_id,
            "site": row.site,
            "lang": (row.lang or "").lower()[:12],
            "section_f": facet([row.section]),
            "source_f": facet([row.source]),
            "tags_f": facet(row.tags or []),
            "authors_f": facet(row.authors or []),
        },
    )


def tsvector_literal(entry: Entry) -> str:
    """A tsvector in PostgreSQL's input syntax: title terms weighted A, body terms D.

    Terms are runs of letters and digits (see :mod:`crawler.search.terms`), so they
    never contain a quote or a backslash.
    """
    parts = [f"'{t}':{min(i + 1, _PG_MAX_POS)}A" for i, t in enumerate(entry.title_terms)]
    offset = len(entry.title_terms) + 1
    parts += [f"'{t}':{min(offset + i, _PG_MAX_POS)}" for i, t in enumerate(entry.body_terms)]
    return " ".join(parts)


_ROW_COLUMNS = (
    ArticleRow.id,
    ArticleRow.title,
    ArticleRow.body,
    ArticleRow.published_at,
    ArticleRow.fetched_at,
    ArticleRow.section,
    ArticleRow.source,
    ArticleRow.tags,
    ArticleRow.authors,
    ArticleRow.duplicate_of_id,
    ArticleRow.site,
    ArticleRow.lang,
)

_UPSERT = (
    "INSERT INTO search_index (article_id, sort_key, dup_of, site, lang, section_f, source_f, tags_f, "
    "authors_f{extra_cols}) "
    "VALUES (:article_id, :sort_key, :dup_of, :site, :lang, :section_f, :source_f, :tags_f, :authors_f{extra_vals}) "
    "ON CONFLICT (article_id) DO UPDATE SET sort_key = excluded.sort_key, dup_of = excluded.dup_of, "
    "site = excluded.site, lang = excluded.lang, "
    "section_f = excluded.section_f, source_f = excluded.source_f, tags_f = excluded.tags_f, "
    "authors_f = excluded.authors_f{extra_set}"
)
_SQLITE_UPSERT = text(_UPSERT.format(extra_cols="", extra_vals="", extra_set=""))
_PG_UPSERT = text(
    _UPSERT.format(extra_cols=", tsv", extra_vals=", CAST(:tsv AS tsvector)", extra_set=", tsv = excluded.tsv")
)


def index_articles(conn: Connection, ids: Sequence[int]) -> int:
    """(Re)index the articles *ids* inside the caller's transaction; ids of deleted
    articles lose their entry. Returns the number of articles indexed."""
    if not ids:
        return 0
    rows = conn.execute(select(*_ROW_COLUMNS).where(ArticleRow.id.in_(list(ids)))).all()
    entries = [build_entry(row) for row in rows]
    pg = conn.dialect.name == "postgresql"
    indexed = {e.article_id for e in entries}
    stale = [i for i in ids if i not in indexed]
    if stale:
        conn.execute(
            text("DELETE FROM search_index WHERE article_id IN :ids").bindparams(bindparam("ids", expanding=True)),
            {"ids": stale},
        )
    if not entries:
        return 0
    if pg:
        conn.execute(_PG_UPSERT, [{**e.params(), "tsv": tsvector_literal(e)} for e in entries])
        return len(entries)
    # SQLite: drop the FTS rows under the old keys, then write the new ones.
    conn.execute(
        text(
            "DELETE FROM article_fts WHERE rowid IN (SELECT sort_key FROM search_index WHERE article_id IN :ids)"
        ).bindparams(bindparam("ids", expanding=True)),
        {"ids": [e.article_id for e in entries]},
    )
    conn.execute(_SQLITE_UPSERT, [e.params() for e in entries])
    conn.execute(
        text("INSERT INTO article_fts (rowid, title, body) VALUES (:rk, :title, :body)"),
        [{"rk": e.sort_key, "title": " ".join(e.title_terms), "body": " ".join(e.body_terms)} for e in entries],
    )
    return len(entries)


def index_pending(conn: Connection, *, batch: int = BATCH, max_batches: int | None = None) -> int:
    """Index the queued articles inside the caller's transaction; returns how many."""
    done = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        queued = conn.execute(
            text("SELECT seq, article_id FROM search_queue ORDER BY seq LIMIT :n"), {"n": batch}
        ).all()
        if not queued:
            break
        done += index_articles(conn, sorted({r.article_id for r in queued}))
        conn.execute(
            text("DELETE FROM search_queue WHERE seq IN :seqs").bindparams(bindparam("seqs", expanding=True)),
            {"seqs": [r.seq for r in queued]},
        )
        batches += 1
    return done


def sync(engine: Engine, *, batch: int = BATCH) -> int:
    """Index everything queued, one transaction per batch (called before every read).

    A database the user may only read (a file without write permission) is searched
    as it is, with a warning, instead of failing.
    """
    done = 0
    try:
        while True:
            with engine.begin() as conn:
                if done and conn.dialect.name == "sqlite":
                    conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KB}")
                n = index_pending(conn, batch=batch, max_batches=1)
                pending = conn.execute(text("SELECT 1 FROM search_queue LIMIT 1")).first()
            done += n
            if pending is None:
                break
            batch = max(batch, BULK_BATCH)
    except OperationalError as exc:
        if "readonly" not in str(exc).replace(" ", "").lower():
            raise
        logger.warning("search index not updated: the database is read-only; new articles are not searchable")
        return done
    if done >= ANALYZE_AFTER:
        _analyze(engine)
    return done


def _analyze(engine: Engine) -> None:
    """Refresh planner statistics after a large batch, so the first searches after a
    bulk load do not scan the table (PostgreSQL's autovacuum would come later)."""
    with engine.begin() as conn:
        conn.execute(text("ANALYZE search_index"))
        conn.execute(text("ANALYZE articles"))


def rebuild(conn: Connection, *, batch: int = BULK_BATCH) -> int:
    """Drop every search entry and index all articles again, in the caller's transaction."""
    conn.execute(text("DELETE FROM search_queue"))
    if conn.dialect.name != "postgresql":
        conn.execute(text("DELETE FROM article_fts"))
    conn.execute(text("DELETE FROM search_index"))
    conn.execute(text("INSERT INTO search_queue (article_id) SELECT id FROM articles ORDER BY id"))
    return index_pending(conn, batch=batch)

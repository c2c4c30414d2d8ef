"""SQL of the near-duplicate index (tables in :mod:`crawler.db.models`).

Every function takes the caller's :class:`~sqlalchemy.engine.Connection` and runs
inside the caller's transaction: the store step looks up, inserts the articles and
adds them to the index in one transaction per batch. Statements are set-based (one
``IN`` per batch, ``executemany`` for writes) and the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from crawler.db.models import ArticleRow, NearDupBand, NearDupMeta, NearDupSignature

__all__ = [
    "CandidateRow",
    "IndexEntry",
    "IndexParams",
    "add_entries",
    "analyze_index",
    "article_bodies",
    "candidate_rows",
    "clear_index",
    "ensure_params",
    "key_hits",
    "lock_index",
    "remove_entries",
    "signature_rows",
]

# Any fixed number: the PostgreSQL advisory lock that serialises index decisions.
_PG_LOCK_KEY = 0x6E656172_64757030  # "neardup0"
# Bound parameters per IN list (SQLite allows 32,766 per statement; PostgreSQL 65,535).
_IN_CHUNK = 5000

_articles = cast(Table, ArticleRow.__table__)
_bands = cast(Table, NearDupBand.__table__)
_signatures = cast(Table, NearDupSignature.__table__)
_meta = cast(Table, NearDupMeta.__table__)


@dataclass(frozen=True)
class IndexParams:
    scheme: str
    num_perm: int
    bands: int
    rows: int


@dataclass(frozen=True)
class CandidateRow:
    """What linking needs to know of a candidate's article row."""

    article_id: int
    duplicate_of_id: int | None
    story_id: str | None
    canonical_url: str
    site: str | None
    source: str | None


@dataclass(frozen=True)
class IndexEntry:
    """One article to index: its signature and its LSH keys."""

    article_id: int
    size: int
    signature: bytes
    keys: Sequence[int]


def lock_index(conn: Connection) -> None:
    """Serialise look-up-then-add across processes until the caller's transaction ends.

    PostgreSQL: a transaction-level advisory lock. SQLite: take the database write lock
    now (a no-op UPDATE) rather than at the first INSERT, so that no other process can
    add a near-duplicate between our look-up and our insert.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    else:
        conn.execute(update(_meta).where(_meta.c.id == -1).values(scheme=_meta.c.scheme))


def ensure_params(conn: Connection, params: IndexParams) -> IndexParams:
    """Record *params* on first use and return the parameters the index was built with."""
    values = {"id": 1, **params.__dict__}
    if conn.dialect.name == "postgresql":
        conn.execute(postgresql.insert(_meta).values(values).on_conflict_do_nothing())
    elif conn.dialect.name == "sqlite":
        conn.execute(sqlite.insert(_meta).values(values).on_conflict_do_nothing())
    elif conn.execute(select(_meta.c.id).where(_meta.c.id == 1)).first() is None:
        conn.execute(insert(_meta).values(values))
    row = conn.execute(select(_meta.c.scheme, _meta.c.num_perm, _meta.c.bands, _meta.c.rows)).one()
    return IndexParams(*row)


def _chunks(values: Sequence[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield list(values[start : start + _IN_CHUNK])


def key_hits(conn: Connection, keys: Iterable[int]) -> list[tuple[int, int]]:
    """(key, article_id) of every indexed article holding one of *keys*: one indexed query.

    The keys travel as one parameter (:func:`_by_ids`): a batch has ~1,600 of them, and
    rendering that many bound parameters costs more than the look-up itself.
    """
    return [(int(k), int(a)) for k, a in _by_ids(conn, "key, article_id", "near_dup_bands", "key", keys)]


def _by_ids(conn: Connection, columns: str, table: str, id_column: str, ids: Iterable[int]) -> list[Any]:
    """``SELECT columns FROM table WHERE id_column IN ids``, the ids as one parameter (a JSON
    array on SQLite, an array on PostgreSQL: rendering thousands of bound parameters costs
    more than the look-up itself); bound parameters in chunks on other databases."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    if conn.dialect.name == "postgresql":
        sql_text = f"SELECT {columns} FROM {table} WHERE {id_column} = ANY(%s)"
        return list(conn.exec_driver_sql(sql_text, (wanted,)))
    if conn.dialect.name == "sqlite":
        sql_text = f"SELECT {columns} FROM {table} WHERE {id_column} IN (SELECT value FROM json_each(?))"
        return list(conn.exec_driver_sql(sql_text, (json.dumps(wanted),)))
    rows: list[Any] = []
    for chunk in _chunks(wanted):
        marks = ", ".join(f":i{n}" for n in range(len(chunk)))
        sql_text = f"SELECT {columns} FROM {table} WHERE {id_column} IN ({marks})"
        rows.extend(conn.execute(text(sql_text), {f"i{n}": v for n, v in enumerate(chunk)}))
    return rows


def signature_rows(conn: Connection, ids: Iterable[int]) -> list[tuple[int, int, bytes]]:
    """(article_id, size, signature) of the indexed articles among *ids*.

    Only the signature table is read: most articles sharing a key with an incoming one
    are rejected on their signature, and need nothing else (:func:`candidate_rows`).
    """
    rows = _by_ids(conn, "article_id, size, signature", "near_dup_signatures", "article_id", ids)
    return [(int(a), int(s), bytes(sig)) for a, s, sig in rows]


def candidate_rows(conn: Connection, ids: Iterable[int]) -> list[CandidateRow]:
    """What linking needs of the articles *ids* (those that passed the signature pre-filter):
    their links, URL, site and source line."""
    rows = _by_ids(conn, "id, duplicate_of_id, story_id, canonical_url, site, source", "articles", "id", ids)
    return [CandidateRow(int(a), d, st, url, site, src) for a, d, st, url, site, src in rows]


def article_bodies(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    """{article id: body} of *ids* (for exact similarity checks)."""
    query = select(_articles.c.id, _articles.c.body).where(_articles.c.id.in_(bindparam("ids", expanding=True)))
    out: dict[int, str] = {}
    for chunk in _chunks(sorted(set(ids))):
        out.update((int(i), b or "") for i, b in conn.execute(query, {"ids": chunk}))
    return out


def add_entries(conn: Connection, entries: Sequence[IndexEntry]) -> None:
    """Index several articles: one statement per index table.

    PostgreSQL gets the rows as arrays (``INSERT ... SELECT FROM unnest(...)``): psycopg's
    ``executemany`` sends one statement per row, ~20 key rows per article, which cost the
    shared server (and the writer) more than the rest of the article's store. SQLite's
    ``executemany`` loops over one prepared statement in C and stays.
    """
    entries = [e for e in entries if e.size > 0]
    if not entries:
        return
    bands = sorted((k, e.article_id) for e in entries for k in set(e.keys))  # in key order: fewer page visits
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            "INSERT INTO near_dup_signatures (article_id, size, signature)"
            " SELECT * FROM unnest(%s::bigint[], %s::integer[], %s::bytea[])",
            ([e.article_id for e in entries], [e.size for e in entries], [e.signature for e in entries]),
        )
        if bands:
            conn.exec_driver_sql(
                "INSERT INTO near_dup_bands (key, article_id) SELECT * FROM unnest(%s::bigint[], %s::bigint[])",
                ([k for k, _ in bands], [a for _, a in bands]),
            )
        return
    conn.execute(
        insert(_signatures),
        [{"article_id": e.article_id, "size": e.size, "signature": e.signature} for e in entries],
    )
    if bands:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        conn.exec_driver_sql(f"INSERT INTO near_dup_bands (key, article_id) VALUES ({mark}, {mark})", bands)


def remove_entries(conn: Connection, ids: Iterable[int]) -> None:
    """Drop the index entries of *ids* (before re-indexing a changed body)."""
    for chunk in _chunks(sorted(set(ids))):
        conn.execute(delete(_bands).where(_bands.c.article_id.in_(chunk)))
        conn.execute(delete(_signatures).where(_signatures.c.article_id.in_(chunk)))


def analyze_index(engine: Engine) -> None:
    """Refresh PostgreSQL's planner statistics of the index tables after a bulk load (as
    autovacuum does some time later): without them, a fresh planner may scan the whole
    key table for a batch's keys instead of probing its primary key."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE near_dup_bands, near_dup_signatures")


def clear_index(conn: Connection) -> None:
    """Empty the index and forget its parameters (before a rebuild with new ones)."""
    conn.execute(delete(_bands))
    conn.execute(delete(_signatures))
    conn.execute(delete(_meta))

"""search index: folded, prefix-expanded terms (FTS5 on SQLite, tsvector + GIN on PostgreSQL)

Revision ID: 0005
Revises: 0004

Triggers on ``articles`` queue every inserted or changed article in ``search_queue``;
the search code indexes the queue (in Python, because folding is Python) before it
reads, so the index follows the articles table whoever writes to it. Deleting an
article removes its entry in the database itself. The upgrade indexes existing rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

BIGID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Columns whose change re-queues an article (fetched_at only matters for undated ones).
_SQLITE_CHANGED = (
    "old.title IS NOT new.title OR old.body IS NOT new.body"
    " OR old.published_at IS NOT new.published_at"
    " OR (new.published_at IS NULL AND old.fetched_at IS NOT new.fetched_at)"
    " OR old.section IS NOT new.section OR old.source IS NOT new.source"
    " OR old.tags IS NOT new.tags OR old.authors IS NOT new.authors"
    " OR old.duplicate_of_id IS NOT new.duplicate_of_id OR old.site IS NOT new.site OR old.lang IS NOT new.lang"
)
_PG_CHANGED = (
    _SQLITE_CHANGED.replace(" IS NOT ", " IS DISTINCT FROM ").replace("old.", "OLD.").replace("new.", "NEW.")
)

_SQLITE_DDL = [
    "CREATE VIRTUAL TABLE article_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 0', detail = column)",
    # Pending terms kept in memory up to 64 MB before a segment is written (default 1 MB):
    # measured half the disk writes of a bulk build, so fewer merges.
    "INSERT INTO article_fts (article_fts, rank) VALUES ('hashsize', 67108864)",
    "CREATE TRIGGER search_articles_ai AFTER INSERT ON articles BEGIN "
    "INSERT INTO search_queue (article_id) VALUES (new.id); END",
    f"CREATE TRIGGER search_articles_au AFTER UPDATE ON articles WHEN {_SQLITE_CHANGED} BEGIN "
    "INSERT INTO search_queue (article_id) VALUES (new.id); END",
    "CREATE TRIGGER search_articles_bd BEFORE DELETE ON articles BEGIN "
    "DELETE FROM search_index WHERE article_id = old.id; END",
    "CREATE TRIGGER search_index_ad AFTER DELETE ON search_index BEGIN "
    "DELETE FROM article_fts WHERE rowid = old.sort_key; END",
]

_PG_DDL = [
    "ALTER TABLE search_index ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector",
    # Out of line and uncompressed: the table the searches walk stays small, and a
    # tsvector that must be read is not decompressed first.
    "ALTER TABLE search_index ALTER COLUMN tsv SET STORAGE EXTERNAL",
    "ALTER TABLE search_index SET (toast_tuple_target = 128)",
    "CREATE INDEX ix_search_index_tsv ON search_index USING gin (tsv)",
    "CREATE FUNCTION search_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "INSERT INTO search_queue (article_id) VALUES (NEW.id); RETURN NULL; END $$",
    "CREATE TRIGGER search_articles_ai AFTER INSERT ON articles FOR EACH ROW "
    "EXECUTE FUNCTION search_enqueue()",
    f"CREATE TRIGGER search_articles_au AFTER UPDATE ON articles FOR EACH ROW WHEN ({_PG_CHANGED}) "
    "EXECUTE FUNCTION search_enqueue()",
]


def upgrade() -> None:
    op.create_table(
        "search_index",
        sa.Column("article_id", BIGID, nullable=False),
        sa.Column("sort_key", sa.BigInteger(), nullable=False),
        sa.Column("dup_of", sa.BigInteger(), nullable=True),
        sa.Column("site", sa.String(length=200), nullable=True),
        sa.Column("lang", sa.String(length=12), nullable=False),
        sa.Column("section_f", sa.Text(), nullable=False),
        sa.Column("source_f", sa.Text(), nullable=False),
        sa.Column("tags_f", sa.Text(), nullable=False),
        sa.Column("authors_f", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id"),
        sa.UniqueConstraint("sort_key", name="uq_search_index_sort_key"),
    )
    op.create_table(
        "search_queue",
        sa.Column("seq", BIGID, autoincrement=True, nullable=False),
        sa.Column("article_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("seq"),
    )
    bind = op.get_bind()
    ddl = _PG_DDL if bind.dialect.name == "postgresql" else _SQLITE_DDL
    for statement in ddl:
        op.execute(statement)
    # Index the articles stored before this revision (same code as at run time).
    from crawler.search.index import rebuild

    rebuild(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS search_articles_au ON articles")
        op.execute("DROP TRIGGER IF EXISTS search_articles_ai ON articles")
        op.execute("DROP FUNCTION IF EXISTS search_enqueue()")
    else:
        for name in ("search_index_ad", "search_articles_bd", "search_articles_au", "search_articles_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS article_fts")
    op.drop_table("search_queue")
    op.drop_table("search_index")

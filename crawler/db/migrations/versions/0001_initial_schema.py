"""initial schema

Revision ID: 0001
Revises:

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Column types shared with crawler.db.models (kept literal here: a migration must not
# change when the models module changes).
BIGID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMP = sa.DateTime(timezone=True)

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "articles",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("canonical_url", sa.String(length=2048), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("site", sa.String(length=200), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("lead", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("authors", JSON, nullable=False),
        sa.Column("published", sa.String(length=40), nullable=True),
        sa.Column("published_at", TIMESTAMP, nullable=True),
        sa.Column("modified", sa.String(length=40), nullable=True),
        sa.Column("section", sa.String(length=300), nullable=True),
        sa.Column("tags", JSON, nullable=False),
        sa.Column("source", sa.String(length=500), nullable=True),
        sa.Column("read_also", JSON, nullable=False),
        sa.Column("related", JSON, nullable=False),
        sa.Column("image", sa.Text(), nullable=True),
        sa.Column("lang", sa.String(length=12), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("duplicate_of_id", BIGID, nullable=True),
        sa.Column("story_id", sa.String(length=64), nullable=True),
        sa.Column("fetched_at", TIMESTAMP, nullable=False),
        sa.Column("first_seen_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["duplicate_of_id"], ["articles.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("canonical_url"),
    )
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_articles_content_hash"), ["content_hash"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_duplicate_of_id"), ["duplicate_of_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_fetched_at"), ["fetched_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_published_at"), ["published_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_site"), ["site"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_story_id"), ["story_id"], unique=False)

    op.create_table(
        "runs",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("sites", sa.Text(), nullable=False),
        sa.Column("command", sa.String(length=40), nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("finish_reason", sa.String(length=100), nullable=True),
        sa.Column("requests", sa.Integer(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("responses_by_status", JSON, nullable=False),
        sa.Column("articles_new", sa.Integer(), nullable=False),
        sa.Column("articles_updated", sa.Integer(), nullable=False),
        sa.Column("articles_duplicate", sa.Integer(), nullable=False),
        sa.Column("articles_unchanged", sa.Integer(), nullable=False),
        sa.Column("dropped", JSON, nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("first_error", sa.Text(), nullable=True),
        sa.Column("log_path", sa.Text(), nullable=True),
        sa.Column("host", sa.String(length=200), nullable=True),
        sa.Column("pid", sa.Integer(), nullable=True),
        sa.Column("stats", JSON, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_runs_started_at"), ["started_at"], unique=False)

    op.create_table(
        "url_state",
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("checked_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("url"),
    )
    op.create_table(
        "article_versions",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("article_id", BIGID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=True),
        sa.Column("fetched_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.create_index("ix_article_versions_article", ["article_id", "version"], unique=True)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("article_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_article_versions_article")

    op.drop_table("article_versions")
    op.drop_table("url_state")
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_runs_started_at"))

    op.drop_table("runs")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_story_id"))
        batch_op.drop_index(batch_op.f("ix_articles_site"))
        batch_op.drop_index(batch_op.f("ix_articles_published_at"))
        batch_op.drop_index(batch_op.f("ix_articles_fetched_at"))
        batch_op.drop_index(batch_op.f("ix_articles_duplicate_of_id"))
        batch_op.drop_index(batch_op.f("ix_articles_content_hash"))

    op.drop_table("articles")

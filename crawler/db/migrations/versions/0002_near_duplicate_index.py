"""near-duplicate index: MinHash signatures and LSH band keys

Revision ID: 0002
Revises: 0001

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Column type shared with crawler.db.models (kept literal here: a migration must not
# change when the models module changes).
BIGID = sa.BigInteger().with_variant(sa.INTEGER(), "sqlite")

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "near_dup_meta",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=100), nullable=False),
        sa.Column("num_perm", sa.Integer(), nullable=False),
        sa.Column("bands", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "near_dup_signatures",
        sa.Column("article_id", BIGID, autoincrement=False, nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("article_id"),
    )
    op.create_table(
        "near_dup_bands",
        sa.Column("key", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("article_id", BIGID, autoincrement=False, nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["near_dup_signatures.article_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "article_id"),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("near_dup_bands", schema=None) as batch_op:
        batch_op.create_index("ix_near_dup_bands_article", ["article_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("near_dup_bands", schema=None) as batch_op:
        batch_op.drop_index("ix_near_dup_bands_article")
    op.drop_table("near_dup_bands")
    op.drop_table("near_dup_signatures")
    op.drop_table("near_dup_meta")

"""cron-grade runs: exit code and incremental counters per run; url_state knows its site and kind

Revision ID: 0004
Revises: 0002

"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _run_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("exit_code", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(length=40), nullable=True),
        sa.Column("blocked", sa.Integer(), nullable=True),
        sa.Column("skipped_known", sa.Integer(), nullable=True),
        sa.Column("not_modified", sa.Integer(), nullable=True),
    ]


def _url_state_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("site", sa.String(length=200), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=True),
    ]


def upgrade() -> None:
    """Upgrade schema."""
    with op.batch_alter_table("runs", schema=None) as batch_op:
        for column in _run_columns():
            batch_op.add_column(column)
        batch_op.create_index("ix_runs_sites_started", ["sites", "started_at"], unique=False)
    with op.batch_alter_table("url_state", schema=None) as batch_op:
        for column in _url_state_columns():
            batch_op.add_column(column)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("url_state", schema=None) as batch_op:
        for name in ("outcome", "kind", "site"):
            batch_op.drop_column(name)
    with op.batch_alter_table("runs", schema=None) as batch_op:
        batch_op.drop_index("ix_runs_sites_started")
        for name in ("not_modified", "skipped_known", "blocked", "mode", "exit_code"):
            batch_op.drop_column(name)

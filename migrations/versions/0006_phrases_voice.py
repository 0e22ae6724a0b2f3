"""phrases and voice messages: when a voice message was heard (with an index for the poll), and the
resident's newest urgent phrase

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # No phrase or voice entry exists before this revision, so nothing is filled in.
    op.add_column("entries", sa.Column("heard_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index(
        "ix_entries_resident_heard",
        "entries",
        ["resident_id", "heard_at"],
        unique=False,
        sqlite_where=sa.text("heard_at IS NOT NULL"),
        postgresql_where=sa.text("heard_at IS NOT NULL"),
    )
    op.add_column("resident_activity", sa.Column("urgent_phrase", sa.String(length=40), nullable=True))
    op.add_column("resident_activity", sa.Column("urgent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("resident_activity") as batch:
        batch.drop_column("urgent_at")
        batch.drop_column("urgent_phrase")
    op.drop_index("ix_entries_resident_heard", table_name="entries")
    with op.batch_alter_table("entries") as batch:
        batch.drop_column("heard_at")

"""lean indexes: the indexes on the entries' links to a check-in, barrier, goal or appointment hold only
the entries that have one (nearly every entry has none: at 10^7 entries the four full indexes took 264 MB
on PostgreSQL), and the users get an index by role and whether the account is open, which the
coordinator's lists of advisors and residents read

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RECORD_COLUMNS = ("checkin_id", "barrier_id", "goal_id", "appointment_id")


def upgrade() -> None:
    for column in RECORD_COLUMNS:
        op.drop_index(f"ix_entries_{column}", table_name="entries")
        op.create_index(
            f"ix_entries_{column}",
            "entries",
            [column],
            unique=False,
            sqlite_where=sa.text(f"{column} IS NOT NULL"),
            postgresql_where=sa.text(f"{column} IS NOT NULL"),
        )
    op.create_index("ix_users_role_active", "users", ["role", "active"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_users_role_active", table_name="users")
    for column in RECORD_COLUMNS:
        op.drop_index(f"ix_entries_{column}", table_name="entries")
        op.create_index(f"ix_entries_{column}", "entries", [column], unique=False)

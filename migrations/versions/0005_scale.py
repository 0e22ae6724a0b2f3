"""scale: indexes for every query path, and the per-resident summary the caseload reads

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The summary of the entries there are, as webapp/timeline/activity.py keeps it from now on.
FILL_ACTIVITY = """
INSERT INTO resident_activity (resident_id, last_entry_at, last_answer_at, waiting_count, waiting_since, waiting_until)
WITH answers AS (
    SELECT resident_id, MAX(created_at) AS at FROM entries
    WHERE author_id <> resident_id AND kind IN ('message', 'goal_comment') GROUP BY resident_id
), waiting AS (
    SELECT e.resident_id, COUNT(*) AS n, MIN(e.created_at) AS since, MAX(e.created_at) AS until
    FROM entries e LEFT JOIN answers a ON a.resident_id = e.resident_id
    WHERE e.author_id = e.resident_id AND e.kind = 'message' AND (a.at IS NULL OR e.created_at > a.at)
    GROUP BY e.resident_id
), latest AS (
    SELECT resident_id, MAX(created_at) AS at FROM entries GROUP BY resident_id
)
SELECT latest.resident_id, latest.at, answers.at, COALESCE(waiting.n, 0), waiting.since, waiting.until
FROM latest LEFT JOIN answers ON answers.resident_id = latest.resident_id
LEFT JOIN waiting ON waiting.resident_id = latest.resident_id
"""


def upgrade() -> None:
    op.create_table(
        "resident_activity",
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("last_entry_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_answer_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("waiting_count", sa.Integer(), nullable=False),
        sa.Column("waiting_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("waiting_until", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("resident_id"),
    )
    op.create_index("ix_entries_resident_id_created_at", "entries", ["resident_id", "created_at"], unique=False)
    op.create_index("ix_entries_resident_author_seen", "entries", ["resident_id", "author_id", "seen_at"], unique=False)
    op.create_index("ix_entries_checkin_id", "entries", ["checkin_id"], unique=False)
    op.create_index(
        "ix_appointments_resident_status_starts", "appointments", ["resident_id", "status", "starts_at"], unique=False
    )
    op.create_index("ix_audit_events_subject_action_at", "audit_events", ["subject_id", "action", "at"], unique=False)
    op.execute(FILL_ACTIVITY)


def downgrade() -> None:
    op.drop_index("ix_audit_events_subject_action_at", table_name="audit_events")
    op.drop_index("ix_appointments_resident_status_starts", table_name="appointments")
    op.drop_index("ix_entries_checkin_id", table_name="entries")
    op.drop_index("ix_entries_resident_author_seen", table_name="entries")
    op.drop_index("ix_entries_resident_id_created_at", table_name="entries")
    op.drop_table("resident_activity")

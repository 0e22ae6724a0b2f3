"""nothing lost: contact requests kept until handled, one open barrier per kind, staff drafts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 02:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN_BARRIER = "status IN ('present', 'better') AND key <> 'other'"


def upgrade() -> None:
    op.create_table(
        "contact_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by", sa.Integer(), nullable=True),
        sa.Column("how", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkins.id"],
        ),
        sa.ForeignKeyConstraint(
            ["handled_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_contact_requests_resident_id", "contact_requests", ["resident_id"], unique=False)
    op.create_index(
        "uq_contact_requests_open",
        "contact_requests",
        ["resident_id"],
        unique=True,
        sqlite_where=sa.text("handled_at IS NULL"),
        postgresql_where=sa.text("handled_at IS NULL"),
    )
    op.create_table(
        "staff_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "resident_id", name="uq_staff_drafts_user_resident"),
    )
    op.create_index("ix_staff_drafts_resident_id", "staff_drafts", ["resident_id"], unique=False)
    _carry_over_contact_requests()
    _remove_double_barriers()
    op.create_index(
        "uq_barriers_open_key",
        "barriers",
        ["resident_id", "key"],
        unique=True,
        sqlite_where=sa.text(OPEN_BARRIER),
        postgresql_where=sa.text(OPEN_BARRIER),
    )


def _carry_over_contact_requests() -> None:
    """A check-in that asked for contact becomes a request; one the advisor answered after is handled
    then (by that message), as the caseload counted it until now. At most one stays open per resident."""
    bind = op.get_bind()
    asked = bind.execute(
        sa.text(
            "SELECT c.id, c.resident_id, c.updated_at, "
            " (SELECT MIN(e.created_at) FROM entries e WHERE e.resident_id = c.resident_id"
            "   AND e.author_id <> c.resident_id AND e.kind IN ('message', 'goal_comment')"
            "   AND e.created_at > c.updated_at) AS answered_at, "
            " (SELECT e.author_id FROM entries e WHERE e.resident_id = c.resident_id"
            "   AND e.author_id <> c.resident_id AND e.kind IN ('message', 'goal_comment')"
            "   AND e.created_at > c.updated_at ORDER BY e.created_at LIMIT 1) AS answered_by "
            "FROM checkins c WHERE c.wants_contact ORDER BY c.resident_id, c.updated_at"
        )
    ).all()
    open_for: set[int] = set()
    rows = []
    for checkin_id, resident_id, asked_at, answered_at, answered_by in reversed(asked):  # newest first
        how = "message" if answered_at is not None else None
        if answered_at is None and resident_id in open_for:
            answered_at = asked_at  # an older request, which the newer open one carries on
        if answered_at is None:
            open_for.add(resident_id)
        rows.append(
            {
                "resident_id": resident_id,
                "checkin_id": checkin_id,
                "asked_at": asked_at,
                "handled_at": answered_at,
                "handled_by": answered_by,
                "how": how,
            }
        )
    if rows:
        bind.execute(
            sa.text(
                "INSERT INTO contact_requests (resident_id, checkin_id, asked_at, handled_at, handled_by, how) "
                "VALUES (:resident_id, :checkin_id, :asked_at, :handled_at, :handled_by, :how)"
            ),
            rows,
        )


def _remove_double_barriers() -> None:
    """Before the unique index: of open barriers of the same kind, the later ones were double taps."""
    op.execute(
        "UPDATE barriers SET status = 'removed' WHERE "
        + OPEN_BARRIER.replace("status", "barriers.status").replace("key", "barriers.key")
        + " AND EXISTS (SELECT 1 FROM barriers AS first WHERE "
        "first.resident_id = barriers.resident_id AND first.key = barriers.key AND first.id < barriers.id "
        "AND first.status IN ('present', 'better'))"
    )


def downgrade() -> None:
    op.drop_index(
        "uq_barriers_open_key",
        table_name="barriers",
        sqlite_where=sa.text(OPEN_BARRIER),
        postgresql_where=sa.text(OPEN_BARRIER),
    )
    op.execute("UPDATE barriers SET status = 'solved' WHERE status = 'removed'")
    op.drop_index("ix_staff_drafts_resident_id", table_name="staff_drafts")
    op.drop_table("staff_drafts")
    op.drop_index(
        "uq_contact_requests_open",
        table_name="contact_requests",
        sqlite_where=sa.text("handled_at IS NULL"),
        postgresql_where=sa.text("handled_at IS NULL"),
    )
    op.drop_index("ix_contact_requests_resident_id", table_name="contact_requests")
    op.drop_table("contact_requests")

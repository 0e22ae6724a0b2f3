"""records: check-ins, barriers, goals, steps, appointments

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 03:51:37.786810
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("with_whom", sa.String(length=20), nullable=False),
        sa.Column("interpreter", sa.String(length=10), nullable=True),
        sa.Column("needs_childcare", sa.Boolean(), nullable=False),
        sa.Column("needs_companion", sa.Boolean(), nullable=False),
        sa.Column("needs_transport", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("response", sa.String(length=20), nullable=True),
        sa.Column("response_reason", sa.String(length=20), nullable=True),
        sa.Column("response_words", sa.String(length=500), nullable=True),
        sa.Column("response_version", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("created_by", "idempotency_key", name="uq_appointments_idempotency"),
    )
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointments_resident_id"), ["resident_id"], unique=False)

    op.create_table(
        "barriers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=30), nullable=False),
        sa.Column("words", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("resident_id", "idempotency_key", name="uq_barriers_idempotency"),
    )
    with op.batch_alter_table("barriers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_barriers_resident_id"), ["resident_id"], unique=False)

    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("mood", sa.Integer(), nullable=False),
        sa.Column("words", sa.Text(), nullable=True),
        sa.Column("wants_contact", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("resident_id", "day", name="uq_checkins_resident_day"),
    )
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("words", sa.String(length=500), nullable=True),
        sa.Column("hours_per_week", sa.Integer(), nullable=True),
        sa.Column("target_month", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("resident_id", "idempotency_key", name="uq_goals_idempotency"),
    )
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goals_resident_id"), ["resident_id"], unique=False)

    op.create_table(
        "goal_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.Integer(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["done_by"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"],
            ["goals.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("goal_id", "idempotency_key", name="uq_goal_steps_idempotency"),
    )
    with op.batch_alter_table("goal_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_steps_goal_id"), ["goal_id"], unique=False)

    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checkin_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("barrier_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("goal_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("appointment_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_entries_appointment_id"), ["appointment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_entries_barrier_id"), ["barrier_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_entries_goal_id"), ["goal_id"], unique=False)
        batch_op.create_foreign_key("fk_entries_barrier_id", "barriers", ["barrier_id"], ["id"])
        batch_op.create_foreign_key("fk_entries_appointment_id", "appointments", ["appointment_id"], ["id"])
        batch_op.create_foreign_key("fk_entries_checkin_id", "checkins", ["checkin_id"], ["id"])
        batch_op.create_foreign_key("fk_entries_goal_id", "goals", ["goal_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_constraint("fk_entries_goal_id", type_="foreignkey")
        batch_op.drop_constraint("fk_entries_checkin_id", type_="foreignkey")
        batch_op.drop_constraint("fk_entries_appointment_id", type_="foreignkey")
        batch_op.drop_constraint("fk_entries_barrier_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_entries_goal_id"))
        batch_op.drop_index(batch_op.f("ix_entries_barrier_id"))
        batch_op.drop_index(batch_op.f("ix_entries_appointment_id"))
        batch_op.drop_column("appointment_id")
        batch_op.drop_column("goal_id")
        batch_op.drop_column("barrier_id")
        batch_op.drop_column("checkin_id")

    with op.batch_alter_table("goal_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_steps_goal_id"))

    op.drop_table("goal_steps")
    with op.batch_alter_table("goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goals_resident_id"))

    op.drop_table("goals")
    op.drop_table("checkins")
    with op.batch_alter_table("barriers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_barriers_resident_id"))

    op.drop_table("barriers")
    with op.batch_alter_table("appointments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appointments_resident_id"))

    op.drop_table("appointments")

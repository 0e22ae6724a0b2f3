"""outcomes: the coordinator's list of situations (with the default Danish list), each resident's history of
situations, follow-ups after a start in work or education, how long residents waited for an answer, the
partnership's figures as counted each night, the
resident's newest "I started working" / "I started an education" / "I lost my job", and the partner role

The staff-name index is made again so that partners' names are kept apart like other staff's.

The downgrade closes partner accounts (they cannot sign in, and their sign-ins end): the version before
this one has no partner role.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STAFF = "role IN ('advisor', 'volunteer', 'coordinator') AND active"
NEW_STAFF = "role IN ('advisor', 'volunteer', 'coordinator', 'partner') AND active"

# key, Danish name, category, asks hours, asks employer, counts as an outcome
DEFAULT_SITUATIONS = [
    ("work", "I arbejde (ordinære timer)", "work", True, True, True),
    ("wage_subsidy", "I arbejde med løntilskud", "work", True, True, False),
    ("flex_job", "Fleksjob", "work", True, True, False),
    ("education", "I uddannelse", "education", True, False, True),
    ("course", "På kursus", "activity", True, False, False),
    ("work_placement", "Virksomhedspraktik", "activity", True, True, False),
    ("sick_leave", "Sygemeldt", "leave", False, False, False),
    ("parental_leave", "Barsel", "leave", False, False, False),
    ("nothing_yet", "Ikke i gang med noget endnu", "nothing_yet", False, False, False),
    ("moved_away", "Flyttet", "left", False, False, False),
    ("ended", "Afsluttet", "left", False, False, False),
]


def upgrade() -> None:
    situations = op.create_table(
        "situations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=30), nullable=True),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("asks_hours", sa.Boolean(), nullable=False),
        sa.Column("asks_employer", sa.Boolean(), nullable=False),
        sa.Column("counts_as_outcome", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_situations"),
        sa.UniqueConstraint("idempotency_key", name="uq_situations_idempotency_key"),
        sa.UniqueConstraint("key", name="uq_situations_key"),
        sa.UniqueConstraint("name", name="uq_situations_name"),
    )
    op.create_table(
        "resident_situations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("situation_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("run_starts_on", sa.Date(), nullable=False),
        sa.Column("hours_per_week", sa.Integer(), nullable=True),
        sa.Column("employer", sa.String(length=120), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name="fk_resident_situations_recorded_by"),
        sa.ForeignKeyConstraint(["resident_id"], ["users.id"], name="fk_resident_situations_resident_id"),
        sa.ForeignKeyConstraint(["situation_id"], ["situations.id"], name="fk_resident_situations_situation_id"),
        sa.PrimaryKeyConstraint("id", name="pk_resident_situations"),
        sa.UniqueConstraint("recorded_by", "idempotency_key", name="uq_resident_situations_idempotency"),
    )
    op.create_index(
        "ix_resident_situations_resident_starts",
        "resident_situations",
        ["resident_id", "starts_on", "id"],
        unique=False,
    )
    op.create_index("ix_resident_situations_starts_on", "resident_situations", ["starts_on"], unique=False)
    op.create_index("ix_resident_situations_situation_id", "resident_situations", ["situation_id"], unique=False)
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("run_starts_on", sa.Date(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("still_there", sa.Boolean(), nullable=False),
        sa.Column("hours_per_week", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name="fk_follow_ups_recorded_by"),
        sa.ForeignKeyConstraint(["resident_id"], ["users.id"], name="fk_follow_ups_resident_id"),
        sa.PrimaryKeyConstraint("id", name="pk_follow_ups"),
        sa.UniqueConstraint("resident_id", "run_starts_on", "months", name="uq_follow_ups_resident_run_months"),
    )
    op.create_table(
        "answer_times",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("waited_seconds", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["resident_id"], ["users.id"], name="fk_answer_times_resident_id"),
        sa.PrimaryKeyConstraint("id", name="pk_answer_times"),
    )
    op.create_index(
        "ix_answer_times_answered_at", "answer_times", ["answered_at", "resident_id", "waited_seconds"], unique=False
    )
    op.create_index("ix_answer_times_resident_id", "answer_times", ["resident_id"], unique=False)
    op.create_table(
        "partnership_counts",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("period", name="pk_partnership_counts"),
    )
    # The partnership's moods: the check-ins of a period, read from the index alone.
    op.create_index("ix_checkins_day_resident_mood", "checkins", ["day", "resident_id", "mood"], unique=False)
    op.add_column("resident_activity", sa.Column("told_phrase", sa.String(length=40), nullable=True))
    op.add_column("resident_activity", sa.Column("told_at", sa.DateTime(timezone=True), nullable=True))
    op.drop_index("ix_users_active_staff_name_key", table_name="users")
    op.create_index(
        "ix_users_active_staff_name_key",
        "users",
        ["name_key"],
        unique=True,
        sqlite_where=sa.text(NEW_STAFF),
        postgresql_where=sa.text(NEW_STAFF),
    )
    now = sa.func.now() if op.get_bind().dialect.name == "postgresql" else sa.text("CURRENT_TIMESTAMP")
    for position, (key, name, category, hours, employer, counts) in enumerate(DEFAULT_SITUATIONS):
        op.execute(
            situations.insert().values(
                key=key,
                name=name,
                category=category,
                asks_hours=hours,
                asks_employer=employer,
                counts_as_outcome=counts,
                position=position,
                active=True,
                created_at=now,
            )
        )


def downgrade() -> None:
    partners = "SELECT id FROM users WHERE role = 'partner'"
    op.execute(
        f"UPDATE device_sessions SET revoked_at = CURRENT_TIMESTAMP "
        f"WHERE revoked_at IS NULL AND user_id IN ({partners})"
    )
    op.execute("UPDATE users SET active = false WHERE role = 'partner'")
    op.drop_index("ix_users_active_staff_name_key", table_name="users")
    op.create_index(
        "ix_users_active_staff_name_key",
        "users",
        ["name_key"],
        unique=True,
        sqlite_where=sa.text(OLD_STAFF),
        postgresql_where=sa.text(OLD_STAFF),
    )
    op.drop_index("ix_checkins_day_resident_mood", table_name="checkins")
    op.drop_table("partnership_counts")
    op.drop_column("resident_activity", "told_at")
    op.drop_column("resident_activity", "told_phrase")
    op.drop_index("ix_answer_times_resident_id", table_name="answer_times")
    op.drop_index("ix_answer_times_answered_at", table_name="answer_times")
    op.drop_table("answer_times")
    op.drop_table("follow_ups")
    op.drop_index("ix_resident_situations_situation_id", table_name="resident_situations")
    op.drop_index("ix_resident_situations_starts_on", table_name="resident_situations")
    op.drop_index("ix_resident_situations_resident_starts", table_name="resident_situations")
    op.drop_table("resident_situations")
    op.drop_table("situations")

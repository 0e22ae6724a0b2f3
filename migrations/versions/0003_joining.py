"""joining: housing areas, consent texts, sign-up drafts, pairing links, trusted devices

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 01:29:55.975394
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consent_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("version", "locale"),
    )
    op.create_table(
        "housing_areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "pairing_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("sets_pin", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("pairing_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pairing_links_resident_id"), ["resident_id"], unique=False)

    op.create_table(
        "signup_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("helper_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["helper_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("signup_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signup_drafts_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_signup_drafts_helper_id"), ["helper_id"], unique=False)

    op.create_table(
        "trusted_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("device", sa.String(length=30), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
        ),
        sa.ForeignKeyConstraint(
            ["resident_id"],
            ["users.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("trusted_devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trusted_devices_resident_id"), ["resident_id"], unique=False)

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device", sa.String(length=30), nullable=False, server_default=""))
        batch_op.create_index("ix_audit_events_action_actor_at", ["action", "actor_id", "at"], unique=False)
        batch_op.create_index("ix_audit_events_actor_id", ["actor_id", "id"], unique=False)
        batch_op.create_index("ix_audit_events_subject_id", ["subject_id", "id"], unique=False)

    with op.batch_alter_table("device_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trusted_device_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_device_sessions_trusted_device_id"), ["trusted_device_id"], unique=False)
        batch_op.create_foreign_key(
            "fk_device_sessions_trusted_device_id", "trusted_devices", ["trusted_device_id"], ["id"]
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("housing_area_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("phone", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("contact_preference", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("signed_up_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("consent_version", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("consented_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_users_housing_area_id"), ["housing_area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_users_signed_up_by_id"), ["signed_up_by_id"], unique=False)
        batch_op.create_foreign_key("fk_users_housing_area_id", "housing_areas", ["housing_area_id"], ["id"])
        batch_op.create_foreign_key("fk_users_signed_up_by_id", "users", ["signed_up_by_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("fk_users_signed_up_by_id", type_="foreignkey")
        batch_op.drop_constraint("fk_users_housing_area_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_users_signed_up_by_id"))
        batch_op.drop_index(batch_op.f("ix_users_housing_area_id"))
        batch_op.drop_column("consented_at")
        batch_op.drop_column("consent_version")
        batch_op.drop_column("signed_up_by_id")
        batch_op.drop_column("contact_preference")
        batch_op.drop_column("phone")
        batch_op.drop_column("housing_area_id")

    with op.batch_alter_table("device_sessions", schema=None) as batch_op:
        batch_op.drop_constraint("fk_device_sessions_trusted_device_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_device_sessions_trusted_device_id"))
        batch_op.drop_column("trusted_device_id")

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_subject_id")
        batch_op.drop_index("ix_audit_events_actor_id")
        batch_op.drop_index("ix_audit_events_action_actor_at")
        batch_op.drop_column("device")

    with op.batch_alter_table("trusted_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trusted_devices_resident_id"))

    op.drop_table("trusted_devices")
    with op.batch_alter_table("signup_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signup_drafts_helper_id"))
        batch_op.drop_index(batch_op.f("ix_signup_drafts_expires_at"))

    op.drop_table("signup_drafts")
    with op.batch_alter_table("pairing_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pairing_links_resident_id"))

    op.drop_table("pairing_links")
    op.drop_table("housing_areas")
    op.drop_table("consent_texts")

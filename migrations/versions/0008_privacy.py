"""privacy: each consent a resident gave (version and language), when a resident last signed in, a
resident's wish to stop and when they are erased, and audit events about a resident who was erased

The upgrade fills:
- `consents` with the one consent each resident's account holds, in the account's language (the
  language it was shown in was not kept before);
- `users.last_sign_in_at` from the newest successful sign-in in the audit log;
- the counts of entries, messages and voice messages in `resident_activity`, which "My data" shows.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resident_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("agreed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["resident_id"], ["users.id"], name="fk_consents_resident_id"),
        sa.PrimaryKeyConstraint("id", name="pk_consents"),
    )
    op.create_index("ix_consents_resident_id", "consents", ["resident_id"], unique=False)
    # Added in place, not in batch mode: a batch copy of users would drop the old table under the
    # foreign keys of every row that points at it (see 0007).
    op.add_column("users", sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("erase_after", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_users_erase_after", "users", ["erase_after"], unique=False)
    op.create_index("ix_users_role_last_sign_in_at", "users", ["role", "last_sign_in_at"], unique=False)
    op.add_column("audit_events", sa.Column("about_erased", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_audit_events_at", "audit_events", ["at"], unique=False)
    op.execute(
        "INSERT INTO consents (resident_id, version, locale, agreed_at) "
        "SELECT id, consent_version, locale, consented_at FROM users "
        "WHERE role = 'resident' AND consent_version IS NOT NULL AND consented_at IS NOT NULL"
    )
    for column in ("entry_count", "message_count", "voice_count"):
        op.add_column("resident_activity", sa.Column(column, sa.Integer(), nullable=False, server_default="0"))
    op.execute(
        "UPDATE resident_activity SET "
        "entry_count = (SELECT count(*) FROM entries WHERE entries.resident_id = resident_activity.resident_id), "
        "message_count = (SELECT count(*) FROM entries WHERE entries.resident_id = resident_activity.resident_id "
        "AND entries.kind IN ('message', 'phrase')), "
        "voice_count = (SELECT count(*) FROM entries WHERE entries.resident_id = resident_activity.resident_id "
        "AND entries.kind = 'voice')"
    )
    op.execute(
        "UPDATE users SET last_sign_in_at = (SELECT max(at) FROM audit_events "
        "WHERE audit_events.action = 'sign_in' AND audit_events.actor_id = users.id)"
    )


def downgrade() -> None:
    for column in ("voice_count", "message_count", "entry_count"):
        op.drop_column("resident_activity", column)
    op.drop_index("ix_audit_events_at", table_name="audit_events")
    op.drop_column("audit_events", "about_erased")
    op.drop_index("ix_users_role_last_sign_in_at", table_name="users")
    op.drop_index("ix_users_erase_after", table_name="users")
    op.drop_column("users", "erase_after")
    op.drop_column("users", "stopped_at")
    op.drop_column("users", "last_sign_in_at")
    op.drop_index("ix_consents_resident_id", table_name="consents")
    op.drop_table("consents")

"""staff second factor: authenticator-app secrets, recovery codes and passkeys; whether a sign-in was
confirmed with one, and its open passkey challenge; password links that reset a forgotten password

Every sign-in that exists at the upgrade counts as not confirmed: with STAFF_SECOND_FACTOR on, staff who
are signed in are asked for their second factor (or to set one up) at their next page.

The downgrade deletes reset links (they live 30 minutes), so that every link left has its coordinator.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "totp_secrets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret", sa.Text(), nullable=False),
        sa.Column("last_step", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_totp_secrets_user_id"),
        sa.PrimaryKeyConstraint("id", name="pk_totp_secrets"),
        sa.UniqueConstraint("user_id", name="uq_totp_secrets_user_id"),
    )
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_recovery_codes_user_id"),
        sa.PrimaryKeyConstraint("id", name="pk_recovery_codes"),
    )
    op.create_index("ix_recovery_codes_user_id", "recovery_codes", ["user_id"], unique=False)
    op.create_table(
        "passkeys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.String(length=1400), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=False),
        sa.Column("device", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_passkeys_user_id"),
        sa.PrimaryKeyConstraint("id", name="pk_passkeys"),
        sa.UniqueConstraint("credential_id", name="uq_passkeys_credential_id"),
    )
    op.create_index("ix_passkeys_user_id", "passkeys", ["user_id"], unique=False)
    # In place: SQLite adds these columns, and drops them again, without copying the table.
    op.add_column("device_sessions", sa.Column("second_factor_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("device_sessions", sa.Column("challenge", sa.String(length=100), nullable=True))
    op.add_column("password_links", sa.Column("resets", sa.Boolean(), nullable=False, server_default=sa.false()))
    # A link made on the server has no coordinator. Nothing points at password_links, so SQLite's batch
    # copy of it is safe.
    with op.batch_alter_table("password_links", schema=None) as batch_op:
        batch_op.alter_column("created_by_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM password_links WHERE resets OR created_by_id IS NULL")
    with op.batch_alter_table("password_links", schema=None) as batch_op:
        batch_op.alter_column("created_by_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("resets")
    op.drop_column("device_sessions", "challenge")
    op.drop_column("device_sessions", "second_factor_at")
    op.drop_index("ix_passkeys_user_id", table_name="passkeys")
    op.drop_table("passkeys")
    op.drop_index("ix_recovery_codes_user_id", table_name="recovery_codes")
    op.drop_table("recovery_codes")
    op.drop_table("totp_secrets")

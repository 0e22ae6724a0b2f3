"""staff names: each staff account's name key (its TR39 confusable skeleton), unique among active staff,
and the one-time links with which new staff choose their own password

The upgrade fills the key of every staff account, active or not, oldest account first. An old database
may already hold two active staff whose names look alike: the older keeps its key and the later one is
left without one (NULL), so the upgrade goes through; the ids so left are logged. That account
still signs in; the app still refuses a third look-alike, and refuses to activate it again after a
deactivation while the older one is active, since it compares the names themselves.

The key is computed here with ICU directly, not with the app's function, which may change later:
NFKC, capitals, skeleton, case fold, skeleton, case fold, then letters and digits only (marks go).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 21:00:00
"""

import logging
import unicodedata
from collections.abc import Sequence

import icu
import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STAFF_ROLES = ("advisor", "volunteer", "coordinator")
ACTIVE_STAFF = "role IN ('advisor', 'volunteer', 'coordinator') AND active"


def name_key(name: str, checker) -> str:
    shown = unicodedata.normalize("NFKC", name).upper()
    shown = checker.getSkeleton(0, shown).casefold()
    shown = checker.getSkeleton(0, shown).casefold()
    return "".join(char for char in unicodedata.normalize("NFD", shown) if unicodedata.category(char)[0] in "LN")


def upgrade() -> None:
    op.add_column("users", sa.Column("name_key", sa.Text(), nullable=True))
    _fill_name_keys()
    op.create_index(
        "ix_users_active_staff_name_key",
        "users",
        ["name_key"],
        unique=True,
        sqlite_where=sa.text(ACTIVE_STAFF),
        postgresql_where=sa.text(ACTIVE_STAFF),
    )

    op.create_table(
        "password_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name="fk_password_links_created_by_id"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_password_links_user_id"),
        sa.PrimaryKeyConstraint("id", name="pk_password_links"),
        sa.UniqueConstraint("token_hash", name="uq_password_links_token_hash"),
    )
    with op.batch_alter_table("password_links", schema=None) as batch_op:
        batch_op.create_index("ix_password_links_user_id", ["user_id"], unique=False)


def _fill_name_keys() -> None:
    users = sa.table(
        "users",
        sa.column("id", sa.Integer()),
        sa.column("display_name", sa.String()),
        sa.column("role", sa.String()),
        sa.column("active", sa.Boolean()),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("name_key", sa.Text()),
    )
    connection = op.get_bind()
    staff = connection.execute(
        sa.select(users.c.id, users.c.display_name, users.c.active)
        .where(users.c.role.in_(STAFF_ROLES))
        .order_by(users.c.created_at, users.c.id)
    ).all()
    checker = icu.SpoofChecker()
    held, left_without = set(), []
    for user_id, display_name, active in staff:
        key = name_key(display_name, checker)
        if active and key in held:
            left_without.append(user_id)
            continue
        if active:
            held.add(key)
        connection.execute(sa.update(users).where(users.c.id == user_id).values(name_key=key))
    if left_without:
        logging.getLogger("alembic.runtime.migration").warning(
            "Active staff whose names look like an older active account's, left without a name key: ids %s",
            ", ".join(map(str, left_without)),
        )


def downgrade() -> None:
    with op.batch_alter_table("password_links", schema=None) as batch_op:
        batch_op.drop_index("ix_password_links_user_id")
    op.drop_table("password_links")
    op.drop_index("ix_users_active_staff_name_key", table_name="users")
    # Not in batch mode: SQLite (3.35 and newer) drops the column in place, while a batch copy of
    # users would drop the old table under the foreign keys of every row that points at it.
    op.drop_column("users", "name_key")

"""resident names: an index by role and name in small letters, compared by code point, which the
coordinator's list of residents reads in order and searches by the start of a name

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # As models.accounts.name_order writes it: PostgreSQL compares in "C" only when told so.
    postgresql = op.get_bind().dialect.name == "postgresql"
    name = '(lower(display_name) COLLATE "C")' if postgresql else "lower(display_name)"
    op.create_index("ix_users_role_name", "users", ["role", sa.text(name), "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_users_role_name", table_name="users")

"""What `/readyz` checks, each by name, so a failing one can be named in the answer."""

from __future__ import annotations

from functools import cache

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ..config import bundled
from ..storage import AudioStore


@cache
def migration_head() -> str:
    """The newest migration this release carries, read once per process."""
    return ScriptDirectory(str(bundled("migrations"))).get_current_head()


def database_at_head(session: Session) -> bool:
    """One statement: the database answers, and its schema is this release's."""
    try:
        found = session.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()
    except SQLAlchemyError:
        return False
    finally:
        session.rollback()
    return found == migration_head()


def failing(session: Session, store: AudioStore) -> str | None:
    """The name of the first check that fails, or None when the app can serve."""
    if not database_at_head(session):
        return "database"
    if not store.can_write():
        return "audio"
    return None

"""What someone was writing when their sign-in ended, kept on the server until they are back."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from .base import timestamp


class StaffDraft(SQLModel, table=True):
    """Words that did not reach the timeline because the sign-in ended first; one per writer and resident.
    A resident's own words have the resident as writer (`user_id == resident_id`); the name is older.

    Never kept in the browser: phones and computers are shared, and a draft may hold private matters.
    """

    __tablename__ = "staff_drafts"
    __table_args__ = (UniqueConstraint("user_id", "resident_id", name="uq_staff_drafts_user_resident"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    resident_id: int = Field(foreign_key="users.id", index=True)
    body: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = timestamp()

"""What a staff member was writing, kept on the server across an idle sign-out."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Column, Field, SQLModel

from .base import timestamp


class StaffDraft(SQLModel, table=True):
    """A reply that did not reach the timeline because the session ended first; one per writer and resident.

    Never kept in the browser: staff share computers, and a draft may hold a resident's private matters.
    """

    __tablename__ = "staff_drafts"
    __table_args__ = (UniqueConstraint("user_id", "resident_id", name="uq_staff_drafts_user_resident"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id")
    resident_id: int = Field(foreign_key="users.id", index=True)
    body: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = timestamp()

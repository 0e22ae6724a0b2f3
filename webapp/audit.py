"""Who did what to whose account or data. Callers add the event inside their own transaction; some actions
are told in the operators' log too, with ids only, once it commits (oplog.AUDITED)."""

from __future__ import annotations

from sqlmodel import Session

from . import oplog
from .models import AuditEvent, User


def record(
    session: Session,
    action: str,
    *,
    actor: User | None = None,
    subject: User | None = None,
    ip: str = "",
    device: str = "",
    **detail,
) -> None:
    session.add(
        AuditEvent(
            action=action,
            actor_id=actor.id if actor else None,
            subject_id=subject.id if subject else None,
            ip=ip or "",
            device=device or "",
            detail=detail or None,
        )
    )
    oplog.audited(
        session, action, actor_id=actor.id if actor else None, subject_id=subject.id if subject else None, detail=detail
    )

"""What each staff role is called on screen."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import Role

ROLE_LABELS = {
    Role.ADVISOR: _l("Personal job advisor"),
    Role.VOLUNTEER: _l("Volunteer"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.PARTNER: _l("Partnership (counts only, no names)"),
}

"""The advisor's caseload page: their residents in order of need, each reason said in words and an icon."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from ..advisor import services as advising
from ..advisor.forms import FollowUpForm
from ..coordinator import services as coordination
from ..models import User
from ..timeline import display, phrases

REASON_LABELS = {
    "urgent": _l("Said with a phrase"),  # the phrase itself is shown (timeline/display.py)
    "contact": _l("Asked to be contacted"),
    "waiting": _l("Waiting for an answer"),
    "told": _l("Record their situation"),  # after the phrase that told it ("I started working")
    "low_mood": _l("Has had a hard time lately"),
    "appointment": _l("Asked to move or cannot come to an appointment"),
    "barrier": _l("New barrier"),
    "follow_up": _l("Follow-up due"),  # shown with its months and "in work" or "in education"
    "quiet": _l("No check-in for 14 days"),
}
REASON_ICONS = {
    "urgent": "quote",
    "contact": "phone",
    "waiting": "clock",
    "told": "briefcase",
    "low_mood": "face-1",
    "appointment": "calendar-clock",
    "barrier": "circle-help",
    "follow_up": "calendar",
    "quiet": "circle-pause",
}


def caseload_page(
    db: Session, advisor: User, *, refused: tuple[int, FollowUpForm] | None = None, list_only: bool = False
) -> tuple[str, dict]:
    """`refused`: a "still there" form sent with hours that cannot be, shown again on its row with the error.
    `list_only`: what the list of residents (the template's `caseload` block) needs alone, for the form's htmx swap."""
    area = advisor.housing_area_id
    rows = advising.caseload(db, advisor=advisor)
    forms = {
        row.resident_id: FollowUpForm(formdata=None, months=row.follow_up.months, hours=row.follow_up.hours)
        for row in rows
        if row.follow_up is not None
    }
    if refused is not None and refused[0] in forms:
        forms[refused[0]] = refused[1]
    context = dict(
        rows=rows,
        follow_up_forms=forms,
        # Translated once here, not on each of a hundred rows.
        reasons={reason: str(label) for reason, label in REASON_LABELS.items()},
        reason_icons=REASON_ICONS,
        said_labels={key: display.urgent_text(key) for key in (*phrases.URGENT, *phrases.TOLD)},
    )
    if not list_only:
        context["unassigned"] = coordination.unassigned(db, area_id=area) if area else []
    return "advisor/caseload.html", context

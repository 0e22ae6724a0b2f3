"""The advisor's caseload page: their residents in order of need, each reason said in words and an icon."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..advisor import services as advising
from ..coordinator import services as coordination
from ..db import get_session
from ..htmx import render
from ..timeline import phrases, said

REASON_LABELS = {
    "urgent": _l("Said with a phrase"),  # the phrase itself is shown (timeline/said.py)
    "contact": _l("Asked to be contacted"),
    "waiting": _l("Waiting for an answer"),
    "low_mood": _l("Has had a hard time lately"),
    "appointment": _l("Asked to move or cannot come to an appointment"),
    "barrier": _l("New barrier"),
    "quiet": _l("No check-in for 14 days"),
}
REASON_ICONS = {"urgent": "quote", "contact": "phone", "waiting": "clock", "low_mood": "face-1", "appointment": "calendar-clock",
                "barrier": "circle-help", "quiet": "circle-pause"}


def caseload_page():
    db = get_session()
    area = current_user.housing_area_id
    return render("advisor/caseload.html", rows=advising.caseload(db, advisor=current_user),
                  # Translated once here, not on each of a hundred rows.
                  reasons={reason: str(label) for reason, label in REASON_LABELS.items()}, reason_icons=REASON_ICONS,
                  urgent_labels={key: said.urgent_text(key) for key in phrases.URGENT},
                  unassigned=coordination.unassigned(db, area_id=area) if area else [])

"""An advisor's "I'll take them" (advisor.take, coordinator/services.py): one advisor, and the late one is told."""

from __future__ import annotations

from webapp.models import AuditEvent, User

from .conftest import page_text
from .factories import rows, run, set_values
from .signup_helpers import area, newest_resident, sign_up  # noqa: F401 -- area is a fixture


def test_two_advisors_taking_the_same_resident_at_once_leave_one_advisor(app, auth, accounts, area):
    from .test_lockout_parallel import at_once

    sign_up(auth.client_for("volunteer1"), area)
    resident = newest_resident(app)
    set_values(app, User, User.id == accounts.advisor2.id, housing_area_id=area)
    advisors = [auth.client_for("advisor1"), auth.client_for("advisor2")]

    statuses = at_once(lambda n: advisors[n].post(f"/advisor/residents/{resident.id}/take").headers["Location"], 2)

    taken = run(app, lambda s: s.get(User, resident.id))
    assert taken.advisor_id in (accounts.advisor1.id, accounts.advisor2.id)
    assert sorted(statuses) == sorted(["/advisor/", f"/advisor/residents/{resident.id}"])
    assert [e.action for e in rows(app, AuditEvent)].count("advisor_assigned") == 1


def test_an_advisor_who_taps_take_after_another_took_them_is_told_so_not_shown_a_404(app, auth, accounts, area):
    sign_up(auth.client_for("volunteer1"), area)
    resident = newest_resident(app)
    set_values(app, User, User.id == accounts.advisor2.id, housing_area_id=area)
    first, late = auth.client_for("advisor1"), auth.client_for("advisor2")
    assert (
        first.post(f"/advisor/residents/{resident.id}/take").headers["Location"] == f"/advisor/residents/{resident.id}"
    )

    response = late.post(f"/advisor/residents/{resident.id}/take", follow_redirects=True)
    assert response.status_code == 200
    assert f"Someone else took {resident.display_name} a moment ago." in page_text(response)
    again = first.post(f"/advisor/residents/{resident.id}/take")  # a second tap by the one who took them
    assert again.headers["Location"] == f"/advisor/residents/{resident.id}"
    assert [e.action for e in rows(app, AuditEvent)].count("advisor_assigned") == 1

"""Access rules that the access matrix does not reach: its advisors all work in a housing area."""

from __future__ import annotations

from webapp.auth import leaving
from webapp.models import Role, User

from .conftest import page_text
from .factories import make_user, rows, run


def test_an_advisor_without_an_area_cannot_take_a_resident_without_one(app, auth, accounts):
    # Neither advisor2 nor the newcomer has a housing area: two missing areas are not the same one.
    newcomer = run(app, make_user, username="newcomer", role=Role.RESIDENT)

    taken = auth.client_for("advisor2").post(f"/advisor/residents/{newcomer.id}/take")

    assert taken.status_code == 404
    assert rows(app, User, User.id == newcomer.id)[0].advisor_id is None


def test_a_closed_account_offers_no_sign_in_card(app, auth, accounts):
    # The card, its QR code and its phones answer 404 for a closed account (test_access_matrix): no link leads there.
    card = f"/volunteer/residents/{accounts.resident1.id}/card"
    assert card in auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}").get_data(as_text=True)
    run(app, leaving.stop, resident=accounts.resident1)

    advisor_page = auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}")
    overview = auth.client_for("coordinator").get("/coordinator/")

    assert advisor_page.status_code == 200 and "wants to stop using Sammen" in page_text(advisor_page)
    assert overview.status_code == 200 and "Cannot sign in" in page_text(overview)
    assert card not in advisor_page.get_data(as_text=True) + overview.get_data(as_text=True)


def test_a_closed_account_offers_its_advisor_no_change_to_its_records(app, auth, accounts):
    goals = f"/residents/{accounts.resident1.id}/goals"
    adds_a_goal = f'action="{goals}"'
    assert adds_a_goal in auth.client_for("advisor1").get(goals).get_data(as_text=True)
    run(app, leaving.stop, resident=accounts.resident1)

    page = auth.client_for("advisor1").get(goals)

    assert page.status_code == 200 and adds_a_goal not in page.get_data(as_text=True)

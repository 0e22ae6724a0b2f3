from __future__ import annotations

import re

from webapp.models import AuditEvent, User

from .conftest import page_text
from .factories import make_area, rows, run, set_values, write
from .signup_helpers import area  # noqa: F401 -- area is a fixture

NEW_STAFF = {
    "display_name": "Birgitte Lund",
    "username": "birgitte.lund",
    "role": "advisor",
    "locale": "da",
}


def test_coordinator_creates_a_staff_account_whose_owner_chooses_the_password(auth, accounts):
    coordinator = auth.client_for("coordinator")
    response = coordinator.post("/coordinator/staff/new", data=NEW_STAFF)
    assert response.status_code == 200
    assert "Birgitte Lund" in page_text(coordinator.get("/coordinator/"))
    link = re.search(r'href="http://localhost(/password/[^"]+)"', response.get_data(as_text=True)).group(1)
    new_staff = auth.app.test_client()
    chosen = {"new": "a-good-long-password", "repeat": "a-good-long-password"}
    assert new_staff.post(link, data=chosen).status_code == 303
    assert auth.sign_in(new_staff, "birgitte.lund", chosen["new"], staff=True).headers["Location"] == "/advisor/"
    (user,) = rows(auth.app, User, User.username == "birgitte.lund")
    events = sorted(rows(auth.app, AuditEvent, AuditEvent.subject_id == user.id), key=lambda e: e.id)
    assert [e.action for e in events][:3] == ["account_created", "password_link_made", "password_set"]


def test_new_staff_form_answers_next_to_the_field_and_keeps_what_was_typed(auth, accounts):
    coordinator = auth.client_for("coordinator")
    data = {**NEW_STAFF, "username": "Not A Username"}
    response = coordinator.post("/coordinator/staff/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="username-error">Use 3 to 40 small letters' in html
    assert 'value="Birgitte Lund"' in html


def test_username_taken_is_refused(auth, accounts):
    response = auth.client_for("coordinator").post("/coordinator/staff/new", data={**NEW_STAFF, "username": "advisor1"})
    assert response.status_code == 422
    assert "That username is taken" in page_text(response)


def test_bidi_override_in_a_name_is_refused(auth, accounts):
    data = {**NEW_STAFF, "display_name": "Evil\u202eName"}
    response = auth.client_for("coordinator").post("/coordinator/staff/new", data=data)
    assert response.status_code == 422
    assert "hidden direction characters" in page_text(response)


def test_unknown_role_is_refused_in_the_readers_language(auth, accounts):
    response = auth.client_for("coordinator").post("/coordinator/staff/new", data={**NEW_STAFF, "role": "resident"})
    assert response.status_code == 422
    assert "Please choose one of the options." in page_text(response)


def test_deactivated_staff_cannot_sign_in_and_is_signed_out(auth, accounts):
    volunteer = auth.client_for("volunteer1")
    coordinator = auth.client_for("coordinator")
    coordinator.post(f"/coordinator/staff/{accounts.volunteer1.id}/deactivate")
    assert volunteer.get("/volunteer/").status_code == 302
    assert auth.sign_in(auth.app.test_client(), "volunteer1").status_code == 422


def test_advisor_with_residents_cannot_be_deactivated(auth, accounts):
    coordinator = auth.client_for("coordinator")
    response = coordinator.post(f"/coordinator/staff/{accounts.advisor1.id}/deactivate", follow_redirects=True)
    assert "Move this advisor's residents to another advisor first." in page_text(response)
    assert rows(auth.app, User, User.id == accounts.advisor1.id)[0].active


def test_coordinator_cannot_deactivate_themselves(auth, accounts):
    coordinator = auth.client_for("coordinator")
    response = coordinator.post(f"/coordinator/staff/{accounts.coordinator.id}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account." in page_text(response)


def test_moving_a_resident_gives_the_new_advisor_the_whole_history(auth, accounts):
    app = auth.app
    write(app, accounts.resident1, accounts.resident1, "My first message, long ago")
    write(app, accounts.resident1, accounts.advisor1, "Mette's answer")
    coordinator = auth.client_for("coordinator")
    response = coordinator.post(
        f"/coordinator/residents/{accounts.resident1.id}/advisor",
        data={f"resident-{accounts.resident1.id}-advisor_id": accounts.advisor2.id},
    )
    assert response.status_code == 303
    new_advisor = page_text(auth.client_for("advisor2").get(f"/advisor/residents/{accounts.resident1.id}"))
    assert "My first message, long ago" in new_advisor and "Mette's answer" in new_advisor
    assert "Jonas ( advisor2 ) is now the personal job advisor." in new_advisor
    assert auth.client_for("advisor1").get(f"/advisor/residents/{accounts.resident1.id}").status_code == 404
    assert "Jonas ( advisor2 ) is now the personal job advisor." in page_text(auth.client_for("resident1").get("/me/"))
    assert rows(app, AuditEvent, AuditEvent.action == "advisor_assigned")


def test_assigning_an_unknown_advisor_is_refused(auth, accounts):
    coordinator = auth.client_for("coordinator")
    response = coordinator.post(
        f"/coordinator/residents/{accounts.resident1.id}/advisor",
        data={f"resident-{accounts.resident1.id}-advisor_id": accounts.volunteer1.id},
    )
    assert response.status_code == 422
    assert "Please choose one of the options." in page_text(response)


def test_an_unassigned_resident_is_offered_only_the_advisors_of_their_area_after_an_empty_choice(auth, accounts):
    skovparken = make_area(auth.app, "Skovparken", advisor=accounts.advisor1)
    make_area(auth.app, "Nørremarken", advisor=accounts.advisor2)
    set_values(auth.app, User, User.id == accounts.resident3.id, advisor_id=None, housing_area_id=skovparken)
    coordinator = auth.client_for("coordinator")
    page = coordinator.get("/coordinator/").get_data(as_text=True)
    select = re.search(
        rf'<select[^>]*name="resident-{accounts.resident3.id}-advisor_id".*?</select>', page, re.S
    ).group(0)
    options = re.findall(r"<option([^>]*)>([^<]*)</option>", select)
    assert [label for _, label in options] == ["Choose an advisor", "Mette"]  # not Jonas of Nørremarken
    assert not any("selected" in attributes for attributes, _ in options[1:])

    field = f"resident-{accounts.resident3.id}-advisor_id"
    refused = coordinator.post(f"/coordinator/residents/{accounts.resident3.id}/advisor", data={field: "0"})
    assert refused.status_code == 422
    assert "Choose an advisor." in page_text(refused)
    assert rows(auth.app, User, User.id == accounts.resident3.id)[0].advisor_id is None


def test_coordinator_does_not_read_timelines(auth, accounts):
    write(auth.app, accounts.resident1, accounts.resident1, "Private words")
    coordinator = auth.client_for("coordinator")
    assert "Private words" not in page_text(coordinator.get("/coordinator/"))
    assert coordinator.get(f"/residents/{accounts.resident1.id}/entries").status_code == 404


NEW_PARTNER = {"display_name": "Lone Fonden", "username": "lone.fonden", "role": "partner"}


def test_the_new_staff_form_offers_a_partnership_account(auth, accounts):
    page = auth.client_for("coordinator").get("/coordinator/staff/new").get_data(as_text=True)
    assert 'value="partner"' in page and "Partnership (counts only, no names)" in page


def test_coordinator_makes_a_partner_account_in_danish_unless_told_otherwise(auth, accounts):
    response = auth.client_for("coordinator").post("/coordinator/staff/new", data=NEW_PARTNER)
    assert response.status_code == 200
    (partner,) = rows(auth.app, User, User.username == "lone.fonden")
    assert (partner.role, partner.locale, partner.secret_hash) == ("partner", "da", "")
    (event,) = rows(auth.app, AuditEvent, AuditEvent.subject_id == partner.id, AuditEvent.action == "account_created")
    assert event.detail["role"] == "partner"


def test_a_partner_is_listed_with_the_staff_and_their_role(auth, accounts):
    text = page_text(auth.client_for("coordinator").get("/coordinator/"))
    assert "Lone partner1 Partnership (counts only, no names)" in text


def test_a_partner_account_can_be_deactivated_and_activated_again(auth, accounts):
    coordinator = auth.client_for("coordinator")
    assert coordinator.post(f"/coordinator/staff/{accounts.partner1.id}/deactivate").status_code == 303
    assert not rows(auth.app, User, User.id == accounts.partner1.id)[0].active
    assert auth.sign_in(auth.app.test_client(), "partner1").status_code == 422
    assert coordinator.post(f"/coordinator/staff/{accounts.partner1.id}/activate").status_code == 303
    assert rows(auth.app, User, User.id == accounts.partner1.id)[0].active


def test_a_new_partner_gets_a_fresh_password_link_as_other_staff_do(auth, accounts):
    coordinator = auth.client_for("coordinator")
    coordinator.post("/coordinator/staff/new", data=NEW_PARTNER)
    (partner,) = rows(auth.app, User, User.username == "lone.fonden")
    assert coordinator.post(f"/coordinator/staff/{partner.id}/password-link").status_code == 200


def test_a_partner_who_lost_their_password_gets_a_reset_link(auth, accounts):
    response = auth.client_for("coordinator").post(f"/coordinator/staff/{accounts.partner1.id}/reset-link")
    assert response.status_code == 200
    assert rows(
        auth.app,
        AuditEvent,
        AuditEvent.subject_id == accounts.partner1.id,
        AuditEvent.action == "password_reset_link_made",
    )


def test_a_partner_is_never_offered_as_an_advisor(auth, accounts):
    make_area(auth.app, "Skovparken", advisor=accounts.advisor1)
    set_values(auth.app, User, User.id == accounts.resident3.id, advisor_id=None)
    page = auth.client_for("coordinator").get("/coordinator/").get_data(as_text=True)
    offered = set(re.findall(r"<option[^>]*>([^<]*)</option>", page))
    assert {"Mette", "Jonas"} <= offered and "Lone" not in offered
    assert f'action="/coordinator/staff/{accounts.partner1.id}/area"' not in page


def test_a_resident_cannot_be_given_a_partner_as_advisor(auth, accounts):
    response = auth.client_for("coordinator").post(
        f"/coordinator/residents/{accounts.resident1.id}/advisor",
        data={f"resident-{accounts.resident1.id}-advisor_id": accounts.partner1.id},
    )
    assert response.status_code == 422
    assert rows(auth.app, User, User.id == accounts.resident1.id)[0].advisor_id == accounts.advisor1.id


def test_a_partner_has_no_housing_area_to_set(auth, accounts):
    response = auth.client_for("coordinator").post(
        f"/coordinator/staff/{accounts.partner1.id}/area", data={f"user-{accounts.partner1.id}-area_id": "0"}
    )
    assert response.status_code == 404


def test_coordinator_sets_an_advisors_area_and_a_repeat_changes_nothing(app, auth, accounts):
    area_id = make_area(app, "Nørremarken")
    coordinator = auth.client_for("coordinator")
    field = f"user-{accounts.advisor2.id}-area_id"
    for _ in range(2):
        assert (
            coordinator.post(f"/coordinator/staff/{accounts.advisor2.id}/area", data={field: str(area_id)}).status_code
            == 303
        )
    assert run(app, lambda s: s.get(User, accounts.advisor2.id)).housing_area_id == area_id
    assert [e.action for e in rows(app, AuditEvent)].count("area_assigned") == 1
    coordinator.post(f"/coordinator/staff/{accounts.advisor2.id}/area", data={field: "0"})
    assert run(app, lambda s: s.get(User, accounts.advisor2.id)).housing_area_id is None


def test_coordinator_page_keeps_a_plain_title_and_lists_the_areas(auth, accounts, area):
    html = auth.client_for("coordinator").get("/coordinator/").get_data(as_text=True)
    assert "<title>Accounts and advisors · Sammen</title>" in html
    assert html.count('id="areas-title"') == 1 and "Skovparken" in html

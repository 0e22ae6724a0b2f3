""" "My data": everything held about the resident, in their language, and what they may correct themself."""

from __future__ import annotations

from webapp.models import AuditEvent, User

from .conftest import page_text
from .factories import make_area, records_of, rows, set_values, write
from .records_helpers import speaking


def test_my_data_shows_the_profile_the_consent_phones_sign_ins_and_records(app, accounts, auth):
    area = make_area(app, "Skovparken")
    set_values(
        app, User, User.id == accounts.resident1.id, phone="+4520483917", contact_preference="sms", housing_area_id=area
    )
    records_of(app, accounts.resident1, accounts.advisor1)
    write(app, accounts.resident1, accounts.resident1, "Hej")
    phone = auth.client_for("resident1")

    html = phone.get("/me/data").get_data(as_text=True)
    page = page_text(phone.get("/me/data"))

    assert 'value="+45 20 48 39 17"' in html  # the number to correct, as it is written
    for shown in (
        "فاطمة",
        "resident1",
        "English",
        "20 48 39 17",
        "Skovparken",
        "Send me an SMS",
        "Mette",
        "What you agreed to",
        "This phone Android phone Last signed in",
        "When you signed in",
        "Who has looked at my page",
        "Barriers 1",
        "Goals 1",
        "Appointments 1",
        "Messages 1",
    ):
        assert shown in page, shown


def test_my_data_lists_a_sign_in_on_the_tablet_as_such(app, accounts, auth):
    from .factories import register_tablet

    tablet = app.test_client()
    register_tablet(app, tablet)
    tablet.on_tablet = True
    assert auth.sign_in(tablet, "resident1").status_code == 303

    page = page_text(tablet.get("/me/data"))

    assert "On the tablet in the community house" in page


def test_my_data_is_in_the_residents_language(app, accounts, auth):
    speaking(app, accounts.resident1, "ar")
    phone = auth.client_for("resident1")

    html = phone.get("/me/data").get_data(as_text=True)

    assert '<html lang="ar" dir="rtl">' in html


def test_a_resident_corrects_their_phone_number_and_it_is_audit_logged(app, accounts, auth):
    phone = auth.client_for("resident1")

    saved = phone.post("/me/data/contact", data={"phone": "20 48 39 17", "contact": "call"})

    assert saved.status_code == 303
    resident = rows(app, User, User.id == accounts.resident1.id)[0]
    assert (resident.phone, resident.contact_preference) == ("+4520483917", "call")
    logged = rows(app, AuditEvent, AuditEvent.action == "contact_changed", AuditEvent.subject_id == resident.id)
    assert len(logged) == 1 and "+4520483917" not in str(logged[0].detail)


def test_a_wrong_number_is_refused_next_to_the_field_and_what_was_typed_stays(app, accounts, auth):
    phone = auth.client_for("resident1")

    refused = phone.post("/me/data/contact", data={"phone": "12", "contact": "call"})

    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'id="phone-error"' in html and 'value="12"' in html
    assert rows(app, User, User.id == accounts.resident1.id)[0].phone is None
    assert not rows(app, AuditEvent, AuditEvent.action == "contact_changed")


def test_saving_the_same_details_again_records_nothing(app, accounts, auth):
    phone = auth.client_for("resident1")
    for _ in range(2):
        phone.post("/me/data/contact", data={"phone": "", "contact": "house"})

    assert len(rows(app, AuditEvent, AuditEvent.action == "contact_changed")) == 1


def test_staff_cannot_open_a_residents_my_data(app, accounts, auth):
    for username in ("advisor1", "volunteer1", "coordinator"):
        assert auth.client_for(username).get("/me/data").status_code == 403


def test_my_data_offers_the_download_in_a_form_htmx_leaves_alone(app, accounts, auth):
    html = auth.client_for("resident1").get("/me/data").get_data(as_text=True)

    form = html[html.index('action="/me/data/export"') - 40 : html.index('action="/me/data/export"') + 60]
    assert 'method="post"' in form and 'hx-boost="false"' in form


def test_my_data_costs_the_same_statements_at_1_and_1000_entries(app, accounts, auth):
    from .factories import counted_queries

    phone = auth.client_for("resident1")
    write(app, accounts.resident1, accounts.resident1, "one")
    phone.get("/me/data")
    with counted_queries(app) as few:
        assert phone.get("/me/data").status_code == 200
    for n in range(999):
        write(app, accounts.resident1, accounts.resident1 if n % 2 else accounts.advisor1, f"entry {n}")
    with counted_queries(app) as many:
        assert phone.get("/me/data").status_code == 200

    assert len(many) == len(few) <= 9, len(few)


def test_my_data_counts_the_residents_situations_and_links_to_their_overview(app, accounts, auth):
    from datetime import date

    from sqlmodel import select

    from webapp.models import Situation
    from webapp.outcomes import situations

    from .factories import run

    def two_situations(session):
        for key, day in (("course", date(2026, 1, 5)), ("work", date(2026, 3, 2))):
            situation = session.exec(select(Situation).where(Situation.key == key)).one()
            situations.record(
                session,
                resident=accounts.resident1,
                advisor=accounts.advisor1,
                situation=situation,
                starts_on=day,
                hours=20,
                employer=None,
                idempotency_key=f"situation-{key}",
            )

    run(app, two_situations)
    phone = auth.client_for("resident1")

    html = phone.get("/me/data").get_data(as_text=True)

    assert "Situations 2" in page_text(phone.get("/me/data"))
    assert f'<a href="/residents/{accounts.resident1.id}/overview">Situations</a>' in html

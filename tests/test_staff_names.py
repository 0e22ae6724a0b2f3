"""Staff names that look alike are one name: a coordinator cannot make a stand-in for an advisor."""

from __future__ import annotations

import pytest

from webapp.coordinator import services
from webapp.models import STAFF_ROLES, User, staff_name_key

from .conftest import page_text
from .factories import make_staff_with_link, rows, run, set_values
from .records_helpers import speaking
from .test_lockout_parallel import at_once

CYRILLIC_E = "\u0435"
NEW_STAFF = {"username": "stand.in", "role": "advisor", "locale": "en"}


@pytest.mark.parametrize(
    ("name", "look_alike"),
    [
        ("Mette Sørensen", f"M{CYRILLIC_E}tte Sørensen"),
        ("Mette Sørensen", "Mette Sørensen."),
        ("Mette Sørensen", " mette  SØRENSEN "),
        ("Mette Sørensen", "Mette-Sørensen"),
        ("Mette Sørensen", "Mette Sorensen"),  # a resident reading the name could take one for the other
        ("Ida Hansen", "lda Hansen"),  # a capital I and a small l
        ("Jonas", "J0nas"),
        ("Emma", "Ernrna"),
        ("Mette", "Ｍｅｔｔｅ"),
        ("علیرضا", "علی\u200cرضا"),
        ("مریم", "مريم"),  # Persian and Arabic yeh
    ],
)
def test_look_alike_names_have_one_key(name, look_alike):
    assert staff_name_key(name) == staff_name_key(look_alike)


@pytest.mark.parametrize(
    ("name", "other"),
    [
        ("Mette Sørensen", "Mette Hansen"),
        ("Anna", "Anne"),
        ("Mads", "Mats"),
        ("Jonas", "Jonna"),
        ("فاطمة", "مریم"),
    ],
)
def test_different_names_have_different_keys(name, other):
    assert staff_name_key(name) != staff_name_key(other)


@pytest.mark.parametrize("look_alike", [f"M{CYRILLIC_E}tte", "Mette.", " METTE "])
def test_a_look_alike_of_an_active_staff_name_is_refused_next_to_the_field(app, auth, accounts, look_alike):
    response = auth.client_for("coordinator").post(
        "/coordinator/staff/new", data={**NEW_STAFF, "display_name": look_alike}
    )

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="display_name-error">Another active staff member has this name.' in html
    assert rows(app, User, User.username == "stand.in") == []


def test_the_refusal_is_in_the_coordinators_language(app, auth, accounts):
    speaking(app, accounts.coordinator, "da")

    response = auth.client_for("coordinator").post(
        "/coordinator/staff/new", data={**NEW_STAFF, "display_name": f"M{CYRILLIC_E}tte."}
    )

    assert response.status_code == 422
    assert "En anden aktiv medarbejder har dette navn." in page_text(response)


def test_a_deactivated_name_may_be_used_again(app, auth, accounts):
    set_values(app, User, User.id == accounts.volunteer1.id, active=False)

    response = auth.client_for("coordinator").post(
        "/coordinator/staff/new", data={**NEW_STAFF, "display_name": "Amina."}
    )

    assert response.status_code == 200
    assert rows(app, User, User.username == "stand.in")[0].name_key == staff_name_key("Amina")


def test_parallel_creations_of_look_alike_names_make_one_account(app, auth, accounts):
    names = [
        "Birgitte Lund",
        f"Birgitt{CYRILLIC_E} Lund",
        "Birgitte Lund.",
        "birgitte lund",
        "BIRGITTE  LUND",
        "Birgitte-Lund",
    ]
    cookie = auth.client_for("coordinator").get_cookie("session").value
    browsers = [app.test_client() for _ in names]
    for browser in browsers:
        browser.set_cookie("session", cookie)

    statuses = at_once(
        lambda n: (
            browsers[n]
            .post("/coordinator/staff/new", data={**NEW_STAFF, "username": f"birgitte{n}", "display_name": names[n]})
            .status_code
        ),
        len(names),
    )

    made = rows(app, User, User.username.startswith("birgitte"))
    assert sorted(statuses) == [200] + [422] * (len(names) - 1)
    assert len(made) == 1 and made[0].name_key == staff_name_key("Birgitte Lund")


def test_the_database_refuses_a_look_alike_the_check_did_not_see(app, accounts, monkeypatch):
    """What decides between two parallel creations: both pass the check, the unique index takes one."""
    make_staff_with_link(app, "birgitte.a", "Birgitte Lund")
    monkeypatch.setattr(services, "staff_name_taken", lambda *args, **kwargs: False)

    with pytest.raises(services.RefusedChange, match="name_taken"):
        make_staff_with_link(app, "birgitte.b", f"Birgitt{CYRILLIC_E} Lund.")
    assert rows(app, User, User.username == "birgitte.b") == []


def test_a_username_taken_in_a_parallel_creation_is_named_as_such(app, accounts, monkeypatch):
    real_find_user, asked = services.accounts.find_user, []

    def misses_the_first_time(session, username):
        asked.append(username)
        return None if len(asked) == 1 else real_find_user(session, username)

    monkeypatch.setattr(services.accounts, "find_user", misses_the_first_time)

    with pytest.raises(services.RefusedChange, match="username_taken"):
        make_staff_with_link(app, "advisor2", "Someone Else")


def test_activating_a_look_alike_again_is_refused(app, auth, accounts):
    set_values(app, User, User.id == accounts.advisor2.id, active=False, display_name=f"M{CYRILLIC_E}tte.")
    coordinator = auth.client_for("coordinator")

    response = coordinator.post(f"/coordinator/staff/{accounts.advisor2.id}/activate", follow_redirects=True)

    assert "Another active staff member has this name." in page_text(response)
    assert not rows(app, User, User.id == accounts.advisor2.id)[0].active


def test_the_database_refuses_activating_a_look_alike_the_check_did_not_see(app, accounts, monkeypatch):
    set_values(app, User, User.id == accounts.advisor2.id, active=False, display_name="Mette.")
    monkeypatch.setattr(services, "staff_name_taken", lambda *args, **kwargs: False)
    advisor2 = rows(app, User, User.id == accounts.advisor2.id)[0]

    with pytest.raises(services.RefusedChange, match="name_taken"):
        run(app, services.set_active, actor=accounts.coordinator, user=advisor2, active=True)
    assert not rows(app, User, User.id == accounts.advisor2.id)[0].active


def test_activating_again_takes_the_key_of_the_name_as_it_is(app, accounts):
    set_values(app, User, User.id == accounts.advisor2.id, active=False, display_name="Jonas Bak", name_key=None)
    advisor2 = rows(app, User, User.id == accounts.advisor2.id)[0]

    run(app, services.set_active, actor=accounts.coordinator, user=advisor2, active=True)

    assert rows(app, User, User.id == accounts.advisor2.id)[0].name_key == staff_name_key("Jonas Bak")


def test_every_staff_account_has_its_name_key_and_no_resident_has_one(app, accounts):
    for user in rows(app, User):
        assert user.name_key == (staff_name_key(user.display_name) if user.role in STAFF_ROLES else None), user.username


def test_parallel_activations_of_look_alike_names_leave_one_active_and_tell_the_others(app, auth, accounts):
    """Each activation passes the check before its write; the unique index takes one, and the others hear
    the usual "name taken", never an error page."""
    names = ["Birgitte Lund", f"Birgitt{CYRILLIC_E} Lund", "Birgitte Lund.", "birgitte lund"]
    ids = []
    for n, name in enumerate(names):
        user, _token = make_staff_with_link(app, f"birgitte{n}", f"Placeholder {n}")
        set_values(app, User, User.id == user.id, active=False, display_name=name)
        ids.append(user.id)
    cookie = auth.client_for("coordinator").get_cookie("session").value
    browsers = [app.test_client() for _ in names]
    for browser in browsers:
        browser.set_cookie("session", cookie)

    answers = at_once(lambda n: browsers[n].post(f"/coordinator/staff/{ids[n]}/activate"), len(names))

    assert [answer.status_code for answer in answers] == [303] * len(names)
    told = [page_text(browser.get("/coordinator/")) for browser in browsers]
    assert sum("can sign in again" in page for page in told) == 1
    assert sum("Another active staff member has this name." in page for page in told) == len(names) - 1
    assert len(rows(app, User, User.id.in_(ids), User.active.is_(True))) == 1

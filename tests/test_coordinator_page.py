"""The coordinator's overview at national scale (pages/coordinator.py, coordinator/services.py): residents 50 a
page, found by the start of a name or a whole username and by housing area; advisors offered from one list
per page, or on a page of their own for one resident; the same statements at 10 residents as at 1,000."""

from __future__ import annotations

import re

from sqlalchemy import insert

from webapp.models import AuditEvent, Role, User, utcnow

from .conftest import page_text
from .factories import counted_queries, make_area, rows, run, set_values


def add_users(app, count: int, *, role: Role = Role.RESIDENT, prefix: str = "beboer", **values) -> list[int]:
    """`count` accounts written at once (no PIN hashed for each): names "<Prefix> 0001" and so on."""

    def go(session):
        session.execute(
            insert(User),
            [
                {
                    "username": f"{prefix}-{n:04d}",
                    "display_name": f"{prefix.capitalize()} {n:04d}",
                    "role": role,
                    "locale": "en",
                    "secret_hash": "x",
                    "created_at": utcnow(),
                    **values,
                }
                for n in range(count)
            ],
        )
        session.commit()
        return [user.id for user in rows(app, User, User.username.like(f"{prefix}-%"))]

    return run(app, go)


def resident_rows(html: str) -> list[str]:
    """The names in the list of residents (not the unassigned, not the staff), in the page's order."""
    section = re.search(r'<section aria-labelledby="residents-title">.*?</section>', html, re.S).group(0)
    return re.findall(r"<strong><bdi>([^<]*)</bdi></strong>", section)


def test_the_overview_lists_fifty_residents_a_page_with_links_to_the_next_and_previous(auth, accounts):
    add_users(auth.app, 120, advisor_id=accounts.advisor1.id)
    coordinator = auth.client_for("coordinator")

    first = coordinator.get("/coordinator/").get_data(as_text=True)
    next_page = re.search(r'<a [^>]*rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = coordinator.get(next_page).get_data(as_text=True)
    last = coordinator.get("/coordinator/?page=3").get_data(as_text=True)

    assert resident_rows(first) == [f"Beboer {n:04d}" for n in range(50)]
    assert resident_rows(second) == [f"Beboer {n:04d}" for n in range(50, 100)]
    assert 'rel="prev" href="/coordinator/?page=1"' in second
    # 20 more, then resident1, 2 and 3 (Grace, فاطمة, مریم: Latin before Arabic letters)
    assert resident_rows(last) == [f"Beboer {n:04d}" for n in range(100, 120)] + ["Grace", "فاطمة", "مریم"]
    assert 'rel="next"' not in last
    assert "There are no more residents." in page_text(coordinator.get("/coordinator/?page=4"))


def test_a_resident_is_found_by_the_start_of_their_name_in_any_case_or_by_their_whole_username(auth, accounts):
    add_users(auth.app, 60, advisor_id=accounts.advisor1.id)
    coordinator = auth.client_for("coordinator")

    def found(search: str) -> list[str]:
        return resident_rows(coordinator.get("/coordinator/", query_string={"q": search}).get_data(as_text=True))

    assert found("gRA") == ["Grace"]
    assert found("beboer 005") == [f"Beboer {n:04d}" for n in range(50, 60)]
    assert found("resident3") == ["Grace"]
    assert found("فاط") == ["فاطمة"]
    assert found("race") == [] and found("resident") == []  # not inside a name, not the start of a username


def test_a_search_that_finds_nobody_says_so_and_keeps_what_was_typed(auth, accounts):
    answer = auth.client_for("coordinator").get("/coordinator/?q=Zor%C3%A5")

    assert '<input id="q" name="q" type="search" value="Zorå" dir="auto"' in answer.get_data(as_text=True)
    assert "No resident matches your search." in page_text(answer)


def test_residents_are_filtered_by_housing_area_and_the_area_stays_chosen(auth, accounts):
    skovparken = make_area(auth.app, "Skovparken")
    set_values(auth.app, User, User.id == accounts.resident3.id, housing_area_id=skovparken)
    coordinator = auth.client_for("coordinator")

    page = coordinator.get(f"/coordinator/?area={skovparken}").get_data(as_text=True)

    assert resident_rows(page) == ["Grace"]
    assert f'<option value="{skovparken}" dir="auto" selected>Skovparken</option>' in page
    assert "No resident matches your search." in page_text(coordinator.get(f"/coordinator/?area={skovparken}&q=x"))


def test_many_advisors_are_offered_on_a_page_for_one_resident_not_at_every_row(auth, accounts):
    add_users(auth.app, 30, role=Role.ADVISOR, prefix="raadgiver")
    skovparken = make_area(auth.app, "Skovparken", advisor=accounts.advisor2)
    set_values(auth.app, User, User.id == accounts.resident1.id, housing_area_id=skovparken)
    coordinator = auth.client_for("coordinator")

    overview = coordinator.get("/coordinator/").get_data(as_text=True)
    chooser = coordinator.get(f"/coordinator/residents/{accounts.resident1.id}/advisor").get_data(as_text=True)

    # At resident1's row only Jonas, who works in their area; at the others' rows no list of 32 advisors.
    selects = re.findall(r'<select id="resident-(\d+)-advisor_id".*?</select>', overview, re.S)
    assert selects == [str(accounts.resident1.id)]
    select = re.search(r'<select id="resident-.*?</select>', overview, re.S).group(0)
    assert re.findall(r">([^<]+)</option>", select) == ["Choose an advisor", "Jonas"]
    assert overview.count(f'href="/coordinator/residents/{accounts.resident1.id}/advisor?back=') == 1
    groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', chooser, re.S)
    assert [label for label, _ in groups] == ["Advisors of Skovparken", "Other advisors"]
    assert re.findall(r">([^<]+)</option>", groups[0][1]) == ["Jonas"]
    assert len(re.findall(r"<option ", groups[1][1])) == 31  # Mette and the 30, not the partner nor staff
    assert "selected" not in chooser.split('name="resident-')[1].split("</select>")[0]


def test_the_advisor_chosen_on_the_page_of_one_resident_is_assigned_and_logged(auth, accounts):
    coordinator = auth.client_for("coordinator")
    back = "/coordinator/?q=f&page=1"

    answer = coordinator.post(
        f"/coordinator/residents/{accounts.resident1.id}/advisor",
        data={f"resident-{accounts.resident1.id}-advisor_id": accounts.advisor2.id, "back": back},
    )

    assert answer.status_code == 303 and answer.headers["Location"] == back
    assert rows(auth.app, User, User.id == accounts.resident1.id)[0].advisor_id == accounts.advisor2.id
    (event,) = rows(auth.app, AuditEvent, AuditEvent.action == "advisor_assigned")
    assert (event.actor_id, event.subject_id) == (accounts.coordinator.id, accounts.resident1.id)


def test_a_choice_returns_only_to_a_page_of_the_app(auth, accounts):
    coordinator = auth.client_for("coordinator")
    field = f"resident-{accounts.resident1.id}-advisor_id"
    for back in ("https://example.org/", "//example.org/coordinator/", "/no-such-page"):
        answer = coordinator.post(
            f"/coordinator/residents/{accounts.resident1.id}/advisor",
            data={field: accounts.advisor1.id, "back": back},
        )
        assert answer.headers["Location"] == "/coordinator/", back


def test_the_page_of_one_resident_refuses_no_choice_next_to_the_field(auth, accounts):
    coordinator = auth.client_for("coordinator")
    field = f"resident-{accounts.resident1.id}-advisor_id"

    refused = coordinator.post(f"/coordinator/residents/{accounts.resident1.id}/advisor", data={field: "0"})

    assert refused.status_code == 422
    assert f'<p class="field-error" id="{field}-error">Choose an advisor.</p>' in refused.get_data(as_text=True)
    assert rows(auth.app, User, User.id == accounts.resident1.id)[0].advisor_id == accounts.advisor1.id


def test_an_advisors_area_is_chosen_on_a_page_of_its_own_when_there_are_many_areas(auth, accounts):
    areas = [make_area(auth.app, f"Område {n:02d}") for n in range(13)]
    coordinator = auth.client_for("coordinator")

    overview = coordinator.get("/coordinator/").get_data(as_text=True)
    chooser = coordinator.get(f"/coordinator/staff/{accounts.advisor1.id}/area").get_data(as_text=True)
    saved = coordinator.post(
        f"/coordinator/staff/{accounts.advisor1.id}/area",
        data={f"user-{accounts.advisor1.id}-area_id": areas[12], "back": "/coordinator/?staff_page=1"},
    )

    assert 'name="user-' not in overview and f"/coordinator/staff/{accounts.advisor1.id}/area?back=" in overview
    assert chooser.count("<option ") == 14
    assert saved.headers["Location"] == "/coordinator/?staff_page=1"
    assert rows(auth.app, User, User.id == accounts.advisor1.id)[0].housing_area_id == areas[12]


def test_staff_are_listed_fifty_a_page(auth, accounts):
    add_users(auth.app, 60, role=Role.VOLUNTEER, prefix="frivillig")
    coordinator = auth.client_for("coordinator")

    first = page_text(coordinator.get("/coordinator/"))
    second = page_text(coordinator.get("/coordinator/?staff_page=2"))

    assert "Frivillig 0040" in first and "Frivillig 0055" not in first
    assert "Frivillig 0055" in second and "Frivillig 0040" not in second


def test_housing_areas_are_managed_fifty_a_page_and_all_can_be_searched_by(auth, accounts):
    for n in range(55):
        make_area(auth.app, f"Område {n:02d}")
    coordinator = auth.client_for("coordinator")

    first = coordinator.get("/coordinator/").get_data(as_text=True)
    second = coordinator.get("/coordinator/?areas_page=2").get_data(as_text=True)

    def managed(html):
        section = re.search(r'<section aria-labelledby="areas-title">.*?</section>', html, re.S).group(0)
        return re.findall(r"<strong><bdi>([^<]*)</bdi></strong>", section)

    assert managed(first) == [f"Område {n:02d}" for n in range(50)]
    assert managed(second) == [f"Område {n:02d}" for n in range(50, 55)]
    assert first.count(">Område 54</option>") == 1  # the search offers every area


def overview_statements(app, client) -> list[str]:
    with counted_queries(app) as statements:
        assert client.get("/coordinator/").status_code == 200
    return statements


def test_the_overview_sends_as_many_statements_for_1000_residents_as_for_10(auth, accounts):
    skovparken = make_area(auth.app, "Skovparken", advisor=accounts.advisor1)
    add_users(auth.app, 7, prefix="first", advisor_id=accounts.advisor1.id, housing_area_id=skovparken)
    coordinator = auth.client_for("coordinator")
    at_ten = overview_statements(auth.app, coordinator)

    add_users(auth.app, 990, prefix="more", advisor_id=accounts.advisor2.id, housing_area_id=skovparken)
    add_users(auth.app, 60, prefix="new", housing_area_id=skovparken)  # more than a page nobody follows yet
    add_users(auth.app, 40, role=Role.ADVISOR, prefix="raadgiver")
    at_a_thousand = overview_statements(auth.app, coordinator)

    assert len(at_ten) == len(at_a_thousand) <= 5

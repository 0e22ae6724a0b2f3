"""The partnership's page: its figures on a small known data set, disclosure control end to end on the page and
in the CSV, the statements it costs, and its languages."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime, time
from html import unescape

import pytest
from sqlmodel import Session, select

from webapp.models import (
    COPENHAGEN,
    AnswerTime,
    Barrier,
    CheckIn,
    HousingArea,
    ResidentSituation,
    Role,
    Situation,
    User,
)
from webapp.outcomes import figures
from webapp.outcomes.figures import ALL, Period

from .factories import counted_queries, make_user, run, set_values

TODAY = date(2026, 12, 6)
NOW = datetime(2026, 12, 6, 3, 0, tzinfo=COPENHAGEN)  # the night's count
FIRST_ID = 987001


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("webapp.partner.views.today", lambda: TODAY)


def moment(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=COPENHAGEN)


class Data:
    """Rows inserted as they are, with explicit ids: residents 987001, 987002, …"""

    def __init__(self, app, accounts):
        self.app, self.recorder = app, accounts.advisor1.id
        self.next_id = FIRST_ID
        self.situations = run(app, lambda session: {s.key: s.id for s in session.exec(select(Situation))})

    def area(self, name: str) -> int:
        def go(session: Session):
            area = HousingArea(name=name)
            session.add(area)
            session.commit()
            return area.id

        return run(self.app, go)

    def add(self, *rows) -> None:
        def go(session: Session):
            for row in rows:
                session.add(row)
                session.flush()
            session.commit()

        run(self.app, go)

    def residents(
        self, count: int, *, area: int | None = None, created: date = date(2026, 1, 5), stopped: date | None = None
    ) -> list[int]:
        ids = list(range(self.next_id, self.next_id + count))
        self.next_id += count
        self.add(
            *[
                User(
                    id=rid,
                    username=f"zxqbeboer{rid}",
                    display_name=f"Quorraxian {rid}",
                    role=Role.RESIDENT,
                    secret_hash="x",
                    housing_area_id=area,
                    created_at=moment(created),
                    stopped_at=moment(stopped) if stopped else None,
                )
                for rid in ids
            ]
        )
        return ids

    def situation(self, resident_id: int, key: str, starts_on: date, employer: str | None = None) -> None:
        self.add(
            ResidentSituation(
                resident_id=resident_id,
                situation_id=self.situations[key],
                starts_on=starts_on,
                run_starts_on=starts_on,
                employer=employer,
                recorded_by=self.recorder,
            )
        )

    def checkin(self, resident_id: int, day: date, mood: int, words: str | None = None) -> None:
        self.add(
            CheckIn(
                resident_id=resident_id, day=day, mood=mood, words=words, created_at=moment(day), updated_at=moment(day)
            )
        )

    def barrier(
        self, resident_id: int, key: str, status: str, created: date, updated: date, words: str | None = None
    ) -> None:
        self.add(
            Barrier(
                resident_id=resident_id,
                key=key,
                status=status,
                words=words,
                created_at=moment(created),
                updated_at=moment(updated),
            )
        )

    def answer(self, resident_id: int, day: date, seconds: int) -> None:
        self.add(AnswerTime(resident_id=resident_id, answered_at=moment(day), waited_seconds=seconds))


@pytest.fixture
def data(app, accounts) -> Data:
    return Data(app, accounts)


@pytest.fixture
def partner(auth):
    return auth.client_for("partner1")


def count(app, now: datetime = NOW) -> list[figures.Counted]:
    """The night's count, which the page reads."""
    return run(app, figures.count_periods, now=now)


def counts(app, code: str = "2026-Q3") -> figures.Counts:
    count(app)
    return run(app, figures.stored, period=Period.parse(code))


class Raw:
    """The figures before disclosure control, as counts: what the definitions say, small groups included."""

    def __init__(self, app, code: str = "2026-Q3", on: date = TODAY):
        self.sets = run(app, figures.sets, period=Period.parse(code), on=on)

    def count(self, area, *name) -> int:
        return len(self.sets.figures[(area, *name)])


# Periods


def test_a_period_is_a_month_or_a_quarter():
    assert (Period.parse("2026-09").first, Period.parse("2026-09").last) == (date(2026, 9, 1), date(2026, 9, 30))
    assert (Period.parse("2026-Q3").first, Period.parse("2026-Q3").last) == (date(2026, 7, 1), date(2026, 9, 30))
    assert Period.parse("2026-13") is None and Period.parse("2026-Q5") is None and Period.parse("x") is None


def test_the_default_period_is_the_last_complete_quarter():
    assert Period.last_complete_quarter(date(2026, 12, 6)).code == "2026-Q3"
    assert Period.last_complete_quarter(date(2027, 1, 1)).code == "2026-Q4"


def test_a_period_ends_at_copenhagen_midnight():
    assert Period.parse("2026-06").ends_at == datetime(2026, 7, 1, tzinfo=COPENHAGEN)


# Figures on a small known data set


def test_taking_part_counts_those_signed_up_before_the_end_not_stopped_and_not_left(app, data):
    data.residents(6)
    data.residents(1, created=date(2026, 10, 2))  # after the period
    data.residents(1, stopped=date(2026, 9, 10))  # stopped in it
    moved = data.residents(1)[0]
    data.situation(moved, "moved_away", date(2026, 8, 1))

    result = Raw(app)

    assert result.count(ALL, "taking_part") == 6
    assert result.count(ALL, "ended") == 2


def test_each_situation_at_the_end_is_the_newest_started_by_the_last_day(app, data):
    ids = data.residents(12)
    for rid in ids[:6]:
        data.situation(rid, "nothing_yet", date(2026, 3, 1))
        data.situation(rid, "work", date(2026, 9, 30))
        data.situation(rid, "sick_leave", date(2026, 10, 1))  # after the end
    for rid in ids[6:]:
        data.situation(rid, "course", date(2026, 2, 1))

    result = Raw(app)

    assert result.count(ALL, "situation", data.situations["work"]) == 6
    assert result.count(ALL, "situation", data.situations["course"]) == 6
    assert result.count(ALL, "situation", data.situations["sick_leave"]) == 0


def test_transitions_count_a_start_in_work_or_education_after_one_that_does_not_count(app, data):
    starters = data.residents(5)
    for rid in starters:
        data.situation(rid, "nothing_yet", date(2026, 5, 1))
        data.situation(rid, "work", date(2026, 8, 3))
    already = data.residents(5)
    for rid in already:
        data.situation(rid, "work", date(2026, 5, 1))
        data.situation(rid, "education", date(2026, 8, 3))  # from counting to counting: no transition

    assert Raw(app).count(ALL, "transitions") == 5


def test_lasting_counts_starts_3_months_before_a_day_of_the_period_and_who_is_still_there(app, data):
    stayed, left_work = data.residents(6), data.residents(5)
    for rid in stayed + left_work:
        data.situation(rid, "work", date(2026, 5, 15))  # 3 months later: 15 August
    for rid in left_work:
        data.situation(rid, "sick_leave", date(2026, 7, 1))

    result = Raw(app)

    assert result.count(ALL, "lasting", 3) == 11
    assert result.count(ALL, "lasting_still", 3) == 6
    assert result.count(ALL, "lasting", 6) == 0


def test_lasting_waits_until_the_day_has_come(app, data):
    ids = data.residents(6)
    for rid in ids:
        data.situation(rid, "work", date(2026, 8, 20))  # 3 months later: 20 November
    assert Raw(app, "2026-11", on=date(2026, 11, 19)).count(ALL, "lasting", 3) == 0
    assert Raw(app, "2026-11", on=date(2026, 11, 20)).count(ALL, "lasting", 3) == 6


def test_lasting_at_12_months_counts_from_the_start_of_the_stretch(app, data):
    ids = data.residents(5)
    for rid in ids:
        data.situation(rid, "work", date(2025, 8, 10))
        data.situation(rid, "education", date(2026, 1, 10))  # still counting: the same stretch

    result = Raw(app)

    assert (result.count(ALL, "lasting", 12), result.count(ALL, "lasting_still", 12)) == (5, 5)


def test_moods_count_each_residents_last_check_in_of_the_period(app, data):
    ids = data.residents(10)
    for rid in ids:
        data.checkin(rid, date(2026, 7, 2), 1)
        data.checkin(rid, date(2026, 9, 2), 4 if rid < ids[5] else 5)

    result = Raw(app)

    assert [result.count(ALL, "mood", mood) for mood in (1, 4, 5)] == [0, 5, 5]
    assert result.count(ALL, "checked_in") == 10


def test_the_median_answer_time_is_of_the_answers_given_in_the_period(app, data):
    ids = data.residents(5)
    for index, rid in enumerate(ids):
        data.answer(rid, date(2026, 5, 1), 600 * (index + 1))  # 10 … 50 minutes
    data.answer(ids[0], date(2026, 7, 1), 99999)  # after the period

    result = Raw(app, "2026-Q2")

    assert result.count(ALL, "answered") == 5
    assert result.sets.medians[ALL] == 1800


def test_the_median_answer_time_is_hidden_where_fewer_than_5_waited(app, data):
    ids = data.residents(4)
    for rid in ids:
        data.answer(rid, date(2026, 8, 1), 600)
    assert counts(app).median_seconds(ALL) is None


def test_barriers_count_those_open_at_the_end_and_those_solved_in_the_period(app, data):
    ids = data.residents(10)
    for rid in ids[:5]:
        data.barrier(rid, "transport", "present", date(2026, 2, 1), date(2026, 2, 1))
    for rid in ids[5:]:
        data.barrier(rid, "transport", "solved", date(2026, 2, 1), date(2026, 11, 1))  # open at the end
        data.barrier(rid, "childcare", "solved", date(2026, 2, 1), date(2026, 8, 1))
        data.barrier(rid, "money", "removed", date(2026, 2, 1), date(2026, 2, 1))

    result = Raw(app)

    assert result.count(ALL, "barrier_open", "transport") == 10
    assert result.count(ALL, "barrier_solved", "childcare") == 5
    assert result.count(ALL, "barrier_open", "money") == 0


# Disclosure, end to end on the page and in the CSV


def page_cells(response) -> list[str]:
    html = response.get_data(as_text=True)
    return [
        re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", cell))).strip()
        for cell in re.findall(r"<td>(.*?)</td>", html, flags=re.S)
    ]


def csv_cells(response) -> list[str]:
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    return [cell for row in rows[3:] for cell in row[1:]]


def small_counts(cells: list[str]) -> list[str]:
    return [cell for cell in cells if cell.isdigit() and int(cell) < 5]


def figure(response, label: str, column: int = 0) -> str:
    """A cell of the row with this label, the first by default."""
    html = unescape(response.get_data(as_text=True))
    match = re.search(rf"<th scope=\"row\">[^<]*{re.escape(label)}</th>(.*?)</tr>", html, flags=re.S)
    assert match, label
    cells = re.findall(r"<td>(.*?)</td>", match[1], flags=re.S)
    return re.sub(r"<[^>]+>", "", cells[column]).strip()


@pytest.mark.parametrize("query", ["", "?area=all", "?period=2026-09", "?period=2026-Q3&area={area}"])
def test_four_residents_in_one_area_are_never_counted_on_the_page_or_in_the_csv(partner, data, query):
    area = data.area("Skovparken")
    ids = data.residents(4, area=area, created=date(2026, 7, 10))
    for rid in ids:
        data.situation(rid, "work", date(2026, 8, 1))
        data.checkin(rid, date(2026, 9, 1), 3)
        data.barrier(rid, "transport", "present", date(2026, 8, 1), date(2026, 8, 1))
        data.answer(rid, date(2026, 8, 1), 600)

    count(data.app)
    page = partner.get(f"/partner/{query.format(area=area)}")
    download = partner.get(f"/partner/figures.csv{query.format(area=area)}")

    assert page.status_code == 200 and download.status_code == 200
    assert small_counts(page_cells(page)) == [] and small_counts(csv_cells(download)) == []
    assert "fewer than 5" in page_cells(page) and "fewer than 5" in csv_cells(download)
    assert figure(page, "From a resident's message to the answer", column=1) == "fewer than 5"


def test_one_resident_moving_between_two_months_cannot_be_told_from_the_two_months(partner, data):
    ids = data.residents(12)
    data.situation(ids[0], "moved_away", date(2026, 9, 15))

    count(data.app)
    august, september = partner.get("/partner/?period=2026-08"), partner.get("/partner/?period=2026-09")
    in_csv = [csv_cells(partner.get(f"/partner/figures.csv?period={code}")) for code in ("2026-08", "2026-09")]

    shown = [figure(page, "Taking part at the end of the period") for page in (august, september)]
    assert not all(value.isdigit() for value in shown), shown
    assert small_counts(page_cells(august) + page_cells(september) + in_csv[0] + in_csv[1]) == []


def test_one_area_beside_all_areas_cannot_give_away_the_residents_of_the_others(partner, data):
    big, small = data.area("Skovparken"), data.area("Søndermarken")
    data.residents(10, area=big)
    data.residents(2, area=small)

    count(data.app)
    pages = [partner.get(f"/partner/?area={area}") for area in ("all", big, small)]
    shown = [figure(page, "Taking part at the end of the period") for page in pages]

    assert shown[2] == "fewer than 5"
    assert not (shown[0].isdigit() and shown[1].isdigit()), shown


def test_residents_without_an_area_cannot_be_told_from_all_areas_minus_the_areas(partner, data):
    area = data.area("Skovparken")
    data.residents(10, area=area)
    data.residents(3)  # no area

    count(data.app)
    shown = [
        figure(partner.get(f"/partner/?area={area}"), "Taking part at the end of the period"),
        figure(partner.get("/partner/?area=all"), "Taking part at the end of the period"),
    ]

    assert not all(value.isdigit() for value in shown), shown


def test_the_csv_is_a_download_with_the_pages_figures(partner, data):
    data.residents(7)
    data.residents(5, created=date(2026, 8, 3))  # so that the quarters after differ by 5 or more
    count(data.app)
    response = partner.get("/partner/figures.csv?period=2026-Q2")

    assert response.headers["Content-Disposition"].startswith("attachment; filename=partnership-2026-Q2-all.csv")
    assert ["Taking part at the end of the period", "7"] in list(
        csv.reader(io.StringIO(response.get_data(as_text=True)))
    )


def test_an_area_name_a_spreadsheet_would_run_as_a_formula_is_given_as_text_in_the_csv(partner, data):
    area = data.area('=HYPERLINK("http://example.com")')
    data.residents(7, area=area)
    count(data.app)
    response = partner.get(f"/partner/figures.csv?period=2026-Q2&area={area}")

    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert ["Housing area", '\'=HYPERLINK("http://example.com")'] in rows
    assert not any(cell.startswith("=") for row in rows for cell in row)


# The page


def test_a_partner_lands_on_the_partnership_page_after_signing_in(auth):
    client = auth.app.test_client()
    response = auth.sign_in(client, "partner1")
    assert response.headers["Location"].endswith("/partner/")


def test_an_unknown_area_is_not_found_and_a_malformed_period_is_a_bad_request(partner):
    assert partner.get("/partner/?area=999999").status_code == 404
    assert partner.get("/partner/?period=2026-13").status_code == 400
    assert partner.get("/partner/?area=abc").status_code == 400


def test_the_chooser_links_to_the_period_before_and_after(partner):
    html = partner.get("/partner/?period=2026-09").get_data(as_text=True)
    assert 'href="/partner/?period=2026-08&amp;area=all"' in html
    assert 'href="/partner/?period=2026-10&amp;area=all"' in html


def test_each_chart_is_an_svg_of_its_own_without_script_and_with_its_own_policy(partner, data):
    data.residents(6)
    count(data.app)
    for path in ("/partner/situations.svg", "/partner/moods.svg"):
        response = partner.get(path)
        svg = response.get_data(as_text=True)
        assert response.mimetype == "image/svg+xml"
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'; style-src 'unsafe-inline'")
        assert "<script" not in svg and svg.lstrip().startswith("<svg")


def test_the_page_shows_each_chart_beside_its_table(partner, data):
    data.residents(1)
    count(data.app)
    html = partner.get("/partner/").get_data(as_text=True)
    assert html.count('<img class="partner-chart"') == 2
    assert "<svg xmlns" not in html  # no inline chart: the page's policy would block its style


def test_the_page_is_in_danish_for_a_partner_who_reads_danish(auth):
    run(auth.app, make_user, username="partner.da", role=Role.PARTNER, locale="da", display_name="Birthe")
    client = auth.client_for("partner.da")
    html = client.get("/partner/").get_data(as_text=True)
    assert '<html lang="da" dir="ltr">' in html


def test_the_page_is_right_to_left_in_arabic(auth, accounts):
    set_values(auth.app, User, User.id == accounts.partner1.id, locale="ar")
    html = auth.client_for("partner1").get("/partner/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html


def test_the_printable_page_is_in_danish_without_navigation(partner):
    html = partner.get("/partner/print").get_data(as_text=True)
    assert '<html lang="da" dir="ltr">' in html
    assert 'class="top"' not in html and 'class="languages"' not in html


def test_other_roles_cannot_open_the_partnership_page(auth):
    for username in ("coordinator", "advisor1", "volunteer1"):
        assert auth.client_for(username).get("/partner/").status_code == 403


# Statements


@pytest.mark.parametrize("residents", [1, 1000])
def test_the_page_costs_at_most_4_statements_sign_in_included(partner, app, data, residents):
    area = data.area("Skovparken")
    ids = data.residents(residents, area=area)
    rows = []
    for rid in ids:
        rows += [
            ResidentSituation(
                resident_id=rid,
                situation_id=data.situations["work"],
                starts_on=date(2026, 5, 1),
                run_starts_on=date(2026, 5, 1),
                recorded_by=data.recorder,
            ),
            CheckIn(resident_id=rid, day=date(2026, 8, 1), mood=4),
            Barrier(
                resident_id=rid,
                key="transport",
                created_at=moment(date(2026, 2, 1)),
                updated_at=moment(date(2026, 2, 1)),
            ),
            AnswerTime(resident_id=rid, answered_at=moment(date(2026, 8, 2)), waited_seconds=3600),
        ]
    data.add(*rows)
    count(app)

    with counted_queries(app) as statements:
        response = partner.get(f"/partner/?area={area}")

    assert response.status_code == 200
    print(f"partnership page with {residents} residents: {len(statements)} statements")
    assert len(statements) <= 4


def test_the_median_answer_time_is_shown_in_hours_and_minutes(partner, data):
    ids = data.residents(5)
    for index, rid in enumerate(ids):
        data.answer(rid, date(2026, 5, 1), 3600 + 600 * index)  # 1 h … 1 h 40 min
    data.residents(5, created=date(2026, 8, 3))  # so that the quarters after differ by 5 or more
    count(data.app)
    page = partner.get("/partner/?period=2026-Q2")

    assert figure(page, "From a resident's message to the answer", column=1) == "1 h 20 min"


def test_a_chart_draws_the_figures_shown_and_leaves_the_hidden_ones_out(partner, data):
    ids = data.residents(14)
    for index, rid in enumerate(ids):
        data.checkin(rid, date(2026, 5, 4), 4 if index < 6 else 5 if index < 12 else 1)

    count(data.app)
    svg = partner.get("/partner/moods.svg?period=2026-Q2").get_data(as_text=True)

    assert re.findall(r'<desc class="value">([^<]*)</desc>', svg) == ["6", "6"]

"""The partnership's figures counted ahead: what is stored, what the page reads, the command, and the month and
quarter protected together."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest
from sqlmodel import select

from webapp.models import PartnershipCount
from webapp.outcomes.figures import Period

from .factories import rows, run
from .test_partnership import FIRST_ID, NOW, TODAY, count, data, figure, partner  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("webapp.partner.views.today", lambda: TODAY)


TAKING_PART = "Taking part at the end of the period"


def test_the_page_shows_the_counts_as_stored_until_they_are_counted_again(partner, data):
    data.residents(10)
    data.residents(5, created=date(2026, 8, 3))  # so that the quarters after differ by 5 or more
    count(data.app)
    data.residents(10)  # after the night's count

    before = figure(partner.get("/partner/?period=2026-Q2"), TAKING_PART)
    count(data.app)
    after = figure(partner.get("/partner/?period=2026-Q2"), TAKING_PART)

    assert (before, after) == ("10", "20")


def test_the_page_says_when_the_figures_were_counted_in_copenhagen_time(partner, data):
    data.residents(10)
    count(data.app)  # 6 December 2026 at 03:00 in Copenhagen

    html = partner.get("/partner/?period=2026-Q2").get_data(as_text=True)

    assert "Counted on 6 December 2026 at 03:00" in html


def test_a_period_never_counted_says_so_and_shows_no_table(partner, data):
    data.residents(10)  # and no count

    response = partner.get("/partner/?period=2026-Q2")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "These figures have not been counted yet. They are counted every night." in html
    assert "<table" not in html and "figures.csv" not in html


def test_the_csv_and_the_charts_of_a_period_never_counted_are_not_found_and_say_why(partner, data):
    data.residents(10)
    for path in ("/partner/figures.csv?period=2026-Q2", "/partner/moods.svg?period=2026-Q2"):
        response = partner.get(path)
        assert response.status_code == 404
        assert "These figures have not been counted yet." in response.get_data(as_text=True)


def test_the_chooser_offers_the_periods_counted(partner, data):
    data.residents(10, created=date(2026, 10, 5))
    count(data.app)

    html = partner.get("/partner/").get_data(as_text=True)
    offered = re.findall(r'<option value="(\d{4}-[^"]+)"', html)

    assert offered == ["2026-Q4", "2026-Q3", "2026-12", "2026-11", "2026-10", "2026-09", "2026-08", "2026-07"]


def test_the_stored_counts_hold_no_resident_id(app, data):
    ids = data.residents(12)
    for rid in ids:
        data.situation(rid, "work", date(2026, 5, 1), employer="Xylofonfabrikken")
        data.checkin(rid, date(2026, 8, 3), 4, words="Plumbustekst")
        data.answer(rid, date(2026, 8, 4), 600)

    count(app)
    stored = rows(app, PartnershipCount)

    assert len(stored) > 10
    text = "".join(json.dumps(row.counts) for row in stored)
    assert str(FIRST_ID)[:4] not in text
    assert not any(str(rid) in text for rid in ids)
    assert "Xylofon" not in text and "Plumbus" not in text


def test_the_stored_counts_are_numbers_or_nothing(app, data):
    data.residents(12)
    count(app)
    (row,) = rows(app, PartnershipCount, PartnershipCount.period == "2026-Q3")
    values = [value for area in row.counts["shown"].values() for value in area.values()]
    assert values and all(value is None or (isinstance(value, int) and value >= 5) for value in values)


def test_counting_again_replaces_each_periods_row(app, data):
    data.residents(12)
    count(app)
    first = {row.period for row in rows(app, PartnershipCount)}
    count(app)
    assert sorted(row.period for row in rows(app, PartnershipCount)) == sorted(first)


def test_the_count_covers_the_months_and_quarters_since_the_first_resident(app, data):
    data.residents(5, created=date(2026, 5, 20))

    done = count(app)

    assert [each.period.code for each in done] == [
        "2026-05",
        "2026-06",
        "2026-Q2",
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-Q3",
        "2026-10",
        "2026-11",
        "2026-12",
        "2026-Q4",
    ]


def test_the_count_goes_back_at_most_24_months_and_8_quarters(app, data):
    data.residents(5, created=date(2019, 1, 1))

    done = [each.period for each in count(app)]

    assert sum(not period.is_quarter for period in done) == 24
    assert sum(period.is_quarter for period in done) == 8


def test_the_command_prints_one_line_per_period_and_the_time_taken(app, data, monkeypatch):
    data.residents(5, created=date(2026, 10, 20))  # the last complete quarter is counted all the same
    monkeypatch.setattr("webapp.models.utcnow", lambda: NOW)

    result = app.test_cli_runner().invoke(args=["partnership", "count"])

    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if not line.startswith("{")]  # the log's lines aside
    codes = ["2026-07", "2026-08", "2026-09", "2026-Q3", "2026-10", "2026-11", "2026-12", "2026-Q4"]
    assert [line.split()[0] for line in lines[:-1]] == codes
    assert all(re.fullmatch(r"\S+ +\d+\.\d\d s.*", line) for line in lines[:-1])
    assert re.fullmatch(r"8 periods counted in \d+\.\d s\.", lines[-1])
    assert {row.period for row in rows(app, PartnershipCount)} == set(codes)


def test_the_command_tells_the_operators_log_how_many_periods_and_how_long(app, data):
    data.residents(5, created=date(2026, 10, 20))
    result = app.test_cli_runner().invoke(args=["partnership", "count"])
    (line,) = [json.loads(line) for line in result.output.splitlines() if '"partnership.counted"' in line]
    assert line["periods"] == 8 and isinstance(line["seconds"], float)


def shown_new(partner, code: str) -> int | None:
    value = figure(partner.get(f"/partner/?period={code}"), "New in the period")
    return int(value) if value.isdigit() else None


def test_a_quarter_and_its_months_never_give_away_a_small_month(partner, data):
    data.residents(10, created=date(2026, 7, 6))
    data.residents(10, created=date(2026, 8, 6))
    data.residents(3, created=date(2026, 9, 6))
    count(data.app)

    quarter, july, august, september = (
        shown_new(partner, code) for code in ("2026-Q3", "2026-07", "2026-08", "2026-09")
    )

    assert september is None
    assert None in (quarter, july, august), (quarter, july, august)


def test_a_month_and_its_quarter_never_differ_by_fewer_than_5(partner, data):
    data.residents(10, created=date(2026, 7, 6))
    data.residents(2, created=date(2026, 8, 6))
    data.residents(2, created=date(2026, 9, 6))
    count(data.app)

    quarter, july = shown_new(partner, "2026-Q3"), shown_new(partner, "2026-07")

    assert quarter is None or july is None or not 1 <= quarter - july <= 4, (quarter, july)


def test_a_figure_hidden_for_one_period_stays_hidden_where_it_comes_again(app, data):
    """Each figure has one decision in a night: the counts stored for a period agree with what every other
    period's protection saw of it."""
    data.residents(10, created=date(2026, 7, 6))
    data.residents(3, created=date(2026, 8, 6))
    data.residents(6, created=date(2026, 10, 6))
    count(app)

    stored = {row.period: row.counts["shown"]["all"] for row in rows(app, PartnershipCount)}

    months = [stored[code]["taking_part"] for code in ("2026-07", "2026-08", "2026-09")]
    quarter = stored["2026-Q3"]["taking_part"]
    shown = [value for value in [*months, quarter] if value is not None]
    for one in shown:
        for other in shown:
            assert not 1 <= other - one <= 4, stored


def test_the_page_reads_what_was_stored_for_its_period(app, partner, data):
    data.residents(12)
    data.residents(5, created=date(2026, 8, 3))  # so that the quarters after differ by 5 or more
    count(app)
    (row,) = run(
        app,
        lambda session: session.exec(
            select(PartnershipCount).where(PartnershipCount.period == Period.parse("2026-Q2").code)
        ).all(),
    )

    assert row.counts["shown"]["all"]["taking_part"] == 12
    assert figure(partner.get("/partner/?period=2026-Q2"), TAKING_PART) == "12"

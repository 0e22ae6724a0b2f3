"""The partnership's page: protected counts per housing area and period, as tables that the page, the CSV,
the printable page and the charts all read. No person is named, numbered or quoted anywhere in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlmodel import Session, select

from ..dates import clock, full_date, month_year
from ..models import HousingArea
from ..outcomes import charts, figures
from ..outcomes.disclosure import FEWER_THAN_THRESHOLD
from ..outcomes.figures import ALL, LASTING_MONTHS, Counts, Period
from ..outcomes.situations import label as situation_label
from ..records.catalog import BARRIERS, MOODS

NOT_COUNTED = _l("These figures have not been counted yet. They are counted every night.")


@dataclass(frozen=True)
class Row:
    label: str
    cells: list  # int, None (hidden: "fewer than 5"), or text already formatted (a share, a time)
    icon: str = ""


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    headings: list[str]
    rows: list[Row]
    note: str = ""
    chart: str | None = None  # the endpoint of the chart drawn from this table


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    selected: bool = False


@dataclass
class Partnership:
    period: Period
    period_label: str
    area: int | str
    area_label: str
    tables: list[Table]  # none where the period has not been counted
    counted_on: str = ""  # "Counted on 6 December 2026 at 03:00"; empty where not counted
    periods: list[Choice] = field(default_factory=list)
    areas: list[Choice] = field(default_factory=list)
    previous: str = ""
    following: str = ""

    @property
    def query(self) -> dict:
        """The address arguments of this view, for links to its CSV, print page and charts."""
        return {"period": self.period.code, "area": self.area}


def parse_choice(period_text: str | None, area_text: str | None, today: date) -> tuple[Period | None, int | str | None]:
    """The period and area asked for; None for either where the address holds something else."""
    period = Period.parse(period_text) if period_text else Period.last_complete_quarter(today)
    if area_text in (None, "", ALL):
        area = ALL
    elif area_text.isascii() and area_text.isdigit() and len(area_text) < 10:
        area = int(area_text)
    else:
        area = None
    return period, area


def period_label(period: Period) -> str:
    if period.is_quarter:
        return _("Quarter %(number)s %(year)s", number=(period.month - 1) // 3 + 1, year=period.year)
    return month_year(period.first)


def partnership_page(db: Session, *, period: Period, area: int | str, today: date) -> tuple[str, dict] | None:
    """The figures as last counted (one statement); None where the area does not exist. A period never counted
    says so, and has no tables."""
    counts, counted = figures.stored_with_periods(db, period)
    if counts is None:
        areas = [
            (area_id, name)
            for area_id, name in db.exec(
                select(HousingArea.id, HousingArea.name).order_by(HousingArea.name, HousingArea.id)
            )
        ]
    else:
        areas = counts.areas
    names = dict(areas)
    if area != ALL and area not in names:
        return None
    page = Partnership(
        period=period,
        period_label=period_label(period),
        area=area,
        area_label=names[area] if area != ALL else str(_l("All areas")),
        tables=tables(counts, area) if counts else [],
        counted_on=_("Counted on %(day)s at %(time)s", day=full_date(counts.counted_at), time=clock(counts.counted_at))
        if counts
        else "",
        periods=_period_choices(period, counted, today),
        areas=[Choice(ALL, _("All areas"), area == ALL)]
        + [Choice(str(area_id), name, area == area_id) for area_id, name in areas],
        previous=period.shifted(-1).code,
        following=period.shifted(1).code,
    )
    return "partner/overview.html", {
        "page": page,
        "fewer_than": FEWER_THAN_THRESHOLD,
        "chart_width": charts.WIDTH,
        "chart_height": charts.height,
        "not_counted": NOT_COUNTED,
    }


def _period_choices(chosen: Period, counted: list[Period], today: date) -> list[Choice]:
    """The periods counted, quarters then months, newest first; and the default and the chosen one."""
    offered = {*counted, Period.last_complete_quarter(today), chosen}
    ordered = sorted(offered, key=lambda period: (period.is_quarter, period), reverse=True)
    return [Choice(period.code, period_label(period), period == chosen) for period in ordered]


def tables(counts: Counts, area) -> list[Table]:
    """The figures of one area (or all areas) as tables, in the order the page shows them."""
    residents = _("Residents")
    count = counts.count
    return [
        Table(
            "taking_part",
            _("Taking part"),
            [residents],
            [
                Row(_("Taking part at the end of the period"), [count(area, "taking_part")]),
                Row(_("New in the period"), [count(area, "new")]),
                Row(_("Ended in the period"), [count(area, "ended")]),
            ],
            note=_("Taking part: signed up before the end of the period, not stopped, and not moved away or ended."),
        ),
        Table(
            "situations",
            _("Situation at the end of the period"),
            [residents],
            [
                *[
                    Row(situation_label(situation.key, situation.name), [count(area, "situation", situation.id)])
                    for situation in counts.situations
                ],
                Row(_("No situation recorded"), [count(area, "situation", None)]),
                Row(_("All taking part"), [count(area, "taking_part")]),
            ],
            note=_(
                "Each resident taking part, by the newest situation their advisor recorded on or before the last day."
            ),
            chart="partner.situations_chart",
        ),
        Table(
            "transitions",
            _("Into work or education"),
            [residents],
            [
                Row(_("Started in work or education in the period"), [count(area, "transitions")]),
            ],
            note=_("A start in a situation the partnership counts as work or education, after one it does not count."),
        ),
        Table(
            "lasting",
            _("Lasting work or education"),
            [_("Reached the date in the period"), _("Still in work or education"), _("Share")],
            [
                Row(
                    _("%(months)s months after the start", months=months),
                    [
                        count(area, "lasting", months),
                        count(area, "lasting_still", months),
                        _share(counts.rate(area, months)),
                    ],
                )
                for months in LASTING_MONTHS
            ],
            note=_(
                "Residents whose start in work or education was 3, 6 or 12 months before a day of the period, "
                "and of them, those still in work or education on that day."
            ),
        ),
        Table(
            "barriers",
            _("Barriers by kind"),
            [_("Open at the end of the period"), _("Solved in the period")],
            [
                Row(
                    str(option.label),
                    [count(area, "barrier_open", key), count(area, "barrier_solved", key)],
                    option.icon,
                )
                for key, option in BARRIERS.items()
            ],
            note=_("Residents with a barrier of each kind."),
        ),
        Table(
            "moods",
            _("How residents felt"),
            [residents],
            [
                *[Row(str(option.label), [count(area, "mood", mood)], option.icon) for mood, option in MOODS.items()],
                Row(_("Checked in during the period"), [count(area, "checked_in")]),
            ],
            note=_("Each resident's last check-in in the period."),
            chart="partner.moods_chart",
        ),
        Table(
            "answers",
            _("Time to an answer"),
            [_("Residents who got an answer"), _("Median time")],
            [
                Row(
                    _("From a resident's message to the answer"),
                    [count(area, "answered"), _duration(counts.median_seconds(area), count(area, "answered"))],
                ),
            ],
        ),
    ]


def _share(rate: float | None) -> str | None:
    return None if rate is None else format_percent(rate)


def _duration(seconds: float | None, shown: int | None) -> str | None:
    if shown is None or seconds is None:
        return None if shown is None else ""
    minutes = round(seconds / 60)
    return _("%(hours)s h %(minutes)s min", hours=minutes // 60, minutes=minutes % 60)


def chart_rows(page_tables: list[Table], key: str) -> list[tuple[str, int | None]]:
    """The figures a chart draws: the rows of its table but the total."""
    table = next(table for table in page_tables if table.key == key)
    return [(row.label, row.cells[0]) for row in table.rows[:-1]]

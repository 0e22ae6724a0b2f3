"""The partnership's page, its CSV, its printable page in Danish and its charts. Only the partner role."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, g, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from ..db import get_session
from ..htmx import render
from ..models import Role
from ..outcomes import charts
from ..outcomes.disclosure import FEWER_THAN_THRESHOLD
from ..pages.partnership import NOT_COUNTED, chart_rows, parse_choice, partnership_page
from ..policy import role_required
from ..records.checkins import today
from ..security import own_policy

bp = Blueprint("partner", __name__, url_prefix="/partner")

# A chart is its own SVG document: pygal's <style> is allowed there, and nothing else is.
CHART_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def _page() -> tuple[str, dict]:
    period, area = parse_choice(request.args.get("period"), request.args.get("area"), today())
    if period is None or area is None:
        abort(400)
    built = partnership_page(get_session(), period=period, area=area, today=today())
    if built is None:
        abort(404)
    return built


def _not_counted() -> tuple[str, int]:
    """A download or chart of a period never counted: there is nothing to give, and the page says why."""
    return render_template(
        "errors/error.html",
        status=404,
        title=_("Not counted yet"),
        hint=NOT_COUNTED,
        request_id=g.get("request_id", ""),
    ), 404


@bp.get("/")
@role_required(Role.PARTNER)
def overview():
    template, context = _page()
    return render(template, **context)


@bp.get("/print")
@role_required(Role.PARTNER)
def print_view():
    """For the partnership's board meetings: in Danish, whatever language the reader uses."""
    with force_locale("da"):
        template, context = _page()
        return render("partner/print.html", **context)


def _as_text(name: str) -> str:
    """A name typed by the coordinator (an area, a situation) that a spreadsheet would run as a formula is given
    with a leading apostrophe, which spreadsheets read as "this is text"."""
    return f"'{name}" if name[:1] in ("=", "+", "-", "@", "\t", "\r") else name


@bp.get("/figures.csv")
@role_required(Role.PARTNER)
def csv_download():
    template, context = _page()
    page = context["page"]
    if not page.tables:
        return _not_counted()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Period"), page.period_label])
    writer.writerow([_("Housing area"), _as_text(page.area_label)])
    writer.writerow([page.counted_on])
    for table in page.tables:
        writer.writerow([])
        writer.writerow([table.caption, *table.headings])
        for row in table.rows:
            writer.writerow(
                [_as_text(row.label), *(str(FEWER_THAN_THRESHOLD) if cell is None else cell for cell in row.cells)]
            )
    name = f"partnership-{page.period.code}-{page.area}.csv"
    # A byte order mark, so a spreadsheet opens the Danish, Arabic and Dari letters as UTF-8.
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return response


def _chart(key: str):
    template, context = _page()
    page = context["page"]
    if not page.tables:
        return _not_counted()
    table = next(table for table in page.tables if table.key == key)
    svg = charts.bar_chart(
        f"{table.caption} · {page.area_label} · {page.period_label}", chart_rows(page.tables, key), table.headings[0]
    )
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/situations.svg")
@own_policy(CHART_POLICY)
@role_required(Role.PARTNER)
def situations_chart():
    return _chart("situations")


@bp.get("/moods.svg")
@own_policy(CHART_POLICY)
@role_required(Role.PARTNER)
def moods_chart():
    return _chart("moods")

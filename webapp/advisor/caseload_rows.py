"""The caseload's rows as HTML, each written by templates/advisor/_caseload_row.html: a row is the same
until something about the resident changes, and an advisor opens the list many times a day."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from markupsafe import Markup

from ..dates import reader
from ..kept_html import flashed_at, kept_html
from ..links import IdLink


def caseload_rows_html(rows: Iterable, **shared) -> Markup:
    """`rows`: the caseload's (advisor/services.py `CaseloadRow`); `shared`: what every row reads (the follow-up
    forms, the reasons' words and icons, the phrases' words), as the page builder made them.

    A row's HTML is kept by the row itself (its every field, `repr`), today's date (it says "today at" and
    "yesterday at") and, in `kept_html.KeptHTML`, the reader's language. A row with a follow-up form (its CSRF token and
    what was typed) or a notice beside it is written anew each time."""
    template = current_app.jinja_env.get_template("advisor/_caseload_row.html")
    kept = kept_html("caseload_rows")
    noticed = {anchor.removesuffix(":nothing") for anchor in flashed_at()}
    today = reader().today
    shared["resident_link"] = IdLink("advisor.resident", "resident_id")
    parts = []
    for row in rows:
        if kept is None or row.follow_up is not None or f"resident-{row.resident_id}" in noticed:
            html = template.render(row=row, **shared)
        else:
            html = kept.get_or_render((today, repr(row)), template, row=row, **shared)
        parts.append(html + "\n")  # the newline the template's end loses
    return Markup("".join(parts))

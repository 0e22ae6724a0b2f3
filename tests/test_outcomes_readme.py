"""What the README says about situations, follow-ups and the partnership's page is what the code does."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import select

from webapp.models import FOLLOW_UP_MONTHS, Situation
from webapp.outcomes import disclosure, situations

from .factories import run

README = " ".join((Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8").split())


def test_the_readme_lists_the_default_situations_in_their_order(app):
    listed = run(app, lambda session: session.exec(select(Situation).order_by(Situation.position)).all())
    words = [
        "in work with ordinary hours"
        if item.key == "work"
        else str(situations.LABELS[item.key])
        .lower()
        .replace("in work with a wage subsidy", "with a wage subsidy")
        .replace("on ", "")
        for item in listed
    ]
    said = README.split("coordinator's list (", 1)[1].split(")", 1)[0].replace(" (ordinary hours", "")
    assert [part.strip() for part in said.split(",")] == words


def test_the_readme_states_the_follow_up_months_and_the_threshold():
    months = ", ".join(str(month) for month in FOLLOW_UP_MONTHS[:-1]) + f" and {FOLLOW_UP_MONTHS[-1]} months"
    assert f"{months} after a start in work or education" in README
    assert f'every count under {disclosure.THRESHOLD} is shown as "{disclosure.FEWER_THAN_THRESHOLD}"' in README


def test_the_readme_names_what_the_partnership_counts_by_default(app):
    counted = run(app, lambda session: session.exec(select(Situation.key).where(Situation.counts_as_outcome)).all())
    assert sorted(counted) == ["education", "work"]
    assert "(ordinary hours and education, until the coordinator chooses otherwise)" in README


def test_the_readme_says_how_many_periods_the_nightly_count_covers_and_that_it_runs_after_the_retention_run():
    from webapp.outcomes.figures import MONTHS_COUNTED, QUARTERS_COUNTED

    assert f"({MONTHS_COUNTED} months, {QUARTERS_COUNTED} quarters)" in README
    assert "webapp retention run && /srv/sammen/venv/bin/flask --app webapp partnership count" in README

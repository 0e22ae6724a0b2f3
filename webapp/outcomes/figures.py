"""The partnership's figures, counted ahead: each night `count_periods` counts every month and quarter, protects
them (outcomes/disclosure.py) and stores each period's protected counts as one `PartnershipCount` row, which the
page, its CSV, its printable page and its charts read. What each figure counts is in outcomes/resident_sets.py.

What is protected together. A month is protected together with the months before and after it, its quarter and
the quarter's other months; a quarter with the quarters before and after it and with its three months. A
quarter's new residents are the sum of its months' (so three shown of the four give none of them away). In
each, every housing area and all areas (the residents without an area a hidden part of each sum) are protected
together. The run goes from the oldest period to the newest, and what it hides stays hidden for the rest of the
run: a figure hidden while protecting one period comes hidden into every later protection that holds it. Where a
later protection hides a figure of a period already protected, that period is protected again (with its own
neighbours) before the run goes on, until nothing changes. So, within one night's run, each figure is either
shown with one number wherever it is shown, or hidden everywhere; and no two figures shown for nested groups
(a month and its quarter, a month and the next, an area and all areas) differ by 1 to 4. All the night's rows
are written in one transaction, so no page mixes two nights.

What remains. A figure is counted again each night from the data as it is then, so a month read today and
the same month read tomorrow can differ where data was added or corrected; only the rows of one night are
protected together. Periods older than the last 24 months and 8 quarters are no longer counted: their rows stay
as they were counted on their last night, and are not protected together with their newer neighbours any more.
Periods that are never in one protection together (January and April, two quarters a year apart) are not
compared with each other.
"""

from __future__ import annotations

import time as clock
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, select

from ..db import writing
from ..models import COPENHAGEN, PartnershipCount, Role, User
from . import disclosure, resident_sets
from .periods import Period
from .resident_sets import ALL, LASTING_MONTHS, NO_AREA, Catalog, PeriodSets

__all__ = [
    "ALL",
    "LASTING_MONTHS",
    "NO_AREA",
    "Counted",
    "Counts",
    "Period",
    "count_periods",
    "sets",
    "stored",
    "stored_with_periods",
]

MONTHS_COUNTED = 24
QUARTERS_COUNTED = 8


# Reading what was counted


@dataclass(frozen=True)
class Listed:
    """A situation as it was listed when the figures were counted."""

    id: int
    key: str
    name: str


@dataclass(frozen=True)
class Counts:
    """The stored, protected counts of a period: `count(area, *name)`, None where hidden."""

    period: Period
    counted_at: datetime
    areas: list[tuple[int, str]]  # (id, name), the housing areas
    situations: list[Listed]  # those that can be someone's situation while taking part, in list order
    shown: dict[str, dict[str, int | None]]  # area → name → count
    medians: dict[str, float]  # seconds, per area where the residents who waited are shown

    def count(self, area, *name) -> int | None:
        return self.shown.get(str(area), {}).get(_name_key(name))

    def rate(self, area, months: int) -> float | None:
        return disclosure.rate(self.count(area, "lasting_still", months), self.count(area, "lasting", months))

    def median_seconds(self, area) -> float | None:
        return self.medians.get(str(area))

    @classmethod
    def of(cls, row: PartnershipCount) -> Counts:
        counts = row.counts
        return cls(
            period=Period.parse(row.period),
            counted_at=row.counted_at,
            areas=[(area_id, name) for area_id, name in counts["areas"]],
            situations=[Listed(*listed) for listed in counts["situations"]],
            shown=counts["shown"],
            medians=counts["medians"],
        )


def stored(session: Session, period: Period) -> Counts | None:
    """The period's counts as last counted; None where it has never been counted."""
    row = session.get(PartnershipCount, period.code)
    return Counts.of(row) if row else None


def stored_with_periods(session: Session, period: Period) -> tuple[Counts | None, list[Period]]:
    """The period's counts (None where never counted) and every period counted, in one statement."""
    chosen = PartnershipCount.period == period.code
    found, codes = None, []
    for code, counted_at, counts in session.exec(
        select(
            PartnershipCount.period, PartnershipCount.counted_at, case((chosen, PartnershipCount.counts), else_=None)
        )
    ):
        codes.append(code)
        if code == period.code and counts is not None:
            found = Counts.of(PartnershipCount(period=code, counted_at=counted_at, counts=counts))
    return found, [each for each in map(Period.parse, codes) if each]


def _name_key(name: tuple) -> str:
    """A figure's name in the stored JSON: ("situation", 3) → "situation:3", ("situation", None) → "situation:none"."""
    return ":".join("none" if part is None else str(part) for part in name)


# Counting


@dataclass(frozen=True)
class Counted:
    """One period's part of a night's run, for the command's output."""

    period: Period
    seconds: float
    again: tuple[str, ...] = ()  # periods protected again because this one's protection hid some of their figures


def sets(session: Session, period: Period, on: date) -> PeriodSets:
    """One period's figures before disclosure control, for tests of the definitions. Never shown."""
    return resident_sets.read(session, [period], resident_sets.catalog(session), on)[period]


def count_periods(
    session: Session, *, now: datetime, progress: Callable[[Counted], None] | None = None
) -> list[Counted]:
    """Count, protect and store every month and quarter from the first resident's account, or from the last
    complete quarter if that is earlier (at most the last MONTHS_COUNTED months and QUARTERS_COUNTED quarters), to
    the current ones. Running it again counts again."""
    on = now.astimezone(COPENHAGEN).date()
    first = session.exec(select(func.min(User.created_at)).where(User.role == Role.RESIDENT)).one()
    this_month, this_quarter = Period.month_of(on), Period.quarter_of(on)
    # The page opens on the last complete quarter: it is counted even before the first resident.
    start = min(first.astimezone(COPENHAGEN).date() if first else on, Period.last_complete_quarter(on).first)
    months = _from_to(max(Period.month_of(start), this_month.shifted(1 - MONTHS_COUNTED)), this_month)
    quarters = _from_to(max(Period.quarter_of(start), this_quarter.shifted(1 - QUARTERS_COUNTED)), this_quarter)
    # Oldest first; a month before the quarter that ends with it.
    targets = sorted([*months, *quarters], key=lambda period: (period.last, period.months))
    run = _Run(session, resident_sets.catalog(session), on)
    done = []
    for target in targets:
        started = clock.perf_counter()
        again = run.protect(target)
        run.forget_before(target)
        done.append(Counted(target, clock.perf_counter() - started, tuple(p.code for p in again)))
        if progress:
            progress(done[-1])
    _store(session, run.results, now)
    return done


def _from_to(first: Period, last: Period) -> list[Period]:
    period = first
    found = []
    while period <= last:
        found.append(period)
        period = period.shifted(1)
    return found


def _together(period: Period) -> list[Period]:
    """The periods protected together with a period: its neighbours, its quarter and the quarter's months."""
    found = [period.shifted(-1), period, period.shifted(1), period.quarter, *period.quarter.month_list]
    return list(dict.fromkeys(found))


# Figures that each resident is in for one month at most: a quarter's is the sum of its months'.
ONCE_A_MONTH = (("new",),)


def _quarter_sums(listed: Catalog, together: list[Period]) -> list[disclosure.Sum]:
    found = []
    for quarter in [period for period in together if period.is_quarter]:
        if set(quarter.month_list) <= set(together):
            found += [
                disclosure.Sum((quarter.code, area, *name), [(month.code, area, *name) for month in quarter.month_list])
                for area in [ALL, *listed.area_keys]
                for name in ONCE_A_MONTH
            ]
    return found


class _Run:
    """One night's count: the periods' sets (read as needed, forgotten once behind), what is hidden so far, and
    each period's protected counts."""

    def __init__(self, session: Session, listed: Catalog, on: date):
        self.session, self.listed, self.on = session, listed, on
        self.read: dict[Period, PeriodSets] = {}
        self.hidden: set[Hashable] = set()  # (code, area, *name)
        self.results: dict[Period, dict] = {}

    def protect(self, target: Period) -> list[Period]:
        """Protect the target with its neighbours; then again each period already protected of which that hid a
        figure, until nothing changes. The periods protected again."""
        waiting, again = [target], []
        while waiting:
            period = waiting.pop(0)
            newly = self._protect_one(period)
            for other in sorted({self._period[key[0]] for key in newly} - {period}):
                if other in self.results and other not in waiting:
                    waiting.append(other)
                    again.append(other)
        return again

    def _protect_one(self, period: Period) -> set[Hashable]:
        together = _together(period)
        self._load(together)
        figures: dict[Hashable, frozenset[int]] = {}
        sums: list[disclosure.Sum] = []
        for each in together:
            for key, members in self.read[each].figures.items():
                figures[(each.code, *key)] = members
            sums += resident_sets.sums(self.listed, (each.code,))
        sums += _quarter_sums(self.listed, together)
        # What an earlier protection hid comes in hidden.
        shown = disclosure.protect(figures, sums, apart=_area_of, hidden=self.hidden & figures.keys())
        newly = {key for key, count in shown.items() if count is None} - self.hidden
        self.hidden |= newly
        self.results[period] = self._result(period, shown)
        return newly

    @property
    def _period(self) -> dict[str, Period]:
        return {period.code: period for period in self.read}

    def _load(self, periods: list[Period]) -> None:
        """Read the periods not read yet; months by their quarter, so that up to three are read in one go (the
        periods read together must follow each other)."""
        for period in periods:
            if period in self.read:
                continue
            batch = [period]
            if not period.is_quarter:
                while batch[-1].month % 3 and batch[-1].shifted(1) not in self.read:
                    batch.append(batch[-1].shifted(1))
            self.read.update(resident_sets.read(self.session, batch, self.listed, self.on))

    def forget_before(self, target: Period) -> None:
        """Sets no later protection is likely to need: read again if one does."""
        keep_from = target.quarter.shifted(-1).first
        for period in [period for period in self.read if period.last < keep_from]:
            del self.read[period]

    def _result(self, period: Period, shown: dict[Hashable, int | None]) -> dict:
        """What is stored: the period's counts per area and for all, and the median waits where the residents
        who waited are shown. No set, no resident's id."""
        listed = self.listed
        areas = [ALL, *(area_id for area_id, _ in listed.areas)]
        every = resident_sets.names(listed)
        counts = {str(area): {_name_key(name): shown[(period.code, area, *name)] for name in every} for area in areas}
        medians = self.read[period].medians
        return {
            "areas": [[area_id, name] for area_id, name in listed.areas],
            "situations": [[situation.id, situation.key, situation.name] for situation in listed.situations],
            "shown": counts,
            "medians": {
                str(area): medians[area]
                for area in areas
                if counts[str(area)]["answered"] is not None and area in medians
            },
        }


def _area_of(key: Hashable) -> Hashable | None:
    """The part of the residents a figure counts in: its area (NO_AREA its own), or None for all areas."""
    return None if key[1] == ALL else key[1]


def _store(session: Session, results: dict[Period, dict], now: datetime) -> None:
    """Every period's row in one transaction: an insert, or an update where the period was counted before."""
    if not results:
        return
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    rows = [{"period": period.code, "counted_at": now, "counts": counts} for period, counts in results.items()]
    statement = insert(PartnershipCount).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[PartnershipCount.period],
        set_={"counted_at": statement.excluded.counted_at, "counts": statement.excluded.counts},
    )
    with writing(session):
        session.exec(statement)

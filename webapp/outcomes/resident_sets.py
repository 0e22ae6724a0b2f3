"""Each of the partnership's figures for a period, as the set of the residents it counts (their ids).

The sets never leave the outcomes package: `figures` hands them to `disclosure.protect`, and keeps only counts.
A period is a calendar month or quarter, in Copenhagen dates. The figures of a period:

- taking part at the end: residents whose account was made before the end, who had not stopped (asked to
  leave) before it, and whose situation at the end is not one of those that end taking part (moved away,
  ended). Their situation at the end is the newest one started on or before the last day (by start date,
  then by when it was recorded).
- new: accounts made in the period. Ended: a situation that ends taking part started in the period, or
  the resident stopped in it.
- in each situation at the end: those taking part, by their situation at the end, and those with none
  recorded. Together they are everyone taking part.
- into work or education: residents with a start, in the period, in a situation the partnership counts
  (`Situation.counts_as_outcome`) after one it does not count, or after none. Such a start begins a stretch.
- still there at 3, 6 and 12 months: residents whose stretch began N months before a day of the period
  (that day not after the day of counting), and of them, those still in the stretch on that day: no situation
  that does not count had started by then, and they had not stopped.
- barriers by kind: residents with a barrier of the kind open at the end (added before the end, and still
  open, or changed only after the end; one removed as added by mistake never counts), and residents who
  marked one solved in the period.
- moods: each resident's last check-in in the period, by its mood. Together they are everyone who checked in.
- answer time: the median wait of the answers given in the period, from the resident's message to the
  staff answer; shown only where the residents who waited are a group that may be shown.

Each figure is counted for every housing area, for the residents without one (NO_AREA, never shown on its own)
and for all areas together.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Float, Integer, String, and_, case, cast, func, literal_column, not_, null, or_, union_all
from sqlmodel import Session, select

from ..models import (
    OPEN_BARRIER_STATUSES,
    AnswerTime,
    Barrier,
    BarrierStatus,
    CheckIn,
    HousingArea,
    ResidentSituation,
    Role,
    Situation,
    SituationCategory,
    User,
)
from ..records.catalog import BARRIERS, MOODS
from . import disclosure
from .periods import Period
from .periods import midnight as _midnight
from .situations import add_months

LASTING_MONTHS = (3, 6, 12)
ALL, NO_AREA = "all", "none"
OPEN_STATUSES = OPEN_BARRIER_STATUSES
SOLVED = BarrierStatus.SOLVED
REMOVED = BarrierStatus.REMOVED  # added by mistake: never counted


@dataclass(frozen=True)
class Catalog:
    """What the figures are counted by: the housing areas and the situations."""

    areas: list[tuple[int, str]]  # (id, name), in name order
    situations: list[Situation]  # those that can be someone's situation while taking part, in list order
    left: frozenset[int]  # the situations that end taking part

    @property
    def area_keys(self) -> list:
        return [area_id for area_id, _ in self.areas] + [NO_AREA]


def catalog(session: Session) -> Catalog:
    listed = session.exec(select(Situation).order_by(Situation.position, Situation.id)).all()
    areas = session.exec(select(HousingArea.id, HousingArea.name).order_by(HousingArea.name, HousingArea.id)).all()
    return Catalog(
        areas=[(area_id, name) for area_id, name in areas],
        situations=[s for s in listed if s.category != SituationCategory.LEFT],
        left=frozenset(s.id for s in listed if s.category == SituationCategory.LEFT),
    )


def names(listed: Catalog) -> list[tuple]:
    """Every figure's name, in the order the page shows them."""
    return [
        ("taking_part",),
        ("new",),
        ("ended",),
        *[("situation", situation.id) for situation in listed.situations],
        ("situation", None),
        ("transitions",),
        *[(name, months) for months in LASTING_MONTHS for name in ("lasting", "lasting_still")],
        *[(name, key) for key in BARRIERS for name in ("barrier_open", "barrier_solved")],
        *[("mood", mood) for mood in MOODS],
        ("checked_in",),
        ("answered",),
    ]


def sums(listed: Catalog, prefix: tuple = ()) -> list[disclosure.Sum]:
    """The figures of one period that add up to another: the areas to all areas, the situations and the moods to
    their totals. Keys are `(*prefix, area, *name)`."""
    found = []
    for name in names(listed):
        found.append(disclosure.Sum((*prefix, ALL, *name), [(*prefix, area, *name) for area in listed.area_keys]))
    for area in [ALL, *listed.area_keys]:
        found.append(
            disclosure.Sum(
                (*prefix, area, "taking_part"),
                [(*prefix, area, "situation", situation.id) for situation in listed.situations]
                + [(*prefix, area, "situation", None)],
            )
        )
        found.append(disclosure.Sum((*prefix, area, "checked_in"), [(*prefix, area, "mood", mood) for mood in MOODS]))
    return found


@dataclass(frozen=True)
class PeriodSets:
    figures: dict[Hashable, frozenset[int]]  # (area, *name) → the residents counted; every figure, empty ones too
    medians: dict[Hashable, float]  # seconds, per area and for all


def read(session: Session, periods: list[Period], listed: Catalog, on: date) -> dict[Period, PeriodSets]:
    """The figures of consecutive periods of one length, read together. Three statements, none of which reads the
    timeline's entries: the large tables are counted by the database, which sends back only each group's resident
    ids, as text. `on`: the day of counting (lasting waits for its day to come)."""
    numbered = list(enumerate(periods))
    grouped = _Grouped()
    medians = _counted(session, numbered, grouped, set(listed.left))
    _barriers(session, numbered, grouped)
    _stretches(session, numbered, grouped, on)
    joined = grouped.figures
    every = [(area, *name) for area in [ALL, *listed.area_keys] for name in names(listed)]
    return {
        period: PeriodSets(
            figures={key: joined.get((offset, *key), frozenset()) for key in every}, medians=medians.get(offset, {})
        )
        for offset, period in numbered
    }


class _Grouped:
    """Figures as the database sends them: one group's resident ids as text, added to its area and to all areas.
    Equal ids are kept as one object, so that the many sets of a night's count share them."""

    def __init__(self):
        self.parts: dict[Hashable, list[frozenset[int]]] = defaultdict(list)
        self.known: dict[int, int] = {}

    def add(self, offset: int, area_id: int | None, name: tuple, ids: str | frozenset | None) -> None:
        found = ids if isinstance(ids, frozenset) else self._ids(ids)
        for area in (NO_AREA if area_id is None else area_id, ALL):
            self.parts[(offset, area, *name)].append(found)

    def _ids(self, text: str | None) -> frozenset[int]:
        if not text:
            return frozenset()
        known = self.known
        return frozenset(known.setdefault(number, number) for number in map(int, text.split(",")))

    @property
    def figures(self) -> dict[Hashable, frozenset[int]]:
        """Each figure's parts joined once: adding them one by one would copy all areas' ids for each area."""
        return {key: parts[0] if len(parts) == 1 else frozenset().union(*parts) for key, parts in self.parts.items()}


def _residents(latest: Period) -> tuple:
    return User.role == Role.RESIDENT, User.created_at < latest.ends_at


def _barriers(session: Session, periods: list[tuple[int, Period]], grouped: _Grouped) -> None:
    earliest, latest = periods[0][1], periods[-1][1]
    columns = []
    for _offset, each in periods:
        columns.append(
            _id_list(
                case(
                    (
                        and_(
                            Barrier.created_at < each.ends_at,
                            or_(Barrier.status.in_(OPEN_STATUSES), Barrier.updated_at >= each.ends_at),
                        ),
                        Barrier.resident_id,
                    )
                )
            )
        )
        columns.append(
            _id_list(
                case(
                    (
                        and_(
                            Barrier.status == SOLVED,
                            Barrier.updated_at >= each.starts_at,
                            Barrier.updated_at < each.ends_at,
                        ),
                        Barrier.resident_id,
                    )
                )
            )
        )
    for key, area_id, *lists in session.exec(
        select(Barrier.key, User.housing_area_id, *columns)
        .join(User, User.id == Barrier.resident_id)
        .where(
            *_residents(latest),
            Barrier.key.in_(list(BARRIERS)),
            Barrier.created_at < latest.ends_at,
            Barrier.status != REMOVED,
            or_(Barrier.status.in_(OPEN_STATUSES), Barrier.updated_at >= earliest.starts_at),
        )
        .group_by(Barrier.key, User.housing_area_id)
    ):
        for index, (offset, _) in enumerate(periods):
            grouped.add(offset, area_id, ("barrier_open", key), lists[2 * index])
            grouped.add(offset, area_id, ("barrier_solved", key), lists[2 * index + 1])


def _stretches(session: Session, periods: list[tuple[int, Period]], grouped: _Grouped, on: date) -> None:
    """Starts of a stretch in situations that count (after one that does not, or none), and the first day of
    the stretch in a situation that does not count: transitions in a period, and who lasted."""
    earliest, latest = periods[0][1], periods[-1][1]
    order = (ResidentSituation.starts_on, ResidentSituation.id)
    counts = Situation.counts_as_outcome
    history = (
        select(
            ResidentSituation.resident_id,
            ResidentSituation.starts_on,
            counts.label("counts"),
            func.lag(counts).over(partition_by=ResidentSituation.resident_id, order_by=order).label("before"),
            func.min(case((not_(counts), ResidentSituation.starts_on)))
            .over(partition_by=ResidentSituation.resident_id, order_by=order, rows=(1, None))
            .label("until"),
        )
        .join(Situation, Situation.id == ResidentSituation.situation_id)
        .where(ResidentSituation.starts_on <= latest.last)
        .subquery()
    )
    found: dict[tuple, set[int]] = defaultdict(set)
    bounds = [(offset, each.first, each.last) for offset, each in periods]
    for resident_id, area_id, starts_on, until, stopped_at in session.exec(
        select(history.c.resident_id, User.housing_area_id, history.c.starts_on, history.c.until, User.stopped_at)
        .join(User, User.id == history.c.resident_id)
        .where(
            *_residents(latest),
            history.c.counts,
            or_(history.c.before.is_(None), not_(history.c.before)),
            history.c.starts_on >= add_months(earliest.first, -max(LASTING_MONTHS)),
        )
    ):
        days = [(months, add_months(starts_on, months)) for months in LASTING_MONTHS]
        for offset, first, last in bounds:
            if first <= starts_on <= last:
                found[(offset, area_id, "transitions")].add(resident_id)
            for months, day in days:
                if first <= day <= last and day <= on:
                    found[(offset, area_id, "lasting", months)].add(resident_id)
                    gone = stopped_at is not None and stopped_at < _midnight(day + timedelta(days=1))
                    if (until is None or until > day) and not gone:
                        found[(offset, area_id, "lasting_still", months)].add(resident_id)
    for (offset, area_id, *name), ids in found.items():
        grouped.add(offset, area_id, tuple(name), frozenset(ids))


def _counted(session: Session, periods: list[tuple[int, Period]], grouped: _Grouped, left: set[int]) -> dict[int, dict]:
    """Taking part and situations at each period's end, new and ended, moods and answers: one statement of
    groups, each row (figure, period, key, area, resident ids, median)."""
    earliest, latest = periods[0][1], periods[-1][1]
    postgres = session.get_bind().dialect.name == "postgresql"
    resident = _residents(latest)
    # Each change of situation, with the day the next one starts: the resident's situation until then.
    ranges = (
        select(
            ResidentSituation.resident_id,
            ResidentSituation.situation_id,
            ResidentSituation.starts_on,
            func.lead(ResidentSituation.starts_on)
            .over(
                partition_by=ResidentSituation.resident_id, order_by=(ResidentSituation.starts_on, ResidentSituation.id)
            )
            .label("until"),
        )
        .where(ResidentSituation.starts_on <= latest.last)
        .cte("ranges")
    )
    at_end = [
        select(
            literal_column("'at_end'"),
            literal_column(str(offset)),
            cast(ranges.c.situation_id, String),
            User.housing_area_id,
            _id_list(User.id),
            _no_number(),
        )
        .select_from(User)
        .outerjoin(
            ranges,
            and_(
                ranges.c.resident_id == User.id,
                ranges.c.starts_on <= each.last,
                or_(ranges.c.until.is_(None), ranges.c.until > each.last),
            ),
        )
        .where(
            User.role == Role.RESIDENT,
            User.created_at < each.ends_at,
            or_(User.stopped_at.is_(None), User.stopped_at >= each.ends_at),
        )
        .group_by(ranges.c.situation_id, User.housing_area_id)
        for offset, each in periods
    ]
    joined = _bucketed(User.id, User.housing_area_id, User.created_at, periods, "new", resident)
    stopped = _bucketed(User.id, User.housing_area_id, User.stopped_at, periods, "stopped", resident)
    left_rows = (
        select(
            ResidentSituation.resident_id,
            User.housing_area_id,
            _bucket(ResidentSituation.starts_on, [(o, p.last) for o, p in periods], lambda c, v: c <= v).label(
                "bucket"
            ),
        )
        .join(User, User.id == ResidentSituation.resident_id)
        .where(
            *resident,
            ResidentSituation.situation_id.in_(left or [0]),
            ResidentSituation.starts_on >= earliest.first,
            ResidentSituation.starts_on <= latest.last,
        )
        .subquery()
    )
    ended = select(
        literal_column("'left'"),
        left_rows.c.bucket,
        _no_text(),
        left_rows.c.housing_area_id,
        _id_list(left_rows.c.resident_id),
        _no_number(),
    ).group_by(left_rows.c.bucket, left_rows.c.housing_area_id)
    # Each resident's last check-in of each period: the greatest of day * 8 + mood, so its mood comes with it.
    day_number = (
        cast(CheckIn.day - literal_column("DATE '2000-01-01'"), Integer)
        if postgres
        else cast(func.julianday(CheckIn.day), Integer)
    )
    checkins = (
        select(
            CheckIn.resident_id,
            _bucket(CheckIn.day, [(o, p.last) for o, p in periods], lambda c, v: c <= v).label("bucket"),
            (day_number * 8 + CheckIn.mood).label("value"),
        )
        .where(CheckIn.day >= earliest.first, CheckIn.day <= latest.last)
        .subquery()
    )
    last = (
        select(checkins.c.resident_id, checkins.c.bucket, func.max(checkins.c.value).label("value"))
        .group_by(checkins.c.resident_id, checkins.c.bucket)
        .subquery()
    )
    mood = last.c.value % literal_column("8")
    moods = (
        select(
            literal_column("'mood'"),
            last.c.bucket,
            cast(mood, String),
            User.housing_area_id,
            _id_list(last.c.resident_id),
            _no_number(),
        )
        .join(User, User.id == last.c.resident_id)
        .where(*resident)
        .group_by(last.c.bucket, mood, User.housing_area_id)
    )
    answers = (
        select(
            AnswerTime.resident_id,
            AnswerTime.waited_seconds,
            _bucket(AnswerTime.answered_at, [(o, p.ends_at) for o, p in periods], lambda c, v: c < v).label("bucket"),
        )
        .where(AnswerTime.answered_at >= earliest.starts_at, AnswerTime.answered_at < latest.ends_at)
        .subquery()
    )
    answered = (
        select(
            literal_column("'answered'"),
            answers.c.bucket,
            _no_text(),
            User.housing_area_id,
            _id_list(answers.c.resident_id),
            _no_number(),
        )
        .join(User, User.id == answers.c.resident_id)
        .where(*resident)
        .group_by(answers.c.bucket, User.housing_area_id)
    )
    waited = (
        select(answers.c.waited_seconds, answers.c.bucket, User.housing_area_id)
        .join(User, User.id == answers.c.resident_id)
        .where(*resident)
        .subquery()
    )
    if postgres:
        median = func.percentile_cont(0.5).within_group(waited.c.waited_seconds)
        waits = [
            select(
                literal_column("'median'"), waited.c.bucket, _no_text(), waited.c.housing_area_id, _no_text(), median
            ).group_by(waited.c.bucket, waited.c.housing_area_id),
            select(
                literal_column("'median_all'"), waited.c.bucket, _no_text(), _no_number(), _no_text(), median
            ).group_by(waited.c.bucket),
        ]
    else:  # the small embedded case: the waits themselves
        waits = [
            select(
                literal_column("'waits'"),
                waited.c.bucket,
                _no_text(),
                waited.c.housing_area_id,
                _id_list(waited.c.waited_seconds),
                _no_number(),
            ).group_by(waited.c.bucket, waited.c.housing_area_id)
        ]
    medians: dict[int, dict[Hashable, float]] = defaultdict(dict)
    everyone: dict[int, list[int]] = defaultdict(list)
    for name, offset, key, area_id, ids, number in session.exec(
        union_all(*at_end, joined, stopped, ended, moods, answered, *waits)
    ):
        if name == "at_end":
            situation = None if key is None else int(key)
            if situation not in left:
                grouped.add(offset, area_id, ("situation", situation), ids)
                grouped.add(offset, area_id, ("taking_part",), ids)
        elif name == "new":
            grouped.add(offset, area_id, ("new",), ids)
        elif name in ("stopped", "left"):
            grouped.add(offset, area_id, ("ended",), ids)
        elif name == "mood":
            grouped.add(offset, area_id, ("mood", int(key)), ids)
            grouped.add(offset, area_id, ("checked_in",), ids)
        elif name == "answered":
            grouped.add(offset, area_id, ("answered",), ids)
        elif name == "median":
            medians[offset][NO_AREA if area_id is None else area_id] = float(number)
        elif name == "median_all":
            medians[offset][ALL] = float(number)
        else:
            waits_here = [int(value) for value in ids.split(",")]
            medians[offset][NO_AREA if area_id is None else area_id] = statistics.median(waits_here)
            everyone[offset] += waits_here
    for offset, waits_here in everyone.items():
        medians[offset][ALL] = statistics.median(waits_here)
    return medians


def _bucketed(resident_id, area_id, moment, periods: list[tuple[int, Period]], name: str, where):
    """Residents by the period a moment of theirs falls in, and by area."""
    rows = (
        select(
            resident_id.label("resident_id"),
            area_id.label("area_id"),
            _bucket(moment, [(o, p.ends_at) for o, p in periods], lambda c, v: c < v).label("bucket"),
        )
        .where(*where, moment >= periods[0][1].starts_at, moment < periods[-1][1].ends_at)
        .subquery()
    )
    return select(
        literal_column(f"'{name}'"),
        rows.c.bucket,
        _no_text(),
        rows.c.area_id,
        _id_list(rows.c.resident_id),
        _no_number(),
    ).group_by(rows.c.bucket, rows.c.area_id)


def _bucket(column, ends, before):
    """Which of the periods a value falls in (by its number), the values being within them."""
    if len(ends) == 1:
        return literal_column(str(ends[0][0]))
    return case(
        *[(before(column, end), literal_column(str(offset))) for offset, end in ends[:-1]],
        else_=literal_column(str(ends[-1][0])),
    )


def _id_list(column):
    return func.aggregate_strings(cast(column, String), literal_column("','"))


def _no_text():
    return cast(null(), String)


def _no_number():
    return cast(null(), Float)

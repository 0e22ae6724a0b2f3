"""Keep the newest archive of each of the last N days and of the last M months (UTC, counting today and this
month), and the newest of all, so that a backup job that stopped never leaves the folder empty. This is also
how an erased resident leaves the backups. Only files named as the app names its archives are deleted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from .archive import made_at

DAILY = 30
MONTHLY = 0


@dataclass(frozen=True)
class Pruned:
    kept: list[str]
    deleted: list[str]


def _last_months(today: date, count: int) -> set[tuple[int, int]]:
    months, year, month = set(), today.year, today.month
    for _ in range(count):
        months.add((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


def choose(names: list[str], *, now: datetime, daily: int, monthly: int) -> Pruned:
    """Which of `names` to keep and which to delete; names that are not the app's archives are in neither."""
    dated = sorted(((made_at(name), name) for name in names if made_at(name)), reverse=True)
    days = {now.date() - timedelta(days=back) for back in range(daily)}
    months = _last_months(now.date(), monthly)
    kept: set[str] = {dated[0][1]} if dated else set()
    days_seen: set[date] = set()
    months_seen: set[tuple[int, int]] = set()
    for at, name in dated:  # newest first: the first of each day or month is its newest
        day, month = at.date(), (at.year, at.month)
        if day in days and day not in days_seen:
            kept.add(name)
            days_seen.add(day)
        if month in months and month not in months_seen:
            kept.add(name)
            months_seen.add(month)
    return Pruned(
        kept=[name for _, name in dated if name in kept], deleted=[name for _, name in dated if name not in kept]
    )


def prune(folder: Path, *, now: datetime, daily: int = DAILY, monthly: int = MONTHLY) -> Pruned:
    if not folder.is_dir():
        return Pruned(kept=[], deleted=[])
    names = [path.name for path in folder.iterdir() if path.is_file() and not path.is_symlink()]
    pruned = choose(names, now=now, daily=daily, monthly=monthly)
    for name in pruned.deleted:
        (folder / name).unlink(missing_ok=True)
    return pruned

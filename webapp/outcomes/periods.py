"""The partnership's periods: calendar months (`2026-09`) and quarters (`2026-Q3`), in Copenhagen dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..models import COPENHAGEN
from .situations import add_months


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month (`2026-09`) or quarter (`2026-Q3`)."""

    year: int
    month: int  # the first month
    months: int  # 1 or 3

    @property
    def code(self) -> str:
        if self.months == 3:
            return f"{self.year}-Q{(self.month - 1) // 3 + 1}"
        return f"{self.year}-{self.month:02d}"

    @property
    def is_quarter(self) -> bool:
        return self.months == 3

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return self.shifted(1).first - timedelta(days=1)

    @property
    def starts_at(self) -> datetime:
        return midnight(self.first)

    @property
    def ends_at(self) -> datetime:
        """The first moment after the period."""
        return midnight(self.last + timedelta(days=1))

    @property
    def quarter(self) -> Period:
        """The quarter the period is in (a quarter is its own)."""
        return Period.quarter_of(self.first)

    @property
    def month_list(self) -> list[Period]:
        """The months of the period."""
        return [Period(self.year, self.month + n, 1) for n in range(self.months)]

    def shifted(self, steps: int) -> Period:
        first = add_months(self.first, steps * self.months)
        return Period(first.year, first.month, self.months)

    @classmethod
    def parse(cls, text: str | None) -> Period | None:
        match = re.fullmatch(r"(\d{4})-(?:Q([1-4])|(0[1-9]|1[0-2]))", text or "")
        if not match or not 2000 <= int(match[1]) <= 2100:
            return None
        if match[2]:
            return cls(int(match[1]), (int(match[2]) - 1) * 3 + 1, 3)
        return cls(int(match[1]), int(match[3]), 1)

    @classmethod
    def month_of(cls, day: date) -> Period:
        return cls(day.year, day.month, 1)

    @classmethod
    def quarter_of(cls, day: date) -> Period:
        return cls(day.year, (day.month - 1) // 3 * 3 + 1, 3)

    @classmethod
    def last_complete_quarter(cls, on: date) -> Period:
        return cls.quarter_of(on).shifted(-1)


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=COPENHAGEN)

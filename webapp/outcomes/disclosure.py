"""Disclosure control for the partnership's counts: the rules official statistics follow, in one place.

Each figure counts residents, and is given here as the set of their ids, which never leaves this module: the
sets let the rules see which groups hold which. A figure is shown only where it tells nothing about fewer
than THRESHOLD people:

1. a count under THRESHOLD (0 included) is shown as "fewer than 5";
2. where figures add up to a total (the areas and "all areas", the statuses and everyone), a hidden one is
   never left alone in its sum, or the others would give it away: the smallest other one is hidden too;
3. where one group holds another (a month and the next, an area and all areas, a filter and none), two
   shown figures never differ by 1 to THRESHOLD - 1 people;
4. a rate is shown only where both its numerator and its denominator are.

Hiding one figure can expose another, so rules 2 and 3 run until nothing changes.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

THRESHOLD = 5
FEWER_THAN_THRESHOLD = _l("fewer than 5")


@dataclass(frozen=True)
class Sum:
    """`total` is made of `parts`, which do not overlap (each resident in one of them)."""
    total: Hashable
    parts: Sequence[Hashable]


def protect(figures: Mapping[Hashable, frozenset[int]], sums: Iterable[Sum] = ()) -> dict[Hashable, int | None]:
    """Each figure's count where it may be shown, None where it may not (shown as "fewer than 5")."""
    sums = list(sums)
    order = {key: index for index, key in enumerate(figures)}
    hidden = {key for key, members in figures.items() if len(members) < THRESHOLD}
    while True:
        more = _alone_in_a_sum(figures, sums, hidden, order) | _small_differences(figures, hidden, order)
        if not more:
            return {key: None if key in hidden else len(members) for key, members in figures.items()}
        hidden |= more


def rate(numerator: int | None, denominator: int | None) -> float | None:
    """A share, only where both its figures are shown (and there is something to share)."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def _smallest(keys: Iterable[Hashable], figures, order) -> Hashable:
    return min(keys, key=lambda key: (len(figures[key]), order[key]))


def _alone_in_a_sum(figures, sums: list[Sum], hidden: set, order) -> set:
    more = set()
    for relation in sums:
        group = [relation.total, *relation.parts]
        if sum(key in hidden for key in group) == 1:
            more.add(_smallest((key for key in group if key not in hidden), figures, order))
    return more


def _small_differences(figures, hidden: set, order) -> set:
    """Pairs of shown figures, one group inside the other, that differ by fewer than THRESHOLD people: the
    smaller of the two is hidden. Only figures that close in size are compared, so this stays cheap."""
    shown = sorted((key for key in figures if key not in hidden), key=lambda key: len(figures[key]))
    more = set()
    for index, inner in enumerate(shown):
        for outer in shown[index + 1:]:
            gap = len(figures[outer]) - len(figures[inner])
            if gap >= THRESHOLD:
                break
            if gap > 0 and figures[inner] < figures[outer]:
                more.add(_smallest((inner, outer), figures, order))
    return more

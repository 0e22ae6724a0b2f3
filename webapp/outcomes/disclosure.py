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

Rule 3 compares every two shown figures close in size. Where the caller knows that some figures cannot share a
resident (those of two different housing areas), it says so with `apart`: figures of two different parts are
then never compared, which keeps the rule cheap for hundreds of areas without weakening it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

THRESHOLD = 5
FEWER_THAN_THRESHOLD = _l("fewer than 5")


@dataclass(frozen=True)
class Sum:
    """`total` is made of `parts`, which do not overlap (each resident in one of them)."""

    total: Hashable
    parts: Sequence[Hashable]


def protect(
    figures: Mapping[Hashable, frozenset[int]],
    sums: Iterable[Sum] = (),
    apart: Callable[[Hashable], Hashable | None] | None = None,
    hidden: Iterable[Hashable] = (),
) -> dict[Hashable, int | None]:
    """Each figure's count where it may be shown, None where it may not (shown as "fewer than 5").

    `apart(key)`: the part of the population the figure counts in (e.g. its housing area), where figures of
    two different parts never share a resident; None for a figure that may share residents with any other
    (e.g. one of all areas). `hidden`: figures hidden already (by an earlier protection they were part of)."""
    sums = list(sums)
    order = {key: index for index, key in enumerate(figures)}
    part_of = apart or (lambda _key: None)
    hidden = {key for key, members in figures.items() if len(members) < THRESHOLD} | set(hidden)
    while True:
        more = _alone_in_a_sum(figures, sums, hidden, order) | _small_differences(figures, hidden, order, part_of)
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


def _small_differences(figures, hidden: set, order, part_of) -> set:
    """Pairs of shown figures, one group inside the other, that differ by fewer than THRESHOLD people: the
    smaller of the two is hidden. Only figures that close in size, and not kept apart, are compared."""
    parts: dict[Hashable, list] = defaultdict(list)
    for key in figures:
        if key not in hidden:
            parts[part_of(key)].append(key)
    anywhere = parts.pop(None, [])
    more = _nested_pairs(anywhere, figures, order, skip=frozenset())
    skip = frozenset(anywhere)  # their pairs among themselves are done
    for keys in parts.values():
        more |= _nested_pairs([*keys, *anywhere], figures, order, skip=skip)
    return more


def _nested_pairs(keys: list, figures, order, *, skip: frozenset) -> set:
    """The smaller of each two of `keys` (not both in `skip`) where one holds the other and they differ by 1 to
    THRESHOLD - 1."""
    ranked = sorted(keys, key=lambda key: len(figures[key]))
    more = set()
    for index, inner in enumerate(ranked):
        for outer in ranked[index + 1 :]:
            gap = len(figures[outer]) - len(figures[inner])
            if gap >= THRESHOLD:
                break
            if gap > 0 and not (inner in skip and outer in skip) and figures[inner] < figures[outer]:
                more.add(_smallest((inner, outer), figures, order))
    return more

"""The partnership's counts never tell anything about fewer than 5 residents (outcomes/disclosure.py)."""

from __future__ import annotations

import random

import pytest

from webapp.outcomes.disclosure import THRESHOLD, Sum, protect, rate


def people(first: int, last: int) -> frozenset[int]:
    return frozenset(range(first, last + 1))


def assert_nothing_small_can_be_read(figures, sums, shown):
    """No count under 5 is shown; no sum leaves one hidden figure to work out; no two shown groups, one inside
    the other, differ by 1 to 4 residents."""
    assert all(value is None or value >= THRESHOLD for value in shown.values())
    for relation in sums:
        assert sum(shown[key] is None for key in (relation.total, *relation.parts)) != 1, relation
    visible = [key for key, value in shown.items() if value is not None]
    for inner in visible:
        for outer in visible:
            if figures[inner] < figures[outer]:
                assert len(figures[outer] - figures[inner]) >= THRESHOLD, (inner, outer)


@pytest.mark.parametrize(("count", "shown"), [(0, None), (1, None), (4, None), (5, 5), (12, 12)])
def test_a_count_under_five_is_never_shown_zero_included(count, shown):
    assert protect({"area": people(1, count)}) == {"area": shown}


def test_four_residents_in_one_area_are_hidden_and_so_is_the_next_smallest_area_beside_all_areas():
    figures = {
        "all": people(1, 26),
        "Skovparken": people(1, 4),
        "Vindinggård": people(5, 14),
        "Sønderbro": people(15, 26),
    }
    sums = [Sum("all", ["Skovparken", "Vindinggård", "Sønderbro"])]
    shown = protect(figures, sums)
    assert shown == {"all": 26, "Skovparken": None, "Vindinggård": None, "Sønderbro": 12}
    assert_nothing_small_can_be_read(figures, sums, shown)


def test_one_area_beside_all_areas_does_not_give_away_the_other():
    figures = {"all": people(1, 8), "Skovparken": people(1, 6), "Vindinggård": people(7, 8)}
    sums = [Sum("all", ["Skovparken", "Vindinggård"])]
    shown = protect(figures, sums)
    assert shown == {"all": 8, "Skovparken": None, "Vindinggård": None}


@pytest.mark.parametrize(
    ("march", "april", "hidden"),
    [
        (people(1, 10), people(1, 11), "march"),  # one resident joins
        (people(1, 11), people(1, 10), "april"),  # one resident leaves
    ],
)
def test_one_resident_moving_between_two_months_cannot_be_read_from_their_difference(march, april, hidden):
    shown = protect({"march": march, "april": april})
    assert shown[hidden] is None
    assert [value for value in shown.values() if value is not None] == [max(len(march), len(april))]


def test_groups_that_differ_by_five_or_that_merely_overlap_are_both_shown():
    assert protect({"march": people(1, 10), "april": people(1, 15)}) == {"march": 10, "april": 15}
    assert protect({"march": people(1, 10), "april": people(3, 13)}) == {"march": 10, "april": 11}


def test_hiding_a_cell_of_a_table_hides_enough_in_its_row_and_its_column():
    # Two areas by two statuses, with their totals: one small cell must not be worked out from either side.
    cells = {
        ("Skovparken", "work"): people(1, 3),
        ("Skovparken", "education"): people(4, 12),
        ("Sønderbro", "work"): people(13, 20),
        ("Sønderbro", "education"): people(21, 30),
    }
    figures = {
        **cells,
        "Skovparken": people(1, 12),
        "Sønderbro": people(13, 30),
        "work": cells[("Skovparken", "work")] | cells[("Sønderbro", "work")],
        "education": cells[("Skovparken", "education")] | cells[("Sønderbro", "education")],
        "all": people(1, 30),
    }
    sums = [
        Sum("Skovparken", [("Skovparken", "work"), ("Skovparken", "education")]),
        Sum("Sønderbro", [("Sønderbro", "work"), ("Sønderbro", "education")]),
        Sum("work", [("Skovparken", "work"), ("Sønderbro", "work")]),
        Sum("education", [("Skovparken", "education"), ("Sønderbro", "education")]),
        Sum("all", ["Skovparken", "Sønderbro"]),
        Sum("all", ["work", "education"]),
    ]
    shown = protect(figures, sums)
    assert shown[("Skovparken", "work")] is None and shown["all"] == 30
    assert_nothing_small_can_be_read(figures, sums, shown)


def random_table(seed):
    """Areas by statuses with their totals, residents placed at random: figures, sums and the areas."""
    chance = random.Random(seed)
    areas, statuses = [f"area{n}" for n in range(chance.randint(1, 4))], [f"status{n}" for n in range(3)]
    residents = range(chance.randint(0, 60))
    placed = {resident: (chance.choice(areas), chance.choice(statuses)) for resident in residents}

    def members(test):
        return frozenset(resident for resident, where in placed.items() if test(*where))

    figures = {"all": members(lambda area, status: True)}
    figures |= {area: members(lambda a, s, area=area: a == area) for area in areas}
    figures |= {status: members(lambda a, s, status=status: s == status) for status in statuses}
    figures |= {
        (area, status): members(lambda a, s, area=area, status=status: (a, s) == (area, status))
        for area in areas
        for status in statuses
    }
    sums = [Sum("all", areas), Sum("all", statuses)]
    sums += [Sum(area, [(area, status) for status in statuses]) for area in areas]
    sums += [Sum(status, [(area, status) for area in areas]) for status in statuses]
    return figures, sums, areas


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_of_areas_and_statuses_never_show_a_small_group(seed):
    figures, sums, _areas = random_table(seed)
    shown = protect(figures, sums)
    assert_nothing_small_can_be_read(figures, sums, shown)


@pytest.mark.parametrize("seed", range(40))
def test_keeping_areas_apart_hides_exactly_what_comparing_everything_hides(seed):
    figures, sums, areas = random_table(seed)

    def area_of(key):
        if isinstance(key, tuple):
            return key[0]
        return key if key in areas else None

    assert protect(figures, sums, apart=area_of) == protect(figures, sums)


def test_an_area_close_in_size_to_all_areas_is_hidden_though_areas_are_kept_apart():
    figures = {"all": people(1, 9), "Skovparken": people(1, 6), "Vindinggård": people(7, 9)}
    shown = protect(figures, apart=lambda key: None if key == "all" else key)
    assert shown == {"all": 9, "Skovparken": None, "Vindinggård": None}


def test_a_figure_of_all_areas_that_lies_inside_one_area_is_compared_with_that_area():
    # Everyone who found work lives in Skovparken: the two figures differ by the 2 who did not.
    figures = {"Skovparken": people(1, 8), "work": people(1, 6), "Vindinggård": people(20, 40)}
    shown = protect(figures, apart=lambda key: None if key == "work" else key)
    assert shown == {"Skovparken": 8, "work": None, "Vindinggård": 21}


def test_a_small_difference_in_one_area_is_hidden_whatever_the_next_area_holds():
    figures = {
        ("Skovparken", "march"): people(1, 10),
        ("Skovparken", "april"): people(1, 12),
        ("Vindinggård", "march"): people(20, 30),
        ("Vindinggård", "april"): people(40, 50),
    }
    shown = protect(figures, apart=lambda key: key[0])
    assert shown == {
        ("Skovparken", "march"): None,
        ("Skovparken", "april"): 12,
        ("Vindinggård", "march"): 11,
        ("Vindinggård", "april"): 11,
    }


def test_a_filter_inside_a_filter_is_hidden_beside_a_much_larger_total():
    figures = {"everyone": people(1, 30), "with a goal": people(1, 8), "with a goal and work": people(1, 6)}
    assert protect(figures) == {"everyone": 30, "with a goal": 8, "with a goal and work": None}


@pytest.mark.parametrize(
    ("numerator", "denominator", "share"),
    [(None, 20, None), (6, None, None), (None, None, None), (0, 0, None), (6, 12, 0.5)],
)
def test_a_rate_is_shown_only_where_both_its_figures_are(numerator, denominator, share):
    assert rate(numerator, denominator) == share


def test_a_figure_hidden_before_stays_hidden_and_its_sum_hides_another():
    figures = {"all": people(1, 30), "Skovparken": people(1, 12), "Vindinggård": people(13, 30)}
    shown = protect(figures, [Sum("all", ["Skovparken", "Vindinggård"])], hidden={"Skovparken"})
    assert shown == {"all": 30, "Skovparken": None, "Vindinggård": None}

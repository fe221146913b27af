"""The fast frontier merge against a brute-force enumeration of every package."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auxil.sheets import random_sheet
from flows.analysis.frontier import (
    FrontierPoint,
    FrontierTooLargeError,
    package_value,
    pareto_frontier,
    prune_dominated,
)
from flows.analysis.sheet import Issue, Option, Sheet, SheetError

Point = tuple[Fraction, Fraction]


def make_sheet(*issues: list[tuple[float | int | str, float | int | str]]) -> Sheet:
    return Sheet(
        tuple(
            Issue(
                f"i{n}",
                tuple(
                    Option(f"o{k}", Fraction(str(us)), Fraction(str(them)))
                    for k, (us, them) in enumerate(options)
                ),
            )
            for n, options in enumerate(issues)
        ),
        "test",
    )


def brute_force(sheet: Sheet) -> dict[Point, list[tuple[int, ...]]]:
    """Every non-dominated point with all the packages that reach it, by enumeration."""
    reach: dict[Point, list[tuple[int, ...]]] = {}
    for package in itertools.product(*(range(len(i.options)) for i in sheet.issues)):
        us = sum((i.options[k].us for i, k in zip(sheet.issues, package, strict=True)), Fraction(0))
        them = sum(
            (i.options[k].them for i, k in zip(sheet.issues, package, strict=True)), Fraction(0)
        )
        reach.setdefault((us, them), []).append(package)
    points = list(reach)
    return {
        p: reach[p]
        for p in points
        if not any(q != p and q[0] >= p[0] and q[1] >= p[1] for q in points)
    }


def assert_matches_brute_force(sheet: Sheet) -> list[FrontierPoint]:
    fast = pareto_frontier(sheet)
    slow = brute_force(sheet)
    assert {(p.us, p.them) for p in fast} == set(slow)
    assert len(fast) == len(slow), "one package per distinct point"
    for p in fast:
        assert package_value(sheet, p.package) == (p.us, p.them)
        # The kept package is the lexicographically smallest one reaching the point.
        assert p.package == min(slow[(p.us, p.them)])
    assert [p.us for p in fast] == sorted((p.us for p in fast), reverse=True)
    assert all(a.us > b.us and a.them < b.them for a, b in itertools.pairwise(fast))
    return fast


def test_two_issue_hand_example() -> None:
    sheet = make_sheet([(3, 0), (0, 3), (1, 1)], [(2, 0), (0, 1)])
    frontier = assert_matches_brute_force(sheet)
    assert [(p.us, p.them) for p in frontier] == [(5, 0), (3, 1), (2, 3), (0, 4)]
    assert frontier[1].package == (0, 1)


def test_ties_and_duplicate_points_keep_one_package_each() -> None:
    sheet = make_sheet([(1, 1), (1, 1), (0, 2)], [(0, 0), (0, 0)], [(2, -1), (1, 0), (0, 1)])
    frontier = assert_matches_brute_force(sheet)
    assert frontier[0].package == (0, 0, 0)


def test_negative_and_fractional_points_are_exact() -> None:
    sheet = make_sheet(
        [("-6000", "0"), ("-3000", "-3000"), ("0", "-6000")],
        [("1/3", "0.1"), ("0.2", "1/7"), ("-0.5", "0.3")],
        [("1e-3", "-2.5"), ("0", "0")],
    )
    frontier = assert_matches_brute_force(sheet)
    assert all(isinstance(p.us, Fraction) and isinstance(p.them, Fraction) for p in frontier)
    assert any(p.us.denominator > 1 for p in frontier)


def test_all_equal_options_give_one_point() -> None:
    sheet = make_sheet([(1, 1), (1, 1)], [(0, 0), (0, 0), (0, 0)])
    assert [(p.us, p.them, p.package) for p in pareto_frontier(sheet)] == [(1, 1, (0, 0))]


def test_perfectly_opposed_issue_keeps_every_option() -> None:
    sheet = make_sheet([(k, -k) for k in range(6)])
    assert len(assert_matches_brute_force(sheet)) == 6


def test_prune_dominated_keeps_smallest_package_among_equal_points() -> None:
    points = [(1, 1, (2,)), (1, 1, (1,)), (0, 2, (0,)), (0, 1, (3,)), (2, 0, (4,))]
    assert prune_dominated(points) == [(2, 0, (4,)), (1, 1, (1,)), (0, 2, (0,))]
    assert prune_dominated([]) == []


def test_package_value_checks_length() -> None:
    sheet = make_sheet([(1, 2), (3, 4)])
    assert package_value(sheet, (1,)) == (3, 4)
    with pytest.raises(ValueError, match="needs 1 options"):
        package_value(sheet, (0, 1))


def test_dominates() -> None:
    point = FrontierPoint(Fraction(2), Fraction(2), (0,))
    assert point.dominates(Fraction(1), Fraction(2))
    assert not point.dominates(Fraction(2), Fraction(2))
    assert not point.dominates(Fraction(3), Fraction(0))
    assert point.joint == 4


_values = st.one_of(
    st.integers(min_value=-4, max_value=4).map(Fraction),
    st.sampled_from([Fraction(1, 2), Fraction(-3, 2), Fraction(1, 3), Fraction(-5, 4)]),
)


@st.composite
def small_sheets(draw: st.DrawFn) -> Sheet:
    issue_count = draw(st.integers(min_value=1, max_value=6))
    issues = []
    for n in range(issue_count):
        option_count = draw(st.integers(min_value=2, max_value=4))
        issues.append(
            Issue(
                f"i{n}",
                tuple(Option(f"o{k}", draw(_values), draw(_values)) for k in range(option_count)),
            )
        )
    return Sheet(tuple(issues), "gen")


@settings(max_examples=150, deadline=None)
@given(small_sheets())
def test_fast_frontier_equals_brute_force(sheet: Sheet) -> None:
    assert_matches_brute_force(sheet)


def test_twelve_issues_of_six_options() -> None:
    sheet = random_sheet(7, 12, 6, (-1000, 1000), (-1000, 1000))
    frontier = pareto_frontier(sheet)
    assert sheet.outcome_count == 6**12
    assert frontier and all(isinstance(p.package, tuple) and len(p.package) == 12 for p in frontier)


def test_nearly_zero_sum_sheets_with_huge_frontiers_are_refused() -> None:
    # Zero-sum with values in distinct powers of 7: every package is efficient.
    sheet = make_sheet(*[[(k * 7**n, -k * 7**n) for k in range(6)] for n in range(4)])
    assert len(pareto_frontier(sheet, max_points=None)) == 6**4
    with pytest.raises(FrontierTooLargeError, match=r"more than 100 efficient packages after 3"):
        pareto_frontier(sheet, max_points=100)
    assert issubclass(FrontierTooLargeError, SheetError)

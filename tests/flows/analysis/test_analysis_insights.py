"""Issue types, logrolls, the compromise and package improvements on hand-made sheets."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from auxil.sheets import small_sheets
from flows.analysis.frontier import package_value, pareto_frontier
from flows.analysis.insights import (
    STAKES_TOLERANCE,
    PackageError,
    check_package,
    classify_issue,
    classify_issues,
    compromise,
    logrolls,
    max_joint_point,
    middle_index,
    resolve_package,
    stakes_equal,
)
from flows.analysis.sheet import Issue, Option, Sheet


def issue(name: str, *options: tuple[int | str, int | str]) -> Issue:
    return Issue(
        name,
        tuple(
            Option(f"{name}{k}", Fraction(str(us)), Fraction(str(them)))
            for k, (us, them) in enumerate(options)
        ),
    )


def all_points(sheet: Sheet) -> list[tuple[Fraction, Fraction, tuple[int, ...]]]:
    """Brute force: every package with its value."""
    out = []
    for package in itertools.product(*(range(len(i.options)) for i in sheet.issues)):
        us, them = package_value(sheet, package)
        out.append((us, them, package))
    return out


# --- issue types -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "kind"),
    [
        # Both sides rank the same option first.
        ([(10, 5), (5, 2), (0, 0)], "compatible"),
        # We do not care: every option is our best, so their best is best for both.
        ([(3, 0), (3, 4), (3, 2)], "compatible"),
        # Neither cares.
        ([(0, 0), (0, 0)], "compatible"),
        # Same top option even though the rest is ranked differently.
        ([(5, 5), (0, 4), (4, 0)], "compatible"),
        # Opposed, equal stakes.
        ([(10, 0), (5, 5), (0, 10)], "distributive"),
        # Opposed, stakes 10 vs 9: within 10% of the larger one.
        ([(10, 0), (0, 9)], "distributive"),
        # Opposed, stakes with negatives: -6000..0 against -6000..0.
        ([(0, -6000), (-3000, -3000), (-6000, 0)], "distributive"),
        # Opposed, stakes 10 vs 8.9: beyond the tolerance.
        ([(10, 0), (0, "8.9")], "integrative"),
        # Opposed, stakes 2 vs 10.
        ([(2, 0), (1, 5), (0, 10)], "integrative"),
        # Opposed without being mirror images: a shared worst option.
        ([(6, 0), (0, 1), (-1, -1)], "integrative"),
    ],
)
def test_issue_types(options: list[tuple[int | str, int | str]], kind: str) -> None:
    assert classify_issue(issue("x", *options)).kind == kind


def test_profile_stakes_best_options_and_direction() -> None:
    profile = classify_issue(issue("x", (2, 0), (1, 5), (0, 10), (2, -1)))
    assert (profile.stakes_us, profile.stakes_them) == (2, 11)
    # Ties for our best go to the option better for them.
    assert profile.best_for_us == 0
    assert profile.best_for_them == 2
    assert profile.middle == 1
    assert profile.matters_more_to == "them"
    assert classify_issue(issue("y", (10, 0), (0, 9))).matters_more_to == "both"


def test_tolerance_is_a_share_of_the_larger_stake() -> None:
    assert Fraction(1, 10) == STAKES_TOLERANCE
    assert stakes_equal(Fraction(10), Fraction(9))
    assert not stakes_equal(Fraction(10), Fraction(89, 10))
    assert stakes_equal(Fraction(0), Fraction(0))
    assert classify_issue(issue("x", (10, 0), (0, 8)), Fraction(1, 4)).kind == "distributive"


def test_middle_index_rounds_toward_the_top_of_the_list() -> None:
    assert [middle_index(n) for n in (2, 3, 4, 5, 6)] == [0, 1, 1, 2, 2]


# --- logrolls --------------------------------------------------------------------

LOGROLL_SHEET = Sheet(
    (
        issue("bonus", (0, -5), (-4, -1), (-8, 0)),  # matters more to us: 8 vs 5
        issue("remote", (3, -20), (1, -10), (0, 0)),  # matters more to them: 20 vs 3
        issue("salary", (0, -60), (-30, -30), (-60, 0)),  # distributive
        issue("vacation", (6, 2), (3, 1), (0, 0)),  # compatible
    ),
    "logroll",
)


def test_logroll_trades_the_issues_each_side_values_less() -> None:
    rolls = logrolls(LOGROLL_SHEET, classify_issues(LOGROLL_SHEET))
    assert len(rolls) == 1
    roll = rolls[0]
    assert (roll.our_issue, roll.their_issue) == (0, 1)
    assert (roll.our_option, roll.their_option) == (0, 2)
    # Against the middle on both (bonus 1, remote 1): us 0+0 - (-4+1), them -5+0 - (-1-10).
    assert (roll.gain_us, roll.gain_them) == (3, 6)


def test_no_logroll_when_everyone_cares_more_about_the_same_issues() -> None:
    sheet = Sheet((issue("a", (10, 0), (0, 2)), issue("b", (10, 0), (0, 3))))
    assert [p.matters_more_to for p in classify_issues(sheet)] == ["us", "us"]
    assert logrolls(sheet, classify_issues(sheet)) == []


def test_logrolls_are_ranked_by_the_smaller_gain() -> None:
    sheet = Sheet(
        (
            issue("a", (10, -2), (5, -1), (0, 0)),
            issue("b", (1, -10), (0, -5), (-1, 0)),
            issue("c", (2, -40), (1, -20), (0, 0)),
        )
    )
    rolls = logrolls(sheet, classify_issues(sheet))
    assert [(r.our_issue, r.their_issue) for r in rolls] == [(0, 2), (0, 1)]
    assert all(r.gain_us > 0 and r.gain_them > 0 for r in rolls)
    mins = [min(r.gain_us, r.gain_them) for r in rolls]
    assert mins == sorted(mins, reverse=True)


# --- max joint, compromise -------------------------------------------------------


def test_max_joint_matches_brute_force_and_prefers_the_even_split() -> None:
    frontier = pareto_frontier(LOGROLL_SHEET)
    best = max_joint_point(frontier)
    assert best.joint == max(us + them for us, them, _ in all_points(LOGROLL_SHEET))
    even = Sheet((issue("a", (4, 0), (2, 2), (0, 4)),))
    assert max_joint_point(pareto_frontier(even)).package == (1,)


def test_compromise_cost_against_the_same_balance() -> None:
    sheet = Sheet(
        (
            issue("a", (10, 0), (5, 1), (0, 2)),  # we care more
            issue("b", (0, 10), (1, 5), (2, 0)),  # they care more
        )
    )
    result = compromise(sheet, pareto_frontier(sheet))
    assert result.package == (1, 1)
    assert (result.us, result.them) == (6, 6)
    assert result.efficient.package == (0, 0)
    assert (result.efficient.us, result.efficient.them) == (10, 10)
    assert (result.cost_us, result.cost_them) == (4, 4)
    assert not result.on_frontier


def test_compromise_already_efficient_costs_nothing() -> None:
    sheet = Sheet((issue("a", (10, 0), (5, 5), (0, 10)),))
    result = compromise(sheet, pareto_frontier(sheet))
    assert result.on_frontier and (result.cost_us, result.cost_them) == (0, 0)


# --- named packages --------------------------------------------------------------


def test_resolve_package_by_labels() -> None:
    named = {"remote": "remote2", "bonus": "BONUS1", "salary": "salary0", "vacation": "vacation0"}
    assert resolve_package(LOGROLL_SHEET, named) == (1, 2, 0, 0)


@pytest.mark.parametrize(
    ("named", "message"),
    [
        ({"perks": "x"}, "unknown issue 'perks'"),
        ({"bonus": "big"}, "unknown option 'big' for 'bonus'"),
        ({"bonus": "bonus0"}, "leaves out: remote, salary, vacation"),
        ({"bonus": "bonus0", "BONUS": "bonus1"}, "named twice"),
    ],
)
def test_resolve_package_errors(named: dict[str, str], message: str) -> None:
    with pytest.raises(PackageError, match=message):
        resolve_package(LOGROLL_SHEET, named)


def test_check_package_on_the_frontier() -> None:
    frontier = pareto_frontier(LOGROLL_SHEET)
    check = check_package(LOGROLL_SHEET, frontier, frontier[0].package)
    assert check.on_frontier and check.improvement is None
    assert (check.gain_us, check.gain_them) == (0, 0)
    assert check.slack_us == 0 and check.slack_them == 0


def test_check_package_finds_the_best_improvement_for_both() -> None:
    frontier = pareto_frontier(LOGROLL_SHEET)
    check = check_package(LOGROLL_SHEET, frontier, (1, 1, 1, 1))
    assert not check.on_frontier and check.improvement is not None
    assert check.improvement.dominates(check.us, check.them)
    best_min = max(
        min(us - check.us, them - check.them)
        for us, them, _ in all_points(LOGROLL_SHEET)
        if us >= check.us and them >= check.them
    )
    assert min(check.gain_us, check.gain_them) == best_min > 0


# --- properties on random sheets -------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(small_sheets(), st.data())
def test_insights_agree_with_brute_force(sheet: Sheet, data: st.DataObject) -> None:
    frontier = pareto_frontier(sheet)
    points = all_points(sheet)

    assert max_joint_point(frontier).joint == max(us + them for us, them, _ in points)

    comp = compromise(sheet, frontier)
    assert comp.cost_us >= 0 and comp.cost_them >= 0
    balance = comp.us - comp.them
    best_gap = min(
        abs(p.us - p.them - balance) for p in frontier if p.us >= comp.us and p.them >= comp.them
    )
    assert abs(comp.efficient.us - comp.efficient.them - balance) == best_gap

    us, them, package = data.draw(st.sampled_from(points))
    check = check_package(sheet, frontier, package)
    dominated = any(u >= us and t >= them and (u, t) != (us, them) for u, t, _ in points)
    assert check.on_frontier == (not dominated)
    if dominated:
        best_min = max(min(u - us, t - them) for u, t, _ in points if u >= us and t >= them)
        assert check.improvement is not None
        assert min(check.gain_us, check.gain_them) == best_min
        assert check.slack_us == max(u for u, t, _ in points if t >= them) - us
        assert check.slack_them == max(t for u, t, _ in points if u >= us) - them

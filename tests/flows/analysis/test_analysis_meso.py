"""MESO proposals: equal value to us (5%, relative to the value), different for them.

Every set ``analyze`` proposes must pass the checks ``bundle`` applies to packages a rep
types in: ``bundles_not_equivalent`` on the worths and ``single_issue`` on the terms.
"""

from __future__ import annotations

import itertools
import math
import random
import shlex
from fractions import Fraction

import pytest
from hypothesis import given, settings

from auxil.sheets import SAMPLE_CSV, random_sheet, small_sheets
from auxil.transcripts import Transcript, codes
from flows.analysis import analyze, parse_sheet_csv
from flows.analysis.equivalence import EQUIVALENCE_TOLERANCE, MESO_SPREAD, equivalent
from flows.analysis.frontier import FrontierPoint, package_value, pareto_frontier
from flows.analysis.insights import max_joint_point
from flows.analysis.meso import (
    MESO_COUNT,
    MESO_REACH,
    NEAR_FRONTIER,
    Meso,
    _levels,
    meso_proposals,
)
from flows.analysis.sheet import Issue, Option, Sheet
from flows.engine import default_library
from flows.replies import Reply


def issue(name: str, *options: tuple[int | str, int | str]) -> Issue:
    return Issue(
        name,
        tuple(
            Option(f"{name}{k}", Fraction(str(us)), Fraction(str(them)))
            for k, (us, them) in enumerate(options)
        ),
    )


def bounds(sheet: Sheet) -> tuple[Fraction, Fraction, Fraction]:
    """Our worst and best package totals, and their attainable range."""
    worst = sum((min(o.us for o in i.options) for i in sheet.issues), Fraction(0))
    best = sum((max(o.us for o in i.options) for i in sheet.issues), Fraction(0))
    their_range = sum(
        (max(o.them for o in i.options) - min(o.them for o in i.options) for i in sheet.issues),
        Fraction(0),
    )
    return worst, best, their_range


def gap(frontier: list[FrontierPoint], us: Fraction, them: Fraction) -> Fraction:
    """How much less than the frontier a package gives them, at its value to us."""
    return max(p.them for p in frontier if p.us >= us) - them


def differ(a: tuple[int, ...], b: tuple[int, ...]) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


def meso_of(sheet: Sheet) -> tuple[list[FrontierPoint], Meso]:
    frontier = pareto_frontier(sheet)
    return frontier, meso_proposals(sheet, frontier, max_joint_point(frontier).us)


def assert_passes_our_checks(sheet: Sheet, frontier: list[FrontierPoint], meso: Meso) -> None:
    """Every rule of flows.analysis.meso, checked from the sheet itself."""
    proposals = meso.proposals
    worst, best, their_range = bounds(sheet)
    assert (meso.worst_us, meso.best_us) == (worst, best)
    assert len(proposals) in (0, 2, 3)
    assert (meso.shortfall is None) == (len(proposals) == MESO_COUNT)
    assert [p.us for p in proposals] == sorted(p.us for p in proposals)
    if not proposals:
        return
    for point, below in zip(proposals, meso.below_frontier, strict=True):
        assert package_value(sheet, point.package) == (point.us, point.them)
        # On or near the frontier: at most 5% of their range short of it.
        assert gap(frontier, point.us, point.them) == below
        assert 0 <= below <= NEAR_FRONTIER * their_range
        # Near the biggest pie.
        assert abs(point.us - meso.target_us) <= MESO_REACH * (best - worst)
    # Worth counts from our worst package: 0-100, the scale of `bundle ... worth=`.
    worths = [
        Fraction(100) if best == worst else 100 * (p.us - worst) / (best - worst) for p in proposals
    ]
    assert worths == [meso.worth(p.us) for p in proposals]
    # The 5% bound, relative to the value: (max - min) / max <= 0.05 on worth, which is
    # max(us) - min(us) <= 0.05 * (max(us) - worst) in the sheet's own points.
    assert max(worths) - min(worths) <= Fraction(5, 100) * max(worths)
    assert proposals[-1].us - proposals[0].us <= Fraction(5, 100) * (proposals[-1].us - worst)
    # Our own check, on the exact worths and on the whole numbers the summary shows.
    assert equivalent(worths, EQUIVALENCE_TOLERANCE)
    assert equivalent([meso.whole_worth(p.us) for p in proposals], EQUIVALENCE_TOLERANCE)
    # Different: no pair the `single_issue` check would flag.
    for a, b in itertools.combinations(proposals, 2):
        assert differ(a.package, b.package) >= 2


# --- random sheets, seeded -----------------------------------------------------------


@pytest.mark.parametrize("seed", range(80))
def test_every_proposal_set_passes_our_checks(seed: int) -> None:
    rng = random.Random(seed)
    issues, options = rng.randint(1, 8), rng.randint(2, 5)
    low = rng.choice([-100, -10, 0])
    scale = rng.choice([1, 1, 3])
    sheet = random_sheet(seed, issues, options, (low, 100), (-100, 100), us_scale=scale)
    frontier, meso = meso_of(sheet)
    assert_passes_our_checks(sheet, frontier, meso)


def test_random_sheets_mostly_get_a_full_set() -> None:
    """Not a rule, a sanity check: on larger sheets three offers are the usual outcome."""
    sizes = []
    for seed in range(30):
        sheet = random_sheet(1000 + seed, 7, 5, (0, 100), (0, 100))
        sizes.append(len(meso_of(sheet)[1].proposals))
    assert sizes.count(3) >= 20


def brute_best_size(sheet: Sheet, frontier: list[FrontierPoint], target: Fraction) -> int:
    """The largest set meeting every rule, by trying every set of packages."""
    worst, best, their_range = bounds(sheet)
    reach = math.floor(MESO_REACH * (best - worst))
    span = best - worst
    candidates = []
    for package in itertools.product(*(range(len(i.options)) for i in sheet.issues)):
        us, them = package_value(sheet, package)
        if abs(us - target) <= reach and gap(frontier, us, them) <= NEAR_FRONTIER * their_range:
            worth = Fraction(100) if span == 0 else 100 * (us - worst) / span
            candidates.append((worth, package))
    for size in (3, 2):
        for chosen in itertools.combinations(candidates, size):
            worths = [w for w, _ in chosen]
            if not equivalent(worths, MESO_SPREAD):
                continue
            if not equivalent([math.floor(w + Fraction(1, 2)) for w in worths]):
                continue
            if all(differ(a, b) >= 2 for (_, a), (_, b) in itertools.combinations(chosen, 2)):
                return size
    return 0


@settings(max_examples=150, deadline=None)
@given(small_sheets(issues=(2, 3), options=(2, 3)))
def test_small_sheets_agree_with_brute_force(sheet: Sheet) -> None:
    frontier, meso = meso_of(sheet)
    assert_passes_our_checks(sheet, frontier, meso)
    assert len(meso.proposals) == brute_best_size(sheet, frontier, meso.target_us)


# --- hand-made sheets ----------------------------------------------------------------


def test_three_offers_on_a_sheet_scored_from_zero() -> None:
    sheet = Sheet(
        (
            issue("price", (0, 50), (15, 40), (30, 25), (45, 10), (60, 0)),
            issue("term", (0, 20), (8, 14), (16, 6), (24, 0)),
            issue("support", (0, 30), (10, 18), (20, 8), (30, 0)),
            issue("start", (0, 10), (6, 5), (12, 0)),
        )
    )
    frontier, meso = meso_of(sheet)
    assert_passes_our_checks(sheet, frontier, meso)
    assert meso.worst_us == 0 and len(meso.proposals) == 3 and meso.shortfall is None
    assert meso.below_frontier == (0, 0, 0)
    values = [p.us for p in meso.proposals]
    # Scored from 0, worth is the total scaled: (max - min) / max on the totals themselves.
    assert (values[-1] - values[0]) / values[-1] <= Fraction(5, 100)


def test_negative_points_count_from_our_worst_package() -> None:
    sheet = parse_sheet_csv(
        "issue,option,us,them\n"
        "salary,90k,0,-6000\nsalary,95k,-3000,-3000\nsalary,100k,-6000,0\n"
        "start,June,10,0\nstart,July,5,3\nstart,Sept,0,8\n"
        "bonus,none,0,-500\nbonus,5%,-400,-100\nbonus,10%,-800,0\n"
        "remote,0 days,300,-2000\nremote,2 days,150,-1000\nremote,5 days,0,0\n",
        "offer.csv",
    )
    frontier, meso = meso_of(sheet)
    assert_passes_our_checks(sheet, frontier, meso)
    assert meso.worst_us == -6800 and meso.proposals
    assert all(p.us < 0 for p in meso.proposals)  # negative totals, yet a true 0-100 worth


def test_one_issue_gives_no_set() -> None:
    sheet = Sheet((issue("a", (100, 0), (99, 1), (0, 100)),))
    _, meso = meso_of(sheet)
    assert meso.proposals == () and meso.shortfall == "one_issue"
    assert "single issue" in meso.note


def test_one_efficient_package_and_nothing_near_gives_no_set() -> None:
    sheet = Sheet((issue("a", (1, 1), (0, 0)), issue("b", (1, 1), (0, 0))))
    frontier, meso = meso_of(sheet)
    assert len(frontier) == 1
    assert meso.proposals == () and meso.shortfall == "too_few"
    assert meso.note.startswith("no two packages")


def test_two_when_no_third_fits() -> None:
    sheet = Sheet((issue("a", *[(k, -2 * k) for k in range(20)]), issue("b", (0, 0), (1, -1))))
    frontier, meso = meso_of(sheet)
    assert_passes_our_checks(sheet, frontier, meso)
    assert len(meso.proposals) == 2 and meso.shortfall == "too_few"
    assert meso.note.startswith("no 3 packages")


def test_a_near_package_fills_in_when_the_frontier_is_sparse() -> None:
    # The frontier points near the biggest pie differ on one issue only; a package just
    # below the frontier for them makes the second offer.
    sheet = Sheet(
        (
            issue("price", (100, 0), (60, 50), (0, 100)),
            issue("term", (10, 0), (0, 12)),
            issue("support", (10, 0), (0, 15)),
        )
    )
    frontier, meso = meso_of(sheet)
    assert_passes_our_checks(sheet, frontier, meso)
    assert len(meso.proposals) == 2
    assert meso.below_frontier[0] == 0 < meso.below_frontier[1]


def test_levels_leave_no_top_value_out() -> None:
    spread = MESO_SPREAD
    levels = sorted(_levels(1000, 1400, 600, spread))
    assert levels[0] <= 600 and levels[-1] <= 1400 < math.floor(levels[-1] / (1 - spread)) + 1
    # Level L covers every set whose highest value v has L <= v <= L / (1 - spread).
    for v in range(600, 1401):
        assert any(level <= v <= level / (1 - spread) for level in levels), v
    assert list(_levels(0, 10, 0, spread))[:3] == [0, 1, 2]


# --- end to end: typed back as bundles, no warning of ours fires ---------------------


@pytest.mark.parametrize(("seed", "offered"), [(0, 3), (4, 3), (5, 2), (9, 3)])
def test_proposals_typed_as_bundles_raise_no_warning(
    transcript: Transcript, seed: int, offered: int
) -> None:
    sheet = random_sheet(seed, 6, 4, (0, 100), (0, 100))
    _, meso = meso_of(sheet)
    assert len(meso.proposals) == offered
    transcript.run("new Acme\nbatna renew with the current vendor")
    for letter, point in zip("ABC", meso.proposals, strict=False):
        terms = " ".join(
            shlex.quote(f"{i.name}={i.options[k].label}")
            for i, k in zip(sheet.issues, point.package, strict=True)
        )
        reply = transcript.send(f"bundle {letter} {terms} worth={meso.whole_worth(point.us)}")
        assert isinstance(reply, Reply), reply
        assert not {"bundles_not_equivalent", "single_issue"} & set(codes(reply))


# --- the sentence when fewer are offered ----------------------------------------------


@pytest.mark.parametrize(
    ("offered", "reason", "expected"),
    [
        (2, "too_few", "Only 2 MESO offers, not 3"),
        (0, "too_few", "No MESO set"),
        (0, "one_issue", "single issue"),
    ],
)
def test_fewer_offered_is_one_plain_sentence(offered: int, reason: str, expected: str) -> None:
    text = default_library().reply(
        "meso_fewer", offered=offered, wanted=3, reason=reason, spread="5%", issues=2
    )
    assert expected in text
    assert "\n" not in text and text.endswith(".")
    # One sentence: no full stop, question or exclamation mark before the end.
    assert not any(mark in text[:-1] for mark in ".?!")
    if reason == "too_few":
        assert "within 5% of each other in value to us" in text and "2 issues" in text


def test_the_summary_says_why_fewer_are_offered() -> None:
    library = default_library()
    two = analyze(
        Sheet((issue("a", *[(k, -2 * k) for k in range(20)]), issue("b", (0, 0), (1, -1))))
    )
    lines = two.summary_lines(library)
    at = next(i for i, line in enumerate(lines) if line.startswith("MESO: 2 offers"))
    assert lines[at + 1].startswith("  A)") and lines[at + 2].startswith("  B)")
    assert lines[at + 3].startswith("Only 2 MESO offers, not 3:")
    none = analyze(parse_sheet_csv(SAMPLE_CSV, "offer.csv")).summary_lines(library)
    assert not any(line.startswith("MESO:") for line in none)
    assert any(line.startswith("No MESO set: near the biggest pie") for line in none)
    # Without the library (the pure layer alone) the plain note stands in.
    assert any(
        line.startswith("No MESO set: no two packages")
        for line in analyze(parse_sheet_csv(SAMPLE_CSV, "offer.csv")).summary_lines()
    )


def test_a_full_set_needs_no_sentence() -> None:
    sheet = random_sheet(0, 6, 4, (0, 100), (0, 100))
    lines = analyze(sheet).summary_lines(default_library())
    at = next(i for i, line in enumerate(lines) if line.startswith("MESO: 3 offers"))
    assert [line[:4] for line in lines[at + 1 : at + 4]] == ["  A)", "  B)", "  C)"]
    assert not any("MESO offers, not" in line or "No MESO set" in line for line in lines)

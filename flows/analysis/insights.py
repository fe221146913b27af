"""What the frontier means for the rep: issue types, logrolls, compromise cost, improvements.

Definitions used throughout (all exact, in :class:`~fractions.Fraction`):

* **Stakes** of a side on an issue: its range on that issue, best option minus worst.
  Comparing the two sides' stakes assumes both columns use comparable scales; a sheet
  that scores one side in dollars and the other in 1-100 points compares dollars to
  points.
* **Issue type**: *compatible* when one option is the best for both sides (this includes
  issues where a side does not care); otherwise *distributive* when the stakes are equal
  within :data:`STAKES_TOLERANCE` (10% of the larger stake), else *integrative*.
* **Middle option** of an issue: the middle of its options in listed order; with an even
  count, the one nearer the top of the list (position ``(n - 1) // 2``).
* **Logroll**: for an integrative issue that matters more to us and one that matters more
  to them, we take our best option on the first and they take theirs on the second. Gains
  are measured against taking the middle option on both; only pairs where both sides gain
  are suggested.
* **Compromise**: the package of all middle options, compared with the frontier package
  that is at least as good for both sides and whose balance (us minus them) is the closest
  to the compromise's. The difference, not the ratio, measures balance because ratios are
  meaningless when totals can be zero or negative.
* **MESO**: see :mod:`flows.analysis.meso`.
* **Improvement** of a named package: see :func:`check_package`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Literal

from flows.analysis.frontier import FrontierPoint, Package, package_value
from flows.analysis.sheet import Issue, Sheet

IssueKind = Literal["compatible", "distributive", "integrative"]

STAKES_TOLERANCE: Final = Fraction(1, 10)
"""Stakes count as equal when they differ by at most this share of the larger one."""


class PackageError(ValueError):
    """A named package that does not fit the sheet (unknown issue or option, missing issue)."""


@dataclass(frozen=True)
class IssueProfile:
    """How the two sides see one issue.

    Attributes:
        name: The issue's name.
        kind: compatible, distributive or integrative.
        stakes_us: Our range on the issue (best minus worst).
        stakes_them: Their range on the issue.
        best_for_us: Position of our best option (ties: the better for them, then earlier).
        best_for_them: Position of their best option (ties: the better for us, then earlier).
        middle: Position of the middle option in listed order.

    """

    name: str
    kind: IssueKind
    stakes_us: Fraction
    stakes_them: Fraction
    best_for_us: int
    best_for_them: int
    middle: int

    @property
    def matters_more_to(self) -> Literal["us", "them", "both"]:
        """Which side has more at stake, beyond the tolerance ("both" when equal)."""
        if stakes_equal(self.stakes_us, self.stakes_them):
            return "both"
        return "us" if self.stakes_us > self.stakes_them else "them"


@dataclass(frozen=True)
class Logroll:
    """A trade of two integrative issues.

    Attributes:
        our_issue: Index of the issue that matters more to us; we take our best option.
        their_issue: Index of the issue that matters more to them; they take their best.
        our_option: Our best option on ``our_issue``.
        their_option: Their best option on ``their_issue``.
        gain_us: What we gain against the middle option on both issues.
        gain_them: What they gain against the middle option on both issues.

    """

    our_issue: int
    their_issue: int
    our_option: int
    their_option: int
    gain_us: Fraction
    gain_them: Fraction


@dataclass(frozen=True)
class Compromise:
    """The all-middle package against the efficient package with the closest balance.

    Attributes:
        package: The middle option of each issue.
        us: Its value to us.
        them: Its value to them.
        efficient: The frontier package that is at least as good for both sides, with the
            balance (us - them) closest to the compromise's.

    """

    package: Package
    us: Fraction
    them: Fraction
    efficient: FrontierPoint

    @property
    def cost_us(self) -> Fraction:
        """What splitting the difference costs us, in our points."""
        return self.efficient.us - self.us

    @property
    def cost_them(self) -> Fraction:
        """What splitting the difference costs them, in their points."""
        return self.efficient.them - self.them

    @property
    def on_frontier(self) -> bool:
        """Whether the compromise is already efficient."""
        return self.cost_us == 0 and self.cost_them == 0


@dataclass(frozen=True)
class PackageCheck:
    """How far a named package is from the frontier.

    Attributes:
        package: The named package.
        us: Its value to us.
        them: Its value to them.
        on_frontier: True when no package is at least as good for both and better for one.
        slack_us: How much more we could get without them losing anything.
        slack_them: How much more they could get without us losing anything.
        improvement: The frontier package dominating it that maximises the smaller of the
            two gains (None when the package is on the frontier).

    """

    package: Package
    us: Fraction
    them: Fraction
    on_frontier: bool
    slack_us: Fraction
    slack_them: Fraction
    improvement: FrontierPoint | None

    @property
    def gain_us(self) -> Fraction:
        """What the improvement gives us (0 when there is none)."""
        return Fraction(0) if self.improvement is None else self.improvement.us - self.us

    @property
    def gain_them(self) -> Fraction:
        """What the improvement gives them (0 when there is none)."""
        return Fraction(0) if self.improvement is None else self.improvement.them - self.them


def stakes_equal(a: Fraction, b: Fraction, tolerance: Fraction = STAKES_TOLERANCE) -> bool:
    """Whether two stakes are equal within ``tolerance`` of the larger one.

    Args:
        a: One side's stakes (non-negative).
        b: The other side's stakes (non-negative).
        tolerance: The allowed difference as a share of the larger stake.

    Returns:
        True when ``|a - b| <= tolerance * max(a, b)``.

    """
    return abs(a - b) <= tolerance * max(a, b)


def middle_index(count: int) -> int:
    """Return the middle position among ``count`` listed options (nearer the top if even).

    Args:
        count: The number of options.

    Returns:
        ``(count - 1) // 2``.

    """
    return (count - 1) // 2


def classify_issue(issue: Issue, tolerance: Fraction = STAKES_TOLERANCE) -> IssueProfile:
    """Work out an issue's type and stakes.

    Args:
        issue: The issue.
        tolerance: Stakes within this share of the larger one count as equal.

    Returns:
        The issue's profile.

    """
    options = issue.options
    max_us = max(option.us for option in options)
    max_them = max(option.them for option in options)
    stakes_us = max_us - min(option.us for option in options)
    stakes_them = max_them - min(option.them for option in options)
    positions = range(len(options))
    # Ties go to the option better for the other side, then to the earlier one: a
    # side that does not care between two options should take the one the other prefers.
    best_us = min(positions, key=lambda i: (-options[i].us, -options[i].them, i))
    best_them = min(positions, key=lambda i: (-options[i].them, -options[i].us, i))
    kind: IssueKind
    if any(option.us == max_us and option.them == max_them for option in options):
        kind = "compatible"
    elif stakes_equal(stakes_us, stakes_them, tolerance):
        kind = "distributive"
    else:
        kind = "integrative"
    return IssueProfile(
        issue.name,
        kind,
        stakes_us,
        stakes_them,
        best_us,
        best_them,
        middle_index(len(options)),
    )


def classify_issues(sheet: Sheet, tolerance: Fraction = STAKES_TOLERANCE) -> list[IssueProfile]:
    """Classify every issue of a sheet, in sheet order.

    Args:
        sheet: The scoring sheet.
        tolerance: Stakes within this share of the larger one count as equal.

    Returns:
        One profile per issue.

    """
    return [classify_issue(issue, tolerance) for issue in sheet.issues]


def max_joint_point(frontier: Sequence[FrontierPoint]) -> FrontierPoint:
    """Return a package with the largest joint total.

    Such a package is always on the frontier (a dominating package would have a larger
    total). Among several, the most even one (smallest ``|us - them|``) is returned, then
    the better for us.

    Args:
        frontier: The non-empty Pareto frontier.

    Returns:
        The chosen frontier point.

    """
    return min(frontier, key=lambda p: (-p.joint, abs(p.us - p.them), -p.us))


def logrolls(sheet: Sheet, profiles: Sequence[IssueProfile]) -> list[Logroll]:
    """Suggest trades between integrative issues that leave both sides better off.

    Args:
        sheet: The scoring sheet.
        profiles: The issues' profiles, in sheet order.

    Returns:
        Every pair (an issue that matters more to us, one that matters more to them)
        where both sides gain against the middle option on both issues, best first: the
        larger smaller gain, then the larger joint gain, then sheet order.

    """
    ours = [
        i for i, p in enumerate(profiles) if p.kind == "integrative" and p.matters_more_to == "us"
    ]
    theirs = [
        i for i, p in enumerate(profiles) if p.kind == "integrative" and p.matters_more_to == "them"
    ]
    found: list[Logroll] = []
    for a in ours:
        for b in theirs:
            issue_a, issue_b = sheet.issues[a], sheet.issues[b]
            pa, pb = profiles[a], profiles[b]
            take, give = issue_a.options[pa.best_for_us], issue_b.options[pb.best_for_them]
            mid_a, mid_b = issue_a.options[pa.middle], issue_b.options[pb.middle]
            gain_us = take.us + give.us - mid_a.us - mid_b.us
            gain_them = take.them + give.them - mid_a.them - mid_b.them
            if gain_us > 0 and gain_them > 0:
                found.append(Logroll(a, b, pa.best_for_us, pb.best_for_them, gain_us, gain_them))
    found.sort(
        key=lambda r: (-min(r.gain_us, r.gain_them), -(r.gain_us + r.gain_them), r.our_issue)
    )
    return found


def compromise(sheet: Sheet, frontier: Sequence[FrontierPoint]) -> Compromise:
    """Price the all-middle compromise against the efficient package with the same balance.

    Args:
        sheet: The scoring sheet.
        frontier: Its Pareto frontier.

    Returns:
        The comparison. The efficient package weakly dominates the compromise, so both
        costs are zero or positive; ties on balance go to the larger joint total, then
        to the better for us.

    """
    package = tuple(middle_index(len(issue.options)) for issue in sheet.issues)
    us, them = package_value(sheet, package)
    balance = us - them
    # Some frontier point always weakly dominates any package, so this is never empty.
    candidates = [p for p in frontier if p.us >= us and p.them >= them]
    efficient = min(candidates, key=lambda p: (abs(p.us - p.them - balance), -p.joint, -p.us))
    return Compromise(package, us, them, efficient)


def resolve_package(sheet: Sheet, named: Mapping[str, str]) -> Package:
    """Turn an ``{issue: option label}`` mapping into a package.

    Names match exactly, or else case-insensitively when that is unambiguous.

    Args:
        sheet: The scoring sheet.
        named: One option label per issue.

    Returns:
        The package.

    Raises:
        PackageError: On an unknown issue or option, or an issue left out.

    """
    chosen: dict[int, int] = {}
    for issue_name, label in named.items():
        index = _match([issue.name for issue in sheet.issues], issue_name)
        if index is None:
            known = ", ".join(issue.name for issue in sheet.issues)
            raise PackageError(f"unknown issue {issue_name!r} (issues: {known})")
        issue = sheet.issues[index]
        option = _match([o.label for o in issue.options], label)
        if option is None:
            known = ", ".join(o.label for o in issue.options)
            raise PackageError(f"unknown option {label!r} for {issue.name!r} (options: {known})")
        if index in chosen:
            raise PackageError(f"issue {issue.name!r} named twice")
        chosen[index] = option
    missing = [issue.name for i, issue in enumerate(sheet.issues) if i not in chosen]
    if missing:
        raise PackageError(f"the package leaves out: {', '.join(missing)}")
    return tuple(chosen[i] for i in range(len(sheet.issues)))


def _match(names: Sequence[str], wanted: str) -> int | None:
    wanted = wanted.strip()
    if wanted in names:
        return names.index(wanted)
    folded = [i for i, name in enumerate(names) if name.casefold() == wanted.casefold()]
    return folded[0] if len(folded) == 1 else None


def check_package(
    sheet: Sheet, frontier: Sequence[FrontierPoint], package: Package
) -> PackageCheck:
    """Measure how far a package is from the frontier and how to improve it for both.

    The best improvement is the frontier package that dominates it and maximises the
    smaller of the two gains (then the joint gain, then our gain): the post-settlement
    improvement both sides can most easily accept. Searching the frontier is enough,
    since any dominating package is itself weakly dominated by a frontier package.

    Args:
        sheet: The scoring sheet.
        frontier: Its Pareto frontier.
        package: The package to check.

    Returns:
        The package's value, whether it is efficient, the one-sided slack for each side
        and the best improvement.

    """
    us, them = package_value(sheet, package)
    dominating = [p for p in frontier if p.dominates(us, them)]
    slack_us = max((p.us for p in frontier if p.them >= them), default=us) - us
    slack_them = max((p.them for p in frontier if p.us >= us), default=them) - them
    improvement = (
        min(
            dominating,
            key=lambda p: (-min(p.us - us, p.them - them), -(p.joint - us - them), -p.us),
        )
        if dominating
        else None
    )
    return PackageCheck(package, us, them, not dominating, slack_us, slack_them, improvement)

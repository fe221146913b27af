"""The exact Pareto frontier of whole packages, without enumerating every package.

A package picks one option per issue; its value is the sum of the options' points for
each side. A package is on the frontier when no other package is at least as good for
both sides and better for one.

The frontier is built issue by issue. After adding an issue, every partial package (an
option for each issue so far) whose partial sums are dominated by, or equal to, another
partial package's is dropped. This is exact: whatever options complete the dominated
partial package, the same options added to its dominator give a package at least as good
for both sides, so dropping it never loses a frontier point. The work per issue is the
size of the partial frontier times the number of options, instead of the product of all
option counts.

Arithmetic is exact. All points are first scaled to integers (each side by the least
common multiple of its denominators; scaling one side by a positive constant does not
change which packages dominate which), merged in integer arithmetic for speed, and turned
back into :class:`~fractions.Fraction` at the end.

The running time grows with the size of the frontier, not with the number of packages.
Real sheets have small frontiers (tens to a few thousand points), but a sheet that is
almost exactly zero-sum with irregular values makes nearly every package efficient, so
the frontier itself has millions of points. Rather than run for minutes, the merge stops
with :class:`FrontierTooLargeError` once a partial frontier passes ``max_points``
(:data:`MAX_FRONTIER_POINTS` by default); the answer is exact or refused, never
approximated.

When several packages reach the same point, the one kept is the lexicographically
smallest in option positions, i.e. the one preferring options listed earlier, first
issue first. That choice is global, not an accident of the merge: the prefix of that
package is never dominated (else the point would be), and among equal prefixes the
smallest is kept.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, TypeVar

from flows.analysis.sheet import Sheet, SheetError

Package = tuple[int, ...]
"""A package as the position of the chosen option in each issue, in sheet order."""

N = TypeVar("N", int, Fraction)

MAX_FRONTIER_POINTS: Final = 20_000
"""The largest partial frontier the merge accepts before giving up (see the module doc)."""


class FrontierTooLargeError(SheetError):
    """The sheet's frontier is too large to compute and show in reasonable time."""


@dataclass(frozen=True)
class FrontierPoint:
    """A package and its value to each side.

    Attributes:
        us: Total points for us.
        them: Total estimated points for them.
        package: The chosen option position for each issue, in sheet order.

    """

    us: Fraction
    them: Fraction
    package: Package

    @property
    def joint(self) -> Fraction:
        """The joint total, us + them."""
        return self.us + self.them

    def dominates(self, us: Fraction, them: Fraction) -> bool:
        """Whether this point is at least as good for both and better for one.

        Args:
            us: The other point's value to us.
            them: The other point's value to them.

        Returns:
            True when this point Pareto-dominates ``(us, them)``.

        """
        return self.us >= us and self.them >= them and (self.us, self.them) != (us, them)


def package_value(sheet: Sheet, package: Sequence[int]) -> tuple[Fraction, Fraction]:
    """Return the (us, them) value of a package.

    Args:
        sheet: The scoring sheet.
        package: One option position per issue, in sheet order.

    Returns:
        The package's total points for us and for them.

    Raises:
        ValueError: If the package does not name one option per issue.

    """
    if len(package) != len(sheet.issues):
        raise ValueError(f"a package needs {len(sheet.issues)} options, got {len(package)}")
    us = Fraction(0)
    them = Fraction(0)
    for issue, index in zip(sheet.issues, package, strict=True):
        option = issue.options[index]
        us += option.us
        them += option.them
    return us, them


def pareto_frontier(
    sheet: Sheet, max_points: int | None = MAX_FRONTIER_POINTS
) -> list[FrontierPoint]:
    """Compute the exact Pareto frontier of whole packages.

    Args:
        sheet: The scoring sheet.
        max_points: Give up when a partial frontier has more points than this
            (None: never give up).

    Returns:
        One point per distinct non-dominated (us, them) value, with one package reaching
        it, ordered from the best for us to the best for them (us descending, so them
        ascending).

    Raises:
        FrontierTooLargeError: If a partial frontier passes ``max_points``.

    """
    us_scale = _common_denominator(option.us for issue in sheet.issues for option in issue.options)
    them_scale = _common_denominator(
        option.them for issue in sheet.issues for option in issue.options
    )
    scaled = [
        [(int(option.us * us_scale), int(option.them * them_scale)) for option in issue.options]
        for issue in sheet.issues
    ]
    partial: list[tuple[int, int, Package]] = [(0, 0, ())]
    for options in scaled:
        candidates = [
            (us + option_us, them + option_them, (*package, index))
            for us, them, package in partial
            for index, (option_us, option_them) in enumerate(options)
        ]
        partial = prune_dominated(candidates)
        if max_points is not None and len(partial) > max_points:
            raise FrontierTooLargeError(
                f"{sheet.source}: more than {max_points:,} efficient packages after "
                f"{len(partial[0][2])} issues: the sheet is almost zero-sum, so nearly every "
                "package is efficient; score the options in coarser steps"
            )
    return [
        FrontierPoint(Fraction(us, us_scale), Fraction(them, them_scale), package)
        for us, them, package in partial
    ]


def prune_dominated(points: Iterable[tuple[N, N, Package]]) -> list[tuple[N, N, Package]]:
    """Keep the non-dominated points, one per distinct value, us descending.

    Works for any totally ordered numbers (ints, fractions). Among equal points the
    smallest package is kept.

    Args:
        points: ``(us, them, package)`` triples.

    Returns:
        The non-dominated triples, us descending and them ascending.

    """
    kept: list[tuple[N, N, Package]] = []
    best_them: N | None = None
    # Sorted by us descending, a point survives only if it beats the best "them" seen so
    # far; ties on both values fall to the earlier (smaller) package.
    for us, them, package in sorted(points, key=lambda p: (-p[0], -p[1], p[2])):
        if best_them is None or them > best_them:
            kept.append((us, them, package))
            best_them = them
    return kept


def _common_denominator(values: Iterable[Fraction]) -> int:
    return math.lcm(1, *(value.denominator for value in values))

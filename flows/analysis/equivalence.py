"""When offers count as equal in value to us: one rule for ``bundle`` and ``analyze``.

The ``bundle`` command warns ``bundles_not_equivalent`` when the worths the user gives
(0-100, how good each package is for us) differ by more than :data:`EQUIVALENCE_TOLERANCE`
of the largest. The MESO proposals of ``analyze`` are held to :data:`MESO_SPREAD`, derived
from that tolerance rather than set beside it, so the two cannot drift apart.

Why half the tolerance, not all of it: the proposals are meant to be typed back as bundles.
Their worths are then whole numbers, each rounded by up to half a point, and often nudged a
point or two when the rep re-estimates them. A set built right at the 10% edge would trip
our own warning on the first such nudge; built at 5%, it keeps the other half as room.

:data:`MIN_DIFFERING_ISSUES` is the other half of "our own check": ``bundle`` warns
``single_issue`` when two packages differ on one term only, so proposals differ on two
or more.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Final

EQUIVALENCE_TOLERANCE: Final = Fraction(1, 10)
"""Packages are equivalent for us when ``max - min <= EQUIVALENCE_TOLERANCE * max``."""

MESO_SPREAD: Final = EQUIVALENCE_TOLERANCE / 2
"""MESO proposals keep ``max - min <= MESO_SPREAD * max`` (5%; see the module doc)."""

MIN_DIFFERING_ISSUES: Final = 2
"""Two packages on the table differ on at least this many issues."""


def equivalent(
    values: Iterable[Fraction | int], tolerance: Fraction = EQUIVALENCE_TOLERANCE
) -> bool:
    """Whether values to us are equal within ``tolerance`` of the largest.

    The values are measured from a true zero (a ``worth=`` of 0-100, or a package's value
    above our worst package), so they are never negative and a share of them means
    something. All zero counts as equal.

    Args:
        values: The values, each zero or more.
        tolerance: The allowed gap as a share of the largest value.

    Returns:
        True when ``max - min <= tolerance * max``, i.e. ``(max - min) / max <= tolerance``
        for a positive ``max``; True for fewer than two values.

    Raises:
        ValueError: If a value is negative.

    """
    seen = list(values)
    if any(value < 0 for value in seen):
        raise ValueError("values to compare must be zero or more")
    if len(seen) < 2:
        return True
    high = max(seen)
    return high - min(seen) <= tolerance * high

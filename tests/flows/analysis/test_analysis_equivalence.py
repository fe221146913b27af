"""One equivalence rule for ``bundle`` and ``analyze``."""

from __future__ import annotations

from fractions import Fraction

import pytest

from flows.analysis.equivalence import (
    EQUIVALENCE_TOLERANCE,
    MESO_SPREAD,
    MIN_DIFFERING_ISSUES,
    equivalent,
)


def test_meso_keeps_to_half_the_bundle_tolerance() -> None:
    assert Fraction(1, 10) == EQUIVALENCE_TOLERANCE
    assert MESO_SPREAD == EQUIVALENCE_TOLERANCE / 2 == Fraction(5, 100)
    assert MIN_DIFFERING_ISSUES == 2


@pytest.mark.parametrize(
    ("values", "tolerance", "expected"),
    [
        ([100, 90], EQUIVALENCE_TOLERANCE, True),  # exactly 10%: still equal
        ([100, 89], EQUIVALENCE_TOLERANCE, False),
        ([70, 63], EQUIVALENCE_TOLERANCE, True),  # 0.1 * 70 is not exact in floats
        ([100, 95], MESO_SPREAD, True),
        ([100, 94], MESO_SPREAD, False),
        ([Fraction(21, 2), 10], MESO_SPREAD, True),  # 0.5 / 10.5 < 5%
        ([0, 0], EQUIVALENCE_TOLERANCE, True),
        ([5, 0], EQUIVALENCE_TOLERANCE, False),
        ([42], EQUIVALENCE_TOLERANCE, True),
        ([], EQUIVALENCE_TOLERANCE, True),
    ],
)
def test_equivalent(values: list[Fraction | int], tolerance: Fraction, expected: bool) -> None:
    assert equivalent(values, tolerance) is expected


def test_negative_values_have_no_share() -> None:
    with pytest.raises(ValueError, match="zero or more"):
        equivalent([10, -1])

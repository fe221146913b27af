"""Random scoring sheets for analysis tests (speed itself is measured in tests/bench)."""

from __future__ import annotations

import random
from fractions import Fraction

from hypothesis import strategies as st

from flows.analysis.sheet import Issue, Option, Sheet

_POINTS = st.integers(min_value=-6, max_value=6).map(Fraction)


@st.composite
def small_sheets(
    draw: st.DrawFn, issues: tuple[int, int] = (1, 4), options: tuple[int, int] = (2, 4)
) -> Sheet:
    """A hypothesis strategy: a sheet small enough to check against brute force."""
    drawn = []
    for n in range(draw(st.integers(min_value=issues[0], max_value=issues[1]))):
        count = draw(st.integers(min_value=options[0], max_value=options[1]))
        drawn.append(
            Issue(
                f"i{n}", tuple(Option(f"o{k}", draw(_POINTS), draw(_POINTS)) for k in range(count))
            )
        )
    return Sheet(tuple(drawn))


def random_sheet(
    seed: int,
    issues: int,
    options: int,
    us: tuple[int, int],
    them: tuple[int, int],
    us_scale: int = 1,
) -> Sheet:
    """A deterministic sheet with whole-number points drawn from the given ranges."""
    rng = random.Random(seed)
    return Sheet(
        tuple(
            Issue(
                f"issue {n}",
                tuple(
                    Option(
                        f"opt {k}",
                        Fraction(rng.randint(*us), us_scale),
                        Fraction(rng.randint(*them)),
                    )
                    for k in range(options)
                ),
            )
            for n in range(issues)
        )
    )


# A small hiring sheet (negative points allowed) that the CLI and Slack tests both read.
SAMPLE_CSV = """issue,option,us,them
salary,90k,0,-6000
salary,95k,-3000,-3000
salary,100k,-6000,0
remote,0 days,300,-2000
remote,2 days,150,-1000
remote,5 days,0,0
"""

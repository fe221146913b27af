"""A rep's scored rehearsals over time: joint value as a share of the best, trend and bests.

A rehearsal counts once it ended with a deal or a walk (a stopped one was never scored).
The trend compares the mean share of the last :data:`TREND_WINDOW` rehearsals with the
mean of the ones before them (at most as many); a change under :data:`STEADY_WITHIN` of
the best possible reads as steady.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Literal

TREND_WINDOW: Final = 3
STEADY_WITHIN: Final = Fraction(5, 100)

Trend = Literal["better", "worse", "steady", ""]


@dataclass(frozen=True)
class Scored:
    """One scored rehearsal.

    Attributes:
        name: The practice deal's name.
        scenario: The scenario's title (a rehearsed real deal: its name).
        style: The counterpart's style.
        share: Joint value reached as a share of the largest joint value on the frontier.
        rep_points: The rep's points.
        walkaway: The rep's walk-away in points.

    """

    name: str
    scenario: str
    style: str
    share: Fraction
    rep_points: Fraction
    walkaway: Fraction


def share_of_best(joint: Fraction, best: Fraction) -> Fraction:
    """Joint value as a share of the best possible (0 when the best is not positive)."""
    return joint / best if best > 0 else Fraction(0)


def trend(shares: list[Fraction]) -> tuple[Trend, Fraction]:
    """Better, worse or steady over the last few rehearsals, and the change in share.

    Returns ``("", 0)`` with fewer than two rehearsals.
    """
    if len(shares) < 2:
        return "", Fraction(0)
    window = min(TREND_WINDOW, len(shares) // 2 or 1)
    recent = shares[-window:]
    before = shares[-2 * window : -window]
    change = sum(recent, Fraction(0)) / len(recent) - sum(before, Fraction(0)) / len(before)
    if abs(change) < STEADY_WITHIN:
        return "steady", change
    return ("better" if change > 0 else "worse"), change


def bests(scored: list[Scored]) -> list[tuple[str, Scored]]:
    """Each scenario's best rehearsal (highest share; the earliest on a tie), by title."""
    best: dict[str, Scored] = {}
    for item in scored:
        if item.scenario not in best or item.share > best[item.scenario].share:
            best[item.scenario] = item
    return sorted(best.items())

"""MESO proposals: two or three packages of equal value to us that differ for them.

A MESO set passes the same checks the ``bundle`` command applies to packages the rep
types in (see :mod:`flows.analysis.equivalence`). Precisely, for the proposals of one set:

* **Worth** to us is measured from a true zero, our worst package:
  ``worth = 100 * (us - worst) / (best - worst)``, where ``worst`` and ``best`` are our
  lowest and highest package totals (every package is worth 100 when all are the same to
  us). It is the 0-100 scale of ``bundle ... worth=``. Sheet points may be negative or
  start anywhere, so a share of the raw total would mean nothing (5% of -3,000?); on a
  sheet scored from 0 up (our least-liked option of each issue scores 0) ``worst`` is 0
  and worth is the total times a constant.
* **Equal value**: ``max(worth) - min(worth) <= MESO_SPREAD * max(worth)``, that is
  ``(max - min) / max <= 0.05`` on worth; in sheet points
  ``max(us) - min(us) <= 0.05 * (max(us) - worst)``. The worths rounded to whole numbers,
  as the summary shows them for ``worth=``, also pass the ``bundles_not_equivalent``
  check (10%).
* **Different**: any two proposals differ on at least ``MIN_DIFFERING_ISSUES`` (2) issues;
  ``bundle`` warns ``single_issue`` on a pair that differs on one.
* **Good for them**: each proposal is on the Pareto frontier or near it: its value to
  them is at most ``NEAR_FRONTIER`` (5%) of their attainable range below the most they
  can get from a package worth at least as much to us (its *gap*, 0 on the frontier).

Choice. The proposals stay near ``target_us`` (the report uses the biggest-pie package):
within :data:`MESO_REACH` (10%) of our attainable range of it. Of the sets that meet the
rules there, the one kept is the largest, then the one with the smallest worst gap, then
the closest to the target, then the one whose offers differ most for them (their pick
tells us more).

Search. Sets are sought in *bands* of our value: around a level ``v`` (value above our
worst package), ``[0.95 v, v / 0.95]``, the values any valid set reaching ``v`` can take.
Bands go out from the target, nearest first, spaced so that together they leave no set
out (:func:`_levels`). A band's pool is its frontier points (an even sample when there
are many); while those fall short of a full set on the frontier, the packages with the
smallest gaps join them, found by a depth-first search over the issues that drops a
partial package as soon as no completion of it can land in the band near the frontier
(the most they can still get is bounded exactly by the Pareto frontier of the remaining
issues).

Arithmetic is exact: points are scaled to integers per side, as in
:mod:`flows.analysis.frontier`. The search is bounded (:data:`NODE_BUDGET` nodes for the
near packages of all bands, :data:`MAX_BANDS` bands), so a huge sheet gets a good set
rather than the best one, never a slow answer.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations, islice
from typing import Final, Literal

from flows.analysis.equivalence import (
    EQUIVALENCE_TOLERANCE,
    MESO_SPREAD,
    MIN_DIFFERING_ISSUES,
    equivalent,
)
from flows.analysis.frontier import MAX_FRONTIER_POINTS, FrontierPoint, Package, prune_dominated
from flows.analysis.sheet import Sheet

MESO_COUNT: Final = 3
"""At most this many proposals."""

NEAR_FRONTIER: Final = Fraction(5, 100)
"""A proposal may give them at most this share of their attainable range less than the
frontier does at the same value to us."""

WORTH_SCALE: Final = 100
"""Worth runs from 0 (our worst package) to this (our best), as ``bundle ... worth=``."""

POOL_PER_SOURCE: Final = 16
"""Frontier points, and near packages, kept in one band's pool (each)."""

NODE_BUDGET: Final = 50_000
"""Search nodes allowed for the near packages of all bands together."""

MESO_REACH: Final = Fraction(1, 10)
"""Proposals stay within this share of our attainable range of ``target_us``."""

MAX_BANDS: Final = 400
"""Bands tried at most: 5% steps cover a million to one in about 290."""

Shortfall = Literal["one_issue", "too_few"]


@dataclass(frozen=True)
class Meso:
    """Multiple equivalent simultaneous offers.

    Attributes:
        proposals: Up to ``wanted`` packages, us ascending; empty when no two qualify.
        below_frontier: For each proposal, how much less it gives them than the frontier
            does at the same value to us (0 when it is on the frontier).
        target_us: Our value the proposals were centred on.
        worst_us: Our worst package total (worth 0).
        best_us: Our best package total (worth 100).
        note: How they were picked, or why fewer than ``wanted`` are offered.
        shortfall: None when ``wanted`` proposals are offered; else why not:
            ``one_issue`` (the sheet has a single issue) or ``too_few`` (not enough
            packages meet the rules).
        spread: The largest allowed ``(max - min) / max`` of the proposals' worths.
        wanted: How many proposals were sought.

    """

    proposals: tuple[FrontierPoint, ...]
    below_frontier: tuple[Fraction, ...]
    target_us: Fraction
    worst_us: Fraction
    best_us: Fraction
    note: str
    shortfall: Shortfall | None = None
    spread: Fraction = MESO_SPREAD
    wanted: int = MESO_COUNT

    def worth(self, us: Fraction) -> Fraction:
        """A value to us on the 0-100 worth scale (see the module doc).

        Args:
            us: A package's value to us.

        Returns:
            Its worth.

        """
        if self.best_us == self.worst_us:
            return Fraction(WORTH_SCALE)
        return WORTH_SCALE * (us - self.worst_us) / (self.best_us - self.worst_us)

    def whole_worth(self, us: Fraction) -> int:
        """The worth rounded to a whole number (halves up), as ``worth=`` takes it.

        Args:
            us: A package's value to us.

        Returns:
            The rounded worth.

        """
        return math.floor(self.worth(us) + Fraction(1, 2))


@dataclass(frozen=True)
class _Candidate:
    us: int
    them: int
    gap: int
    package: Package


class _Search:
    """The sheet in scaled integers, with what the band searches need."""

    def __init__(self, sheet: Sheet, frontier: Sequence[FrontierPoint]) -> None:
        issues = sheet.issues
        self.us_scale = math.lcm(1, *(o.us.denominator for i in issues for o in i.options))
        self.them_scale = math.lcm(1, *(o.them.denominator for i in issues for o in i.options))
        self.options = [
            [(int(o.us * self.us_scale), int(o.them * self.them_scale)) for o in issue.options]
            for issue in issues
        ]
        lows = [min(u for u, _ in options) for options in self.options]
        self.worst = sum(lows)
        self.best = sum(max(u for u, _ in options) for options in self.options)
        # rem_min_us[i]: the least we can get from issues i onward.
        self.rem_min_us = [sum(lows[i:]) for i in range(len(lows) + 1)]
        their_range = sum(
            max(t for _, t in options) - min(t for _, t in options) for options in self.options
        )
        self.near = NEAR_FRONTIER * their_range
        points = sorted(
            (int(p.us * self.us_scale), int(p.them * self.them_scale), p.package) for p in frontier
        )
        self.frontier = [_Candidate(u, t, 0, package) for u, t, package in points]
        self.stair_us = [c.us for c in self.frontier]
        self.nodes_left = NODE_BUDGET

    @functools.cached_property
    def suffix(self) -> list[tuple[list[int], list[int]]] | None:
        """Built on first use: most sheets find their set among frontier points alone."""
        return self._suffix_frontiers()

    def _suffix_frontiers(self) -> list[tuple[list[int], list[int]]] | None:
        """The Pareto frontier of issues i..n for every i, us ascending (None if too big)."""
        suffix = [([0], [0])]
        for options in reversed(self.options):
            us_list, them_list = suffix[0]
            merged = prune_dominated(
                (u + ou, t + ot, ())
                for u, t in zip(us_list, them_list, strict=True)
                for ou, ot in options
            )
            if len(merged) > MAX_FRONTIER_POINTS:
                return None
            merged.reverse()
            suffix.insert(0, ([u for u, _, _ in merged], [t for _, t, _ in merged]))
        return suffix

    def stair(self, us: int) -> int | None:
        """The most they can get from a package worth at least ``us`` to us."""
        index = bisect.bisect_left(self.stair_us, us)
        return self.frontier[index].them if index < len(self.frontier) else None

    def band(self, level: int, spread: Fraction) -> tuple[int, int]:
        """Our totals a valid set reaching ``worst + level`` can take."""
        low = self.worst + math.ceil((1 - spread) * level)
        high = self.worst + math.floor(level / (1 - spread))
        return low, min(high, self.best)

    def pool(self, low: int, high: int, near: bool) -> list[_Candidate]:
        """Frontier points, and near packages if ``near``, with our total in the band.

        Returns:
            At most POOL_PER_SOURCE of each kind, us ascending.

        """
        on = self.frontier[
            bisect.bisect_left(self.stair_us, low) : bisect.bisect_right(self.stair_us, high)
        ]
        if len(on) > POOL_PER_SOURCE:
            step = (len(on) - 1) / (POOL_PER_SOURCE - 1)
            on = [on[round(k * step)] for k in range(POOL_PER_SOURCE)]
        found = {c.package: c for c in on}
        for candidate in self._near(low, high) if near else ():
            found.setdefault(candidate.package, candidate)
        return sorted(found.values(), key=lambda c: (c.us, -c.them, c.package))

    def _near(self, low: int, high: int) -> list[_Candidate]:
        """The packages in the band with the smallest gaps (at most POOL_PER_SOURCE)."""
        if self.suffix is None or self.stair(low) is None or low > high:
            return []
        suffix = self.suffix
        # stair() falls as our total rises, so stair(high) is the least any package in
        # the band must nearly reach for them.
        stair_high = self.stair(high)
        assert stair_high is not None  # high >= low and stair(low) exists
        limit: Fraction | int = self.near
        kept: list[_Candidate] = []
        count = len(self.options)

        def best_them_after(index: int, need_us: int) -> int | None:
            us_list, them_list = suffix[index]
            at = bisect.bisect_left(us_list, need_us)
            return them_list[at] if at < len(us_list) else None

        def visit(index: int, us: int, them: int, package: Package) -> None:
            nonlocal limit, kept
            self.nodes_left -= 1
            if self.nodes_left < 0:
                return
            if index == count:
                best = self.stair(us)
                if best is not None and low <= us <= high and best - them <= limit:
                    kept.append(_Candidate(us, them, best - them, package))
                    if len(kept) > 4 * POOL_PER_SOURCE:
                        kept.sort(key=lambda c: (c.gap, c.package))
                        kept = kept[:POOL_PER_SOURCE]
                        limit = kept[-1].gap
                return
            steps = []
            for position, (option_us, option_them) in enumerate(self.options[index]):
                next_us, next_them = us + option_us, them + option_them
                if next_us + self.rem_min_us[index + 1] > high:
                    continue
                most = best_them_after(index + 1, low - next_us)
                if most is None or next_them + most < stair_high - limit:
                    continue
                steps.append((-(next_them + most), position, next_us, next_them))
            for _, position, next_us, next_them in sorted(steps):
                visit(index + 1, next_us, next_them, (*package, position))

        visit(0, 0, 0, ())
        kept.sort(key=lambda c: (c.gap, c.package))
        return kept[:POOL_PER_SOURCE]


def _levels(start: int, top: int, bottom: int, spread: Fraction) -> Iterator[int]:
    """Band levels (values above our worst, scaled) from ``start``, nearest first.

    A valid set whose highest value is ``v`` lies in ``[(1 - spread) v, v]``, which is
    inside the band of level ``L`` whenever ``L <= v <= L / (1 - spread)``. The levels go
    up and down from ``start`` in turn, each next one as far as that allows (values are
    whole numbers), so together they leave out no set whose highest value lies between
    ``bottom`` and ``top``.
    """
    up = down = start
    yield start
    while up <= top or down > bottom:
        if up <= top:
            up = math.floor(up / (1 - spread)) + 1
            if up <= top:
                yield up
        if down > bottom:
            down = math.ceil((1 - spread) * (down - 1))
            yield down


def _differ(a: Package, b: Package) -> int:
    return sum(x != y for x, y in zip(a, b, strict=True))


SetKey = tuple[int, int, int, int, tuple[Package, ...]]
"""How a set ranks, smallest first: minus its size, its worst gap, its distance from the
target, minus how much their values differ, then its packages (a fixed tie-break)."""


def _best_set(
    pool: Sequence[_Candidate], search: _Search, target: int, count: int, spread: Fraction
) -> tuple[SetKey, tuple[_Candidate, ...]] | None:
    """The best valid set of ``count`` down to 2 pool members (us ascending), with its key."""
    values = [c.us - search.worst for c in pool]
    span = search.best - search.worst
    whole = [
        WORTH_SCALE if span == 0 else math.floor(Fraction(WORTH_SCALE * v, span) + Fraction(1, 2))
        for v in values
    ]
    apart = {
        (i, j)
        for i, j in combinations(range(len(pool)), 2)
        if _differ(pool[i].package, pool[j].package) >= MIN_DIFFERING_ISSUES
    }
    for size in range(count, 1, -1):
        best: tuple[SetKey, tuple[_Candidate, ...]] | None = None
        for chosen in combinations(range(len(pool)), size):
            # The pool is us ascending, so the first is the lowest and the last the highest.
            low, high = values[chosen[0]], values[chosen[-1]]
            if (high - low) * spread.denominator > spread.numerator * high:
                continue
            if not all(pair in apart for pair in combinations(chosen, 2)):
                continue
            if not equivalent((whole[i] for i in chosen), EQUIVALENCE_TOLERANCE):
                continue
            members = tuple(pool[i] for i in chosen)
            theirs = [c.them for c in members]
            key = (
                -size,
                max(c.gap for c in members),
                max(members[0].us - target, target - members[-1].us, 0),
                min(theirs) - max(theirs),
                tuple(c.package for c in members),
            )
            if best is None or key < best[0]:
                best = (key, members)
        if best is not None:
            return best
    return None


def meso_proposals(
    sheet: Sheet,
    frontier: Sequence[FrontierPoint],
    target_us: Fraction,
    spread: Fraction = MESO_SPREAD,
    count: int = MESO_COUNT,
) -> Meso:
    """Pick two or three packages of equal value to us that differ for them.

    See the module doc for the rules and the search.

    Args:
        sheet: The scoring sheet.
        frontier: Its Pareto frontier.
        target_us: Our value to centre the proposals on.
        spread: The largest allowed ``(max - min) / max`` of the proposals' worths.
        count: How many proposals at most (2 or more).

    Returns:
        The proposals, us ascending, with a note; ``shortfall`` says why when fewer than
        ``count`` are offered (none, when no two packages qualify).

    """
    search = _Search(sheet, frontier)
    worst = Fraction(search.worst, search.us_scale)
    best_us = Fraction(search.best, search.us_scale)

    def result(chosen: Sequence[_Candidate], note: str, shortfall: Shortfall | None) -> Meso:
        return Meso(
            proposals=tuple(
                FrontierPoint(
                    Fraction(c.us, search.us_scale), Fraction(c.them, search.them_scale), c.package
                )
                for c in chosen
            ),
            below_frontier=tuple(Fraction(c.gap, search.them_scale) for c in chosen),
            target_us=target_us,
            worst_us=worst,
            best_us=best_us,
            note=note,
            shortfall=shortfall,
            spread=spread,
            wanted=count,
        )

    share = f"{float(spread * 100):g}%"
    if len(sheet.issues) < MIN_DIFFERING_ISSUES:
        return result(
            (), "with a single issue, any two packages differ on that issue alone", "one_issue"
        )
    target = int(target_us * search.us_scale)
    span = search.best - search.worst
    reach = math.floor(MESO_REACH * span)
    lowest, highest = max(target - reach, search.worst), min(target + reach, search.best)
    found: tuple[SetKey, tuple[_Candidate, ...]] | None = None
    levels = _levels(target - search.worst, highest - search.worst, lowest - search.worst, spread)
    for level in islice(levels, MAX_BANDS):
        low, high = search.band(level, spread)
        low, high = max(low, lowest), min(high, highest)
        if low > high:
            continue
        # Frontier points alone first; near packages only while they could still win.
        picked = _best_set(search.pool(low, high, False), search, target, count, spread)
        settled = found is not None and found[0][:2] == (-count, 0)
        if not settled and (picked is None or picked[0][:2] != (-count, 0)):
            near = _best_set(search.pool(low, high, True), search, target, count, spread)
            if near is not None and (picked is None or near[0] < picked[0]):
                picked = near
        if picked is not None and (found is None or picked[0] < found[0]):
            found = picked
    rules = (
        f"within {share} of each other in value to us, on or near the frontier, "
        f"each pair differing on at least {MIN_DIFFERING_ISSUES} issues"
    )
    if found is None:
        return result((), f"no two packages near our target value are {rules}", "too_few")
    chosen = found[1]
    if len(chosen) < count:
        return result(chosen, f"no {count} packages near our target value are {rules}", "too_few")
    return result(chosen, f"{len(chosen)} packages near our target value, {rules}", None)

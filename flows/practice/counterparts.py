"""Counterparts the coach plays in practice, each deterministic given a seed.

Every counterpart values packages with the scenario's ``them`` points and never goes below
its walk-away. It answers the rep's move (one package, or several at once: a MESO) with a
:class:`Response`: accept, counter with a package, or walk away.

* **Time-dependent** (``boulware``, ``conceder``): the target utility at round ``t`` of
  ``T`` is ``u(t) = u_max - (u_max - u_reserve) * (t/T) ** (1/e)``; ``e < 1`` concedes
  late (Boulware), ``e > 1`` early (Conceder). It offers the package on that level that is
  best for the rep as far as it can tell (a frequency model of the rep's offers, with a
  seeded prior to break ties).
* **Reciprocator**: mirrors the rep's concessions (measured in its own points) and answers
  a trade by keeping the issues the rep moved on.
* **Hardball**: tough curve, anchors at its best package with a deadline, proposes to
  split the difference between its offer and the rep's, and cherry-picks the best option
  for itself on every issue across a MESO.

Acceptance: the rep's best package is accepted when it is worth at least what the
counterpart would offer next, or, in the last round, at least its walk-away; in the last
round it walks away from anything less.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Final, Literal

from flows.analysis.frontier import Package
from flows.practice.scenarios import Scenario, Style

# The concession exponent ``e`` of each time-dependent style.
EXPONENTS: Final[dict[str, float]] = {"boulware": 0.08, "conceder": 2.0, "hardball": 0.3}
# Packages within this share of the counterpart's range above its target count as on its
# iso-utility level.
LEVEL_WINDOW: Final = Fraction(1, 20)
# How much of the rep's concession the reciprocator gives back (1: the same amount).
MIRROR: Final = Fraction(1)
# Hardball offers to split the difference once, at this share of the rounds.
SPLIT_FROM: Final = Fraction(1, 2)

Tactic = Literal[
    "anchor", "deadline", "split", "cherry_pick", "mirror", "trade_answer", "last_round"
]


@dataclass(frozen=True)
class Response:
    """What the counterpart does with the rep's move.

    Attributes:
        kind: ``accept`` (``package`` is the rep's package it takes), ``counter``
            (``package`` is its offer) or ``walk`` (no package).
        package: The accepted or offered package.
        tactics: The tactics this response uses, for the lines it speaks.

    """

    kind: Literal["accept", "counter", "walk"]
    package: Package | None
    tactics: tuple[Tactic, ...] = ()


class Counterpart:
    """One counterpart for one scenario; every answer depends only on the history and seed."""

    def __init__(self, scenario: Scenario, style: Style | None = None, seed: int = 0):
        self.scenario = scenario
        self.style: Style = style or scenario.style
        self.seed = seed
        self.rounds = scenario.rounds
        self.reserve = scenario.walkaway_them
        self._packages = list(scenario.packages())
        self._mine = {p: scenario.value(p)[1] for p in self._packages}
        self.best = max(self._mine.values())
        rng = random.Random(f"{scenario.key}:{self.style}:{seed}")
        # A small seeded prior per option: its first guess at what the rep values.
        self._prior = [
            [Fraction(rng.randrange(50), 100) for _ in issue.options]
            for issue in scenario.sheet.issues
        ]

    # -- values ------------------------------------------------------------------------
    def utility(self, package: Package) -> Fraction:
        """The package's points for the counterpart."""
        return self._mine[package]

    def target(self, t: int) -> Fraction:
        """The utility it aims for at round ``t`` (0: its opening)."""
        if self.style == "reciprocator":
            return self.best  # see :meth:`_reciprocal_target`
        share = min(max(Fraction(t, self.rounds), Fraction(0)), Fraction(1))
        curve = Fraction(float(share) ** (1 / EXPONENTS[self.style])).limit_denominator(10**6)
        return self.best - (self.best - self.reserve) * curve

    def estimate(self, package: Package, history: Sequence[Sequence[Package]]) -> Fraction:
        """How good it thinks ``package`` is for the rep: how often the rep asked for it."""
        counts: list[list[int]] = [[0] * len(i.options) for i in self.scenario.sheet.issues]
        for move in history:
            for offered in move:
                for issue, option in enumerate(offered):
                    counts[issue][option] += 1
        total = max(1, sum(len(move) for move in history))
        return sum(
            (Fraction(counts[i][o], total) + self._prior[i][o] / 4 for i, o in enumerate(package)),
            Fraction(0),
        )

    def priorities(self) -> tuple[str, str]:
        """(the issue it says matters most, the one it says matters least).

        Conceders and reciprocators answer truthfully; a Boulware counterpart names what
        matters most truthfully and hides what it would trade; hardball names the issue
        that matters least to it as its top one, to buy it dearly.
        """
        issues = self.scenario.sheet.issues
        spread = sorted(
            issues,
            key=lambda i: (max(o.them for o in i.options) - min(o.them for o in i.options), i.name),
        )
        least, most = spread[0].name, spread[-1].name
        if len(issues) == 1:
            return most, ""
        if self.style == "hardball":
            return least, most
        if self.style == "boulware":
            return most, ""
        return most, least

    # -- moves -------------------------------------------------------------------------
    def opening(self) -> Response:
        """Its first offer: its best package (hardball says it is firm and sets a deadline)."""
        package = self._offer_at(self.best, [], [])
        tactics: tuple[Tactic, ...] = ("anchor", "deadline") if self.style == "hardball" else ()
        return Response("counter", package, tactics)

    def respond(self, history: Sequence[Sequence[Package]], own: Sequence[Package]) -> Response:
        """Answer the rep's latest move.

        Args:
            history: The rep's moves so far, oldest first, the latest last; each move is
                one package or several (a MESO).
            own: Its own offers so far, oldest first (its opening first).

        """
        if not history or not history[-1]:
            raise ValueError("respond needs the rep's move")
        t = len(history)
        move = history[-1]
        best_rep = max(move, key=lambda p: (self.utility(p), -move.index(p)))
        value = self.utility(best_rep)
        last_round = t >= self.rounds
        target = (
            self._reciprocal_target(history) if self.style == "reciprocator" else self.target(t)
        )
        if own:  # it never takes back a concession it has made
            target = min(target, min(self.utility(p) for p in own))
        offer, tactics = self._counter(target, history, own, t)
        if value >= self.utility(offer) or (last_round and value >= self.reserve):
            return Response("accept", best_rep)
        if last_round:
            return Response("walk", None, ("last_round",))
        if t == self.rounds - 1:
            tactics = (*tactics, "last_round")
        return Response("counter", offer, tactics)

    # -- how it picks an offer ---------------------------------------------------------
    def _counter(
        self, target: Fraction, history: Sequence[Sequence[Package]], own: Sequence[Package], t: int
    ) -> tuple[Package, tuple[Tactic, ...]]:
        move = history[-1]
        if self.style == "hardball":
            if len(move) > 1:
                picked = tuple(
                    max((p[i] for p in move), key=self._option_value(i))
                    for i in range(len(move[0]))
                )
                if picked not in move and self.utility(picked) >= self.reserve:
                    return picked, ("cherry_pick",)
            if own and t == math.ceil(self.rounds * SPLIT_FROM):
                split = self._split(own[-1], max(move, key=self.utility))
                if split is not None and self.utility(split) >= self.reserve:
                    return split, ("split",)
        if self.style == "reciprocator" and len(history) >= 2 and self._is_trade(history):
            return self._offer_at(target, history, own, keep=move[0]), ("trade_answer",)
        tactics: tuple[Tactic, ...] = ()
        if self.style == "reciprocator" and target < self.best:
            tactics = ("mirror",)
        return self._offer_at(target, history, own), tactics

    def _offer_at(
        self,
        target: Fraction,
        history: Sequence[Sequence[Package]],
        own: Sequence[Package],
        keep: Package | None = None,
    ) -> Package:
        """The package on its level for ``target`` that looks best for the rep."""
        target = max(target, self.reserve)
        window = (self.best - self.reserve) * LEVEL_WINDOW
        above = [p for p in self._packages if self._mine[p] >= target]
        level = [p for p in above if self._mine[p] <= target + window]
        if not level:
            lowest = min(self._mine[p] for p in above)
            level = [p for p in above if self._mine[p] == lowest]

        def score(p: Package) -> tuple[int, Fraction, Fraction, Package]:
            same = sum(a == b for a, b in zip(p, keep, strict=True)) if keep else 0
            return (same, self.estimate(p, history), -self._mine[p], tuple(-i for i in p))

        return max(level, key=score)

    def _option_value(self, issue: int) -> Callable[[int], Fraction]:
        """The counterpart's points for an option of ``issue``, by position."""
        options = self.scenario.sheet.issues[issue].options
        return lambda option: options[option].them

    def _split(self, mine: Package, theirs: Package) -> Package | None:
        """Per issue, the option halfway between its offer and the rep's (rounded its way)."""
        middle = []
        for i, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            low, high = sorted((a, b))
            options = range(low, high + 1)
            halfway = (low + high) / 2
            near = [o for o in options if abs(o - halfway) <= 0.5]
            middle.append(max(near, key=self._option_value(i)))
        split = tuple(middle)
        return None if split in (mine, theirs) else split

    def _is_trade(self, history: Sequence[Sequence[Package]]) -> bool:
        """Whether the rep's latest package moved some issues its way and some ours."""
        before, after = history[-2][0], history[-1][0]
        issues = self.scenario.sheet.issues
        ups = downs = 0
        for i, (a, b) in enumerate(zip(before, after, strict=True)):
            delta = issues[i].options[b].them - issues[i].options[a].them
            ups += delta > 0
            downs += delta < 0
        return ups > 0 and downs > 0

    def _reciprocal_target(self, history: Sequence[Sequence[Package]]) -> Fraction:
        """Its utility less what the rep has conceded so far (in its points), mirrored."""
        conceded = Fraction(0)
        best = [max(self.utility(p) for p in move) for move in history]
        for before, after in itertools.pairwise(best):
            conceded += max(Fraction(0), after - before)
        return max(self.reserve, self.best - conceded * MIRROR)

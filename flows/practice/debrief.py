"""The debrief of a finished rehearsal, measured against the scenario's exact frontier.

Every figure comes from :mod:`flows.analysis`: the frontier, the largest joint value on
it and the package better for both sides (:func:`~flows.analysis.insights.check_package`).
With no deal each side keeps its walk-away (its alternative), so a deal below either
side's walk-away scores worse than walking away, and when no package beats both
walk-aways, walking away is the right result.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flows.analysis.frontier import FrontierPoint, Package, pareto_frontier
from flows.analysis.insights import check_package, max_joint_point
from flows.analysis.report import AnalysisReport, analyze
from flows.practice.scenarios import Scenario
from flows.practice.session import Session


@dataclass(frozen=True)
class Give:
    """A one-way give: a move that changed only issues in the counterpart's favour.

    Attributes:
        round: The rep's move (1 is the first).
        issues: The issues given on.
        cost: What it cost the rep, in the rep's points.

    """

    round: int
    issues: tuple[str, ...]
    cost: Fraction


@dataclass(frozen=True)
class Debrief:
    """How a rehearsal went, in the scenario's points."""

    agreed: Package | None
    rep_points: Fraction
    their_points: Fraction
    max_joint: FrontierPoint
    on_frontier: bool
    better: FrontierPoint | None
    gives: tuple[Give, ...]
    meso_used: bool
    zone: bool
    below_walkaway: bool
    trades: int
    next_time: tuple[str, ...]
    # What came out in play, in order: the counterpart's answers to ``practice ask``
    # (``asked``, with ``truthful`` and the ``actual`` top issue) and floors the rep said
    # in an offer (``floor``). See :func:`revealed`.
    revealed: tuple[dict[str, Any], ...] = ()

    @property
    def joint(self) -> Fraction:
        """The joint value reached (both walk-aways with no deal)."""
        return self.rep_points + self.their_points

    @property
    def left_on_table(self) -> Fraction:
        """The joint value the best package on the frontier would have added."""
        return max(Fraction(0), self.max_joint.joint - self.joint)

    @property
    def gave_away(self) -> Fraction:
        """What the one-way gives cost the rep, in total."""
        return sum((g.cost for g in self.gives), Fraction(0))


Point = tuple[Fraction, Fraction]


@dataclass(frozen=True)
class OfferPath:
    """The offers of a rehearsal in the order they were made, as (rep, counterpart) points.

    Attributes:
        ours: Every package the rep offered, in order (a MESO's packages one after the
            other, as offered).
        theirs: Every package the counterpart offered, in order (its opening first).
        agreed: The agreed package's point, or None with no deal.

    """

    ours: tuple[Point, ...]
    theirs: tuple[Point, ...]
    agreed: Point | None = None


def offer_path(session: Session, scenario: Scenario | None = None) -> OfferPath:
    """The path of a rehearsal's offers, valued with the scenario's points."""
    scenario = scenario or session.scenario_data
    ours = tuple(scenario.value(p) for move in session.rep for p in move)
    theirs = tuple(scenario.value(p) for p in session.theirs)
    agreed = scenario.value(session.agreed) if session.agreed is not None else None
    return OfferPath(ours, theirs, agreed)


def debrief_report(session: Session, scenario: Scenario | None = None) -> AnalysisReport:
    """The analysis of the rehearsal's sheet, checking the agreed package (if any).

    What the debrief chart is drawn from: the exact frontier, the biggest pie and, for a
    deal, the package better for both. The sheet is named after the scenario's title (the
    chart's heading), not its file.
    """
    scenario = scenario or session.scenario_data
    agreed = dict(scenario.labels(session.agreed)) if session.agreed is not None else None
    return analyze(dataclasses.replace(scenario.sheet, source=scenario.title), agreed)


def debrief(session: Session, scenario: Scenario | None = None) -> Debrief:
    """Score a finished (or stopped) session against the exact frontier."""
    scenario = scenario or session.scenario_data
    frontier = pareto_frontier(scenario.sheet)
    best = max_joint_point(frontier)
    if session.agreed is not None:
        us, them = scenario.value(session.agreed)
        check = check_package(scenario.sheet, frontier, session.agreed)
        on_frontier, better = check.on_frontier, check.improvement
    else:
        us, them = scenario.walkaway_us, scenario.walkaway_them
        on_frontier, better = not scenario.zone, None
    gives, trades = _gives(scenario, session.rep)
    meso = any(len(move) > 1 for move in session.rep)
    below = session.agreed is not None and us < scenario.walkaway_us
    result = Debrief(
        session.agreed,
        us,
        them,
        best,
        on_frontier,
        better,
        tuple(gives),
        meso,
        scenario.zone,
        below,
        trades,
        (),
        revealed(session, scenario),
    )
    return Debrief(**{**result.__dict__, "next_time": _next_time(session, scenario, result)})


def _gives(scenario: Scenario, moves: list[list[Package]]) -> tuple[list[Give], int]:
    """One-way gives and conditional trades between the rep's single-package moves."""
    gives: list[Give] = []
    trades = 0
    issues = scenario.sheet.issues
    for number, (before, after) in enumerate(itertools.pairwise(moves), start=2):
        if len(before) != 1 or len(after) != 1:
            continue
        lost, won = [], False
        cost = Fraction(0)
        for issue, a, b in zip(issues, before[0], after[0], strict=True):
            delta = issue.options[b].us - issue.options[a].us
            if delta < 0:
                lost.append(issue.name)
                cost -= delta
            elif delta > 0:
                won = True
        if lost and not won:
            gives.append(Give(number, tuple(lost), cost))
        elif lost and won:
            trades += 1
    return gives, trades


def revealed(session: Session, scenario: Scenario) -> tuple[dict[str, Any], ...]:
    """What was revealed: their answers (checked against their real points) and our floors.

    The issue that truly matters most to the counterpart is the one whose options move
    its points the most; an answer naming another one was a bluff.
    """
    issues = scenario.sheet.issues
    most = max(
        issues,
        key=lambda i: (max(o.them for o in i.options) - min(o.them for o in i.options), i.name),
    ).name
    out: list[dict[str, Any]] = []
    for item in session.revealed:
        entry = dict(item)
        if entry.get("kind") == "asked":
            entry["truthful"] = not entry.get("top") or entry.get("top") == most
            entry["actual"] = most
        out.append(entry)
    return tuple(out)


def _next_time(session: Session, scenario: Scenario, result: Debrief) -> tuple[str, ...]:
    """What to do differently, most costly first, as codes for the phrase library."""
    notes: list[str] = []
    if result.below_walkaway:
        notes.append("below_walkaway")
    if session.agreed is not None and not scenario.zone:
        notes.append("no_zone_deal")
    if session.agreed is None and scenario.zone and session.ended_by != "stopped":
        notes.append("missed_zone")
    if result.gives:
        notes.append("one_way")
    if any(item.get("kind") == "floor" for item in result.revealed):
        notes.append("floor_said")
    if not result.meso_used and len(scenario.sheet.issues) > 1:
        notes.append("meso")
    if session.agreed is not None and not result.on_frontier:
        notes.append("frontier")
    if len(scenario.sheet.issues) == 1 and session.agreed is not None:
        notes.append("claim")
    if not notes:
        notes.append("well_done")
    return tuple(notes)

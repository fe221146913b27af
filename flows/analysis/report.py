"""One call from a scoring sheet to the full analysis, as JSON-ready data or a chat summary.

Numbers are exact :class:`~fractions.Fraction` on the report object. In
:meth:`AnalysisReport.to_json_dict` a whole number becomes a JSON integer and anything else
a float (the nearest double, so ``0.1`` prints as ``0.1``); packages become
``{issue: option label}`` mappings in sheet order.

JSON shape (``point`` is ``{us, them, package}``):

* ``outcomes``: the number of possible packages;
* ``frontier``: a list of points, best for us first;
* ``max_joint``: a point plus ``total``;
* ``issue_types``: ``{issue: {type, stakes_us, stakes_them, matters_more_to,
  best_for_us, best_for_them}}``;
* ``logrolls``: ``[{our_issue, their_issue, package, baseline, gain_us, gain_them}]``
  where ``package`` is the two traded options and ``baseline`` the two middle ones;
* ``compromise``: ``{package, us, them, on_frontier, efficient: point, cost_us,
  cost_them}``;
* ``meso``: ``{spread, worst_us, best_us, target_us, proposals: [point + {worth,
  below_frontier}], note, shortfall}`` (see :mod:`flows.analysis.meso`; ``shortfall`` is
  null, ``one_issue`` or ``too_few``);
* ``package`` (only when one was named): ``{package, us, them, on_frontier, slack_us,
  slack_them, improvement: point + {gain_us, gain_them} or null}``.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Protocol

from flows.analysis.equivalence import MIN_DIFFERING_ISSUES
from flows.analysis.frontier import FrontierPoint, Package, pareto_frontier
from flows.analysis.insights import (
    Compromise,
    IssueProfile,
    Logroll,
    PackageCheck,
    check_package,
    classify_issues,
    compromise,
    logrolls,
    max_joint_point,
    resolve_package,
)
from flows.analysis.meso import Meso, meso_proposals
from flows.analysis.sheet import Sheet

_SUMMARY_LOGROLLS = 2


class Phrases(Protocol):
    """What the summary needs from the phrase library (a front passes its own)."""

    def reply(self, key: str, /, **values: Any) -> str:
        """Render the reply text stored under ``key``."""
        ...


@dataclass(frozen=True)
class AnalysisReport:
    """Everything the coach knows about a sheet.

    Attributes:
        sheet: The scoring sheet analysed.
        frontier: The exact Pareto frontier, best for us first.
        max_joint: A package with the largest joint total.
        issue_types: One profile per issue, in sheet order.
        logrolls: Trades that help both sides, best first.
        compromise: The cost of splitting the difference.
        meso: Equivalent efficient offers.
        package: The check of the package the user named, if any.

    """

    sheet: Sheet
    frontier: tuple[FrontierPoint, ...]
    max_joint: FrontierPoint
    issue_types: tuple[IssueProfile, ...]
    logrolls: tuple[Logroll, ...]
    compromise: Compromise
    meso: Meso
    package: PackageCheck | None = None

    @property
    def outcomes(self) -> int:
        """The number of possible packages."""
        return self.sheet.outcome_count

    def labels(self, package: Package) -> dict[str, str]:
        """Name a package as ``{issue: option label}`` in sheet order.

        Args:
            package: One option position per issue.

        Returns:
            The mapping.

        """
        return {
            issue.name: issue.options[index].label
            for issue, index in zip(self.sheet.issues, package, strict=True)
        }

    def to_json_dict(self) -> dict[str, Any]:
        """Return the report as JSON-ready data.

        Returns:
            A dict with ``outcomes``, ``frontier``, ``max_joint``, ``issue_types``,
            ``logrolls``, ``compromise``, ``meso``, and ``package`` when one was named.

        """
        issues = self.sheet.issues
        data: dict[str, Any] = {
            "outcomes": self.outcomes,
            "frontier": [self._point(p) for p in self.frontier],
            "max_joint": {"total": _num(self.max_joint.joint), **self._point(self.max_joint)},
            "issue_types": {
                p.name: {
                    "type": p.kind,
                    "stakes_us": _num(p.stakes_us),
                    "stakes_them": _num(p.stakes_them),
                    "matters_more_to": p.matters_more_to,
                    "best_for_us": issue.options[p.best_for_us].label,
                    "best_for_them": issue.options[p.best_for_them].label,
                }
                for p, issue in zip(self.issue_types, issues, strict=True)
            },
            "logrolls": [self._logroll(r) for r in self.logrolls],
            "compromise": {
                "package": self.labels(self.compromise.package),
                "us": _num(self.compromise.us),
                "them": _num(self.compromise.them),
                "on_frontier": self.compromise.on_frontier,
                "efficient": self._point(self.compromise.efficient),
                "cost_us": _num(self.compromise.cost_us),
                "cost_them": _num(self.compromise.cost_them),
            },
            "meso": {
                "spread": _num(self.meso.spread),
                "worst_us": _num(self.meso.worst_us),
                "best_us": _num(self.meso.best_us),
                "target_us": _num(self.meso.target_us),
                "proposals": [
                    {
                        **self._point(p),
                        "worth": _num(self.meso.worth(p.us)),
                        "below_frontier": _num(below),
                    }
                    for p, below in zip(self.meso.proposals, self.meso.below_frontier, strict=True)
                ],
                "note": self.meso.note,
                "shortfall": self.meso.shortfall,
            },
        }
        if self.package is not None:
            check = self.package
            data["package"] = {
                "package": self.labels(check.package),
                "us": _num(check.us),
                "them": _num(check.them),
                "on_frontier": check.on_frontier,
                "slack_us": _num(check.slack_us),
                "slack_them": _num(check.slack_them),
                "improvement": None
                if check.improvement is None
                else {
                    **self._point(check.improvement),
                    "gain_us": _num(check.gain_us),
                    "gain_them": _num(check.gain_them),
                },
            }
        return data

    def _point(self, point: FrontierPoint) -> dict[str, Any]:
        return {
            "us": _num(point.us),
            "them": _num(point.them),
            "package": self.labels(point.package),
        }

    def _logroll(self, roll: Logroll) -> dict[str, Any]:
        ours, theirs = self.sheet.issues[roll.our_issue], self.sheet.issues[roll.their_issue]
        return {
            "our_issue": ours.name,
            "their_issue": theirs.name,
            "package": {
                ours.name: ours.options[roll.our_option].label,
                theirs.name: theirs.options[roll.their_option].label,
            },
            "baseline": {
                ours.name: ours.options[self.issue_types[roll.our_issue].middle].label,
                theirs.name: theirs.options[self.issue_types[roll.their_issue].middle].label,
            },
            "gain_us": _num(roll.gain_us),
            "gain_them": _num(roll.gain_them),
        }

    def summary_lines(self, phrases: Phrases | None = None) -> list[str]:
        """Return a short plain-text summary for chat, one sentence a line.

        Args:
            phrases: The phrase library, for the sentence saying why fewer MESO offers
                than wanted are made; without it that line gives the plain note.

        Returns:
            The lines, without trailing newlines.

        """
        lines = [
            f"{len(self.sheet.issues)} issues, {self.outcomes:,} possible packages, "
            f"{len(self.frontier)} of them efficient (no package is better for both).",
            f"Biggest pie: {_fmt(self.max_joint.joint)} in total "
            f"(us {_fmt(self.max_joint.us)}, them {_fmt(self.max_joint.them)}) with "
            f"{self._text(self.max_joint.package)}.",
        ]
        lines.extend(self._type_lines())
        lines.extend(self._logroll_lines())
        lines.append(self._compromise_line())
        lines.extend(self._meso_lines(phrases))
        if self.package is not None:
            lines.append(self._package_line(self.package))
        return lines

    def _text(self, package: Package, only: Sequence[int] | None = None) -> str:
        labels = list(self.labels(package).items())
        shown = labels if only is None else [labels[i] for i in only]
        return ", ".join(f"{issue}={option}" for issue, option in shown)

    def _type_lines(self) -> list[str]:
        def names(kind: str) -> list[IssueProfile]:
            return [p for p in self.issue_types if p.kind == kind]

        lines = []
        if compatible := names("compatible"):
            lines.append(
                "Same side (don't trade these away): " + ", ".join(p.name for p in compatible) + "."
            )
        if integrative := names("integrative"):
            lines.append(
                "Trade these (one side cares more): "
                + ", ".join(f"{p.name} (matters more to {p.matters_more_to})" for p in integrative)
                + "."
            )
        if distributive := names("distributive"):
            lines.append(
                "Pure split (equal stakes, opposed): "
                + ", ".join(p.name for p in distributive)
                + "."
            )
        return lines

    def _logroll_lines(self) -> list[str]:
        if not self.logrolls:
            return ["No logroll beats meeting in the middle for both sides."]
        lines = []
        for roll in self.logrolls[:_SUMMARY_LOGROLLS]:
            ours, theirs = self.sheet.issues[roll.our_issue], self.sheet.issues[roll.their_issue]
            lines.append(
                f"Logroll: we get {ours.name}={ours.options[roll.our_option].label}, "
                f"they get {theirs.name}={theirs.options[roll.their_option].label}: "
                f"+{_fmt(roll.gain_us)} for us, +{_fmt(roll.gain_them)} for them "
                "against meeting in the middle on both."
            )
        return lines

    def _compromise_line(self) -> str:
        c = self.compromise
        if c.on_frontier:
            return (
                f"Splitting the difference everywhere (us {_fmt(c.us)}, them {_fmt(c.them)}) "
                "is already efficient."
            )
        return (
            f"Splitting the difference everywhere gives us {_fmt(c.us)} and them {_fmt(c.them)}; "
            f"it leaves {_fmt(c.cost_us)} for us and {_fmt(c.cost_them)} for them on the table "
            f"against {self._text(c.efficient.package)}."
        )

    def _meso_lines(self, phrases: Phrases | None) -> list[str]:
        meso = self.meso
        proposals = meso.proposals
        lines = []
        if proposals:
            varying = [
                i
                for i in range(len(self.sheet.issues))
                if len({p.package[i] for p in proposals}) > 1
            ]
            lines.append(
                f"MESO: {len(proposals)} offers within {_percent(meso.spread)} of each other "
                "in value to us (worth 0 is our worst package, 100 our best), differing on:"
            )
            for letter, point, below in zip(
                string.ascii_uppercase, proposals, meso.below_frontier, strict=False
            ):
                near = f", {_fmt(below)} below the frontier for them" if below else ""
                lines.append(
                    f"  {letter}) {self._text(point.package, varying)} "
                    f"(worth {meso.whole_worth(point.us)}; us {_fmt(point.us)}, "
                    f"them {_fmt(point.them)}{near})"
                )
        if meso.shortfall is None:
            return lines
        if phrases is not None:
            why = phrases.reply(
                "meso_fewer",
                offered=len(proposals),
                wanted=meso.wanted,
                reason=meso.shortfall,
                spread=_percent(meso.spread),
                issues=MIN_DIFFERING_ISSUES,
            )
        elif proposals:
            why = f"Only {len(proposals)} MESO offers: {meso.note}."
        else:
            why = f"No MESO set: {meso.note}."
        return [*lines, why]

    def _package_line(self, check: PackageCheck) -> str:
        head = f"Your package: us {_fmt(check.us)}, them {_fmt(check.them)}"
        if check.on_frontier:
            return f"{head}; it is efficient: neither side can gain without the other losing."
        if check.improvement is None:  # pragma: no cover - a dominated package has one
            return f"{head}."
        return (
            f"{head}; not efficient: up to {_fmt(check.slack_us)} more for us or "
            f"{_fmt(check.slack_them)} more for them. Better for both: "
            f"{self._text(check.improvement.package)} "
            f"(+{_fmt(check.gain_us)} us, +{_fmt(check.gain_them)} them)."
        )


def analyze(sheet: Sheet, package: Mapping[str, str] | None = None) -> AnalysisReport:
    """Analyse a scoring sheet.

    Args:
        sheet: The scoring sheet.
        package: Optionally a package to check, as ``{issue: option label}``.

    Returns:
        The report.

    Raises:
        PackageError: If the named package does not fit the sheet.
        FrontierTooLargeError: If the sheet makes nearly every package efficient (see
            :mod:`flows.analysis.frontier`).

    """
    named = resolve_package(sheet, package) if package is not None else None
    frontier = pareto_frontier(sheet)
    profiles = classify_issues(sheet)
    best = max_joint_point(frontier)
    return AnalysisReport(
        sheet=sheet,
        frontier=tuple(frontier),
        max_joint=best,
        issue_types=tuple(profiles),
        logrolls=tuple(logrolls(sheet, profiles)),
        compromise=compromise(sheet, frontier),
        meso=meso_proposals(sheet, frontier, best.us),
        package=None if named is None else check_package(sheet, frontier, named),
    )


def _num(value: Fraction) -> int | float:
    return value.numerator if value.denominator == 1 else float(value)


def _percent(share: Fraction) -> str:
    return f"{float(share * 100):g}%"


def _fmt(value: Fraction) -> str:
    if value.denominator == 1:
        return f"{value.numerator:,}"
    return f"{float(value):,.2f}".rstrip("0").rstrip(".")

"""Rehearse the rep's own deal: a scenario built from its scoring sheet or its issue map.

``practice this deal`` turns the active deal into a :class:`~flows.practice.scenarios.Scenario`:

* **From the scoring sheet** (the options stored by ``option``): every issue with at least
  two options, with its ``us`` and ``them`` points as they are. The ``them`` column is
  the rep's own estimate of the other side.
* **Without a sheet, from the issue map** (``issue <name> us=<1-5> them=<1-5>``): each
  issue gets three options - ``ours`` (we keep it: ``us * 10`` points for us, none for
  them), ``halfway`` (half each) and ``theirs`` (they get it: ``them * 10`` for them). The
  counterpart's points are therefore estimates from the ``them=`` scores.

The rep's walk-away comes from the deal's walk-away when its figure can be placed on an
issue whose options are figures (``min 100k`` on a price issue with 120k/110k/100k/90k):
the walk-away is a deal at the worst option still on the right side of that figure with
nothing else won. Otherwise, and for the counterpart (whose walk-away nobody knows), it
is :data:`DEFAULT_SHARE` of the way from that side's worst package to its best.

The built scenario is stored in the rehearsal's session document (:func:`scenario_to_doc`),
so the rehearsal survives restarts and later edits of the real deal do not change it.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Final, Literal

from flows.amounts import find_amounts
from flows.analysis.sheet import Issue, Option, Sheet
from flows.model import Deal, Walkaway
from flows.practice.scenarios import MAX_PACKAGES, Scenario, has_zone

KEY: Final = "this-deal"
DEFAULT_STYLE: Final = "boulware"
DEFAULT_ROUNDS: Final = 8
# Where a walk-away nobody stated sits between a side's worst and best package.
DEFAULT_SHARE: Final = Fraction(2, 5)
# Points per step of a 1-5 issue-map score.
MAP_STEP: Final = 10
MAP_LABELS: Final = ("ours", "halfway", "theirs")
_PERCENT: Final = re.compile(r"^\s*(\d+(?:\.\d+)?)\s?%\s*$")


class RehearsalError(ValueError):
    """The deal cannot be rehearsed; ``code`` names the phrase that says why."""

    def __init__(self, code: str, **values: Any) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
class Built:
    """A scenario built from a real deal, and how it was built.

    Attributes:
        scenario: The scenario (key :data:`KEY`).
        source: ``sheet`` (the scoring sheet) or ``map`` (the issue map's scores).
        walkaway_issue: The issue the deal's walk-away was placed on; empty when the
            default share was used.
        walkaway_option: The option at the walk-away on that issue.
        bundles: The deal's MESO bundles, label to terms, for ``offer <label>``.

    """

    scenario: Scenario
    source: Literal["sheet", "map"]
    walkaway_issue: str
    walkaway_option: str
    bundles: dict[str, dict[str, str]]


def slug(text: str) -> str:
    """A name that can be typed as one word in ``issue=option`` (spaces become ``-``)."""
    word = re.sub(r"[^\w.+-]+", "-", text.strip()).strip("-")
    return word or "x"


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        count = seen.get(name.lower(), 0)
        seen[name.lower()] = count + 1
        out.append(name if not count else f"{name}-{count + 1}")
    return out


def sheet_of(deal: Deal) -> tuple[Sheet, Literal["sheet", "map"]]:
    """The rehearsal's sheet: the deal's scoring sheet, else one from its issue map."""
    grouped: dict[str, tuple[str, list[Option]]] = {}
    for o in deal.options:
        name, options = grouped.setdefault(o.issue.lower(), (o.issue, []))
        options.append(Option(o.label, Fraction(o.us), Fraction(o.them)))
    issues = [(name, opts) for name, opts in grouped.values() if len(opts) >= 2]
    if issues:
        built = []
        for (_, opts), name in zip(issues, _unique([slug(n) for n, _ in issues]), strict=True):
            labels = _unique([slug(o.label) for o in opts])
            built.append(
                Issue(
                    name,
                    tuple(
                        Option(label, o.us, o.them) for label, o in zip(labels, opts, strict=True)
                    ),
                )
            )
        return Sheet(tuple(built), source=deal.name), "sheet"
    names = _unique([slug(i.name) for i in deal.issues])
    return Sheet(
        tuple(
            Issue(
                name,
                (
                    Option(MAP_LABELS[0], Fraction(i.us * MAP_STEP), Fraction(0)),
                    Option(
                        MAP_LABELS[1], Fraction(i.us * MAP_STEP, 2), Fraction(i.them * MAP_STEP, 2)
                    ),
                    Option(MAP_LABELS[2], Fraction(0), Fraction(i.them * MAP_STEP)),
                ),
            )
            for name, i in zip(names, deal.issues, strict=True)
        ),
        source=deal.name,
    ), "map"


def figure(label: str, percent: bool = False) -> Decimal | None:
    """The figure an option label stands for (``110k``, ``$95,000``, ``15%``), if any."""
    if percent:
        match = _PERCENT.match(label)
        return Decimal(match.group(1)) if match else None
    amounts = [a for a in find_amounts(label.replace("-", " ")) if not a.per_unit]
    return amounts[0].value if len(amounts) == 1 else None


def _span(sheet: Sheet, side: Literal["us", "them"]) -> tuple[Fraction, Fraction]:
    """(worst, best) package value for one side: each issue's lowest and highest option."""
    worst = sum((min(getattr(o, side) for o in i.options) for i in sheet.issues), Fraction(0))
    best = sum((max(getattr(o, side) for o in i.options) for i in sheet.issues), Fraction(0))
    return worst, best


def _default(sheet: Sheet, side: Literal["us", "them"]) -> Fraction:
    worst, best = _span(sheet, side)
    return worst + (best - worst) * DEFAULT_SHARE


def place_walkaway(sheet: Sheet, walkaway: Walkaway | None) -> tuple[Fraction, str, str] | None:
    """The rep's walk-away in points, and the issue and option it was placed on.

    The first issue whose options all read as figures (money, or shares for a ``%``
    walk-away) and which has an option on the acceptable side of the figure. None when
    the walk-away has no figure or fits no issue.
    """
    if walkaway is None or walkaway.amount is None or walkaway.direction is None:
        return None
    percent = walkaway.currency == "%"
    for index, issue in enumerate(sheet.issues):
        figures = [figure(o.label, percent) for o in issue.options]
        if any(f is None for f in figures):
            continue
        if walkaway.direction == "min":
            ok = [(f, k) for k, f in enumerate(figures) if f is not None and f >= walkaway.amount]
            chosen = min(ok) if ok else None
        else:
            ok = [(f, k) for k, f in enumerate(figures) if f is not None and f <= walkaway.amount]
            chosen = max(ok) if ok else None
        if chosen is None:
            continue
        option = issue.options[chosen[1]]
        rest = sum(
            (
                min(o.us for o in other.options)
                for j, other in enumerate(sheet.issues)
                if j != index
            ),
            Fraction(0),
        )
        return option.us + rest, issue.name, option.label
    return None


def build(deal: Deal, *, title: str, counterpart: str, brief: str) -> Built:
    """The scenario for rehearsing ``deal``.

    Raises:
        RehearsalError: ``practice_this_empty`` (nothing to rehearse: no issue with two
            options and no mapped issue) or ``practice_this_too_big`` (too many packages).

    """
    sheet, source = sheet_of(deal)
    if not sheet.issues:
        raise RehearsalError("practice_this_empty")
    if sheet.outcome_count > MAX_PACKAGES:
        raise RehearsalError(
            "practice_this_too_big", packages=sheet.outcome_count, limit=MAX_PACKAGES
        )
    placed = place_walkaway(sheet, deal.walkaway)
    ours = placed[0] if placed else _default(sheet, "us")
    scenario = Scenario(
        key=KEY,
        title=title,
        context=deal.context,
        style=DEFAULT_STYLE,
        rounds=DEFAULT_ROUNDS,
        counterpart=counterpart,
        brief=brief,
        sheet=sheet,
        walkaway_us=ours,
        walkaway_them=_default(sheet, "them"),
        zone=False,
        evidence=tuple(deal.evidence),
    )
    scenario = Scenario(**{**scenario.__dict__, "zone": has_zone(scenario)})
    bundles = {b.label: dict(b.terms) for b in deal.bundles}
    return Built(
        scenario, source, placed[1] if placed else "", placed[2] if placed else "", bundles
    )


# -- the session document ---------------------------------------------------------------
def scenario_to_doc(scenario: Scenario, bundles: dict[str, dict[str, str]]) -> dict[str, Any]:
    """A built scenario as JSON-ready data (exact numbers kept as text)."""
    return {
        "title": scenario.title,
        "context": scenario.context,
        "style": scenario.style,
        "rounds": scenario.rounds,
        "counterpart": scenario.counterpart,
        "brief": scenario.brief,
        "walkaway": {"us": str(scenario.walkaway_us), "them": str(scenario.walkaway_them)},
        "zone": scenario.zone,
        "evidence": list(scenario.evidence),
        "issues": [
            {"issue": i.name, "options": [[o.label, str(o.us), str(o.them)] for o in i.options]}
            for i in scenario.sheet.issues
        ],
        "bundles": bundles,
    }


def scenario_from_doc(doc: dict[str, Any]) -> Scenario:
    """The scenario a document written by :func:`scenario_to_doc` holds."""
    return _from_json(json.dumps(doc, sort_keys=True))


def bundles_from_doc(doc: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The bundles kept with a built scenario."""
    return {
        str(k): {str(a): str(b) for a, b in v.items()}
        for k, v in (doc.get("bundles") or {}).items()
    }


@functools.lru_cache(maxsize=32)
def _from_json(text: str) -> Scenario:
    doc = json.loads(text)
    sheet = Sheet(
        tuple(
            Issue(
                i["issue"],
                tuple(
                    Option(label, Fraction(us), Fraction(them)) for label, us, them in i["options"]
                ),
            )
            for i in doc["issues"]
        ),
        source=doc["title"],
    )
    return Scenario(
        key=KEY,
        title=doc["title"],
        context=doc["context"],
        style=doc["style"],
        rounds=int(doc["rounds"]),
        counterpart=doc["counterpart"],
        brief=doc["brief"],
        sheet=sheet,
        walkaway_us=Fraction(doc["walkaway"]["us"]),
        walkaway_them=Fraction(doc["walkaway"]["them"]),
        zone=bool(doc["zone"]),
        evidence=tuple(doc.get("evidence", ())),
    )

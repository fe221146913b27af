"""Read an offer the rep words in plain language, or names by a MESO bundle's label.

During a rehearsal the rep may write ``we can do 3 years at 110k`` instead of
``offer term=3y price=110k``. The reader finds the options the line names:

* an option's label as words in the line (``premium``, ``net 60``, ``2 days``);
* an option's figure (``110k``, ``$110,000``, ``110 thousand``: read with
  :func:`flows.amounts.find_amounts`, so any way of writing the amount counts);
* a number with a unit (``3 years``, ``3-year``, ``3y`` all match a ``3y`` option).

A phrase that could be an option of two issues (``none`` as a bonus and as a learning
budget) is taken for the issue named near it, or refused with a sentence that says how
to tell them apart. A figure that is no option (``105k`` when the prices are 120k, 110k,
100k and 90k) is a near miss: refused with the options of that issue, never silently
dropped. ``offer A`` takes bundle A of the real deal's MESO when rehearsing that deal.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final

from flows.amounts import find_amounts
from flows.practice.rehearsal import figure
from flows.practice.scenarios import Scenario

_TOKEN: Final = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?%?")
_UNITS: Final = {
    "year": ("y", "yr", "yrs", "year", "years"),
    "month": ("mo", "mos", "month", "months"),
    "week": ("w", "wk", "wks", "week", "weeks"),
    "day": ("d", "day", "days"),
    "hour": ("h", "hr", "hrs", "hour", "hours"),
}
_UNIT_OF: Final = {word: unit for unit, words in _UNITS.items() for word in words}
_WITH_UNIT: Final = re.compile(
    r"(?<![\w.])(\d+(?:\.\d+)?)\s*-?\s*("
    + "|".join(sorted(_UNIT_OF, key=len, reverse=True))
    + r")\b",
    re.I,
)
_BUNDLE_WORDS: Final = re.compile(r"^(?:bundle|package|option|meso)\s+", re.I)
# How far (characters) an issue's name may stand from a phrase to claim it.
NEAR: Final = 30


class OfferReadError(ValueError):
    """A line that names no option, or names them in a way that cannot be read."""

    def __init__(self, code: str, **values: Any) -> None:
        super().__init__(code)
        self.code = code
        self.values = values


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    issue: int
    option: int


def _fold(text: str) -> str:
    return re.sub(r"[\s$,_-]", "", text.casefold())


def _unit_readings(text: str) -> list[tuple[int, int, Decimal, str]]:
    return [
        (m.start(), m.end(), Decimal(m.group(1)), _UNIT_OF[m.group(2).lower()])
        for m in _WITH_UNIT.finditer(text)
    ]


def _money(text: str) -> list[tuple[int, int, Decimal, str]]:
    found = []
    at = 0
    for amount in find_amounts(text):
        if amount.per_unit:
            continue
        start = text.find(amount.text, at)
        if start < 0:
            continue
        at = start + len(amount.text)
        found.append((start, at, amount.value, amount.text))
    return found


def _hits(scenario: Scenario, text: str, only: int | None = None) -> list[_Hit]:
    """Every place the line names an option: by label words, figure or number-and-unit."""
    lower = text.lower()
    tokens = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(lower)]
    money = _money(text)
    units = _unit_readings(text)
    hits: list[_Hit] = []
    for i, issue in enumerate(scenario.sheet.issues):
        if only is not None and i != only:
            continue
        for k, option in enumerate(issue.options):
            words = _TOKEN.findall(option.label.lower())
            for n in range(len(tokens) - len(words) + 1 if words else 0):
                if [t[2] for t in tokens[n : n + len(words)]] == words:
                    hits.append(_Hit(tokens[n][0], tokens[n + len(words) - 1][1], i, k))
            value = figure(option.label)
            hits.extend(
                _Hit(s, e, i, k) for s, e, v, _ in money if value is not None and v == value
            )
            label_units = _unit_readings(option.label.replace("-", " "))
            if len(label_units) == 1:
                _, _, number, unit = label_units[0]
                hits.extend(_Hit(s, e, i, k) for s, e, v, u in units if (v, u) == (number, unit))
    return hits


def _groups(hits: list[_Hit]) -> list[list[_Hit]]:
    """Hits that overlap in the line: one phrase each."""
    groups: list[list[_Hit]] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if groups and hit.start < max(h.end for h in groups[-1]):
            groups[-1].append(hit)
        else:
            groups.append([hit])
    return groups


def _named_near(scenario: Scenario, text: str, start: int, end: int) -> set[int]:
    """The issue(s) whose name stands nearest a phrase, within :data:`NEAR` characters.

    Names in the phrase's own clause (between commas, semicolons, ``and``, ``with``)
    come first: in ``ours on price, theirs on term`` theirs is term's.
    """
    clause = _clause(text, start, end)
    if clause is not None:
        inside = _nearest(scenario, text[clause[0] : clause[1]], start - clause[0], end - clause[0])
        if inside:
            return inside
    return _nearest(scenario, text, start, end)


_CLAUSE_BREAK: Final = re.compile(r"[,;]|\b(?:and|with|plus|but)\b", re.I)


def _clause(text: str, start: int, end: int) -> tuple[int, int] | None:
    breaks = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(text)]
    if not breaks:
        return None
    before = max((e for s, e in breaks if e <= start), default=0)
    after = min((s for s, e in breaks if s >= end), default=len(text))
    return before, after


def _nearest(scenario: Scenario, text: str, start: int, end: int) -> set[int]:
    lower = text.lower()
    distance: dict[int, int] = {}
    for i, issue in enumerate(scenario.sheet.issues):
        words = [w for w in _TOKEN.findall(issue.name.lower()) if len(w) > 2]
        gaps = []
        for word in words:
            spots = [m.start() for m in re.finditer(rf"\b{re.escape(word)}", lower)]
            near = [
                start - s - len(word) if s < start else s - end
                for s in spots
                if s + len(word) <= start or s >= end
            ]
            near = [d for d in near if d <= NEAR]
            if not near:
                break
            gaps.append(min(near))
        else:
            if gaps:
                distance[i] = max(gaps)
    if not distance:
        return set()
    nearest = min(distance.values())
    return {i for i, d in distance.items() if d == nearest}


def read_offer(
    scenario: Scenario, text: str, bundles: Mapping[str, Mapping[str, str]] | None = None
) -> dict[int, int]:
    """The options a line names, by issue index.

    Raises:
        OfferReadError: ``practice_plain_nothing`` (nothing named),
            ``practice_plain_ambiguous`` (a phrase that fits two issues),
            ``practice_plain_twice`` (two options of one issue),
            ``practice_plain_near_miss`` (a figure that is no option),
            ``practice_bundle_term`` / ``practice_bundle_empty`` (a bundle that does not
            fit the rehearsal).

    """
    bundle = _bundle(bundles or {}, text)
    if bundle is not None:
        return _read_bundle(scenario, *bundle)
    issues = scenario.sheet.issues
    chosen: dict[int, set[int]] = {}
    covered: list[tuple[int, int]] = []
    for group in _groups(_hits(scenario, text)):
        start, end = min(h.start for h in group), max(h.end for h in group)
        covered.append((start, end))
        fits = {h.issue for h in group}
        if len(fits) > 1:
            near = fits & _named_near(scenario, text, start, end)
            if len(near) != 1:
                raise OfferReadError(
                    "practice_plain_ambiguous",
                    words=text[start:end],
                    issues=[issues[i].name for i in sorted(fits)],
                )
            fits = near
        issue = fits.pop()
        best = max((h for h in group if h.issue == issue), key=lambda h: h.end - h.start)
        chosen.setdefault(issue, set()).add(best.option)
    _near_misses(scenario, text, covered)
    for issue, options in chosen.items():
        if len(options) > 1:
            raise OfferReadError(
                "practice_plain_twice",
                issue=issues[issue].name,
                options=[issues[issue].options[k].label for k in sorted(options)],
            )
    if not chosen:
        raise OfferReadError(
            "practice_plain_nothing", text=text.strip()[:60], bundles=sorted(bundles or {})
        )
    return {issue: options.pop() for issue, options in chosen.items()}


def names_options(
    scenario: Scenario, text: str, bundles: Mapping[str, Mapping[str, str]] | None = None
) -> bool:
    """Whether a line is an offer in words.

    It names an option, a bundle or a near miss, or it has a figure (an amount, a number
    with a unit) that no option matches: during a rehearsal that is an offer to explain.
    """
    try:
        read_offer(scenario, text, bundles)
    except OfferReadError as exc:
        if exc.code == "practice_plain_nothing":
            return bool(_money(text) or _unit_readings(text))
    return True


def _near_misses(scenario: Scenario, text: str, covered: list[tuple[int, int]]) -> None:
    """Refuse a figure or number-and-unit that no option has, on an issue of that kind."""

    def inside(start: int, end: int) -> bool:
        return any(start < e and s < end for s, e in covered)

    issues = scenario.sheet.issues
    money_issues = [
        i
        for i, issue in enumerate(issues)
        if all(figure(o.label) is not None for o in issue.options)
    ]
    for start, end, _, said in _money(text):
        if not inside(start, end) and money_issues:
            _miss(scenario, text, start, end, money_issues, said)
    for start, end, _, unit in _unit_readings(text):
        if inside(start, end):
            continue
        same = [
            i
            for i, issue in enumerate(issues)
            if any(
                u == unit
                for o in issue.options
                for *_, u in _unit_readings(o.label.replace("-", " "))
            )
        ]
        if same:
            _miss(scenario, text, start, end, same, text[start:end])


def _miss(
    scenario: Scenario, text: str, start: int, end: int, candidates: list[int], said: str
) -> None:
    near = [i for i in candidates if i in _named_near(scenario, text, start, end)]
    issue = scenario.sheet.issues[(near or candidates)[0]]
    raise OfferReadError(
        "practice_plain_near_miss",
        said=said.strip(),
        issue=issue.name,
        options=[o.label for o in issue.options],
    )


def _bundle(
    bundles: Mapping[str, Mapping[str, str]], text: str
) -> tuple[str, Mapping[str, str]] | None:
    wanted = _fold(_BUNDLE_WORDS.sub("", text.strip()))
    return next(
        ((label, terms) for label, terms in bundles.items() if _fold(label) == wanted), None
    )


def _read_bundle(scenario: Scenario, label: str, terms: Mapping[str, str]) -> dict[int, int]:
    """A bundle's terms as options: terms on no issue of the rehearsal are left out."""
    issues = scenario.sheet.issues
    chosen: dict[int, int] = {}
    for key, value in terms.items():
        index = next((i for i, issue in enumerate(issues) if _fold(issue.name) == _fold(key)), None)
        if index is None:
            continue
        labels = [_fold(o.label) for o in issues[index].options]
        if _fold(value) in labels:
            chosen[index] = labels.index(_fold(value))
            continue
        found = {h.option for h in _hits(scenario, value, only=index)}
        if len(found) != 1:
            raise OfferReadError(
                "practice_bundle_term",
                label=label,
                issue=issues[index].name,
                value=value,
                options=[o.label for o in issues[index].options],
            )
        chosen[index] = found.pop()
    if not chosen:
        raise OfferReadError("practice_bundle_empty", label=label, issues=[i.name for i in issues])
    return chosen
